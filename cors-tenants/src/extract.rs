//! Choosing the tenant of a request from what a browser's preflight
//! carries.
//!
//! A preflight (`OPTIONS` with `Access-Control-Request-Method`) is sent by
//! the browser itself, before the page's request: it has the request's URL
//! and `Host`, but **no cookies, no `Authorization` and none of the page's
//! own headers** (those are only *named* in `Access-Control-Request-Headers`).
//! So the tenant must come from the URL — a path segment, the host's first
//! label, a query parameter — or from a header that something in front of
//! the service sets on every request, preflights included (a gateway).
//! [`TenantCors::new`](crate::TenantCors::new) refuses an extractor that
//! reads a header a preflight never carries.

use std::fmt;

use cors_runtime::RequestParts;

/// What an extractor reads, so a configuration that cannot work for
/// preflights is refused when it is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reads<'a> {
    /// The request's path, query or host: on every preflight.
    Url,
    /// A request header.
    Header(&'a str),
}

/// Finds the tenant id of a request.
pub trait TenantExtractor: Send + Sync + fmt::Debug {
    /// The tenant id the request names, as sent; `None` when it names none.
    /// The index refuses an id that is not valid before looking it up.
    fn tenant<'r>(&self, request: &'r dyn RequestParts) -> Option<&'r [u8]>;

    /// What it reads.
    fn reads(&self) -> Reads<'_>;
}

/// Request headers a browser never sends on a preflight, whatever the page
/// does: the credentials (R10).
const NEVER_ON_PREFLIGHT: [&str; 3] = ["cookie", "authorization", "proxy-authorization"];

/// Why an extractor cannot choose the tenant of a preflight, if it cannot.
pub(crate) fn preflight_problem(extractor: &dyn TenantExtractor) -> Option<String> {
    match extractor.reads() {
        Reads::Url => None,
        Reads::Header(name)
            if NEVER_ON_PREFLIGHT
                .iter()
                .any(|n| n.eq_ignore_ascii_case(name)) =>
        {
            Some(format!(
                "the tenant cannot come from `{name}`: browsers send no credentials on a preflight, so every preflight would be refused; take it from the path, the host or a query parameter"
            ))
        }
        Reads::Header(_) => None,
    }
}

/// The path segment after a fixed prefix: `PathSegment::after("/apps")`
/// reads `client-7` from `/apps/client-7/items`.
///
/// Segments are compared as sent (percent-encoded): an id is made of URL
/// unreserved characters, which are never encoded, so `/apps/%61pp` names
/// no tenant rather than `app`.
///
/// ```
/// use cors_tenants::{PathSegment, TenantExtractor};
/// let by_path = PathSegment::after("/apps");
/// let request = http::Request::get("/apps/client-7/items?x=1").body(()).unwrap();
/// assert_eq!(by_path.tenant(&request), Some(&b"client-7"[..]));
/// let other = http::Request::get("/applications/client-7").body(()).unwrap();
/// assert_eq!(by_path.tenant(&other), None);
/// ```
#[derive(Clone, Debug)]
pub struct PathSegment {
    prefix: Vec<String>,
}

impl PathSegment {
    /// The segment after `prefix`'s segments (`"/"` or `""`: the first).
    pub fn after(prefix: &str) -> PathSegment {
        PathSegment {
            prefix: prefix
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }
}

impl TenantExtractor for PathSegment {
    fn tenant<'r>(&self, request: &'r dyn RequestParts) -> Option<&'r [u8]> {
        let path = request.path();
        let mut segments = path.strip_prefix(b"/")?.split(|b| *b == b'/');
        for expected in &self.prefix {
            if segments.next()? != expected.as_bytes() {
                return None;
            }
        }
        segments.next().filter(|s| !s.is_empty())
    }

    fn reads(&self) -> Reads<'_> {
        Reads::Url
    }
}

/// The first label of the host under a fixed domain:
/// `HostLabel::under("api.example.com")` reads `acme` from
/// `acme.api.example.com[:port]`. One label only: `a.b.api.example.com`
/// names no tenant. Browsers send the host in lowercase; tenant ids used
/// this way should be lowercase too.
///
/// ```
/// use cors_tenants::{HostLabel, TenantExtractor};
/// let by_host = HostLabel::under("api.example.com");
/// let request = http::Request::get("/").header("host", "acme.api.example.com:8443").body(()).unwrap();
/// assert_eq!(by_host.tenant(&request), Some(&b"acme"[..]));
/// let deeper = http::Request::get("/").header("host", "x.acme.api.example.com").body(()).unwrap();
/// assert_eq!(by_host.tenant(&deeper), None);
/// ```
#[derive(Clone, Debug)]
pub struct HostLabel {
    /// `.` and the domain, lowercase.
    suffix: String,
}

impl HostLabel {
    /// Tenants are the labels directly under `domain`.
    pub fn under(domain: &str) -> HostLabel {
        HostLabel {
            suffix: format!(".{}", domain.trim_matches('.').to_ascii_lowercase()),
        }
    }
}

impl TenantExtractor for HostLabel {
    fn tenant<'r>(&self, request: &'r dyn RequestParts) -> Option<&'r [u8]> {
        let host = request.host()?;
        // The port, if any, is what follows the last `:` (no IPv6 host ends
        // in a tenant's domain).
        let name = match host.iter().rposition(|b| *b == b':') {
            Some(colon) if host[colon + 1..].iter().all(u8::is_ascii_digit) => &host[..colon],
            _ => host,
        };
        let name = name.strip_suffix(b".").unwrap_or(name);
        let label = name.strip_suffix(self.suffix.as_bytes())?;
        (!label.is_empty() && !label.contains(&b'.')).then_some(label)
    }

    fn reads(&self) -> Reads<'_> {
        Reads::Url
    }
}

/// A query parameter: `QueryParam::named("client_id")` reads `abc` from
/// `/authorize?client_id=abc&x=1`; its value is taken as sent (an id needs
/// no decoding).
///
/// Frameworks decode parameter names, and some take the first of repeated
/// parameters, others the last. So a query that names the parameter twice —
/// also in a spelling that decodes to it (`client%5Fid`, `client+id` for
/// `client id`) — names no tenant: the CORS decision is never taken for
/// one tenant while the application serves another.
///
/// ```
/// use cors_tenants::{QueryParam, TenantExtractor};
/// let by_query = QueryParam::named("client_id");
/// let request = http::Request::get("/token?scope=x&client_id=abc").body(()).unwrap();
/// assert_eq!(by_query.tenant(&request), Some(&b"abc"[..]));
/// let twice = http::Request::get("/token?client%5Fid=abc&client_id=evil").body(()).unwrap();
/// assert_eq!(by_query.tenant(&twice), None);
/// ```
#[derive(Clone, Debug)]
pub struct QueryParam {
    name: String,
}

impl QueryParam {
    /// The parameter `name`.
    pub fn named(name: &str) -> QueryParam {
        QueryParam {
            name: name.to_string(),
        }
    }
}

/// True when `raw` (a parameter name as sent) decodes to `name`: `%XX`
/// escapes and `+` for a space, as HTML forms encode them.
fn decodes_to(raw: &[u8], name: &[u8]) -> bool {
    let mut decoded = name.iter();
    let mut i = 0;
    while i < raw.len() {
        let byte = match raw[i] {
            b'%' => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (
                    raw.get(i + 1).and_then(|b| hex(*b)),
                    raw.get(i + 2).and_then(|b| hex(*b)),
                ) {
                    (Some(h), Some(l)) => {
                        i += 2;
                        (h * 16 + l) as u8
                    }
                    _ => b'%',
                }
            }
            b'+' => b' ',
            b => b,
        };
        if decoded.next() != Some(&byte) {
            return false;
        }
        i += 1;
    }
    decoded.next().is_none()
}

impl TenantExtractor for QueryParam {
    fn tenant<'r>(&self, request: &'r dyn RequestParts) -> Option<&'r [u8]> {
        let name = self.name.as_bytes();
        let mut found = None;
        for pair in request.query()?.split(|b| *b == b'&') {
            let (key, value) = match pair.iter().position(|b| *b == b'=') {
                Some(eq) => (&pair[..eq], Some(&pair[eq + 1..])),
                None => (pair, None),
            };
            if !decodes_to(key, name) {
                continue;
            }
            if found.is_some() {
                return None;
            }
            found = Some(value);
        }
        found.flatten()
    }

    fn reads(&self) -> Reads<'_> {
        Reads::Url
    }
}

/// A request header that a gateway in front of the service sets on every
/// request, preflights included (for example from a mapping of hosts to
/// tenants). A page's own headers are never on a preflight, and neither are
/// cookies or `Authorization`: [`TenantCors::new`](crate::TenantCors::new)
/// refuses those names.
///
/// ```
/// use cors_tenants::{GatewayHeader, TenantExtractor};
/// let by_header = GatewayHeader::named("x-tenant-id");
/// let request = http::Request::get("/").header("x-tenant-id", "acme").body(()).unwrap();
/// assert_eq!(by_header.tenant(&request), Some(&b"acme"[..]));
/// ```
#[derive(Clone, Debug)]
pub struct GatewayHeader {
    name: String,
}

impl GatewayHeader {
    /// The header `name` (any case).
    pub fn named(name: &str) -> GatewayHeader {
        GatewayHeader {
            name: name.to_ascii_lowercase(),
        }
    }
}

impl TenantExtractor for GatewayHeader {
    fn tenant<'r>(&self, request: &'r dyn RequestParts) -> Option<&'r [u8]> {
        request.header(&self.name)
    }

    fn reads(&self) -> Reads<'_> {
        Reads::Header(&self.name)
    }
}

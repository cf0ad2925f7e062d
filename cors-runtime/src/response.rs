//! Every fact about the response headers corsc sets, in one place: their
//! names ([`ResponseHeader::ALL`]), the fixed values a policy gives them
//! ([`FixedValue::ALL`] and their text), and the bounded list a decision
//! carries ([`ResponseHeaders`]).
//!
//! Which decision carries which header (the constructors in `decision.rs`
//! build them; R13, R18, R19, R21, R24, R27):
//!
//! | header | allowed preflight | allowed actual request | not CORS | rejected |
//! |---|---|---|---|---|
//! | `Access-Control-Allow-Origin` | the echoed origin, or `*` | the echoed origin, or `*` | `*` for an any-origin policy | — |
//! | `Access-Control-Allow-Credentials` | `true` with credentials | `true` with credentials | — | — |
//! | `Access-Control-Allow-Methods`, `-Allow-Headers`, `-Max-Age` | the policy's | — | — | — |
//! | `Access-Control-Expose-Headers` | — | the policy's | with `*` for an any-origin policy | — |
//! | `Vary` | `Origin, Access-Control-Request-Method, Access-Control-Request-Headers` (without `Origin` for `*`) | `Origin` unless `*` | `Origin` unless `*` | what the answer depended on |
//! | `Content-Type` | — | — | — | `application/json` under `forbid` |
//! | `x-corsc-policy` | the fingerprint, with `fingerprint_header` | — | — | the fingerprint on a rejection answered at once, with `fingerprint_header` |

/// The response headers a decision can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResponseHeader {
    /// `Access-Control-Allow-Origin`.
    AllowOrigin,
    /// `Access-Control-Allow-Credentials`.
    AllowCredentials,
    /// `Access-Control-Allow-Methods`.
    AllowMethods,
    /// `Access-Control-Allow-Headers`.
    AllowHeaders,
    /// `Access-Control-Max-Age`.
    MaxAge,
    /// `Access-Control-Expose-Headers`.
    ExposeHeaders,
    /// `Vary`: merge into the response's existing value, never replace it.
    Vary,
    /// `Content-Type` of a `forbid` error body.
    ContentType,
    /// `x-corsc-policy`: the policy's fingerprint, on the answers a policy
    /// with `fingerprint_header = true` makes itself (as edge
    /// configurations always do), so `cors probe` and a browser's network
    /// tab show which version answered.
    PolicyFingerprint,
}

impl ResponseHeader {
    /// Every response header a decision can carry. Every other list of
    /// header names (an adapter's framework names, the CLI's and the test
    /// harness's lists of CORS headers) is derived from this one.
    pub const ALL: [ResponseHeader; 9] = [
        ResponseHeader::AllowOrigin,
        ResponseHeader::AllowCredentials,
        ResponseHeader::AllowMethods,
        ResponseHeader::AllowHeaders,
        ResponseHeader::MaxAge,
        ResponseHeader::ExposeHeaders,
        ResponseHeader::Vary,
        ResponseHeader::ContentType,
        ResponseHeader::PolicyFingerprint,
    ];

    /// Position in [`ResponseHeader::ALL`], for tables indexed by header.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// True for the `Access-Control-*` headers, which only CORS sets (`Vary`
    /// and `Content-Type` are shared with the service's own;
    /// `x-corsc-policy` names the policy and decides nothing).
    pub const fn is_access_control(self) -> bool {
        !matches!(
            self,
            ResponseHeader::Vary | ResponseHeader::ContentType | ResponseHeader::PolicyFingerprint
        )
    }

    /// The lowercase header name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ResponseHeader::AllowOrigin => "access-control-allow-origin",
            ResponseHeader::AllowCredentials => "access-control-allow-credentials",
            ResponseHeader::AllowMethods => "access-control-allow-methods",
            ResponseHeader::AllowHeaders => "access-control-allow-headers",
            ResponseHeader::MaxAge => "access-control-max-age",
            ResponseHeader::ExposeHeaders => "access-control-expose-headers",
            ResponseHeader::Vary => "vary",
            ResponseHeader::ContentType => "content-type",
            ResponseHeader::PolicyFingerprint => "x-corsc-policy",
        }
    }
}

/// A response header value: a fixed value of the policy, or the request's own
/// `Origin` echoed back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderValue<'a> {
    /// One of the policy's fixed values, with its text.
    Fixed(FixedValue, &'a str),
    /// The request's `Origin` value, byte for byte (R18).
    RequestOrigin(&'a [u8]),
}

impl<'a> HeaderValue<'a> {
    /// The value's bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        match *self {
            HeaderValue::Fixed(_, text) => text.as_bytes(),
            HeaderValue::RequestOrigin(bytes) => bytes,
        }
    }
}

pub(crate) const MAX_HEADERS: usize = 7;

/// The headers a decision adds, in a stable order.
#[derive(Clone, Copy, Debug)]
pub struct ResponseHeaders<'a> {
    items: [(ResponseHeader, HeaderValue<'a>); MAX_HEADERS],
    len: u8,
}

impl<'a> ResponseHeaders<'a> {
    pub(crate) const fn new() -> Self {
        ResponseHeaders {
            items: [(
                ResponseHeader::Vary,
                HeaderValue::Fixed(FixedValue::Star, ""),
            ); MAX_HEADERS],
            len: 0,
        }
    }

    /// Adds a header; empty fixed values (a policy without that header) are
    /// skipped so callers need not test for them.
    pub(crate) fn push(&mut self, name: ResponseHeader, value: HeaderValue<'a>) {
        if value.as_bytes().is_empty() {
            return;
        }
        self.items[self.len as usize] = (name, value);
        self.len += 1;
    }

    /// The fingerprint, on an answer the adapter makes itself, when the
    /// policy sends it.
    pub(crate) fn push_fingerprint(&mut self, policy: &crate::Policy<'a>) {
        if policy.sends_fingerprint() {
            self.push(
                ResponseHeader::PolicyFingerprint,
                policy.header_value(FixedValue::Fingerprint),
            );
        }
    }

    /// Iterates over `(name, value)` pairs.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (ResponseHeader, HeaderValue<'a>)> + '_ {
        self.items[..self.len as usize].iter().copied()
    }

    /// The value of `name`, if the decision sets it.
    pub fn get(&self, name: ResponseHeader) -> Option<HeaderValue<'a>> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Number of headers.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// True when the decision adds no header.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A fixed header value of a policy: adapters may convert each one to their
/// framework's header type once, when they are built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FixedValue {
    /// `*`.
    Star,
    /// `true`.
    True,
    /// The `Access-Control-Allow-Methods` value.
    AllowMethods,
    /// The `Access-Control-Allow-Headers` value.
    AllowHeaders,
    /// The `Access-Control-Expose-Headers` value.
    ExposeHeaders,
    /// The `Access-Control-Max-Age` value.
    MaxAge,
    /// `Vary: Origin`, on every non-preflight response of a policy whose
    /// `Access-Control-Allow-Origin` depends on the request.
    VaryOrigin,
    /// `Vary` on preflight responses of such a policy.
    VaryPreflight,
    /// `Vary` on preflight responses of an any-origin policy.
    VaryRequestMethodHeaders,
    /// `Vary: Origin, Sec-Fetch-Site`: an unlisted origin's answer, when
    /// whether the browser called the request same-origin changes it (R28).
    VaryOriginSite,
    /// `Vary` on a rejected preflight from an unlisted origin: it depends on
    /// `Sec-Fetch-Site` too.
    VaryPreflightSite,
    /// `application/json`, the type of the `on_reject = "forbid"` body.
    Json,
    /// The policy's fingerprint ([`crate::Policy::fingerprint`]).
    Fingerprint,
}

impl FixedValue {
    /// Every fixed value, in a stable order.
    pub const ALL: [FixedValue; 13] = [
        FixedValue::Star,
        FixedValue::True,
        FixedValue::AllowMethods,
        FixedValue::AllowHeaders,
        FixedValue::ExposeHeaders,
        FixedValue::MaxAge,
        FixedValue::VaryOrigin,
        FixedValue::VaryPreflight,
        FixedValue::VaryRequestMethodHeaders,
        FixedValue::VaryOriginSite,
        FixedValue::VaryPreflightSite,
        FixedValue::Json,
        FixedValue::Fingerprint,
    ];

    /// `Vary` on preflight answers (R24): they depend on the requested method
    /// and headers, and on the origin unless the policy allows any origin.
    pub(crate) fn preflight_vary(policy: &crate::Policy<'_>) -> FixedValue {
        if policy.is_any_origin() {
            FixedValue::VaryRequestMethodHeaders
        } else {
            FixedValue::VaryPreflight
        }
    }

    /// Position in [`FixedValue::ALL`], for adapters that cache converted values.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The text of values that are the same in every policy.
    pub const fn static_text(self) -> Option<&'static str> {
        Some(match self {
            FixedValue::Star => "*",
            FixedValue::True => "true",
            FixedValue::VaryOrigin => "Origin",
            FixedValue::VaryPreflight => {
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
            }
            FixedValue::VaryRequestMethodHeaders => {
                "Access-Control-Request-Method, Access-Control-Request-Headers"
            }
            FixedValue::VaryOriginSite => "Origin, Sec-Fetch-Site",
            FixedValue::VaryPreflightSite => {
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Sec-Fetch-Site"
            }
            FixedValue::Json => "application/json",
            FixedValue::AllowMethods
            | FixedValue::AllowHeaders
            | FixedValue::ExposeHeaders
            | FixedValue::MaxAge
            | FixedValue::Fingerprint => return None,
        })
    }
}

/// The text of a list header (`Access-Control-Allow-Methods`, `-Allow-Headers`,
/// `-Expose-Headers`): `*` first when `any`, then the names, joined by `, `
/// (R29: one field of tokens, no empty element). The compiler builds each
/// policy's values with it.
pub fn list_value<'a>(any: bool, names: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for name in any.then_some("*").into_iter().chain(names) {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_in_index_order() {
        for (i, h) in ResponseHeader::ALL.iter().enumerate() {
            assert_eq!(h.index(), i);
            assert_eq!(h.as_str(), h.as_str().to_ascii_lowercase());
        }
        for (i, v) in FixedValue::ALL.iter().enumerate() {
            assert_eq!(v.index(), i);
        }
        let cors: Vec<&str> = ResponseHeader::ALL
            .iter()
            .filter(|h| h.is_access_control())
            .map(|h| h.as_str())
            .collect();
        assert!(
            cors.iter().all(|n| n.starts_with("access-control-")),
            "{cors:?}"
        );
        assert_eq!(cors.len(), 6);
    }

    #[test]
    fn list_values() {
        assert_eq!(list_value(false, ["GET", "PUT"]), "GET, PUT");
        assert_eq!(list_value(true, ["authorization"]), "*, authorization");
        assert_eq!(list_value(true, []), "*");
        assert_eq!(list_value(false, []), "");
    }
}

//! A reference evaluator: the CORS rules of `docs/fetch-cors-rules.md` written as
//! plainly as possible — linear scans over the validated policy, string
//! operations, no tables, no hashing, no fast paths — to serve as an oracle.
//! It shares no code with `cors-runtime`; property tests require the two to
//! agree on every decision and every header.

use cors_policy::PolicySpec;
use cors_policy::pattern::{HostPattern, OriginPattern, PortPattern};

use crate::Observed;

/// The longest `Origin` the runtime accepts.
const MAX_ORIGIN: usize = 1024;
/// The largest `Access-Control-Request-Headers` (all lines) it accepts.
const MAX_REQUEST_HEADERS: usize = 8192;

/// A parsed `Origin`.
enum Origin {
    Null,
    Tuple {
        scheme: String,
        host: String,
        /// Digits, empty for the default port.
        port: String,
        ipv6: bool,
    },
}

fn values<'a>(headers: &'a [(String, Vec<u8>)], name: &str) -> Vec<&'a [u8]> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_slice())
        .collect()
}

fn default_port(scheme: &str) -> Option<&'static str> {
    match scheme {
        "http" | "ws" => Some("80"),
        "https" | "wss" => Some("443"),
        "ftp" => Some("21"),
        _ => None,
    }
}

/// R1: `null`, or `scheme "://" host [ ":" port ]` in the form browsers
/// serialise.
fn parse_origin(bytes: &[u8]) -> Option<Origin> {
    if bytes.len() > MAX_ORIGIN {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    if text == "null" {
        return Some(Origin::Null);
    }
    let (scheme, rest) = text.split_once("://")?;
    let first = scheme.chars().next()?;
    if !first.is_ascii_lowercase()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c))
    {
        return None;
    }
    // `host [":" port]`; a `:` with nothing after it is not a port.
    let (host, port, ipv6) = if let Some(inner) = rest.strip_prefix('[') {
        let (address, after) = inner.split_once(']')?;
        if address.len() < 2
            || !address
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c) || c == ':' || c == '.')
        {
            return None;
        }
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (format!("[{address}]"), port, true)
    } else {
        let (host, port) = match rest.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        };
        // Host characters exclude `/`, `?` and `#`, so a path, query or
        // fragment fails here or in the port digits below.
        if host.is_empty()
            || host.trim_end_matches('.').len() > 253
            || host.len() > 254
            || !host
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-._".contains(c))
            || host.starts_with('.')
            || host.contains("..")
        {
            return None;
        }
        (host.to_string(), port, false)
    };
    if let Some(port) = port {
        let digits_ok = !port.is_empty()
            && port.len() <= 5
            && port.chars().all(|c| c.is_ascii_digit())
            && (!port.starts_with('0') || port == "0");
        if !digits_ok || port.parse::<u32>().ok()? > 65535 || default_port(scheme) == Some(port) {
            return None;
        }
    }
    let port = port.unwrap_or_default();
    Some(Origin::Tuple {
        scheme: scheme.to_string(),
        host,
        port: port.to_string(),
        ipv6,
    })
}

fn is_plain_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn pattern_matches(pattern: &OriginPattern, origin: &Origin) -> bool {
    match (pattern, origin) {
        (OriginPattern::Null, Origin::Null) => true,
        (
            OriginPattern::Tuple {
                scheme: ps,
                host: ph,
                port: pp,
            },
            Origin::Tuple {
                scheme,
                host,
                port,
                ipv6,
            },
        ) => {
            let port_ok = match pp {
                PortPattern::Default => port.is_empty(),
                PortPattern::Port(p) => *port == p.to_string(),
                PortPattern::Any => true,
            };
            let host_ok = match ph {
                HostPattern::Exact(h) => h == host,
                HostPattern::Subdomains(base) => {
                    !ipv6
                        && host
                            .strip_suffix(base.as_str())
                            .and_then(|front| front.strip_suffix('.'))
                            .is_some_and(|front| front.split('.').all(is_plain_label))
                }
            };
            ps == scheme && port_ok && host_ok
        }
        _ => false,
    }
}

fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
}

fn list(any: bool, names: &[String]) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if any {
        parts.push("*");
    }
    parts.extend(names.iter().map(String::as_str));
    parts.join(", ")
}

const VARY_ORIGIN: &str = "Origin";
const VARY_PREFLIGHT: &str =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
const VARY_PREFLIGHT_ANY: &str = "Access-Control-Request-Method, Access-Control-Request-Headers";
const VARY_ORIGIN_SITE: &str = "Origin, Sec-Fetch-Site";
const VARY_PREFLIGHT_SITE: &str =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Sec-Fetch-Site";

/// Collects headers, leaving out empty values (as the runtime does).
struct Out(Vec<[String; 2]>);

impl Out {
    fn add(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() {
            self.0.push([name.to_string(), value]);
        }
    }
}

/// What the reference decides for a request.
pub fn evaluate(spec: &PolicySpec, method: &[u8], headers: &[(String, Vec<u8>)]) -> Observed {
    let forbid = spec.on_reject == cors_policy::OnReject::Forbid;
    let any = spec.any_origin;
    let decision = |kind: &str, status: Option<u16>, out: Out, body: Option<&str>| Observed {
        kind: kind.to_string(),
        status,
        headers: out.0,
        body_code: body.map(str::to_string),
    };
    let not_cors_varying = |vary: &str| {
        let mut out = Out(Vec::new());
        if any {
            out.add("access-control-allow-origin", "*");
            out.add(
                "access-control-expose-headers",
                list(spec.any_expose, &spec.expose_headers),
            );
        } else {
            out.add("vary", vary);
        }
        decision("not_cors", None, out, None)
    };
    let not_cors = || not_cors_varying(VARY_ORIGIN);
    // `by_origin`: the refusal is about the Origin itself, which every
    // answer must then vary on, even in an any-origin policy (R24).
    let reject_varying = |preflight: bool, vary: &str, code: &str| {
        let mut out = Out(Vec::new());
        out.add("vary", vary);
        if forbid {
            out.add("content-type", "application/json");
        }
        let status = (preflight || forbid).then_some(403);
        decision("rejected", status, out, forbid.then_some(code))
    };
    let reject = |preflight: bool, by_origin: bool, code: &str| {
        let vary = match (preflight, any && !by_origin) {
            (true, true) => VARY_PREFLIGHT_ANY,
            (true, false) => VARY_PREFLIGHT,
            (false, _) => VARY_ORIGIN,
        };
        reject_varying(preflight, vary, code)
    };

    let origins = values(headers, "origin");
    let Some(&origin_bytes) = origins.first() else {
        return not_cors();
    };
    let preflight =
        method == b"OPTIONS" && !values(headers, "access-control-request-method").is_empty();
    if origins.len() > 1 {
        return reject(preflight, true, "cors_invalid_origin");
    }
    let Some(origin) = parse_origin(origin_bytes) else {
        return reject(preflight, true, "cors_invalid_origin");
    };
    let allowed = any || spec.origins.iter().any(|p| pattern_matches(p, &origin));
    if !allowed {
        let Origin::Tuple { .. } = origin else {
            return reject(preflight, true, "cors_origin_not_allowed");
        };
        // R28: the server's own origin is not a CORS request. The browser's
        // Sec-Fetch-Site decides when it is there; without it, only the
        // origins the policy names as the server's own. Where the two
        // answers differ (a preflight, or forbid), they vary on it.
        let site = values(headers, "sec-fetch-site");
        let same = match site.as_slice() {
            [one] => *one == b"same-origin",
            [] => spec
                .server_origins
                .iter()
                .any(|own| own.to_string().as_bytes() == origin_bytes),
            _ => false,
        };
        let site_matters = preflight || forbid;
        return match (same, site_matters) {
            (true, true) => not_cors_varying(VARY_ORIGIN_SITE),
            (true, false) => not_cors(),
            (false, true) if preflight => {
                reject_varying(true, VARY_PREFLIGHT_SITE, "cors_origin_not_allowed")
            }
            (false, true) => reject_varying(false, VARY_ORIGIN_SITE, "cors_origin_not_allowed"),
            (false, false) => reject(false, true, "cors_origin_not_allowed"),
        };
    }

    let mut out = Out(Vec::new());
    let allow_origin = if any {
        "*".to_string()
    } else {
        String::from_utf8_lossy(origin_bytes).into_owned()
    };
    out.add("access-control-allow-origin", allow_origin);
    if spec.credentials {
        out.add("access-control-allow-credentials", "true");
    }
    if !preflight {
        out.add(
            "access-control-expose-headers",
            list(spec.any_expose, &spec.expose_headers),
        );
        if !any {
            out.add("vary", VARY_ORIGIN);
        }
        return decision("actual", None, out, None);
    }

    // R14: the requested method.
    let methods = values(headers, "access-control-request-method");
    if methods.len() > 1 || !is_token(methods[0]) {
        return reject(true, false, "cors_invalid_preflight");
    }
    let method = methods[0];
    let method_ok = [&b"GET"[..], b"HEAD", b"POST"].contains(&method)
        || (spec.any_method && !spec.credentials)
        || spec.methods.iter().any(|m| m.as_bytes() == method);
    if !method_ok {
        return reject(true, false, "cors_method_not_allowed");
    }
    // R15: the requested headers.
    let lines = values(headers, "access-control-request-headers");
    // The lines as they combine, joined by `, `.
    let combined = lines.iter().map(|l| l.len()).sum::<usize>() + 2 * lines.len().saturating_sub(1);
    if combined > MAX_REQUEST_HEADERS {
        return reject(true, false, "cors_invalid_preflight");
    }
    let any_header = spec.any_header && !spec.credentials;
    for line in &lines {
        for element in line.split(|b| *b == b',') {
            let name = String::from_utf8_lossy(element);
            let name = name.trim_matches([' ', '\t']);
            if name.is_empty() {
                continue;
            }
            if !is_token(name.as_bytes()) {
                return reject(true, false, "cors_invalid_preflight");
            }
            let lower = name.to_ascii_lowercase();
            if spec.allow_headers.contains(&lower) {
                continue;
            }
            if lower == "authorization" || !any_header {
                return reject(true, false, "cors_header_not_allowed");
            }
        }
    }
    let methods_value = if spec.any_method {
        "*".to_string()
    } else {
        spec.methods.join(", ")
    };
    out.add("access-control-allow-methods", methods_value);
    out.add(
        "access-control-allow-headers",
        list(spec.any_header, &spec.allow_headers),
    );
    out.add(
        "access-control-max-age",
        spec.max_age.map(|m| m.to_string()).unwrap_or_default(),
    );
    out.add(
        "vary",
        if any {
            VARY_PREFLIGHT_ANY
        } else {
            VARY_PREFLIGHT
        },
    );
    decision("preflight", Some(spec.preflight_status), out, None)
}

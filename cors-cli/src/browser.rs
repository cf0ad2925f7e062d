//! What a browser does with a cross-origin `fetch()`: whether it sends a
//! preflight (R5, R8), the preflight it sends (R9, R10), and the checks it
//! runs on the answers (R12–R15, R18–R21), with the message Chromium prints
//! when a check fails. `cors explain` feeds it a policy's answers, `cors
//! probe` a live server's.

use std::fmt;

/// Methods a page may use without a preflight (R4).
const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// Methods `fetch()` upper-cases whatever case the page writes (R4).
const NORMALISED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

use cors_policy::fetch::{
    FORBIDDEN_METHODS, SAFELISTED_RESPONSE_HEADERS, is_forbidden_request_header,
};
use cors_runtime::browser;

/// A `fetch()` as a page makes it.
#[derive(Clone, Debug)]
pub(crate) struct BrowserRequest {
    pub(crate) url: String,
    pub(crate) origin: String,
    /// After `fetch()`'s normalisation.
    pub(crate) method: String,
    /// Headers the page set and the browser sends, names lowercased.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) credentials: bool,
    /// What the browser changed or dropped, in plain words.
    pub(crate) notes: Vec<String>,
}

impl BrowserRequest {
    /// Applies `fetch()`'s rules to what the page asked for.
    pub(crate) fn new(
        url: &str,
        origin: &str,
        method: &str,
        headers: &[(String, String)],
        credentials: bool,
    ) -> Result<BrowserRequest, String> {
        let mut notes = Vec::new();
        let upper = method.to_ascii_uppercase();
        if FORBIDDEN_METHODS.contains(&upper.as_str()) {
            return Err(format!(
                "fetch() refuses the method {method}: browsers never send CONNECT, TRACE or TRACK"
            ));
        }
        let method = if NORMALISED_METHODS.contains(&upper.as_str()) {
            if upper != method {
                notes.push(format!("fetch() sends `{method}` as `{upper}`"));
            }
            upper
        } else {
            method.to_string()
        };
        let mut sent = Vec::new();
        for (name, value) in headers {
            if is_forbidden_request_header(name) {
                notes.push(format!(
                    "a page cannot set `{name}` (a forbidden request header): the browser drops it"
                ));
                continue;
            }
            sent.push((name.to_ascii_lowercase(), value.clone()));
        }
        Ok(BrowserRequest {
            url: url.to_string(),
            origin: origin.to_string(),
            method,
            headers: sent,
            credentials,
            notes,
        })
    }

    /// The names of the headers that are not CORS-safelisted, lowercase,
    /// sorted and deduplicated: the value of
    /// `Access-Control-Request-Headers` (R10).
    pub(crate) fn unsafe_header_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .headers
            .iter()
            .filter(|(name, value)| !is_safelisted_header(name, value))
            .map(|(name, _)| name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Why the browser sends a preflight; empty when it does not (R8).
    pub(crate) fn preflight_reasons(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        if !SAFELISTED_METHODS.contains(&self.method.as_str()) {
            reasons.push(format!(
                "{} is not a CORS-safelisted method (only GET, HEAD and POST are)",
                self.method
            ));
        }
        for (name, value) in &self.headers {
            if !is_safelisted_header(name, value) {
                let why = match name.as_str() {
                    "content-type" => format!(
                        "content-type `{value}` is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain"
                    ),
                    _ => format!("the header `{name}` is not CORS-safelisted"),
                };
                if !reasons.contains(&why) {
                    reasons.push(why);
                }
            }
        }
        reasons
    }

    /// The preflight's headers (R9): Origin, the method and the unsafe
    /// header names. Preflights never carry credentials (R11).
    pub(crate) fn preflight_headers(&self) -> Vec<(String, String)> {
        let mut headers = vec![
            ("origin".to_string(), self.origin.clone()),
            (
                "access-control-request-method".to_string(),
                self.method.clone(),
            ),
        ];
        let names = self.unsafe_header_names();
        if !names.is_empty() {
            headers.push((
                "access-control-request-headers".to_string(),
                names.join(","),
            ));
        }
        headers
    }

    /// The actual request's headers: Origin and the page's headers.
    pub(crate) fn actual_headers(&self) -> Vec<(String, String)> {
        let mut headers = vec![("origin".to_string(), self.origin.clone())];
        headers.extend(self.headers.iter().cloned());
        headers
    }
}

/// CORS-safelisted request headers (R5).
fn is_safelisted_header(name: &str, value: &str) -> bool {
    if value.len() > 128 {
        return false;
    }
    match name {
        "accept" | "accept-language" | "content-language" => true,
        "content-type" => {
            let essence = value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            matches!(
                essence.as_str(),
                "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
            )
        }
        "range" => value.starts_with("bytes=") && !value.contains(','),
        _ => false,
    }
}

/// A response's headers: lowercase names, one entry per line.
pub(crate) type Headers = [(String, String)];

fn lines<'a>(headers: &'a Headers, name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect()
}

fn list(headers: &Headers, name: &str) -> Vec<String> {
    lines(headers, name)
        .iter()
        .flat_map(|line| line.split(','))
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

/// Why the browser blocked a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    MissingAllowOrigin,
    MultipleAllowOrigin(String),
    WildcardWithCredentials,
    AllowOriginMismatch(String),
    InvalidAllowCredentials(String),
    PreflightStatus(u16),
    InvalidAllowMethods,
    InvalidAllowHeaders,
    MethodNotAllowed(String),
    HeaderNotAllowed(String),
}

impl fmt::Display for Block {
    /// Chromium's wording of the failed check.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Block::MissingAllowOrigin => f.write_str(
                "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            ),
            Block::MultipleAllowOrigin(v) => write!(
                f,
                "The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but only one is allowed."
            ),
            Block::WildcardWithCredentials => f.write_str(
                "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
            ),
            Block::AllowOriginMismatch(v) => write!(
                f,
                "The 'Access-Control-Allow-Origin' header has a value '{v}' that is not equal to the supplied origin."
            ),
            Block::InvalidAllowCredentials(v) => write!(
                f,
                "The value of the 'Access-Control-Allow-Credentials' header in the response is '{v}' which must be 'true' when the request's credentials mode is 'include'."
            ),
            Block::PreflightStatus(_) => f.write_str("It does not have HTTP ok status."),
            Block::InvalidAllowMethods => f.write_str(
                "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
            ),
            Block::InvalidAllowHeaders => f.write_str(
                "Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
            ),
            Block::MethodNotAllowed(m) => write!(
                f,
                "Method {m} is not allowed by Access-Control-Allow-Methods in preflight response."
            ),
            Block::HeaderNotAllowed(h) => write!(
                f,
                "Request header field {h} is not allowed by Access-Control-Allow-Headers in preflight response."
            ),
        }
    }
}

/// Which response a check was about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    Preflight,
    Actual,
}

/// The line Chromium prints in the page's console.
pub(crate) fn console_message(request: &BrowserRequest, stage: Stage, block: &Block) -> String {
    let prefix = format!(
        "Access to fetch at '{}' from origin '{}' has been blocked by CORS policy: ",
        request.url, request.origin
    );
    let check_failed = !matches!(
        block,
        Block::MethodNotAllowed(_)
            | Block::HeaderNotAllowed(_)
            | Block::InvalidAllowMethods
            | Block::InvalidAllowHeaders
    );
    let mut message = prefix;
    if stage == Stage::Preflight && check_failed {
        message.push_str("Response to preflight request doesn't pass access control check: ");
    }
    message.push_str(&block.to_string());
    if stage == Stage::Actual && *block == Block::MissingAllowOrigin {
        message.push_str(" If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.");
    }
    message
}

/// A response's status and headers as the runtime's browser model reads
/// them.
struct Answer<'a> {
    status: u16,
    headers: &'a Headers,
}

impl cors_runtime::browser::ResponseView for Answer<'_> {
    type Values<'a>
        = std::vec::IntoIter<&'a [u8]>
    where
        Self: 'a;

    fn status(&self) -> u16 {
        self.status
    }

    fn header_values(&self, name: cors_runtime::ResponseHeader) -> Self::Values<'_> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name.as_str()))
            .map(|(_, v)| v.trim().as_bytes())
            .collect::<Vec<_>>()
            .into_iter()
    }
}

/// The runtime's verdict with the values Chromium's message quotes.
fn worded(request: &BrowserRequest, headers: &Headers, block: browser::Block<'_>) -> Block {
    use browser::Block as B;
    match block {
        B::MissingAllowOrigin => Block::MissingAllowOrigin,
        B::MultipleAllowOrigin => {
            Block::MultipleAllowOrigin(lines(headers, "access-control-allow-origin").join(", "))
        }
        B::WildcardWithCredentials => Block::WildcardWithCredentials,
        B::AllowOriginMismatch => Block::AllowOriginMismatch(
            lines(headers, "access-control-allow-origin")
                .first()
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ),
        B::InvalidAllowCredentials => Block::InvalidAllowCredentials(
            lines(headers, "access-control-allow-credentials").join(", "),
        ),
        B::PreflightStatus(status) => Block::PreflightStatus(status),
        B::InvalidAllowMethods => Block::InvalidAllowMethods,
        B::InvalidAllowHeaders => Block::InvalidAllowHeaders,
        B::MethodNotAllowed => Block::MethodNotAllowed(request.method.clone()),
        B::HeaderNotAllowed(name) => {
            Block::HeaderNotAllowed(String::from_utf8_lossy(name).into_owned())
        }
    }
}

/// Checks a preflight response (R12–R15) with the runtime's model of the
/// browser, in Chromium's order (the CORS headers before the status).
pub(crate) fn check_preflight(
    request: &BrowserRequest,
    status: u16,
    headers: &Headers,
) -> Result<(), Block> {
    let names = request.unsafe_header_names();
    browser::check_preflight(
        &Answer { status, headers },
        request.origin.as_bytes(),
        request.method.as_bytes(),
        names.iter().map(String::as_bytes),
        request.credentials,
    )
    .map_err(|block| worded(request, headers, block))
}

/// Checks an actual response (R18–R20): the status does not matter.
pub(crate) fn check_actual(request: &BrowserRequest, headers: &Headers) -> Result<(), Block> {
    browser::cors_check(
        &Answer { status: 0, headers },
        request.origin.as_bytes(),
        request.credentials,
    )
    .map_err(|block| worded(request, headers, block))
}

/// The response headers the page can read (R7, R21), of those present.
pub(crate) fn readable_headers(request: &BrowserRequest, headers: &Headers) -> Vec<String> {
    let exposed = list(headers, "access-control-expose-headers");
    let all = !request.credentials && exposed.iter().any(|h| h == "*");
    let mut names: Vec<String> = headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .filter(|n| {
            n != "set-cookie"
                && n != "set-cookie2"
                && (SAFELISTED_RESPONSE_HEADERS.contains(&n.as_str())
                    || all
                    || exposed.iter().any(|e| e.eq_ignore_ascii_case(n)))
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The response header names the page may read under these CORS headers,
/// whether or not the service sets them: the safelisted names, then the
/// exposed ones (R7, R21).
pub(crate) fn readable_names(request: &BrowserRequest, headers: &Headers) -> Vec<String> {
    let mut names: Vec<String> = SAFELISTED_RESPONSE_HEADERS
        .iter()
        .map(|s| s.to_string())
        .collect();
    for name in list(headers, "access-control-expose-headers") {
        let name = name.to_ascii_lowercase();
        if name == "*" {
            if !request.credentials {
                names.push("every other header but set-cookie".to_string());
            }
        } else if name != "set-cookie" && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, headers: &[(&str, &str)], credentials: bool) -> BrowserRequest {
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        BrowserRequest::new(
            "https://api.example.com/items",
            "https://app.example.com",
            method,
            &headers,
            credentials,
        )
        .unwrap()
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn preflight_triggers() {
        // R8: safelisted method and headers need no preflight.
        let simple = request(
            "get",
            &[("Content-Type", "text/plain; charset=utf-8")],
            false,
        );
        assert_eq!(simple.method, "GET");
        assert!(simple.preflight_reasons().is_empty());
        // R5: application/json is not a safelisted content type.
        let json = request("POST", &[("Content-Type", "application/json")], false);
        assert_eq!(json.preflight_reasons().len(), 1);
        // R4: `patch` is not normalised, so it is sent as written.
        let patch = request("patch", &[("X-Request-Id", "1")], false);
        assert_eq!(patch.method, "patch");
        assert_eq!(patch.preflight_reasons().len(), 2);
        assert_eq!(
            patch.preflight_headers()[2],
            (
                "access-control-request-headers".to_string(),
                "x-request-id".to_string()
            )
        );
        // R6: forbidden headers are dropped, not sent.
        let cookie = request("GET", &[("Cookie", "a=1")], false);
        assert!(cookie.headers.is_empty());
        assert_eq!(cookie.notes.len(), 1);
        assert!(
            BrowserRequest::new("u", "o", "TRACE", &[], false).is_err(),
            "R4"
        );
    }

    #[test]
    fn cors_check_is_exact() {
        let r = request("GET", &[], true);
        let ok = headers(&[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
        ]);
        assert_eq!(check_actual(&r, &ok), Ok(()));
        // R18: two lines, `*` with credentials, a trailing slash.
        let two = headers(&[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-origin", "https://app.example.com"),
        ]);
        assert!(matches!(
            check_actual(&r, &two),
            Err(Block::MultipleAllowOrigin(_))
        ));
        let star = headers(&[("access-control-allow-origin", "*")]);
        assert_eq!(check_actual(&r, &star), Err(Block::WildcardWithCredentials));
        assert_eq!(check_actual(&request("GET", &[], false), &star), Ok(()));
        let slash = headers(&[("access-control-allow-origin", "https://app.example.com/")]);
        assert!(matches!(
            check_actual(&r, &slash),
            Err(Block::AllowOriginMismatch(_))
        ));
        // R19: credentials need exactly `true`.
        let no_acac = headers(&[("access-control-allow-origin", "https://app.example.com")]);
        assert_eq!(
            check_actual(&r, &no_acac),
            Err(Block::InvalidAllowCredentials(String::new()))
        );
    }

    #[test]
    fn preflight_checks() {
        let r = request(
            "PUT",
            &[("Authorization", "Bearer x"), ("X-Trace", "1")],
            false,
        );
        let base = [("access-control-allow-origin", "https://app.example.com")];
        let with = |extra: &[(&str, &str)]| {
            let mut h = headers(&base);
            h.extend(headers(extra));
            h
        };
        // R12: the status must be 2xx, checked after the origin.
        assert_eq!(
            check_preflight(&r, 403, &with(&[])),
            Err(Block::PreflightStatus(403))
        );
        assert_eq!(
            check_preflight(&r, 403, &[]),
            Err(Block::MissingAllowOrigin)
        );
        // R14: methods are case-sensitive.
        assert_eq!(
            check_preflight(&r, 204, &with(&[("access-control-allow-methods", "put")])),
            Err(Block::MethodNotAllowed("PUT".into()))
        );
        // R15: `*` does not cover authorization.
        assert_eq!(
            check_preflight(
                &r,
                204,
                &with(&[
                    ("access-control-allow-methods", "PUT"),
                    ("access-control-allow-headers", "*")
                ])
            ),
            Err(Block::HeaderNotAllowed("authorization".into()))
        );
        assert_eq!(
            check_preflight(
                &r,
                204,
                &with(&[
                    ("access-control-allow-methods", "GET, PUT"),
                    ("access-control-allow-headers", "X-Trace, authorization")
                ])
            ),
            Ok(())
        );
    }

    #[test]
    fn chromium_wording() {
        let r = request("PUT", &[], false);
        assert_eq!(
            console_message(&r, Stage::Preflight, &Block::MissingAllowOrigin),
            "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."
        );
        assert_eq!(
            console_message(&r, Stage::Preflight, &Block::MethodNotAllowed("PUT".into())),
            "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
        );
    }

    #[test]
    fn readable_headers_follow_expose_rules() {
        let h = headers(&[
            ("content-type", "application/json"),
            ("x-total-count", "3"),
            ("x-secret", "s"),
            ("set-cookie", "a=1"),
            ("access-control-expose-headers", "x-total-count"),
        ]);
        let r = request("GET", &[], true);
        assert_eq!(readable_headers(&r, &h), ["content-type", "x-total-count"]);
        let mut star = h.clone();
        star.push(("access-control-expose-headers".into(), "*".into()));
        // R21: `*` exposes all but Set-Cookie without credentials, nothing
        // extra with them.
        assert_eq!(
            readable_headers(&request("GET", &[], false), &star),
            [
                "access-control-expose-headers",
                "content-type",
                "x-secret",
                "x-total-count"
            ]
        );
        assert_eq!(
            readable_headers(&r, &star),
            ["content-type", "x-total-count"]
        );
    }
}

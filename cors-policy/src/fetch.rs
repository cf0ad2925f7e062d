//! Names the Fetch standard fixes, shared by the lint rules and by the `cors`
//! CLI's model of a browser, so the two cannot disagree.

/// Request headers a page's script can never set (R6), besides any name
/// starting with `sec-` or `proxy-`.
pub const FORBIDDEN_REQUEST_HEADERS: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// True for a request header a page cannot set (R6), in any case.
///
/// ```
/// assert!(cors_policy::fetch::is_forbidden_request_header("Cookie"));
/// assert!(cors_policy::fetch::is_forbidden_request_header("sec-fetch-mode"));
/// assert!(!cors_policy::fetch::is_forbidden_request_header("x-request-id"));
/// ```
pub fn is_forbidden_request_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    FORBIDDEN_REQUEST_HEADERS.contains(&lower.as_str())
        || lower.starts_with("sec-")
        || lower.starts_with("proxy-")
}

/// Methods browsers never send (R4).
pub const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// True for a method browsers never send, in any case (R4).
pub fn is_forbidden_method(method: &str) -> bool {
    FORBIDDEN_METHODS
        .iter()
        .any(|f| f.eq_ignore_ascii_case(method))
}

/// Response headers a page can always read (R7).
pub const SAFELISTED_RESPONSE_HEADERS: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

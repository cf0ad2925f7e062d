//! Syntax of a serialised origin as browsers send it (Fetch R1).
//!
//! Parsing is a single left-to-right pass with no allocation. It accepts
//! exactly the byte strings a browser can put in an `Origin` header: `null`, or
//! a lowercase `scheme://host[:port]` with no default port, no userinfo, no
//! path and nothing after. Everything else is a malformed origin, which the
//! evaluator rejects rather than trying to interpret.

/// The longest `Origin` value accepted. A DNS name is at most 253 bytes, so
/// this leaves ample room for a scheme and port; longer values are hostile.
pub const MAX_ORIGIN_LEN: usize = 1024;

/// The longest host a browser can send, in bytes: the DNS limit on a name.
/// The compiler refuses longer hosts in patterns, the parser in requests.
pub const MAX_HOST_LEN: usize = 253;

/// The longest label of a DNS name, in bytes.
pub const MAX_LABEL_LEN: usize = 63;

/// Why a request's `Origin` value is not a serialised origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OriginError {
    /// The value is empty.
    Empty,
    /// The value is longer than [`MAX_ORIGIN_LEN`].
    TooLong,
    /// No `scheme://` prefix, or the scheme has characters a scheme cannot have.
    BadScheme,
    /// The host is empty, has an empty label, or has characters a serialised
    /// host never contains (upper case, `@`, `%`, spaces, non-ASCII…).
    BadHost,
    /// The port is not 1–5 digits without a leading zero, is above 65535, or
    /// is the scheme's default port (browsers omit it).
    BadPort,
    /// Something follows the host and port: a path, `/`, query or fragment.
    TrailingData,
}

impl OriginError {
    /// A short description, used in decision reasons.
    pub fn as_str(self) -> &'static str {
        match self {
            OriginError::Empty => "the Origin header is empty",
            OriginError::TooLong => "the Origin header is longer than 1024 bytes",
            OriginError::BadScheme => "the Origin header has no valid lowercase scheme://",
            OriginError::BadHost => "the Origin header's host is not a lowercase serialised host",
            OriginError::BadPort => {
                "the Origin header's port is malformed or is the scheme's default port"
            }
            OriginError::TrailingData => "the Origin header has data after the host and port",
        }
    }
}

impl std::fmt::Display for OriginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for OriginError {}

/// Byte positions inside a valid serialised tuple origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TupleOrigin<'a> {
    /// The whole value.
    pub text: &'a [u8],
    /// End of the scheme (the `:` of `://`).
    pub scheme_end: usize,
    /// Start of the host (just after `://`).
    pub host_start: usize,
    /// End of the host (a `:` before the port, or the end of the value).
    pub host_end: usize,
    /// True when the host is a bracketed IPv6 address.
    pub ipv6: bool,
}

impl<'a> TupleOrigin<'a> {
    /// The scheme, without `://`.
    pub fn scheme(&self) -> &'a [u8] {
        &self.text[..self.scheme_end]
    }
    /// The host, brackets included for IPv6.
    pub fn host(&self) -> &'a [u8] {
        &self.text[self.host_start..self.host_end]
    }
    /// The port digits, empty when the origin uses the default port.
    pub fn port(&self) -> &'a [u8] {
        if self.host_end == self.text.len() {
            &[]
        } else {
            &self.text[self.host_end + 1..]
        }
    }
    /// The origin without its port: `scheme://host`.
    pub fn without_port(&self) -> &'a [u8] {
        &self.text[..self.host_end]
    }
}

/// A request's parsed `Origin` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestOrigin<'a> {
    /// The literal `null` sent for opaque origins (R2).
    Null,
    /// `scheme://host[:port]`.
    Tuple(TupleOrigin<'a>),
}

/// The port a scheme uses when none is written, if it has one.
pub fn default_port(scheme: &[u8]) -> Option<&'static [u8]> {
    match scheme {
        b"http" | b"ws" => Some(b"80"),
        b"https" | b"wss" => Some(b"443"),
        b"ftp" => Some(b"21"),
        _ => None,
    }
}

fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
}

/// Bytes a serialised domain or IPv4 host can contain.
fn is_host_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'_')
}

/// Parses a request's `Origin` value.
///
/// ```
/// use cors_runtime::origin::{parse, RequestOrigin, OriginError};
/// let RequestOrigin::Tuple(o) = parse(b"https://app.example.com:8443").unwrap() else { panic!() };
/// assert_eq!(o.host(), b"app.example.com");
/// assert_eq!(o.port(), b"8443");
/// assert_eq!(parse(b"https://app.example.com:443"), Err(OriginError::BadPort));
/// assert_eq!(parse(b"https://app.example.com/"), Err(OriginError::TrailingData));
/// ```
pub fn parse(text: &[u8]) -> Result<RequestOrigin<'_>, OriginError> {
    if text.is_empty() {
        return Err(OriginError::Empty);
    }
    if text.len() > MAX_ORIGIN_LEN {
        return Err(OriginError::TooLong);
    }
    if text == b"null" {
        return Ok(RequestOrigin::Null);
    }
    // Scheme.
    if !text[0].is_ascii_lowercase() {
        return Err(OriginError::BadScheme);
    }
    let mut i = 1;
    while i < text.len() && is_scheme_byte(text[i]) {
        i += 1;
    }
    if !text[i..].starts_with(b"://") {
        return Err(OriginError::BadScheme);
    }
    let scheme_end = i;
    let host_start = i + 3;
    i = host_start;

    // Host.
    let ipv6 = text.get(i) == Some(&b'[');
    if ipv6 {
        i += 1;
        let start = i;
        while i < text.len()
            && (text[i].is_ascii_digit() || matches!(text[i], b'a'..=b'f' | b':' | b'.'))
        {
            i += 1;
        }
        if i - start < 2 || text.get(i) != Some(&b']') {
            return Err(OriginError::BadHost);
        }
        i += 1;
    } else {
        let start = i;
        let mut label_len = 0usize;
        while i < text.len() && is_host_byte(text[i]) {
            if text[i] == b'.' {
                // Empty labels are invalid; a single trailing dot is not an
                // empty label (the dot follows a label).
                if label_len == 0 {
                    return Err(OriginError::BadHost);
                }
                label_len = 0;
            } else {
                label_len += 1;
            }
            i += 1;
        }
        // DNS names are at most 253 bytes (254 with a trailing dot); no page
        // is served from a longer host.
        if i == start || i - start > MAX_HOST_LEN + usize::from(text[i - 1] == b'.') {
            return Err(OriginError::BadHost);
        }
    }
    let host_end = i;

    // Port and end.
    if i == text.len() {
        return Ok(RequestOrigin::Tuple(TupleOrigin {
            text,
            scheme_end,
            host_start,
            host_end,
            ipv6,
        }));
    }
    match text[i] {
        b':' => {}
        b'/' | b'?' | b'#' => return Err(OriginError::TrailingData),
        _ => return Err(OriginError::BadHost),
    }
    let digits = &text[i + 1..];
    if !is_valid_port(&text[..scheme_end], digits) {
        return Err(if digits.iter().any(|b| matches!(b, b'/' | b'?' | b'#')) {
            OriginError::TrailingData
        } else {
            OriginError::BadPort
        });
    }
    Ok(RequestOrigin::Tuple(TupleOrigin {
        text,
        scheme_end,
        host_start,
        host_end,
        ipv6,
    }))
}

/// True for port digits a browser sends: 1–5 digits without a leading zero,
/// at most 65535, and not the scheme's default port.
pub(crate) fn is_valid_port(scheme: &[u8], digits: &[u8]) -> bool {
    let well_formed = !digits.is_empty()
        && digits.len() <= 5
        && digits.iter().all(u8::is_ascii_digit)
        && (digits[0] != b'0' || digits.len() == 1);
    well_formed
        && digits
            .iter()
            .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
            <= 65535
        && default_port(scheme) != Some(digits)
}

/// Bytes of a DNS label in the LDH form (letters, digits, hyphen), lowercase:
/// the only bytes a subdomain wildcard accepts in front of its base.
const LDH: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-';
        b += 1;
    }
    t
};

/// True for a byte of a lowercase LDH label (one table read).
#[inline(always)]
pub(crate) fn is_ldh_byte(b: u8) -> bool {
    LDH[b as usize]
}

/// True when a label of LDH bytes is a DNS label: 1–63 bytes, no hyphen at
/// either end.
#[inline(always)]
pub(crate) fn is_ldh_label_shape(label: &[u8]) -> bool {
    (1..=MAX_LABEL_LEN).contains(&label.len())
        && label.first() != Some(&b'-')
        && label.last() != Some(&b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tuple(s: &str) -> TupleOrigin<'_> {
        match parse(s.as_bytes()) {
            Ok(RequestOrigin::Tuple(t)) => t,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn accepts_serialised_origins() {
        let o = tuple("https://app.example.com");
        assert_eq!(
            (o.scheme(), o.host(), o.port()),
            (&b"https"[..], &b"app.example.com"[..], &b""[..])
        );
        let o = tuple("http://localhost:3000");
        assert_eq!(
            (o.host(), o.port(), o.without_port()),
            (&b"localhost"[..], &b"3000"[..], &b"http://localhost"[..])
        );
        let o = tuple("https://[::1]:8443");
        assert!(o.ipv6);
        assert_eq!(o.host(), b"[::1]");
        assert_eq!(
            tuple("chrome-extension://abcdefghijklmnop").scheme(),
            b"chrome-extension"
        );
        assert_eq!(tuple("http://127.0.0.1:0").port(), b"0");
        assert_eq!(tuple("https://example.com.").host(), b"example.com.");
        assert_eq!(parse(b"null"), Ok(RequestOrigin::Null));
    }

    #[test]
    fn rejects_what_browsers_never_send() {
        let cases: &[(&str, OriginError)] = &[
            ("", OriginError::Empty),
            ("Null", OriginError::BadScheme),
            ("HTTPS://example.com", OriginError::BadScheme),
            ("https//example.com", OriginError::BadScheme),
            ("example.com", OriginError::BadScheme),
            ("https://", OriginError::BadHost),
            ("https://Example.com", OriginError::BadHost),
            ("https://user@example.com", OriginError::BadHost),
            ("https://exa mple.com", OriginError::BadHost),
            ("https://a..example.com", OriginError::BadHost),
            ("https://.example.com", OriginError::BadHost),
            ("https://example.com:443", OriginError::BadPort),
            ("http://example.com:80", OriginError::BadPort),
            ("https://example.com:", OriginError::BadPort),
            ("https://example.com:08443", OriginError::BadPort),
            ("https://example.com:65536", OriginError::BadPort),
            ("https://example.com:123456", OriginError::BadPort),
            ("https://example.com/", OriginError::TrailingData),
            ("https://example.com:8443/x", OriginError::TrailingData),
            ("https://example.com?x", OriginError::TrailingData),
            ("https://[::1", OriginError::BadHost),
            ("https://[]", OriginError::BadHost),
            ("https://b\u{fc}cher.example", OriginError::BadHost),
            ("https://example.com, https://a.test", OriginError::BadHost),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input.as_bytes()), Err(*expected), "{input:?}");
        }
        assert_eq!(
            parse(&vec![b'a'; MAX_ORIGIN_LEN + 1]),
            Err(OriginError::TooLong)
        );
        assert_eq!(parse(b"https://ex\xffample.com"), Err(OriginError::BadHost));
    }

    #[test]
    fn ldh_labels() {
        let is_ldh_label = |l: &[u8]| is_ldh_label_shape(l) && l.iter().all(|b| is_ldh_byte(*b));
        assert!(is_ldh_label(b"a") && is_ldh_label(b"xn--bcher-kva") && is_ldh_label(b"a-b9"));
        assert!(is_ldh_label(&[b'a'; MAX_LABEL_LEN]));
        for bad in [
            &b""[..],
            b"-",
            b"-a",
            b"a-",
            b"a_b",
            b"A",
            b"a`b",
            b"a.b",
            &[b'a'; 64],
        ] {
            assert!(!is_ldh_label(bad), "{bad:?}");
        }
    }
}

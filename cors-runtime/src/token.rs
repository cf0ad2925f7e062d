//! RFC 9110 tokens and the request-header list of a preflight.

/// The most bytes of `Access-Control-Request-Headers` (all lines together)
/// the evaluator reads. Browsers send a short sorted list of names; anything
/// longer is hostile and is rejected before any of it is parsed.
pub const MAX_REQUEST_HEADERS_LEN: usize = 8192;

/// The `tchar`s of RFC 9110 §5.6.2, as a table: one read per byte.
const TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    t
};

/// True for a `tchar` (RFC 9110 §5.6.2).
#[inline(always)]
pub(crate) fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

/// True for a non-empty token.
#[inline]
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|b| is_tchar(*b))
}

/// Strips spaces and tabs on both sides (HTTP optional whitespace).
#[inline]
pub(crate) fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// Iterates over the non-empty elements of comma-separated header lines,
/// trimmed of optional whitespace (R10: lenient parsing).
pub(crate) fn list_elements<'a, I>(lines: I) -> impl Iterator<Item = &'a [u8]>
where
    I: Iterator<Item = &'a [u8]>,
{
    lines
        .flat_map(|line| line.split(|b| *b == b','))
        .map(trim_ows)
        .filter(|e| !e.is_empty())
}

/// True if `name` is in `list` (a comma-separated list of lowercase names),
/// compared ASCII case-insensitively.
#[inline]
pub(crate) fn list_contains_ignore_case(list: &str, name: &[u8]) -> bool {
    !list.is_empty()
        && list
            .as_bytes()
            .split(|b| *b == b',')
            .any(|item| item.len() == name.len() && item.eq_ignore_ascii_case(name))
}

/// True if `name` is in `list` (comma-separated), byte for byte.
#[inline]
pub(crate) fn list_contains_exact(list: &str, name: &[u8]) -> bool {
    !list.is_empty()
        && list
            .as_bytes()
            .split(|b| *b == b',')
            .any(|item| item == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert!(is_token(b"PATCH") && is_token(b"x-request-id") && is_token(b"*"));
        for bad in [&b""[..], b"a b", b"a,b", b"a;b", b"\xff", b"a\r\n", b"(x)"] {
            assert!(!is_token(bad), "{bad:?}");
        }
    }

    #[test]
    fn tchar_table_is_rfc_9110() {
        let spec = b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        for b in 0..=255u8 {
            assert_eq!(is_tchar(b), spec.contains(&b), "byte {b:#04x}");
        }
    }

    #[test]
    fn list_parsing_is_lenient() {
        let lines: [&[u8]; 2] = [b" x-a ,\t, X-B,,", b"x-c"];
        let got: Vec<&[u8]> = list_elements(lines.into_iter()).collect();
        assert_eq!(got, [&b"x-a"[..], b"X-B", b"x-c"]);
        assert_eq!(trim_ows(b" \t "), b"");
    }

    #[test]
    fn list_lookup() {
        assert!(list_contains_ignore_case("content-type,x-a", b"X-A"));
        assert!(!list_contains_ignore_case("content-type,x-a", b"x-ab"));
        assert!(!list_contains_ignore_case("", b""));
        assert!(list_contains_exact("PUT,patch", b"patch"));
        assert!(!list_contains_exact("PUT,patch", b"PATCH"));
    }
}

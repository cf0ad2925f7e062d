//! RFC 9110 tokens and the request-header list of a preflight.

use crate::table::RawTable;

/// The most bytes of `Access-Control-Request-Headers` (all lines together)
/// the evaluator reads. Browsers send a short sorted list of names; anything
/// longer is hostile and is rejected before any of it is parsed.
pub const MAX_REQUEST_HEADERS_LEN: usize = 8192;

/// The longest header name a policy may allow (the compiler refuses longer
/// ones). A requested name longer than this is never allowed, so the
/// evaluator lowercases each name into a buffer of this size and looks it up
/// in one probe: the cost of a preflight's header check is linear in the
/// request value and independent of the allow-list's length.
pub const MAX_HEADER_NAME_LEN: usize = 256;

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

/// The elements of a header list that must be tokens, in one pass over the
/// bytes: each non-empty element of [`list_elements`], as `Ok` when it is a
/// token and as `Err` (trimmed, like [`list_elements`] gives it) when it is
/// not. The same sequence as `list_elements(..).map(is_token check)`, with a
/// table read per byte and no per-element trimming or searching — the
/// request-header check of every preflight runs on it.
pub(crate) struct TokenElements<'a, I> {
    lines: I,
    line: &'a [u8],
    at: usize,
}

impl<'a, I: Iterator<Item = &'a [u8]>> TokenElements<'a, I> {
    pub(crate) fn new(lines: I) -> Self {
        TokenElements {
            lines,
            line: &[],
            at: 0,
        }
    }
}

impl<'a, I: Iterator<Item = &'a [u8]>> Iterator for TokenElements<'a, I> {
    type Item = Result<&'a [u8], &'a [u8]>;

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = self.line;
            let mut i = self.at;
            // Separators and the whitespace around them.
            while i < line.len() && matches!(line[i], b',' | b' ' | b'\t') {
                i += 1;
            }
            if i == line.len() {
                self.line = self.lines.next()?;
                self.at = 0;
                continue;
            }
            let start = i;
            while i < line.len() && is_tchar(line[i]) {
                i += 1;
            }
            let token_end = i;
            while i < line.len() && matches!(line[i], b' ' | b'\t') {
                i += 1;
            }
            if i == line.len() || line[i] == b',' {
                self.at = i;
                return Some(Ok(&line[start..token_end]));
            }
            // Not a token: the whole element, to its comma, trimmed.
            let end = line[i..]
                .iter()
                .position(|b| *b == b',')
                .map_or(line.len(), |p| i + p);
            self.at = end;
            return Some(Err(trim_ows(&line[start..end])));
        }
    }
}

/// True if `name` (any case) is in `names`, a table of lowercase names: the
/// name is lowercased into a stack buffer and looked up once.
#[inline]
pub(crate) fn table_contains_ignore_case(names: &RawTable<'_>, name: &[u8]) -> bool {
    /// Most header names fit here; clearing a larger buffer for each name
    /// would cost more than the lookup.
    const SHORT: usize = 32;
    fn probe<const N: usize>(names: &RawTable<'_>, name: &[u8]) -> bool {
        let mut lower = [0u8; N];
        let lower = &mut lower[..name.len()];
        for (to, from) in lower.iter_mut().zip(name) {
            *to = from.to_ascii_lowercase();
        }
        names.contains(lower)
    }
    if names.is_empty() {
        false
    } else if name.len() <= SHORT {
        probe::<SHORT>(names, name)
    } else if name.len() <= MAX_HEADER_NAME_LEN {
        probe::<MAX_HEADER_NAME_LEN>(names, name)
    } else {
        false
    }
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

    proptest::proptest! {
        #[test]
        fn token_elements_are_list_elements_checked(
            lines in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(b"ab ,\t\x01(\xff".to_vec()), 0..24),
                0..4,
            )
        ) {
            let refs: Vec<&[u8]> = lines.iter().map(|l| l.as_slice()).collect();
            let fast: Vec<Result<&[u8], &[u8]>> = TokenElements::new(refs.iter().copied()).collect();
            let plain: Vec<Result<&[u8], &[u8]>> = list_elements(refs.iter().copied())
                .map(|e| if is_token(e) { Ok(e) } else { Err(e) })
                .collect();
            proptest::prop_assert_eq!(fast, plain);
        }
    }

    #[test]
    fn table_lookup_ignores_case() {
        let long = "x".repeat(MAX_HEADER_NAME_LEN);
        let names: [&[u8]; 3] = [b"content-type", b"x-a", long.as_bytes()];
        let table = crate::table::OwnedTable::build(&names).unwrap();
        let view = table.view();
        assert!(table_contains_ignore_case(&view, b"X-A"));
        assert!(table_contains_ignore_case(&view, b"Content-Type"));
        assert!(!table_contains_ignore_case(&view, b"x-ab"));
        assert!(!table_contains_ignore_case(&view, b""));
        assert!(table_contains_ignore_case(
            &view,
            long.to_uppercase().as_bytes()
        ));
        let longer = format!("{long}x");
        assert!(!table_contains_ignore_case(&view, longer.as_bytes()));
        let empty = crate::table::OwnedTable::default();
        assert!(!table_contains_ignore_case(&empty.view(), b"x-a"));
    }
}

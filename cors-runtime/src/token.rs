//! RFC 9110 tokens and the request-header list of a preflight.

use crate::table::RawTable;

/// The most bytes of `Access-Control-Request-Headers` the evaluator reads,
/// counting its lines as they combine (joined by `, `). Browsers send one
/// short sorted list of names; anything longer is hostile and is rejected
/// before any of it is parsed.
pub const MAX_REQUEST_HEADERS_LEN: usize = 8192;

/// True when `lines`, joined by `, ` as a list header's lines combine, fit
/// in [`MAX_REQUEST_HEADERS_LEN`]. Reads line lengths only, and stops at
/// the first line past the bound: many empty lines count too.
#[inline]
pub(crate) fn within_request_headers_bound<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> bool {
    let mut total = 0usize;
    for line in lines {
        total += line.len() + 2;
        if total > MAX_REQUEST_HEADERS_LEN + 2 {
            return false;
        }
    }
    true
}

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

/// Byte classes of the plain-list scan: bit 0 marks a byte that is neither a
/// `tchar` nor a comma, bit 1 a `z` in either case (the one letter that
/// `authorization` has once and that is rare in header names).
const PLAIN_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        if !(TCHAR[b] || b == b',' as usize) {
            t[b] |= NOT_PLAIN;
        }
        if b == b'z' as usize || b == b'Z' as usize {
            t[b] |= LETTER_Z;
        }
        b += 1;
    }
    t
};
const NOT_PLAIN: u8 = 1;
const LETTER_Z: u8 = 2;
/// Bytes classified per step: no exit inside a chunk, so each step is
/// straight-line table reads, and a hostile line ends at its first bad chunk.
const CHUNK: usize = 32;

/// What a plain-list scan found in one header line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PlainLine {
    /// A byte other than a `tchar` or a comma (whitespace, a control byte):
    /// the line needs [`TokenElements`] to find its elements.
    NotPlain,
    /// Only `tchar`s and commas, so every element is a token; `authorization`
    /// tells whether one of them is `authorization` in some case.
    Plain {
        /// An element equal to `authorization`, ignoring case.
        authorization: bool,
    },
}

/// Classifies one line of a header list with straight-line table reads (no
/// branch per byte or per element): what browsers send (`a,b,c`, tokens and
/// commas, nothing else) is decided without looking at any element on its
/// own. A line with a `z` gets a second pass for `authorization`.
pub(crate) fn scan_plain_line(line: &[u8]) -> PlainLine {
    let mut class = 0u8;
    for chunk in line.chunks(CHUNK) {
        class |= chunk
            .iter()
            .fold(0u8, |acc, b| acc | PLAIN_CLASS[*b as usize]);
        if class & NOT_PLAIN != 0 {
            return PlainLine::NotPlain;
        }
    }
    PlainLine::Plain {
        authorization: class & LETTER_Z != 0 && names_authorization(line),
    }
}

const AUTHORIZATION: &[u8] = b"authorization";
/// Where `authorization` has its `z`.
const Z_AT: usize = 7;

/// Interior starts screened per step: the screen of a step is a bit mask,
/// and only the starts whose bit is set are compared.
const SCREEN_STEP: usize = 64;

/// True when a plain line (elements end at commas or at the line's ends) has
/// the element `authorization`, in any case. Each possible start is screened
/// by three byte compares — a comma before it, a `z` where `authorization`
/// has one, a comma after it — into a bit mask, 64 starts at a time without
/// a branch, and only the starts whose bit is set are compared (two word
/// compares). A screen hit needs an element of 13 bytes, so even a line made
/// of nothing else costs one comparison per 7 bytes at most.
fn names_authorization(line: &[u8]) -> bool {
    let Some(last) = line.len().checked_sub(AUTHORIZATION.len()) else {
        return false;
    };
    if is_authorization_at(line, 0) || is_authorization_at(line, last) {
        return true;
    }
    // Interior starts 1..last: the comma before at `start - 1`, the `z` at
    // `start + Z_AT`, the comma after at `start + AUTHORIZATION.len()`.
    let mut first = 1;
    while first < last {
        let end = (first + SCREEN_STEP).min(last);
        let before = &line[first - 1..end - 1];
        let zs = &line[first + Z_AT..end + Z_AT];
        let after = &line[first + AUTHORIZATION.len()..end + AUTHORIZATION.len()];
        // A byte per start (vectorised), then packed into bits a word at a
        // time (each byte 0 or 1: the multiply gathers the 8 low bits).
        let mut hits = [0u8; SCREEN_STEP];
        for (h, ((b, z), a)) in hits.iter_mut().zip(before.iter().zip(zs).zip(after)) {
            *h = u8::from((*b == b',') & (*z | 0x20 == b'z') & (*a == b','));
        }
        let mut mask = 0u64;
        for (i, chunk) in hits.chunks_exact(8).enumerate() {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            let bits = u64::from_le_bytes(w).wrapping_mul(0x0102_0408_1020_4080) >> 56;
            mask |= bits << (8 * i);
        }
        while mask != 0 {
            let start = first + mask.trailing_zeros() as usize;
            if is_authorization_bytes(&line[start..start + AUTHORIZATION.len()]) {
                return true;
            }
            mask &= mask - 1;
        }
        first = end;
    }
    false
}

/// True when the element starting at `start` of a plain line is
/// `authorization`, in any case.
#[inline]
fn is_authorization_at(line: &[u8], start: usize) -> bool {
    let end = start + AUTHORIZATION.len();
    end <= line.len()
        && (start == 0 || line[start - 1] == b',')
        && (end == line.len() || line[end] == b',')
        && is_authorization_bytes(&line[start..end])
}

/// True when 13 bytes are `authorization` in any case: every byte of it is a
/// letter, so setting the case bit (0x20) of each byte and comparing two
/// overlapping words decides it.
#[inline]
fn is_authorization_bytes(bytes: &[u8]) -> bool {
    const CASE: u64 = 0x2020_2020_2020_2020;
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(w) | CASE
    };
    bytes.len() == AUTHORIZATION.len()
        && word(0) == u64::from_le_bytes(*b"authoriz")
        && word(5) == u64::from_le_bytes(*b"rization")
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

    /// Lines made of `authorization` whole and cut, in both cases, next to
    /// commas and letters — half of them plain (tokens and commas only),
    /// half with whitespace and bytes that are not `tchar`s.
    fn line_pieces() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        let plain: Vec<&'static [u8]> = vec![
            b"authorization",
            b"AuthoriZation",
            b"authorizatio",
            b"uthorization",
            b"zation",
            b"z",
            b"Z",
            b",",
            b",,",
            b"a",
            b"x-a",
        ];
        let mut any = plain.clone();
        any.extend([&b" "[..], b"\t", b"\xff", b"("]);
        proptest::prop_oneof![
            proptest::collection::vec(proptest::sample::select(plain), 0..24),
            proptest::collection::vec(proptest::sample::select(any), 0..24),
        ]
        .prop_map(|p| p.concat())
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #[test]
        fn plain_scan_agrees_with_the_element_reading(line in line_pieces()) {
            let plain = line.iter().all(|b| is_tchar(*b) || *b == b',');
            let expected = if plain {
                PlainLine::Plain {
                    authorization: list_elements(core::iter::once(&line[..]))
                        .any(|e| e.eq_ignore_ascii_case(b"authorization")),
                }
            } else {
                PlainLine::NotPlain
            };
            proptest::prop_assert_eq!(scan_plain_line(&line), expected);
        }
    }

    #[test]
    fn authorization_bytes_in_any_case_and_nothing_else() {
        assert!(is_authorization_bytes(b"authorization"));
        assert!(is_authorization_bytes(b"AUTHORIZATION"));
        assert!(is_authorization_bytes(b"AuThOrIzAtIoN"));
        // Bytes that differ from a letter only in the case bit are not letters.
        for (i, b) in b"authorization".iter().enumerate() {
            for other in [b ^ 0x20 ^ 0x40, b ^ 1, b'@', b'`', b'\x01'] {
                let mut bytes = *b"authorization";
                bytes[i] = other;
                if bytes.eq_ignore_ascii_case(b"authorization") {
                    continue;
                }
                assert!(!is_authorization_bytes(&bytes), "{:?}", bytes);
            }
        }
        assert!(!is_authorization_bytes(b"authorizatio"));
    }

    #[test]
    fn plain_scan_finds_authorization_across_chunks() {
        // `authorization` at every offset, at the ends of the line, and glued
        // to other letters (not an element then).
        for pad in 0..2 * SCREEN_STEP + 20 {
            let line = format!("{}authorization", "a,".repeat(pad / 2));
            let line = if pad % 2 == 1 {
                format!("{line},b")
            } else {
                line
            };
            assert_eq!(
                scan_plain_line(line.as_bytes()),
                PlainLine::Plain {
                    authorization: true
                },
                "{line}"
            );
            for glue in ["x", "z", "-", "authorization"] {
                let glued = format!(
                    "{}{glue}authorization,authorization{glue}",
                    "a,".repeat(pad / 2)
                );
                assert_eq!(
                    scan_plain_line(glued.as_bytes()),
                    PlainLine::Plain {
                        authorization: false
                    },
                    "{glued}"
                );
            }
        }
        assert_eq!(
            scan_plain_line(b""),
            PlainLine::Plain {
                authorization: false
            }
        );
        assert_eq!(scan_plain_line(b"a, b"), PlainLine::NotPlain);
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

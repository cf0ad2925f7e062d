//! What a browser does with the answer to a cross-origin request (R12–R15,
//! R18, R19): the CORS check on `Access-Control-Allow-Origin` and
//! `-Allow-Credentials`, and a preflight's checks on its status, methods
//! and headers — over bytes, allocating nothing for the lists browsers
//! send. The shadow layer judges a service's existing answers with it;
//! `cors explain` and `cors probe` word its verdicts as Chromium does.
//!
//! ```
//! use cors_runtime::browser::{self, Block, ResponseView};
//! use cors_runtime::ResponseHeader;
//!
//! struct Answer(&'static [(ResponseHeader, &'static [u8])]);
//! impl ResponseView for Answer {
//!     type Values<'a> = Box<dyn Iterator<Item = &'a [u8]> + 'a>;
//!     fn status(&self) -> u16 { 204 }
//!     fn header_values(&self, name: ResponseHeader) -> Self::Values<'_> {
//!         Box::new(self.0.iter().filter(move |(n, _)| *n == name).map(|(_, v)| *v))
//!     }
//! }
//! let answer = Answer(&[
//!     (ResponseHeader::AllowOrigin, b"https://app.example"),
//!     (ResponseHeader::AllowMethods, b"PUT"),
//!     (ResponseHeader::AllowHeaders, b"*"),
//! ]);
//! let origin = b"https://app.example";
//! assert_eq!(browser::check_preflight(&answer, origin, b"PUT", [&b"x-id"[..]], false), Ok(()));
//! // `*` never covers authorization (R15), and credentials make it literal.
//! assert_eq!(
//!     browser::check_preflight(&answer, origin, b"PUT", [&b"authorization"[..]], false),
//!     Err(Block::HeaderNotAllowed(b"authorization"))
//! );
//! assert_eq!(browser::cors_check(&answer, b"https://evil.example", false), Err(Block::AllowOriginMismatch));
//! ```

use crate::response::ResponseHeader;

/// A response's status and headers, as a browser reads them.
pub trait ResponseView {
    /// Iterator over one header's lines.
    type Values<'a>: Iterator<Item = &'a [u8]>
    where
        Self: 'a;

    /// The status code.
    fn status(&self) -> u16;

    /// Every line of `name`, in order.
    fn header_values(&self, name: ResponseHeader) -> Self::Values<'_>;
}

/// Why a browser blocks a response: the check that failed. Chromium's
/// wording of each is `cors explain`'s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block<'a> {
    /// No `Access-Control-Allow-Origin` (R18).
    MissingAllowOrigin,
    /// More than one line or value of `Access-Control-Allow-Origin` (R18).
    MultipleAllowOrigin,
    /// `*` for a request with credentials (R19).
    WildcardWithCredentials,
    /// `Access-Control-Allow-Origin` is not the request's origin (R18).
    AllowOriginMismatch,
    /// With credentials, `Access-Control-Allow-Credentials` is not `true`
    /// (R19).
    InvalidAllowCredentials,
    /// A preflight's status is not 2xx (R12).
    PreflightStatus(u16),
    /// An element of `Access-Control-Allow-Methods` is not a token: the
    /// browser cannot parse the list, and fails the preflight (R14).
    InvalidAllowMethods,
    /// An element of `Access-Control-Allow-Headers` is not a token (R15).
    InvalidAllowHeaders,
    /// The method is neither safelisted nor allowed (R14).
    MethodNotAllowed,
    /// A requested header is not allowed (R15).
    HeaderNotAllowed(&'a [u8]),
}

/// Methods that need no permission (R4).
const SAFELISTED_METHODS: [&[u8]; 3] = [b"GET", b"HEAD", b"POST"];

/// A header value without the spaces and tabs around it.
pub(crate) fn trim(value: &[u8]) -> &[u8] {
    let start = value
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |i| i + 1);
    &value[start..end]
}

/// The items of a list header's lines: split at commas, trimmed, empty
/// ones dropped.
pub fn list_items<'a>(lines: impl Iterator<Item = &'a [u8]>) -> impl Iterator<Item = &'a [u8]> {
    lines
        .flat_map(|line| line.split(|b| *b == b','))
        .map(trim)
        .filter(|item| !item.is_empty())
}

/// The CORS check (R18, R19) of a response to a request from `origin`.
pub fn cors_check<R: ResponseView + ?Sized>(
    response: &R,
    origin: &[u8],
    credentials: bool,
) -> Result<(), Block<'static>> {
    let mut lines = response.header_values(ResponseHeader::AllowOrigin);
    let Some(first) = lines.next().map(trim) else {
        return Err(Block::MissingAllowOrigin);
    };
    if lines.next().is_some() || first.contains(&b',') {
        return Err(Block::MultipleAllowOrigin);
    }
    if first == b"*" {
        if credentials {
            return Err(Block::WildcardWithCredentials);
        }
    } else if first != origin {
        return Err(Block::AllowOriginMismatch);
    }
    if credentials && !allows_credentials(response) {
        return Err(Block::InvalidAllowCredentials);
    }
    Ok(())
}

/// True when `Access-Control-Allow-Credentials` is exactly one `true`.
pub fn allows_credentials<R: ResponseView + ?Sized>(response: &R) -> bool {
    let mut lines = response.header_values(ResponseHeader::AllowCredentials);
    matches!(
        (lines.next().map(trim), lines.next()),
        (Some(b"true"), None)
    )
}

/// A preflight's checks (R12–R15) on its response, for the requested
/// `method` and header `names`: the CORS check, then the status, then
/// the method and each name. Chromium checks the CORS headers before the
/// status.
pub fn check_preflight<'n, R: ResponseView + ?Sized>(
    response: &R,
    origin: &[u8],
    method: &[u8],
    names: impl IntoIterator<Item = &'n [u8]>,
    credentials: bool,
) -> Result<(), Block<'n>> {
    cors_check(response, origin, credentials)?;
    let status = response.status();
    if !(200..300).contains(&status) {
        return Err(Block::PreflightStatus(status));
    }
    let methods = Items::new(response.header_values(ResponseHeader::AllowMethods), false);
    if !methods.all_tokens() {
        return Err(Block::InvalidAllowMethods);
    }
    let allowed = Items::new(response.header_values(ResponseHeader::AllowHeaders), true);
    if !allowed.all_tokens() {
        return Err(Block::InvalidAllowHeaders);
    }
    let any_method = !credentials && methods.contains(b"*");
    if !SAFELISTED_METHODS.contains(&method) && !any_method && !methods.contains(method) {
        return Err(Block::MethodNotAllowed);
    }
    let any_header = !credentials && allowed.contains(b"*");
    for name in names {
        // `*` never covers Authorization (R15).
        let covered = any_header && !name.eq_ignore_ascii_case(b"authorization");
        if !covered && !allowed.contains(name) {
            return Err(Block::HeaderNotAllowed(name));
        }
    }
    Ok(())
}

/// The items of a list header, for membership tests: scanned in place
/// while short (what servers send), sorted once when long in bytes (a
/// server that mirrors an 8 KiB request list — empty elements count, they
/// are bytes to scan), so a test reads at most [`SCAN_BYTES`] bytes or
/// `log n` items and a response's check stays near-linear.
pub(crate) struct Items<'a> {
    lines: Lines<'a>,
    sorted: Option<Vec<&'a [u8]>>,
    ignore_case: bool,
}

/// A header's lines: the first few inline, so a response's usual one line
/// costs no allocation.
struct Lines<'a> {
    inline: [&'a [u8]; 4],
    len: usize,
    spill: Vec<&'a [u8]>,
}

impl<'a> Lines<'a> {
    fn new(lines: impl Iterator<Item = &'a [u8]>) -> Self {
        let mut out = Lines {
            inline: [&[]; 4],
            len: 0,
            spill: Vec::new(),
        };
        for line in lines {
            match out.inline.get_mut(out.len) {
                Some(slot) => *slot = line,
                None => out.spill.push(line),
            }
            out.len += 1;
        }
        out
    }

    fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.inline[..self.len.min(4)]
            .iter()
            .chain(self.spill.iter())
            .copied()
    }
}

/// How many bytes of lines are scanned in place; longer lists are sorted.
pub(crate) const SCAN_BYTES: usize = 64;

impl<'a> Items<'a> {
    pub(crate) fn new(lines: impl Iterator<Item = &'a [u8]>, ignore_case: bool) -> Self {
        let lines = Lines::new(lines);
        let long = lines.iter().map(<[u8]>::len).sum::<usize>() > SCAN_BYTES;
        let sorted = long.then(|| {
            let mut items: Vec<&[u8]> = list_items(lines.iter()).collect();
            items.sort_unstable_by(|a, b| compare(a, b, ignore_case));
            items.dedup_by(|a, b| compare(a, b, ignore_case).is_eq());
            items
        });
        Items {
            lines,
            sorted,
            ignore_case,
        }
    }

    pub(crate) fn contains(&self, item: &[u8]) -> bool {
        match &self.sorted {
            Some(sorted) => sorted
                .binary_search_by(|probe| compare(probe, item, self.ignore_case))
                .is_ok(),
            None => list_items(self.lines.iter()).any(|i| equal(i, item, self.ignore_case)),
        }
    }

    /// True when every item is a token (R14, R15).
    pub(crate) fn all_tokens(&self) -> bool {
        self.iter().all(crate::is_token)
    }

    /// Every item, in order (repeats included).
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        list_items(self.lines.iter())
    }

    /// True when both lists hold the same items, whatever their order and
    /// repeats.
    pub(crate) fn same_set(&self, other: &Items<'_>) -> bool {
        self.iter().all(|i| other.contains(i)) && other.iter().all(|i| self.contains(i))
    }
}

fn equal(a: &[u8], b: &[u8], ignore_case: bool) -> bool {
    if ignore_case {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

fn compare(a: &[u8], b: &[u8], ignore_case: bool) -> std::cmp::Ordering {
    if ignore_case {
        a.iter()
            .map(u8::to_ascii_lowercase)
            .cmp(b.iter().map(u8::to_ascii_lowercase))
    } else {
        a.cmp(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Answer {
        status: u16,
        headers: Vec<(ResponseHeader, Vec<u8>)>,
    }

    impl ResponseView for Answer {
        type Values<'a> = std::vec::IntoIter<&'a [u8]>;
        fn status(&self) -> u16 {
            self.status
        }
        fn header_values(&self, name: ResponseHeader) -> Self::Values<'_> {
            self.headers
                .iter()
                .filter(|(n, _)| *n == name)
                .map(|(_, v)| v.as_slice())
                .collect::<Vec<_>>()
                .into_iter()
        }
    }

    fn answer(status: u16, headers: &[(ResponseHeader, &str)]) -> Answer {
        Answer {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (*n, v.as_bytes().to_vec()))
                .collect(),
        }
    }

    const O: &[u8] = b"https://app.example.com";
    use ResponseHeader::*;

    #[test]
    fn the_cors_check_is_exact() {
        let ok = answer(
            200,
            &[
                (AllowOrigin, "https://app.example.com"),
                (AllowCredentials, "true"),
            ],
        );
        assert_eq!(cors_check(&ok, O, true), Ok(()));
        let two = answer(
            200,
            &[(AllowOrigin, "https://app.example.com"), (AllowOrigin, "*")],
        );
        assert_eq!(cors_check(&two, O, false), Err(Block::MultipleAllowOrigin));
        let star = answer(200, &[(AllowOrigin, "*")]);
        assert_eq!(
            cors_check(&star, O, true),
            Err(Block::WildcardWithCredentials)
        );
        assert_eq!(cors_check(&star, O, false), Ok(()));
        let slash = answer(200, &[(AllowOrigin, "https://app.example.com/")]);
        assert_eq!(
            cors_check(&slash, O, false),
            Err(Block::AllowOriginMismatch)
        );
        let no_acac = answer(200, &[(AllowOrigin, "https://app.example.com")]);
        assert_eq!(
            cors_check(&no_acac, O, true),
            Err(Block::InvalidAllowCredentials)
        );
        assert_eq!(
            cors_check(&answer(200, &[]), O, false),
            Err(Block::MissingAllowOrigin)
        );
    }

    #[test]
    fn preflight_checks_follow_the_rules() {
        let base = |extra: &[(ResponseHeader, &str)]| {
            let mut h = vec![(AllowOrigin, "https://app.example.com")];
            h.extend_from_slice(extra);
            answer(204, &h)
        };
        let names = [&b"authorization"[..], b"X-Trace"];
        assert_eq!(
            check_preflight(
                &answer(403, &[(AllowOrigin, "https://app.example.com")]),
                O,
                b"GET",
                [],
                false
            ),
            Err(Block::PreflightStatus(403))
        );
        // R14: methods are case-sensitive; safelisted ones always pass.
        let put = base(&[(AllowMethods, "put")]);
        assert_eq!(
            check_preflight(&put, O, b"PUT", [], false),
            Err(Block::MethodNotAllowed)
        );
        assert_eq!(check_preflight(&put, O, b"POST", [], false), Ok(()));
        // R15: `*` does not cover authorization, and is literal with credentials.
        let star = base(&[(AllowMethods, "PUT"), (AllowHeaders, "*")]);
        assert_eq!(
            check_preflight(&star, O, b"PUT", names, false),
            Err(Block::HeaderNotAllowed(b"authorization"))
        );
        let listed = base(&[
            (AllowMethods, "GET, PUT"),
            (AllowHeaders, "x-trace, Authorization"),
        ]);
        assert_eq!(check_preflight(&listed, O, b"PUT", names, false), Ok(()));
        let any_method = base(&[(AllowMethods, "*")]);
        assert_eq!(check_preflight(&any_method, O, b"PATCH", [], false), Ok(()));
        // One element that is not a token fails the whole list (R14, R15).
        let bad_methods = base(&[(AllowMethods, "PUT, DELETE x")]);
        assert_eq!(
            check_preflight(&bad_methods, O, b"GET", [], false),
            Err(Block::InvalidAllowMethods)
        );
        let bad_headers = base(&[(AllowMethods, "PUT"), (AllowHeaders, "x-a, x b")]);
        assert_eq!(
            check_preflight(&bad_headers, O, b"PUT", [], false),
            Err(Block::InvalidAllowHeaders)
        );
        // Empty elements are not elements.
        let sparse = base(&[(AllowMethods, "PUT,, ,GET")]);
        assert_eq!(check_preflight(&sparse, O, b"PUT", [], false), Ok(()));
    }

    #[test]
    fn long_lists_are_sorted_and_decide_the_same() {
        let many: Vec<String> = (0..500).map(|i| format!("X-H{i}")).collect();
        let joined = many.join(", ");
        let long = answer(204, &[(AllowOrigin, "*"), (AllowHeaders, &joined)]);
        let items = Items::new(long.header_values(AllowHeaders), true);
        assert!(items.sorted.is_some());
        for name in ["x-h0", "X-H499", "x-h250"] {
            assert!(items.contains(name.as_bytes()), "{name}");
        }
        assert!(!items.contains(b"x-h500"));
        let short = Items::new([&b"a, B"[..], b"c"].into_iter(), true);
        // Bytes, not items, decide: empty elements are bytes to scan.
        let commas = ",".repeat(SCAN_BYTES + 1);
        assert!(
            Items::new([commas.as_bytes()].into_iter(), true)
                .sorted
                .is_some()
        );
        assert!(short.sorted.is_none() && short.contains(b"b") && !short.contains(b"d"));
        let reordered = Items::new([&b"c,b,a,a"[..]].into_iter(), true);
        assert!(short.same_set(&reordered));
        assert!(!short.same_set(&Items::new([&b"a,b"[..]].into_iter(), true)));
    }
}

//! Origin matching over the compiled tables.
//!
//! Four perfect hash tables cover every pattern form, so the cost of a match
//! depends on the origin's length and never on how many patterns the policy
//! lists:
//!
//! | pattern                     | table               | key hashed                           |
//! |-----------------------------|---------------------|--------------------------------------|
//! | `https://app.example.com`   | `exact`             | the whole origin                     |
//! | `http://localhost:*`        | `exact_any_port`    | the origin without its port          |
//! | `https://*.example.com`     | `wildcard`          | `example.com[:port]`, seeded by scheme |
//! | `https://*.example.com:*`   | `wildcard_any_port` | `example.com`, seeded by scheme      |
//!
//! A wildcard key is the text after `*.`, which in a request's `Origin` is
//! always one contiguous slice: everything after some dot of the host. The
//! matcher scans the host once, left to right, checking that the labels it
//! passes are plain LDH labels (a wildcard never accepts `_`, `%`, backticks
//! or other characters a URL parser tolerates) and, at each dot, hashes the
//! rest of the value only if some key has exactly that length.

use crate::hash::hash_bytes;
use crate::origin::{
    self, MAX_HOST_LEN, MAX_ORIGIN_LEN, RequestOrigin, TupleOrigin, is_ldh_byte,
    is_ldh_label_shape, is_valid_port,
};
use crate::table::{RawTable, eq_bytes, length_bit, length_mask};

/// Every compiled origin pattern of one policy.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct RawOrigins<'a> {
    /// `origins = "*"`.
    pub any: bool,
    /// `"null"` is listed.
    pub null: bool,
    /// Exact origins.
    pub exact: RawTable<'a>,
    /// `scheme://host:*` patterns, keyed by `scheme://host`.
    pub exact_any_port: RawTable<'a>,
    /// `scheme://*.base[:port]` patterns; text is `scheme://base[:port]`.
    pub wildcard: RawTable<'a>,
    /// `scheme://*.base:*` patterns; text is `scheme://base`.
    pub wildcard_any_port: RawTable<'a>,
}

/// Which pattern form let an origin in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedBy<'a> {
    /// `origins = "*"`.
    AnyOrigin,
    /// The explicitly listed `"null"`.
    Null,
    /// An exact origin.
    Exact,
    /// A `scheme://host:*` pattern.
    AnyPort,
    /// A subdomain wildcard; the text is the pattern without `*.`
    /// (`https://example.com:8443` for `https://*.example.com:8443`).
    Wildcard(&'a [u8]),
    /// A subdomain wildcard with any port; the text is `scheme://base`.
    WildcardAnyPort(&'a [u8]),
}

/// The outcome of the fast path.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FastMatch<'a> {
    /// Allowed, and how.
    Listed(MatchedBy<'a>),
    /// The value is shaped like a domain or IPv4 origin and every table was
    /// probed with exactly the keys a parse would give: if it parses, it is
    /// not listed. The caller parses only to tell why.
    NotListed,
    /// Not decided here (IPv6 hosts, odd shapes): parse, then match.
    Unknown,
}

/// The seed a wildcard table's keys are hashed with for one scheme: the
/// scheme is part of every key without being part of the hashed slice.
#[inline]
fn scheme_seed(seed: u64, scheme: &[u8]) -> u64 {
    hash_bytes(seed, scheme)
}

impl<'a> RawOrigins<'a> {
    /// True if `origin` (a request's `Origin` value) is listed: the fast
    /// path, and a parse only when it cannot decide. What
    /// [`crate::Policy::allows_origin`] runs.
    #[inline]
    pub fn allows(&self, origin: &[u8]) -> bool {
        match self.match_unchecked(origin) {
            FastMatch::Listed(_) => true,
            FastMatch::NotListed => false,
            FastMatch::Unknown => self.allows_parsed(origin),
        }
    }

    /// The rare path of [`RawOrigins::allows`], kept out of line.
    #[cold]
    fn allows_parsed(&self, origin: &[u8]) -> bool {
        origin::parse(origin).is_ok_and(|o| self.match_parsed(&o).is_some())
    }

    /// Matches a parsed `Origin` value.
    #[inline]
    pub(crate) fn match_parsed(&self, o: &RequestOrigin<'_>) -> Option<MatchedBy<'a>> {
        if self.any {
            return Some(MatchedBy::AnyOrigin);
        }
        match o {
            RequestOrigin::Null => self.null.then_some(MatchedBy::Null),
            RequestOrigin::Tuple(t) => self.match_tuple(t),
        }
    }

    /// Matches a parsed tuple origin. Runs in time linear in the origin's
    /// length. It goes through the fast path's probes, so both paths decide
    /// with the same code (an IPv6 host never passes a wildcard's LDH scan).
    #[inline]
    pub(crate) fn match_tuple(&self, o: &TupleOrigin<'_>) -> Option<MatchedBy<'a>> {
        if self.exact.contains(o.text) {
            return Some(MatchedBy::Exact);
        }
        match self.match_tables(o) {
            FastMatch::Listed(by) => Some(by),
            FastMatch::NotListed | FastMatch::Unknown => None,
        }
    }

    /// The fast path: matches a raw `Origin` value without validating its
    /// syntax first. Every table entry is a canonical origin, so a value
    /// that equals one (exact), or whose tail equals one and whose front
    /// labels are plain LDH labels (wildcard), is a valid origin; ports
    /// matched by `:*` are checked on their own. Anything not `Listed` is
    /// decided by parsing: the decision is the same either way, only cheaper
    /// for allowed origins.
    #[inline]
    pub(crate) fn match_unchecked(&self, value: &[u8]) -> FastMatch<'a> {
        if self.any || value.len() > MAX_ORIGIN_LEN {
            return FastMatch::Unknown;
        }
        if self.exact.contains(value) {
            return FastMatch::Listed(MatchedBy::Exact);
        }
        match split_unchecked(value) {
            Some(o) => self.match_tables(&o),
            None => FastMatch::Unknown,
        }
    }

    /// Probes the any-port and wildcard tables; the caller has probed the
    /// exact table with the whole value. `o` may be a split, not a parse:
    /// its scheme and port are then unchecked, and its host has no `[` (a
    /// parsed IPv6 host only ever matches an any-port entry).
    #[inline]
    fn match_tables(&self, o: &TupleOrigin<'_>) -> FastMatch<'a> {
        let value = o.text;
        let port_ok = || o.host_end == value.len() || is_valid_port(o.scheme(), o.port());
        if !self.exact_any_port.is_empty()
            && self.exact_any_port.contains(o.without_port())
            && port_ok()
        {
            return FastMatch::Listed(MatchedBy::AnyPort);
        }
        if self.wildcard.is_empty() && self.wildcard_any_port.is_empty() {
            return FastMatch::NotListed;
        }
        if o.host_end - o.host_start > MAX_HOST_LEN {
            // No page is served from a longer host; the parse rejects it.
            return FastMatch::Unknown;
        }
        if let Some(text) = probe_suffixes(&self.wildcard, o, value.len()) {
            return FastMatch::Listed(MatchedBy::Wildcard(text));
        }
        if let Some(text) = probe_suffixes(&self.wildcard_any_port, o, o.host_end)
            && port_ok()
        {
            return FastMatch::Listed(MatchedBy::WildcardAnyPort(text));
        }
        FastMatch::NotListed
    }
}

/// Splits a value shaped like `scheme://host[:port]` without validating it:
/// a part is trusted only once it has compared equal to a compiled
/// (canonical) entry or passed its own check. `None` for IPv6 hosts and
/// values without `scheme://`.
#[inline]
fn split_unchecked(text: &[u8]) -> Option<TupleOrigin<'_>> {
    // The two schemes nearly every request has, without a scan.
    let scheme_end = if text.starts_with(b"https://") {
        5
    } else if text.starts_with(b"http://") {
        4
    } else {
        let colon = text.iter().position(|b| *b == b':')?;
        if colon == 0 || text.get(colon + 1..colon + 3) != Some(b"//") {
            return None;
        }
        colon
    };
    let host_start = scheme_end + 3;
    if text.get(host_start) == Some(&b'[') {
        return None;
    }
    // The port is the digits after the last `:`; a domain has no other.
    let mut end = text.len();
    while end > host_start && text[end - 1].is_ascii_digit() {
        end -= 1;
    }
    let host_end = if end > host_start && text[end - 1] == b':' {
        end - 1
    } else {
        text.len()
    };
    Some(TupleOrigin {
        text,
        scheme_end,
        host_start,
        host_end,
        ipv6: false,
    })
}

/// Scans `o`'s host left to right and, at each dot whose remaining text up
/// to `tail_end` has a length some key of `table` has, probes the table with
/// that text. Returns the entry text of the first (longest) base that covers
/// the host. The labels in front of a probed dot must be LDH labels; the
/// first label that is not ends the scan, since every later dot has it in
/// front too.
#[inline]
fn probe_suffixes<'a>(
    table: &RawTable<'a>,
    o: &TupleOrigin<'_>,
    tail_end: usize,
) -> Option<&'a [u8]> {
    if table.is_empty() {
        return None;
    }
    let value = o.text;
    let scheme_sep = &value[..o.host_start];
    let seed = scheme_seed(table.seed(), o.scheme());
    let mut label_start = o.host_start;
    for i in o.host_start..o.host_end {
        let b = value[i];
        if b != b'.' {
            if !is_ldh_byte(b) {
                return None;
            }
            continue;
        }
        if !is_ldh_label_shape(&value[label_start..i]) {
            return None;
        }
        label_start = i + 1;
        let tail = &value[i + 1..tail_end];
        if table.lengths & length_bit(tail.len()) == 0 {
            continue;
        }
        if let Some(text) = table.probe(hash_bytes(seed, tail))
            && text.len() == scheme_sep.len() + tail.len()
            && eq_bytes(&text[..scheme_sep.len()], scheme_sep)
            && eq_bytes(&text[scheme_sep.len()..], tail)
        {
            return Some(text);
        }
    }
    None
}

/// A wildcard entry text (`scheme://base[:port]`) as its scheme and the
/// part that is hashed (also how a match is named, `MatchedBy`'s Display).
pub(crate) fn split_entry(entry: &[u8]) -> (&[u8], &[u8]) {
    match entry.windows(3).position(|w| w == b"://") {
        Some(sep) => (&entry[..sep], &entry[sep + 3..]),
        None => (&[], entry),
    }
}

/// The [`RawTable::lengths`] mask of wildcard entry texts.
#[doc(hidden)]
pub fn wildcard_lengths<'k>(entries: impl IntoIterator<Item = &'k [u8]>) -> u64 {
    length_mask(entries.into_iter().map(|entry| split_entry(entry).1.len()))
}

/// The key hash of a wildcard entry text (`scheme://base[:port]`, or
/// `scheme://base` in the any-port table): the text after `scheme://`,
/// hashed with a seed derived from the scheme.
#[doc(hidden)]
pub fn wildcard_entry_hash(seed: u64, entry: &[u8]) -> u64 {
    let (scheme, tail) = split_entry(entry);
    hash_bytes(scheme_seed(seed, scheme), tail)
}

/// Hash used by the exact tables (re-exported for the builder and the
/// tenant index, whose lookups hash twice and inline it).
#[doc(hidden)]
#[inline(always)]
pub fn exact_hash(seed: u64, key: &[u8]) -> u64 {
    crate::hash::hash_bytes_inline(seed, key)
}

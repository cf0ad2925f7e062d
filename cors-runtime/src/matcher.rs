//! Origin matching over the compiled tables.
//!
//! Four perfect hash tables cover every pattern form, so the cost of a match
//! depends on the origin's length and never on how many patterns the policy
//! lists:
//!
//! | pattern                     | table               | key hashed                         |
//! |-----------------------------|---------------------|------------------------------------|
//! | `https://app.example.com`   | `exact`             | the whole origin                   |
//! | `http://localhost:*`        | `exact_any_port`    | the origin without its port        |
//! | `https://*.example.com`     | `wildcard`          | label chain of the base + port     |
//! | `https://*.example.com:*`   | `wildcard_any_port` | label chain of the base            |
//!
//! A wildcard probe walks the host's labels right to left, extending one chain
//! hash per label and probing at every boundary that leaves at least one label
//! in front. Those front labels must be plain LDH labels: a wildcard never
//! accepts `_`, `%`, backticks or other characters a URL parser tolerates.

use crate::hash::{chain_label, chain_start, hash_bytes};
use crate::origin::{
    MAX_HOST_LEN, MAX_ORIGIN_LEN, TupleOrigin, is_ldh_label, is_valid_port, split_unchecked,
};
use crate::table::RawTable;

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

/// The key hash the wildcard tables are built with: the chain hash of the
/// base's labels, seeded by scheme and port text.
#[doc(hidden)]
pub fn wildcard_key_hash(seed: u64, scheme: &[u8], port: &[u8], base: &[u8]) -> u64 {
    let mut h = chain_start(seed, scheme, port);
    for label in base.rsplit(|b| *b == b'.') {
        h = chain_label(seed, h, label);
    }
    h
}

impl<'a> RawOrigins<'a> {
    /// Matches a tuple origin. Runs in time linear in the origin's length.
    #[inline]
    pub(crate) fn match_tuple(&self, o: &TupleOrigin<'_>) -> Option<MatchedBy<'a>> {
        if self.exact.contains(o.text) {
            return Some(MatchedBy::Exact);
        }
        if !self.exact_any_port.is_empty() && self.exact_any_port.contains(o.without_port()) {
            return Some(MatchedBy::AnyPort);
        }
        if o.ipv6 {
            return None;
        }
        if !self.wildcard.is_empty()
            && let Some(text) = probe_labels(&self.wildcard, o, false)
        {
            return Some(MatchedBy::Wildcard(text));
        }
        if !self.wildcard_any_port.is_empty()
            && let Some(text) = probe_labels(&self.wildcard_any_port, o, true)
        {
            return Some(MatchedBy::WildcardAnyPort(text));
        }
        None
    }
}

impl<'a> RawOrigins<'a> {
    /// The fast path: matches a raw `Origin` value without validating its
    /// syntax first. Every table entry is a canonical origin, so a value
    /// that equals one (exact), or whose base equals one and whose front
    /// labels are plain LDH labels (wildcard), is a valid origin; ports
    /// matched by `:*` are checked on their own. `None` means "not matched
    /// this way": the caller then parses and matches normally, so the
    /// decision is the same either way, only cheaper for allowed origins.
    #[inline]
    pub(crate) fn match_unchecked(&self, value: &[u8]) -> Option<MatchedBy<'a>> {
        if self.any || value.len() > MAX_ORIGIN_LEN {
            return None;
        }
        if self.exact.contains(value) {
            return Some(MatchedBy::Exact);
        }
        if self.exact_any_port.is_empty()
            && self.wildcard.is_empty()
            && self.wildcard_any_port.is_empty()
        {
            return None;
        }
        let o = split_unchecked(value)?;
        if o.host().len() > MAX_HOST_LEN {
            return None;
        }
        let port_ok = || o.host_end == value.len() || is_valid_port(o.scheme(), o.port());
        if !self.exact_any_port.is_empty()
            && self.exact_any_port.contains(o.without_port())
            && port_ok()
        {
            return Some(MatchedBy::AnyPort);
        }
        if !self.wildcard.is_empty()
            && let Some(text) = probe_labels(&self.wildcard, &o, false)
        {
            return Some(MatchedBy::Wildcard(text));
        }
        if !self.wildcard_any_port.is_empty()
            && port_ok()
            && let Some(text) = probe_labels(&self.wildcard_any_port, &o, true)
        {
            return Some(MatchedBy::WildcardAnyPort(text));
        }
        None
    }
}

/// Walks `o`'s host labels right to left and returns the entry text of the
/// first base whose pattern covers the host: the shortest one, since the walk
/// starts at the top-level label.
#[inline]
fn probe_labels<'a>(table: &RawTable<'a>, o: &TupleOrigin<'_>, any_port: bool) -> Option<&'a [u8]> {
    let seed = table.seed();
    let host = o.host();
    let scheme_sep = &o.text[..o.host_start];
    // Any-port entries stop at the host and are keyed by the port text `*`;
    // the others carry the port exactly as the origin does.
    let (tail_end, port_key) = if any_port {
        (o.host_end, &b"*"[..])
    } else {
        (o.text.len(), o.port())
    };
    let mut chain = chain_start(seed, o.scheme(), port_key);
    let mut end = host.len();
    let mut labels = 0;
    while let Some(dot) = host[..end].iter().rposition(|b| *b == b'.') {
        chain = chain_label(seed, chain, &host[dot + 1..end]);
        labels += 1;
        // No base has this many labels: nothing to probe at this boundary.
        if table.depths & depth_bit(labels) == 0 {
            end = dot;
            continue;
        }
        let tail = &o.text[o.host_start + dot + 1..tail_end];
        if let Some(text) = table.probe(chain)
            && text.len() == scheme_sep.len() + tail.len()
            && text.starts_with(scheme_sep)
            && &text[scheme_sep.len()..] == tail
            && host[..dot].split(|b| *b == b'.').all(is_ldh_label)
        {
            return Some(text);
        }
        end = dot;
    }
    None
}

/// The bit of [`RawTable::depths`] for a base of `labels` labels.
#[inline]
pub(crate) fn depth_bit(labels: usize) -> u64 {
    1 << labels.min(63)
}

/// The [`RawTable::depths`] mask of wildcard entry texts
/// (`scheme://base[:port]`).
#[doc(hidden)]
pub fn wildcard_depths<'k>(entries: impl IntoIterator<Item = &'k [u8]>) -> u64 {
    entries
        .into_iter()
        .map(|entry| {
            let sep = entry
                .windows(3)
                .position(|w| w == b"://")
                .map_or(0, |i| i + 3);
            let rest = &entry[sep.min(entry.len())..];
            let host = rest.split(|b| *b == b':').next().unwrap_or(rest);
            depth_bit(host.split(|b| *b == b'.').count())
        })
        .fold(0, |mask, bit| mask | bit)
}

/// Builds the key hash of a wildcard entry text (as stored in the tables).
#[doc(hidden)]
pub fn wildcard_entry_hash(seed: u64, entry: &[u8], any_port: bool) -> u64 {
    let sep = entry.windows(3).position(|w| w == b"://").unwrap_or(0);
    let scheme = &entry[..sep];
    let rest = &entry[(sep + 3).min(entry.len())..];
    let (base, port): (&[u8], &[u8]) = match rest.iter().rposition(|b| *b == b':') {
        Some(colon) if !any_port => (&rest[..colon], &rest[colon + 1..]),
        _ => (rest, if any_port { b"*" } else { b"" }),
    };
    wildcard_key_hash(seed, scheme, port, base)
}

/// Hash used by the exact tables (re-exported for the builder).
#[doc(hidden)]
pub fn exact_hash(seed: u64, key: &[u8]) -> u64 {
    hash_bytes(seed, key)
}

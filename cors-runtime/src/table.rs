//! A minimal perfect hash table over byte strings, stored as three byte blobs.
//!
//! The layout is the same whether the blobs are `static` literals emitted by
//! `cors_policy!` or vectors built at run time, so both kinds of policy run the
//! exact same lookup. The scheme is PTHash-style "hash and displace": every key
//! hashes to a bucket (by the low half of its hash); each bucket stores the
//! displacement of a 16-bit pilot that was searched at build time so that all
//! its keys land in distinct free slots (by the high half of the displaced
//! hash). A lookup is one hash, two array reads and one comparison, whatever
//! the number of keys.
//!
//! Slots are 16 bytes: the key's full 64-bit hash, then the offset and length
//! of its text in the text blob. Comparing the stored hash first keeps a miss
//! from touching the text at all.

use crate::hash::{hash_bytes, pilot_mask, reduce, reduce_low};

const SLOT_BYTES: usize = 16;

/// Up to this many slots, [`RawTable::contains`] compares directly instead of
/// hashing (a table of n keys has n + n/16 + 1 slots, so n ≤ 3).
pub(crate) const DIRECT_SLOTS: usize = 4;

/// A read-only view of a perfect hash table.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct RawTable<'a> {
    /// Seed of the key hash.
    pub seed: u64,
    /// Number of buckets (each has an 8-byte displacement).
    pub buckets: u32,
    /// Number of 16-byte slots.
    pub slots: u32,
    /// Little-endian `u64` displacements, one per bucket: each bucket's
    /// pilot, already scrambled, so a lookup only XORs it in.
    pub displacements: &'a [u8],
    /// Slot records: hash `u64`, text offset `u32`, text length `u32`, little-endian.
    pub entries: &'a [u8],
    /// The keys' bytes, concatenated.
    pub text: &'a [u8],
    /// Bit `k % 64` is set when some key is `k` bytes long: a lookup whose
    /// length no key has costs one test, not a hash. Wildcard tables count
    /// the hashed part (the text after `scheme://`), so the matcher hashes
    /// only the suffixes of a host that some key can equal.
    pub lengths: u64,
}

impl<'a> RawTable<'a> {
    /// A table holding nothing.
    pub const EMPTY: RawTable<'static> = RawTable {
        seed: 0,
        buckets: 0,
        slots: 0,
        displacements: &[],
        entries: &[],
        text: &[],
        lengths: 0,
    };

    /// True when the table holds no key.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.slots == 0
    }

    /// The seed keys must be hashed with before [`RawTable::probe`].
    #[inline]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Returns the text of the only key that can have hash `h`, if its stored
    /// hash is `h`. The caller compares the text with what it is looking for.
    #[inline]
    pub fn probe(&self, h: u64) -> Option<&'a [u8]> {
        if self.slots == 0 {
            return None;
        }
        let bucket = reduce_low(h, self.buckets);
        let displacement: &[u8; 8] = self
            .displacements
            .get(8 * bucket..8 * bucket + 8)?
            .try_into()
            .ok()?;
        let slot = slot_of(h, u64::from_le_bytes(*displacement), self.slots);
        // One bounds check for the whole record.
        let rec: &[u8; SLOT_BYTES] = self
            .entries
            .get(slot * SLOT_BYTES..slot * SLOT_BYTES + SLOT_BYTES)?
            .try_into()
            .ok()?;
        // Constant ranges of a fixed-size array: no further bounds checks.
        if u64::from_le_bytes(rec[..8].try_into().ok()?) != h {
            return None;
        }
        let off = u32::from_le_bytes(rec[8..12].try_into().ok()?) as usize;
        let len = u32::from_le_bytes(rec[12..].try_into().ok()?) as usize;
        self.text.get(off..off + len)
    }

    /// True if `key` is in the table, hashing it whole.
    ///
    /// Tables of at most [`DIRECT_SLOTS`] slots (three keys or fewer) are
    /// scanned instead: comparing lengths, then bytes, beats hashing there
    /// (`benches/benches/strategies.rs`, recorded in DESIGN.md).
    #[inline(always)]
    pub fn contains(&self, key: &[u8]) -> bool {
        if self.lengths & length_bit(key.len()) == 0 {
            return false;
        }
        if self.slots as usize <= DIRECT_SLOTS {
            self.contains_direct(key)
        } else {
            self.contains_hashed(key)
        }
    }

    #[inline]
    fn contains_direct(&self, key: &[u8]) -> bool {
        self.entries.chunks_exact(SLOT_BYTES).any(|rec| {
            let len = u32::from_le_bytes([rec[12], rec[13], rec[14], rec[15]]) as usize;
            len == key.len() && len > 0 && {
                let off = u32::from_le_bytes([rec[8], rec[9], rec[10], rec[11]]) as usize;
                self.text
                    .get(off..off + len)
                    .is_some_and(|t| eq_bytes(t, key))
            }
        })
    }

    #[inline]
    fn contains_hashed(&self, key: &[u8]) -> bool {
        self.probe(hash_bytes(self.seed, key))
            .is_some_and(|stored| eq_bytes(stored, key))
    }

    /// Every key's text, in slot order.
    pub fn keys(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let text = self.text;
        self.entries
            .chunks_exact(SLOT_BYTES)
            .filter_map(move |rec| {
                let off = u32::from_le_bytes(rec[8..12].try_into().ok()?) as usize;
                let len = u32::from_le_bytes(rec[12..16].try_into().ok()?) as usize;
                (len > 0).then(|| &text[off..off + len])
            })
    }
}

/// The bit of [`RawTable::lengths`] for a key of `len` bytes.
#[inline(always)]
pub(crate) const fn length_bit(len: usize) -> u64 {
    1 << (len % 64)
}

/// The [`RawTable::lengths`] mask of a set of key lengths.
pub(crate) fn length_mask(lengths: impl IntoIterator<Item = usize>) -> u64 {
    lengths
        .into_iter()
        .fold(0, |mask, len| mask | length_bit(len))
}

#[inline(always)]
fn slot_of(h: u64, displacement: u64, slots: u32) -> usize {
    reduce(h ^ displacement, slots)
}

/// Byte equality without a call to `memcmp`: origins and header names are
/// short, and a call costs more than comparing them (a preflight listing
/// thousands of names spent half its time in `memcmp`).
#[inline(always)]
pub fn eq_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let len = a.len();
    if len < 8 {
        // Short keys (header names, methods): a byte loop beats the call.
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let word = |s: &[u8], at: usize| {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(&s[at..at + 8]);
        u64::from_ne_bytes(buf)
    };
    if len <= 16 {
        // Two overlapping words, compared without a branch between them.
        return (word(a, 0) ^ word(b, 0)) | (word(a, len - 8) ^ word(b, len - 8)) == 0;
    }
    if len <= 32 {
        // Most origins: two overlapping 16-byte loads a side, one branch
        // (the word loop's per-word branches were a third of an exact hit).
        let wide = |s: &[u8], at: usize| {
            let mut buf = [0u8; 16];
            buf.copy_from_slice(&s[at..at + 16]);
            u128::from_ne_bytes(buf)
        };
        return (wide(a, 0) ^ wide(b, 0)) | (wide(a, len - 16) ^ wide(b, len - 16)) == 0;
    }
    let mut i = 0;
    while i + 8 <= len {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    // The last, overlapping word covers the tail.
    word(a, len - 8) == word(b, len - 8)
}

/// An owned table, built from a list of keys.
#[doc(hidden)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnedTable {
    /// See [`RawTable::seed`].
    pub seed: u64,
    /// See [`RawTable::buckets`].
    pub buckets: u32,
    /// See [`RawTable::slots`].
    pub slots: u32,
    /// See [`RawTable::displacements`].
    pub displacements: Vec<u8>,
    /// See [`RawTable::entries`].
    pub entries: Vec<u8>,
    /// See [`RawTable::text`].
    pub text: Vec<u8>,
    /// See [`RawTable::lengths`].
    pub lengths: u64,
}

/// Why a table could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// The same key was given twice.
    DuplicateKey,
    /// More keys (or more key bytes) than a table can address.
    TooLarge,
    /// No seed and layout placed the keys: only keys whose hashes collide
    /// on every one of the 48 seeds tried, which are derived from the keys
    /// themselves, can cause this.
    NoLayout,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::DuplicateKey => f.write_str("the same key was given twice"),
            BuildError::TooLarge => {
                f.write_str("too many keys for one table (the limit is 2^32 bytes)")
            }
            BuildError::NoLayout => f.write_str(
                "no perfect hash layout was found for these keys after 48 seeds and 3 layouts \
                 (their hashes collide on every seed, derived from the keys); please report the key set",
            ),
        }
    }
}

impl std::error::Error for BuildError {}

impl OwnedTable {
    /// Borrows the table for lookups.
    pub fn view(&self) -> RawTable<'_> {
        RawTable {
            seed: self.seed,
            buckets: self.buckets,
            slots: self.slots,
            displacements: &self.displacements,
            entries: &self.entries,
            text: &self.text,
            lengths: self.lengths,
        }
    }

    /// Builds a table whose key hash is [`hash_bytes`] of each key.
    pub fn build(keys: &[&[u8]]) -> Result<OwnedTable, BuildError> {
        Self::build_with(keys, hash_bytes)
    }

    /// Builds a table with a caller-chosen key hash; the same function must be
    /// used to compute the hash given to [`RawTable::probe`].
    ///
    /// The build is deterministic: the same keys in the same order give the
    /// same bytes, so generated code is reproducible.
    pub fn build_with(
        keys: &[&[u8]],
        hash: impl Fn(u64, &[u8]) -> u64,
    ) -> Result<OwnedTable, BuildError> {
        if keys.is_empty() {
            return Ok(OwnedTable::default());
        }
        let total: usize = keys.iter().map(|k| k.len()).sum();
        if keys.len() >= (u32::MAX / 2) as usize || total >= u32::MAX as usize {
            return Err(BuildError::TooLarge);
        }
        let mut sorted: Vec<&[u8]> = keys.to_vec();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            return Err(BuildError::DuplicateKey);
        }
        // A handful of seeds suffices for any real key set. The search is
        // bounded all the same, so a build in a proc-macro or at start-up
        // always ends: after SEEDS_PER_LAYOUT failed seeds the table gets
        // more slots and buckets (a sparser layout is easier to place), and
        // after the sparsest layout an error names the problem.
        //
        // Seeds are derived from a SipHash digest of the keys themselves: the
        // lookup hash is fast, not collision-resistant (a chosen 16-byte
        // block can zero its multiply), so fixed seeds would let someone who
        // submits origins precompute pairs that collide on every seed. With
        // seeds that change whenever any key changes, colliding keys cannot
        // be chosen before the seeds are known. The build stays
        // deterministic: the same keys give the same table.
        let digest = key_digest(keys);
        for (round, layout) in LAYOUTS.iter().enumerate() {
            for attempt in 0..SEEDS_PER_LAYOUT {
                let seed = seed_for(digest, round as u64 * SEEDS_PER_LAYOUT + attempt);
                if let Some(table) = try_build(keys, seed, &hash, *layout) {
                    return Ok(table);
                }
            }
        }
        Err(BuildError::NoLayout)
    }
}

/// A digest of the keys, in order, with SipHash (std's `DefaultHasher`,
/// whose keys are fixed): what the build's seeds are derived from.
fn key_digest(keys: &[&[u8]]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut digest = std::hash::DefaultHasher::new();
    keys.hash(&mut digest);
    digest.finish()
}

/// The `counter`-th seed tried for keys with `digest`.
fn seed_for(digest: u64, counter: u64) -> u64 {
    crate::hash::fold_mul(counter ^ 0x5eed ^ digest, 0x2545_f491_4f6c_dd1d) ^ digest
}

/// Seeds tried with each layout before moving to a sparser one.
const SEEDS_PER_LAYOUT: u64 = 16;

/// How many buckets and slots a table of `n` keys gets: `n / per_bucket + 1`
/// buckets and `n + n / headroom + 1` slots (or `2n + 1` slots when
/// `headroom` is 0).
#[derive(Clone, Copy, Debug)]
struct Layout {
    per_bucket: usize,
    headroom: usize,
}

/// The dense layout first (what every real key set gets), then sparser ones.
const LAYOUTS: [Layout; 3] = [
    Layout {
        per_bucket: 3,
        headroom: 16,
    },
    Layout {
        per_bucket: 2,
        headroom: 2,
    },
    Layout {
        per_bucket: 1,
        headroom: 0,
    },
];

fn try_build(
    keys: &[&[u8]],
    seed: u64,
    hash: &impl Fn(u64, &[u8]) -> u64,
    layout: Layout,
) -> Option<OwnedTable> {
    let n = keys.len();
    let hashes: Vec<u64> = keys.iter().map(|k| hash(seed, k)).collect();
    let mut check = hashes.clone();
    check.sort_unstable();
    // Distinct, non-zero hashes: zero marks an empty slot.
    if check.first() == Some(&0) || check.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    let buckets = (n / layout.per_bucket + 1) as u32;
    let extra = match layout.headroom {
        0 => n,
        h => n / h,
    };
    let slots = (n + extra + 1) as u32;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); buckets as usize];
    for (i, &h) in hashes.iter().enumerate() {
        members[reduce_low(h, buckets)].push(i);
    }
    let mut order: Vec<usize> = (0..buckets as usize).collect();
    order.sort_by_key(|&b| (std::cmp::Reverse(members[b].len()), b));

    let mut taken = vec![false; slots as usize];
    let mut pilots = vec![0u16; buckets as usize];
    let mut slot_key = vec![usize::MAX; slots as usize];
    let mut scratch = Vec::new();
    for &b in &order {
        if members[b].is_empty() {
            break;
        }
        let mut placed = false;
        'pilot: for pilot in 0..=u16::MAX {
            scratch.clear();
            for &k in &members[b] {
                let s = slot_of(hashes[k], pilot_mask(pilot), slots);
                if taken[s] || scratch.contains(&s) {
                    continue 'pilot;
                }
                scratch.push(s);
            }
            for (&k, &s) in members[b].iter().zip(&scratch) {
                taken[s] = true;
                slot_key[s] = k;
            }
            pilots[b] = pilot;
            placed = true;
            break;
        }
        if !placed {
            return None;
        }
    }

    let mut text = Vec::new();
    let mut entries = Vec::with_capacity(slots as usize * SLOT_BYTES);
    for &k in &slot_key {
        let (h, off, len) = if k == usize::MAX {
            (0u64, 0u32, 0u32)
        } else {
            let off = text.len() as u32;
            text.extend_from_slice(keys[k]);
            (hashes[k], off, keys[k].len() as u32)
        };
        entries.extend_from_slice(&h.to_le_bytes());
        entries.extend_from_slice(&off.to_le_bytes());
        entries.extend_from_slice(&len.to_le_bytes());
    }
    Some(OwnedTable {
        seed,
        buckets,
        slots,
        displacements: pilots
            .iter()
            .flat_map(|p| pilot_mask(*p).to_le_bytes())
            .collect(),
        entries,
        text,
        lengths: length_mask(keys.iter().map(|k| k.len())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| format!("https://app{i}.example{}.com", i % 97).into_bytes())
            .collect()
    }

    #[test]
    fn eq_bytes_agrees_with_slice_equality_at_every_length_and_position() {
        // Every length up to past the widest path, a difference at every
        // position (including the bytes only one overlapping load reads).
        for len in 0..80 {
            let a: Vec<u8> = (0..len).map(|i| (i * 7 + 1) as u8).collect();
            assert!(eq_bytes(&a, &a.clone()), "len {len}");
            for at in 0..len {
                for flip in [1u8, 0x80] {
                    let mut b = a.clone();
                    b[at] ^= flip;
                    assert!(!eq_bytes(&a, &b), "len {len}, byte {at}");
                }
            }
            assert!(!eq_bytes(&a, &a[..len.saturating_sub(1)]) || len == 0);
        }
    }

    #[test]
    fn finds_every_key_and_nothing_else() {
        // 1–3 keys take the direct-comparison path, larger tables the hash.
        for n in [1, 2, 3, 4, 10, 100, 5000] {
            let owned = keys(n);
            let refs: Vec<&[u8]> = owned.iter().map(|k| k.as_slice()).collect();
            let table = OwnedTable::build(&refs).unwrap();
            let view = table.view();
            for k in &refs {
                assert!(view.contains(k), "missing {}", String::from_utf8_lossy(k));
            }
            assert!(!view.contains(b"https://app.example.com"));
            assert!(!view.contains(b""));
            let mut near = owned[0].clone();
            *near.last_mut().unwrap() ^= 1;
            assert!(!view.contains(&near));
            let mut listed: Vec<&[u8]> = view.keys().collect();
            listed.sort();
            let mut expected = refs.clone();
            expected.sort();
            assert_eq!(listed, expected);
        }
    }

    #[test]
    fn empty_table_contains_nothing() {
        let table = OwnedTable::build(&[]).unwrap();
        assert!(table.view().is_empty());
        assert!(!table.view().contains(b"x"));
    }

    #[test]
    fn duplicates_are_refused() {
        assert_eq!(
            OwnedTable::build(&[b"a".as_slice(), b"b", b"a"]),
            Err(BuildError::DuplicateKey)
        );
    }

    #[test]
    fn build_is_deterministic() {
        let owned = keys(300);
        let refs: Vec<&[u8]> = owned.iter().map(|k| k.as_slice()).collect();
        assert_eq!(
            OwnedTable::build(&refs).unwrap(),
            OwnedTable::build(&refs).unwrap()
        );
    }

    #[test]
    fn a_key_set_that_collides_on_every_seed_ends_in_an_error() {
        // The hash gives every key the same value whatever the seed: no seed
        // or layout can place them, and the build must say so, not loop.
        let keys: Vec<Vec<u8>> = (0..50).map(|i| format!("k{i}").into_bytes()).collect();
        let refs: Vec<&[u8]> = keys.iter().map(|k| k.as_slice()).collect();
        assert_eq!(
            OwnedTable::build_with(&refs, |_, _| 7),
            Err(BuildError::NoLayout)
        );
    }

    #[test]
    fn a_seed_whose_hashes_collide_is_retried() {
        // A hash that collides on the first seed forces the builder to move on.
        let keys = [b"a".as_slice(), b"b"];
        let first = seed_for(key_digest(&keys), 0);
        let table = OwnedTable::build_with(&keys, |seed, k| {
            if seed == first {
                1
            } else {
                hash_bytes(seed, k)
            }
        })
        .unwrap();
        assert!(table.view().contains(b"a") && table.view().contains(b"b"));
    }
}

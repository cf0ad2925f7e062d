//! The base segment: every tenant's record end to end in one byte arena,
//! found through an open-addressing table of 8-byte entries.
//!
//! A record is `[id length: u8][id][plan: u16 LE][tables]` (the tables in
//! [`crate::blob`]'s self-delimiting layout). An entry is the record's
//! offset plus one (0 marks a free entry) in its low 48 bits and 16 bits of
//! the id's hash in its high ones, so a probe that meets another tenant's
//! entry nearly always moves on without reading its record. The table is
//! filled to at most 80 % and probed linearly.
//!
//! A lookup reads one entry (rarely a neighbour too) and then the record,
//! whose id sits right in front of its tables: two places in memory, where
//! a `HashMap<String, HashSet<String>>` reads six (control bytes, slot and
//! key text of each map). A tenant costs 8 / 0.8 = 10 bytes of table, 3 of
//! record header and its tables.
//!
//! A second table holds every (tenant, exact origin) pair, keyed by a hash
//! of both: an entry is the record's offset plus one (32 bits), the
//! origin's offset inside the record (16), its length (8) and 8 bits of the
//! hash. An exact hit ([`Segment::has_exact`]) reads that entry and the
//! record — the id and the origin's text sit in it — instead of the tenant
//! entry, the record, the tables' header, a slot and the text. Anything
//! else (a wildcard, an unlisted origin) is decided by the tenant's tables
//! as before. A pair costs 16 more bytes (the table is half full); an
//! origin longer than 255 bytes,
//! or past 64 KiB into its record, or a segment over 4 GiB, is simply not
//! paired.

use cors_runtime::__private::{eq_bytes, exact_hash};

use crate::blob;

const OFFSET_BITS: u32 = 48;
const OFFSET_MASK: u64 = (1 << OFFSET_BITS) - 1;

/// One tenant's record.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Record<'a> {
    pub(crate) id: &'a [u8],
    pub(crate) plan: u16,
    /// The tables, possibly followed by the next records.
    pub(crate) tables: &'a [u8],
}

/// Immutable once built; a compaction builds a new one.
#[derive(Debug, Default)]
pub(crate) struct Segment {
    entries: Box<[u64]>,
    arena: Vec<u8>,
    len: usize,
    seed: u64,
    /// (tenant, exact origin) pairs, laid out as the module docs say.
    pairs: Box<[u64]>,
}

/// A pair entry's fields.
const PAIR_RECORD_BITS: u32 = 32;
const PAIR_OFFSET_SHIFT: u32 = 32;
const PAIR_LEN_SHIFT: u32 = 48;
const PAIR_TAG_SHIFT: u32 = 56;

/// A pair's first entry in a table of `size` entries.
#[inline]
fn pair_home(h: u64, size: usize) -> usize {
    ((u128::from(h) * size as u128) >> 64) as usize
}

/// The hash of a (tenant, origin) pair: the origin hashed with the id's
/// hash as its seed.
#[inline]
fn pair_hash(seed: u64, id: &[u8], origin: &[u8]) -> u64 {
    exact_hash(exact_hash(seed, id) ^ 0x9e37_79b9_7f4a_7c15, origin)
}

impl Segment {
    /// A segment of `records` (id, plan, tables); of two with the same id,
    /// the later wins. An id over 255 bytes is not stored (a record keeps
    /// its id's length in one byte; [`crate::MAX_TENANT_ID_LEN`] is less).
    /// `bytes` is a capacity hint. Linear in the records' total size.
    pub(crate) fn build<'r>(
        seed: u64,
        records: impl Iterator<Item = (&'r [u8], u16, &'r [u8])>,
        bytes: usize,
    ) -> Segment {
        let mut arena = Vec::with_capacity(bytes);
        let mut offsets = Vec::with_capacity(records.size_hint().0);
        for (id, plan, tables) in records {
            let Ok(id_len) = u8::try_from(id.len()) else {
                continue;
            };
            offsets.push(arena.len() as u64);
            arena.push(id_len);
            arena.extend_from_slice(id);
            arena.extend_from_slice(&plan.to_le_bytes());
            arena.extend_from_slice(tables);
        }
        arena.shrink_to_fit();
        assert!(
            (arena.len() as u64) < OFFSET_MASK,
            "a segment holds under 2^48 bytes"
        );
        // Sized from the records actually read, so the table always has a
        // free entry and every probe ends.
        let count = offsets.len();
        let mut segment = Segment {
            entries: vec![0; count + count / 4 + 1].into_boxed_slice(),
            arena,
            len: 0,
            seed,
            pairs: Box::default(),
        };
        for offset in offsets {
            segment.insert(offset);
        }
        segment.pairs = segment.pair_table();
        segment
    }

    /// The pair table of the records the tenant table holds (of two
    /// records with one id, the one that won).
    fn pair_table(&self) -> Box<[u64]> {
        if u32::try_from(self.arena.len()).is_err() {
            return Box::default();
        }
        let mut pairs = Vec::new();
        for entry in self.entries.iter().filter(|e| **e != 0) {
            let offset = (entry & OFFSET_MASK) - 1;
            let Some(record) = self.record(offset) else {
                continue;
            };
            let Some(origins) = blob::decode(record.tables) else {
                continue;
            };
            let start = self.arena.as_ptr() as usize + offset as usize;
            for key in origins.exact.keys() {
                let inside = key.as_ptr() as usize - start;
                if let (Ok(inside), Ok(len)) = (u16::try_from(inside), u8::try_from(key.len())) {
                    let h = pair_hash(self.seed, record.id, key);
                    pairs.push((
                        h,
                        (offset + 1)
                            | u64::from(inside) << PAIR_OFFSET_SHIFT
                            | u64::from(len) << PAIR_LEN_SHIFT,
                    ));
                }
            }
        }
        let count = pairs.len();
        if count == 0 {
            return Box::default();
        }
        // Half full: a hit probes 1.5 entries on average (3 at 80 %), for
        // 16 bytes a pair. (A power of two would make a position a mask,
        // but doubles the table at every power of two: up to 32 bytes a
        // pair, 71 B per origin in all at 1,025 tenants.)
        let size = 2 * count + 1;
        let mut table = vec![0u64; size];
        for (h, entry) in pairs {
            let mut at = pair_home(h, size);
            while table[at] != 0 {
                at = if at + 1 == size { 0 } else { at + 1 };
            }
            table[at] = entry | (h & 0xff) << PAIR_TAG_SHIFT;
        }
        table.into_boxed_slice()
    }

    /// True when tenant `id` lists `origin` exactly (a request's `Origin`,
    /// byte for byte) in this segment; false means "not paired here", and
    /// the tenant's tables decide.
    #[inline]
    pub(crate) fn has_exact(&self, id: &[u8], origin: &[u8]) -> bool {
        let Ok(len) = u8::try_from(origin.len()) else {
            return false;
        };
        if self.pairs.is_empty() {
            return false;
        }
        let h = pair_hash(self.seed, id, origin);
        let want = (h & 0xff) << PAIR_TAG_SHIFT | u64::from(len) << PAIR_LEN_SHIFT;
        let size = self.pairs.len();
        let mut at = pair_home(h, size);
        // Never full, so a free entry ends every probe; the bound only
        // keeps a broken invariant from looping.
        for _ in 0..size {
            let Some(&entry) = self.pairs.get(at) else {
                return false;
            };
            if entry == 0 {
                return false;
            }
            if entry & (0xffff << PAIR_LEN_SHIFT) == want && self.pair_matches(entry, id, origin) {
                return true;
            }
            at = if at + 1 == size { 0 } else { at + 1 };
        }
        false
    }

    /// Whether the pair `entry` is `id` listing `origin`.
    #[inline]
    fn pair_matches(&self, entry: u64, id: &[u8], origin: &[u8]) -> bool {
        let record = (entry & ((1 << PAIR_RECORD_BITS) - 1)) as usize - 1;
        let inside = (entry >> PAIR_OFFSET_SHIFT & 0xffff) as usize;
        let Some(rest) = self.arena.get(record..) else {
            return false;
        };
        let stored_id = rest
            .split_first()
            .and_then(|(&n, rest)| rest.get(..usize::from(n)));
        let text = rest.get(inside..inside + origin.len());
        matches!((stored_id, text), (Some(i), Some(t)) if eq_bytes(i, id) && eq_bytes(t, origin))
    }

    /// The table entry's position and tag for `id`.
    #[inline]
    fn home(&self, id: &[u8]) -> (usize, u64) {
        let h = exact_hash(self.seed, id);
        // The position from the high bits, the tag from the low ones.
        let at = ((u128::from(h) * self.entries.len() as u128) >> 64) as usize;
        (at, h << OFFSET_BITS)
    }

    fn insert(&mut self, offset: u64) {
        let Some(id) = self.record(offset).map(|r| r.id) else {
            return;
        };
        let (mut at, tag) = self.home(id);
        loop {
            let entry = self.entries[at];
            if entry == 0 {
                self.entries[at] = tag | (offset + 1);
                self.len += 1;
                return;
            }
            if entry & !OFFSET_MASK == tag
                && self.record((entry & OFFSET_MASK) - 1).map(|r| r.id) == Some(id)
            {
                // A later record with the same id replaces the earlier.
                self.entries[at] = tag | (offset + 1);
                return;
            }
            at = if at + 1 == self.entries.len() {
                0
            } else {
                at + 1
            };
        }
    }

    #[inline]
    fn record(&self, offset: u64) -> Option<Record<'_>> {
        let rest = self.arena.get(usize::try_from(offset).ok()?..)?;
        let (&id_len, rest) = rest.split_first()?;
        let id_len = usize::from(id_len);
        let id = rest.get(..id_len)?;
        let plan = rest.get(id_len..id_len + 2)?;
        Some(Record {
            id,
            plan: u16::from_le_bytes([plan[0], plan[1]]),
            tables: rest.get(id_len + 2..)?,
        })
    }

    /// Tenant `id`'s record.
    #[inline]
    pub(crate) fn get(&self, id: &[u8]) -> Option<Record<'_>> {
        if self.len == 0 {
            return None;
        }
        let (mut at, tag) = self.home(id);
        // The table is never full, so a free entry ends every probe; the
        // bound only keeps a broken invariant from looping.
        for _ in 0..self.entries.len() {
            let entry = *self.entries.get(at)?;
            if entry == 0 {
                return None;
            }
            if entry & !OFFSET_MASK == tag
                && let Some(record) = self.record((entry & OFFSET_MASK) - 1)
                && eq_bytes(record.id, id)
            {
                return Some(record);
            }
            at = if at + 1 == self.entries.len() {
                0
            } else {
                at + 1
            };
        }
        None
    }

    /// Every tenant's record, in no particular order, with its tables cut
    /// to their own length.
    pub(crate) fn records(&self) -> impl Iterator<Item = Record<'_>> {
        self.entries
            .iter()
            .filter(|entry| **entry != 0)
            .filter_map(|entry| {
                let mut record = self.record((entry & OFFSET_MASK) - 1)?;
                record.tables = record.tables.get(..blob::encoded_len(record.tables)?)?;
                Some(record)
            })
    }

    /// How many tenants it holds.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The heap bytes it holds, the ids' and origins' text included.
    pub(crate) fn heap_bytes(&self) -> usize {
        (self.entries.len() + self.pairs.len()) * 8 + self.arena.capacity()
    }

    /// The bytes of its records.
    pub(crate) fn arena_len(&self) -> usize {
        self.arena.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(byte: u8) -> Vec<u8> {
        // A blob with `null` listed or not and no table: one flags byte.
        vec![byte & 1]
    }

    #[test]
    fn every_record_is_found_by_its_id_and_nothing_else_is() {
        let ids: Vec<String> = (0..5000).map(|i| format!("tenant-{i}")).collect();
        let blobs: Vec<Vec<u8>> = (0..5000).map(|i| tables(i as u8)).collect();
        let segment = Segment::build(
            7,
            ids.iter()
                .zip(&blobs)
                .enumerate()
                .map(|(i, (id, b))| (id.as_bytes(), i as u16, &b[..])),
            5000 * 12,
        );
        assert_eq!(segment.len(), 5000);
        for (i, id) in ids.iter().enumerate() {
            let record = segment.get(id.as_bytes()).expect("found");
            assert_eq!((record.id, record.plan), (id.as_bytes(), i as u16));
            assert_eq!(record.tables[0], i as u8 & 1);
        }
        for absent in ["tenant-5000", "tenant-", "", "tenant-00"] {
            assert!(segment.get(absent.as_bytes()).is_none(), "{absent}");
        }
        let mut seen: Vec<&[u8]> = segment.records().map(|r| r.id).collect();
        seen.sort();
        let mut want: Vec<&[u8]> = ids.iter().map(|i| i.as_bytes()).collect();
        want.sort();
        assert_eq!(seen, want);
        assert!(segment.records().all(|r| r.tables.len() == 1));
    }

    #[test]
    fn a_later_record_with_the_same_id_wins() {
        let (a, b) = (tables(0), tables(1));
        let segment = Segment::build(
            1,
            [(&b"x"[..], 1, &a[..]), (b"y", 2, &a[..]), (b"x", 3, &b[..])].into_iter(),
            0,
        );
        assert_eq!(segment.len(), 2);
        let x = segment.get(b"x").unwrap();
        assert_eq!((x.plan, x.tables[0]), (3, 1));
        assert_eq!(segment.records().count(), 2);
    }

    #[test]
    fn an_id_over_255_bytes_is_not_stored_under_a_shorter_one() {
        // Its length byte would read 1: the record would answer for `x`.
        let id = vec![b'x'; 257];
        let t = tables(0);
        let segment = Segment::build(1, [(&id[..], 0u16, &t[..])].into_iter(), 0);
        assert!(segment.get(b"x").is_none());
        assert_eq!(segment.len(), 0);
    }

    #[test]
    fn a_size_hint_that_under_reports_still_builds_every_record() {
        // The table was once sized from `ExactSizeIterator::len`: a length
        // of 0 for three records left one entry, and the second insert
        // probed forever.
        struct Lie<I>(I);
        impl<I: Iterator> Iterator for Lie<I> {
            type Item = I::Item;
            fn next(&mut self) -> Option<I::Item> {
                self.0.next()
            }
        }
        let t = tables(0);
        let ids = [&b"a"[..], b"b", b"c"];
        let segment = Segment::build(1, Lie(ids.iter().map(|id| (*id, 0u16, &t[..]))), 0);
        assert_eq!(segment.len(), 3);
        assert!(ids.iter().all(|id| segment.get(id).is_some()));
    }

    fn blob(patterns: &[&str]) -> Vec<u8> {
        let parsed: Vec<_> = patterns
            .iter()
            .map(|p| cors_policy::pattern::parse(p).unwrap().pattern)
            .collect();
        let owned = cors_policy::tenant::origin_tables(&parsed).unwrap();
        let mut out = Vec::new();
        blob::encode(&owned, &mut out);
        out
    }

    #[test]
    fn every_exact_pair_is_found_and_nothing_near_it() {
        let ids: Vec<String> = (0..2000).map(|i| format!("t{i}")).collect();
        let origins: Vec<[String; 3]> = (0..2000)
            .map(|i| {
                [
                    format!("https://app{i}.example"),
                    format!("http://localhost:{}", 3000 + i),
                    format!("https://*.w{i}.example"),
                ]
            })
            .collect();
        let blobs: Vec<Vec<u8>> = origins
            .iter()
            .map(|o| blob(&o.iter().map(String::as_str).collect::<Vec<_>>()))
            .collect();
        let segment = Segment::build(
            9,
            ids.iter()
                .zip(&blobs)
                .map(|(id, b)| (id.as_bytes(), 0u16, &b[..])),
            0,
        );
        assert_eq!(segment.pairs.iter().filter(|e| **e != 0).count(), 4000);
        for (i, id) in ids.iter().enumerate() {
            let [a, b, wildcard] = &origins[i];
            assert!(segment.has_exact(id.as_bytes(), a.as_bytes()), "{id} {a}");
            assert!(segment.has_exact(id.as_bytes(), b.as_bytes()), "{id} {b}");
            // Wildcards are the tables' business, and so is everything
            // near an exact origin: a prefix, an extension, another
            // tenant's, another id.
            let near = [
                wildcard.clone(),
                a[..a.len() - 1].to_string(),
                format!("{a}x"),
                format!("{a}/"),
                origins[(i + 1) % 2000][0].clone(),
            ];
            for origin in near {
                assert!(
                    !segment.has_exact(id.as_bytes(), origin.as_bytes()),
                    "{id} {origin}"
                );
            }
            assert!(!segment.has_exact(format!("{id}x").as_bytes(), a.as_bytes()));
        }
    }

    #[test]
    fn only_the_winning_records_pairs_are_kept() {
        let (old, new) = (
            blob(&["https://old.example"]),
            blob(&["https://new.example"]),
        );
        let segment = Segment::build(
            3,
            [(&b"x"[..], 0u16, &old[..]), (b"x", 0, &new[..])].into_iter(),
            0,
        );
        assert!(segment.has_exact(b"x", b"https://new.example"));
        assert!(!segment.has_exact(b"x", b"https://old.example"));
    }

    #[test]
    fn an_empty_segment_finds_nothing() {
        let segment = Segment::build(0, std::iter::empty(), 0);
        assert!(segment.get(b"a").is_none());
        assert!(!segment.has_exact(b"a", b"https://a.example"));
        assert_eq!(segment.records().count(), 0);
        assert!(Segment::default().get(b"a").is_none());
    }
}

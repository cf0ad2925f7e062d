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
        };
        for offset in offsets {
            segment.insert(offset);
        }
        segment
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
        self.entries.len() * 8 + self.arena.capacity()
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

    #[test]
    fn an_empty_segment_finds_nothing() {
        let segment = Segment::build(0, std::iter::empty(), 0);
        assert!(segment.get(b"a").is_none());
        assert_eq!(segment.records().count(), 0);
        assert!(Segment::default().get(b"a").is_none());
    }
}

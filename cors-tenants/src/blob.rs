//! One tenant's origin tables in a single byte string: the four perfect
//! hash tables of a compiled policy (`exact`, `exact_any_port`, `wildcard`,
//! `wildcard_any_port`) laid end to end, read back as the runtime's
//! [`RawOrigins`] view without copying. The same matcher then runs on a
//! tenant's tables as on a policy's.
//!
//! Layout (little-endian): a flags byte (bit 0: `null` listed; bit 1 + i:
//! table i has keys), then per table that has keys its slot count, bucket
//! count and text length (LEB128 varints: one byte for counts under 128,
//! two for a text length under 16 KiB), seed (`u64`), length mask (`u64`),
//! displacements (8 bytes per bucket), slot records (16 bytes per slot)
//! and text. An empty table costs nothing; the blob is self-delimiting, so
//! the index stores no length for it.

use cors_runtime::__private::{OwnedOrigins, OwnedTable, RawOrigins, RawTable};

const NULL_LISTED: u8 = 1;

/// Appends `origins` to `out` in the layout above.
pub(crate) fn encode(origins: &OwnedOrigins, out: &mut Vec<u8>) {
    let mut flags = if origins.null { NULL_LISTED } else { 0 };
    for (i, table) in tables(origins).into_iter().enumerate() {
        if table.slots != 0 {
            flags |= 2 << i;
        }
    }
    out.push(flags);
    for table in tables(origins) {
        if table.slots == 0 {
            continue;
        }
        varint(out, table.slots);
        varint(out, table.buckets);
        // A table's text is below 2^32 bytes (`BuildError::TooLarge`).
        varint(out, table.text.len() as u32);
        out.extend_from_slice(&table.seed.to_le_bytes());
        out.extend_from_slice(&table.lengths.to_le_bytes());
        out.extend_from_slice(&table.displacements);
        out.extend_from_slice(&table.entries);
        out.extend_from_slice(&table.text);
    }
}

/// LEB128: seven bits per byte, low first, the high bit set on all but the
/// last.
fn varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn tables(o: &OwnedOrigins) -> [&OwnedTable; 4] {
    [
        &o.exact,
        &o.exact_any_port,
        &o.wildcard,
        &o.wildcard_any_port,
    ]
}

/// Reads bytes off the front of a blob.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    #[inline(always)]
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    #[inline(always)]
    fn varint(&mut self) -> Option<u32> {
        let mut n = 0u32;
        for shift in [0, 7, 14, 21, 28] {
            let byte = *self.take(1)?.first()?;
            if shift == 28 && byte & 0x70 != 0 {
                return None; // more than 32 bits
            }
            n |= u32::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    #[inline(always)]
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    #[inline(always)]
    fn table(&mut self, present: bool) -> Option<RawTable<'a>> {
        if !present {
            return Some(RawTable::EMPTY);
        }
        let slots = self.varint()?;
        let buckets = self.varint()?;
        let text_len = self.varint()? as usize;
        let seed = self.u64()?;
        let lengths = self.u64()?;
        let displacements = self.take(8 * buckets as usize)?;
        let entries = self.take(16 * slots as usize)?;
        let text = self.take(text_len)?;
        Some(RawTable {
            seed,
            buckets,
            slots,
            displacements,
            entries,
            text,
            lengths,
        })
    }
}

/// The tables of a blob written by [`encode`], which may be followed by
/// other bytes; `None` for bytes it did not write (never for the index's
/// own blobs).
#[inline(always)]
pub(crate) fn decode(blob: &[u8]) -> Option<RawOrigins<'_>> {
    let mut r = Reader(blob);
    let flags = *r.take(1)?.first()?;
    Some(RawOrigins {
        any: false,
        null: flags & NULL_LISTED != 0,
        exact: r.table(flags & 2 != 0)?,
        exact_any_port: r.table(flags & 4 != 0)?,
        wildcard: r.table(flags & 8 != 0)?,
        wildcard_any_port: r.table(flags & 16 != 0)?,
    })
}

/// How many bytes of `blob` its tables take (the blob's own length when it
/// was written alone).
pub(crate) fn encoded_len(blob: &[u8]) -> Option<usize> {
    let mut r = Reader(blob);
    let flags = *r.take(1)?.first()?;
    for i in 0..4 {
        r.table(flags & (2 << i) != 0)?;
    }
    Some(blob.len() - r.0.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins(patterns: &[&str]) -> OwnedOrigins {
        let parsed: Vec<_> = patterns
            .iter()
            .map(|p| cors_policy::pattern::parse(p).unwrap().pattern)
            .collect();
        cors_policy::tenant::origin_tables(&parsed).unwrap()
    }

    #[test]
    fn a_blob_reads_back_as_the_tables_it_was_written_from() {
        let owned = origins(&[
            "https://app.example.com",
            "http://localhost:*",
            "https://*.example.org",
            "https://*.example.net:*",
            "null",
        ]);
        let mut blob = Vec::new();
        encode(&owned, &mut blob);
        let raw = decode(&blob).unwrap();
        assert!(raw.null && !raw.any);
        for (read, written) in [
            (raw.exact, &owned.exact),
            (raw.exact_any_port, &owned.exact_any_port),
            (raw.wildcard, &owned.wildcard),
            (raw.wildcard_any_port, &owned.wildcard_any_port),
        ] {
            let view = written.view();
            assert_eq!(
                (read.seed, read.buckets, read.slots, read.lengths),
                (view.seed, view.buckets, view.slots, view.lengths)
            );
            assert_eq!(
                (read.displacements, read.entries, read.text),
                (view.displacements, view.entries, view.text)
            );
        }
    }

    #[test]
    fn an_empty_table_costs_nothing_and_a_truncated_blob_reads_as_none() {
        let owned = origins(&["https://app.example.com"]);
        let mut blob = Vec::new();
        encode(&owned, &mut blob);
        let exact = &owned.exact;
        let exact_bytes =
            3 + 8 + 8 + exact.displacements.len() + exact.entries.len() + exact.text.len();
        assert_eq!(blob.len(), 1 + exact_bytes);
        assert_eq!(encoded_len(&blob), Some(blob.len()));
        for cut in 0..blob.len() {
            assert!(decode(&blob[..cut]).is_none(), "cut at {cut}");
            assert!(encoded_len(&blob[..cut]).is_none(), "cut at {cut}");
        }
        // Followed by other bytes, it reads the same and measures its own.
        blob.extend_from_slice(b"next");
        assert_eq!(encoded_len(&blob), Some(blob.len() - 4));
        assert!(decode(&blob).is_some_and(|o| o.exact.slots == exact.slots));
    }

    #[test]
    fn varints_read_back_at_every_width() {
        for n in [0, 1, 127, 128, 16_383, 16_384, u32::MAX] {
            let mut out = Vec::new();
            varint(&mut out, n);
            let mut r = Reader(&out);
            assert_eq!(r.varint(), Some(n));
            assert!(r.0.is_empty());
        }
        // Six continuation bytes, or a fifth byte past 32 bits, are not a
        // `u32`.
        assert_eq!(Reader(&[0xff; 6]).varint(), None);
        assert_eq!(Reader(&[0xff, 0xff, 0xff, 0xff, 0x1f]).varint(), None);
    }
}

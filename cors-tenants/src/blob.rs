//! One tenant's origin tables in a single byte string: the four perfect
//! hash tables of a compiled policy (`exact`, `exact_any_port`, `wildcard`,
//! `wildcard_any_port`) laid end to end, read back as the runtime's
//! [`RawOrigins`] view without copying. The same matcher then runs on a
//! tenant's tables as on a policy's.
//!
//! Layout (little-endian): a flags byte (`1` = `null` listed), then per
//! table its slot count (`u32`); a table with slots continues with its seed
//! (`u64`), bucket count (`u32`), length mask (`u64`), text length (`u32`),
//! displacements (8 bytes per bucket), slot records (16 bytes per slot) and
//! text. An empty table costs four bytes.

use cors_runtime::__private::{OwnedOrigins, OwnedTable, RawOrigins, RawTable};

const NULL_LISTED: u8 = 1;

/// Appends `origins` to `out` in the layout above.
pub(crate) fn encode(origins: &OwnedOrigins, out: &mut Vec<u8>) {
    out.push(if origins.null { NULL_LISTED } else { 0 });
    for table in tables(origins) {
        out.extend_from_slice(&table.slots.to_le_bytes());
        if table.slots == 0 {
            continue;
        }
        out.extend_from_slice(&table.seed.to_le_bytes());
        out.extend_from_slice(&table.buckets.to_le_bytes());
        out.extend_from_slice(&table.lengths.to_le_bytes());
        // A table's text is below 2^32 bytes (`BuildError::TooLarge`).
        out.extend_from_slice(&(table.text.len() as u32).to_le_bytes());
        out.extend_from_slice(&table.displacements);
        out.extend_from_slice(&table.entries);
        out.extend_from_slice(&table.text);
    }
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
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn table(&mut self) -> Option<RawTable<'a>> {
        let slots = self.u32()?;
        if slots == 0 {
            return Some(RawTable::EMPTY);
        }
        let seed = self.u64()?;
        let buckets = self.u32()?;
        let lengths = self.u64()?;
        let text_len = self.u32()? as usize;
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

/// The tables of a blob written by [`encode`]; `None` for bytes it did not
/// write (never for the index's own blobs).
pub(crate) fn decode(blob: &[u8]) -> Option<RawOrigins<'_>> {
    let mut r = Reader(blob);
    let flags = r.take(1)?[0];
    Some(RawOrigins {
        any: false,
        null: flags & NULL_LISTED != 0,
        exact: r.table()?,
        exact_any_port: r.table()?,
        wildcard: r.table()?,
        wildcard_any_port: r.table()?,
    })
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
    fn an_empty_table_costs_four_bytes_and_a_truncated_blob_reads_as_none() {
        let owned = origins(&["https://app.example.com"]);
        let mut blob = Vec::new();
        encode(&owned, &mut blob);
        let exact = &owned.exact;
        let exact_bytes =
            4 + 8 + 4 + 8 + 4 + exact.displacements.len() + exact.entries.len() + exact.text.len();
        assert_eq!(blob.len(), 1 + exact_bytes + 3 * 4);
        for cut in 0..blob.len() {
            assert!(decode(&blob[..cut]).is_none(), "cut at {cut}");
        }
    }
}

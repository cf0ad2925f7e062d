//! The matcher strategies DESIGN.md chose between, measured side by side:
//!
//! - exact origins: the table (`RawTable::contains`: a direct scan up to three
//!   keys, the perfect hash above) vs a direct comparison with every
//!   entry (length first) vs `std::collections::HashSet`, at small and large N;
//! - subdomain wildcards: the suffix scan over a perfect hash table
//!   (`Policy::allows_origin` on a wildcard-only policy: one left-to-right
//!   pass over the host, hashing the rest of the value at dots whose length
//!   some key has) vs an `aho-corasick` anchored DFA over the reversed host.
//!   Neither parses the whole origin first: ours splits it on the fast path,
//!   the automaton's harness takes the host after `https://` and requires
//!   the same LDH front labels, so the difference is the lookup.
//!
//! Run: `cargo bench -p cors-benches --bench strategies`

use std::collections::HashSet;
use std::hint::black_box;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use cors_runtime::__private::OwnedTable;
use cors_runtime::PolicySource;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn exact_origins(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("https://app{i}.example{}.com", i % 97).into_bytes())
        .collect()
}

fn exact(c: &mut Criterion) {
    let mut group = c.benchmark_group("exact_strategy");
    for n in [1usize, 2, 4, 8, 16, 100, 10_000] {
        let keys = exact_origins(n);
        let refs: Vec<&[u8]> = keys.iter().map(|k| k.as_slice()).collect();
        let table = OwnedTable::build(&refs).unwrap();
        let set: HashSet<&[u8]> = refs.iter().copied().collect();
        let hit = keys[n - 1].clone();
        let miss = b"https://unknown.example.org".to_vec();
        for (label, probe) in [("hit", &hit), ("miss", &miss)] {
            group.bench_with_input(
                BenchmarkId::new(format!("table/{label}"), n),
                probe,
                |b, o| b.iter(|| table.view().contains(black_box(o))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("direct/{label}"), n),
                probe,
                |b, o| {
                    b.iter(|| {
                        let o = black_box(o.as_slice());
                        refs.iter().any(|k| k.len() == o.len() && *k == o)
                    })
                },
            );
            group.bench_with_input(
                BenchmarkId::new(format!("hashset/{label}"), n),
                probe,
                |b, o| b.iter(|| set.contains(black_box(o.as_slice()))),
            );
        }
    }
    group.finish();
}

/// Wildcard matching with aho-corasick: patterns are the reversed `.base`
/// (`moc.elpmaxe.`), searched anchored at the start of the reversed host, so a
/// match ends on a label boundary and leaves at least one label in front.
struct AhoMatcher {
    ac: AhoCorasick,
}

impl AhoMatcher {
    fn new(bases: &[String]) -> Self {
        let reversed: Vec<Vec<u8>> = bases
            .iter()
            .map(|b| format!(".{b}").bytes().rev().collect())
            .collect();
        let ac = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .start_kind(StartKind::Anchored)
            .match_kind(MatchKind::LeftmostFirst)
            .build(&reversed)
            .unwrap();
        AhoMatcher { ac }
    }

    fn allows(&self, origin: &[u8]) -> bool {
        // The patterns here are all `https://*.base` without a port.
        let Some(host) = origin.strip_prefix(b"https://") else {
            return false;
        };
        if host.contains(&b':') {
            return false;
        }
        let mut buf = [0u8; 256];
        if host.len() > buf.len() {
            return false;
        }
        for (dst, src) in buf.iter_mut().zip(host.iter().rev()) {
            *dst = *src;
        }
        let reversed = &buf[..host.len()];
        match self.ac.find(Input::new(reversed).anchored(Anchored::Yes)) {
            // The front labels must be plain LDH labels, as in ours.
            Some(m) if m.end() < reversed.len() => {
                host[..host.len() - m.end()].split(|b| *b == b'.').all(|l| {
                    !l.is_empty()
                        && l.iter()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
                })
            }
            _ => false,
        }
    }
}

fn wildcard(c: &mut Criterion) {
    let mut group = c.benchmark_group("wildcard_strategy");
    for n in [1usize, 10, 100, 1_000, 10_000] {
        let bases: Vec<String> = (0..n)
            .map(|i| format!("tenant{i}.example{}.net", i % 97))
            .collect();
        let toml = format!(
            "origins = [{}]",
            bases
                .iter()
                .map(|b| format!("\"https://*.{b}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let owned = cors_policy::load(&toml).unwrap();
        let ours = owned.policy();
        let aho = AhoMatcher::new(&bases);
        let last = &bases[n - 1];
        let depth1 = format!("https://a.{last}");
        let depth4 = format!("https://a.b.c.d.{last}");
        let miss = format!("https://a.{last}.evil.test");
        for (label, origin) in [("depth1", &depth1), ("depth4", &depth4), ("miss", &miss)] {
            let expected = label != "miss";
            assert_eq!(ours.allows_origin(origin.as_bytes()), expected, "{origin}");
            assert_eq!(aho.allows(origin.as_bytes()), expected, "{origin}");
            group.bench_with_input(
                BenchmarkId::new(format!("suffix_scan/{label}"), n),
                origin.as_bytes(),
                |b, o| b.iter(|| ours.allows_origin(black_box(o))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("aho_corasick/{label}"), n),
                origin.as_bytes(),
                |b, o| b.iter(|| aho.allows(black_box(o))),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, exact, wildcard);
criterion_main!(benches);

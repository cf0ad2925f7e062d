//! Origin matching alone, for allow-lists of 1 to 100,000 exact origins and
//! for 100 exact origins plus 1, 10 and 1,000 subdomain wildcards; static
//! (`cors_policy!`) and run-time-built policies; with `std`'s `HashSet` as a
//! reference point. Then a whole GET evaluation at every size.
//!
//! Run: `cargo bench -p cors-benches --bench matching`

use std::collections::HashSet;
use std::hint::black_box;

use rustc_hash::FxHashSet;

use cors_benches as p;
use cors_runtime::{DecisionKind, Policy, PolicySource, SimpleRequest};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn eval(policy: Policy<'_>, origin: &[u8]) -> DecisionKind {
    let headers = [("origin", origin)];
    let request = SimpleRequest::new(b"GET", &headers);
    policy.evaluate(black_box(&request)).kind()
}

fn exact(c: &mut Criterion) {
    let mut group = c.benchmark_group("match/exact");
    for n in p::SIZES {
        let (stat, toml) = p::exact(n);
        let owned = cors_policy::load(toml).unwrap();
        // The last origin inserted; one byte off at the same length; absent.
        let hit = p::exact_origin(n - 1);
        let mut near = hit.clone().into_bytes();
        near[8] = b'b';
        let miss = b"https://unknown.example.org".to_vec();
        assert!(stat.allows_origin(hit.as_bytes()));
        assert!(!stat.allows_origin(&near) && !stat.allows_origin(&miss));
        let set: HashSet<String> = p::exact_origins(n).into_iter().collect();
        let fx: FxHashSet<Vec<u8>> = p::exact_origins(n)
            .into_iter()
            .map(String::into_bytes)
            .collect();
        for (label, origin) in [
            ("hit", hit.as_bytes()),
            ("near_miss", &near[..]),
            ("miss", &miss[..]),
        ] {
            group.bench_with_input(
                BenchmarkId::new(format!("static/{label}"), n),
                origin,
                |b, o| b.iter(|| stat.allows_origin(black_box(o))),
            );
            let policy = owned.policy();
            group.bench_with_input(
                BenchmarkId::new(format!("runtime/{label}"), n),
                origin,
                |b, o| b.iter(|| policy.allows_origin(black_box(o))),
            );
            // Reference: what a `HashSet<String>` of the origins costs
            // (it checks no syntax at all).
            let text = std::str::from_utf8(origin).unwrap().to_string();
            group.bench_with_input(
                BenchmarkId::new(format!("std_hashset/{label}"), n),
                &text,
                |b, o| b.iter(|| set.contains(black_box(o.as_str()))),
            );
            // The fastest plain set: FxHash over the bytes, no syntax check.
            group.bench_with_input(
                BenchmarkId::new(format!("fx_hashset/{label}"), n),
                origin,
                |b, o| b.iter(|| fx.contains(black_box(o))),
            );
        }
    }
    group.finish();
}

fn wildcard(c: &mut Criterion) {
    let mut group = c.benchmark_group("match/wildcard");
    for w in p::WILDCARDS {
        let (stat, toml) = p::mixed(w);
        let owned = cors_policy::load(toml).unwrap();
        let policy = owned.policy();
        let last = w - 1;
        let depth1 = p::wildcard_origin(last, 1);
        let depth4 = p::wildcard_origin(last, 4);
        let miss = format!("{depth1}.evil.test");
        assert!(stat.allows_origin(depth1.as_bytes()) && stat.allows_origin(depth4.as_bytes()));
        assert!(!stat.allows_origin(miss.as_bytes()));
        for (label, origin) in [("depth1", &depth1), ("depth4", &depth4), ("miss", &miss)] {
            group.bench_with_input(
                BenchmarkId::new(format!("static/{label}"), w),
                origin.as_bytes(),
                |b, o| b.iter(|| stat.allows_origin(black_box(o))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("runtime/{label}"), w),
                origin.as_bytes(),
                |b, o| b.iter(|| policy.allows_origin(black_box(o))),
            );
        }
        // Reference: the 100 exact origins in an `FxHashSet`, then the
        // host's dot-suffixes looked up in an `FxHashSet` of the bases
        // (the scheme checked first, no other syntax check).
        let exact: FxHashSet<Vec<u8>> = p::exact_origins(100)
            .into_iter()
            .map(String::into_bytes)
            .collect();
        let suffixes: FxHashSet<Vec<u8>> = (0..w)
            .map(|i| format!("tenant{i}.example{}.net", i % 97).into_bytes())
            .collect();
        let fx_walk = |o: &[u8]| suffix_walk(&exact, &suffixes, o, |_| true);
        // The same walk with the check corsc makes and it does not (see
        // `ldh_labels`): its cost over `fx_walk` is the price of that check
        // in the peer's own shape.
        let fx_walk_checked = |o: &[u8]| suffix_walk(&exact, &suffixes, o, ldh_labels);
        let encoded = format!("https://a%2e.tenant{last}.example{}.net", last % 97);
        assert!(fx_walk(encoded.as_bytes()) && !fx_walk_checked(encoded.as_bytes()));
        assert!(!stat.allows_origin(encoded.as_bytes()));
        for (label, origin) in [("depth1", &depth1), ("depth4", &depth4), ("miss", &miss)] {
            assert_eq!(fx_walk(origin.as_bytes()), label != "miss", "{label}");
            assert_eq!(
                fx_walk_checked(origin.as_bytes()),
                label != "miss",
                "{label}"
            );
            group.bench_with_input(
                BenchmarkId::new(format!("fx_suffix_walk/{label}"), w),
                origin.as_bytes(),
                |b, o| b.iter(|| fx_walk(black_box(o))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("fx_suffix_walk_ldh/{label}"), w),
                origin.as_bytes(),
                |b, o| b.iter(|| fx_walk_checked(black_box(o))),
            );
        }
        // Reference: an `ends_with` scan over the bases, as a predicate
        // would do it.
        let bases: Vec<String> = (0..w)
            .map(|i| format!(".tenant{i}.example{}.net", i % 97))
            .collect();
        group.bench_with_input(
            BenchmarkId::new("ends_with_scan/depth1", w),
            &depth1,
            |b, o| {
                b.iter(|| {
                    bases
                        .iter()
                        .any(|base| black_box(o.as_str()).ends_with(base.as_str()))
                })
            },
        );
    }
    group.finish();
}

/// The peers' wildcard match: the value in a set of exact origins, or,
/// after `https://`, one of the host's dot-suffixes in a set of wildcard
/// bases whose labels in front pass `front_ok`.
#[inline(always)]
fn suffix_walk(
    exact: &FxHashSet<Vec<u8>>,
    suffixes: &FxHashSet<Vec<u8>>,
    o: &[u8],
    front_ok: impl Fn(&[u8]) -> bool,
) -> bool {
    if exact.contains(o) {
        return true;
    }
    let Some(host) = o.strip_prefix(b"https://") else {
        return false;
    };
    host.iter()
        .enumerate()
        .filter(|(_, b)| **b == b'.')
        .any(|(i, _)| suffixes.contains(&host[i + 1..]) && front_ok(&host[..i]))
}

/// Every label of `front` is a DNS label of letters, digits and hyphens,
/// as corsc checks the labels a `*.` pattern covers (which keeps
/// `https://a%2e.tenant1.example1.net` and IPv6 literals out of it).
fn ldh_labels(front: &[u8]) -> bool {
    front.split(|b| *b == b'.').all(|label| {
        (1..=63).contains(&label.len())
            && label
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            && label[0] != b'-'
            && label[label.len() - 1] != b'-'
    })
}

fn whole_get(c: &mut Criterion) {
    let mut group = c.benchmark_group("evaluate/get");
    for n in p::SIZES {
        let (stat, _) = p::exact(n);
        let hit = p::exact_origin(n - 1);
        assert_eq!(eval(stat, hit.as_bytes()), DecisionKind::Actual);
        group.bench_with_input(BenchmarkId::new("static/hit", n), hit.as_bytes(), |b, o| {
            b.iter(|| eval(stat, o))
        });
    }
    group.finish();
}

criterion_group!(benches, exact, wildcard, whole_get);
criterion_main!(benches);

//! Origin matching through full evaluation of a simple GET, for exact and
//! wildcard policies of 1, 100 and 10,000 patterns, static and run-time-built.
//!
//! Run: `cargo bench -p cors-benches --bench matching`

use std::hint::black_box;

use cors_benches as p;
use cors_runtime::{DecisionKind, Policy, PolicySource, SimpleRequest};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn eval(policy: Policy<'_>, origin: &[u8]) -> DecisionKind {
    let headers = [("origin", origin)];
    let request = SimpleRequest::new(b"GET", &headers);
    policy.evaluate(black_box(&request)).kind()
}

fn bench(c: &mut Criterion) {
    let sets: [(usize, Policy<'static>, &str, Policy<'static>, &str); 3] = [
        (
            1,
            p::EXACT_1,
            p::EXACT_1_TOML,
            p::WILDCARD_1,
            p::WILDCARD_1_TOML,
        ),
        (
            100,
            p::EXACT_100,
            p::EXACT_100_TOML,
            p::WILDCARD_100,
            p::WILDCARD_100_TOML,
        ),
        (
            10_000,
            p::EXACT_10000,
            p::EXACT_10000_TOML,
            p::WILDCARD_10000,
            p::WILDCARD_10000_TOML,
        ),
    ];
    // Matching alone: origin syntax check plus the table probes.
    let mut group = c.benchmark_group("match");
    for (n, stat, toml, wstat, wtoml) in &sets {
        let (owned, wowned) = (
            cors_policy::load(toml).unwrap(),
            cors_policy::load(wtoml).unwrap(),
        );
        let last = n - 1;
        let hit = format!("https://app{last}.example{}.com", last % 97);
        let whit = format!("https://a.tenant{last}.example{}.net", last % 97);
        assert!(stat.allows_origin(hit.as_bytes()) && wstat.allows_origin(whit.as_bytes()));
        group.bench_with_input(
            BenchmarkId::new("exact/static/hit", n),
            hit.as_bytes(),
            |b, o| b.iter(|| stat.allows_origin(black_box(o))),
        );
        group.bench_with_input(
            BenchmarkId::new("exact/runtime/hit", n),
            hit.as_bytes(),
            |b, o| b.iter(|| owned.policy().allows_origin(black_box(o))),
        );
        group.bench_with_input(
            BenchmarkId::new("wildcard/static/depth1", n),
            whit.as_bytes(),
            |b, o| b.iter(|| wstat.allows_origin(black_box(o))),
        );
        group.bench_with_input(
            BenchmarkId::new("wildcard/runtime/depth1", n),
            whit.as_bytes(),
            |b, o| b.iter(|| wowned.policy().allows_origin(black_box(o))),
        );
    }
    group.finish();

    let mut group = c.benchmark_group("exact");
    for (n, stat, toml, _, _) in &sets {
        let owned = cors_policy::load(toml).unwrap();
        let last = n - 1;
        let hit = format!("https://app{last}.example{}.com", last % 97);
        // Same length, one byte off.
        let mut near = hit.clone().into_bytes();
        near[8] = b'b';
        let miss = b"https://unknown.example.org".to_vec();
        assert_eq!(eval(*stat, hit.as_bytes()), DecisionKind::Actual);
        assert_eq!(eval(*stat, &near), DecisionKind::Rejected);
        for (label, origin) in [
            ("hit", hit.as_bytes()),
            ("near_miss", &near[..]),
            ("miss", &miss[..]),
        ] {
            group.bench_with_input(
                BenchmarkId::new(format!("static/{label}"), n),
                origin,
                |b, o| b.iter(|| eval(*stat, o)),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("runtime/{label}"), n),
                origin,
                |b, o| b.iter(|| eval(owned.policy(), o)),
            );
        }
    }
    group.finish();

    let mut group = c.benchmark_group("wildcard");
    for (n, _, _, stat, toml) in &sets {
        let owned = cors_policy::load(toml).unwrap();
        let last = n - 1;
        let base = format!("tenant{last}.example{}.net", last % 97);
        let depth1 = format!("https://a.{base}");
        let depth4 = format!("https://a.b.c.d.{base}");
        let miss = format!("https://a.{base}.evil.test");
        assert_eq!(eval(*stat, depth1.as_bytes()), DecisionKind::Actual);
        assert_eq!(eval(*stat, depth4.as_bytes()), DecisionKind::Actual);
        assert_eq!(eval(*stat, miss.as_bytes()), DecisionKind::Rejected);
        for (label, origin) in [("depth1", &depth1), ("depth4", &depth4), ("miss", &miss)] {
            group.bench_with_input(
                BenchmarkId::new(format!("static/{label}"), n),
                origin.as_bytes(),
                |b, o| b.iter(|| eval(*stat, o)),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("runtime/{label}"), n),
                origin.as_bytes(),
                |b, o| b.iter(|| eval(owned.policy(), o)),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The cost of hostile inputs: Origin and Access-Control-Request-Headers
//! values from 1 KiB to 1 MiB, as throughput (time per byte). The evaluator
//! checks sizes before parsing, so the time stays constant as the input
//! grows: well under linear.
//!
//! Run: `cargo bench -p cors-benches --bench hostile`

use std::hint::black_box;

use cors_benches as p;
use cors_runtime::{DecisionKind, PolicySource, SimpleRequest};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const SIZES: [usize; 6] = [1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18, 1 << 20];

fn bench(c: &mut Criterion) {
    let (policy, _) = p::exact(10_000);
    let allowed = p::exact_origin(9_999);
    let mut group = c.benchmark_group("hostile");
    for size in SIZES {
        group.throughput(Throughput::Bytes(size as u64));
        // A long host made of valid labels.
        let origin = format!("https://{}.com", "a".repeat(size - 12));
        let headers = [("origin", origin.as_bytes())];
        let request = SimpleRequest::new(b"GET", &headers);
        assert_eq!(policy.evaluate(&request).kind(), DecisionKind::Rejected);
        group.bench_with_input(BenchmarkId::new("origin", size), &origin, |b, o| {
            b.iter(|| {
                let headers = [("origin", o.as_bytes())];
                policy
                    .evaluate(black_box(&SimpleRequest::new(b"GET", &headers)))
                    .kind()
            })
        });
        // 100,000-comma style lists: "x-a," repeated.
        let acrh = "x-a,".repeat(size / 4);
        let headers = [
            ("origin", allowed.as_bytes()),
            ("access-control-request-method", b"PUT"),
            ("access-control-request-headers", acrh.as_bytes()),
        ];
        let request = SimpleRequest::new(b"OPTIONS", &headers);
        assert_eq!(policy.evaluate(&request).kind(), DecisionKind::Rejected);
        group.bench_with_input(BenchmarkId::new("request_headers", size), &acrh, |b, h| {
            b.iter(|| {
                let headers = [
                    ("origin", allowed.as_bytes()),
                    ("access-control-request-method", &b"PUT"[..]),
                    ("access-control-request-headers", h.as_bytes()),
                ];
                policy
                    .evaluate(black_box(&SimpleRequest::new(b"OPTIONS", &headers)))
                    .kind()
            })
        });
        // Empty entries only: ",,,,".
        let commas = ",".repeat(size);
        group.bench_with_input(BenchmarkId::new("empty_entries", size), &commas, |b, h| {
            b.iter(|| {
                let headers = [
                    ("origin", allowed.as_bytes()),
                    ("access-control-request-method", &b"PUT"[..]),
                    ("access-control-request-headers", h.as_bytes()),
                ];
                policy
                    .evaluate(black_box(&SimpleRequest::new(b"OPTIONS", &headers)))
                    .kind()
            })
        });
        // The same bytes as many header lines of "x-a" each.
        let lines: Vec<(&str, &[u8])> = std::iter::once(("origin", allowed.as_bytes()))
            .chain(std::iter::once((
                "access-control-request-method",
                &b"PUT"[..],
            )))
            .chain((0..size / 4).map(|_| ("access-control-request-headers", &b"x-a"[..])))
            .collect();
        let request = SimpleRequest::new(b"OPTIONS", &lines);
        assert_eq!(policy.evaluate(&request).kind(), DecisionKind::Rejected);
        group.bench_with_input(BenchmarkId::new("repeated_lines", size), &lines, |b, l| {
            b.iter(|| {
                policy
                    .evaluate(black_box(&SimpleRequest::new(b"OPTIONS", l)))
                    .kind()
            })
        });
        // Bytes that are not UTF-8 (nor valid in a host) in the Origin.
        let mut raw = b"https://".to_vec();
        raw.extend(std::iter::repeat_n(0xffu8, size - 8));
        let headers = [("origin", &raw[..])];
        assert_eq!(
            policy
                .evaluate(&SimpleRequest::new(b"GET", &headers))
                .kind(),
            DecisionKind::Rejected
        );
        group.bench_with_input(BenchmarkId::new("non_utf8_origin", size), &raw, |b, o| {
            b.iter(|| {
                let headers = [("origin", &o[..])];
                policy
                    .evaluate(black_box(&SimpleRequest::new(b"GET", &headers)))
                    .kind()
            })
        });
    }
    group.finish();
}

/// An allow-list of `n` names: `a` and `x-h1` … `x-h{n-1}`.
fn allow_list_policy(n: usize, star: bool) -> cors_runtime::OwnedPolicy {
    let mut names: Vec<String> = std::iter::once("a".to_string())
        .chain((1..n).map(|i| format!("x-h{i}")))
        .collect();
    if star {
        names.insert(0, "*".into());
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    cors_policy::load(&format!(
        "origins = [\"https://app.example.com\"]\nmethods = [\"PUT\"]\nallow_headers = [{}]\n",
        quoted.join(", ")
    ))
    .expect("a valid policy")
}

/// An 8 KiB `Access-Control-Request-Headers` of one-letter names, every one
/// allowed, against allow-lists of 1 to 1,000 names, listed and with `*`:
/// the check must cost the same at every list size (one lookup per name).
fn bench_allow_list(c: &mut Criterion) {
    let acrh = "a,".repeat(cors_runtime::MAX_REQUEST_HEADERS_LEN / 2);
    let mut group = c.benchmark_group("hostile_allow_list");
    group.throughput(Throughput::Bytes(acrh.len() as u64));
    for n in [1, 10, 100, 1_000] {
        for (label, star) in [("listed", false), ("star", true)] {
            bench_preflight(&mut group, label, n, star, &acrh);
        }
    }
    // The worst inputs of each mode: under `*`, a `z` in every element, or
    // elements shaped like `authorization` (the screen passes each and the
    // comparison runs); listed, two allowed names
    // in turn, so no element repeats the one before it.
    let cases = [
        (
            "star_z",
            true,
            "z,".repeat(cors_runtime::MAX_REQUEST_HEADERS_LEN / 2),
        ),
        // Every element passes the screen and is compared.
        (
            "star_screened",
            true,
            ",aaaaaaazaaaaa".repeat(cors_runtime::MAX_REQUEST_HEADERS_LEN / 14),
        ),
        (
            "listed_alternating",
            false,
            "a,x-h1,".repeat(cors_runtime::MAX_REQUEST_HEADERS_LEN / 7),
        ),
    ];
    for (label, star, acrh) in cases {
        for n in [2, 1_000] {
            bench_preflight(&mut group, label, n, star, &acrh);
        }
    }
    group.finish();
}

/// Times an allowed `PUT` preflight with `acrh` against the allow-list of
/// `n` names (with `*` when `star`), after asserting it is allowed.
fn bench_preflight(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    label: &str,
    n: usize,
    star: bool,
    acrh: &str,
) {
    let owned = allow_list_policy(n, star);
    let policy = owned.policy();
    let headers = [
        ("origin", &b"https://app.example.com"[..]),
        ("access-control-request-method", b"PUT"),
        ("access-control-request-headers", acrh.as_bytes()),
    ];
    let request = SimpleRequest::new(b"OPTIONS", &headers);
    assert_eq!(policy.evaluate(&request).kind(), DecisionKind::Preflight);
    group.bench_with_input(BenchmarkId::new(label, n), &request, |b, r| {
        b.iter(|| policy.evaluate(black_box(r)).kind())
    });
}

criterion_group!(benches, bench, bench_allow_list);
criterion_main!(benches);

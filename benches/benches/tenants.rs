//! The tenant index at platform scale: build time, memory, the (tenant,
//! origin) lookup against a `HashMap<String, HashSet<String>>` baseline in
//! the same run, an upsert (its time is the time until the next request
//! sees it), and whole requests through the tower adapter with the tenant
//! taken from the path against the same service with one static policy.
//!
//! Each tenant has three origins: two exact, one subdomain wildcard. The
//! lookups are `Snapshot::allows_origin`; `lookup_exact/policy_view` is the
//! same through the policy view a request evaluates with.
//! Sizes come from `CORSC_TENANTS` (default `1000,100000,1000000`).
//!
//! Run: `cargo bench -p cors-benches --bench tenants -- --warm-up-time 1 --measurement-time 2 --noplot`

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::time::Instant;

use cors_policy::Source;
use cors_runtime::PolicySource;
use cors_tenants::{CheckedTenant, PathSegment, Platform, TenantCors, TenantIndex, TenantSpec};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use tower::{Layer, Service};

mod common;
use common::{bench_service, inner};

const PLATFORM: &str = "origins = []\nmethods = [\"GET\", \"PUT\"]\n\
    allow_headers = [\"content-type\", \"x-request-id\"]\ncredentials = true\nmax_age = 600\n";

fn platform() -> Platform {
    Platform::new(&Source::new("platform.toml", PLATFORM), "default").expect("platform")
}

fn origins_of(i: usize) -> Vec<String> {
    vec![
        format!("https://app.customer{i}.example"),
        format!("https://admin.customer{i}.example"),
        format!("https://*.customer{i}.example.net"),
    ]
}

fn spec(i: usize) -> TenantSpec {
    TenantSpec {
        id: format!("client-{i:07}"),
        origins: origins_of(i),
        plan: None,
    }
}

fn sizes() -> Vec<usize> {
    std::env::var("CORSC_TENANTS")
        .unwrap_or_else(|_| "1000,100000,1000000".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}

/// A tenant id, and an allowed exact, an allowed wildcard and another
/// tenant's origin.
type Probe = (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>);

/// A spread of tenant numbers to probe, the same at every size.
fn probes(n: usize) -> Vec<usize> {
    (0..1024).map(|k| (k * 7919 + 13) % n).collect()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("tenants");
    group.sample_size(10);
    for n in sizes() {
        let platform = platform();
        let start = Instant::now();
        let checked: Vec<CheckedTenant> = (0..n)
            .map(|i| platform.check(&spec(i)).expect("valid"))
            .collect();
        let check_time = start.elapsed();
        let start = Instant::now();
        let index = TenantIndex::build(platform.clone(), checked.clone()).expect("checked here");
        let build_time = start.elapsed();
        let snapshot = index.load_full();
        // The text the index stores: each id, and each origin as its table
        // keys it (a wildcard without its `*.`).
        let text: usize = (0..n)
            .map(|i| {
                origins_of(i)
                    .iter()
                    .map(|o| o.len() - if o.contains("*.") { 2 } else { 0 })
                    .sum::<usize>()
                    + spec(i).id.len()
            })
            .sum();
        eprintln!(
            "tenants {n}: check {:.2} µs per tenant; build {:.3} s; {} heap bytes, {:.1} per origin beyond the origin and id text",
            check_time.as_secs_f64() * 1e6 / n as f64,
            build_time.as_secs_f64(),
            snapshot.heap_bytes(),
            (snapshot.heap_bytes() as f64 - text as f64) / (3 * n) as f64,
        );
        group.bench_function(BenchmarkId::new("build", n), |b| {
            b.iter_batched(
                || (platform.clone(), checked.clone()),
                |(platform, tenants)| black_box(TenantIndex::build(platform, tenants)),
                BatchSize::LargeInput,
            )
        });
        drop(checked);

        let baseline: HashMap<String, HashSet<String>> = (0..n)
            .map(|i| (spec(i).id, origins_of(i).into_iter().take(2).collect()))
            .collect();
        let probe: Vec<Probe> = probes(n)
            .into_iter()
            .map(|i| {
                (
                    spec(i).id.into_bytes(),
                    format!("https://admin.customer{i}.example").into_bytes(),
                    format!("https://eu.customer{i}.example.net").into_bytes(),
                    format!("https://admin.customer{}.example", (i + 1) % n).into_bytes(),
                )
            })
            .collect();
        let mut k = 0usize;
        let mut next = move || {
            k = (k + 1) & 1023;
            k
        };
        group.bench_function(BenchmarkId::new("lookup_exact/corsc", n), |b| {
            b.iter(|| {
                let (id, origin, _, _) = &probe[next()];
                black_box(snapshot.allows_origin(id, origin))
            })
        });
        // The same through the whole policy view a request evaluates with.
        group.bench_function(BenchmarkId::new("lookup_exact/policy_view", n), |b| {
            b.iter(|| {
                let (id, origin, _, _) = &probe[next()];
                black_box(snapshot.policy(id).map(|p| p.allows_origin(origin)))
            })
        });
        group.bench_function(BenchmarkId::new("lookup_exact/hashmap_hashset", n), |b| {
            b.iter(|| {
                let (id, origin, _, _) = &probe[next()];
                let id = std::str::from_utf8(id).unwrap_or_default();
                let origin = std::str::from_utf8(origin).unwrap_or_default();
                black_box(baseline.get(id).map(|set| set.contains(origin)))
            })
        });
        group.bench_function(BenchmarkId::new("lookup_wildcard/corsc", n), |b| {
            b.iter(|| {
                let (id, _, origin, _) = &probe[next()];
                black_box(snapshot.allows_origin(id, origin))
            })
        });
        group.bench_function(BenchmarkId::new("lookup_rejected/corsc", n), |b| {
            b.iter(|| {
                let (id, _, _, origin) = &probe[next()];
                black_box(snapshot.allows_origin(id, origin))
            })
        });
        drop(baseline);

        let mut u = 0usize;
        group.bench_function(BenchmarkId::new("upsert", n), |b| {
            b.iter(|| {
                u += 1;
                let mut tenant = spec(u % n);
                tenant.origins[0] = format!("https://v{u}.customer{}.example", u % n);
                black_box(index.upsert(&tenant).expect("valid"))
            })
        });
        index.compact();

        // Whole requests: the tenant from the path, against one static
        // policy with the same three origins.
        let i = n / 2;
        // The upserts above replaced the first origin; the second stays.
        let origin = format!("https://admin.customer{i}.example");
        let path = format!("/apps/client-{i:07}/items");
        let tenants =
            TenantCors::new(index.clone(), PathSegment::after("/apps")).expect("extractor");
        let ours = cors_runtime::adapters::tower::CorsLayer::new(tenants).layer(inner());
        let single = cors_policy::load(
            &PLATFORM.replace("origins = []", &format!("origins = {:?}", origins_of(i))),
        )
        .expect("policy");
        assert!(single.policy().allows_origin(origin.as_bytes()));
        let static_layer = cors_runtime::adapters::tower::CorsLayer::new(single).layer(inner());
        for (kind, make) in [
            (
                "get",
                &(|| get_at(&path, &origin)) as &dyn Fn() -> http::Request<()>,
            ),
            ("preflight", &(|| preflight_at(&path, &origin))),
        ] {
            for (who, service) in [("tenants", 0), ("static_policy", 1)] {
                let id = BenchmarkId::new(format!("tower_{kind}/{who}"), n);
                match service {
                    0 => run(&mut group, id, ours.clone(), make),
                    _ => run(&mut group, id, static_layer.clone(), make),
                }
            }
        }
    }
    group.finish();
}

fn get_at(path: &str, origin: &str) -> http::Request<()> {
    http::Request::get(path)
        .header("origin", origin)
        .body(())
        .unwrap()
}

fn preflight_at(path: &str, origin: &str) -> http::Request<()> {
    http::Request::options(path)
        .header("origin", origin)
        .header("access-control-request-method", "PUT")
        .header(
            "access-control-request-headers",
            "content-type,x-request-id",
        )
        .body(())
        .unwrap()
}

/// One allowed request kind through `service`.
fn run<S, B>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: BenchmarkId,
    service: S,
    make: &dyn Fn() -> http::Request<()>,
) where
    S: Service<http::Request<()>, Response = http::Response<B>>,
    S::Error: std::fmt::Debug,
{
    bench_service(group, id, service, make, |response| {
        assert!(
            response
                .headers()
                .contains_key("access-control-allow-origin"),
            "the request is allowed"
        );
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! A whole request through the tower adapter and through tower-http's
//! `CorsLayer` configured with the same origins, around the same trivial
//! inner service, on identical requests; and the bare inner service, to
//! subtract. Futures are polled once with a no-op waker (every one of them
//! is ready at once), so no executor cost is measured.
//!
//! Run: `cargo bench -p cors-benches --bench tower`

use std::hint::black_box;
use std::time::Duration;

use cors_benches as p;
use cors_runtime::adapters::http::HeaderMapView;

mod common;
use common::floor::FloorLayer;
use common::{bench_service, get, inner, preflight, ready};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use http::{HeaderValue, Method, Request, Response, header};
use tower::{Layer, Service};
use tower_http::cors::{AllowOrigin, CorsLayer as TowerHttpCors};

fn tower_http(allow: AllowOrigin) -> TowerHttpCors {
    TowerHttpCors::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::PUT, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-request-id"),
        ])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
}

/// Measures one service on one kind of request.
/// One request kind through `service`, which must answer `expect_status`.
fn run<S, B>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: BenchmarkId,
    service: S,
    make: &dyn Fn() -> Request<()>,
    expect_status: u16,
) where
    S: Service<Request<()>, Response = Response<B>>,
    S::Error: std::fmt::Debug,
{
    bench_service(group, id, service, make, |response| {
        assert_eq!(response.status().as_u16(), expect_status);
    });
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("tower");
    for n in [1, 10, 100, 1_000, 10_000, 100_000] {
        let (policy, _) = p::exact(n);
        let origin = p::exact_origin(n - 1);
        let list: Vec<HeaderValue> = p::exact_origins(n)
            .iter()
            .map(|o| HeaderValue::from_str(o).unwrap())
            .collect();
        let ours = cors_runtime::adapters::tower::CorsLayer::new(policy).layer(inner());
        let theirs = tower_http(AllowOrigin::list(list)).layer(inner());
        let floor = FloorLayer::new(p::exact_origins(n)).layer(inner());
        let pre = || preflight(&origin);
        let simple = || get(&origin);
        same_cors_headers(&ours, &floor, &pre);
        same_cors_headers(&ours, &floor, &simple);
        run(
            &mut group,
            BenchmarkId::new("preflight/corsc", n),
            ours.clone(),
            &pre,
            204,
        );
        run(
            &mut group,
            BenchmarkId::new("preflight/floor", n),
            floor.clone(),
            &pre,
            204,
        );
        run(
            &mut group,
            BenchmarkId::new("get/floor", n),
            floor.clone(),
            &simple,
            200,
        );
        if [1, 100, 10_000].contains(&n) {
            // Another origin: refused preflights, GETs without CORS headers.
            let stranger = p::exact_origin(n);
            let pre = || preflight(&stranger);
            let simple = || get(&stranger);
            same_cors_headers(&ours, &floor, &pre);
            same_cors_headers(&ours, &floor, &simple);
            for (name, status) in [("corsc", 403), ("floor", 403), ("tower_http_list", 200)] {
                let id = |kind: &str| BenchmarkId::new(format!("{kind}_rejected/{name}"), n);
                match name {
                    "corsc" => {
                        run(&mut group, id("preflight"), ours.clone(), &pre, status);
                        run(&mut group, id("get"), ours.clone(), &simple, 200);
                    }
                    "floor" => {
                        run(&mut group, id("preflight"), floor.clone(), &pre, status);
                        run(&mut group, id("get"), floor.clone(), &simple, 200);
                    }
                    _ => {
                        run(&mut group, id("preflight"), theirs.clone(), &pre, status);
                        run(&mut group, id("get"), theirs.clone(), &simple, 200);
                    }
                }
            }
        }
        run(
            &mut group,
            BenchmarkId::new("preflight/tower_http_list", n),
            theirs.clone(),
            &pre,
            200,
        );
        run(
            &mut group,
            BenchmarkId::new("get/corsc", n),
            ours,
            &simple,
            200,
        );
        run(
            &mut group,
            BenchmarkId::new("get/tower_http_list", n),
            theirs,
            &simple,
            200,
        );
    }
    // The bare inner service, to subtract.
    let origin = p::exact_origin(0);
    run(
        &mut group,
        BenchmarkId::new("preflight/bare", 0),
        inner(),
        &|| preflight(&origin),
        200,
    );
    run(
        &mut group,
        BenchmarkId::new("get/bare", 0),
        inner(),
        &|| get(&origin),
        200,
    );
    // Wildcards: ours vs an `ends_with` predicate over the same bases.
    for w in p::WILDCARDS {
        let (policy, _) = p::mixed(w);
        let origin = p::wildcard_origin(w - 1, 1);
        let bases: Vec<String> = (0..w)
            .map(|i| format!(".tenant{i}.example{}.net", i % 97))
            .collect();
        let exact: Vec<String> = p::exact_origins(100);
        let predicate = AllowOrigin::predicate(move |o: &HeaderValue, _| {
            let o = o.to_str().unwrap_or("");
            exact.iter().any(|e| e == o) || bases.iter().any(|b| o.ends_with(b.as_str()))
        });
        let ours = cors_runtime::adapters::tower::CorsLayer::new(policy).layer(inner());
        let theirs = tower_http(predicate).layer(inner());
        let pre = || preflight(&origin);
        run(
            &mut group,
            BenchmarkId::new("wildcard_preflight/corsc", w),
            ours,
            &pre,
            204,
        );
        run(
            &mut group,
            BenchmarkId::new("wildcard_preflight/tower_http_predicate", w),
            theirs,
            &pre,
            200,
        );
    }
    group.finish();
}

/// Checks that the floor answers `request` with the status and CORS headers
/// corsc does (a preflight's `Vary` aside), so it is a fair floor.
fn same_cors_headers<A, B, X, Y>(ours: &A, floor: &B, make: &dyn Fn() -> Request<()>)
where
    A: Service<Request<()>, Response = Response<X>> + Clone,
    B: Service<Request<()>, Response = Response<Y>> + Clone,
    A::Error: std::fmt::Debug,
    B::Error: std::fmt::Debug,
{
    fn cors<T>(response: &Response<T>, preflight: bool) -> (u16, Vec<(String, String)>) {
        let mut headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(name, _)| {
                name.as_str().starts_with("access-control-")
                    || (!preflight && *name == header::VARY)
            })
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        headers.sort();
        (response.status().as_u16(), headers)
    }
    let preflight = make().method() == Method::OPTIONS;
    let a = ready(ours.clone().call(make())).unwrap();
    let b = ready(floor.clone().call(make())).unwrap();
    assert_eq!(
        cors(&a, preflight),
        cors(&b, preflight),
        "the floor answers as corsc does"
    );
}

/// What bounds a preflight answered by any middleware: the evaluation alone
/// (our core, on the same request), and writing the six preflight headers
/// into an `http::HeaderMap` — which tower-http does as well.
fn floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("tower_floor");
    let (policy, _) = p::exact(100);
    let origin = p::exact_origin(99);
    let request = preflight(&origin);
    group.bench_function("evaluate_preflight/100", |b| {
        b.iter(|| {
            let request = black_box(&request);
            let view = HeaderMapView::new(request.method(), request.headers());
            black_box(policy.evaluate(&view).status())
        })
    });
    let request_get = get(&origin);
    group.bench_function("evaluate_get/100", |b| {
        b.iter(|| {
            let request = black_box(&request_get);
            let view = HeaderMapView::new(request.method(), request.headers());
            black_box(policy.evaluate(&view).status())
        })
    });
    // The adapter's request side of a GET: evaluation and prepared headers.
    let cors = cors_runtime::adapters::http::HttpCors::new(policy);
    group.bench_function("handle_get/100", |b| {
        b.iter_batched_ref(
            || get(&origin),
            |request| black_box(cors.handle(request)),
            BatchSize::SmallInput,
        )
    });
    // ... and its response side: the prepared headers into a response that
    // has a header already.
    group.bench_function("apply_get/100", |b| {
        b.iter_batched(
            || {
                let cors_runtime::adapters::http::Outcome::Forward(headers) =
                    cors.handle(&mut get(&origin))
                else {
                    unreachable!("a GET is forwarded")
                };
                let mut response = Response::new(());
                response
                    .headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
                (headers, response)
            },
            |(headers, mut response)| {
                headers.apply_owned(&mut cors_runtime::adapters::http::HeaderMapSink(
                    response.headers_mut(),
                ));
                black_box(response)
            },
            BatchSize::SmallInput,
        )
    });
    let values: [(header::HeaderName, HeaderValue); 6] = [
        (
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_str(&origin).unwrap(),
        ),
        (
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        ),
        (
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, PUT, DELETE"),
        ),
        (
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("content-type, x-request-id"),
        ),
        (
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        ),
        (
            header::VARY,
            HeaderValue::from_static(
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
            ),
        ),
    ];
    group.bench_function("six_headers_into_a_header_map", |b| {
        b.iter(|| {
            let mut map = http::HeaderMap::new();
            for (name, value) in &values {
                map.insert(name.clone(), value.clone());
            }
            black_box(map)
        })
    });
    group.finish();
}

criterion_group!(benches, bench, floor);
criterion_main!(benches);

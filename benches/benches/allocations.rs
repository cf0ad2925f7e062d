//! Heap allocations per request, counted by a global allocator: the core
//! evaluation, each adapter, and the peers, on the same requests. Prints a
//! Markdown table (no timing).
//!
//! Run: `cargo bench -p cors-benches --bench allocations`

// A global allocator cannot be written without `unsafe`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::dev::Service as _;
use actix_web::{App, HttpResponse, test, web};
use cors_benches as p;

mod common;
use common::{get, inner, inner_with_header, preflight, ready};
use cors_runtime::SimpleRequest;
use http::{HeaderValue, Method, Request, Response, header};
use tower::{Layer, Service};
use tower_http::cors::{AllowOrigin, CorsLayer as TowerHttpCors};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f`, the median of 21 runs (the first warms caches).
fn count(mut f: impl FnMut()) -> usize {
    let mut runs: Vec<usize> = (0..21)
        .map(|_| {
            let before = ALLOCATIONS.load(Ordering::Relaxed);
            f();
            ALLOCATIONS.load(Ordering::Relaxed) - before
        })
        .collect();
    runs.sort_unstable();
    runs[runs.len() / 2]
}

/// Allocations of `service.call(request)` alone (the request is built
/// before counting), including dropping the response.
fn tower_count<S, B>(mut service: S, make: impl Fn() -> Request<()>) -> usize
where
    S: Service<Request<()>, Response = Response<B>>,
    S::Error: std::fmt::Debug,
{
    let mut requests: Vec<Request<()>> = (0..21).map(|_| make()).collect();
    count(|| {
        let request = requests.pop().unwrap();
        drop(ready(service.call(request)).unwrap());
    })
}

fn main() {
    let n = 100;
    let (policy, _) = p::exact(n);
    let origin = p::exact_origin(n - 1);
    let list: Vec<HeaderValue> = p::exact_origins(n)
        .iter()
        .map(|o| HeaderValue::from_str(o).unwrap())
        .collect();
    let tower_http = TowerHttpCors::new()
        .allow_origin(AllowOrigin::list(list))
        .allow_methods([Method::GET, Method::PUT, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-request-id"),
        ])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600));
    let ours = cors_runtime::adapters::tower::CorsLayer::new(policy);

    let core_pre = {
        let headers = [
            ("origin", origin.as_bytes()),
            ("access-control-request-method", &b"PUT"[..]),
            (
                "access-control-request-headers",
                b"content-type,x-request-id",
            ),
        ];
        count(|| {
            std::hint::black_box(policy.evaluate(&SimpleRequest::new(b"OPTIONS", &headers)));
        })
    };
    let core_get = {
        let headers = [("origin", origin.as_bytes())];
        count(|| {
            std::hint::black_box(policy.evaluate(&SimpleRequest::new(b"GET", &headers)));
        })
    };

    // As hyper hands requests over: header values are slices of the shared
    // read buffer, so cloning the Origin value is a reference count.
    let hyper_like = |request: Request<()>| {
        let (mut parts, body) = request.into_parts();
        for value in parts.headers.values_mut() {
            let shared = bytes::Bytes::copy_from_slice(value.as_bytes()).slice(..);
            *value = HeaderValue::from_maybe_shared(shared).unwrap();
        }
        Request::from_parts(parts, body)
    };
    let rows_tower = [
        (
            "bare inner service",
            tower_count(inner(), || preflight(&origin)),
            tower_count(inner(), || get(&origin)),
        ),
        (
            "corsc tower adapter",
            tower_count(ours.layer(inner()), || preflight(&origin)),
            tower_count(ours.layer(inner()), || get(&origin)),
        ),
        (
            "tower-http CorsLayer",
            tower_count(tower_http.layer(inner()), || preflight(&origin)),
            tower_count(tower_http.layer(inner()), || get(&origin)),
        ),
        (
            "corsc tower adapter, header values as hyper parses them",
            tower_count(ours.layer(inner()), || hyper_like(preflight(&origin))),
            tower_count(ours.layer(inner()), || hyper_like(get(&origin))),
        ),
        (
            "tower-http CorsLayer, header values as hyper parses them",
            tower_count(tower_http.layer(inner()), || hyper_like(preflight(&origin))),
            tower_count(tower_http.layer(inner()), || hyper_like(get(&origin))),
        ),
        // A handler that sets a header has allocated its response's map
        // already: what is left is the middleware's own.
        (
            "inner service that sets `content-type`",
            tower_count(inner_with_header(), || hyper_like(preflight(&origin))),
            tower_count(inner_with_header(), || hyper_like(get(&origin))),
        ),
        (
            "corsc tower adapter around it, as hyper parses",
            tower_count(ours.layer(inner_with_header()), || {
                hyper_like(preflight(&origin))
            }),
            tower_count(ours.layer(inner_with_header()), || hyper_like(get(&origin))),
        ),
        (
            "tower-http CorsLayer around it, as hyper parses",
            tower_count(tower_http.layer(inner_with_header()), || {
                hyper_like(preflight(&origin))
            }),
            tower_count(tower_http.layer(inner_with_header()), || {
                hyper_like(get(&origin))
            }),
        ),
    ];

    let rt = actix_rt::Runtime::new().unwrap();
    let actix_count = |app: &dyn Fn(actix_http::Request) -> usize,
                       make: &dyn Fn() -> actix_http::Request| {
        let mut requests: Vec<actix_http::Request> = (0..21).map(|_| make()).collect();
        count(|| {
            app(requests.pop().unwrap());
        })
    };
    let pre = || {
        test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/items/7")
            .insert_header(("origin", origin.as_str()))
            .insert_header(("access-control-request-method", "PUT"))
            .insert_header((
                "access-control-request-headers",
                "content-type,x-request-id",
            ))
            .to_request()
    };
    let simple = || {
        test::TestRequest::get()
            .uri("/items")
            .insert_header(("origin", origin.as_str()))
            .to_request()
    };
    let handler = || web::to(|| async { HttpResponse::Ok().finish() });
    let bare = rt.block_on(test::init_service(App::new().default_service(handler())));
    let ours_actix = rt.block_on(test::init_service(
        App::new()
            .wrap(cors_runtime::adapters::actix::Cors::new(policy))
            .default_service(handler()),
    ));
    let mut their_cors = actix_cors::Cors::default()
        .allowed_methods(vec!["GET", "PUT", "DELETE"])
        .allowed_headers(vec!["content-type", "x-request-id"])
        .supports_credentials()
        .max_age(600);
    for o in p::exact_origins(n) {
        their_cors = their_cors.allowed_origin(&o);
    }
    let theirs_actix = rt.block_on(test::init_service(
        App::new().wrap(their_cors).default_service(handler()),
    ));
    let call = |svc: &dyn Fn(actix_http::Request)| {
        (
            actix_count(
                &|r| {
                    svc(r);
                    0
                },
                &pre,
            ),
            actix_count(
                &|r| {
                    svc(r);
                    0
                },
                &simple,
            ),
        )
    };
    let (bare_pre, bare_get) = call(&|r| drop(rt.block_on(bare.call(r))));
    let (ours_pre, ours_get) = call(&|r| drop(rt.block_on(ours_actix.call(r))));
    let (theirs_pre, theirs_get) = call(&|r| drop(rt.block_on(theirs_actix.call(r))));

    println!("Heap allocations per request ({n} allowed origins, allowed origin, median of 21):\n");
    println!("| what | preflight | simple GET |");
    println!("|---|---:|---:|");
    println!("| core evaluation (`Policy::evaluate`) | {core_pre} | {core_get} |");
    for (name, pre, get) in rows_tower {
        println!("| {name} | {pre} | {get} |");
    }
    println!("| bare actix-web app | {bare_pre} | {bare_get} |");
    println!("| corsc actix middleware | {ours_pre} | {ours_get} |");
    println!("| actix-cors | {theirs_pre} | {theirs_get} |");
}

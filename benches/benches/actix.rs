//! A whole request through actix-web's service pipeline
//! (`test::init_service` + `call_service`) with the actix adapter, with
//! actix-cors configured with the same origins, and with no CORS at all (to
//! subtract), on identical requests.
//!
//! Run: `cargo bench -p cors-benches --bench actix`

use std::hint::black_box;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header;
use actix_web::{App, HttpResponse, test, web};
use cors_benches as p;
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};

fn preflight(origin: &str) -> actix_http::Request {
    test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/items/7")
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "PUT"))
        .insert_header((
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "content-type,x-request-id",
        ))
        .to_request()
}

fn get(origin: &str) -> actix_http::Request {
    test::TestRequest::get()
        .uri("/items")
        .insert_header((header::ORIGIN, origin))
        .to_request()
}

fn actix_cors(origins: &[String]) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(vec!["GET", "PUT", "DELETE"])
        .allowed_headers(vec![
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-request-id"),
        ])
        .supports_credentials()
        .max_age(600);
    for o in origins {
        cors = cors.allowed_origin(o);
    }
    cors
}

fn run<S, B>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    rt: &actix_rt::Runtime,
    id: BenchmarkId,
    app: S,
    make: &dyn Fn() -> actix_http::Request,
    expect_status: u16,
) where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let status = rt.block_on(app.call(make())).unwrap().status().as_u16();
    assert_eq!(status, expect_status);
    group.bench_function(id, |b| {
        b.iter_batched(
            make,
            |request| black_box(rt.block_on(app.call(request)).unwrap()),
            BatchSize::SmallInput,
        )
    });
}

macro_rules! app {
    ($rt:expr, $wrap:expr) => {
        $rt.block_on(test::init_service(
            App::new()
                .wrap($wrap)
                .default_service(web::to(|| async { HttpResponse::Ok().finish() })),
        ))
    };
}

fn bench(c: &mut Criterion) {
    let rt = actix_rt::Runtime::new().unwrap();
    let mut group = c.benchmark_group("actix");
    for n in [1, 10, 100, 1_000, 10_000, 100_000] {
        let (policy, _) = p::exact(n);
        let origin = p::exact_origin(n - 1);
        let ours = app!(rt, cors_runtime::adapters::actix::Cors::new(policy));
        let theirs = app!(rt, actix_cors(&p::exact_origins(n)));
        let pre = || preflight(&origin);
        let simple = || get(&origin);
        run(
            &mut group,
            &rt,
            BenchmarkId::new("preflight/corsc", n),
            &ours,
            &pre,
            204,
        );
        run(
            &mut group,
            &rt,
            BenchmarkId::new("preflight/actix_cors", n),
            &theirs,
            &pre,
            200,
        );
        run(
            &mut group,
            &rt,
            BenchmarkId::new("get/corsc", n),
            &ours,
            &simple,
            200,
        );
        run(
            &mut group,
            &rt,
            BenchmarkId::new("get/actix_cors", n),
            &theirs,
            &simple,
            200,
        );
    }
    let origin = p::exact_origin(0);
    let bare = rt.block_on(test::init_service(
        App::new().default_service(web::to(|| async { HttpResponse::Ok().finish() })),
    ));
    run(
        &mut group,
        &rt,
        BenchmarkId::new("preflight/bare", 0),
        &bare,
        &|| preflight(&origin),
        200,
    );
    run(
        &mut group,
        &rt,
        BenchmarkId::new("get/bare", 0),
        &bare,
        &|| get(&origin),
        200,
    );
    group.finish();
}

/// What bounds a preflight answered by any actix middleware: our evaluation
/// alone on the same request, a new 204 response, and the same response
/// with the six preflight headers inserted into actix's header map
/// (actix-cors writes the same six).
fn floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("actix_floor");
    let (policy, _) = p::exact(100);
    let origin = p::exact_origin(99);
    let request = test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/items/7")
        .insert_header((header::ORIGIN, origin.as_str()))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "PUT"))
        .insert_header((
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "content-type,x-request-id",
        ))
        .to_srv_request();
    group.bench_function("evaluate_preflight/100", |b| {
        b.iter(|| black_box(policy.evaluate(black_box(&request)).status()))
    });
    let values: [(header::HeaderName, header::HeaderValue); 6] = [
        (
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            header::HeaderValue::from_str(&origin).unwrap(),
        ),
        (
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            header::HeaderValue::from_static("true"),
        ),
        (
            header::ACCESS_CONTROL_ALLOW_METHODS,
            header::HeaderValue::from_static("GET, PUT, DELETE"),
        ),
        (
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            header::HeaderValue::from_static("content-type, x-request-id"),
        ),
        (
            header::ACCESS_CONTROL_MAX_AGE,
            header::HeaderValue::from_static("600"),
        ),
        (
            header::VARY,
            header::HeaderValue::from_static(
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
            ),
        ),
    ];
    // Dropped outside the timed region, as in the whole-request benches.
    group.bench_function("six_headers_into_a_new_response", |b| {
        b.iter_with_large_drop(|| {
            let mut response = HttpResponse::NoContent().finish();
            for (name, value) in &values {
                response.headers_mut().insert(name.clone(), value.clone());
            }
            black_box(response)
        })
    });
    group.bench_function("new_response", |b| {
        b.iter_with_large_drop(|| black_box(HttpResponse::NoContent().finish()))
    });
    group.finish();
}

criterion_group!(benches, bench, floor);
criterion_main!(benches);

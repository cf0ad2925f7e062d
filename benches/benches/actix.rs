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
    for n in [1, 10, 100, 1_000, 10_000] {
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

criterion_group!(benches, bench);
criterion_main!(benches);

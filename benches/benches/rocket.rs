//! A whole request through rocket's request pipeline (its local
//! asynchronous client: routing, fairings, responders) with corsc's
//! fairing, with rocket_cors's fairing configured with the same origins,
//! and with no CORS at all (to subtract), on identical requests, in one run.
//!
//! Run: `cargo bench -p cors-benches --bench rocket -- --warm-up-time 1 --measurement-time 2 --noplot`

use std::hint::black_box;

use cors_benches as p;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rocket::http::{Header, Method};
use rocket::local::asynchronous::Client;
use rocket_cors::{AllowedHeaders, AllowedOrigins, CorsOptions};

#[rocket::get("/items")]
fn items() -> &'static str {
    "[]"
}

#[rocket::put("/items/<_id>")]
fn put_item(_id: u32) -> &'static str {
    "{}"
}

fn rocket_cors(origins: &[String]) -> rocket_cors::Cors {
    CorsOptions {
        allowed_origins: AllowedOrigins::some_exact(origins),
        allowed_methods: [Method::Get, Method::Put, Method::Delete]
            .into_iter()
            .map(From::from)
            .collect(),
        allowed_headers: AllowedHeaders::some(&["content-type", "x-request-id"]),
        allow_credentials: true,
        max_age: Some(600),
        ..CorsOptions::default()
    }
    .to_cors()
    .expect("valid options")
}

fn quiet() -> rocket::Rocket<rocket::Build> {
    rocket::custom(rocket::Config {
        log_level: rocket::config::LogLevel::Off,
        ..rocket::Config::debug_default()
    })
    .mount("/", rocket::routes![items, put_item])
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("rocket");
    for n in [1, 100, 10_000] {
        let (policy, _) = p::exact(n);
        let origin = p::exact_origin(n - 1);
        let origins = p::exact_origins(n);
        let clients = [
            (
                "corsc",
                quiet().attach(cors_runtime::adapters::rocket::Cors::new(policy)),
            ),
            ("rocket_cors", quiet().attach(rocket_cors(&origins))),
            ("bare", quiet()),
        ]
        .map(|(name, rocket)| (name, runtime.block_on(Client::untracked(rocket)).unwrap()));
        for (kind, allowed) in [("preflight", true), ("get", true), ("get_rejected", false)] {
            let from = if allowed {
                origin.clone()
            } else {
                "https://evil.example".to_string()
            };
            for (name, client) in &clients {
                let send = || {
                    let request = if kind == "preflight" {
                        client
                            .req(Method::Options, "/items/7")
                            .header(Header::new("origin", from.clone()))
                            .header(Header::new("access-control-request-method", "PUT"))
                            .header(Header::new(
                                "access-control-request-headers",
                                "content-type,x-request-id",
                            ))
                    } else {
                        client
                            .get("/items")
                            .header(Header::new("origin", from.clone()))
                    };
                    runtime.block_on(async { request.dispatch().await.status().code })
                };
                if *name != "bare" {
                    let status = send();
                    assert!(status < 500, "{name} {kind}: {status}");
                }
                group.bench_function(BenchmarkId::new(format!("{kind}/{name}"), n), |b| {
                    b.iter(|| black_box(send()))
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

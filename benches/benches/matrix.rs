//! The peers' benchmark matrix, after the one the Go library jub0bs/cors
//! publishes: one, two pathological, several and 1,000 origins and any
//! origin, × preflight and actual request × allowed and denied origin, plus
//! hostile `Access-Control-Request-Headers` — each through corsc's tower
//! adapter and through tower-http's `CorsLayer` configured the same, in
//! one run, around the same trivial service (and that service alone, to
//! subtract). Futures are polled once with a no-op waker.
//!
//! Run: `cargo bench -p cors-benches --bench matrix -- --warm-up-time 1 --measurement-time 2 --noplot`

use std::collections::HashSet;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use http::{HeaderValue, Method, Request, Response, header};
use tower::{Layer, Service};
use tower_http::cors::{AllowOrigin, Any, CorsLayer as TowerHttpCors};

mod common;
use common::{bench_service, inner};

/// Request headers rs/cors allows by default, which the Go matrix uses.
const ALLOWED_HEADERS: [&str; 3] = ["accept", "content-type", "x-requested-with"];

/// A host of 253 bytes: `first` then `.a` repeated.
fn long_host(first: char) -> String {
    format!("https://{first}{}", ".a".repeat(126))
}

/// One configuration: corsc's policy file and tower-http's layer, and the
/// origins its requests come from.
struct Config {
    name: &'static str,
    policy: String,
    tower_http: TowerHttpCors,
    allowed: String,
    denied: Option<String>,
}

fn quoted(origins: &[String]) -> String {
    let quoted: Vec<String> = origins.iter().map(|o| format!("{o:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

fn headers_line() -> String {
    quoted(&ALLOWED_HEADERS.map(str::to_string))
}

fn tower_http_base() -> TowerHttpCors {
    TowerHttpCors::new()
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers(ALLOWED_HEADERS.map(header::HeaderName::from_static))
}

fn list(origins: &[String]) -> AllowOrigin {
    AllowOrigin::list(origins.iter().map(|o| HeaderValue::from_str(o).unwrap()))
}

fn configs() -> Vec<Config> {
    let one = vec!["https://example.com".to_string()];
    let two = vec![long_host('a'), long_host('b')];
    // Two exact origins and two subdomain wildcards; tower-http expresses
    // the wildcards with a predicate, as its users do.
    let several = [
        "https://example.com",
        "https://*.example.com",
        "https://google.com",
        "https://*.google.com",
    ];
    let several_policy: Vec<String> = several.iter().map(|s| s.to_string()).collect();
    let thousand: Vec<String> = (0..250)
        .flat_map(|i| {
            [
                format!("https://{i}.example.com"),
                format!("https://{i}.example.com:7070"),
                format!("https://{i}.foo.example.com"),
                format!("https://{i}.foo.bar.example.com:9090"),
            ]
        })
        .collect();
    let thousand_set: HashSet<String> = thousand.iter().cloned().collect();
    let policy =
        |origins: &str| format!("origins = {origins}\nallow_headers = {}\n", headers_line());
    vec![
        Config {
            name: "one",
            policy: policy(&quoted(&one)),
            tower_http: tower_http_base().allow_origin(list(&one)),
            allowed: one[0].clone(),
            denied: Some("https://example.computer".into()),
        },
        Config {
            name: "two_253_byte_hosts",
            policy: policy(&quoted(&two)),
            tower_http: tower_http_base().allow_origin(list(&two)),
            allowed: two[0].clone(),
            denied: Some(long_host('c')),
        },
        Config {
            name: "several",
            policy: policy(&quoted(&several_policy)),
            tower_http: tower_http_base().allow_origin(AllowOrigin::predicate(|origin, _| {
                let o = origin.as_bytes();
                o == b"https://example.com"
                    || o == b"https://google.com"
                    || (o.starts_with(b"https://")
                        && (o.ends_with(b".example.com") || o.ends_with(b".google.com")))
            })),
            allowed: "https://foo.example.com".into(),
            denied: Some("https://example.computer".into()),
        },
        Config {
            name: "1000",
            policy: policy(&quoted(&thousand)),
            tower_http: tower_http_base().allow_origin(AllowOrigin::predicate(move |origin, _| {
                origin.to_str().is_ok_and(|o| thousand_set.contains(o))
            })),
            allowed: "https://249.foo.bar.example.com:9090".into(),
            denied: Some("https://example.computer".into()),
        },
        Config {
            name: "any",
            policy: format!("origins = \"*\"\nallow_headers = {}\n", headers_line()),
            tower_http: tower_http_base().allow_origin(Any),
            allowed: "https://example.com".into(),
            denied: None,
        },
    ]
}

/// Makes one benchmark's request, afresh for each iteration.
type MakeRequest = Box<dyn Fn() -> Request<()>>;

fn preflight(origin: &str, request_headers: &[&str]) -> Request<()> {
    let mut request = Request::builder()
        .method(Method::OPTIONS)
        .uri("/")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET");
    for line in request_headers {
        request = request.header(header::ACCESS_CONTROL_REQUEST_HEADERS, *line);
    }
    request.body(()).unwrap()
}

fn actual(origin: &str) -> Request<()> {
    Request::builder()
        .uri("/")
        .header(header::ORIGIN, origin)
        .body(())
        .unwrap()
}

/// One request kind through `service`; returns the status it answers.
fn run<S, B>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: BenchmarkId,
    service: S,
    make: &dyn Fn() -> Request<()>,
) -> u16
where
    S: Service<Request<()>, Response = Response<B>>,
    S::Error: std::fmt::Debug,
{
    let mut status = 0;
    bench_service(group, id, service, make, |response| {
        status = response.status().as_u16();
    });
    status
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("matrix");
    let bare = || inner();
    let repeated = "accept,".repeat(8000 / 7);
    let spaces = format!("accept,{}content-type", " ".repeat(8000));
    let empty_lines = vec![""; 1024];
    for config in configs() {
        let owned = cors_policy::load(&config.policy).expect("a valid policy");
        let ours = cors_runtime::adapters::tower::CorsLayer::new(owned).layer(inner());
        let theirs = config.tower_http.layer(inner());
        let mut requests: Vec<(String, MakeRequest)> = Vec::new();
        let allowed = config.allowed.clone();
        requests.push((
            "preflight/allowed".into(),
            Box::new({
                let o = allowed.clone();
                move || preflight(&o, &["x-requested-with"])
            }),
        ));
        requests.push((
            "actual/allowed".into(),
            Box::new({
                let o = allowed.clone();
                move || actual(&o)
            }),
        ));
        if let Some(denied) = &config.denied {
            let o = denied.clone();
            requests.push((
                "preflight/denied".into(),
                Box::new(move || preflight(&o, &["x-requested-with"])),
            ));
            let o = denied.clone();
            requests.push(("actual/denied".into(), Box::new(move || actual(&o))));
        }
        if config.name == "one" {
            for (name, lines) in [
                (
                    "hostile_acrh/repeated_allowed_name",
                    vec![repeated.as_str()],
                ),
                ("hostile_acrh/whitespace", vec![spaces.as_str()]),
                ("hostile_acrh/1024_empty_lines", empty_lines.clone()),
            ] {
                let o = allowed.clone();
                let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                requests.push((
                    name.into(),
                    Box::new(move || {
                        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
                        preflight(&o, &lines)
                    }),
                ));
            }
        }
        for (name, make) in &requests {
            let id = |who: &str| BenchmarkId::new(format!("{}/{name}/{who}", config.name), "");
            let a = run(&mut group, id("corsc"), ours.clone(), make.as_ref());
            let b = run(&mut group, id("tower_http"), theirs.clone(), make.as_ref());
            run(&mut group, id("bare"), bare(), make.as_ref());
            eprintln!("{}/{name}: corsc {a}, tower-http {b}", config.name);
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! `cors import --from tower-http`: realistic `CorsLayer` configurations
//! (`fixtures/import/tower_http.rs`, compiled here as real code too) are
//! imported; where the import says it carried everything, the same
//! requests through the real tower-http layer and through corsc with the
//! imported policy give the browser the same answer. What cannot be
//! carried is named with its line and what it let through.

mod common;

#[path = "fixtures/import/tower_http.rs"]
mod tower_http_snippets;

#[path = "fixtures/import/actix_cors.rs"]
mod actix_cors_snippets;

#[path = "fixtures/import/rocket_cors.rs"]
mod rocket_cors_snippets;

use std::convert::Infallible;

use common::{cors, scratch, text};
use cors_policy::{Selection, Source};
use http::{Request, Response};
use tower::{Layer, ServiceExt, service_fn};

const FIXTURE: &str = "cors-cli/tests/fixtures/import/tower_http.rs";
const TEXT: &str = include_str!("fixtures/import/tower_http.rs");

type Snippet = (&'static str, fn() -> tower_http::cors::CorsLayer, bool);

/// Which configurations of a fixture the import carries exactly: exactly
/// those whose lines no "not carried over" note names.
fn check_exactness(text: &str, stderr: &str, snippets: &[(&str, bool)]) {
    for (name, exact) in snippets {
        let lines = lines_in(text, name);
        let noted = stderr
            .lines()
            .filter(|l| l.starts_with("not carried over: line "))
            .filter_map(|l| {
                l["not carried over: line ".len()..]
                    .split(':')
                    .next()?
                    .parse::<usize>()
                    .ok()
            })
            .any(|line| lines.contains(&line));
        assert_eq!(noted, !exact, "{name}: exact is {exact}, notes:\n{stderr}");
    }
}

/// Each configuration, and whether the import carries it exactly.
const SNIPPETS: &[Snippet] = &[
    (
        "spa_with_cookies",
        tower_http_snippets::spa_with_cookies,
        true,
    ),
    ("two_front_ends", tower_http_snippets::two_front_ends, true),
    (
        "public_read_only",
        tower_http_snippets::public_read_only,
        true,
    ),
    ("permissive", tower_http_snippets::permissive, true),
    (
        "everything_from_anyone",
        tower_http_snippets::everything_from_anyone,
        true,
    ),
    (
        "exact_origin_from_static",
        tower_http_snippets::exact_origin_from_static,
        true,
    ),
    ("origins_only", tower_http_snippets::origins_only, true),
    (
        "local_dev_server",
        tower_http_snippets::local_dev_server,
        true,
    ),
    (
        "suffix_predicate",
        tower_http_snippets::suffix_predicate,
        false,
    ),
    (
        "mirror_with_credentials",
        tower_http_snippets::mirror_with_credentials,
        false,
    ),
    (
        "very_permissive",
        tower_http_snippets::very_permissive,
        false,
    ),
    (
        "private_network",
        tower_http_snippets::private_network,
        false,
    ),
];

/// The lines of `pub fn name` in a fixture.
fn lines_in(text: &str, name: &str) -> std::ops::Range<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(&format!("pub fn {name}(")))
        .unwrap();
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.starts_with("pub fn "))
        .map_or(lines.len(), |i| start + 1 + i);
    start + 1..end + 1
}

fn requests(origin: &str) -> Vec<Request<()>> {
    let preflight = |method: &str, headers: Option<&str>| {
        let mut r = Request::options("/items")
            .header("origin", origin)
            .header("access-control-request-method", method);
        if let Some(h) = headers {
            r = r.header("access-control-request-headers", h);
        }
        r.body(()).unwrap()
    };
    vec![
        Request::get("/items")
            .header("origin", origin)
            .body(())
            .unwrap(),
        preflight("PUT", Some("content-type")),
        preflight("GET", Some("x-request-id")),
        preflight("POST", None),
        preflight("PATCH", Some("content-type,x-request-id")),
        preflight("DELETE", Some("authorization")),
    ]
}

/// What the browser makes of an answer: for a preflight whether the
/// request may go ahead, for an actual request the origin it may read
/// with, and the credentials flag.
fn browser(request: &Request<()>, response: &Response<impl Sized>) -> (bool, Option<String>, bool) {
    judge(request, response.status().as_u16(), &|name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    })
}

/// [`browser`] over any framework's answer: its status and a header
/// lookup.
fn judge(
    request: &Request<()>,
    status: u16,
    h: &dyn Fn(&str) -> Option<String>,
) -> (bool, Option<String>, bool) {
    let origin = request.headers()["origin"].to_str().unwrap();
    // The requests here carry no credentials, so `*` and the echoed origin
    // let the page read alike.
    let acao = h("access-control-allow-origin")
        .filter(|v| v == origin || v == "*")
        .map(|_| "readable".to_string());
    let credentials = h("access-control-allow-credentials").as_deref() == Some("true");
    let Some(method) = request.headers().get("access-control-request-method") else {
        // Without a readable origin, nothing else of the answer matters.
        let credentials = credentials && acao.is_some();
        return (acao.is_some(), acao, credentials);
    };
    let method = method.to_str().unwrap();
    // `*` stands for every name (no credentials are sent here), except
    // that it never covers `Authorization` (Fetch, CORS-preflight fetch).
    let listed = |header: &str, item: &str| {
        h(header).is_some_and(|v| {
            v.split(',').any(|x| {
                x.trim().eq_ignore_ascii_case(item)
                    || (x.trim() == "*" && !item.eq_ignore_ascii_case("authorization"))
            })
        })
    };
    let method_ok =
        matches!(method, "GET" | "HEAD" | "POST") || listed("access-control-allow-methods", method);
    let headers_ok = request
        .headers()
        .get("access-control-request-headers")
        .map(|v| {
            v.to_str()
                .unwrap()
                .split(',')
                .all(|name| listed("access-control-allow-headers", name.trim()))
        })
        .unwrap_or(true);
    let ok = (200..300).contains(&status) && acao.is_some() && method_ok && headers_ok;
    // A refused preflight stops the browser: what else it said is unread.
    if ok {
        (true, acao, credentials)
    } else {
        (false, None, false)
    }
}

fn answer<L>(layer: L, request: Request<()>) -> (bool, Option<String>, bool)
where
    L: Layer<
        tower::util::ServiceFn<
            fn(Request<()>) -> std::future::Ready<Result<Response<String>, Infallible>>,
        >,
    >,
    L::Service: tower::Service<Request<()>, Error = Infallible>,
    <L::Service as tower::Service<Request<()>>>::Response: ResponseHeaders,
{
    fn ok(_: Request<()>) -> std::future::Ready<Result<Response<String>, Infallible>> {
        std::future::ready(Ok(Response::new(String::new())))
    }
    let service = layer.layer(service_fn(ok as fn(_) -> _));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let probe = Request::builder()
        .method(request.method().clone())
        .uri(request.uri().clone())
        .body(())
        .unwrap();
    let mut probe = probe;
    *probe.headers_mut() = request.headers().clone();
    let response = runtime.block_on(service.oneshot(request)).unwrap();
    response.judge(&probe)
}

/// Judging a response whatever its body type.
trait ResponseHeaders {
    fn judge(&self, request: &Request<()>) -> (bool, Option<String>, bool);
}

impl<B> ResponseHeaders for Response<B> {
    fn judge(&self, request: &Request<()>) -> (bool, Option<String>, bool) {
        browser(request, self)
    }
}

/// Imports a fixture, checks which of its configurations the import
/// carries exactly (`exactness`), and returns the policy file it wrote.
fn import_fixture(from: &str, fixture: &str, source: &str, exactness: &[(&str, bool)]) -> String {
    let out_file = scratch(&format!("import-{from}")).join("imported.toml");
    let out = cors(&[
        "import",
        "--from",
        from,
        fixture,
        "-o",
        out_file.to_str().unwrap(),
    ]);
    check_exactness(source, &text(&out.stderr), exactness);
    std::fs::read_to_string(&out_file).expect("written")
}

/// One policy of an imported file.
fn imported_policy(file: &str, name: &str) -> cors_runtime::OwnedPolicy {
    cors_policy::load_with(
        &Source::new("imported.toml", file),
        &Selection::policy(name),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}\n{file}"))
}

#[test]
fn tower_http_configurations_import_and_agree_with_the_real_layer() {
    let exactness: Vec<(&str, bool)> = SNIPPETS.iter().map(|(n, _, e)| (*n, *e)).collect();
    let policy_file = import_fixture("tower-http", FIXTURE, TEXT, &exactness);
    let mut compared = 0;
    for (name, layer, exact) in SNIPPETS {
        if !exact {
            continue;
        }
        let policy = imported_policy(&policy_file, name);
        for origin in ORIGINS {
            for request in requests(origin) {
                let describe = format!("{name}: {} {:?}", request.method(), request.headers());
                let theirs = answer(layer(), clone(&request));
                let ours = answer(
                    cors_runtime::adapters::tower::CorsLayer::new(policy.clone()),
                    request,
                );
                assert_eq!(ours, theirs, "{describe}");
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 8 * ORIGINS.len() * 6);
}

/// Origins every configuration is asked about: the fixtures' own and
/// look-alikes.
const ORIGINS: [&str; 8] = [
    "https://app.example.com",
    "https://admin.example.com",
    "https://dashboard.example.org",
    "https://a.example.net",
    "http://localhost:5173",
    "https://evil.example",
    "https://app.example.com.evil.example",
    "null",
];

fn clone(r: &Request<()>) -> Request<()> {
    let mut c = Request::builder()
        .method(r.method().clone())
        .uri(r.uri().clone())
        .body(())
        .unwrap();
    *c.headers_mut() = r.headers().clone();
    c
}

#[test]
fn what_cannot_be_carried_is_named_with_what_it_allowed() {
    let out = cors(&["import", "--from", "tower-http", FIXTURE]);
    let stderr = text(&out.stderr);
    for expected in [
        "also allows `https://evilexample.com`, a domain anyone can register",
        "`mirror_request()` allowed every origin",
        "`CorsLayer::very_permissive()` mirrored every origin, method and header with credentials",
        "Private Network Access is not part of a corsc policy",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
}

#[test]
fn what_actix_cors_cannot_carry_is_named_with_what_it_allowed() {
    let out = cors(&["import", "--from", "actix-cors", ACTIX_FIXTURE]);
    let stderr = text(&out.stderr);
    for expected in [
        "`ends_with(\".example.com\")` allows every subdomain of `example.com` at any depth",
        "`Cors::permissive()` echoed every origin with credentials",
        "`allow_any_origin()` with `supports_credentials()` echoed every origin with credentials",
        "actix-cors refused preflights asking for POST (not in `allowed_methods`)",
        "corsc always sends the `Vary` its answers depend on",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
}

#[test]
fn a_snippet_without_a_function_imports_too() {
    let dir = scratch("import-tower-snippet");
    let file = dir.join("snippet.rs");
    std::fs::write(
        &file,
        "CorsLayer::new()\n    .allow_origin([\"https://app.example.com\".parse::<HeaderValue>().unwrap()])\n    .allow_methods([Method::GET])",
    )
    .unwrap();
    let out = cors(&["import", "--from", "tower-http", file.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("origins = [\"https://app.example.com\"]"),
        "{stdout}"
    );
    assert!(stdout.contains("methods = [\"GET\"]"), "{stdout}");
    let none = dir.join("none.rs");
    std::fs::write(&none, "fn main() {}").unwrap();
    let out = cors(&["import", "--from", "tower-http", none.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no `CorsLayer` builder chain found"));
}

const ACTIX_FIXTURE: &str = "cors-cli/tests/fixtures/import/actix_cors.rs";
const ACTIX_TEXT: &str = include_str!("fixtures/import/actix_cors.rs");

type ActixSnippet = (&'static str, fn() -> actix_cors::Cors, bool);

const ACTIX_SNIPPETS: &[ActixSnippet] = &[
    (
        "spa_with_cookies",
        actix_cors_snippets::spa_with_cookies,
        true,
    ),
    ("two_front_ends", actix_cors_snippets::two_front_ends, false),
    ("public_api", actix_cors_snippets::public_api, false),
    (
        "any_origin_any_method",
        actix_cors_snippets::any_origin_any_method,
        true,
    ),
    (
        "strict_blocking",
        actix_cors_snippets::strict_blocking,
        true,
    ),
    (
        "local_dev_server",
        actix_cors_snippets::local_dev_server,
        true,
    ),
    ("origins_only", actix_cors_snippets::origins_only, false),
    ("no_max_age", actix_cors_snippets::no_max_age, true),
    (
        "suffix_function",
        actix_cors_snippets::suffix_function,
        false,
    ),
    ("permissive", actix_cors_snippets::permissive, false),
    (
        "any_origin_with_credentials",
        actix_cors_snippets::any_origin_with_credentials,
        false,
    ),
    ("without_vary", actix_cors_snippets::without_vary, false),
];

/// A request through an actix app wrapped in `middleware`, judged as the
/// browser would (a macro: the app's type depends on the middleware's).
macro_rules! actix_answer {
    ($middleware:expr, $request:expr) => {{
        use actix_web::{App, HttpResponse, test, web};
        let request: &Request<()> = $request;
        let app = test::init_service(
            App::new()
                .wrap($middleware)
                .default_service(web::to(|| async { HttpResponse::Ok().body("ok") })),
        )
        .await;
        let mut r = test::TestRequest::default()
            .method(request.method().as_str().parse().unwrap())
            .uri("/items");
        for (name, value) in request.headers() {
            r = r.insert_header((name.as_str(), value.to_str().unwrap()));
        }
        let (status, headers) = match test::try_call_service(&app, r.to_request()).await {
            Ok(response) => (response.status().as_u16(), pairs(response.headers())),
            Err(error) => {
                let response = error.error_response();
                (response.status().as_u16(), pairs(response.headers()))
            }
        };
        judge(request, status, &|name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        })
    }};
}

fn pairs(headers: &actix_web::http::header::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect()
}

#[test]
fn actix_cors_configurations_import_and_agree_with_the_real_middleware() {
    let exactness: Vec<(&str, bool)> = ACTIX_SNIPPETS.iter().map(|(n, _, e)| (*n, *e)).collect();
    let policy_file = import_fixture("actix-cors", ACTIX_FIXTURE, ACTIX_TEXT, &exactness);
    let mut compared = 0;
    actix_web::rt::System::new().block_on(async {
        for (name, middleware, exact) in ACTIX_SNIPPETS {
            if !exact {
                continue;
            }
            let policy = imported_policy(&policy_file, name);
            for origin in ORIGINS {
                for request in requests(origin) {
                    let theirs = actix_answer!(middleware(), &request);
                    let ours = actix_answer!(
                        cors_runtime::adapters::actix::Cors::new(policy.clone()),
                        &request
                    );
                    assert_eq!(
                        ours,
                        theirs,
                        "{name}: {} {:?}",
                        request.method(),
                        request.headers()
                    );
                    compared += 1;
                }
            }
        }
    });
    assert_eq!(compared, 5 * ORIGINS.len() * 6);
}

const ROCKET_FIXTURE: &str = "cors-cli/tests/fixtures/import/rocket_cors.rs";
const ROCKET_TEXT: &str = include_str!("fixtures/import/rocket_cors.rs");

type RocketSnippet = (&'static str, fn() -> rocket_cors::CorsOptions, bool);

const ROCKET_SNIPPETS: &[RocketSnippet] = &[
    (
        "spa_with_cookies",
        rocket_cors_snippets::spa_with_cookies,
        true,
    ),
    ("two_front_ends", rocket_cors_snippets::two_front_ends, true),
    (
        "public_read_only",
        rocket_cors_snippets::public_read_only,
        true,
    ),
    ("dashboard", rocket_cors_snippets::dashboard, true),
    (
        "local_dev_server",
        rocket_cors_snippets::local_dev_server,
        true,
    ),
    (
        "origins_and_get_only",
        rocket_cors_snippets::origins_and_get_only,
        false,
    ),
    ("defaults", rocket_cors_snippets::defaults, false),
    (
        "regex_subdomains",
        rocket_cors_snippets::regex_subdomains,
        false,
    ),
    (
        "exact_and_regex",
        rocket_cors_snippets::exact_and_regex,
        false,
    ),
    (
        "everyone_with_credentials",
        rocket_cors_snippets::everyone_with_credentials,
        false,
    ),
    (
        "custom_route_base",
        rocket_cors_snippets::custom_route_base,
        false,
    ),
];

#[rocket::get("/items")]
fn items() -> &'static str {
    "ok"
}

async fn rocket_client(
    fairing: impl rocket::fairing::Fairing,
) -> rocket::local::asynchronous::Client {
    let rocket = rocket::build()
        .configure(rocket::Config::debug_default())
        .attach(fairing)
        .mount("/", rocket::routes![items]);
    rocket::local::asynchronous::Client::untracked(rocket)
        .await
        .expect("valid rocket")
}

async fn rocket_answer(
    client: &rocket::local::asynchronous::Client,
    request: &Request<()>,
) -> (bool, Option<String>, bool) {
    let method: rocket::http::Method = request.method().as_str().parse().unwrap();
    let mut r = client.req(method, "/items");
    for (name, value) in request.headers() {
        r.add_header(rocket::http::Header::new(
            name.as_str().to_string(),
            value.to_str().unwrap().to_string(),
        ));
    }
    let response = r.dispatch().await;
    let status = response.status().code;
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|h| {
            (
                h.name().as_str().to_ascii_lowercase(),
                h.value().to_string(),
            )
        })
        .collect();
    judge(request, status, &|name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    })
}

#[rocket::async_test]
async fn rocket_cors_configurations_import_and_agree_with_the_real_fairing() {
    let exactness: Vec<(&str, bool)> = ROCKET_SNIPPETS.iter().map(|(n, _, e)| (*n, *e)).collect();
    let policy_file = import_fixture("rocket_cors", ROCKET_FIXTURE, ROCKET_TEXT, &exactness);
    let mut compared = 0;
    for (name, options, exact) in ROCKET_SNIPPETS {
        if !exact {
            continue;
        }
        let policy = imported_policy(&policy_file, name);
        let theirs = rocket_client(options().to_cors().unwrap()).await;
        let ours = rocket_client(cors_runtime::adapters::rocket::Cors::new(policy)).await;
        for origin in ORIGINS {
            for request in requests(origin) {
                let a = rocket_answer(&ours, &request).await;
                let b = rocket_answer(&theirs, &request).await;
                assert_eq!(a, b, "{name}: {} {:?}", request.method(), request.headers());
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 5 * ORIGINS.len() * 6);
}

#[test]
fn what_rocket_cors_cannot_carry_is_named_with_what_it_allowed() {
    let out = cors(&["import", "--from", "rocket_cors", ROCKET_FIXTURE]);
    let stderr = text(&out.stderr);
    for expected in [
        "lets look-alikes such as `https://evilexample.com` in",
        "echoed every origin with credentials",
        "`Authorization` included; corsc's `*` does not cover `Authorization`",
        "rocket_cors refused preflights asking for HEAD, POST",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
}

/// Imports `source` (written to a scratch file) and returns stdout, stderr
/// and the exit status.
fn import_text(from: &str, dir: &str, source: &str) -> (String, String, Option<i32>) {
    let file = scratch(dir).join("in.rs");
    std::fs::write(&file, source).unwrap();
    let out = cors(&["import", "--from", from, file.to_str().unwrap()]);
    (text(&out.stdout), text(&out.stderr), out.status.code())
}

/// Review findings: each of these imported a wider policy than the code's,
/// or crashed, before its fix.
#[test]
fn two_chains_of_one_name_are_both_kept() {
    let (policy, _, _) = import_text(
        "tower-http",
        "import-same-name",
        "#[cfg(not(debug_assertions))]\nfn cors() -> CorsLayer { CorsLayer::new().allow_origin([HeaderValue::from_static(\"https://app.example.com\")]).allow_credentials(true) }\n#[cfg(debug_assertions)]\nfn cors() -> CorsLayer { CorsLayer::new().allow_origin(Any) }\n",
    );
    assert!(
        policy.contains("[policies.cors]") && policy.contains("[policies.cors_2]"),
        "{policy}"
    );
    assert!(policy.contains("https://app.example.com"), "{policy}");
}

#[test]
fn a_configuration_continued_later_is_not_imported_as_its_first_half() {
    for (dir, source) in [
        (
            "import-split-let",
            "fn app() {\n    let cors = CorsLayer::new().allow_origin(Any);\n    let cors = cors.allow_origin([HeaderValue::from_static(\"https://app.example.com\")]);\n}\n",
        ),
        (
            "import-split-branch",
            "fn app(prod: bool) {\n    let base = CorsLayer::new().allow_origin(Any);\n    let cors = if prod { base.allow_origin([HeaderValue::from_static(\"https://app.example.com\")]) } else { base };\n}\n",
        ),
    ] {
        let (policy, stderr, _) = import_text("tower-http", dir, source);
        assert!(!policy.contains("origins = \"*\""), "{dir}: {policy}");
        assert!(
            stderr.contains("line 3: the value built on line 2 is configured further here"),
            "{dir}: {stderr}"
        );
    }
    // A parenthesis around part of the chain is the same chain.
    let (policy, _, _) = import_text(
        "tower-http",
        "import-paren",
        "(CorsLayer::new().allow_origin(Any)).allow_origin([HeaderValue::from_static(\"https://app.example.com\")])",
    );
    assert!(
        policy.contains("origins = [\"https://app.example.com\"]"),
        "{policy}"
    );
}

#[test]
fn actix_allowed_origin_after_any_origin_narrows_and_any_method_is_the_standard_set() {
    let (policy, _, _) = import_text(
        "actix-cors",
        "import-actix-narrow",
        "fn c() -> Cors { Cors::default().allow_any_origin().allowed_origin(\"https://app.example.com\").allow_any_method() }",
    );
    assert!(
        policy.contains("origins = [\"https://app.example.com\"]"),
        "{policy}"
    );
    assert!(!policy.contains("methods = \"*\""), "{policy}");
}

#[test]
fn hostile_sources_are_refused_or_read_in_linear_time() {
    let deep = format!(
        "fn f() {{ let x = {}1{}; CorsLayer::new(); }}",
        "(".repeat(700),
        ")".repeat(700)
    );
    let (_, stderr, code) = import_text("tower-http", "import-deep", &deep);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("nesting deeper than 256 brackets"),
        "{stderr}"
    );
    // A 20,000-call chain that is not a CORS configuration: read once.
    let long = format!(
        "fn f() {{ CorsLayer::new(); let y = x{}; }}",
        ".a(1)".repeat(20_000)
    );
    let (policy, stderr, code) = import_text("tower-http", "import-long", &long);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(policy.contains("origins = []"), "{policy}");
}

#[test]
fn rocket_options_changed_after_their_literal_are_not_imported_as_the_literal() {
    let (policy, stderr, _) = import_text(
        "rocket_cors",
        "import-rocket-assign",
        "fn cors() -> Cors {\n    let mut opts = CorsOptions { allowed_origins: AllowedOrigins::all(), ..Default::default() };\n    opts.allowed_origins = AllowedOrigins::some_exact(&[\"https://app.example.com\"]);\n    opts.to_cors().unwrap()\n}\n",
    );
    assert!(!policy.contains("origins = \"*\""), "{policy}");
    assert!(
        stderr.contains("line 3: the value built on line 2 is configured further here"),
        "{stderr}"
    );
    // Finishing the options is not a change.
    let (_, stderr, _) = import_text(
        "rocket_cors",
        "import-rocket-finish",
        "fn cors() -> Cors {\n    let opts = CorsOptions { allowed_origins: AllowedOrigins::some_exact(&[\"https://app.example.com\"]), ..Default::default() };\n    opts.to_cors().unwrap()\n}\n",
    );
    assert!(!stderr.contains("configured further"), "{stderr}");
}

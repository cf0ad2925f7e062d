//! The shadow layer, stacked around real peers — tower-http's `CorsLayer`
//! (permissive, mirror-request, a list) through tower, actix-cors through
//! actix-web — on every corpus request: the response is the peer's,
//! unchanged, and the disagreements reported are exactly the ones the
//! corpus predicts.
//!
//! The prediction shares no code with the shadow: the policy's side is the
//! corpus's expected decision (not the runtime's), and the peer's response
//! is judged by the browser rules restated below with strings.

use std::collections::BTreeSet;

use cors_conformance::capture::capture;
use cors_conformance::{Case, CaseFile, SERVED_BY, corpus};

/// A response: status and header lines (lowercase names).
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Answer {
    fn lines(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| {
                String::from_utf8_lossy(v)
                    .trim_matches([' ', '\t'])
                    .to_string()
            })
            .collect()
    }
}

impl Answer {
    /// The answer with its list headers' items sorted: actix-cors writes
    /// them from a hash set, in an order that changes with each instance.
    fn normalized(&self) -> Answer {
        let mut headers: Vec<(String, Vec<u8>)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                let v = if n.starts_with("access-control-") {
                    let mut items = items(&[String::from_utf8_lossy(v).into_owned()]);
                    items.sort();
                    items.join(", ").into_bytes()
                } else {
                    v.clone()
                };
                (n.clone(), v)
            })
            .collect();
        headers.sort();
        Answer {
            status: self.status,
            headers,
            body: self.body.clone(),
        }
    }
}

/// Items of list lines: split at commas, trimmed, empty ones dropped.
fn items(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .flat_map(|l| l.split(','))
        .map(|i| i.trim_matches([' ', '\t']).to_string())
        .filter(|i| !i.is_empty())
        .collect()
}

fn set(items: Vec<String>, lower: bool) -> BTreeSet<String> {
    items
        .into_iter()
        .map(|i| if lower { i.to_ascii_lowercase() } else { i })
        .collect()
}

/// The case's request header lines named `name`, as text.
fn request_lines(case: &Case, name: &str) -> Vec<String> {
    case.header_pairs()
        .into_iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
        .collect()
}

/// The expected decision's value of `name`, as list items.
fn expected(case: &Case, name: &str) -> Vec<String> {
    let lines: Vec<String> = case
        .expect
        .headers
        .iter()
        .filter(|[n, _]| n == name)
        .map(|[_, v]| v.clone())
        .collect();
    items(&lines)
}

const VARY_NAMES: [&str; 4] = [
    "origin",
    "access-control-request-method",
    "access-control-request-headers",
    "sec-fetch-site",
];

fn vary_set(tokens: Vec<String>) -> BTreeSet<String> {
    let tokens = set(tokens, true);
    if tokens.contains("*") {
        return VARY_NAMES.iter().map(|s| s.to_string()).collect();
    }
    tokens
        .into_iter()
        .filter(|t| VARY_NAMES.contains(&t.as_str()))
        .collect()
}

/// Whether a browser lets a page read `today` for the case's request,
/// without credentials (R12–R15, R18).
fn served_today(case: &Case, preflight: bool, origin: &[u8], today: &Answer) -> bool {
    let acao = today.lines("access-control-allow-origin");
    let cors = acao.len() == 1
        && !acao[0].contains(',')
        && (acao[0] == "*" || acao[0].as_bytes() == origin);
    if !cors || !preflight {
        return cors;
    }
    if !(200..300).contains(&today.status) {
        return false;
    }
    let method = request_lines(case, "access-control-request-method")
        .into_iter()
        .next()
        .unwrap_or_default();
    let methods = items(&today.lines("access-control-allow-methods"));
    let allowed = items(&today.lines("access-control-allow-headers"));
    // One element that is not a token fails the list (R14, R15).
    let token = |s: &String| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    if !methods.iter().all(token) || !allowed.iter().all(token) {
        return false;
    }
    if !["GET", "HEAD", "POST"].contains(&method.as_str())
        && !methods.iter().any(|m| m == "*" || *m == method)
    {
        return false;
    }
    items(&request_lines(case, "access-control-request-headers"))
        .iter()
        .all(|name| {
            allowed.iter().any(|a| a.eq_ignore_ascii_case(name))
                || (allowed.iter().any(|a| a == "*") && !name.eq_ignore_ascii_case("authorization"))
        })
}

/// The classes the corpus predicts for a case answered `today`.
fn predicted(case: &Case, today: &Answer) -> BTreeSet<&'static str> {
    let mut found = BTreeSet::new();
    let origin = case
        .header_pairs()
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("origin"))
        .map(|(_, v)| v);
    let preflight = case.method == "OPTIONS"
        && origin.is_some()
        && !request_lines(case, "access-control-request-method").is_empty();
    // A request list over the runtime's 8 KiB bound (lines joined by ", ")
    // is not judged: no browser sends one.
    let asked = request_lines(case, "access-control-request-headers");
    let judged =
        asked.iter().map(String::len).sum::<usize>() + 2 * asked.len().saturating_sub(1) <= 8192;
    if let (Some(origin), false, true) = (&origin, case.expect.kind == "not_cors", judged) {
        let ours = matches!(case.expect.kind.as_str(), "actual" | "preflight");
        match (served_today(case, preflight, origin, today), ours) {
            (true, false) => {
                found.insert("would_block");
            }
            (false, true) => {
                found.insert("would_allow");
            }
            (true, true) => {
                let lists: &[(&str, bool, &str)] = if preflight {
                    &[
                        ("access-control-allow-methods", false, "allow_methods"),
                        ("access-control-allow-headers", true, "allow_headers"),
                    ]
                } else {
                    &[("access-control-expose-headers", true, "expose_headers")]
                };
                for (name, lower, class) in lists {
                    if set(expected(case, name), *lower) != set(items(&today.lines(name)), *lower) {
                        found.insert(*class);
                    }
                }
                let ours = expected(case, "access-control-allow-credentials") == ["true"];
                if ours != (today.lines("access-control-allow-credentials") == ["true"]) {
                    found.insert("credentials");
                }
            }
            (false, false) => {}
        }
    }
    if vary_set(expected(case, "vary")) != vary_set(items(&today.lines("vary"))) {
        found.insert("vary");
    }
    found
}

/// Every corpus case through `send(with_shadow)`: the shadow changes
/// nothing, and reports exactly the predicted classes, once, in an event
/// and in the counters.
fn check_peer(peer: &str, mut send: impl FnMut(&CaseFile, &Case, bool) -> Option<Answer>) {
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut disagreeing = 0;
    for file in corpus() {
        for case in &file.cases {
            let Some(plain) = send(&file, case, false) else {
                continue;
            };
            let reports = capture(|| send(&file, case, true));
            let Some(shadowed) = reports.value.as_ref() else {
                continue;
            };
            compared += 1;
            if shadowed.normalized() != plain.normalized() {
                failures.push(format!(
                    "{}: {}: the shadow changed the response:\n  {plain:?}\n  {shadowed:?}",
                    file.file, case.name
                ));
                continue;
            }
            let want = predicted(case, &plain);
            let events: Vec<&str> = reports
                .decisions()
                .iter()
                .filter_map(|e| e.field("disagreements"))
                .collect();
            let got: BTreeSet<&str> = events.iter().flat_map(|d| d.split(',')).collect();
            let counters = reports.counters();
            let counted: BTreeSet<String> = counters
                .iter()
                .filter(|((name, _), _)| name == "corsc_shadow_disagreements_total")
                .filter_map(|((_, labels), n)| {
                    assert_eq!(*n, 1);
                    labels
                        .split(',')
                        .find_map(|l| l.strip_prefix("class="))
                        .map(str::to_string)
                })
                .collect();
            let compared_count = counters
                .iter()
                .find(|((name, _), _)| name == "corsc_shadow_compared_total")
                .map(|(_, n)| *n);
            if !want.is_empty() {
                disagreeing += 1;
            }
            let counted: BTreeSet<&str> = counted.iter().map(String::as_str).collect();
            if events.len() > 1 || got != want || counted != want || compared_count != Some(1) {
                failures.push(format!(
                    "{}: {} ({} {:?}): predicted {want:?}, reported {events:?}, counted {counted:?} ({compared_count:?} compared)\n  today: {plain:?}\n  expected: {:?}",
                    file.file,
                    case.name,
                    case.method,
                    case.header_pairs(),
                    case.expect
                ));
            }
        }
    }
    assert!(compared > 500, "{peer}: only {compared} cases compared");
    assert!(
        disagreeing > 50,
        "{peer}: only {disagreeing} disagreements: a weak test"
    );
    assert!(
        failures.is_empty(),
        "{peer}: {} of {compared} cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

mod tower_peer {
    use super::*;
    use axum::body::Body;
    use axum::http::{HeaderValue, Method, Request};
    use cors_runtime::adapters::tower::CorsLayer as Shadow;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    use tower_http::cors::CorsLayer;

    pub(super) fn run(peer: &str, layer: impl Fn() -> CorsLayer) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        check_peer(peer, |file, case, shadow| {
            let mut request = Request::builder().method(case.method.as_str()).uri("/");
            for (name, value) in case.header_pairs() {
                request = request.header(name, HeaderValue::from_bytes(&value).ok()?);
            }
            let request = request.body(Body::empty()).ok()?;
            let service = tower::ServiceBuilder::new()
                .option_layer(shadow.then(|| Shadow::shadow(file.runtime_policy(&case.select))))
                .layer(layer())
                .service_fn(|_: Request<Body>| async {
                    let mut response = axum::http::Response::new(Body::from("service"));
                    response
                        .headers_mut()
                        .insert(SERVED_BY, HeaderValue::from_static("service"));
                    Ok::<_, std::convert::Infallible>(response)
                });
            runtime.block_on(async {
                let response = service.oneshot(request).await.ok()?;
                let status = response.status().as_u16();
                let headers = response
                    .headers()
                    .iter()
                    .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
                    .collect();
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .ok()?
                    .to_bytes()
                    .to_vec();
                Some(Answer {
                    status,
                    headers,
                    body,
                })
            })
        });
    }

    pub(super) fn list() -> CorsLayer {
        CorsLayer::new()
            .allow_origin([
                HeaderValue::from_static("https://app.example.com"),
                HeaderValue::from_static("https://example.com"),
                HeaderValue::from_static("http://localhost:3000"),
            ])
            .allow_methods([Method::GET, Method::PUT])
            .allow_headers([
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderName::from_static("x-request-id"),
            ])
            .expose_headers([axum::http::HeaderName::from_static("x-total-count")])
    }
}

#[test]
fn around_tower_http_permissive() {
    tower_peer::run(
        "tower-http permissive",
        tower_http::cors::CorsLayer::permissive,
    );
}

#[test]
fn around_tower_http_mirror_request() {
    tower_peer::run(
        "tower-http very_permissive (mirror_request)",
        tower_http::cors::CorsLayer::very_permissive,
    );
}

#[test]
fn around_tower_http_list() {
    tower_peer::run("tower-http list", tower_peer::list);
}

#[test]
fn around_actix_cors() {
    use actix_web::http::header::HeaderValue;
    use actix_web::{App, HttpResponse, test, web};
    use cors_runtime::adapters::actix::Cors as Shadow;

    check_peer("actix-cors", |file, case, shadow| {
        let policy = file.runtime_policy(&case.select);
        let mut headers = Vec::new();
        for (name, value) in case.header_pairs() {
            headers.push((name, HeaderValue::from_bytes(&value).ok()?));
        }
        let method: actix_web::http::Method = case.method.parse().ok()?;
        actix_web::rt::System::new().block_on(async move {
            let peer = actix_cors::Cors::default()
                .allowed_origin("https://app.example.com")
                .allowed_origin("https://example.com")
                .allowed_methods(["GET", "PUT"])
                .allowed_headers(["content-type", "x-request-id"])
                .expose_headers(["x-total-count"]);
            let app = App::new()
                .default_service(web::to(|| async {
                    HttpResponse::Ok()
                        .insert_header((SERVED_BY, "service"))
                        .body("service")
                }))
                .wrap(peer);
            let mut request = test::TestRequest::default().method(method).uri("/");
            for (name, value) in headers {
                request = request.append_header((name, value));
            }
            let response = if shadow {
                let app = test::init_service(app.wrap(Shadow::shadow(policy))).await;
                test::try_call_service(&app, request.to_request()).await
            } else {
                let app = test::init_service(app).await;
                test::try_call_service(&app, request.to_request()).await
            };
            let response = match response {
                Ok(response) => response.map_into_boxed_body(),
                Err(error) => {
                    let response = error.error_response();
                    actix_web::dev::ServiceResponse::new(
                        test::TestRequest::default().to_http_request(),
                        response,
                    )
                }
            };
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
                .collect();
            let body = test::read_body(response).await.to_vec();
            Some(Answer {
                status,
                headers,
                body,
            })
        })
    });
}

#[test]
fn around_rocket_cors() {
    use cors_runtime::adapters::rocket::Shadow;
    use rocket::http::{Header, Method};
    use rocket::local::asynchronous::Client;
    use rocket_cors::{AllowedHeaders, AllowedOrigins, CorsOptions};

    #[derive(rocket::Responder)]
    struct Served {
        body: &'static str,
        served_by: Header<'static>,
    }
    fn served() -> Served {
        Served {
            body: "service",
            served_by: Header::new(SERVED_BY, "service"),
        }
    }
    #[rocket::get("/")]
    fn get() -> Served {
        served()
    }
    #[rocket::put("/")]
    fn put() -> Served {
        served()
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    check_peer("rocket_cors", |file, case, shadow| {
        // Rocket's headers are text.
        let mut headers = Vec::new();
        for (name, value) in case.header_pairs() {
            headers.push((name, String::from_utf8(value).ok()?));
        }
        let method: Method = case.method.parse().ok()?;
        let peer = CorsOptions {
            allowed_origins: AllowedOrigins::some_exact(&[
                "https://app.example.com",
                "https://example.com",
            ]),
            allowed_methods: ["GET", "PUT"].iter().map(|m| m.parse().unwrap()).collect(),
            allowed_headers: AllowedHeaders::some(&["content-type", "x-request-id"]),
            expose_headers: ["x-total-count".to_string()].into(),
            ..CorsOptions::default()
        }
        .to_cors()
        .ok()?;
        let rocket = rocket::build().configure(rocket::Config {
            log_level: rocket::config::LogLevel::Off,
            ..rocket::Config::debug_default()
        });
        let rocket = if shadow {
            rocket.attach(Shadow::around(file.runtime_policy(&case.select), peer))
        } else {
            rocket.attach(peer)
        }
        .mount("/", rocket::routes![get, put]);
        runtime.block_on(async {
            let client = Client::untracked(rocket).await.ok()?;
            let mut request = client.req(method, "/");
            for (name, value) in headers {
                request.add_header(Header::new(name, value));
            }
            let response = request.dispatch().await;
            let status = response.status().code;
            let headers = response
                .headers()
                .iter()
                .map(|h| {
                    (
                        h.name().as_str().to_ascii_lowercase(),
                        h.value().as_bytes().to_vec(),
                    )
                })
                .collect();
            let body = response.into_bytes().await.unwrap_or_default();
            Some(Answer {
                status,
                headers,
                body,
            })
        })
    });
}

//! What the adapters report, through each framework's real pipeline (axum's
//! `Router`, actix-web's service, rocket's local client) with a capturing
//! `tracing` subscriber and a `metrics` debugging recorder: one event per
//! decision at its level with its fields, the counters per policy and
//! outcome, `report_only`, and hostile values escaped in every log line.

use std::collections::BTreeMap;

use cors_conformance::capture::{Event, capture};
use cors_runtime::{OwnedPolicy, PolicySource, SimpleRequest};
use tracing::Level;

/// A request: method and headers (raw bytes).
type Request = (&'static str, Vec<(&'static str, Vec<u8>)>);
/// What came back: status and headers, lowercase names.
type Response = (u16, Vec<(String, String)>);

const POLICY: &str = r#"
[policies.observed]
origins = ["https://app.example.com"]
methods = ["GET", "PUT"]
allow_headers = ["content-type"]
server_origins = ["https://api.example.com"]
log_rejections = "warn"

[policies.quiet]
origins = ["https://app.example.com"]
log_rejections = "off"

[policies.dev]
origins = ["https://app.example.com"]
methods = ["PUT"]
fingerprint_header = true

[policies.watching]
origins = ["https://app.example.com"]
methods = ["GET", "PUT"]
report_only = true
"#;

fn policy(name: &str) -> OwnedPolicy {
    cors_policy::load_with(
        &cors_policy::Source::new("observe.toml", POLICY),
        &cors_policy::Selection::policy(name),
    )
    .unwrap()
}

fn h(name: &'static str, value: &[u8]) -> (&'static str, Vec<u8>) {
    (name, value.to_vec())
}

/// What a request must report: level, outcome, reason.
type Report = Option<(Level, &'static str, &'static str)>;

/// The script every framework runs, with what each request must report.
fn script() -> Vec<(Request, Report)> {
    let app = b"https://app.example.com";
    vec![
        (
            ("GET", vec![]),
            Some((Level::TRACE, "not_cors", "no_origin")),
        ),
        (
            ("GET", vec![h("origin", app)]),
            Some((Level::TRACE, "actual", "allowed")),
        ),
        (
            ("GET", vec![h("origin", b"https://api.example.com")]),
            Some((Level::DEBUG, "not_cors", "same_origin")),
        ),
        (
            (
                "OPTIONS",
                vec![
                    h("origin", app),
                    h("access-control-request-method", b"PUT"),
                    h("access-control-request-headers", b"content-type"),
                ],
            ),
            Some((Level::DEBUG, "preflight", "allowed")),
        ),
        (
            ("GET", vec![h("origin", b"https://evil.example")]),
            Some((Level::WARN, "rejected", "cors_origin_not_allowed")),
        ),
        (
            (
                "OPTIONS",
                vec![
                    h("origin", app),
                    h("access-control-request-method", b"DELETE"),
                ],
            ),
            Some((Level::WARN, "rejected", "cors_method_not_allowed")),
        ),
        (
            // A tab and non-UTF-8 bytes: what the frameworks let through.
            ("GET", vec![h("origin", b"https://ev\til\xff.example")]),
            Some((Level::WARN, "rejected", "cors_invalid_origin")),
        ),
    ]
}

/// Runs the script through `send` and checks every report.
fn check_reports(
    framework: &str,
    send: impl Fn(&OwnedPolicy, &[Request]) -> Vec<Response>,
    hostile_origin: &str,
) {
    let observed = policy("observed");
    let requests: Vec<Request> = script().into_iter().map(|(r, _)| r).collect();
    let reports = capture(|| send(&observed, &requests));
    let decisions = reports.decisions();
    let expected: Vec<_> = script().into_iter().filter_map(|(_, e)| e).collect();
    assert_eq!(
        decisions.len(),
        expected.len(),
        "{framework}: {decisions:#?}"
    );
    for (event, (level, outcome, reason)) in decisions.iter().zip(&expected) {
        assert_eq!(
            (event.level, event.field("outcome"), event.field("reason")),
            (*level, Some(*outcome), Some(*reason)),
            "{framework}: {event:#?}"
        );
        assert_eq!(event.field("policy"), Some("observed"), "{framework}");
        assert_eq!(event.field("enforced"), Some("true"), "{framework}");
        assert!(
            !event.message.is_empty(),
            "{framework}: a sentence says why"
        );
    }
    let preflight = decisions[3];
    assert_eq!(
        preflight.field("request_method"),
        Some("PUT"),
        "{framework}"
    );
    assert_eq!(preflight.field("request_headers"), Some("content-type"));
    assert_eq!(preflight.field("status"), Some("204"));
    assert_eq!(decisions[1].field("request_method"), None, "a GET has none");
    assert_eq!(decisions[4].field("origin"), Some("https://evil.example"));
    assert_eq!(decisions[5].field("status"), Some("403"));
    assert_eq!(
        decisions[6].field("origin"),
        Some(hostile_origin),
        "{framework}: escaped"
    );
    // The adapter announced the policy it serves, with its fingerprint.
    let serving = reports
        .events
        .iter()
        .find(|e| e.message == "CORS policy serving")
        .unwrap_or_else(|| panic!("{framework}: no serving event"));
    assert_eq!(serving.level, Level::INFO);
    assert_eq!(
        serving.field("fingerprint"),
        Some(observed.policy().fingerprint())
    );

    // One counter per outcome, labelled with the policy.
    let counters = reports.counters();
    let count = |outcome: &str, reason: &str| {
        counters
            .get(&(
                "corsc_requests_total".to_string(),
                format!("outcome={outcome},policy=observed,reason={reason}"),
            ))
            .copied()
    };
    assert_eq!(
        count("not_cors", "no_origin"),
        Some(1),
        "{framework}: {counters:#?}"
    );
    assert_eq!(count("actual", "allowed"), Some(1));
    assert_eq!(count("not_cors", "same_origin"), Some(1));
    assert_eq!(count("preflight", "allowed"), Some(1));
    assert_eq!(count("rejected", "cors_origin_not_allowed"), Some(1));
    assert_eq!(count("rejected", "cors_method_not_allowed"), Some(1));
    assert_eq!(count("rejected", "cors_invalid_origin"), Some(1));
    assert_eq!(counters.len(), 7, "no other series: {counters:#?}");

    // `log_rejections = "off"`: counted, not logged.
    let quiet = policy("quiet");
    let evil = [("GET", vec![h("origin", b"https://evil.example")])];
    let reports = capture(|| send(&quiet, &evil));
    assert!(
        reports.decisions().is_empty(),
        "{framework}: {:#?}",
        reports.events
    );
    assert_eq!(reports.counters().values().sum::<u64>(), 1);

    // `fingerprint_header`: the layer's own answers name the policy.
    let dev = policy("dev");
    let fingerprinted = [
        (
            "OPTIONS",
            vec![
                h("origin", b"https://app.example.com"),
                h("access-control-request-method", b"PUT"),
            ],
        ),
        (
            "OPTIONS",
            vec![
                h("origin", b"https://evil.example"),
                h("access-control-request-method", b"PUT"),
            ],
        ),
        ("GET", vec![h("origin", b"https://app.example.com")]),
    ];
    let answers = send(&dev, &fingerprinted);
    let fingerprint_of = |(_, headers): &Response| {
        headers
            .iter()
            .find(|(n, _)| n == "x-corsc-policy")
            .map(|(_, v)| v.clone())
    };
    let fingerprint = Some(dev.policy().fingerprint().to_string());
    assert_eq!(
        fingerprint_of(&answers[0]),
        fingerprint,
        "{framework}: {answers:?}"
    );
    assert_eq!(fingerprint_of(&answers[1]), fingerprint, "{framework}");
    assert_eq!(
        fingerprint_of(&answers[2]),
        None,
        "{framework}: the service answered"
    );
    assert_eq!(
        fingerprint_of(&send(&observed, &fingerprinted[..1])[0]),
        None
    );

    // `report_only`: the service answers as if there were no CORS layer;
    // the decisions are reported as not enforced.
    let watching = policy("watching");
    let untouched = [
        ("GET", vec![h("origin", b"https://evil.example")]),
        ("GET", vec![h("origin", b"https://app.example.com")]),
        (
            "OPTIONS",
            vec![
                h("origin", b"https://app.example.com"),
                h("access-control-request-method", b"PUT"),
            ],
        ),
    ];
    let reports = capture(|| send(&watching, &untouched));
    for (status, headers) in &reports.value {
        assert!(
            headers
                .iter()
                .all(|(n, _)| !n.starts_with("access-control-") && n != "vary"),
            "{framework}: report_only added {headers:?}"
        );
        assert_ne!(
            *status, 204,
            "{framework}: the preflight reached the service"
        );
    }
    let outcomes: Vec<_> = reports
        .decisions()
        .iter()
        .map(|e| (e.field("outcome").unwrap().to_string(), e.field("enforced")))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("rejected".to_string(), Some("false")),
            ("actual".to_string(), Some("false")),
            ("preflight".to_string(), Some("false")),
        ],
        "{framework}"
    );
}

mod axum_app {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use cors_runtime::adapters::tower::CorsLayer;
    use tower::ServiceExt;

    pub(super) fn send(policy: &OwnedPolicy, requests: &[Request]) -> Vec<Response> {
        let app = Router::new()
            .route("/items", get(|| async { "[]" }))
            .layer(CorsLayer::new(policy.clone()));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        requests
            .iter()
            .map(|(method, headers)| {
                let mut request = axum::http::Request::builder().method(*method).uri("/items");
                for (name, value) in headers {
                    request =
                        request.header(*name, axum::http::HeaderValue::from_bytes(value).unwrap());
                }
                let response = runtime
                    .block_on(app.clone().oneshot(request.body(Body::empty()).unwrap()))
                    .unwrap();
                let headers = response
                    .headers()
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.as_str().to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                (response.status().as_u16(), headers)
            })
            .collect()
    }
}

mod actix_app {
    use super::*;
    use actix_web::{App, HttpResponse, test, web};
    use cors_runtime::adapters::actix::Cors;

    pub(super) fn send(policy: &OwnedPolicy, requests: &[Request]) -> Vec<Response> {
        let policy = policy.clone();
        let requests = requests.to_vec();
        actix_web::rt::System::new().block_on(async move {
            let app = test::init_service(App::new().wrap(Cors::new(policy)).route(
                "/items",
                web::get().to(|| async { HttpResponse::Ok().body("[]") }),
            ))
            .await;
            let mut out = Vec::new();
            for (method, headers) in requests {
                let mut request = test::TestRequest::default()
                    .method(method.parse().unwrap())
                    .uri("/items");
                for (name, value) in headers {
                    request = request.insert_header((
                        name,
                        actix_web::http::header::HeaderValue::from_bytes(&value).unwrap(),
                    ));
                }
                let response = test::call_service(&app, request.to_request()).await;
                let headers = response
                    .headers()
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.as_str().to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                out.push((response.status().as_u16(), headers));
            }
            out
        })
    }
}

mod rocket_app {
    use super::*;
    use cors_runtime::adapters::rocket::Cors;
    use rocket::http::{Header, Method};
    use rocket::local::asynchronous::Client;

    #[rocket::get("/items")]
    fn items() -> &'static str {
        "[]"
    }

    pub(super) fn send(policy: &OwnedPolicy, requests: &[Request]) -> Vec<Response> {
        let rocket = rocket::build()
            .attach(Cors::new(policy.clone()))
            .mount("/", rocket::routes![items]);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let client = Client::untracked(rocket).await.unwrap();
            let mut out = Vec::new();
            for (method, headers) in requests {
                let method: Method = method.parse().unwrap();
                let mut request = client.req(method, "/items");
                for (name, value) in headers {
                    // Rocket's headers are text: bytes that are not UTF-8
                    // are sent as the replacement character.
                    request.add_header(Header::new(
                        *name,
                        String::from_utf8_lossy(value).into_owned(),
                    ));
                }
                let response = request.dispatch().await;
                let headers = response
                    .headers()
                    .iter()
                    .map(|h| {
                        (
                            h.name().as_str().to_ascii_lowercase(),
                            h.value().to_string(),
                        )
                    })
                    .collect();
                out.push((response.status().code, headers));
            }
            out
        })
    }
}

#[test]
fn axum_reports_each_decision() {
    check_reports("axum", axum_app::send, r"https://ev\x09il\xff.example");
}

#[test]
fn actix_reports_each_decision() {
    check_reports(
        "actix-web",
        actix_app::send,
        r"https://ev\x09il\xff.example",
    );
}

#[test]
fn rocket_reports_each_decision() {
    // Rocket's headers are text: the test sends U+FFFD for the byte.
    check_reports(
        "rocket",
        rocket_app::send,
        r"https://ev\x09il\xef\xbf\xbd.example",
    );
}

/// Every request of the attack corpus (control bytes, non-UTF-8, 8 KiB
/// values included: sent as bytes, past what HTTP parsers accept), logged
/// through tracing-subscriber's JSON and text formatters: every event is
/// one line, the JSON parses and keeps every field, and no line carries a
/// control byte or more than the capped length of a request value.
#[test]
fn hostile_values_never_break_a_log_line() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let observer = cors_runtime::observe::Observer::new();
    let files = cors_conformance::corpus();
    let run = |json: bool| -> (String, usize) {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let builder = tracing_subscriber::fmt()
            .with_max_level(Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone());
        let mut events = 0;
        let mut each = || {
            for file in &files {
                for case in &file.cases {
                    let policy = file.runtime_policy(&case.select);
                    let view = policy.policy();
                    let chosen = cors_runtime::Chosen::new(&view);
                    let pairs = case.header_pairs();
                    let request = SimpleRequest::new(case.method.as_bytes(), &pairs);
                    let decision = chosen.evaluate(&request);
                    observer.decision(&chosen, &request, &decision);
                    events += 1;
                }
            }
        };
        if json {
            tracing::subscriber::with_default(builder.json().finish(), &mut each);
        } else {
            tracing::subscriber::with_default(builder.finish(), &mut each);
        }
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).expect("logs are UTF-8");
        (text, events)
    };

    let (json, events) = run(true);
    let lines: Vec<&str> = json.lines().collect();
    assert_eq!(lines.len(), events, "one line per decision");
    for line in &lines {
        let value: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        let fields = &value["fields"];
        assert!(
            fields["outcome"].is_string() && fields["reason"].is_string(),
            "{line}"
        );
        for name in ["origin", "request_method", "request_headers", "method"] {
            if let Some(text) = fields[name].as_str() {
                assert!(
                    text.len() <= 4 * cors_runtime::observe::MAX_LOGGED + 40,
                    "{name} is {} bytes",
                    text.len()
                );
                assert!(text.bytes().all(|b| b.is_ascii_graphic()), "{name}: {text}");
            }
        }
    }
    let (text, events) = run(false);
    assert_eq!(text.lines().count(), events, "one line per decision");
    assert!(
        !text.bytes().any(|b| b.is_ascii_control() && b != b'\n'),
        "no control byte reaches a terminal"
    );
    assert!(
        text.lines().all(|l| l.len() < 8 * 1024),
        "no line carries a whole hostile value"
    );
    // Past what HTTP parsers accept: control bytes, escape sequences, NUL.
    let mut extra = String::new();
    let nasty: [&[u8]; 4] = [
        b"https://a.example\r\nX-Injected: 1",
        b"\x1b[2J\x1b]0;owned\x07https://a.example",
        b"https://a.example\x00\x7f\xc0\xaf",
        &[b'\n'; 9000],
    ];
    {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let policy = cors_policy::load("origins = [\"https://a.example\"]").unwrap();
        tracing::subscriber::with_default(subscriber, || {
            for value in nasty {
                let view = policy.policy();
                let chosen = cors_runtime::Chosen::new(&view);
                let headers = [
                    ("Origin", value),
                    ("Access-Control-Request-Method", value),
                    ("Access-Control-Request-Headers", value),
                ];
                for method in [&b"GET"[..], b"OPTIONS", value] {
                    let request = SimpleRequest::new(method, &headers);
                    let decision = chosen.evaluate(&request);
                    observer.decision(&chosen, &request, &decision);
                }
            }
        });
        extra.push_str(&String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap());
    }
    assert_eq!(extra.lines().count(), 3 * nasty.len(), "{extra}");
    assert!(
        !extra.bytes().any(|b| b.is_ascii_control() && b != b'\n'),
        "{extra}"
    );
    assert!(!extra.contains("X-Injected: 1") && extra.contains(r"\x0d\x0aX-Injected:\x201"));

    let hostile = files.iter().flat_map(|f| &f.cases).filter(|c| {
        c.header_pairs()
            .iter()
            .any(|(_, v)| v.iter().any(|b| b.is_ascii_control() || *b >= 0x80) || v.len() > 1024)
    });
    assert!(hostile.count() > 20, "the corpus holds hostile values");
}

/// Events and counters of a tenant's request name its plan, so a platform's
/// series are as few as its plans; the event names the tenant too.
#[test]
fn tenants_are_counted_under_their_plan() {
    use cors_tenants::{PathSegment, Platform, TenantCors, TenantIndex, TenantSpec};
    let platform = Platform::new(
        &cors_policy::Source::new(
            "platform.toml",
            "[policies.standard]\norigins = []\n[policies.partner]\norigins = []\ncredentials = true\n",
        ),
        "standard",
    )
    .unwrap();
    let index = TenantIndex::new(platform);
    for (id, plan) in [("acme", None), ("globex", Some("partner"))] {
        index
            .upsert(&TenantSpec {
                id: id.into(),
                origins: vec![format!("https://{id}.example")],
                plan: plan.map(str::to_string),
            })
            .unwrap();
    }
    let cors = cors_runtime::adapters::http::HttpCors::new(
        TenantCors::new(index, PathSegment::after("/apps")).unwrap(),
    );
    let reports = capture(|| {
        for (path, origin) in [
            ("/apps/acme/x", "https://acme.example"),
            ("/apps/globex/x", "https://evil.example"),
            ("/apps/nobody/x", "https://acme.example"),
        ] {
            let mut request = http::Request::get(path)
                .header("origin", origin)
                .body(())
                .unwrap();
            let _ = cors.handle(&mut request);
        }
    });
    let seen: Vec<(Option<&str>, Option<&str>, Option<&str>)> = reports
        .decisions()
        .iter()
        .map(|e| (e.field("policy"), e.field("tenant"), e.field("reason")))
        .collect();
    assert_eq!(
        seen,
        [
            (Some("standard"), Some("acme"), Some("allowed")),
            (
                Some("partner"),
                Some("globex"),
                Some("cors_origin_not_allowed")
            ),
            (
                Some("standard"),
                Some("nobody"),
                Some("cors_unknown_tenant")
            ),
        ]
    );
    let labels: BTreeMap<String, u64> = reports
        .counters()
        .into_iter()
        .map(|((_, labels), n)| (labels, n))
        .collect();
    assert_eq!(
        labels.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "outcome=actual,policy=standard,reason=allowed",
            "outcome=rejected,policy=partner,reason=cors_origin_not_allowed",
            "outcome=rejected,policy=standard,reason=cors_unknown_tenant",
        ]
    );
}

/// A reloaded policy is announced with its fingerprint.
#[test]
fn a_reload_is_logged_with_the_new_fingerprint() {
    let cors = cors_runtime::adapters::reload::ReloadableHttpCors::new(policy("observed"));
    let next = policy("quiet");
    let fingerprint = next.policy().fingerprint().to_string();
    let reports = capture(|| cors.store(next));
    let reloaded: Vec<&Event> = reports
        .events
        .iter()
        .filter(|e| e.message == "CORS policy reloaded")
        .collect();
    assert_eq!(reloaded.len(), 1, "{:#?}", reports.events);
    assert_eq!(reloaded[0].field("fingerprint"), Some(fingerprint.as_str()));
    assert_eq!(reloaded[0].field("policy"), Some("quiet"));
}

//! Regression tests from the adversarial review of observability: each
//! failed on the code before its fix.

use cors_conformance::capture::{Event, capture};
use cors_runtime::observe::{MAX_LOGGED, MAX_MESSAGE, Observer};
use cors_runtime::{Chosen, OwnedPolicy, PolicySource, SimpleRequest};

fn policy(text: &str) -> OwnedPolicy {
    cors_policy::load(text).unwrap()
}

/// The events of one decision on `headers`.
fn report(policy: &OwnedPolicy, method: &[u8], headers: &[(&str, &[u8])]) -> Vec<Event> {
    capture(|| {
        let view = policy.policy();
        let chosen = Chosen::new(&view);
        let request = SimpleRequest::new(method, headers);
        let decision = chosen.evaluate(&request);
        Observer::new().decision(&chosen, &request, &decision);
    })
    .events
}

/// A request value quoted in the message is escaped like a field: a space
/// cannot start a forged `key=value` in a text log.
#[test]
fn the_message_cannot_forge_fields() {
    let p = policy("origins = [\"https://a.example\"]\nmethods = [\"PUT\"]");
    let forged = b"x-a enforced=false reason=allowed outcome=preflight x";
    let events = report(
        &p,
        b"OPTIONS",
        &[
            ("Origin", b"https://a.example"),
            ("Access-Control-Request-Method", b"PUT"),
            ("Access-Control-Request-Headers", forged),
        ],
    );
    let message = &events[0].message;
    assert!(!message.contains(" enforced=false"), "{message}");
    assert!(message.contains(r"x-a\x20enforced=false"), "{message}");
}

/// The message carries at most `MAX_LOGGED` bytes of the request, however
/// its bytes escape.
#[test]
fn the_message_is_capped() {
    let p = policy("origins = [\"https://a.example\"]\nmethods = [\"PUT\"]");
    let emoji = "😀".repeat(2000);
    let method = "M".repeat(8000);
    for (method, headers) in [
        (
            &b"OPTIONS"[..],
            vec![
                ("Origin", &b"https://a.example"[..]),
                ("Access-Control-Request-Method", b"PUT"),
                ("Access-Control-Request-Headers", emoji.as_bytes()),
            ],
        ),
        (
            b"OPTIONS",
            vec![
                ("Origin", &b"https://a.example"[..]),
                ("Access-Control-Request-Method", method.as_bytes()),
            ],
        ),
    ] {
        let events = report(&p, method, &headers);
        let message = &events[0].message;
        assert!(message.len() <= MAX_MESSAGE, "{} bytes", message.len());
        let quoted = message.matches('M').count() + message.matches("\\xf0").count();
        assert!(
            quoted <= MAX_LOGGED,
            "{quoted} request bytes in the message"
        );
    }
}

/// A shadow's `origin` field has one budget for all the lines.
#[test]
fn a_shadow_field_has_one_budget_across_lines() {
    use tower::ServiceExt;
    let p = policy("origins = [\"https://a.example\"]");
    let line = vec![0xffu8; 1000];
    let reports = capture(|| {
        let service = tower::ServiceBuilder::new()
            .layer(cors_runtime::adapters::tower::CorsLayer::shadow(p))
            .layer(tower_http::cors::CorsLayer::permissive())
            .service_fn(|_: http::Request<()>| async {
                Ok::<_, std::convert::Infallible>(http::Response::new(()))
            });
        let mut request = http::Request::get("/");
        for _ in 0..100 {
            request = request.header("origin", http::HeaderValue::from_bytes(&line).unwrap());
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime
            .block_on(service.oneshot(request.body(()).unwrap()))
            .unwrap();
    });
    let event = reports
        .decisions()
        .into_iter()
        .find(|e| e.field("disagreements").is_some())
        .expect("a disagreement");
    let origin = event.field("origin").unwrap();
    assert!(
        origin.len() <= 4 * MAX_LOGGED + 32,
        "{} bytes",
        origin.len()
    );
}

/// An answer with an element that is not a token fails in the browser
/// (R14, R15): a policy that rejects the request agrees with it.
#[test]
fn a_malformed_allow_list_is_already_blocked() {
    let p = policy("origins = [\"https://a.example\"]\nmethods = [\"GET\"]");
    for (name, value) in [
        ("access-control-allow-methods", "PUT, DELETE x"),
        ("access-control-allow-methods", "PUT, GET;x"),
    ] {
        let found = shadow_around_fixed(&p, name, value);
        assert!(!found.contains("would_block"), "{name}: {value}: {found}");
    }
}

/// The disagreements a tower shadow reports for a PUT preflight from
/// `https://a.example` answered by a stack that sends `name: value` beside
/// an allowing `Access-Control-Allow-Origin`.
fn shadow_around_fixed(p: &OwnedPolicy, name: &'static str, value: &'static str) -> String {
    use tower::ServiceExt;
    let reports = capture(|| {
        let service = tower::ServiceBuilder::new()
            .layer(cors_runtime::adapters::tower::CorsLayer::shadow(p.clone()))
            .service_fn(move |_: http::Request<()>| async move {
                let response = http::Response::builder()
                    .header("access-control-allow-origin", "https://a.example")
                    .header(name, value)
                    .body(())
                    .unwrap();
                Ok::<_, std::convert::Infallible>(response)
            });
        let request = http::Request::options("/")
            .header("origin", "https://a.example")
            .header("access-control-request-method", "PUT")
            .body(())
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(service.oneshot(request)).unwrap();
    });
    reports
        .decisions()
        .iter()
        .filter_map(|e| e.field("disagreements"))
        .collect::<Vec<_>>()
        .join(";")
}

/// A preflight whose `Access-Control-Request-Headers` is over the bound the
/// evaluator refuses is not judged against today's answer (which would cost
/// its length times the answer's): only `Vary` is compared, and here it
/// agrees.
#[test]
fn an_oversize_request_list_is_not_judged() {
    use tower::ServiceExt;
    let p = policy("origins = [\"https://a.example\"]\nmethods = [\"PUT\"]");
    let list = format!("{}b", ",".repeat(20_000));
    let reports = capture(|| {
        let service = tower::ServiceBuilder::new()
            .layer(cors_runtime::adapters::tower::CorsLayer::shadow(p))
            .layer(tower_http::cors::CorsLayer::very_permissive())
            .service_fn(|_: http::Request<()>| async {
                Ok::<_, std::convert::Infallible>(http::Response::new(()))
            });
        let request = http::Request::options("/")
            .header("origin", "https://a.example")
            .header("access-control-request-method", "PUT")
            .header("access-control-request-headers", list.as_str())
            .body(())
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(service.oneshot(request)).unwrap();
    });
    let found: Vec<&str> = reports
        .decisions()
        .iter()
        .filter_map(|e| e.field("disagreements"))
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

/// The tower and actix shadows announce a shadowed policy, not a served one.
#[test]
fn a_shadow_announces_what_it_shadows() {
    let p = policy("origins = [\"https://a.example\"]");
    for (framework, announce) in [
        (
            "tower",
            Box::new(|p: OwnedPolicy| drop(cors_runtime::adapters::tower::CorsLayer::shadow(p)))
                as Box<dyn Fn(OwnedPolicy)>,
        ),
        (
            "actix",
            Box::new(|p: OwnedPolicy| drop(cors_runtime::adapters::actix::Cors::shadow(p))),
        ),
    ] {
        let reports = capture(|| announce(p.clone()));
        let messages: Vec<&str> = reports.events.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages, ["CORS policy shadowed"], "{framework}");
    }
}

/// Two rocket shadows (two candidate policies) each compare their own
/// decision.
#[test]
fn two_rocket_shadows_keep_apart() {
    use cors_runtime::adapters::rocket::Shadow;
    use rocket::http::Header;
    use rocket::local::asynchronous::Client;

    #[rocket::get("/")]
    fn index() -> &'static str {
        "[]"
    }
    let named =
        |name: &str, origin: &str| policy(&format!("[policies.{name}]\norigins = [\"{origin}\"]"));
    let reports = capture(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let rocket = rocket::build()
                .attach(Shadow::new(named("strict", "https://a.example")))
                .attach(Shadow::new(named("loose", "https://evil.example")))
                .mount("/", rocket::routes![index]);
            let client = Client::untracked(rocket).await.unwrap();
            client
                .get("/")
                .header(Header::new("origin", "https://evil.example"))
                .dispatch()
                .await;
        })
    });
    let compared: Vec<String> = reports
        .counters()
        .into_iter()
        .filter(|((name, _), _)| name == "corsc_shadow_compared_total")
        .map(|((_, labels), n)| format!("{labels}={n}"))
        .collect();
    assert_eq!(compared, ["policy=loose=1", "policy=strict=1"]);
    let loose: Vec<_> = reports
        .decisions()
        .iter()
        .filter(|e| e.field("policy") == Some("loose"))
        .filter_map(|e| e.field("disagreements").map(str::to_string))
        .collect();
    assert_eq!(loose, ["would_allow,vary"]);
}

/// An actix error rendered twice is compared once.
#[test]
fn an_actix_error_is_compared_once() {
    use actix_web::dev::Service as _;
    use actix_web::{App, HttpResponse, test, web};
    let p = policy("origins = [\"https://a.example\"]");
    let reports = capture(|| {
        actix_web::rt::System::new().block_on(async move {
            let app = test::init_service(
                App::new()
                    // An inner middleware that fails the request: the
                    // shadow sees an `Err`.
                    .wrap_fn(|_request, _service| async {
                        Err::<actix_web::dev::ServiceResponse, _>(
                            actix_web::error::ErrorBadRequest("no"),
                        )
                    })
                    .wrap(cors_runtime::adapters::actix::Cors::shadow(p))
                    .route("/", web::get().to(HttpResponse::Ok)),
            )
            .await;
            let request = test::TestRequest::get()
                .uri("/")
                .insert_header(("origin", "https://evil.example"))
                .to_request();
            let Err(error) = app.call(request).await else {
                panic!("the inner middleware fails the request")
            };
            // Rendered twice, as a logging middleware and the server might.
            let _ = (error.error_response(), error.error_response());
        })
    });
    let compared: u64 = reports
        .counters()
        .into_iter()
        .filter(|((name, _), _)| name == "corsc_shadow_compared_total")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(compared, 1);
}

/// Under `report_only` no answer is given, so events carry no `status`.
#[test]
fn report_only_events_carry_no_status() {
    let p = policy("origins = [\"https://a.example\"]\nreport_only = true\non_reject = \"forbid\"");
    let events = report(&p, b"GET", &[("Origin", b"https://evil.example")]);
    assert_eq!(events[0].field("enforced"), Some("false"));
    assert_eq!(events[0].field("status"), None, "{events:#?}");
}

/// Every reason's sentence — the events' message — is printable ASCII
/// within `MAX_MESSAGE` bytes, whatever the request: its request values are
/// escaped and capped like fields.
#[test]
fn every_sentence_is_printable_and_capped() {
    let nasty: [&[u8]; 5] = [
        b"x a\r\n\x1b[2J\x00",
        "\u{202e}😀".as_bytes(),
        b"\xff\xfe\xc0\xaf",
        &[b'M'; 9000],
        &[b' '; 9000],
    ];
    for file in cors_conformance::corpus() {
        for case in &file.cases {
            let policy = file.runtime_policy(&case.select);
            let view = policy.policy();
            let mut requests = vec![(case.method.as_bytes().to_vec(), case.header_pairs())];
            for value in nasty {
                let origin = case
                    .header_pairs()
                    .into_iter()
                    .filter(|(n, _)| n.eq_ignore_ascii_case("origin"))
                    .collect::<Vec<_>>();
                let mut headers = origin;
                headers.push(("access-control-request-method".into(), value.to_vec()));
                headers.push(("access-control-request-headers".into(), value.to_vec()));
                requests.push((b"OPTIONS".to_vec(), headers.clone()));
                headers.push(("access-control-request-method".into(), b"PUT".to_vec()));
                requests.push((b"OPTIONS".to_vec(), headers));
            }
            for (method, headers) in &requests {
                let request = SimpleRequest::new(method, headers);
                let sentence = view.evaluate(&request).reason().to_string();
                assert!(
                    sentence.bytes().all(|b| (b' '..=b'~').contains(&b)),
                    "{}: {sentence}",
                    case.name
                );
                assert!(sentence.len() <= MAX_MESSAGE, "{} bytes", sentence.len());
            }
        }
    }
}

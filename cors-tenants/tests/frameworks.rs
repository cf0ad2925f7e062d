//! The tenant index through the runtime's real adapters — tower (an axum
//! router), actix-web (`test::init_service`) and rocket (a local client) —
//! with the tenant taken from the path: each tenant's origins, its plan's
//! methods and max age, an unknown tenant's own reason code, and a live
//! update visible to the next request.

use cors_policy::Source;
use cors_runtime::ErrorFormat;
use cors_tenants::{PathSegment, Platform, TenantCors, TenantIndex, TenantSpec};

const HELP: &str = "https://developer.example.com/docs/cors";

const PLATFORM: &str = r#"
[policies.standard]
origins = []
methods = ["GET", "PUT"]
allow_headers = ["content-type"]
credentials = true
on_reject = "forbid"

[policies.partner]
origins = []
methods = ["GET", "PUT", "DELETE"]
max_age = 60
on_reject = "forbid"
"#;

fn cors() -> TenantCors<PathSegment> {
    let platform = Platform::new(&Source::new("platform.toml", PLATFORM), "standard")
        .unwrap()
        .with_error_format(ErrorFormat {
            origin_code: Some("cors_origin_not_whitelisted".into()),
            help_url: Some(HELP.into()),
            request_id_header: Some("X-Request-Id".into()),
        });
    let index = TenantIndex::new(platform);
    for (id, origin, plan) in [
        ("acme", "https://app.acme.example", None),
        ("beta", "https://beta.example", Some("partner")),
    ] {
        index
            .upsert(&TenantSpec {
                id: id.into(),
                origins: vec![origin.into()],
                plan: plan.map(str::to_string),
            })
            .unwrap();
    }
    TenantCors::new(index, PathSegment::after("/apps")).unwrap()
}

/// One response as the test reads it.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: u16,
    allow_origin: Option<String>,
    allow_methods: Option<String>,
    max_age: Option<String>,
    credentials: Option<String>,
    /// The `code` of a `forbid` body.
    code: Option<String>,
    /// Its `help_url` and `request_id`, when it has them.
    help_url: Option<String>,
    request_id: Option<String>,
}

fn answer(status: u16, header: impl Fn(&str) -> Option<String>, body: &[u8]) -> Answer {
    Answer {
        status,
        allow_origin: header("access-control-allow-origin"),
        allow_methods: header("access-control-allow-methods"),
        max_age: header("access-control-max-age"),
        credentials: header("access-control-allow-credentials"),
        code: json_field(body, "code"),
        help_url: json_field(body, "help_url"),
        request_id: json_field(body, "request_id"),
    }
}

fn json_field(body: &[u8], name: &str) -> Option<String> {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v[name].as_str().map(str::to_string))
}

/// A request: method, path, origin, requested method.
type Case = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// The cases and what each framework must answer.
fn cases() -> Vec<(Case, Answer)> {
    let some = |s: &str| Some(s.to_string());
    vec![
        (
            ("GET", "/apps/acme/items", "https://app.acme.example", None),
            Answer {
                status: 200,
                allow_origin: some("https://app.acme.example"),
                allow_methods: None,
                max_age: None,
                credentials: some("true"),
                code: None,
                help_url: None,
                request_id: None,
            },
        ),
        (
            ("GET", "/apps/acme/items", "https://beta.example", None),
            Answer {
                status: 403,
                allow_origin: None,
                allow_methods: None,
                max_age: None,
                credentials: None,
                code: some("cors_origin_not_whitelisted"),
                help_url: some(HELP),
                request_id: some("req-1"),
            },
        ),
        (
            (
                "OPTIONS",
                "/apps/beta/items",
                "https://beta.example",
                Some("DELETE"),
            ),
            Answer {
                status: 204,
                allow_origin: some("https://beta.example"),
                allow_methods: some("GET, PUT, DELETE"),
                max_age: some("60"),
                credentials: None,
                code: None,
                help_url: None,
                request_id: None,
            },
        ),
        (
            (
                "OPTIONS",
                "/apps/acme/items",
                "https://app.acme.example",
                Some("DELETE"),
            ),
            Answer {
                status: 403,
                allow_origin: None,
                allow_methods: None,
                max_age: None,
                credentials: None,
                code: some("cors_method_not_allowed"),
                help_url: some(HELP),
                request_id: some("req-1"),
            },
        ),
        (
            ("GET", "/apps/zzz/items", "https://app.acme.example", None),
            Answer {
                status: 403,
                allow_origin: None,
                allow_methods: None,
                max_age: None,
                credentials: None,
                code: some("cors_unknown_tenant"),
                help_url: some(HELP),
                request_id: some("req-1"),
            },
        ),
        (
            ("GET", "/elsewhere", "https://app.acme.example", None),
            Answer {
                status: 403,
                allow_origin: None,
                allow_methods: None,
                max_age: None,
                credentials: None,
                code: some("cors_unknown_tenant"),
                help_url: some(HELP),
                request_id: some("req-1"),
            },
        ),
    ]
}

/// After the update: acme's second origin is allowed on the next request.
fn update(cors: &TenantCors<PathSegment>) {
    cors.index()
        .upsert(&TenantSpec {
            id: "acme".into(),
            origins: vec![
                "https://app.acme.example".into(),
                "https://admin.acme.example".into(),
            ],
            plan: None,
        })
        .unwrap();
}

const AFTER_UPDATE: Case = (
    "GET",
    "/apps/acme/items",
    "https://admin.acme.example",
    None,
);

mod tower_axum {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use cors_runtime::adapters::tower::CorsLayer;
    use std::sync::Arc;
    use tower::ServiceExt;

    async fn send(app: &Router, (method, path, origin, requested): Case) -> Answer {
        let mut request = http::Request::builder()
            .method(method)
            .uri(path)
            .header("origin", origin)
            .header("x-request-id", "req-1");
        if let Some(m) = requested {
            request = request.header("access-control-request-method", m);
        }
        let response = app
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        answer(
            status,
            |n| headers.get(n).map(|v| v.to_str().unwrap().to_string()),
            &body,
        )
    }

    #[tokio::test]
    async fn tenants_through_tower() {
        let cors = Arc::new(cors());
        let app = Router::new()
            .route("/apps/{id}/items", get(|| async { "[]" }))
            .route("/elsewhere", get(|| async { "x" }))
            .layer(CorsLayer::new(Arc::clone(&cors)));
        for (case, expected) in cases() {
            assert_eq!(send(&app, case).await, expected, "{case:?}");
        }
        assert_eq!(send(&app, AFTER_UPDATE).await.status, 403);
        update(&cors);
        assert_eq!(
            send(&app, AFTER_UPDATE).await.allow_origin.as_deref(),
            Some("https://admin.acme.example")
        );
    }
}

mod actix {
    use super::*;
    use actix_web::{App, HttpResponse, test, web};
    use cors_runtime::adapters::actix::Cors;
    use std::sync::Arc;

    #[actix_web::test]
    async fn tenants_through_actix() {
        let cors = Arc::new(cors());
        let app = test::init_service(
            App::new()
                .wrap(Cors::new(Arc::clone(&cors)))
                .default_service(web::to(|| async { HttpResponse::Ok().body("[]") })),
        )
        .await;
        let send = async |(method, path, origin, requested): Case| {
            let mut request = test::TestRequest::default()
                .method(method.parse().unwrap())
                .uri(path)
                .insert_header(("origin", origin))
                .insert_header(("x-request-id", "req-1"));
            if let Some(m) = requested {
                request = request.insert_header(("access-control-request-method", m));
            }
            let response = test::call_service(&app, request.to_request()).await;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = test::read_body(response).await;
            answer(
                status,
                |n| headers.get(n).map(|v| v.to_str().unwrap().to_string()),
                &body,
            )
        };
        for (case, expected) in cases() {
            assert_eq!(send(case).await, expected, "{case:?}");
        }
        assert_eq!(send(AFTER_UPDATE).await.status, 403);
        update(&cors);
        assert_eq!(
            send(AFTER_UPDATE).await.allow_origin.as_deref(),
            Some("https://admin.acme.example")
        );
    }
}

mod rocket_fairing {
    use super::*;
    use cors_runtime::adapters::rocket::Cors;
    use rocket::http::Header;
    use rocket::local::asynchronous::Client;
    use std::sync::Arc;

    #[rocket::get("/apps/<_id>/items")]
    fn items(_id: &str) -> &'static str {
        "[]"
    }

    #[rocket::get("/elsewhere")]
    fn elsewhere() -> &'static str {
        "x"
    }

    #[rocket::async_test]
    async fn tenants_through_rocket() {
        let cors = Arc::new(cors());
        let rocket = rocket::build()
            .attach(Cors::new(Arc::clone(&cors)))
            .mount("/", rocket::routes![items, elsewhere]);
        let client = Client::untracked(rocket.configure(rocket::Config::debug_default()))
            .await
            .unwrap();
        let send = async |(method, path, origin, requested): Case| {
            let mut request = client
                .req(method.parse().unwrap(), path)
                .header(Header::new("origin", origin))
                .header(Header::new("x-request-id", "req-1"));
            if let Some(m) = requested {
                request = request.header(Header::new("access-control-request-method", m));
            }
            let response = request.dispatch().await;
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
            let body = response.into_bytes().await.unwrap_or_default();
            answer(
                status,
                |n| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()),
                &body,
            )
        };
        for (case, expected) in cases() {
            assert_eq!(send(case).await, expected, "{case:?}");
        }
        assert_eq!(send(AFTER_UPDATE).await.status, 403);
        update(&cors);
        assert_eq!(
            send(AFTER_UPDATE).await.allow_origin.as_deref(),
            Some("https://admin.acme.example")
        );
    }
}

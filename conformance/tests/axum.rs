//! The tower adapter through axum's real `Router`: the framework table (one
//! app, three policies on three route groups) and the whole `testdata/`
//! corpus, each request sent with `Router::oneshot`.

use axum::Router;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{delete, get};
use cors_conformance::frameworks::run_table;
use cors_conformance::{Delivered, SERVED_BY, run_corpus};
use cors_runtime::Policy;
use cors_runtime::adapters::tower::CorsLayer;
use http_body_util::BodyExt;
use tower::ServiceExt;

static API: Policy<'static> =
    cors_macros::cors_policy!(file = "../testdata/frameworks/policy.toml", policy = "api");
static PUBLIC: Policy<'static> = cors_macros::cors_policy!(
    file = "../testdata/frameworks/policy.toml",
    policy = "public"
);
static STRICT: Policy<'static> = cors_macros::cors_policy!(
    file = "../testdata/frameworks/policy.toml",
    policy = "strict"
);

fn json(status: StatusCode, body: &'static str) -> impl IntoResponse {
    (status, [(header::CONTENT_TYPE, "application/json")], body)
}

/// The framework table's routes (testdata/frameworks/README.md).
fn table_app() -> Router {
    let api = Router::new()
        .route(
            "/items",
            get(|| async {
                let mut headers = HeaderMap::new();
                headers.insert("x-total-count", HeaderValue::from_static("1"));
                headers.insert("x-request-id", HeaderValue::from_static("req-1"));
                headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
                (
                    headers,
                    json(StatusCode::OK, r#"[{"id":1,"name":"first"}]"#),
                )
            }),
        )
        .route(
            "/items/{id}",
            axum::routing::put(|Path(id): Path<u32>| async move {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    format!(r#"{{"id":{id}}}"#),
                )
            })
            .delete(|| async { StatusCode::NO_CONTENT }),
        )
        .route(
            "/fail",
            get(|| async {
                json(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    r#"{"error":"the item store is unavailable"}"#,
                )
            }),
        )
        // Unrouted paths under /api get the 404 inside the layer.
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(CorsLayer::new(API));
    let public = Router::new()
        .route(
            "/stats",
            get(|| async { json(StatusCode::OK, r#"{"items":1}"#) }),
        )
        .layer(CorsLayer::new(PUBLIC));
    let strict = Router::new()
        .route("/items/{id}", delete(|| async { StatusCode::NO_CONTENT }))
        .layer(CorsLayer::new(STRICT));
    Router::new()
        .nest("/api", api)
        .nest("/public", public)
        .nest("/strict", strict)
}

async fn deliver(app: Router, request: Request<Body>) -> Delivered {
    let response = app.oneshot(request).await.expect("axum is infallible");
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Delivered {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

#[test]
fn framework_table_through_axum() {
    let rt = runtime();
    let app = table_app();
    run_table("axum", |case| {
        let mut request = Request::builder()
            .method(case.method.as_str())
            .uri(case.path.as_str());
        for [name, value] in &case.headers {
            request = request.header(name, value);
        }
        let request = request.body(Body::empty()).expect("valid request");
        rt.block_on(deliver(app.clone(), request))
    });
}

#[test]
fn corpus_through_axum() {
    let rt = runtime();
    run_corpus("axum", |file, case| {
        let app = Router::new()
            .fallback(|| async { ([(SERVED_BY, "service")], "service") })
            .layer(CorsLayer::new(file.runtime_policy(&case.select)));
        let mut request = Request::builder().method(case.method.as_str()).uri("/");
        for (name, value) in case.header_pairs() {
            request = request.header(name, value);
        }
        let request = request.body(Body::empty()).expect("valid request");
        case.check_delivered(&rt.block_on(deliver(app, request)))
    });
}

/// `route_layer` applies a policy to matched routes only: an unrouted path
/// gets the router's plain 404 without CORS headers.
#[test]
fn route_layer_covers_matched_routes_only() {
    let rt = runtime();
    let app = Router::new()
        .route("/items", get(|| async { "[]" }))
        .route_layer(CorsLayer::new(API));
    let get = |path: &str| {
        Request::get(path)
            .header("origin", "https://app.example.com")
            .body(Body::empty())
            .unwrap()
    };
    let routed = rt.block_on(deliver(app.clone(), get("/items")));
    assert_eq!(
        routed.header("access-control-allow-origin"),
        ["https://app.example.com"]
    );
    let unrouted = rt.block_on(deliver(app, get("/other")));
    assert_eq!(unrouted.status, 404);
    assert!(unrouted.header("access-control-allow-origin").is_empty());
}

/// Early answers are written into the request's own header map, cleared
/// (`HttpCors::handle`): nothing of the request — cookies, credentials,
/// its other headers — may survive into the answer, whatever the outcome.
#[test]
fn early_answers_carry_none_of_the_request_headers() {
    let rt = runtime();
    let app = table_app();
    let preflight = |path: &str, origin: &str, method: &str| {
        Request::options(path)
            .header("origin", origin)
            .header("access-control-request-method", method)
            .header("access-control-request-headers", "content-type")
            .header("cookie", "session=secret")
            .header("authorization", "Bearer secret")
            .header("x-request-id", "from-the-request")
            .header("host", "api.example.com")
            .body(Body::empty())
            .unwrap()
    };
    // What axum itself adds around the layer's answer (`allow` from the
    // method router, `content-length` from the body) is not the layer's.
    let names = |d: &Delivered| {
        let mut names: Vec<String> = d
            .headers
            .iter()
            .map(|(n, _)| n.clone())
            .filter(|n| n != "allow" && n != "content-length")
            .collect();
        names.sort();
        names
    };
    // R12, R13, R18: an allowed preflight gets the CORS headers and nothing else.
    let allowed = rt.block_on(deliver(
        app.clone(),
        preflight("/api/items/1", "https://app.example.com", "PUT"),
    ));
    assert_eq!(allowed.status, 204);
    assert_eq!(
        names(&allowed),
        [
            "access-control-allow-credentials",
            "access-control-allow-headers",
            "access-control-allow-methods",
            "access-control-allow-origin",
            "access-control-max-age",
            "vary",
        ]
    );
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        ["https://app.example.com"]
    );
    // R27: a refused preflight gets a bare 403 with `Vary` only.
    let refused = rt.block_on(deliver(
        app.clone(),
        preflight("/api/items/1", "https://evil.example", "PUT"),
    ));
    assert_eq!(
        (refused.status, names(&refused)),
        (403, vec!["vary".into()])
    );
    // `forbid`: the JSON error, its type and `Vary`.
    let forbidden = rt.block_on(deliver(
        app,
        preflight("/strict/items/1", "https://evil.example", "DELETE"),
    ));
    assert_eq!(forbidden.status, 403);
    assert_eq!(names(&forbidden), ["content-type", "vary"]);
    assert!(
        forbidden.body.contains("cors_origin_not_allowed"),
        "{}",
        forbidden.body
    );
}

//! The axum example: `/api` under the `api` policy, `/public` under the
//! `public` policy, both compiled from `examples/policies/api.toml` at build
//! time. Run it with `cargo run -p example-axum -- --port 8080`.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use tower::ServiceExt;
//! let app = example_axum::app(example_support::Profile::Production, Default::default());
//! let request = axum::http::Request::get("/api/items")
//!     .header("origin", "https://app.example.com")
//!     .body(axum::body::Body::empty())
//!     .unwrap();
//! let response = app.oneshot(request).await.unwrap();
//! assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example.com");
//! # });
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use cors_runtime::Policy;
use cors_runtime::adapters::tower::CorsLayer;
use example_support::{Profile, Store};
use metrics_exporter_prometheus::PrometheusHandle;

static API: Policy<'static> =
    cors_macros::cors_policy!(file = "../policies/api.toml", policy = "api");
static API_DEV: Policy<'static> = cors_macros::cors_policy!(
    file = "../policies/api.toml",
    policy = "api",
    profile = "dev"
);
static PUBLIC: Policy<'static> =
    cors_macros::cors_policy!(file = "../policies/api.toml", policy = "public");

/// The service: every route, with its policy.
pub fn app(profile: Profile, store: Arc<Store>) -> Router {
    build(Some(profile), store)
}

/// The same routes without any CORS layer (the load tests' baseline).
pub fn app_without_cors(store: Arc<Store>) -> Router {
    build(None, store)
}

/// The same routes behind tower-http's `CorsLayer`, configured as the
/// `api` and `public` policies of `examples/policies/api.toml` (production
/// profile): the peer the load comparison measures corsc against.
pub fn app_with_tower_http(store: Arc<Store>) -> Router {
    use axum::http::{HeaderName, HeaderValue, Method};
    use tower_http::cors::{Any, CorsLayer as TowerHttp};
    let api = TowerHttp::new()
        .allow_origin([
            HeaderValue::from_static("https://app.example.com"),
            HeaderValue::from_static("https://admin.example.com"),
        ])
        .allow_methods([
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("x-total-count"),
        ])
        .allow_credentials(true)
        .max_age(std::time::Duration::from_secs(600));
    let public = TowerHttp::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD])
        .expose_headers([HeaderName::from_static("x-total-count")])
        .max_age(std::time::Duration::from_secs(7200));
    let (api_routes, public_routes) = routes();
    Router::new()
        .nest("/api", api_routes.layer(api))
        .nest("/public", public_routes.layer(public))
        .with_state(store)
}

/// The routes, without CORS: `/api`'s and `/public`'s.
fn routes() -> (Router<Arc<Store>>, Router<Arc<Store>>) {
    let api = Router::new()
        .route("/items", get(list_items))
        .route("/items/{id}", put(put_item).delete(delete_item))
        .route("/fail", get(fail))
        .route("/session", post(start_session))
        .route("/whoami", get(whoami))
        // 404s under /api come from inside the layer, so they carry CORS headers.
        .fallback(|| async { StatusCode::NOT_FOUND });
    let public = Router::new().route("/stats", get(stats));
    (api, public)
}

fn build(profile: Option<Profile>, store: Arc<Store>) -> Router {
    let (api, public) = routes();
    let (api, public) = match profile {
        Some(profile) => {
            let api_policy = match profile {
                Profile::Production => API,
                Profile::Dev => API_DEV,
            };
            (
                api.layer(CorsLayer::new(api_policy)),
                public.layer(CorsLayer::new(PUBLIC)),
            )
        }
        None => (api, public),
    };
    Router::new()
        .nest("/api", api)
        .nest("/public", public)
        .with_state(store)
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn list_items(State(store): State<Arc<Store>>, headers: HeaderMap) -> Response {
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_string();
    let mut response = json(StatusCode::OK, store.list_json());
    let out = response.headers_mut();
    out.insert("x-total-count", store.len().into());
    if let Ok(id) = request_id.parse() {
        out.insert("x-request-id", id);
    }
    // Not in expose_headers: a browser page cannot read it.
    out.insert("x-internal-trace", "trace-7f3a".parse().expect("valid"));
    response
}

async fn put_item(State(store): State<Arc<Store>>, Path(id): Path<u32>, body: String) -> Response {
    match store.put(id, &body) {
        Ok(item) => json(StatusCode::OK, item),
        Err(error) => json(StatusCode::BAD_REQUEST, error),
    }
}

async fn delete_item(State(store): State<Arc<Store>>, Path(id): Path<u32>) -> StatusCode {
    if store.delete(id) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

async fn fail() -> Response {
    json(
        StatusCode::INTERNAL_SERVER_ERROR,
        example_support::FAILURE_BODY.to_string(),
    )
}

async fn start_session() -> impl IntoResponse {
    (
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, example_support::SESSION_COOKIE)],
    )
}

async fn whoami(headers: HeaderMap) -> Response {
    let cookie = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    json(StatusCode::OK, example_support::whoami_body(cookie))
}

async fn stats(State(store): State<Arc<Store>>) -> Response {
    let mut response = json(StatusCode::OK, example_support::stats_body(&store));
    response
        .headers_mut()
        .insert("x-total-count", store.len().into());
    response
}

/// Serves the app on `listener` until the process is interrupted; `None`
/// serves it without CORS.
pub async fn serve(
    listener: tokio::net::TcpListener,
    profile: Option<Profile>,
) -> std::io::Result<()> {
    serve_with(listener, profile, None).await
}

/// [`serve`], with the Prometheus exporter's counters at `/metrics` when
/// `metrics` is given (`--metrics`).
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    profile: Option<Profile>,
    metrics: Option<PrometheusHandle>,
) -> std::io::Result<()> {
    serve_app(listener, build(profile, Arc::default()), metrics).await
}

/// Serves `app` (with `/metrics` when `metrics` is given) until the
/// process is interrupted.
pub async fn serve_app(
    listener: tokio::net::TcpListener,
    mut app: Router,
    metrics: Option<PrometheusHandle>,
) -> std::io::Result<()> {
    if let Some(handle) = metrics {
        app = with_metrics(app, handle);
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// `app` with `GET /metrics`: the recorder's counters in Prometheus's text
/// format (`corsc_requests_total{policy, outcome, reason}`), outside the
/// CORS layers — a scraper is not a browser.
pub fn with_metrics(app: Router, handle: PrometheusHandle) -> Router {
    app.route(
        "/metrics",
        get(move || {
            let handle = handle.clone();
            async move { handle.render() }
        }),
    )
}

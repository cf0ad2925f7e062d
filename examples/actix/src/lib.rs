//! The actix-web example: the `/api` scope under the `api` policy, the
//! `/public` scope under the `public` policy, both compiled from
//! `examples/policies/api.toml` at build time. Run it with
//! `cargo run -p example-actix -- --port 8080`.
//!
//! ```
//! use actix_web::{App, test, web};
//! # actix_web::rt::System::new().block_on(async {
//! let store = web::Data::new(example_support::Store::default());
//! let app = test::init_service(
//!     App::new().configure(example_actix::configure(Some(example_support::Profile::Production), store)),
//! )
//! .await;
//! let request = test::TestRequest::get()
//!     .uri("/api/items")
//!     .insert_header(("origin", "https://app.example.com"))
//!     .to_request();
//! let response = test::call_service(&app, request).await;
//! let allowed = response.headers().get("access-control-allow-origin").unwrap();
//! assert_eq!(allowed, "https://app.example.com");
//! # });
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Condition;
use actix_web::{HttpRequest, HttpResponse, web};
use cors_runtime::Policy;
use cors_runtime::adapters::actix::Cors;
use example_support::{Profile, Store};

static API: Policy<'static> =
    cors_macros::cors_policy!(file = "../policies/api.toml", policy = "api");
static API_DEV: Policy<'static> = cors_macros::cors_policy!(
    file = "../policies/api.toml",
    policy = "api",
    profile = "dev"
);
static PUBLIC: Policy<'static> =
    cors_macros::cors_policy!(file = "../policies/api.toml", policy = "public");

/// Every route, with its policy (`None`: without CORS, the load tests'
/// baseline): pass it to `App::configure`.
pub fn configure(
    profile: Option<Profile>,
    store: web::Data<Store>,
) -> impl Fn(&mut web::ServiceConfig) {
    let api_policy = match profile {
        Some(Profile::Dev) => API_DEV,
        _ => API,
    };
    let enabled = profile.is_some();
    move |config| {
        config
            .app_data(store.clone())
            .service(
                web::scope("/api")
                    .wrap(Condition::new(enabled, Cors::new(api_policy)))
                    .route("/items", web::get().to(list_items))
                    .route("/items/{id}", web::put().to(put_item))
                    .route("/items/{id}", web::delete().to(delete_item))
                    .route("/fail", web::get().to(fail))
                    .route("/session", web::post().to(start_session))
                    .route("/whoami", web::get().to(whoami)),
            )
            .service(
                web::scope("/public")
                    .wrap(Condition::new(enabled, Cors::new(PUBLIC)))
                    .route("/stats", web::get().to(stats)),
            );
    }
}

fn json(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(body)
}

async fn list_items(store: web::Data<Store>, request: HttpRequest) -> HttpResponse {
    let request_id = request
        .headers()
        .get("x-request-id")
        .cloned()
        .unwrap_or(HeaderValue::from_static("none"));
    let mut response = json(StatusCode::OK, store.list_json());
    let out = response.headers_mut();
    out.insert(
        header::HeaderName::from_static("x-total-count"),
        store.len().into(),
    );
    out.insert(header::HeaderName::from_static("x-request-id"), request_id);
    // Not in expose_headers: a browser page cannot read it.
    out.insert(
        header::HeaderName::from_static("x-internal-trace"),
        HeaderValue::from_static("trace-7f3a"),
    );
    response
}

async fn put_item(store: web::Data<Store>, id: web::Path<u32>, body: String) -> HttpResponse {
    match store.put(*id, &body) {
        Ok(item) => json(StatusCode::OK, item),
        Err(error) => json(StatusCode::BAD_REQUEST, error),
    }
}

async fn delete_item(store: web::Data<Store>, id: web::Path<u32>) -> HttpResponse {
    if store.delete(*id) {
        HttpResponse::NoContent().finish()
    } else {
        HttpResponse::NotFound().finish()
    }
}

async fn fail() -> HttpResponse {
    json(
        StatusCode::INTERNAL_SERVER_ERROR,
        example_support::FAILURE_BODY.to_string(),
    )
}

async fn start_session() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((header::SET_COOKIE, example_support::SESSION_COOKIE))
        .finish()
}

async fn whoami(request: HttpRequest) -> HttpResponse {
    let cookie = request
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok());
    json(StatusCode::OK, example_support::whoami_body(cookie))
}

async fn stats(store: web::Data<Store>) -> HttpResponse {
    let mut response = json(StatusCode::OK, example_support::stats_body(&store));
    response.headers_mut().insert(
        header::HeaderName::from_static("x-total-count"),
        store.len().into(),
    );
    response
}

/// A server for the app on `listener` (already bound), with `workers`
/// threads. Await it to serve; its handle stops it.
pub fn server(
    listener: std::net::TcpListener,
    profile: Option<Profile>,
    workers: usize,
) -> std::io::Result<actix_web::dev::Server> {
    let store = web::Data::new(Store::default());
    Ok(actix_web::HttpServer::new(move || {
        actix_web::App::new().configure(configure(profile, store.clone()))
    })
    .workers(workers)
    .listen(listener)?
    .run())
}

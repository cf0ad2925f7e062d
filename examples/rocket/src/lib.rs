//! The rocket example: `/api` under the `api` policy, `/public` under the
//! `public` policy, both compiled from `examples/policies/api.toml` at build
//! time and attached as one fairing. Run it with
//! `cargo run -p example-rocket -- --port 8080`.
//!
//! ```
//! use rocket::local::blocking::Client;
//! use rocket::http::Header;
//! let rocket = example_rocket::rocket(Some(example_support::Profile::Production), example_rocket::config(0));
//! let client = Client::untracked(rocket).unwrap();
//! let response = client
//!     .get("/api/items")
//!     .header(Header::new("origin", "https://app.example.com"))
//!     .dispatch();
//! let allowed = response.headers().get_one("access-control-allow-origin");
//! assert_eq!(allowed, Some("https://app.example.com"));
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::net::Ipv4Addr;

use cors_runtime::Policy;
use cors_runtime::adapters::rocket::Cors;
use example_support::{Profile, Store};
use rocket::http::{ContentType, CookieJar, Header, Status};
use rocket::request::{self, FromRequest, Request};
use rocket::{Build, Config, Rocket, State, routes};

static API: Policy<'static> =
    cors_macros::cors_policy!(file = "../policies/api.toml", policy = "api");
static API_DEV: Policy<'static> = cors_macros::cors_policy!(
    file = "../policies/api.toml",
    policy = "api",
    profile = "dev"
);
static PUBLIC: Policy<'static> =
    cors_macros::cors_policy!(file = "../policies/api.toml", policy = "public");

/// The request's `X-Request-Id`, if any.
struct RequestId(String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for RequestId {
    type Error = std::convert::Infallible;
    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, Self::Error> {
        let id = request.headers().get_one("x-request-id").unwrap_or("none");
        request::Outcome::Success(RequestId(id.to_string()))
    }
}

#[derive(rocket::Responder)]
#[response(content_type = "json")]
struct Items {
    body: String,
    total: Header<'static>,
    request_id: Header<'static>,
    trace: Header<'static>,
}

#[rocket::get("/items")]
fn list_items(store: &State<Store>, request_id: RequestId) -> Items {
    Items {
        body: store.list_json(),
        total: Header::new("x-total-count", store.len().to_string()),
        request_id: Header::new("x-request-id", request_id.0),
        // Not in expose_headers: a browser page cannot read it.
        trace: Header::new("x-internal-trace", "trace-7f3a"),
    }
}

#[rocket::put("/items/<id>", data = "<body>")]
fn put_item(store: &State<Store>, id: u32, body: String) -> (Status, (ContentType, String)) {
    match store.put(id, &body) {
        Ok(item) => (Status::Ok, (ContentType::JSON, item)),
        Err(error) => (Status::BadRequest, (ContentType::JSON, error)),
    }
}

#[rocket::delete("/items/<id>")]
fn delete_item(store: &State<Store>, id: u32) -> Status {
    if store.delete(id) {
        Status::NoContent
    } else {
        Status::NotFound
    }
}

#[rocket::get("/fail")]
fn fail() -> (Status, (ContentType, &'static str)) {
    (
        Status::InternalServerError,
        (ContentType::JSON, example_support::FAILURE_BODY),
    )
}

#[derive(rocket::Responder)]
#[response(status = 204)]
struct SessionStarted {
    body: (),
    cookie: Header<'static>,
}

#[rocket::post("/session")]
fn start_session() -> SessionStarted {
    SessionStarted {
        body: (),
        cookie: Header::new("set-cookie", example_support::SESSION_COOKIE),
    }
}

#[rocket::get("/whoami")]
fn whoami(cookies: &CookieJar<'_>) -> (ContentType, String) {
    let header = cookies
        .get("session")
        .map(|c| format!("session={}", c.value()));
    (
        ContentType::JSON,
        example_support::whoami_body(header.as_deref()),
    )
}

#[derive(rocket::Responder)]
#[response(content_type = "json")]
struct Stats {
    body: String,
    total: Header<'static>,
}

#[rocket::get("/stats")]
fn stats(store: &State<Store>) -> Stats {
    Stats {
        body: example_support::stats_body(store),
        total: Header::new("x-total-count", store.len().to_string()),
    }
}

/// Rocket's configuration for the example: `127.0.0.1:port`, quiet logs.
pub fn config(port: u16) -> Config {
    Config {
        address: Ipv4Addr::LOCALHOST.into(),
        port,
        log_level: rocket::config::LogLevel::Critical,
        cli_colors: false,
        ..Config::release_default()
    }
}

/// The service: every route, and one fairing giving `/api` and `/public`
/// their own policies (`None`: without CORS, the load tests' baseline).
pub fn rocket(profile: Option<Profile>, config: Config) -> Rocket<Build> {
    let mut rocket = rocket::custom(config).manage(Store::default());
    if let Some(profile) = profile {
        let api_policy = match profile {
            Profile::Production => API,
            Profile::Dev => API_DEV,
        };
        rocket = rocket.attach(
            Cors::scoped()
                .mount("/api", api_policy)
                .mount("/public", PUBLIC),
        );
    }
    rocket
        .mount(
            "/api",
            routes![
                list_items,
                put_item,
                delete_item,
                fail,
                start_session,
                whoami
            ],
        )
        .mount("/public", routes![stats])
}

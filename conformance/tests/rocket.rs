//! The rocket fairing through rocket's real request pipeline
//! (`local::asynchronous::Client`): the framework table (one app, three
//! policies on three path prefixes) and the whole `testdata/` corpus.

use cors_conformance::frameworks::run_table;
use cors_conformance::{Delivered, SERVED_BY, run_corpus};
use cors_runtime::Policy;
use cors_runtime::adapters::rocket::Cors;
use rocket::http::{ContentType, Header, Method, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use rocket::{Build, Rocket, Route, routes};

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

#[derive(rocket::Responder)]
#[response(content_type = "json")]
struct Items {
    body: &'static str,
    total: Header<'static>,
    request_id: Header<'static>,
    vary: Header<'static>,
}

#[rocket::get("/items")]
fn items() -> Items {
    Items {
        body: r#"[{"id":1,"name":"first"}]"#,
        total: Header::new("x-total-count", "1"),
        request_id: Header::new("x-request-id", "req-1"),
        vary: Header::new("vary", "accept-encoding"),
    }
}

#[rocket::put("/items/<id>")]
fn put_item(id: u32) -> (ContentType, String) {
    (ContentType::JSON, format!(r#"{{"id":{id}}}"#))
}

#[rocket::delete("/items/<_id>")]
fn delete_item(_id: u32) -> Status {
    Status::NoContent
}

#[rocket::get("/fail")]
fn fail() -> (Status, (ContentType, &'static str)) {
    (
        Status::InternalServerError,
        (
            ContentType::JSON,
            r#"{"error":"the item store is unavailable"}"#,
        ),
    )
}

#[rocket::get("/stats")]
fn stats() -> (ContentType, &'static str) {
    (ContentType::JSON, r#"{"items":1}"#)
}

/// The framework table's routes (testdata/frameworks/README.md).
fn table_app() -> Rocket<Build> {
    rocket::build()
        .attach(
            Cors::scoped()
                .mount("/api", API)
                .mount("/public", PUBLIC)
                .mount("/strict", STRICT),
        )
        .mount("/api", routes![items, put_item, delete_item, fail])
        .mount("/public", routes![stats])
        .mount("/strict", routes![delete_item])
}

async fn deliver(response: LocalResponse<'_>) -> Delivered {
    let status = response.status().code;
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
    let body = response.into_string().await.unwrap_or_default();
    Delivered {
        status,
        headers,
        body,
    }
}

async fn send(
    client: &Client,
    method: &str,
    path: &str,
    headers: &[(String, Vec<u8>)],
) -> Delivered {
    let method: Method = method.parse().expect("a method rocket knows");
    let mut request = client.req(method, path.to_string());
    for (name, value) in headers {
        let value = String::from_utf8(value.clone()).expect("rocket takes UTF-8 header values");
        request.add_header(Header::new(name.clone(), value));
    }
    deliver(request.dispatch().await).await
}

async fn client(rocket: Rocket<Build>) -> Client {
    Client::untracked(rocket.configure(rocket::Config::debug_default()))
        .await
        .expect("valid rocket")
}

#[rocket::async_test]
async fn framework_table_through_rocket() {
    let client = client(table_app()).await;
    let table = cors_conformance::frameworks::table();
    let mut delivered = Vec::new();
    for case in &table.cases {
        let headers: Vec<(String, Vec<u8>)> = case
            .headers
            .iter()
            .map(|[n, v]| (n.clone(), v.as_bytes().to_vec()))
            .collect();
        delivered.push(send(&client, &case.method, &case.path, &headers).await);
    }
    let mut delivered = delivered.into_iter();
    run_table("rocket", |_| {
        delivered.next().expect("one response per case")
    });
}

#[derive(rocket::Responder)]
struct Served {
    body: &'static str,
    marker: Header<'static>,
}

#[rocket::get("/")]
fn service() -> Served {
    Served {
        body: "service",
        marker: Header::new(SERVED_BY, "service"),
    }
}

fn service_routes() -> Vec<Route> {
    let mut routes = routes![service];
    // Every method the corpus uses reaches the service at `/`.
    for method in [
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Patch,
        Method::Options,
        Method::Head,
    ] {
        let mut route = routes[0].clone();
        route.method = method;
        routes.push(route);
    }
    routes
}

#[rocket::async_test]
async fn corpus_through_rocket() {
    let files = cors_conformance::corpus();
    let mut delivered = std::collections::HashMap::new();
    for file in &files {
        for case in &file.cases {
            let rocket = rocket::build()
                .attach(Cors::new(file.runtime_policy(&case.select)))
                .mount("/", service_routes());
            let client = client(rocket).await;
            let response = send(&client, &case.method, "/", &case.header_pairs()).await;
            delivered.insert((file.file.clone(), case.name.clone()), response);
        }
    }
    run_corpus("rocket", |file, case| {
        case.check_delivered(&delivered[&(file.file.clone(), case.name.clone())])
    });
}

/// The early-answer route cannot be reached from outside.
#[rocket::async_test]
async fn early_route_is_not_reachable_directly() {
    let client = client(table_app()).await;
    let response = send(&client, "GET", Cors::EARLY_ROUTE, &[]).await;
    assert_eq!(response.status, 404);
}

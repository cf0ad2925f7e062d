//! The actix-web middleware through actix's real service pipeline
//! (`test::init_service` + `call_service`): the framework table (one app,
//! three policies on three scopes) and the whole `testdata/` corpus.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{App, HttpResponse, test, web};
use cors_conformance::frameworks::run_table;
use cors_conformance::{Delivered, SERVED_BY, run_corpus};
use cors_runtime::Policy;
use cors_runtime::adapters::actix::Cors;

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

fn json(status: StatusCode, body: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(body)
}

/// The framework table's routes (testdata/frameworks/README.md).
fn table_app(config: &mut web::ServiceConfig) {
    config
        .service(
            web::scope("/api")
                .wrap(Cors::new(API))
                .route(
                    "/items",
                    web::get().to(|| async {
                        let mut response = json(StatusCode::OK, r#"[{"id":1,"name":"first"}]"#);
                        let headers = response.headers_mut();
                        headers.insert(
                            HeaderName::from_static("x-total-count"),
                            HeaderValue::from_static("1"),
                        );
                        headers.insert(
                            HeaderName::from_static("x-request-id"),
                            HeaderValue::from_static("req-1"),
                        );
                        headers.insert(
                            actix_web::http::header::VARY,
                            HeaderValue::from_static("accept-encoding"),
                        );
                        response
                    }),
                )
                .route(
                    "/items/{id}",
                    web::put().to(|id: web::Path<u32>| async move {
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body(format!(r#"{{"id":{id}}}"#))
                    }),
                )
                .route(
                    "/items/{id}",
                    web::delete().to(|| async { HttpResponse::NoContent().finish() }),
                )
                .route(
                    "/fail",
                    web::get().to(|| async {
                        json(
                            StatusCode::INTERNAL_SERVER_ERROR,
                            r#"{"error":"the item store is unavailable"}"#,
                        )
                    }),
                ),
        )
        .service(web::scope("/public").wrap(Cors::new(PUBLIC)).route(
            "/stats",
            web::get().to(|| async { json(StatusCode::OK, r#"{"items":1}"#) }),
        ))
        .service(web::scope("/strict").wrap(Cors::new(STRICT)).route(
            "/items/{id}",
            web::delete().to(|| async { HttpResponse::NoContent().finish() }),
        ));
}

async fn deliver<S, B>(app: &S, request: actix_http::Request) -> Delivered
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let response = test::call_service(app, request).await;
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
    let body = test::read_body(response).await;
    Delivered {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn request(method: &str, path: &str, headers: &[(String, Vec<u8>)]) -> actix_http::Request {
    let mut request = test::TestRequest::default()
        .method(method.parse().expect("valid method"))
        .uri(path);
    for (name, value) in headers {
        let value = HeaderValue::from_bytes(value).expect("valid header value");
        request = request.append_header((name.as_str(), value));
    }
    request.to_request()
}

#[actix_web::test]
async fn framework_table_through_actix() {
    let app = test::init_service(App::new().configure(table_app)).await;
    let table = cors_conformance::frameworks::table();
    let mut delivered = Vec::new();
    for case in &table.cases {
        let headers: Vec<(String, Vec<u8>)> = case
            .headers
            .iter()
            .map(|[n, v]| (n.clone(), v.as_bytes().to_vec()))
            .collect();
        delivered.push(deliver(&app, request(&case.method, &case.path, &headers)).await);
    }
    let mut delivered = delivered.into_iter();
    run_table("actix-web", |_| {
        delivered.next().expect("one response per case")
    });
}

#[actix_web::test]
async fn corpus_through_actix() {
    let files = cors_conformance::corpus();
    let mut delivered = std::collections::HashMap::new();
    for file in &files {
        for case in &file.cases {
            let app = test::init_service(
                App::new()
                    .wrap(Cors::new(file.runtime_policy(&case.select)))
                    .default_service(web::to(|| async {
                        HttpResponse::Ok()
                            .insert_header((SERVED_BY, "service"))
                            .body("service")
                    })),
            )
            .await;
            let response = deliver(&app, request(&case.method, "/", &case.header_pairs())).await;
            delivered.insert((file.file.clone(), case.name.clone()), response);
        }
    }
    run_corpus("actix-web", |file, case| {
        case.check_delivered(&delivered[&(file.file.clone(), case.name.clone())])
    });
}

/// An `Err` from a handler is rendered by actix after the middleware has
/// run; the headers still reach the response, so the page can read the
/// error (R20).
#[actix_web::test]
async fn handler_errors_keep_cors_headers() {
    let app = test::init_service(App::new().wrap(Cors::new(API)).route(
        "/items",
        web::get().to(|| async {
            Err::<HttpResponse, _>(actix_web::error::ErrorServiceUnavailable("store down"))
        }),
    ))
    .await;
    let headers = [("origin".to_string(), b"https://app.example.com".to_vec())];
    let response = deliver(&app, request("GET", "/items", &headers)).await;
    assert_eq!(response.status, 503);
    assert_eq!(response.body, "store down");
    assert_eq!(
        response.header("access-control-allow-origin"),
        ["https://app.example.com"]
    );
    assert_eq!(response.header("vary"), ["Origin"]);
}

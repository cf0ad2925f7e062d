//! `cors probe` against servers the test starts on loopback: a correct one
//! (the tower adapter with the example policy), one that reflects any origin
//! with credentials, and one behind a "gateway" that answers preflights
//! itself and duplicates headers. Nothing leaves 127.0.0.1.

mod common;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode};
use axum::middleware::{self, Next};
use axum::routing::get;
use common::{cors, text};
use cors_runtime::adapters::tower::CorsLayer;

/// Serves `app` on a free loopback port for the rest of the test process.
fn serve(app: Router) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    address
}

fn routes() -> Router {
    Router::new().route("/items", get(|| async { "[]" }).put(|| async { "{}" }))
}

fn good_server() -> SocketAddr {
    let policy = cors_policy::load_file(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/policies/api.toml"),
        &cors_policy::Selection::policy("api"),
    )
    .unwrap();
    serve(routes().layer(CorsLayer::new(policy)))
}

/// The classic misconfiguration: echo whatever Origin arrives, with
/// credentials.
async fn reflect(request: Request<Body>, next: Next) -> Response<Body> {
    let origin = request.headers().get("origin").cloned();
    let asked_headers = request
        .headers()
        .get("access-control-request-headers")
        .cloned();
    let asked_method = request
        .headers()
        .get("access-control-request-method")
        .cloned();
    let mut response = if request.method() == Method::OPTIONS {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NO_CONTENT;
        r
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    if let Some(origin) = origin {
        headers.insert("access-control-allow-origin", origin);
        headers.insert(
            "access-control-allow-credentials",
            HeaderValue::from_static("true"),
        );
    }
    if let Some(m) = asked_method {
        headers.insert("access-control-allow-methods", m);
    }
    if let Some(h) = asked_headers {
        headers.insert("access-control-allow-headers", h);
    }
    response
}

/// A gateway in front of a correct app: it answers OPTIONS itself with a
/// bare 200, and adds its own copy of Access-Control-Allow-Origin.
async fn gateway(request: Request<Body>, next: Next) -> Response<Body> {
    if request.method() == Method::OPTIONS {
        return Response::new(Body::empty());
    }
    let origin = request.headers().get("origin").cloned();
    let mut response = next.run(request).await;
    if let Some(origin) = origin {
        response
            .headers_mut()
            .append("access-control-allow-origin", origin);
    }
    response
}

fn redact(output: &str, address: SocketAddr) -> String {
    output.replace(&address.port().to_string(), "PORT")
}

#[test]
fn correct_server_is_allowed_and_matches_its_policy() {
    let address = good_server();
    let url = format!("http://{address}/items");
    let out = cors(&[
        "probe",
        &url,
        "--origin",
        "https://app.example.com",
        "--method",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "--credentials",
        "--policy",
        "examples/policies/api.toml",
        "--policy-name",
        "api",
        "--audit",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(redact(&text(&out.stdout), address));
}

#[test]
fn reflecting_server_fails_the_audit() {
    let address = serve(routes().layer(middleware::from_fn(reflect)));
    let url = format!("http://{address}/items");
    let out = cors(&[
        "probe",
        &url,
        "--origin",
        "https://app.example.com",
        "--audit",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("[critical] arbitrary origin reflected"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[critical] null origin allowed"),
        "{stdout}"
    );
    insta::assert_snapshot!(redact(&stdout, address));
}

#[test]
fn gateway_differences_are_reported() {
    let policy = cors_policy::load_file(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/policies/api.toml"),
        &cors_policy::Selection::policy("api"),
    )
    .unwrap();
    let app = routes()
        .layer(CorsLayer::new(policy))
        .layer(middleware::from_fn(gateway));
    let address = serve(app);
    let url = format!("http://{address}/items");
    let out = cors(&[
        "probe",
        &url,
        "--origin",
        "https://app.example.com",
        "--method",
        "PUT",
        "--policy",
        "examples/policies/api.toml",
        "--policy-name",
        "api",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"], "blocked");
    assert_eq!(json["blocked_at"], "preflight");
    let differences: Vec<String> = json["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}: {}", d["stage"], d["what"], d["hint"]))
        .collect();
    insta::assert_debug_snapshot!(differences);
}

#[test]
fn unreachable_server_is_a_clean_error() {
    // Bind and drop: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let out = cors(&[
        "probe",
        &url,
        "--origin",
        "https://a.example",
        "--timeout",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error: GET http://127.0.0.1:"),
        "{}",
        text(&out.stderr)
    );
    let not_http = cors(&["probe", "ftp://127.0.0.1/", "--origin", "https://a.example"]);
    assert_eq!(not_http.status.code(), Some(2));
}

/// A policy whose wildcard allows every subdomain: the audit's sibling and
/// subdomain origins are what the policy asks for, so a server that
/// follows it is not rated as misconfigured (it once was: "critical suffix
/// look-alike" beside "the server answers exactly as the policy prescribes").
#[test]
fn an_attack_origin_the_policy_allows_is_not_a_server_finding() {
    let dir = common::scratch("probe-wildcard-policy");
    let file = dir.join("wildcard.toml");
    let toml = "origins = [\"https://*.example.com\"]\nmethods = [\"GET\"]\ncredentials = true\n\n[lints]\nbroad-wildcard-with-credentials = \"allow\"\n";
    std::fs::write(&file, toml).unwrap();
    let policy = cors_policy::load(toml).unwrap();
    let address = serve(routes().layer(CorsLayer::new(policy)));
    let url = format!("http://{address}/items");
    let out = cors(&[
        "probe",
        &url,
        "--origin",
        "https://app.example.com",
        "--credentials",
        "--policy",
        file.to_str().unwrap(),
        "--audit",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("the server answers exactly as the policy prescribes"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("[critical]") && !stdout.contains("[medium]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the policy itself allows")
            && stdout.contains("https://evilapp.example.com")
            && stdout.contains("https://corsc-audit.app.example.com"),
        "{stdout}"
    );
}

/// Without a policy, `evil` + a subdomain is a sibling under the same
/// registrable domain, not a domain anyone can register.
#[test]
fn a_sibling_look_alike_is_not_rated_as_registrable() {
    let address = serve(routes().layer(middleware::from_fn(reflect)));
    let url = format!("http://{address}/items");
    let out = cors(&[
        "probe",
        &url,
        "--origin",
        "https://app.example.com",
        "--audit",
    ]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("[medium] suffix look-alike allowed (a sibling subdomain): Origin `https://evilapp.example.com`"),
        "{stdout}"
    );
    assert!(stdout.contains("[critical] suffix look-alike of the parent domain allowed: Origin `https://evilexample.com`"), "{stdout}");
}

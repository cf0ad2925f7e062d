//! `--tower-http`: the load comparison's peer answers the load script's
//! three requests as the corsc layer does for the browser — the preflight
//! and the allowed GET pass, the disallowed GET gets no CORS headers.

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

fn send(app: axum::Router, request: Request<Body>) -> axum::http::Response<Body> {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(app.oneshot(request))
        .unwrap()
}

#[test]
fn tower_http_is_configured_as_the_api_policy() {
    for app in [
        example_axum::app_with_tower_http(Default::default()),
        example_axum::app(example_support::Profile::Production, Default::default()),
    ] {
        let preflight = Request::options("/api/items/2")
            .header("origin", "https://app.example.com")
            .header("access-control-request-method", "PUT")
            .header(
                "access-control-request-headers",
                "content-type,x-request-id",
            )
            .body(Body::empty())
            .unwrap();
        let response = send(app.clone(), preflight);
        assert!(response.status().is_success());
        let headers = response.headers();
        assert_eq!(
            headers["access-control-allow-origin"],
            "https://app.example.com"
        );
        assert_eq!(headers["access-control-allow-credentials"], "true");
        let methods = headers["access-control-allow-methods"].to_str().unwrap();
        assert!(methods.contains("PUT"), "{methods}");
        let allowed = send(
            app.clone(),
            Request::get("/api/items")
                .header("origin", "https://app.example.com")
                .body(Body::empty())
                .unwrap(),
        );
        assert_eq!(
            allowed.headers()["access-control-allow-origin"],
            "https://app.example.com"
        );
        let refused = send(
            app,
            Request::get("/api/items")
                .header("origin", "https://evil.example")
                .body(Body::empty())
                .unwrap(),
        );
        assert!(
            refused
                .headers()
                .get("access-control-allow-origin")
                .is_none()
        );
    }
}

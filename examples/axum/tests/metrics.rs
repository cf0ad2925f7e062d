//! `--metrics`: the CORS counters through the Prometheus exporter, served at
//! `/metrics` by the example service over a real socket. (Its own test
//! binary: the exporter is the process's one global recorder.)

use std::io::{Read, Write};

fn get(port: u16, path: &str, origin: Option<&str>) -> String {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let origin = origin.map_or(String::new(), |o| format!("Origin: {o}\r\n"));
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{origin}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn the_counters_are_served_for_prometheus() {
    let handle = metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    runtime.spawn(example_axum::serve_with(
        listener,
        Some(example_support::Profile::Production),
        Some(handle),
    ));
    let allowed = get(port, "/api/items", Some("https://app.example.com"));
    assert!(
        allowed.contains("access-control-allow-origin: https://app.example.com"),
        "{allowed}"
    );
    for _ in 0..2 {
        get(port, "/api/items", Some("https://evil.example"));
    }
    get(port, "/public/stats", None);
    let metrics = get(port, "/metrics", None);
    for line in [
        r#"corsc_requests_total{policy="api",outcome="actual",reason="allowed"} 1"#,
        r#"corsc_requests_total{policy="api",outcome="rejected",reason="cors_origin_not_allowed"} 2"#,
        r#"corsc_requests_total{policy="public",outcome="not_cors",reason="no_origin"} 1"#,
    ] {
        assert!(metrics.contains(line), "{line} missing from:\n{metrics}");
    }
    assert!(
        !metrics.contains("evil.example"),
        "no label carries an origin"
    );
}

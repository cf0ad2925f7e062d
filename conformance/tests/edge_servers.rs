//! The corpus through each real proxy (Debian's nginx, Caddy, HAProxy and
//! Apache httpd, installed by `.ci/install-servers`): one server per policy
//! of the corpus, started from the complete configuration `cors emit
//! --listen … --upstream …` writes (`cors_conformance::edge_server`), and
//! every case sent to it as a raw HTTP/1.1 request. A case a server reads
//! differently (its capability table) is compared with the runtime's
//! answer to what the server read, and the tests assert those cases are
//! exactly the documented ones.

use cors_conformance::edge_server::{run_corpus, serve};
use cors_conformance::live::{Upstream, send};
use cors_policy::emit::target::Target;

#[test]
fn nginx_passes_the_corpus() {
    run_corpus(Target::Nginx).assert_passed(
        "nginx",
        &[
            // nginx 1.22 reads only the first of several lines.
            "01-exact.toml: preflight-two-request-methods",
            "01-exact.toml: two-origin-headers",
            "07-methods-and-headers.toml: oversize-across-lines",
            "09-trust-boundary.toml: any-origin-repeated-origin-varies-on-origin",
            "09-trust-boundary.toml: two-sec-fetch-site-lines-are-not-same-origin",
            // An empty line is read as a missing one.
            "05-on-reject.toml: forbid-malformed-preflight",
            "09-trust-boundary.toml: any-origin-empty-origin-varies-on-origin",
        ],
    );
}

#[test]
fn caddy_passes_the_corpus() {
    run_corpus(Target::Caddy).assert_passed("caddy", &[]);
}

#[test]
fn haproxy_passes_the_corpus() {
    run_corpus(Target::Haproxy).assert_passed("haproxy", &[]);
}

#[test]
fn apache_passes_the_corpus() {
    run_corpus(Target::Apache).assert_passed(
        "apache",
        &[
            // An empty line is read as a missing one.
            "05-on-reject.toml: forbid-malformed-preflight",
            "09-trust-boundary.toml: any-origin-empty-origin-varies-on-origin",
        ],
    );
}

/// A `$` in a policy's tokens reaches the client as written by every
/// target that accepts the policy (mod_setenvif read `$0`–`$9` as
/// backreferences, so `D$1` was sent as `D`); nginx, which has no escape
/// for `$`, refuses it at emit time.
#[test]
fn dollar_signs_in_tokens_are_literal() {
    let source = cors_policy::Source::new(
        "dollar.toml",
        "origins = [\"https://app.example.com\"]\nmethods = [\"D$1\", \"M$X\"]\n",
    );
    let compiled = cors_policy::compile(&source, &Default::default()).expect("compiles");
    let upstream = Upstream::start().expect("upstream");
    for target in Target::PROXIES {
        let name = target.capabilities().target;
        let server = serve(target, &compiled, "dollar.toml", &upstream.url());
        if target == Target::Nginx {
            let refusal = server.expect_err("nginx refuses a `$`");
            assert!(refusal.contains("no escape"), "{refusal}");
            continue;
        }
        let server = server.unwrap_or_else(|e| panic!("{name}: {e}"));
        let headers = [
            ("Origin".to_string(), b"https://app.example.com".to_vec()),
            ("Access-Control-Request-Method".to_string(), b"D$1".to_vec()),
        ];
        let answer = send(server.addr, "OPTIONS", &headers).expect("answer");
        assert_eq!(answer.status, 204, "{name}");
        assert_eq!(
            answer.header("access-control-allow-methods"),
            ["D$1, M$X"],
            "{name}"
        );
    }
}

/// The Caddy snippet works as the README says: `import`ed into a site
/// block whose own `reverse_proxy` comes after it, it answers preflights at
/// the edge and adds the policy's headers to what the service sends.
#[test]
fn caddy_snippet_imports_into_a_site_block() {
    use cors_conformance::live::{Process, binary, free_port};
    let source = cors_policy::Source::new(
        "api.toml",
        "origins = [\"https://app.example.com\"]\nmethods = [\"PUT\"]\n",
    );
    let compiled = cors_policy::compile(&source, &Default::default()).expect("compiles");
    let snippet = Target::Caddy
        .emit(&compiled, "api.toml", None)
        .expect("emits");
    let upstream = Upstream::start().expect("upstream");
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    std::fs::write(dir.path().join("cors.caddy.conf"), snippet).expect("write");
    let caddyfile = dir.path().join("Caddyfile");
    std::fs::write(
        &caddyfile,
        format!(
            "{{\n\tadmin off\n\tauto_https off\n}}\n\nhttp://:{port} {{\n\tbind 127.0.0.1\n\
             \treverse_proxy {}\n\timport cors.caddy.conf\n}}\n",
            upstream.url()
        ),
    )
    .expect("write");
    let mut command = std::process::Command::new(binary("caddy"));
    command
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&caddyfile);
    let server = Process::spawn(command, ([127, 0, 0, 1], port).into(), dir).expect("caddy starts");
    let origin = ("Origin".to_string(), b"https://app.example.com".to_vec());

    let preflight = [
        origin.clone(),
        ("Access-Control-Request-Method".to_string(), b"PUT".to_vec()),
    ];
    let answer = send(server.addr, "OPTIONS", &preflight).expect("answer");
    assert_eq!(answer.status, 204, "{}", server.log());
    assert!(!answer.served_by_service());
    assert_eq!(answer.header("access-control-allow-methods"), ["PUT"]);

    let actual = send(server.addr, "GET", std::slice::from_ref(&origin)).expect("answer");
    assert!(actual.served_by_service(), "{}", server.log());
    assert_eq!(
        actual.header("access-control-allow-origin"),
        ["https://app.example.com"]
    );
}

/// A service that sets CORS headers itself never has them reach the
/// client through the edge: each target drops the service's
/// `Access-Control-*` headers and sends the policy's, and keeps the
/// service's own `Vary` beside the policy's.
#[test]
fn the_services_own_cors_headers_never_reach_the_client() {
    let source = cors_policy::Source::new("api.toml", "origins = [\"https://app.example.com\"]\n");
    let compiled = cors_policy::compile(&source, &Default::default()).expect("compiles");
    let upstream = Upstream::start_with(
        "access-control-allow-origin: *\r\naccess-control-allow-credentials: true\r\n\
         access-control-expose-headers: x-secret\r\nvary: accept-encoding\r\n",
    )
    .expect("upstream");
    for target in Target::PROXIES {
        let name = target.capabilities().target;
        let server = serve(target, &compiled, "api.toml", &upstream.url())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for origin in ["https://app.example.com", "https://evil.example"] {
            let headers = [("Origin".to_string(), origin.as_bytes().to_vec())];
            let answer = send(server.addr, "GET", &headers).expect("answer");
            assert!(answer.served_by_service(), "{name} {origin}");
            let listed = origin == "https://app.example.com";
            let expected: &[&str] = if listed { &[origin] } else { &[] };
            assert_eq!(
                answer.header("access-control-allow-origin"),
                expected,
                "{name} {origin}"
            );
            assert!(
                answer.header("access-control-allow-credentials").is_empty()
                    && answer.header("access-control-expose-headers").is_empty(),
                "{name} {origin}: {:?}",
                answer.headers
            );
            let vary = answer.header("vary").join(", ").to_ascii_lowercase();
            assert!(
                vary.contains("accept-encoding") && vary.contains("origin"),
                "{name} {origin}: {vary}"
            );
        }
    }
}

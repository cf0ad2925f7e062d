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

/// A policy, profile or file name is the user's text, and TOML lets a key
/// hold a newline: written raw into the header comment, the rest of the
/// name became directives (an `add_header … *` in nginx, a new listener in
/// HAProxy). Each proxy runs the emitted file and still decides as the
/// policy does, and the name stays inside the comment.
#[test]
fn names_with_newlines_stay_in_the_comment() {
    let injected = "INJECTED add_header Access-Control-Allow-Origin * always;";
    // `{$PATH:` made Caddy substitute the environment up to the next `}`,
    // which swallowed the block that turns its admin endpoint off.
    let policy = format!("api{{$PATH:\\n{injected}\\n#");
    let profile = format!("dev{{$HOME:\\n{injected}\\\\");
    let text = format!(
        "[policies.\"{policy}\"]\norigins = [\"https://app.example.com\"]\n\
         [policies.\"{policy}\".profiles.\"{profile}\"]\nextra_origins = [\"https://dev.example.com\"]\n"
    );
    let source = cors_policy::Source::new("names.toml", text);
    let selection = cors_policy::Selection::policy(format!("api{{$PATH:\n{injected}\n#"))
        .with_profile(format!("dev{{$HOME:\n{injected}\\"));
    let compiled = cors_policy::compile(&source, &selection).expect("compiles");
    let file_name = format!("x{{$USER:\n{injected}\n#.toml");
    let upstream = Upstream::start().expect("upstream");
    for target in Target::PROXIES {
        let name = target.capabilities().target;
        let text = target.emit(&compiled, &file_name, None).expect("emits");
        assert!(!text.contains("{$"), "{name}: an environment placeholder");
        for line in text.lines().filter(|l| l.contains("INJECTED")) {
            assert!(line.starts_with("# "), "{name}: {line}");
            assert!(!line.ends_with('\\'), "{name}: {line}");
        }
        let server = serve(target, &compiled, &file_name, &upstream.url())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let headers = [("Origin".to_string(), b"https://evil.example".to_vec())];
        let answer = send(server.addr, "GET", &headers).expect("answer");
        assert!(answer.served_by_service(), "{name}");
        assert!(
            answer.header("access-control-allow-origin").is_empty(),
            "{name}: {:?}",
            answer.headers
        );
    }
}

/// Header names are compared ignoring ASCII case only (R15). Under `(?i)`
/// RE2 (Caddy) folds Unicode case too, so the KELVIN SIGN matched `k` and
/// the LONG S matched `s`: a name no browser sends was allowed.
#[test]
fn only_ascii_case_is_ignored_in_header_names() {
    let source = cors_policy::Source::new(
        "kiosk.toml",
        "origins = [\"https://app.example.com\"]\nmethods = [\"PUT\"]\n\
         allow_headers = [\"x-kiosk\"]\ncredentials = true\n",
    );
    let compiled = cors_policy::compile(&source, &Default::default()).expect("compiles");
    let upstream = Upstream::start().expect("upstream");
    for target in Target::PROXIES {
        let name = target.capabilities().target;
        let server = serve(target, &compiled, "kiosk.toml", &upstream.url())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for (requested, allowed) in [
            (&b"X-KIOSK"[..], true),
            ("x-\u{212a}iosk".as_bytes(), false),
            ("x-kio\u{17f}k".as_bytes(), false),
        ] {
            let headers = [
                ("Origin".to_string(), b"https://app.example.com".to_vec()),
                ("Access-Control-Request-Method".to_string(), b"PUT".to_vec()),
                (
                    "Access-Control-Request-Headers".to_string(),
                    requested.to_vec(),
                ),
            ];
            let answer = send(server.addr, "OPTIONS", &headers).expect("answer");
            let shown = String::from_utf8_lossy(requested);
            assert_eq!(
                answer.status,
                if allowed { 204 } else { 403 },
                "{name} {shown}"
            );
            assert_eq!(
                answer.header("access-control-allow-origin").is_empty(),
                !allowed,
                "{name} {shown}"
            );
        }
    }
}

/// A platform-sized list: one expression per origin list overflowed
/// nginx's 4 KiB argument limit at about 85 origins and the regex limits of
/// HAProxy, Apache httpd (about 1,000) and Caddy (about 3,000), so valid
/// policies gave configurations the servers refused to load. Every proxy
/// now loads 4,000 origins and decides the first, a middle and the last.
#[test]
fn thousands_of_origins_load_and_match_in_every_proxy() {
    let origins: Vec<String> = (0..4000)
        .map(|i| format!("\"https://portal.customer{i:05}.example\""))
        .collect();
    let text = format!(
        "origins = [{}, \"https://*.tenants.example\"]\ncredentials = true\n",
        origins.join(", ")
    );
    let source = cors_policy::Source::new("many.toml", text);
    let compiled = cors_policy::compile(&source, &Default::default()).expect("compiles");
    let upstream = Upstream::start().expect("upstream");
    for target in Target::PROXIES {
        let name = target.capabilities().target;
        let server = serve(target, &compiled, "many.toml", &upstream.url())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for (origin, allowed) in [
            ("https://portal.customer00000.example", true),
            ("https://portal.customer02500.example", true),
            ("https://portal.customer03999.example", true),
            ("https://a.tenants.example", true),
            ("https://portal.customer04000.example", false),
            ("https://portal.customer00000.example.evil", false),
        ] {
            let headers = [("Origin".to_string(), origin.as_bytes().to_vec())];
            let answer = send(server.addr, "GET", &headers).expect("answer");
            let expected: &[&str] = if allowed { &[origin] } else { &[] };
            assert_eq!(
                answer.header("access-control-allow-origin"),
                expected,
                "{name} {origin}"
            );
        }
    }
}

/// The capability tables' row on the proxy's own errors: with the service
/// down, nginx and Apache httpd still send the answer's headers (R20);
/// Caddy and HAProxy send none, which fails closed.
#[test]
fn the_proxys_own_errors_are_as_the_tables_say() {
    use cors_policy::emit::target::Support;
    let source = cors_policy::Source::new("api.toml", "origins = [\"https://app.example.com\"]\n");
    let compiled = cors_policy::compile(&source, &Default::default()).expect("compiles");
    // Bound and released: nothing listens there.
    let down = format!("http://127.0.0.1:{}", cors_conformance::live::free_port());
    for target in Target::PROXIES {
        let capabilities = target.capabilities();
        let row = capabilities
            .rows
            .iter()
            .find(|r| r.feature == "the proxy's own errors")
            .expect("a row");
        let server = serve(target, &compiled, "api.toml", &down)
            .unwrap_or_else(|e| panic!("{}: {e}", capabilities.target));
        let headers = [("Origin".to_string(), b"https://app.example.com".to_vec())];
        let answer = send(server.addr, "GET", &headers).expect("answer");
        assert!(
            answer.status >= 500,
            "{}: {}",
            capabilities.target,
            answer.status
        );
        let cors = answer.header("access-control-allow-origin");
        match row.support {
            Support::Exact => {
                assert_eq!(cors, ["https://app.example.com"], "{}", capabilities.target)
            }
            _ => assert!(cors.is_empty(), "{}: {cors:?}", capabilities.target),
        }
    }
}

/// Lists other than `origins` are checked as one set, so they cannot be
/// split: one that fits loads and decides in every proxy; one that does not
/// fit every server's limits (nginx: 4 KiB per argument) is refused when
/// emitting, never at deploy or request time.
#[test]
fn long_header_lists_load_or_are_refused_when_emitting() {
    let names = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| format!("\"x-custom-header-{i:04}\""))
            .collect()
    };
    let policy = |n: usize| {
        let source = cors_policy::Source::new(
            "headers.toml",
            format!(
                "origins = [\"https://app.example.com\"]\nmethods = [\"PUT\"]\nallow_headers = [{}]\n",
                names(n).join(", ")
            ),
        );
        cors_policy::compile(&source, &Default::default()).expect("compiles")
    };
    let (fits, too_long) = (policy(50), policy(200));
    let upstream = Upstream::start().expect("upstream");
    for target in Target::PROXIES {
        let name = target.capabilities().target;
        let server = serve(target, &fits, "headers.toml", &upstream.url())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let headers = [
            ("Origin".to_string(), b"https://app.example.com".to_vec()),
            ("Access-Control-Request-Method".to_string(), b"PUT".to_vec()),
            (
                "Access-Control-Request-Headers".to_string(),
                b"x-custom-header-0049, x-custom-header-0000".to_vec(),
            ),
        ];
        let answer = send(server.addr, "OPTIONS", &headers).expect("answer");
        assert_eq!(answer.status, 204, "{name}");
        let refused = serve(target, &too_long, "headers.toml", &upstream.url())
            .expect_err("too long for a proxy");
        assert!(
            refused.contains("`allow_headers` is too long"),
            "{name}: {refused}"
        );
    }
}

/// A stopped server leaves nothing behind: killing the parent alone left
/// nginx's and Apache httpd's workers running after every test.
#[test]
fn a_stopped_server_leaves_no_process_behind() {
    let source = cors_policy::Source::new("api.toml", "origins = [\"https://app.example.com\"]\n");
    let compiled = cors_policy::compile(&source, &Default::default()).expect("compiles");
    let upstream = Upstream::start().expect("upstream");
    for target in Target::PROXIES {
        let name = target.capabilities().target;
        let server = serve(target, &compiled, "api.toml", &upstream.url())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Let the workers start.
        let headers = [("Origin".to_string(), b"https://app.example.com".to_vec())];
        send(server.addr, "GET", &headers).expect("answer");
        let group = server.pid();
        drop(server);
        assert!(
            !cors_conformance::live::group_alive(group),
            "{name}: processes of group {group} remain"
        );
    }
}

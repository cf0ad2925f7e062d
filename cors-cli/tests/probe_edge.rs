//! `cors probe --policy` against the real proxies running what `cors emit`
//! writes for the example policy: each answers exactly as the policy
//! prescribes and names the policy version it serves; hand-broken
//! deployments (a header stripped, an unanchored origin regex, an older
//! emit) are reported with the likely cause. Everything runs on loopback.

mod common;

use common::{cors, text};
use cors_conformance::edge_server::{serve, serve_edited};
use cors_conformance::live::{Process, Upstream};
use cors_policy::emit::target::Target;
use cors_policy::{Compiled, Selection, Source};

const POLICY: &str = "examples/policies/api.toml";

fn compiled(text: &str) -> Compiled {
    let source = Source::new("api.toml", text.to_string());
    cors_policy::compile(&source, &Selection::policy("api")).unwrap()
}

fn example() -> Compiled {
    compiled(
        &std::fs::read_to_string(format!("{}/../{POLICY}", env!("CARGO_MANIFEST_DIR"))).unwrap(),
    )
}

/// `cors probe` of `server` as a browser at `origin` would send `request`,
/// compared with the example policy; the exit status and the JSON report.
fn probe(server: &Process, origin: &str, request: &[&str]) -> (Option<i32>, serde_json::Value) {
    let url = format!("http://{}/items", server.addr);
    let mut args = vec!["probe", &url, "--origin", origin];
    args.extend_from_slice(request);
    args.extend_from_slice(&["--policy", POLICY, "--policy-name", "api", "--json"]);
    let out = cors(&args);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)));
    (out.status.code(), json)
}

/// Each difference as `stage what: hint`.
fn differences(report: &serde_json::Value) -> Vec<String> {
    report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}: {}",
                d["stage"].as_str().unwrap(),
                d["what"].as_str().unwrap(),
                d["hint"].as_str().unwrap()
            )
        })
        .collect()
}

const PREFLIGHT: [&str; 4] = ["--method", "PUT", "-H", "Content-Type: application/json"];
const CREDENTIALED_GET: [&str; 1] = ["--credentials"];

#[test]
fn every_proxy_answers_as_the_policy_prescribes_and_names_its_version() {
    let upstream = Upstream::start().unwrap();
    let policy = example();
    for target in Target::PROXIES {
        let server = serve(target, &policy, "api.toml", &upstream.url()).unwrap();
        for request in [&PREFLIGHT[..], &CREDENTIALED_GET[..]] {
            let (status, report) = probe(&server, "https://app.example.com", request);
            assert_eq!(
                differences(&report),
                Vec::<String>::new(),
                "{target:?} {request:?}"
            );
            assert_eq!(status, Some(0), "{target:?} {request:?}: {report:#}");
        }
        // A preflight is answered at the edge, which names the version.
        let (_, report) = probe(&server, "https://app.example.com", &PREFLIGHT);
        assert_eq!(
            report["served_fingerprint"],
            policy.fingerprint(),
            "{target:?}"
        );
        assert_eq!(
            report["policy_fingerprint"],
            policy.fingerprint(),
            "{target:?}"
        );
    }
}

#[test]
fn a_stripped_header_is_reported_as_stripped() {
    let upstream = Upstream::start().unwrap();
    let server = serve_edited(
        Target::Nginx,
        &example(),
        "api.toml",
        &upstream.url(),
        |conf| {
            let stripped: String = conf
                .lines()
                .filter(|l| {
                    !l.trim_start()
                        .starts_with("add_header Access-Control-Allow-Credentials")
                })
                .map(|l| format!("{l}\n"))
                .collect();
            assert!(
                stripped != conf,
                "the emitted nginx configuration changed shape"
            );
            stripped
        },
    )
    .unwrap();
    let (status, report) = probe(&server, "https://app.example.com", &CREDENTIALED_GET);
    assert_eq!(status, Some(1));
    assert_eq!(report["verdict"], "blocked");
    assert_eq!(
        differences(&report),
        [
            "actual access-control-allow-credentials: missing: stripped by a proxy or gateway, or not configured on the server"
        ]
    );
}

#[test]
fn an_unanchored_origin_regex_is_reported_with_its_cause() {
    let upstream = Upstream::start().unwrap();
    // What teams write by hand: the allow-list as an unanchored regex.
    let server = serve_edited(
        Target::Nginx,
        &example(),
        "api.toml",
        &upstream.url(),
        |conf| {
            let broken: String = conf
                .lines()
                .map(|l| {
                    if l.trim_start().starts_with("if ($http_origin ~")
                        && l.ends_with("{ set $cors_origin l; }")
                    {
                        r#"if ($http_origin ~ "https://app.example.com") { set $cors_origin l; }"#
                            .to_string()
                    } else {
                        l.to_string()
                    }
                })
                .map(|l| format!("{l}\n"))
                .collect();
            assert!(
                broken != conf,
                "the emitted nginx configuration changed shape"
            );
            broken
        },
    )
    .unwrap();
    let (status, report) = probe(
        &server,
        "https://app.example.com.evil.test",
        &CREDENTIALED_GET,
    );
    assert_eq!(status, Some(1));
    assert_eq!(
        report["verdict"], "allowed",
        "the browser would let the look-alike read"
    );
    let found = differences(&report);
    assert!(
        found.contains(&"actual access-control-allow-origin: the server allows an origin the policy rejects: an unanchored origin regex or an unescaped dot on the server?".to_string()),
        "{found:#?}"
    );
}

#[test]
fn an_edge_serving_an_older_emit_is_told_apart() {
    let upstream = Upstream::start().unwrap();
    let file =
        std::fs::read_to_string(format!("{}/../{POLICY}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let older = compiled(&file.replace("max_age = 600", "max_age = 60"));
    let server = serve(Target::Caddy, &older, "api.toml", &upstream.url()).unwrap();
    let (status, report) = probe(&server, "https://app.example.com", &PREFLIGHT);
    assert_eq!(status, Some(1));
    assert_eq!(report["served_fingerprint"], older.fingerprint());
    assert_eq!(
        differences(&report),
        [
            "edge x-corsc-policy: the edge enforces another version of the policy: emit it again from this file and reload the server",
            "preflight access-control-max-age: different value: the deployed configuration drifted from the file",
        ]
    );
}

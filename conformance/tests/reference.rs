//! Differential testing: generated policies (exact, subdomain wildcards,
//! port wildcards, `null`, any origin, with and without credentials) and
//! generated requests (allowed origins, near-miss mutations of them, random
//! bytes, hostile header lists); the run-time-built matcher and the reference
//! evaluator must agree on every decision and every header. The static
//! matcher joins them on every compiled policy in `agreement.rs`.
//!
//! Cases: `REFERENCE_CASES` policies (default 10,000) × 10 requests each =
//! 100,000 decisions per CI run; set `REFERENCE_CASES=200000` for the long
//! run recorded in `fuzz/README.md`.

use cors_conformance::{observe, reference};
use cors_runtime::{PolicySource, SimpleRequest};
use proptest::prelude::*;

mod common;

/// Origin patterns a generated policy draws from, and origins near them.
const PATTERNS: [&str; 12] = [
    "https://app.example.com",
    "https://admin.example.com:8443",
    "http://localhost:*",
    "https://*.tenants.example.com",
    "https://*.eu.example.org:8443",
    "https://*.dev.example.net:*",
    "http://[::1]:3000",
    "http://[::2]:*",
    "http://192.168.1.20",
    "null",
    "https://xn--bcher-kva.example",
    "http://[::ffff:7f00:1]:*",
];

/// What a generated policy may name as the service's own origins.
const SERVER_ORIGINS: [&str; 3] = [
    "https://api.example.com",
    "http://api.example.com",
    "http://localhost:5173",
];

const ORIGINS: [&str; 22] = [
    "https://app.example.com",
    "https://admin.example.com:8443",
    "https://admin.example.com",
    "http://localhost:5173",
    "http://localhost",
    "https://acme.tenants.example.com",
    "https://a.b.tenants.example.com",
    "https://tenants.example.com",
    "https://x.eu.example.org:8443",
    "https://x.eu.example.org",
    "https://q.dev.example.net:1",
    "https://q.dev.example.net",
    "http://[::1]:3000",
    "http://[::2]:8080",
    "http://[::2]",
    "http://192.168.1.20",
    "null",
    "https://xn--bcher-kva.example",
    "http://[::ffff:7f00:1]:8080",
    "https://api.example.com",
    "http://api.example.com",
    "wss://api.example.com",
];

#[derive(Clone, Debug)]
struct GeneratedPolicy {
    toml: String,
}

fn quoted(items: &[&str]) -> String {
    let q: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    format!("[{}]", q.join(", "))
}

fn policy() -> impl Strategy<Value = GeneratedPolicy> {
    let origins = prop::option::weighted(0.85, prop::sample::subsequence(PATTERNS.to_vec(), 1..=5));
    let methods = prop::option::of(prop_oneof![
        4 => prop::sample::subsequence(vec!["GET", "PUT", "DELETE", "PATCH", "POST", "X-CUSTOM"], 0..=4)
            .prop_map(|m| quoted(&m)),
        1 => Just("\"*\"".to_string()),
    ]);
    let headers = prop::option::of(prop_oneof![
        4 => prop::sample::subsequence(vec!["content-type", "x-request-id", "authorization", "x-a"], 0..=3)
            .prop_map(|h| quoted(&h)),
        1 => Just("\"*\"".to_string()),
        1 => Just("[\"*\", \"authorization\"]".to_string()),
    ]);
    let expose = prop::option::of(prop_oneof![
        prop::sample::subsequence(vec!["x-total-count", "etag", "x-request-id"], 0..=2)
            .prop_map(|h| quoted(&h)),
        Just("\"*\"".to_string()),
    ]);
    (
        origins,
        methods,
        headers,
        expose,
        any::<bool>(),
        prop::option::of(0u32..9000),
        any::<bool>(),
        any::<bool>(),
        prop::sample::subsequence(SERVER_ORIGINS.to_vec(), 0..=2),
    )
        .prop_map(
            |(origins, methods, headers, expose, credentials, max_age, forbid, status200, own)| {
                let mut toml = String::new();
                match &origins {
                    Some(list) => toml.push_str(&format!("origins = {}\n", quoted(list))),
                    None => toml.push_str("origins = \"*\"\n"),
                }
                let any_list = |v: &Option<String>| {
                    v.as_deref()
                        .is_some_and(|s| s.starts_with("\"*\"") || s.starts_with("[\"*\""))
                };
                // `*` or `null` with credentials is a compile error; keep
                // credentials off then.
                let credentials = credentials
                    && origins.as_ref().is_some_and(|o| !o.contains(&"null"))
                    && !any_list(&methods)
                    && !any_list(&headers)
                    && !any_list(&expose);
                for (key, value) in [
                    ("methods", &methods),
                    ("allow_headers", &headers),
                    ("expose_headers", &expose),
                ] {
                    if let Some(v) = value {
                        toml.push_str(&format!("{key} = {v}\n"));
                    }
                }
                toml.push_str(&format!("credentials = {credentials}\n"));
                if let Some(m) = max_age {
                    toml.push_str(&format!("max_age = {m}\n"));
                }
                if forbid {
                    toml.push_str("on_reject = \"forbid\"\n");
                }
                if status200 {
                    toml.push_str("preflight_status = 200\n");
                }
                if !own.is_empty() {
                    toml.push_str(&format!("server_origins = {}\n", quoted(&own)));
                }
                toml.push_str("\n[lints]\nnull-origin = \"allow\"\n");
                GeneratedPolicy { toml }
            },
        )
}

fn origin_value() -> impl Strategy<Value = Vec<u8>> {
    let near = common::near_miss(&ORIGINS);
    prop_oneof![
        3 => prop::sample::select(ORIGINS.to_vec()).prop_map(|o| o.as_bytes().to_vec()),
        4 => near,
        1 => prop::collection::vec(any::<u8>(), 0..40),
    ]
}

type Request = (String, Vec<(String, Vec<u8>)>);

fn request() -> impl Strategy<Value = Request> {
    let method = prop::sample::select(vec!["GET", "OPTIONS", "OPTIONS", "PUT", "POST", "get"]);
    let origins = prop::collection::vec(origin_value(), 0..=2);
    let acrm = prop::collection::vec(
        prop::sample::select(vec![
            "PUT", "patch", "PATCH", "DELETE", "GET", "X-CUSTOM", "x y", "",
        ]),
        0..=2,
    );
    // Lists as browsers send them and hostile ones: `authorization` whole,
    // cut and glued, in any case, next to commas and whitespace (the `*`
    // check decides plain lines by a byte-class scan), on one or two lines.
    let pieces = prop::collection::vec(
        prop::sample::select(vec![
            "authorization",
            "AUTHORIZATION",
            "authorizatio",
            "zation",
            "z",
            ",",
            "x-a",
            "content-type",
            " ",
            "\t",
        ]),
        0..12,
    )
    .prop_map(|p| p.concat());
    let acrh_line = prop_oneof![
        "[a-zA-Z, \t-]{0,40}",
        Just(",,,, ,".to_string()),
        Just("authorization".to_string()),
        Just("content-type, x-request-id".to_string()),
        Just("x-a,".repeat(3000)),
        pieces,
    ];
    let acrh = prop::collection::vec(acrh_line, 0..=2);
    let host = prop::option::of(prop::sample::select(vec![
        "app.example.com",
        "api.example.com",
        "localhost:5173",
    ]));
    let site = prop::collection::vec(
        prop::sample::select(vec!["same-origin", "cross-site", "same-site", "none"]),
        0..=2,
    );
    (method, origins, acrm, acrh, host, site).prop_map(|(m, origins, acrm, acrh, host, site)| {
        let mut headers = Vec::new();
        for o in origins {
            headers.push(("Origin".to_string(), o));
        }
        for v in acrm {
            headers.push((
                "Access-Control-Request-Method".to_string(),
                v.as_bytes().to_vec(),
            ));
        }
        for v in acrh {
            headers.push(("Access-Control-Request-Headers".to_string(), v.into_bytes()));
        }
        if let Some(h) = host {
            headers.push(("Host".to_string(), h.as_bytes().to_vec()));
        }
        for s in site {
            headers.push(("Sec-Fetch-Site".to_string(), s.as_bytes().to_vec()));
        }
        (m.to_string(), headers)
    })
}

fn cases() -> u32 {
    std::env::var("REFERENCE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn runtime_agrees_with_reference(
        policy in policy(),
        requests in prop::collection::vec(request(), 10),
    ) {
        let source = cors_policy::Source::new("generated.toml", policy.toml.clone());
        let compiled = cors_policy::compile(&source, &cors_policy::Selection::default())
            .unwrap_or_else(|r| panic!("generated an invalid policy:\n{}\n{r}", policy.toml));
        let owned = compiled.to_owned_policy();
        for (method, headers) in &requests {
            let request = SimpleRequest::new(method.as_bytes(), headers);
            let runtime = observe(&owned.policy().evaluate(&request));
            let expected = reference::evaluate(compiled.spec(), method.as_bytes(), headers);
            prop_assert_eq!(runtime, expected, "policy:\n{}\nrequest: {} {:?}", policy.toml, method, headers);
        }
    }
}

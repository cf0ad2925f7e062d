//! The static policy (generated code) and the run-time-built policy must take
//! identical decisions — kind, status, every header, reason and body — on
//! every corpus policy and on random and near-miss origins.

use cors_conformance::{compiled, corpus, observe};
use cors_runtime::{Decision, Policy, PolicySource, SimpleRequest};
use proptest::prelude::*;

mod common;

fn fingerprint(d: &Decision<'_>) -> String {
    let headers: Vec<String> = d
        .headers()
        .iter()
        .map(|(n, v)| format!("{}={}", n.as_str(), String::from_utf8_lossy(v.as_bytes())))
        .collect();
    format!(
        "{:?}|{:?}|{}|{}|{:?}",
        d.kind(),
        d.status(),
        headers.join(";"),
        d.reason(),
        d.error_body().map(|b| b.to_string())
    )
}

/// Static and run-time policies agree on everything, the reference
/// evaluator on every observable part (kind, status, headers, body).
fn agree(
    a: Policy<'_>,
    b: Policy<'_>,
    spec: &cors_policy::PolicySpec,
    method: &str,
    headers: &[(String, Vec<u8>)],
) -> Result<(), TestCaseError> {
    let request = SimpleRequest::new(method.as_bytes(), headers);
    let (x, y) = (a.evaluate(&request), b.evaluate(&request));
    prop_assert_eq!(fingerprint(&x), fingerprint(&y), "{} {:?}", method, headers);
    let expected = cors_conformance::reference::evaluate(spec, method.as_bytes(), headers);
    prop_assert_eq!(observe(&x), expected, "{} {:?}", method, headers);
    Ok(())
}

/// Origins close to what policies list: real-looking ones and mutations.
/// Origins policies list, real-looking ones.
const SEEDS: [&str; 15] = [
    "https://app.example.com",
    "https://a.example.com",
    "https://x.eu.example.com:8443",
    "http://localhost:3000",
    "http://localhost",
    "https://[::1]:8443",
    "https://app17.example17.com",
    "https://app999.example0.com",
    "https://x.tenant3.example.net",
    "https://a.b.eu.tenant5.example.org:8443",
    "http://dev7.localhost:9000",
    "https://q.any12.example.dev:1",
    "https://acme.tenants.example.com",
    "https://tv.example.com",
    "null",
];

/// Origins close to what policies list: real-looking ones and mutations.
fn origin() -> impl Strategy<Value = String> {
    let seeds = prop::sample::select(&SEEDS[..]);
    let mutated = common::near_miss(&SEEDS).prop_map(|s| String::from_utf8_lossy(&s).into_owned());
    let random = "[a-z]{1,6}://([a-z0-9-]{1,8}\\.){0,5}(example\\.(com|net|org|dev)|localhost)(:[0-9]{1,5})?";
    prop_oneof![seeds.prop_map(str::to_string), mutated, random, ".{0,40}"]
}

fn request() -> impl Strategy<Value = (String, Vec<(String, Vec<u8>)>)> {
    let method = prop::sample::select(vec!["GET", "POST", "OPTIONS", "PUT"]);
    let acrm = prop::option::of(prop::sample::select(vec![
        "PUT", "patch", "PATCH", "DELETE", "GET", "x y",
    ]));
    let acrh = prop::option::of("[a-zA-Z, -]{0,40}");
    (method, origin(), acrm, acrh).prop_map(|(m, o, acrm, acrh)| {
        let mut headers = vec![("origin".to_string(), o.into_bytes())];
        if let Some(v) = acrm {
            headers.push((
                "access-control-request-method".into(),
                v.as_bytes().to_vec(),
            ));
        }
        if let Some(v) = acrh {
            headers.push(("access-control-request-headers".into(), v.into_bytes()));
        }
        (m.to_string(), headers)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    #[test]
    fn big_policy_static_equals_runtime((method, headers) in request()) {
        static RUNTIME: std::sync::OnceLock<(cors_runtime::OwnedPolicy, cors_policy::PolicySpec)> = std::sync::OnceLock::new();
        let (runtime, spec) = RUNTIME.get_or_init(|| {
            let source = cors_policy::Source::new("big.toml", compiled::BIG_TOML);
            let c = cors_policy::compile(&source, &cors_policy::Selection::default()).unwrap();
            (c.to_owned_policy(), c.spec().clone())
        });
        agree(compiled::BIG, runtime.policy(), spec, &method, &headers)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn corpus_policies_static_equal_runtime((method, headers) in request()) {
        type Compiled = (Policy<'static>, cors_runtime::OwnedPolicy, cors_policy::PolicySpec);
        static POLICIES: std::sync::OnceLock<Vec<Compiled>> = std::sync::OnceLock::new();
        let policies = POLICIES.get_or_init(|| {
            let mut out = Vec::new();
            for file in corpus() {
                let mut seen = std::collections::BTreeSet::new();
                for case in &file.cases {
                    if !seen.insert(case.select.clone()) {
                        continue;
                    }
                    out.push((
                        file.static_policy(&case.select),
                        file.runtime_policy(&case.select),
                        file.spec(&case.select),
                    ));
                }
            }
            out
        });
        for (stat, runtime, spec) in policies {
            // One fingerprint, whichever way the policy was built.
            prop_assert_eq!(stat.fingerprint(), runtime.policy().fingerprint());
            agree(*stat, runtime.policy(), spec, &method, &headers)?;
        }
    }
}

/// The generated matcher finds every listed origin of the big policy.
#[test]
fn big_policy_allows_every_listed_origin() {
    for i in 0..1000 {
        let origin = format!("https://app{i}.example{}.com", i % 37);
        let headers = [("origin", origin.as_bytes())];
        let request = SimpleRequest::new(b"GET", &headers);
        assert_eq!(
            compiled::BIG.evaluate(&request).kind(),
            cors_runtime::DecisionKind::Actual,
            "{origin}"
        );
        let near = format!("https://app{i}.example{}.com", (i + 1) % 37);
        let headers = [("origin", near.as_bytes())];
        let request = SimpleRequest::new(b"GET", &headers);
        assert_eq!(
            compiled::BIG.evaluate(&request).kind(),
            cors_runtime::DecisionKind::Rejected,
            "{near}"
        );
    }
}

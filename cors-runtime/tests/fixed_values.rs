//! Every fixed value a decision carries is found in the table an adapter
//! converts once per policy (`FixedValues`): a value the table does not
//! recognise is converted again on every request (parsed, copied, and for
//! an early answer collected into a `Vec`), which is correct but slow.

use cors_runtime::{FixedValues, HeaderValue, Policy, PolicySource, SimpleRequest};

static STATIC: Policy<'static> = cors_macros::cors_policy!(
    toml = r#"
    origins = ["https://app.example.com"]
    methods = ["GET", "PUT", "DELETE"]
    allow_headers = ["content-type", "x-request-id"]
    expose_headers = ["x-request-id"]
    credentials = true
    max_age = 600
    fingerprint_header = true
"#
);

// The same policy under `on_reject = "forbid"`, built at run time: the two
// tests between them cover refusals forwarded and refusals answered (a
// `cors_policy!` input must be a literal, so the text is not shared).
const TOML: &str = r#"
    origins = ["https://app.example.com"]
    methods = ["GET", "PUT", "DELETE"]
    allow_headers = ["content-type", "x-request-id"]
    expose_headers = ["x-request-id"]
    credentials = true
    max_age = 600
    fingerprint_header = true
    on_reject = "forbid"
"#;

/// A request's header lines.
type Headers = Vec<(&'static str, &'static [u8])>;

/// Requests that between them produce every kind of decision: an allowed
/// preflight and GET, refusals, a same-origin request and one without
/// `Origin`.
fn requests() -> Vec<(&'static [u8], Headers)> {
    vec![
        (
            b"OPTIONS",
            vec![
                ("Origin", b"https://app.example.com"),
                ("Access-Control-Request-Method", b"PUT"),
                ("Access-Control-Request-Headers", b"content-type"),
            ],
        ),
        (b"GET", vec![("Origin", b"https://app.example.com")]),
        (b"GET", vec![("Origin", b"https://other.example")]),
        (
            b"OPTIONS",
            vec![
                ("Origin", b"https://other.example"),
                ("Access-Control-Request-Method", b"PUT"),
            ],
        ),
        (
            b"GET",
            vec![
                ("Origin", b"https://other.example"),
                ("Sec-Fetch-Site", b"same-origin"),
            ],
        ),
        (b"GET", vec![]),
    ]
}

fn every_fixed_value_is_in_the_table(policy: Policy<'_>) {
    let fixed = FixedValues::new(policy, str::to_string);
    let mut seen = 0;
    for (method, headers) in requests() {
        let request = SimpleRequest::new(method, &headers);
        let decision = policy.evaluate(&request);
        for (name, value) in decision.headers().iter() {
            if let HeaderValue::Fixed(v, text) = value {
                seen += 1;
                assert!(
                    fixed.get_for(v, text).is_some(),
                    "{name:?}: {v:?} ({text:?}) of a {:?} decision is not the table's",
                    decision.kind()
                );
            }
        }
    }
    assert!(seen >= 10, "only {seen} fixed values checked");
}

#[test]
fn a_static_policys_decisions_use_its_table() {
    every_fixed_value_is_in_the_table(STATIC);
}

#[test]
fn a_run_time_policys_decisions_use_its_table() {
    let owned = cors_policy::load(TOML).expect("valid policy");
    every_fixed_value_is_in_the_table(owned.policy());
}

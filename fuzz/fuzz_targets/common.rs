//! Policies the targets evaluate against, built once.

use std::sync::OnceLock;

use cors_policy::PolicySpec;
use cors_runtime::OwnedPolicy;

pub const POLICIES: [&str; 4] = [
    r#"
origins = ["https://app.example.com", "https://*.tenants.example.com", "http://localhost:*", "https://*.eu.example.org:8443", "http://[::1]:3000"]
methods = ["GET", "PUT", "DELETE"]
allow_headers = ["content-type", "x-request-id", "authorization"]
expose_headers = ["x-total-count"]
credentials = true
max_age = 600
[lints]
broad-wildcard-with-credentials = "allow"
"#,
    r#"
origins = "*"
methods = "*"
allow_headers = "*"
expose_headers = "*"
"#,
    r#"
origins = ["https://app.example.com", "null", "https://*.dev.example.net:*"]
on_reject = "forbid"
preflight_status = 200
[lints]
null-origin = "allow"
"#,
    r#"
origins = ["https://example.com", "https://*.example.com"]
allow_headers = ["*", "authorization"]
"#,
];

pub fn policies() -> &'static [(OwnedPolicy, PolicySpec)] {
    static COMPILED: OnceLock<Vec<(OwnedPolicy, PolicySpec)>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        POLICIES
            .iter()
            .map(|text| {
                let source = cors_policy::Source::new("fuzz.toml", *text);
                let compiled = cors_policy::compile(&source, &cors_policy::Selection::default())
                    .expect("the fuzz policies are valid");
                (compiled.to_owned_policy(), compiled.spec().clone())
            })
            .collect()
    })
}

/// Evaluates with the runtime and the reference; they must agree.
pub fn differential(method: &[u8], headers: &[(String, Vec<u8>)]) {
    use cors_runtime::PolicySource;
    for (owned, spec) in policies() {
        let request = cors_runtime::SimpleRequest::new(method, headers);
        let decision = owned.policy().evaluate(&request);
        let runtime = cors_conformance::observe(&decision);
        let reference = cors_conformance::reference::evaluate(spec, method, headers);
        assert_eq!(runtime, reference, "{method:?} {headers:?}");
        // The error body is valid JSON whatever the input.
        if let Some(body) = decision.error_body() {
            let text = body.to_string();
            assert!(text.starts_with('{') && text.ends_with('}'), "{text}");
        }
    }
}

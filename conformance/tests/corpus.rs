//! Runs the `testdata/` corpus against the static policy, the run-time-built
//! policy and the `http` adapter. (`cors check` runs it in cors-cli's tests.)

use cors_conformance::{Case, CaseFile, Observed, compiled, corpus};
use cors_runtime::adapters::http::{HeaderMapSink, HttpCors, Outcome};
use cors_runtime::{Decision, Policy, PolicySource, SimpleRequest};

fn observe(decision: &Decision<'_>) -> Observed {
    Observed {
        kind: decision.kind().as_str().to_string(),
        status: decision.status(),
        headers: decision
            .headers()
            .iter()
            .map(|(n, v)| {
                [
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                ]
            })
            .collect(),
        body_code: decision.error_body().map(|b| b.code().to_string()),
    }
}

fn evaluate(policy: Policy<'_>, case: &Case) -> Observed {
    let headers = case.header_pairs();
    let request = SimpleRequest::new(case.method.as_bytes(), &headers);
    observe(&policy.evaluate(&request))
}

fn run_all(name: &str, mut run: impl FnMut(&CaseFile, &Case) -> Observed) {
    let files = corpus();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in &files {
        for case in &file.cases {
            count += 1;
            if let Err(e) = case.check(&run(file, case)) {
                failures.push(format!("{}: {e}", file.file));
            }
        }
    }
    assert!(count > 100, "the corpus has only {count} cases");
    assert!(
        failures.is_empty(),
        "{name}: {} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn runtime_policy(file: &CaseFile, case: &Case) -> cors_runtime::OwnedPolicy {
    let source = cors_policy::Source::new(file.file.clone(), file.policy.clone());
    let selection = cors_policy::Selection {
        policy: case.select.policy.clone(),
        profile: case.select.profile.clone(),
    };
    cors_policy::load_with(&source, &selection).unwrap_or_else(|r| panic!("{}: {r}", file.file))
}

#[test]
fn static_policies_pass_the_corpus() {
    run_all("static", |file, case| {
        let policy = compiled::static_policy(
            &file.file,
            case.select.policy.as_deref(),
            case.select.profile.as_deref(),
        )
        .unwrap_or_else(|| panic!("no static policy for {} {:?}", file.file, case.select));
        evaluate(policy, case)
    });
}

#[test]
fn runtime_policies_pass_the_corpus() {
    run_all("runtime", |file, case| {
        evaluate(runtime_policy(file, case).policy(), case)
    });
}

/// The `http` adapter: an early response's status, headers and body, or the
/// headers it adds to an empty service response.
#[test]
fn http_adapter_passes_the_corpus() {
    run_all("http adapter", |file, case| {
        let cors = HttpCors::new(runtime_policy(file, case));
        let mut builder = http::Request::builder()
            .method(case.method.as_str())
            .uri("/");
        for (name, value) in case.header_pairs() {
            builder = builder.header(name, value);
        }
        let request = builder
            .body(())
            .expect("every corpus request is a valid http request");
        let (status, map, body) = match cors.handle(&request) {
            Outcome::Respond(response) => {
                let status = Some(response.status().as_u16());
                let body = response.body().clone();
                (status, response.headers().clone(), body)
            }
            Outcome::Forward(prepared) => {
                let mut map = http::HeaderMap::new();
                prepared.apply(&mut HeaderMapSink(&mut map));
                (None, map, String::new())
            }
        };
        // Read headers back in the runtime's order so the comparison is
        // about values, not the map's iteration order.
        let order = [
            "access-control-allow-origin",
            "access-control-allow-credentials",
            "access-control-allow-methods",
            "access-control-allow-headers",
            "access-control-max-age",
            "access-control-expose-headers",
            "vary",
            "content-type",
        ];
        let headers = order
            .iter()
            .flat_map(|n| {
                map.get_all(*n)
                    .iter()
                    .map(move |v| [n.to_string(), v.to_str().unwrap().to_string()])
            })
            .collect();
        assert_eq!(
            map.len(),
            map.keys()
                .map(|k| map.get_all(k).iter().count())
                .sum::<usize>()
        );
        let decision_kind = {
            let policy = runtime_policy(file, case);
            let headers = case.header_pairs();
            let req = SimpleRequest::new(case.method.as_bytes(), &headers);
            policy.policy().evaluate(&req).kind().as_str().to_string()
        };
        let body_code = (!body.is_empty()).then(|| {
            let start = body.find("\"code\":\"").expect("code field") + 8;
            body[start..start + body[start..].find('"').unwrap()].to_string()
        });
        Observed {
            kind: decision_kind,
            status,
            headers,
            body_code,
        }
    });
}

#[test]
fn build_script_api_compiles_the_example_policies() {
    use compiled::examples::{EXAMPLE_API, EXAMPLE_API_DEV, EXAMPLE_PUBLIC};
    let dev_origin = [("origin", &b"http://localhost:5173"[..])];
    let request = SimpleRequest::new(b"GET", &dev_origin);
    assert_eq!(
        EXAMPLE_API.evaluate(&request).kind(),
        cors_runtime::DecisionKind::Rejected
    );
    assert_eq!(
        EXAMPLE_API_DEV.evaluate(&request).kind(),
        cors_runtime::DecisionKind::Actual
    );
    assert!(EXAMPLE_API.allows_credentials());
    assert!(EXAMPLE_PUBLIC.is_any_origin());
}

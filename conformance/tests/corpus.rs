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

#[test]
fn static_policies_pass_the_corpus() {
    run_all("static", |file, case| {
        evaluate(file.static_policy(&case.select), case)
    });
}

#[test]
fn runtime_policies_pass_the_corpus() {
    run_all("runtime", |file, case| {
        evaluate(file.runtime_policy(&case.select).policy(), case)
    });
}

/// The `http` adapter: an early response's status, headers and body, or the
/// headers it adds to an empty service response.
#[test]
fn http_adapter_passes_the_corpus() {
    run_all("http adapter", |file, case| {
        let cors = HttpCors::new(file.runtime_policy(&case.select));
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
        // The adapter does not report the kind; ask the policy it holds.
        let decision_kind = {
            let headers = case.header_pairs();
            let req = SimpleRequest::new(case.method.as_bytes(), &headers);
            cors.source()
                .policy()
                .evaluate(&req)
                .kind()
                .as_str()
                .to_string()
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

/// R18, R24, R29: headers the service already set are replaced, never
/// doubled, and its `Vary` is extended, not overwritten.
#[test]
fn http_adapter_replaces_service_cors_headers_and_merges_vary() {
    let cors = HttpCors::new(
        cors_policy::load("origins = [\"https://app.example.com\"]\ncredentials = true").unwrap(),
    );
    let request = http::Request::get("/")
        .header("origin", "https://app.example.com")
        .body(())
        .unwrap();
    let Outcome::Forward(prepared) = cors.handle(&request) else {
        panic!("an actual request is forwarded")
    };
    let mut response = http::Response::builder()
        .status(500)
        .header("access-control-allow-origin", "*")
        .header("access-control-allow-origin", "https://stale.example")
        .header("vary", "Accept-Encoding")
        .body(())
        .unwrap();
    prepared.apply(&mut HeaderMapSink(response.headers_mut()));
    let h = response.headers();
    let acao: Vec<_> = h.get_all("access-control-allow-origin").iter().collect();
    assert_eq!(acao, ["https://app.example.com"]);
    assert_eq!(h["access-control-allow-credentials"], "true");
    let vary: Vec<_> = h.get_all("vary").iter().collect();
    assert_eq!(vary, ["Accept-Encoding, Origin"]);
}

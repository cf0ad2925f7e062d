//! Runs the `testdata/` corpus against the static policy, the run-time-built
//! policy and the `http` adapter. (`cors check` runs it in cors-cli's tests.)

use cors_conformance::{
    Case, CaseFile, Delivered, Observed, SERVED_BY, compiled, observe, run_corpus,
};
use cors_runtime::adapters::http::{HeaderMapSink, HttpCors, Outcome};
use cors_runtime::{Policy, PolicySource, SimpleRequest};

fn evaluate(policy: Policy<'_>, case: &Case) -> Observed {
    let headers = case.header_pairs();
    let request = SimpleRequest::new(case.method.as_bytes(), &headers);
    observe(&policy.evaluate(&request))
}

fn run_all(name: &str, mut run: impl FnMut(&CaseFile, &Case) -> Observed) {
    run_corpus(name, |file, case| case.check(&run(file, case)));
}

#[test]
fn static_policies_pass_the_corpus() {
    run_all("static", |file, case| {
        evaluate(file.static_policy(&case.select), case)
    });
}

#[test]
fn reference_evaluator_passes_the_corpus() {
    run_all("reference", |file, case| {
        let headers = case.header_pairs();
        cors_conformance::reference::evaluate(
            &file.spec(&case.select),
            case.method.as_bytes(),
            &headers,
        )
    });
}

#[test]
fn runtime_policies_pass_the_corpus() {
    run_all("runtime", |file, case| {
        evaluate(file.runtime_policy(&case.select).policy(), case)
    });
}

/// The `http` adapter: an early response's status, headers and body, or the
/// headers it adds to the service's response.
#[test]
fn http_adapter_passes_the_corpus() {
    run_corpus("http adapter", |file, case| {
        let cors = HttpCors::new(file.runtime_policy(&case.select));
        let mut builder = http::Request::builder()
            .method(case.method.as_str())
            .uri("/");
        for (name, value) in case.header_pairs() {
            builder = builder.header(name, value);
        }
        let mut request = builder
            .body(())
            .expect("every corpus request is a valid http request");
        let response = match cors.handle(&mut request) {
            Outcome::Respond(response) => response.map(|body| {
                body.map(|b| String::from_utf8(b.to_vec()).expect("a JSON body"))
                    .unwrap_or_default()
            }),
            Outcome::Forward(prepared) => {
                let mut response = http::Response::new("service".to_string());
                response
                    .headers_mut()
                    .insert(SERVED_BY, http::HeaderValue::from_static("yes"));
                prepared.apply(&mut HeaderMapSink(response.headers_mut()));
                response
            }
        };
        case.check_delivered(&Delivered {
            status: response.status().as_u16(),
            headers: response
                .headers()
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
                .collect(),
            body: response.into_body(),
        })
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
    let mut request = http::Request::get("/")
        .header("origin", "https://app.example.com")
        .body(())
        .unwrap();
    let Outcome::Forward(prepared) = cors.handle(&mut request) else {
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

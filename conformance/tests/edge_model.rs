//! The edge model (`cors_policy::emit::edge`) interpreted here, with Rust's
//! `regex` standing in for a proxy's engine: on every corpus case, and on
//! generated requests against the runtime, its classes and rules must give
//! exactly the runtime's answer. The live-server tests then only have to
//! show that each backend renders the model faithfully.

use std::collections::HashMap;

use cors_conformance::{Case, Observed, corpus, observe, run_corpus};
use cors_policy::emit::edge::{Edge, SEC_FETCH_SITE, Value, method, origin, site};
use cors_runtime::{PolicySource, ResponseHeader, SimpleRequest};
use proptest::prelude::*;
use regex::bytes::{Regex, RegexBuilder};

/// Compiled expressions, by text (byte-oriented: no Unicode classes, as in
/// the proxies' engines).
#[derive(Default)]
struct Engine(HashMap<String, Regex>);

impl Engine {
    fn matches(&mut self, re: &str, value: &[u8]) -> bool {
        self.0
            .entry(re.to_string())
            .or_insert_with(|| {
                RegexBuilder::new(re)
                    .unicode(false)
                    .build()
                    .unwrap_or_else(|e| panic!("{re}: {e}"))
            })
            .is_match(value)
    }
}

fn lines<'a>(headers: &'a [(String, Vec<u8>)], name: &str) -> Vec<&'a [u8]> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_slice())
        .collect()
}

/// The edge's answer to a request, read as a client would: status of an
/// edge answer (`None` when forwarded), the headers and the body's code.
fn decide(
    edge: &Edge,
    engine: &mut Engine,
    method_text: &[u8],
    headers: &[(String, Vec<u8>)],
) -> Observed {
    let mut m = |re: &str, v: &[u8]| engine.matches(re, v);
    let origins = lines(headers, "origin");
    let o = match origins.as_slice() {
        [] => origin::ABSENT,
        [one] => edge.origin.classify(one, &mut m),
        _ => origin::REPEATED,
    };
    let requested = lines(headers, "access-control-request-method");
    let mm = match (method_text == b"OPTIONS", requested.as_slice()) {
        (false, _) | (true, []) => method::NOT_PREFLIGHT,
        (true, [one]) => edge.method.classify(one, &mut m),
        (true, _) => method::REPEATED,
    };
    let joined = lines(headers, "access-control-request-headers").join(&b", "[..]);
    let h = edge.headers.classify(&joined, &mut m);
    let sites = lines(headers, SEC_FETCH_SITE.0);
    let s = match (sites.as_slice(), origins.as_slice(), &edge.server_origins) {
        ([one], _, _) if *one == SEC_FETCH_SITE.1.as_bytes() => site::SAME_ORIGIN,
        ([], [one], Some(own)) if m(own, one) => site::SAME_ORIGIN,
        _ => site::OTHER,
    };
    let state: String = [o, mm, h, s].iter().collect();
    let action = edge.action(&state, &mut m).clone();
    let origin_text = origins
        .first()
        .map(|o| String::from_utf8_lossy(o).into_owned())
        .unwrap_or_default();
    let headers = ResponseHeader::ALL
        .into_iter()
        .filter_map(|name| {
            let (_, v) = action.headers.iter().find(|(n, _)| *n == name)?;
            let text = match v {
                Value::Text(t) => t.clone(),
                Value::Origin => origin_text.clone(),
            };
            Some([name.as_str().to_string(), text])
        })
        .collect();
    Observed {
        kind: format!("state {state}, rule {}", action.name),
        status: action.status,
        headers,
        body_code: action.body.map(|b| b.code.to_string()),
    }
}

fn same(a: &Observed, b: &Observed) -> bool {
    (&a.status, &a.headers, &a.body_code) == (&b.status, &b.headers, &b.body_code)
}

#[test]
fn the_edge_model_passes_the_corpus() {
    let mut engine = Engine::default();
    let mut edges = HashMap::new();
    run_corpus("edge model", |file, case: &Case| {
        let edge = edges
            .entry((file.file.clone(), case.select.clone()))
            .or_insert_with(|| Edge::new(&file.compiled(&case.select), &file.file));
        let observed = decide(
            edge,
            &mut engine,
            case.method.as_bytes(),
            &case.header_pairs(),
        );
        let expected = Observed {
            kind: observed.kind.clone(),
            status: case.expect.status,
            headers: case.expect.headers.clone(),
            body_code: case.expect.body_code.clone(),
        };
        if same(&observed, &expected) {
            Ok(())
        } else {
            Err(format!(
                "case `{}`:\n  expected {expected:?}\n  observed {observed:?}",
                case.name
            ))
        }
    });
}

/// Header values built from the pieces the classifiers distinguish.
fn value() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"https://".to_vec()),
        Just(b"http://".to_vec()),
        Just(b"app.example.com".to_vec()),
        Just(b"example.com".to_vec()),
        Just(b"a.b.".to_vec()),
        Just(b"x-a".to_vec()),
        Just(b"content-type".to_vec()),
        Just(b"Authorization".to_vec()),
        Just(b"GET".to_vec()),
        Just(b"PUT".to_vec()),
        Just(b"put".to_vec()),
        Just(b"null".to_vec()),
        Just(b"same-origin".to_vec()),
        Just(b":8443".to_vec()),
        Just(b":443".to_vec()),
        Just(b":080".to_vec()),
        Just(b":80".to_vec()),
        Just(b"[::1]".to_vec()),
        Just(b",".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"@".to_vec()),
        Just(b"-".to_vec()),
        Just(b"_".to_vec()),
        Just(b"\xc3\xa9".to_vec()),
        Just(b"A".to_vec()),
        Just(b"/".to_vec()),
    ];
    proptest::collection::vec(piece, 0..6).prop_map(|p| p.concat())
}

/// A request shaped like the corpus's: a likely Origin, often a preflight,
/// sometimes `Sec-Fetch-Site`, plus random lines of the four headers the
/// edge reads.
fn request() -> impl Strategy<Value = (Vec<u8>, Vec<(String, Vec<u8>)>)> {
    let origin = prop_oneof![
        Just(b"https://app.example.com".to_vec()),
        Just(b"https://a.b.example.com".to_vec()),
        Just(b"https://api.example.com".to_vec()),
        Just(b"http://localhost:3000".to_vec()),
        Just(b"https://example.com:8443".to_vec()),
        Just(b"null".to_vec()),
        Just(b"https://evil.test".to_vec()),
        value(),
    ];
    let requested_method = prop_oneof![
        Just(b"PUT".to_vec()),
        Just(b"GET".to_vec()),
        Just(b"DELETE".to_vec()),
        Just(b"purge".to_vec()),
        value(),
    ];
    let site = prop_oneof![
        Just(b"same-origin".to_vec()),
        Just(b"cross-site".to_vec()),
        value()
    ];
    let name = prop_oneof![
        Just("Origin"),
        Just("Access-Control-Request-Method"),
        Just("Access-Control-Request-Headers"),
        Just("Sec-Fetch-Site"),
    ];
    let method = prop_oneof![
        3 => Just(b"OPTIONS".to_vec()),
        2 => Just(b"GET".to_vec()),
        1 => Just(b"options".to_vec()),
    ];
    (
        method,
        proptest::option::weighted(0.9, origin),
        proptest::option::weighted(0.6, requested_method),
        proptest::option::weighted(0.5, value()),
        proptest::option::weighted(0.4, site),
        proptest::collection::vec((name, value()), 0..2),
    )
        .prop_map(|(m, origin, acrm, acrh, site, extra)| {
            let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
            let mut push = |n: &str, v: Option<Vec<u8>>| {
                if let Some(v) = v {
                    headers.push((n.to_string(), v));
                }
            };
            push("Origin", origin);
            push("Access-Control-Request-Method", acrm);
            push("Access-Control-Request-Headers", acrh);
            push("Sec-Fetch-Site", site);
            for (n, v) in extra {
                push(n, Some(v));
            }
            (m, headers)
        })
}

/// Every policy of the corpus, compiled, with its edge model.
struct Policies {
    all: Vec<(String, cors_policy::Compiled, Edge)>,
    engine: Engine,
}

thread_local! {
    static POLICIES: std::cell::RefCell<Policies> = std::cell::RefCell::new({
        let mut all = Vec::new();
        for file in corpus() {
            let mut selects: Vec<_> = file.cases.iter().map(|c| c.select.clone()).collect();
            selects.sort();
            selects.dedup();
            for select in selects {
                let compiled = file.compiled(&select);
                let edge = Edge::new(&compiled, &file.file);
                all.push((format!("{} {select:?}", file.file), compiled, edge));
            }
        }
        Policies { all, engine: Engine::default() }
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    /// Generated requests against every policy of the corpus: the model
    /// and the runtime agree on the status, every header and the body.
    #[test]
    fn the_edge_model_agrees_with_the_runtime((method_text, headers) in request(), which in 0usize..1000) {
        POLICIES.with_borrow_mut(|p| {
            let (name, compiled, edge) = &p.all[which % p.all.len()];
            let observed = decide(edge, &mut p.engine, &method_text, &headers);
            let request = SimpleRequest::new(&method_text, &headers);
            let expected = observe(&compiled.owned_policy().policy().evaluate(&request));
            prop_assert!(same(&observed, &expected), "{name}:\n  runtime {expected:?}\n  edge    {observed:?}");
            Ok(())
        })?;
    }
}

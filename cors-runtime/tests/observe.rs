//! Every decision is reported under one `(outcome, reason)` pair, the
//! same for events and counters.

use cors_runtime::observe::{OUTCOMES, outcome_index};
use cors_runtime::{PolicySource, SimpleRequest};

#[test]
fn every_decision_has_its_outcome() {
    let policy = cors_policy::load(
        "origins = [\"https://a.test\"]\nmethods = [\"PUT\"]\nserver_origins = [\"https://api.test\"]\n",
    )
    .unwrap();
    let view = policy.policy();
    type Case<'a> = (&'a [u8], &'a [(&'a str, &'a [u8])], (&'a str, &'a str));
    let cases: [Case<'_>; 7] = [
        (b"GET", &[], ("not_cors", "no_origin")),
        (
            b"GET",
            &[("Origin", b"https://a.test")],
            ("actual", "allowed"),
        ),
        (
            b"GET",
            &[("Origin", b"nonsense")],
            ("rejected", "cors_invalid_origin"),
        ),
        (
            b"GET",
            &[("Origin", b"https://b.test")],
            ("rejected", "cors_origin_not_allowed"),
        ),
        (
            b"OPTIONS",
            &[
                ("Origin", b"https://a.test"),
                ("Access-Control-Request-Method", b"PUT"),
            ],
            ("preflight", "allowed"),
        ),
        (
            b"OPTIONS",
            &[
                ("Origin", b"https://a.test"),
                ("Access-Control-Request-Method", b"DELETE"),
            ],
            ("rejected", "cors_method_not_allowed"),
        ),
        (
            b"GET",
            &[("Origin", b"https://api.test")],
            ("not_cors", "same_origin"),
        ),
    ];
    for (method, headers, expected) in cases {
        let request = SimpleRequest::new(method, headers);
        let decision = view.evaluate(&request);
        assert_eq!(OUTCOMES[outcome_index(&decision)], expected, "{headers:?}");
    }
}

/// A rejection is counted under its reason's own code, for every kind of
/// rejection the evaluator makes.
#[test]
fn rejections_are_counted_under_their_code() {
    let policy = cors_policy::load(
        "origins = [\"https://a.test\"]\nmethods = [\"PUT\"]\nallow_headers = [\"x-a\"]\n",
    )
    .unwrap();
    let view = policy.policy();
    let too_long = "a,".repeat(5000);
    type Request<'a> = (&'a [u8], Vec<(&'a str, &'a [u8])>);
    let requests: Vec<Request<'_>> = vec![
        (b"GET", vec![("Origin", b"nonsense")]),
        (
            b"GET",
            vec![("Origin", b"https://a.test"), ("Origin", b"https://a.test")],
        ),
        (b"GET", vec![("Origin", b"https://b.test")]),
        (
            b"OPTIONS",
            vec![
                ("Origin", b"https://a.test"),
                ("Access-Control-Request-Method", b"DELETE"),
            ],
        ),
        (
            b"OPTIONS",
            vec![
                ("Origin", b"https://a.test"),
                ("Access-Control-Request-Method", b"P T"),
            ],
        ),
        (
            b"OPTIONS",
            vec![
                ("Origin", b"https://a.test"),
                ("Access-Control-Request-Method", b"PUT"),
                ("Access-Control-Request-Method", b"PUT"),
            ],
        ),
        (
            b"OPTIONS",
            vec![
                ("Origin", b"https://a.test"),
                ("Access-Control-Request-Method", b"PUT"),
                ("Access-Control-Request-Headers", b"x-b"),
            ],
        ),
        (
            b"OPTIONS",
            vec![
                ("Origin", b"https://a.test"),
                ("Access-Control-Request-Method", b"PUT"),
                ("Access-Control-Request-Headers", b"x a"),
            ],
        ),
        (
            b"OPTIONS",
            vec![
                ("Origin", b"https://a.test"),
                ("Access-Control-Request-Method", b"PUT"),
                ("Access-Control-Request-Headers", too_long.as_bytes()),
            ],
        ),
    ];
    let mut codes = std::collections::BTreeSet::new();
    for (method, headers) in &requests {
        let request = SimpleRequest::new(method, headers);
        let decision = view.evaluate(&request);
        let code = decision.reason().code().expect("a rejection");
        assert_eq!(
            OUTCOMES[outcome_index(&decision)],
            ("rejected", code),
            "{headers:?}"
        );
        codes.insert(code);
    }
    assert_eq!(codes.len(), 5, "every code but the tenant's: {codes:?}");
    let unknown = cors_runtime::Chosen::refused(&view, cors_runtime::Reason::UnknownTenant);
    let evil = [("Origin", &b"https://b.test"[..])];
    let request = SimpleRequest::new(b"GET", &evil);
    let decision = unknown.evaluate(&request);
    assert_eq!(
        OUTCOMES[outcome_index(&decision)],
        ("rejected", "cors_unknown_tenant")
    );
}

/// A forwarded request from an unlisted origin is answered before its
/// origin is parsed; its reason still tells an invalid origin from an
/// unlisted one, as a parse would.
#[test]
fn an_unlisted_origins_reason_is_the_parses() {
    let policy = cors_policy::load(
        "origins = [\"https://a.test\", \"https://*.b.test\"]\nserver_origins = [\"https://api.test\"]\n",
    )
    .unwrap();
    let view = policy.policy();
    let origins: [&[u8]; 12] = [
        b"https://c.test",
        b"https://a.test.evil",
        b"https://A.test",
        b"https://a.test/",
        b"https://a..test",
        b"http://a.test:0080",
        b"https://x.b.test:99999",
        b"null",
        b"https://\xff.test",
        b"https://api.test",
        b"ftp://a.test",
        b"https://a.test:443",
    ];
    for origin in origins {
        let headers = [("Origin", origin)];
        let request = SimpleRequest::new(b"GET", &headers);
        let decision = view.evaluate(&request);
        let expected = match cors_runtime::origin::parse(origin) {
            Err(e) => cors_runtime::Reason::InvalidOrigin(e),
            Ok(_) if origin == b"https://api.test" => cors_runtime::Reason::SameOrigin,
            Ok(_) => cors_runtime::Reason::OriginNotAllowed,
        };
        assert_eq!(
            decision.reason(),
            expected,
            "{}",
            String::from_utf8_lossy(origin)
        );
        let vary: Vec<&[u8]> = decision
            .headers()
            .iter()
            .map(|(_, v)| v.as_bytes())
            .collect();
        assert_eq!(
            vary,
            [&b"Origin"[..]],
            "{}",
            String::from_utf8_lossy(origin)
        );
    }
}

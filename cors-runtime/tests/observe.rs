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

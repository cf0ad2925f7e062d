//! The matcher's fast path (table probes before any syntax check) agrees
//! with parsing then matching, on near-miss origins of every pattern form.

use cors_runtime::__private::{FastMatch, match_parsed, match_unchecked};
use cors_runtime::PolicySource;
use proptest::prelude::*;

const POLICY: &str = r#"
    origins = [
        "https://app.example.com",
        "http://localhost:*",
        "https://*.tenants.example.com",
        "https://*.eu.example.org:8443",
        "https://*.dev.example.net:*",
        "http://[::1]:3000",
    ]
"#;

/// Origins near the policy's entries, valid or not.
fn near_origin() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec!["https", "http", "HTTPS", "wss", ""]);
    let front = prop::sample::select(vec![
        "", "a.", "acme.", "a.b.", "A.", "-a.", "a-.", "a_b.", "..", ".", "x`.", "%60.", "ab--cd.",
    ]);
    let base = prop::sample::select(vec![
        "app.example.com",
        "localhost",
        "tenants.example.com",
        "eu.example.org",
        "dev.example.net",
        "example.com",
        "[::1]",
        "app.example.com.",
        "tenants.example.com.evil",
    ]);
    let port = prop::sample::select(vec![
        "", ":", ":0", ":80", ":443", ":8443", ":08443", ":3000", ":65535", ":65536", ":99999",
        ":1/x",
    ]);
    let tail = prop::sample::select(vec!["", "/", "/path", "?q", " ", "\0"]);
    (scheme, front, base, port, tail).prop_map(|(s, f, b, p, t)| format!("{s}://{f}{b}{p}{t}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    /// The fast path never accepts what the full parse and match would not,
    /// agrees on how it matched, never calls an allowed origin a final miss,
    /// and takes every allowed origin (of this policy: IPv6 hosts behind
    /// `:*` take the slow path).
    #[test]
    fn fast_path_agrees_with_parse_and_match(origin in near_origin()) {
        let owned = cors_policy::load(POLICY).unwrap();
        let policy = owned.policy();
        let fast = match_unchecked(policy, origin.as_bytes());
        let slow = match_parsed(policy, origin.as_bytes());
        match fast {
            FastMatch::Listed(by) => prop_assert_eq!(Some(by), slow, "{}", origin),
            FastMatch::NotListed => prop_assert_eq!(None, slow, "{}", origin),
            FastMatch::Unknown => prop_assert_eq!(None, slow, "{}", origin),
        }
    }

    /// Domain-shaped values that parse are decided by the fast path alone:
    /// `Unknown` is left for IPv6 hosts and values that are not origins.
    #[test]
    fn parsable_domain_origins_get_a_final_answer(origin in near_origin()) {
        let owned = cors_policy::load(POLICY).unwrap();
        let fast = match_unchecked(owned.policy(), origin.as_bytes());
        let parses = cors_runtime::origin::parse(origin.as_bytes()).is_ok();
        if parses && !origin.contains('[') {
            prop_assert_ne!(fast, FastMatch::Unknown, "{}", origin);
        }
    }
}

//! The boundaries the evaluator and the fast path must get exactly right:
//! host lengths around the 253-byte DNS limit under a wildcard, and
//! `Policy::allows_origin` on the values the fast path leaves to the parser
//! (IPv6 hosts, over-long hosts, values without `scheme://`). A service may
//! call `allows_origin` alone, e.g. to check a WebSocket's `Origin`.

use cors_runtime::__private::{FastMatch, match_unchecked};
use cors_runtime::{DecisionKind, PolicySource, SimpleRequest};

const POLICY: &str = r#"
    origins = [
        "https://*.example.com",
        "https://*.any.example.org:*",
        "http://[::1]:3000",
        "http://[::2]:*",
        "https://app.example.net",
    ]
"#;

/// A host of exactly `len` bytes ending in `.example.com`: 63-byte labels
/// and one shorter label in front.
fn host_of(len: usize, base: &str) -> String {
    let mut front_len = len - base.len() - 1;
    let mut labels = Vec::new();
    while front_len > 0 {
        // A label of up to 63 bytes, and its dot, unless it is the last.
        let take = front_len.min(63);
        let take = if front_len > take && front_len - take == 1 {
            take - 1
        } else {
            take
        };
        labels.push("a".repeat(take));
        front_len -= take;
        front_len = front_len.saturating_sub(1); // the dot
    }
    let host = format!("{}.{base}", labels.join("."));
    assert_eq!(host.len(), len, "{host}");
    host
}

#[test]
fn wildcard_hosts_up_to_253_bytes_are_matched_on_the_fast_path() {
    let owned = cors_policy::load(POLICY).unwrap();
    let policy = owned.policy();
    for (len, base) in [
        (120, "example.com"),
        (200, "example.com"),
        (252, "example.com"),
        (253, "example.com"),
        (253, "any.example.org"),
    ] {
        let port = if base == "any.example.org" {
            ":8443"
        } else {
            ""
        };
        let origin = format!("https://{}{port}", host_of(len, base));
        assert!(
            matches!(
                match_unchecked(policy, origin.as_bytes()),
                FastMatch::Listed(_)
            ),
            "{len}-byte host under {base}: not listed by the fast path"
        );
        assert!(policy.allows_origin(origin.as_bytes()), "{len}-byte host");
        let headers = [("origin", origin.as_bytes())];
        let request = SimpleRequest::new(b"GET", &headers);
        assert_eq!(
            policy.evaluate(&request).kind(),
            DecisionKind::Actual,
            "{len}-byte host"
        );
    }
}

#[test]
fn wildcard_hosts_over_253_bytes_are_refused() {
    let owned = cors_policy::load(POLICY).unwrap();
    let policy = owned.policy();
    for len in [254, 255, 300] {
        let origin = format!("https://{}", host_of(len, "example.com"));
        assert!(
            !matches!(
                match_unchecked(policy, origin.as_bytes()),
                FastMatch::Listed(_)
            ),
            "{len}-byte host listed"
        );
        assert!(!policy.allows_origin(origin.as_bytes()), "{len}-byte host");
        let headers = [("origin", origin.as_bytes())];
        let request = SimpleRequest::new(b"GET", &headers);
        assert_eq!(
            policy.evaluate(&request).kind(),
            DecisionKind::Rejected,
            "{len}-byte host"
        );
    }
}

#[test]
fn allows_origin_decides_what_the_fast_path_leaves_to_the_parser() {
    let owned = cors_policy::load(POLICY).unwrap();
    let policy = owned.policy();
    let long = format!("https://{}", host_of(260, "example.net"));
    for refused in [
        "http://[::3]:3000",
        "http://[::1]:3001",
        "http://[::1]",
        "http://[::1]:03000",
        "https://[::2]:80",
        "http://[::2]:99999",
        "http://[::2]:8080/",
        long.as_str(),
        "example.com",
        "app.example.net",
        "//app.example.net",
        "https:app.example.net",
        "",
        "null",
        "https://",
    ] {
        assert!(
            !policy.allows_origin(refused.as_bytes()),
            "{refused:?} allowed"
        );
    }
    assert!(policy.allows_origin(b"http://[::1]:3000"));
    for allowed in ["http://[::2]:8080", "http://[::2]"] {
        assert!(
            matches!(
                match_unchecked(policy, allowed.as_bytes()),
                FastMatch::Unknown
            ),
            "{allowed}: the fast path now decides IPv6 hosts; pick other probes"
        );
        assert!(
            policy.allows_origin(allowed.as_bytes()),
            "{allowed:?} refused"
        );
    }
}

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

/// The kind of decision for a GET with this `Origin`.
fn get_kind(policy: cors_runtime::Policy<'_>, origin: &[u8]) -> DecisionKind {
    let headers = [("origin", origin)];
    policy
        .evaluate(&SimpleRequest::new(b"GET", &headers))
        .kind()
}

/// The kind and reason code of a `PUT` preflight from
/// `https://app.example.com` with these `Access-Control-Request-Headers`
/// lines.
fn preflight_kind(
    policy: cors_runtime::Policy<'_>,
    lines: &[&[u8]],
) -> (DecisionKind, Option<&'static str>) {
    let mut headers = vec![
        ("origin", &b"https://app.example.com"[..]),
        ("access-control-request-method", b"PUT"),
    ];
    headers.extend(lines.iter().map(|l| ("access-control-request-headers", *l)));
    let request = SimpleRequest::new(b"OPTIONS", &headers);
    let decision = policy.evaluate(&request);
    (decision.kind(), decision.reason().code())
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
        assert_eq!(
            get_kind(policy, origin.as_bytes()),
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
        assert_eq!(
            get_kind(policy, origin.as_bytes()),
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

/// The same wildcard base under two schemes: each scheme's entry is its own
/// key of the wildcard table (the scheme seeds the hash), and each matches
/// only its own scheme.
#[test]
fn one_wildcard_base_under_two_schemes() {
    let owned = cors_policy::load(
        r#"origins = ["https://*.example.com", "http://*.example.com", "https://*.example.org"]"#,
    )
    .expect("the same base under two schemes compiles");
    let policy = owned.policy();
    for allowed in [
        "https://a.example.com",
        "http://a.example.com",
        "https://a.example.org",
    ] {
        assert!(policy.allows_origin(allowed.as_bytes()), "{allowed}");
    }
    for refused in ["http://a.example.org", "wss://a.example.com"] {
        assert!(!policy.allows_origin(refused.as_bytes()), "{refused}");
    }
}

/// A scheme other than http(s) is split by its colon on the fast path; a
/// value whose colon is not followed by `//` is not an origin, whatever a
/// wildcard would make of the bytes after it.
#[test]
fn a_colon_without_slashes_is_not_an_origin() {
    let owned =
        cors_policy::load(r#"origins = ["wss://*.example.com", "wss://app.example.net"]"#).unwrap();
    let policy = owned.policy();
    assert!(policy.allows_origin(b"wss://a.example.com"));
    for value in [
        "wss:xxa.example.com",
        "wss:/xa.example.com",
        "wss:x/a.example.com",
        "://a.example.com",
        "wss:xxapp.example.net",
    ] {
        assert!(!policy.allows_origin(value.as_bytes()), "{value}");
        assert!(
            !matches!(
                match_unchecked(policy, value.as_bytes()),
                FastMatch::Listed(_)
            ),
            "{value}"
        );
        assert_eq!(
            get_kind(policy, value.as_bytes()),
            DecisionKind::Rejected,
            "{value}"
        );
    }
}

/// The 1,024-byte bound on `Origin` holds on the fast path too: a policy
/// entry can be long (a long scheme) and still match only values within the
/// bound, and the compiler refuses an entry that could never match.
#[test]
fn origins_longer_than_the_bound_are_refused_on_every_path() {
    let scheme = "x".repeat(900);
    let owned = cors_policy::load(&format!("origins = [\"{scheme}://*.example.com\"]"))
        .expect("a 917-byte wildcard entry compiles");
    let policy = owned.policy();
    let within = format!("{scheme}://{}", host_of(121, "example.com"));
    assert_eq!(within.len(), cors_runtime::origin::MAX_ORIGIN_LEN);
    assert!(policy.allows_origin(within.as_bytes()));
    let over = format!("{scheme}://{}", host_of(122, "example.com"));
    assert!(
        !policy.allows_origin(over.as_bytes()),
        "{} bytes",
        over.len()
    );
    assert!(!matches!(
        match_unchecked(policy, over.as_bytes()),
        FastMatch::Listed(_)
    ));
    assert_eq!(get_kind(policy, over.as_bytes()), DecisionKind::Rejected);

    let too_long = format!("origins = [\"{}://app.example.com\"]", "x".repeat(1010));
    let report = cors_policy::load(&too_long).unwrap_err();
    assert!(
        report.diagnostics()[0]
            .message
            .contains("longer than 1024 bytes"),
        "{report}"
    );
}

/// Under `allow_headers = "*"` a list with whitespace or several lines is
/// read element by element, and only `authorization` needs listing by name
/// (R10, R15) — on plain lines and on the others alike.
#[test]
fn request_header_lists_under_star() {
    let star = cors_policy::load(
        r#"
        origins = ["https://app.example.com"]
        methods = ["PUT"]
        allow_headers = "*"
        "#,
    )
    .unwrap();
    let listed = cors_policy::load(
        r#"
        origins = ["https://app.example.com"]
        methods = ["PUT"]
        allow_headers = ["*", "authorization"]
        "#,
    )
    .unwrap();
    let preflight = |policy: cors_runtime::Policy<'_>, lines: &[&str]| {
        let lines: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
        preflight_kind(policy, &lines).0
    };
    for lines in [
        &["x-a, x-b"][..],
        &["x-a,\tx-b ,"],
        &["x-a", " x-b"],
        &["content-type,x-request-id"],
    ] {
        assert_eq!(
            preflight(star.policy(), lines),
            DecisionKind::Preflight,
            "{lines:?}"
        );
    }
    for lines in [
        &["x-a, Authorization"][..],
        &["x-a,authorization"],
        &["x-a", " AUTHORIZATION "],
    ] {
        assert_eq!(
            preflight(star.policy(), lines),
            DecisionKind::Rejected,
            "{lines:?}"
        );
        assert_eq!(
            preflight(listed.policy(), lines),
            DecisionKind::Preflight,
            "{lines:?}"
        );
    }
    assert_eq!(
        preflight(star.policy(), &["x-a, x b"]),
        DecisionKind::Rejected
    );
}

/// The 8 KiB bound is on the lines as they combine (joined by `, `), so
/// thousands of empty lines are refused like one long one.
#[test]
fn request_header_lines_count_toward_the_bound() {
    let owned = cors_policy::load(
        "origins = [\"https://app.example.com\"]\nmethods = [\"PUT\"]\nallow_headers = \"*\"\n",
    )
    .unwrap();
    let policy = owned.policy();
    let kind = |lines: &[Vec<u8>]| {
        let lines: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
        preflight_kind(policy, &lines)
    };
    let half = |n: usize| "a".repeat(n).into_bytes();
    assert_eq!(kind(&[half(4095), half(4095)]).0, DecisionKind::Preflight);
    assert_eq!(
        kind(&[half(4096), half(4095)]),
        (DecisionKind::Rejected, Some("cors_invalid_preflight"))
    );
    let empty = vec![Vec::new(); 5000];
    assert_eq!(
        kind(&empty),
        (DecisionKind::Rejected, Some("cors_invalid_preflight"))
    );
}

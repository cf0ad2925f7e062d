//! `cors explain`: preflight or not and why, the answers, the verdict, and
//! the advice, for the cases a developer meets.

mod common;

use common::{cors, text};

fn explain(extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec![
        "explain",
        "examples/policies/api.toml",
        "--policy",
        "api",
        "--url",
        "https://api.example.com/items/7",
    ];
    args.extend_from_slice(extra);
    let out = cors(&args);
    (out.status.code(), text(&out.stdout))
}

#[test]
fn simple_request_needs_no_preflight() {
    let (code, out) = explain(&["--origin", "https://app.example.com", "--method", "get"]);
    assert_eq!(code, Some(0));
    insta::assert_snapshot!(out);
}

#[test]
fn preflighted_put_with_credentials_is_allowed() {
    let (code, out) = explain(&[
        "--origin",
        "https://app.example.com",
        "--method",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "-H",
        "X-Request-Id: 42",
        "--credentials",
    ]);
    assert_eq!(code, Some(0));
    insta::assert_snapshot!(out);
}

#[test]
fn unknown_origin_points_at_the_origins_line() {
    let (_, out) = explain(&["--origin", "https://shop.example.com", "--method", "DELETE"]);
    insta::assert_snapshot!(out);
}

#[test]
fn disallowed_header_and_method() {
    let (_, header) = explain(&[
        "--origin",
        "https://app.example.com",
        "--method",
        "PUT",
        "-H",
        "X-Debug: 1",
    ]);
    insta::assert_snapshot!("disallowed_header", header);
    let (_, method) = explain(&["--origin", "https://app.example.com", "--method", "patch"]);
    // R4: fetch() sends `patch` as written; the policy's PATCH does not
    // match, and the fix is in the page.
    assert!(
        method.contains("OPTIONS with access-control-request-method: patch"),
        "{method}"
    );
    assert!(
        method.contains("write `PATCH` in the page's fetch() call"),
        "{method}"
    );
    let (_, trace) = explain(&["--origin", "https://app.example.com", "--method", "PURGE"]);
    assert!(
        trace.contains("add \"PURGE\" to `methods` (examples/policies/api.toml:9"),
        "{trace}"
    );
}

#[test]
fn null_and_insecure_origins_should_stay_blocked() {
    let (_, null) = explain(&["--origin", "null"]);
    assert!(null.contains("it should stay blocked: `null`"), "{null}");
    let (_, http) = explain(&["--origin", "http://app.example.com", "--credentials"]);
    assert!(
        http.contains("it should stay blocked: `http://app.example.com` is plain HTTP"),
        "{http}"
    );
}

#[test]
fn loopback_origin_goes_to_the_dev_profile() {
    let (_, out) = explain(&["--origin", "http://localhost:3000"]);
    assert!(
        out.contains("to the `dev` profile's `extra_origins`")
            && out.contains(
                "examples/policies/api.toml:19, `policies.api.profiles.dev.extra_origins`"
            ),
        "{out}"
    );
}

#[test]
fn wildcard_policy_with_credentials() {
    let out = cors(&[
        "explain",
        "examples/policies/public-readonly.toml",
        "--origin",
        "https://anyone.example",
        "--credentials",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"], "blocked");
    assert_eq!(json["blocked_at"], "actual");
    assert!(
        json["console_message"]
            .as_str()
            .unwrap()
            .contains("must not be the wildcard '*'")
    );
    assert!(
        json["stay_blocked"]
            .as_str()
            .unwrap()
            .contains("never combine with credentials")
    );
    insta::assert_json_snapshot!(json);
}

#[test]
fn bad_arguments_exit_2() {
    let (code, _) = explain(&["--origin", "https://app.example.com", "--method", "TRACE"]);
    assert_eq!(code, Some(2));
    let (code, _) = explain(&["--origin", "https://app.example.com", "-H", "no colon"]);
    assert_eq!(code, Some(2));
}

//! `cors check`: its output and exit status.

mod common;

use common::{cors, text};

#[test]
fn preflight_human_output() {
    let out = cors(&[
        "check",
        "examples/policies/api.toml",
        "--policy",
        "api",
        "--method",
        "OPTIONS",
        "-H",
        "Origin: https://app.example.com",
        "-H",
        "Access-Control-Request-Method: PUT",
        "-H",
        "Access-Control-Request-Headers: content-type,x-request-id",
    ]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn forbid_rejection_json_output() {
    let out = cors(&[
        "check",
        "examples/policies/dev-prod.toml",
        "--method",
        "GET",
        "-H",
        "Origin: https://evil.example",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a rejection is still an evaluated request"
    );
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn invalid_policy_exits_2_with_diagnostics() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("invalid.toml");
    std::fs::write(&path, "origins = \"*\"\ncredentials = true\n").unwrap();
    let out = cors(&[
        "check",
        path.to_str().unwrap(),
        "--method",
        "GET",
        "-H",
        "Origin: https://a.example",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr).replace(path.to_str().unwrap(), "invalid.toml");
    insta::assert_snapshot!(stderr);
}

#[test]
fn malformed_arguments_exit_2() {
    for args in [
        &[
            "check",
            "examples/policies/api.toml",
            "--policy",
            "api",
            "--method",
            "GET",
            "-H",
            "Origin https://a.example",
        ][..],
        &[
            "check",
            "examples/policies/api.toml",
            "--policy",
            "api",
            "--method",
            "GE T",
        ],
        &["check", "examples/policies/missing.toml", "--method", "GET"],
        &["check", "examples/policies/api.toml", "--method", "GET"],
        &["check", "examples/policies/api.toml"],
    ] {
        let out = cors(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}: no message");
    }
}

/// `--method` defaults to `GET`, as in `cors explain` (it was required).
#[test]
fn the_method_defaults_to_get_as_in_explain() {
    let args = |method: Option<&str>| {
        let mut a = vec![
            "check",
            "examples/policies/api.toml",
            "--policy",
            "api",
            "--json",
            "-H",
            "Origin: https://app.example.com",
        ];
        if let Some(m) = method {
            a.extend(["--method", m]);
        }
        let out = cors(&a);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let default = args(None);
    assert!(
        default.contains("\"kind\":\"actual\"") || default.contains("\"kind\": \"actual\""),
        "{default}"
    );
    assert_eq!(default, args(Some("GET")));
}

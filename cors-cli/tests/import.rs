//! `cors import`: each input format, what was not carried over, and the lint
//! of the result.

mod common;

use common::{cors, scratch, text};

fn import(format: &str, file: &str) -> (Option<i32>, String, String) {
    let out = cors(&["import", "--from", format, file]);
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn origin_list() {
    let (code, policy, report) = import("box", "cors-cli/tests/fixtures/box.txt");
    assert_eq!(code, Some(1), "the path entry is an error the lint reports");
    insta::assert_snapshot!("box_policy", policy);
    insta::assert_snapshot!("box_report", report);
}

#[test]
fn s3_configuration() {
    let (code, policy, report) = import("s3", "cors-cli/tests/fixtures/s3.json");
    assert_eq!(code, Some(1), "`*` headers with credentials is an error");
    insta::assert_snapshot!("s3_policy", policy);
    insta::assert_snapshot!("s3_report", report);
}

#[test]
fn express_options() {
    let (code, policy, report) = import("express", "cors-cli/tests/fixtures/express.json");
    assert_eq!(code, Some(0));
    insta::assert_snapshot!("express_policy", policy);
    insta::assert_snapshot!("express_report", report);
}

#[test]
fn output_file_compiles_after_import() {
    let dir = scratch("import");
    let path = dir.join("policy.toml");
    let out = cors(&[
        "import",
        "--from",
        "express",
        "cors-cli/tests/fixtures/express.json",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&path).unwrap();
    cors_policy::load(&text).expect("the imported policy compiles");
}

#[test]
fn unreadable_or_malformed_input_exits_2() {
    assert_eq!(import("s3", "no/such.json").0, Some(2));
    let (code, _, err) = import("s3", "cors-cli/tests/fixtures/express.json");
    assert_eq!(code, Some(2));
    assert!(err.contains("not an S3 CORS configuration"), "{err}");
}

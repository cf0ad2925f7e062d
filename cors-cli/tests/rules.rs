//! `cors rules`: the catalogue and one rule's doc.

mod common;

use common::{cors, text};

#[test]
fn lists_every_rule() {
    let out = cors(&["rules"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn prints_one_rule_by_code_or_name() {
    let by_code = cors(&["rules", "CORS201"]);
    assert_eq!(by_code.status.code(), Some(0));
    insta::assert_snapshot!(text(&by_code.stdout));
    let by_name = cors(&["rules", "credentials-with-any-origin"]);
    assert_eq!(by_name.stdout, by_code.stdout);
    let unknown = cors(&["rules", "CORS999"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("no rule \"CORS999\""));
}

//! `cors schema` prints the schema the repository ships.

mod common;

use common::cors;

#[test]
fn prints_the_shipped_schema() {
    let out = cors(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let shipped = std::fs::read_to_string("../cors-policy/policy.schema.json").unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), shipped);
    let json: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    assert_eq!(
        json["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

//! The shipped JSON Schema accepts every real policy file of the repository,
//! rejects what the compiler rejects structurally, and names exactly the keys
//! the parser knows.

use std::path::{Path, PathBuf};

use cors_policy::schema::{JSON_SCHEMA, POLICY_KEYS, PROFILE_KEYS};
use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(JSON_SCHEMA).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&schema()).expect("the schema is a valid JSON Schema")
}

fn as_json(toml_text: &str) -> Value {
    let value: toml::Value = toml::from_str(toml_text).expect("valid TOML");
    serde_json::to_value(value).expect("TOML maps to JSON")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn accepts_every_example_and_corpus_policy() {
    let validator = validator();
    let mut policies: Vec<(String, String)> = Vec::new();
    for path in toml_files(&repo().join("examples/policies")) {
        policies.push((
            path.display().to_string(),
            std::fs::read_to_string(&path).unwrap(),
        ));
    }
    policies.push((
        "testdata/frameworks/policy.toml".into(),
        std::fs::read_to_string(repo().join("testdata/frameworks/policy.toml")).unwrap(),
    ));
    for path in toml_files(&repo().join("testdata")) {
        let corpus: toml::Value = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let text = corpus["policy"]
            .as_str()
            .expect("each corpus file has a policy");
        policies.push((path.display().to_string(), text.to_string()));
    }
    assert!(policies.len() >= 12);
    for (name, text) in &policies {
        let errors: Vec<String> = validator
            .iter_errors(&as_json(text))
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn rejects_structural_mistakes() {
    let validator = validator();
    for bad in [
        "origin = [\"https://a.example\"]", // unknown key
        "origins = [\"https://a.example\"]\ncredentials = \"yes\"", // wrong type
        "origins = [\"https://a.example\"]\nmax_age = -1",
        "origins = [\"https://a.example\"]\npreflight_status = 201",
        "origins = [\"https://a.example\"]\non_reject = \"drop\"",
        "origins = [\"https://a.example\"]\n[profiles.dev]\nextra_origin = []",
        "[policies.api]\norigins = [\"https://a.example\"]\n[lints]\nnull-origin = \"ignore\"",
        "methods = [\"GET\"]", // no origins
    ] {
        assert!(!validator.is_valid(&as_json(bad)), "accepted: {bad}");
    }
}

#[test]
fn names_exactly_the_keys_the_parser_knows() {
    let schema = schema();
    let keys = |def: &str| -> Vec<String> {
        let mut keys: Vec<String> = schema["$defs"][def]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    let sorted = |list: &[&str]| {
        let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(keys("policy"), sorted(POLICY_KEYS));
    assert_eq!(keys("profile"), sorted(PROFILE_KEYS));
}

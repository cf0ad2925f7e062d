//! `src/rules/public_suffix_parents.txt` is derived from the rules the `psl`
//! crate was generated from (its `data/rules.txt`, the version in
//! `Cargo.lock`): every name with at least one public-suffix rule strictly
//! below it. This test derives it again and fails when the file is stale,
//! e.g. after `cargo update -p psl`. Regenerate with
//! `UPDATE_PUBLIC_SUFFIX=1 cargo test -p cors-policy --test public_suffix_data`.

use std::collections::BTreeSet;
use std::path::PathBuf;

/// The `psl` crate's `data/rules.txt`, for the version `Cargo.lock` pins,
/// from Cargo's registry sources (where the build unpacked it).
fn psl_rules() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"psl\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"').to_string())
        .expect("psl is in Cargo.lock");
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("CARGO_HOME or HOME is set");
    let sources = home.join("registry/src");
    let dir = std::fs::read_dir(&sources)
        .unwrap()
        .filter_map(Result::ok)
        .map(|index| index.path().join(format!("psl-{version}")))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| panic!("psl-{version} is not unpacked under {}", sources.display()));
    std::fs::read_to_string(dir.join("data/rules.txt")).expect("psl ships data/rules.txt")
}

/// Every proper ancestor (of two labels or more) of every rule; a wildcard
/// rule `*.b` puts `b` itself below the line too.
fn parents(rules: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in rules.lines() {
        let rule = line.trim();
        if rule.is_empty() || rule.starts_with("//") {
            continue;
        }
        let rule = rule.trim_start_matches('!');
        let (wildcard, name) = match rule.strip_prefix("*.") {
            Some(base) => (true, base),
            None => (false, rule),
        };
        let ascii = idna::domain_to_ascii(name).expect("psl rules are valid names");
        let labels: Vec<&str> = ascii.split('.').collect();
        let first = if wildcard { 0 } else { 1 };
        for i in first..labels.len().saturating_sub(1) {
            out.insert(labels[i..].join("."));
        }
    }
    out
}

#[test]
fn public_suffix_parents_match_the_psl_crate() {
    let expected: String = parents(&psl_rules())
        .into_iter()
        .map(|n| n + "\n")
        .collect();
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/rules/public_suffix_parents.txt");
    if std::env::var_os("UPDATE_PUBLIC_SUFFIX").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{} is stale: regenerate it with UPDATE_PUBLIC_SUFFIX=1 cargo test -p cors-policy --test public_suffix_data",
        path.display()
    );
}

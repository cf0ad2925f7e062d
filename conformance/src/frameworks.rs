//! The framework table in `testdata/frameworks/`: requests sent through each
//! framework's real pipeline to a test app with the same routes, and the
//! response every framework must deliver.

use std::path::Path;

use serde::Deserialize;

use crate::delivered::Delivered;

/// The policy file the framework test apps compile.
pub const POLICY_FILE: &str = "testdata/frameworks/policy.toml";

/// `testdata/frameworks/cases.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkTable {
    /// What the table covers.
    pub description: String,
    /// The cases.
    #[serde(rename = "case")]
    pub cases: Vec<FrameworkCase>,
}

/// One request to a framework test app.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkCase {
    /// Unique within the table.
    pub name: String,
    /// The rules of `docs/fetch-cors-rules.md` the case checks.
    pub rules: Vec<String>,
    /// The request method.
    pub method: String,
    /// The request path.
    pub path: String,
    /// Request headers, `[name, value]`, in order.
    #[serde(default)]
    pub headers: Vec<[String; 2]>,
    /// The response the client must receive.
    pub expect: FrameworkExpect,
}

/// The response a framework must deliver.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkExpect {
    /// The status code.
    pub status: u16,
    /// Every CORS header (`access-control-*`, `vary`), in the runtime's order.
    #[serde(default)]
    pub headers: Vec<[String; 2]>,
    /// The exact body, when the case pins it.
    pub body: Option<String>,
    /// The `content-type`, when the case pins it.
    pub content_type: Option<String>,
}

impl FrameworkCase {
    /// Compares what a framework delivered with the expectation.
    pub fn check(&self, delivered: &Delivered) -> Result<(), String> {
        let mut problems = Vec::new();
        if delivered.status != self.expect.status {
            problems.push(format!(
                "status {} (expected {})",
                delivered.status, self.expect.status
            ));
        }
        let headers = delivered.cors_headers();
        if headers != self.expect.headers {
            problems.push(format!(
                "CORS headers {headers:?}\n    expected {:?}",
                self.expect.headers
            ));
        }
        if let Some(body) = &self.expect.body
            && &delivered.body != body
        {
            problems.push(format!("body {:?} (expected {body:?})", delivered.body));
        }
        if let Some(content_type) = &self.expect.content_type {
            let got = delivered.header("content-type");
            if got != [content_type.as_str()] {
                problems.push(format!("content-type {got:?} (expected {content_type:?})"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "case `{}` ({} {}; {}):\n  {}",
                self.name,
                self.method,
                self.path,
                self.rules.join(", "),
                problems.join("\n  ")
            ))
        }
    }
}

/// Loads the framework table.
pub fn table() -> FrameworkTable {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/frameworks/cases.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let table: FrameworkTable =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut names = std::collections::HashSet::new();
    for case in &table.cases {
        assert!(names.insert(&case.name), "duplicate case `{}`", case.name);
        assert!(!case.rules.is_empty(), "case `{}` cites no rule", case.name);
    }
    table
}

/// Runs every case of the table through `send` and panics with every
/// mismatch. `send` delivers one request through a framework.
pub fn run_table(framework: &str, mut send: impl FnMut(&FrameworkCase) -> Delivered) {
    let table = table();
    let failures: Vec<String> = table
        .cases
        .iter()
        .filter_map(|case| case.check(&send(case)).err())
        .collect();
    assert!(table.cases.len() >= 15, "the table has too few cases");
    assert!(
        failures.is_empty(),
        "{framework}: {} of {} cases failed:\n{}",
        failures.len(),
        table.cases.len(),
        failures.join("\n")
    );
}

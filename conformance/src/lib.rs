//! The conformance corpus in `testdata/`: loading case files and comparing a
//! decision with what a case expects.
//!
//! Every implementation — the static policy, the run-time-built policy,
//! `cors check` and each adapter — runs the same cases through
//! [`Case::check`], so they can only pass by agreeing.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

pub mod capture;
pub mod dangerous;
mod delivered;
pub mod edge_server;
pub mod frameworks;
pub mod live;
pub mod reference;

pub use delivered::{Delivered, SERVED_BY, cors_header_names};

use serde::Deserialize;

/// One file of `testdata/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// What the file covers.
    pub description: String,
    /// The policy file's text.
    pub policy: String,
    /// The cases.
    #[serde(rename = "case")]
    pub cases: Vec<Case>,
    /// The file's name (set by the loader).
    #[serde(skip)]
    pub file: String,
}

/// Which policy and profile of the file a case uses.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Select {
    /// `[policies.<name>]`.
    pub policy: Option<String>,
    /// `[profiles.<name>]`.
    pub profile: Option<String>,
}

impl CaseFile {
    /// The file's policy for `select`, built at run time by `cors_policy`.
    pub fn runtime_policy(&self, select: &Select) -> cors_runtime::OwnedPolicy {
        let source = cors_policy::Source::new(self.file.clone(), self.policy.clone());
        let selection = cors_policy::Selection {
            policy: select.policy.clone(),
            profile: select.profile.clone(),
        };
        cors_policy::load_with(&source, &selection).unwrap_or_else(|r| panic!("{}: {r}", self.file))
    }

    /// The file's validated policy for `select` (what the reference
    /// evaluator reads).
    pub fn spec(&self, select: &Select) -> cors_policy::PolicySpec {
        self.compiled(select).spec().clone()
    }

    /// The file's policy for `select`, compiled (what the edge backends
    /// read).
    pub fn compiled(&self, select: &Select) -> cors_policy::Compiled {
        let source = cors_policy::Source::new(self.file.clone(), self.policy.clone());
        let selection = cors_policy::Selection {
            policy: select.policy.clone(),
            profile: select.profile.clone(),
        };
        cors_policy::compile(&source, &selection).unwrap_or_else(|r| panic!("{}: {r}", self.file))
    }

    /// The file's policy for `select`, compiled statically by `build.rs`.
    pub fn static_policy(&self, select: &Select) -> cors_runtime::Policy<'static> {
        compiled::static_policy(
            &self.file,
            select.policy.as_deref(),
            select.profile.as_deref(),
        )
        .unwrap_or_else(|| panic!("no static policy for {} {select:?}", self.file))
    }
}

/// One request and the decision it must get.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Unique within the file.
    pub name: String,
    /// The rules of `docs/fetch-cors-rules.md` this case checks, e.g. `["R18"]`.
    pub rules: Vec<String>,
    /// Policy and profile; defaults to the file's only policy.
    #[serde(default)]
    pub select: Select,
    /// The request method.
    pub method: String,
    /// Request headers, `[name, value]`, in order (repeat a name for several
    /// lines).
    #[serde(default)]
    pub headers: Vec<[String; 2]>,
    /// One more header whose value is `unit` repeated `times` times, for
    /// oversize inputs: `[name, unit, times]`.
    pub long_header: Option<(String, String, usize)>,
    /// What must happen.
    pub expect: Expect,
}

/// The expected decision.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// `not_cors`, `preflight`, `actual` or `rejected`.
    pub kind: String,
    /// The status of an immediate answer; absent when the request is
    /// forwarded to the service.
    pub status: Option<u16>,
    /// Every response header the decision adds, lowercase names, in order.
    #[serde(default)]
    pub headers: Vec<[String; 2]>,
    /// The `code` of the `forbid` error body, when there is one.
    pub body_code: Option<String>,
}

/// A decision as an implementation reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    /// `not_cors`, `preflight`, `actual` or `rejected`.
    pub kind: String,
    /// Immediate answer's status.
    pub status: Option<u16>,
    /// Headers added, lowercase names, in order.
    pub headers: Vec<[String; 2]>,
    /// The error body's `code`, if a body is sent.
    pub body_code: Option<String>,
}

/// A runtime decision in the corpus's terms.
pub fn observe(decision: &cors_runtime::Decision<'_>) -> Observed {
    Observed {
        kind: decision.kind().as_str().to_string(),
        status: decision.status(),
        headers: decision
            .headers()
            .iter()
            .map(|(n, v)| {
                [
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                ]
            })
            .collect(),
        body_code: decision.error_body().map(|b| b.code().to_string()),
    }
}

impl Case {
    /// The request headers as `(name, bytes)`.
    pub fn header_pairs(&self) -> Vec<(String, Vec<u8>)> {
        let mut pairs: Vec<(String, Vec<u8>)> = self
            .headers
            .iter()
            .map(|[n, v]| (n.clone(), v.as_bytes().to_vec()))
            .collect();
        if let Some((name, unit, times)) = &self.long_header {
            pairs.push((name.clone(), unit.repeat(*times).into_bytes()));
        }
        pairs
    }

    /// Compares an observed decision with the expectation.
    pub fn check(&self, observed: &Observed) -> Result<(), String> {
        let e = &self.expect;
        let expected = Observed {
            kind: e.kind.clone(),
            status: e.status,
            headers: e.headers.clone(),
            body_code: e.body_code.clone(),
        };
        if &expected == observed {
            Ok(())
        } else {
            Err(format!(
                "case `{}` ({}):\n  expected {expected:?}\n  observed {observed:?}",
                self.name,
                self.rules.join(", ")
            ))
        }
    }
}

/// The corpus directory.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

/// Loads every `*.toml` file of `dir`, sorted by name.
pub fn load(dir: &Path) -> Result<Vec<CaseFile>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut file: CaseFile =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        file.file = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut names = std::collections::HashSet::new();
        for case in &file.cases {
            if !names.insert(&case.name) {
                return Err(format!(
                    "{}: duplicate case name `{}`",
                    file.file, case.name
                ));
            }
            if case.rules.is_empty() {
                return Err(format!("{}: case `{}` cites no rule", file.file, case.name));
            }
        }
        files.push(file);
    }
    Ok(files)
}

/// Runs every corpus case through `run`, which returns `Ok` or a mismatch
/// message, and panics listing every failure.
pub fn run_corpus(name: &str, mut run: impl FnMut(&CaseFile, &Case) -> Result<(), String>) {
    let files = corpus();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in &files {
        for case in &file.cases {
            count += 1;
            if let Err(e) = run(file, case) {
                failures.push(format!("{}: {e}", file.file));
            }
        }
    }
    assert!(count > 100, "the corpus has only {count} cases");
    assert!(
        failures.is_empty(),
        "{name}: {} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Loads the corpus, panicking with the loader's message on failure (for
/// tests).
pub fn corpus() -> Vec<CaseFile> {
    load(&corpus_dir()).unwrap_or_else(|e| panic!("cannot load the corpus: {e}"))
}

/// Policies compiled at build time from the corpus and the examples.
pub mod compiled {
    include!(concat!(env!("OUT_DIR"), "/static_policies.rs"));

    include!(concat!(env!("OUT_DIR"), "/big_policy.rs"));

    /// The example policy file compiled by the build-script API.
    pub mod examples {
        include!(concat!(env!("OUT_DIR"), "/example_policies.rs"));
    }
}

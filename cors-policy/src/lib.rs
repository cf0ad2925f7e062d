//! The **corsc** policy compiler: a CORS policy file in, a validated model, a
//! static matcher and diagnostics out.
//!
//! The pipeline is **parse → check → lower → build → emit**:
//!
//! 1. [`parse`](crate::ast) the TOML with `toml_edit`, keeping the span of
//!    every key and value;
//! 2. run every [rule](crate::rules) on every policy with every profile
//!    applied, collecting all diagnostics (a file with three mistakes gets
//!    three diagnostics);
//! 3. lower the selected policy to a canonical [`PolicySpec`];
//! 4. build its perfect hash tables ([`tables::build`]) into a
//!    [`cors_runtime::OwnedPolicy`] — used directly at run time —
//! 5. or emit them as a constant expression ([`codegen::policy_expr`]) for
//!    `cors_policy!` and build scripts ([`build::Builder`]).
//!
//! ```
//! use cors_policy::{Selection, Source, compile};
//!
//! let source = Source::new("cors.toml", r#"
//!     [policies.api]
//!     origins = ["https://app.example.com", "https://*.example.com"]
//!     credentials = true
//!
//!     [policies.api.profiles.dev]
//!     extra_origins = ["http://localhost:5173"]
//! "#);
//! let compiled = compile(&source, &Selection::policy("api").with_profile("dev")).unwrap();
//! assert_eq!(compiled.spec().origins.len(), 3);
//!
//! let broken = Source::new("cors.toml", "origins = \"*\"\ncredentials = true\n");
//! let report = compile(&broken, &Selection::default()).unwrap_err();
//! assert_eq!(report.diagnostics()[0].code, "CORS201");
//! println!("{report}"); // rustc-style, with file:line:col and a caret
//! ```
//!
//! Rule numbers (R1…R30) in rule documents refer to the project's digest of
//! the Fetch standard's CORS protocol, `docs/fetch-cors-rules.md` in the
//! repository.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::fmt;
use std::path::{Path, PathBuf};

use cors_runtime::OwnedPolicy;

pub mod ast;
pub mod build;
pub mod codegen;
mod diagnostic;
mod effective;
pub mod fetch;
mod model;
pub mod parse;
pub mod pattern;
pub mod rules;
pub mod tables;

pub use annotate_snippets::Renderer;

/// The JSON Schema of the policy file (draft 2020-12), for editors: taplo
/// and Even Better TOML complete and check keys with it. `cors schema`
/// prints it; the repository ships it as `cors-policy/policy.schema.json`.
pub const JSON_SCHEMA: &str = include_str!("../policy.schema.json");
pub use ast::OnReject;
pub use diagnostic::{Diagnostic, Report, Severity, Source};
pub use effective::{Effective, EffectiveList, EffectiveOrigins};
pub use model::{DEFAULT_METHODS, PolicySpec};

/// Which policy of a file, and which of its profiles, to compile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// `[policies.<name>]`; `None` for a file with one policy.
    pub policy: Option<String>,
    /// `[profiles.<name>]` of that policy, if any.
    pub profile: Option<String>,
}

impl Selection {
    /// Selects `[policies.<name>]`.
    pub fn policy(name: impl Into<String>) -> Self {
        Selection {
            policy: Some(name.into()),
            profile: None,
        }
    }

    /// Also applies `[profiles.<name>]`.
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }
}

/// A compiled policy and the warnings found on the way.
#[derive(Clone, Debug)]
pub struct Compiled {
    spec: PolicySpec,
    policy: OwnedPolicy,
    warnings: Report,
}

impl Compiled {
    /// The canonical model.
    pub fn spec(&self) -> &PolicySpec {
        &self.spec
    }

    /// Warnings and infos for the whole file (no errors: those fail
    /// compilation).
    pub fn warnings(&self) -> &Report {
        &self.warnings
    }

    /// The run-time form of the policy.
    pub fn to_owned_policy(&self) -> OwnedPolicy {
        self.policy.clone()
    }

    /// The run-time form of the policy, borrowed (what code generation reads).
    pub fn owned_policy(&self) -> &OwnedPolicy {
        &self.policy
    }

    /// The run-time form of the policy, without a copy.
    pub fn into_owned_policy(self) -> OwnedPolicy {
        self.policy
    }
}

/// Runs every rule on the whole file and returns every diagnostic.
pub fn check(source: &Source) -> Report {
    let file = parse::parse_file(&source.text);
    Report::new(source.clone(), rules::run(&file))
}

/// Compiles the selected policy. Fails if any rule reports an error anywhere
/// in the file, or if the selection names nothing.
pub fn compile(source: &Source, selection: &Selection) -> Result<Compiled, Report> {
    let file = parse::parse_file(&source.text);
    let mut diagnostics = rules::run(&file);
    let chosen = select(&file, selection);
    // A file that did not parse has no policies to select from; its syntax
    // error is the whole story.
    let parsed = !file
        .problems
        .iter()
        .any(|p| matches!(p, ast::Problem::Syntax { .. }));
    if let (Err(finding), true) = (&chosen, parsed) {
        diagnostics.extend(unrelaxable(rules::SELECTION, (**finding).clone()));
    }
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    match chosen {
        Ok((policy, profile)) if !failed => {
            let spec = model::lower(&Effective::new(policy, profile));
            match tables::build(&spec) {
                Ok(owned) => Ok(Compiled {
                    spec,
                    policy: owned,
                    warnings: Report::new(source.clone(), diagnostics),
                }),
                Err(error) => {
                    let span = policy
                        .name
                        .as_ref()
                        .map_or(policy.span.clone(), |n| n.span.clone());
                    diagnostics.extend(unrelaxable(
                        rules::table_layout::META,
                        rules::table_layout::finding(span, error),
                    ));
                    Err(Report::new(source.clone(), diagnostics))
                }
            }
        }
        _ => Err(Report::new(source.clone(), diagnostics)),
    }
}

/// The diagnostic of a finding made outside the rule pass (selection, table
/// layout): no `[lints]` level applies to it.
fn unrelaxable(meta: &'static rules::RuleMeta, finding: rules::Finding) -> Vec<Diagnostic> {
    let mut cx = rules::Context::new(&[]);
    cx.report(meta, finding);
    cx.into_diagnostics()
}

fn select<'a>(
    file: &'a ast::FileAst,
    selection: &Selection,
) -> Result<(&'a ast::PolicyAst, Option<&'a ast::Profile>), Box<rules::Finding>> {
    let names: Vec<&str> = file
        .policies
        .iter()
        .filter_map(|p| p.name.as_ref().map(|n| n.value.as_str()))
        .collect();
    let policy = match (&selection.policy, file.named) {
        (None, _) if file.policies.len() == 1 => &file.policies[0],
        (None, _) => {
            return Err(Box::new(
                rules::Finding::new(
                    0..0,
                    "the file has several policies and none was selected",
                    "",
                )
                .help(format!("select one of: {}", names.join(", "))),
            ));
        }
        (Some(name), false) => {
            return Err(Box::new(
                rules::Finding::new(
                    0..0,
                    format!("policy `{name}` was selected, but the file has one unnamed policy"),
                    "",
                )
                .help("select no policy, or move the keys under [policies.<name>]"),
            ));
        }
        (Some(name), true) => match file
            .policies
            .iter()
            .find(|p| p.name.as_ref().is_some_and(|n| &n.value == name))
        {
            Some(p) => p,
            None => {
                return Err(Box::new(
                    rules::Finding::new(0..0, format!("the file has no policy `{name}`"), "")
                        .help(format!("select one of: {}", names.join(", "))),
                ));
            }
        },
    };
    let profile = match &selection.profile {
        None => None,
        Some(name) => match policy.profiles.iter().find(|p| &p.name.value == name) {
            Some(p) => Some(p),
            None => {
                let known: Vec<&str> = policy
                    .profiles
                    .iter()
                    .map(|p| p.name.value.as_str())
                    .collect();
                let span = policy.name.as_ref().map_or(0..0, |n| n.span.clone());
                let help = if known.is_empty() {
                    "this policy has no [profiles.<name>] tables".to_string()
                } else {
                    format!("select one of: {}", known.join(", "))
                };
                return Err(Box::new(
                    rules::Finding::new(span, format!("the policy has no profile `{name}`"), "")
                        .help(help),
                ));
            }
        },
    };
    Ok((policy, profile))
}

/// Compiles a policy file's text into a run-time policy: the file's only
/// policy, without a profile.
///
/// ```
/// use cors_runtime::PolicySource;
/// let policy = cors_policy::load(r#"origins = ["https://app.example.com"]"#).unwrap();
/// assert!(!policy.policy().allows_credentials());
/// ```
pub fn load(text: &str) -> Result<OwnedPolicy, Report> {
    load_with(&Source::new("<policy>", text), &Selection::default())
}

/// Compiles a selected policy into a run-time policy.
pub fn load_with(source: &Source, selection: &Selection) -> Result<OwnedPolicy, Report> {
    compile(source, selection).map(Compiled::into_owned_policy)
}

/// Reads and compiles a policy file into a run-time policy.
pub fn load_file(path: impl AsRef<Path>, selection: &Selection) -> Result<OwnedPolicy, Error> {
    let path = path.as_ref();
    let source = Source::new(path.display().to_string(), read(path)?);
    load_with(&source, selection).map_err(Error::Policy)
}

pub(crate) fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })
}

/// Why a policy file could not be compiled.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file has errors.
    Policy(Report),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, error } => {
                write!(f, "cannot read policy file {}: {error}", path.display())
            }
            Error::Policy(report) => write!(f, "{report}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { error, .. } => Some(error),
            Error::Policy(report) => Some(report),
        }
    }
}

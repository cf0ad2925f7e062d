#![doc = include_str!("../README.md")]
// Feature-gated items are marked as such on docs.rs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::fmt;
use std::path::{Path, PathBuf};

use cors_runtime::OwnedPolicy;

mod ast;
mod build;
pub mod build_script;
pub mod builder;
mod diagnostic;
mod effective;
pub mod emit;
pub mod env;
pub mod fetch;
mod fix;
mod lower;
mod parse;
pub mod pattern;
pub mod rules;
pub mod schema;
mod select;
mod suggest;
pub mod tenant;

pub use annotate_snippets::Renderer;
pub use build_script::Builder;
pub use builder::{BuilderArgument, BuilderReport, PolicyBuilder};
pub use cors_runtime::OnReject;

pub use diagnostic::{Diagnostic, Report, Severity, Source};
pub use fix::{Applicability, Edit, Fix, Fixed, apply_fixes};
pub use lower::{DEFAULT_METHODS, PolicySpec};
pub use schema::JSON_SCHEMA;
pub use select::{KeyLocation, Selection, SelectionError, locate, selections};

/// A compiled policy and the warnings found on the way.
#[derive(Clone, Debug)]
pub struct Compiled {
    spec: PolicySpec,
    policy: OwnedPolicy,
    warnings: Report,
    /// The text the policy was compiled from: the file, or the file with
    /// its environment placeholders substituted. Backends that check the
    /// policy's text again (bucket refusals) read this one.
    compiled_from: Source,
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

    /// The same policy with its warnings replaced (moved back onto the
    /// file by environment substitution).
    pub(crate) fn with_warnings(self, warnings: Report) -> Compiled {
        Compiled { warnings, ..self }
    }

    /// The text the policy was compiled from (for an environment-substituted
    /// file, with the values in place).
    pub(crate) fn compiled_from(&self) -> &Source {
        &self.compiled_from
    }

    /// The run-time form of the policy.
    pub fn to_owned_policy(&self) -> OwnedPolicy {
        self.policy.clone()
    }

    /// The run-time form of the policy, borrowed (what code generation reads).
    pub fn owned_policy(&self) -> &OwnedPolicy {
        &self.policy
    }

    /// A short, stable name of the compiled policy — `fnv64:` and 16 hex
    /// digits of a hash of its canonical model — that changes whenever what
    /// the policy decides changes, and not when only the file's layout,
    /// comments or spelling do. Edge configurations carry it, so `cors
    /// probe` can tell which version a proxy serves.
    ///
    /// ```
    /// let a = cors_policy::compile(
    ///     &cors_policy::Source::new("a.toml", r#"origins = ["https://a.test"]"#),
    ///     &Default::default(),
    /// ).unwrap();
    /// let b = cors_policy::compile(
    ///     &cors_policy::Source::new("b.toml", "# the same\norigins = [ 'HTTPS://A.TEST' ]"),
    ///     &Default::default(),
    /// ).unwrap();
    /// assert_eq!(a.fingerprint(), b.fingerprint());
    /// assert!(a.fingerprint().starts_with("fnv64:"));
    /// ```
    pub fn fingerprint(&self) -> String {
        self.policy.fingerprint.clone()
    }

    /// The run-time form of the policy, without a copy.
    pub fn into_owned_policy(self) -> OwnedPolicy {
        self.policy
    }
}

/// Runs every rule on the whole file and returns every diagnostic (what
/// `cors lint` prints).
///
/// ```
/// let report = cors_policy::check(&cors_policy::Source::new(
///     "cors.toml",
///     "origins = [\"https://App.Example.com/\"]\ncredentials = true\n",
/// ));
/// let codes: Vec<&str> = report.diagnostics().iter().map(|d| d.code).collect();
/// assert!(codes.contains(&"CORS101"), "{report}"); // not an origin: a path
/// println!("{report}"); // the annotated file, as `cors lint` shows it
/// ```
pub fn check(source: &Source) -> Report {
    let file = parse::parse_file(&source.text);
    let mut diagnostics = rules::run(&file, &source.text);
    env::refuse_in(&source.text, &mut diagnostics);
    Report::new(source.clone(), diagnostics)
}

/// Compiles the selected policy. Fails if any rule reports an error anywhere
/// in the file, or if the selection names nothing.
pub fn compile(source: &Source, selection: &Selection) -> Result<Compiled, Report> {
    let file = parse::parse_file(&source.text);
    let mut diagnostics = rules::run(&file, &source.text);
    // Placeholders are substituted only by `env::compile_with_env`.
    env::refuse_in(&source.text, &mut diagnostics);
    let chosen = select::select(&file, selection);
    // A file that did not parse has no policies to select from; its syntax
    // error is the whole story.
    let parsed = !file
        .problems
        .iter()
        .any(|p| matches!(p, ast::Problem::Syntax { .. }));
    // A file without policies has its own diagnostic; saying that none was
    // selected would add nothing.
    if let (Err(error), true) = (&chosen, parsed && !file.policies.is_empty()) {
        diagnostics.push(rules::selection::diagnostic(error));
    }
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let (policy, profile) = match chosen {
        Ok(chosen) if !failed => chosen,
        _ => return Err(Report::new(source.clone(), diagnostics)),
    };
    let spec = lower::lower(&effective::Effective::new(policy, profile));
    match build::policy(&spec) {
        Ok(owned) => Ok(Compiled {
            spec,
            policy: owned,
            warnings: Report::new(source.clone(), diagnostics),
            compiled_from: source.clone(),
        }),
        Err(error) => {
            let span = policy
                .name
                .as_ref()
                .map_or(policy.span.clone(), |n| n.span.clone());
            diagnostics.push(rules::table_layout::diagnostic(span, error));
            Err(Report::new(source.clone(), diagnostics))
        }
    }
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

/// [`load_with`], substituting `"${NAME}"` placeholders with `env` (see
/// [`mod@env`]).
///
/// # Errors
/// Unset variables and every rule's findings on the substituted values,
/// pointing at the placeholders.
pub fn load_with_env(
    source: &Source,
    selection: &Selection,
    env: impl Fn(&str) -> Option<String>,
) -> Result<OwnedPolicy, Report> {
    env::compile_with_env(source, selection, env).map(Compiled::into_owned_policy)
}

/// [`load_file`], substituting `"${NAME}"` placeholders from the process's
/// environment (a variable that is not valid UTF-8 counts as unset).
///
/// # Errors
/// As [`load_file`] and [`load_with_env`].
pub fn load_file_with_env(
    path: impl AsRef<Path>,
    selection: &Selection,
) -> Result<OwnedPolicy, Error> {
    let path = path.as_ref();
    let source = Source::new(path.display().to_string(), read(path)?);
    load_with_env(&source, selection, |name| std::env::var(name).ok()).map_err(Error::Policy)
}

/// Reads and compiles a policy file into a run-time policy. A relative
/// `path` is taken from the process's working directory (`cors_policy!`'s
/// `file` is relative to the crate's `CARGO_MANIFEST_DIR` instead).
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

/// Why a policy file could not be compiled. `Debug` renders it as `Display`
/// does, so `fn main() -> Result<(), cors_policy::Error>` prints the
/// diagnostics.
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file has errors, or a backend cannot express the policy exactly
    /// (the diagnostics say where and why).
    Policy(Report),
    /// An option of a backend is unusable (e.g. an upstream URL HAProxy
    /// cannot reach).
    Emit(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, error } => {
                write!(f, "cannot read policy file {}: {error}", path.display())
            }
            Error::Policy(report) => write!(f, "{report}"),
            Error::Emit(message) => f.write_str(message),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { error, .. } => Some(error),
            Error::Policy(report) => Some(report),
            Error::Emit(_) => None,
        }
    }
}

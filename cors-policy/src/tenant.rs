//! Origin lists submitted by tenants — the applications of a platform, each
//! with its own allowed origins on top of a shared base policy — checked
//! with every rule of a policy file and compiled into the runtime's origin
//! tables.
//!
//! A tenant's list is checked as the `origins` of a policy file that has
//! the base policy's other settings and `[lints]` levels, so every rule,
//! code, message and help is exactly the one `cors lint` gives for the same
//! origins in a file. Each diagnostic is tied to the origin it is about.
//!
//! ```
//! use cors_policy::tenant::TenantBase;
//! use cors_policy::{Selection, Source};
//!
//! let base = TenantBase::new(
//!     &Source::new("platform.toml", "origins = []\ncredentials = true\n"),
//!     &Selection::default(),
//! ).unwrap();
//! let accepted = base.check(&["https://app.customer.example"]).unwrap();
//! assert_eq!(accepted.patterns().len(), 1);
//!
//! let refused = base.check(&["https://app.customer.example", "https://*.com"]).unwrap_err();
//! assert_eq!(refused[0].code, "CORS104");
//! assert_eq!(refused[0].origin_index, Some(1));
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::ops::Range;

use cors_runtime::__private::{BuildError, OwnedOrigins};
use cors_runtime::OnReject;

use crate::diagnostic::{Diagnostic, Severity, Source};
use crate::lower::PolicySpec;
use crate::pattern::OriginPattern;
use crate::{Report, Selection};

/// One finding on a tenant's origin list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantDiagnostic {
    /// The rule's stable code, e.g. `CORS104`.
    pub code: &'static str,
    /// The rule's name, e.g. `public-suffix-wildcard`.
    pub rule: &'static str,
    /// Severity under the base file's `[lints]`.
    pub severity: Severity,
    /// What is wrong, in one sentence (the rule's own message).
    pub message: String,
    /// The rule's label for the offending text.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The position in the submitted list of the origin it is about; `None`
    /// when it is about the list as a whole (e.g. an empty list).
    pub origin_index: Option<usize>,
    /// That origin, as submitted.
    pub origin: Option<String>,
}

/// A tenant's accepted origins: the canonical patterns, their tables, and
/// the warnings the rules gave.
#[derive(Clone, Debug)]
pub struct TenantOrigins {
    patterns: BTreeSet<OriginPattern>,
    tables: OwnedOrigins,
    warnings: Vec<TenantDiagnostic>,
}

impl TenantOrigins {
    /// The canonical patterns.
    pub fn patterns(&self) -> &BTreeSet<OriginPattern> {
        &self.patterns
    }

    /// The runtime's origin tables for them.
    #[doc(hidden)]
    pub fn tables(&self) -> &OwnedOrigins {
        &self.tables
    }

    /// Warnings and infos (an accepted list has no errors).
    pub fn warnings(&self) -> &[TenantDiagnostic] {
        &self.warnings
    }
}

/// The base policy tenants' origins are checked against.
#[derive(Clone, Debug)]
pub struct TenantBase {
    /// The base's settings other than origins, as policy-file lines.
    settings: String,
    /// The base file's `[lints]` table, if any.
    lints: String,
}

impl TenantBase {
    /// The policy `selection` of `source` as the base. Its own origins are
    /// not used: each tenant brings its own.
    ///
    /// # Errors
    /// The base policy's own diagnostics, when it does not compile.
    pub fn new(source: &Source, selection: &Selection) -> Result<TenantBase, Report> {
        let compiled = crate::compile(source, selection)?;
        // The file's `[lints]` levels apply to its tenants' origins too.
        let lints = source
            .text
            .parse::<toml_edit::DocumentMut>()
            .ok()
            .and_then(|doc| {
                let table = doc.get("lints")?.as_table()?.clone();
                let mut only = toml_edit::DocumentMut::new();
                only.insert("lints", toml_edit::Item::Table(table));
                Some(only.to_string())
            })
            .unwrap_or_default();
        Ok(TenantBase {
            settings: settings(compiled.spec()),
            lints,
        })
    }

    /// Checks a tenant's origin list with every rule of a policy file.
    ///
    /// # Errors
    /// Every diagnostic (errors and warnings) when any is an error; the
    /// list is then refused.
    pub fn check(&self, origins: &[&str]) -> Result<TenantOrigins, Vec<TenantDiagnostic>> {
        let (text, elements) = self.document(origins);
        let source = Source::new("<tenant origins>", text);
        let elements_span = elements
            .first()
            .zip(elements.last())
            .map(|(first, last)| first.start..last.end);
        let keep = |d: &Diagnostic| {
            d.severity == Severity::Error
                || elements_span
                    .as_ref()
                    .is_some_and(|s| s.contains(&d.span.start))
        };
        let describe = |d: &Diagnostic| {
            let index = [Some(&d.span), d.secondary.as_ref().map(|(s, _)| s)]
                .into_iter()
                .flatten()
                .find_map(|span| elements.iter().position(|e| e.contains(&span.start)));
            TenantDiagnostic {
                code: d.code,
                rule: d.rule,
                severity: d.severity,
                message: d.message.clone(),
                label: d.label.clone(),
                help: d.help.clone(),
                origin_index: index,
                origin: index.map(|i| origins[i].to_string()),
            }
        };
        match crate::compile(&source, &Selection::default()) {
            Ok(compiled) => {
                let warnings = compiled
                    .warnings()
                    .diagnostics()
                    .iter()
                    .filter(|d| keep(d))
                    .map(describe)
                    .collect();
                let patterns = compiled.spec().origins.clone();
                let tables = origin_tables(&patterns).map_err(|error| {
                    vec![TenantDiagnostic {
                        code: crate::rules::table_layout::META.code,
                        rule: crate::rules::table_layout::META.name,
                        severity: Severity::Error,
                        message: error.to_string(),
                        label: "these origins".into(),
                        help: None,
                        origin_index: None,
                        origin: None,
                    }]
                })?;
                Ok(TenantOrigins {
                    patterns,
                    tables,
                    warnings,
                })
            }
            Err(report) => Err(report
                .diagnostics()
                .iter()
                .filter(|d| keep(d))
                .map(describe)
                .collect()),
        }
    }

    /// The policy file a tenant's list is checked as, and the byte range of
    /// each origin in it.
    fn document(&self, origins: &[&str]) -> (String, Vec<Range<usize>>) {
        let mut text = String::from("origins = [\n");
        let mut elements = Vec::with_capacity(origins.len());
        for origin in origins {
            text.push_str("    ");
            let start = text.len();
            // toml_edit writes the string escaped: nothing a tenant submits
            // can end the array or add a key.
            let _ = write!(text, "{}", toml_edit::Value::from(*origin));
            elements.push(start..text.len());
            text.push_str(",\n");
        }
        text.push_str("]\n");
        text.push_str(&self.settings);
        text.push_str(&self.lints);
        (text, elements)
    }
}

/// A policy's settings other than its origins, as policy-file lines.
fn settings(spec: &PolicySpec) -> String {
    let list = |any: bool, items: &[String]| -> String {
        let mut all: Vec<toml_edit::Value> = Vec::new();
        if any {
            all.push("*".into());
        }
        all.extend(items.iter().map(|i| toml_edit::Value::from(i.as_str())));
        let array: toml_edit::Array = all.into_iter().collect();
        array.to_string()
    };
    let mut out = String::new();
    let _ = writeln!(out, "methods = {}", list(spec.any_method, &spec.methods));
    let _ = writeln!(
        out,
        "allow_headers = {}",
        list(spec.any_header, &spec.allow_headers)
    );
    let _ = writeln!(
        out,
        "expose_headers = {}",
        list(spec.any_expose, &spec.expose_headers)
    );
    let _ = writeln!(out, "credentials = {}", spec.credentials);
    if let Some(max_age) = spec.max_age {
        let _ = writeln!(out, "max_age = {max_age}");
    }
    let _ = writeln!(out, "preflight_status = {}", spec.preflight_status);
    let on_reject = match spec.on_reject {
        OnReject::Omit => "omit",
        OnReject::Forbid => "forbid",
    };
    let _ = writeln!(out, "on_reject = \"{on_reject}\"");
    if !spec.server_origins.is_empty() {
        let servers: Vec<String> = spec.server_origins.iter().map(|o| o.to_string()).collect();
        let _ = writeln!(out, "server_origins = {}", list(false, &servers));
    }
    out
}

/// The runtime's origin tables for a set of canonical patterns (what a
/// compiled policy's `origins` become).
///
/// # Errors
/// When a table cannot be laid out (see [`BuildError`]).
pub fn origin_tables<'a>(
    patterns: impl IntoIterator<Item = &'a OriginPattern>,
) -> Result<OwnedOrigins, BuildError> {
    crate::build::origins(false, patterns)
}

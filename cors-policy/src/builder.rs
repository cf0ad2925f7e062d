//! A policy built in code — origins from a config service or an
//! environment variable — through the very compiler a policy file goes
//! through.
//!
//! [`PolicyBuilder`] writes its arguments as a policy file (each value
//! escaped by `toml_edit`, so no argument can add a key or end a list),
//! remembers where each argument went, and compiles it with
//! [`crate::compile`]. The checks, rule codes, messages and help are
//! therefore the ones `cors lint` gives for the same policy in TOML, and
//! each diagnostic names the builder call and argument it is about
//! ([`BuilderArgument`]) instead of a line.
//!
//! ```
//! use cors_policy::PolicyBuilder;
//!
//! let policy = PolicyBuilder::new()
//!     .origins(["https://app.example.com", "https://admin.example.com"])
//!     .methods(["GET", "PUT"])
//!     .allow_headers(["content-type"])
//!     .credentials(true)
//!     .max_age(600)
//!     .build()
//!     .unwrap();
//! assert!(cors_runtime::PolicySource::policy(&policy).allows_origin(b"https://app.example.com"));
//!
//! let refused = PolicyBuilder::new()
//!     .origins(["https://app.example.com", "https://*.com"])
//!     .build()
//!     .unwrap_err();
//! let (_, argument) = refused.diagnostics().find(|(d, _)| d.code == "CORS104").unwrap();
//! assert_eq!(argument.map(|a| (a.method, a.index)), Some(("origins", Some(1))));
//! println!("{refused}"); // error[CORS104]: … --> PolicyBuilder::origins, argument 1: "https://*.com"
//! ```

use std::fmt::{self, Write as _};
use std::ops::Range;

use cors_runtime::{LogLevel, OnReject, OwnedPolicy};

use crate::diagnostic::{Diagnostic, Report, Severity, Source};
use crate::{Compiled, Selection};

/// Which builder call, and which of its values, a diagnostic is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuilderArgument {
    /// The builder method, e.g. `origins`.
    pub method: &'static str,
    /// The position among that method's values, for a list (counting every
    /// call of the method in order); `None` for a single value.
    pub index: Option<usize>,
}

impl fmt::Display for BuilderArgument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(i) => write!(f, "PolicyBuilder::{}, argument {i}", self.method),
            None => write!(f, "PolicyBuilder::{}", self.method),
        }
    }
}

/// Builds a policy in code, with the policy file's checks.
///
/// List methods (`origins`, `methods`, …) add to what earlier calls gave;
/// value methods (`credentials`, `max_age`, …) replace it. Nothing is
/// checked until [`PolicyBuilder::build`], which reports every problem at
/// once.
#[derive(Clone, Debug, Default)]
pub struct PolicyBuilder {
    name: String,
    any_origin: bool,
    origins: Vec<String>,
    methods: Option<Vec<String>>,
    allow_headers: Vec<String>,
    expose_headers: Vec<String>,
    credentials: Option<bool>,
    max_age: Option<u32>,
    preflight_status: Option<u16>,
    on_reject: Option<OnReject>,
    server_origins: Vec<String>,
    report_only: Option<bool>,
    log_rejections: Option<LogLevel>,
    fingerprint_header: Option<bool>,
    lints: Vec<(String, String)>,
}

impl PolicyBuilder {
    /// An empty policy: no origin allowed until [`PolicyBuilder::origins`].
    pub fn new() -> Self {
        PolicyBuilder::default()
    }

    /// The policy's name (in diagnostics, logs and `Policy::name`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Allowed origin patterns, exactly as in a policy file's `origins`
    /// (`https://app.example.com`, `https://*.example.com`,
    /// `http://localhost:*`).
    pub fn origins<I: IntoIterator<Item = S>, S: Into<String>>(mut self, origins: I) -> Self {
        self.origins.extend(origins.into_iter().map(Into::into));
        self
    }

    /// `origins = "*"`: any origin (never with credentials).
    pub fn any_origin(mut self) -> Self {
        self.any_origin = true;
        self
    }

    /// Allowed methods (`"*"` for any); without a call, the file default.
    pub fn methods<I: IntoIterator<Item = S>, S: Into<String>>(mut self, methods: I) -> Self {
        self.methods
            .get_or_insert_with(Vec::new)
            .extend(methods.into_iter().map(Into::into));
        self
    }

    /// Request headers a preflight may ask for (`"*"` for any).
    pub fn allow_headers<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.allow_headers.extend(names.into_iter().map(Into::into));
        self
    }

    /// Response headers the page may read (`"*"` for any).
    pub fn expose_headers<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.expose_headers
            .extend(names.into_iter().map(Into::into));
        self
    }

    /// Whether credentialed requests are allowed.
    pub fn credentials(mut self, credentials: bool) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// `Access-Control-Max-Age`, in seconds.
    pub fn max_age(mut self, seconds: u32) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// The status of an allowed preflight (200 or 204).
    pub fn preflight_status(mut self, status: u16) -> Self {
        self.preflight_status = Some(status);
        self
    }

    /// What a rejected request gets.
    pub fn on_reject(mut self, on_reject: OnReject) -> Self {
        self.on_reject = Some(on_reject);
        self
    }

    /// The service's own origins (same-origin requests without
    /// `Sec-Fetch-Site`).
    pub fn server_origins<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        origins: I,
    ) -> Self {
        self.server_origins
            .extend(origins.into_iter().map(Into::into));
        self
    }

    /// Evaluate and report every request, enforce nothing
    /// (`report_only`).
    pub fn report_only(mut self, report_only: bool) -> Self {
        self.report_only = Some(report_only);
        self
    }

    /// The level rejections are logged at (`log_rejections`).
    pub fn log_rejections(mut self, level: LogLevel) -> Self {
        self.log_rejections = Some(level);
        self
    }

    /// Send the policy's fingerprint as `x-corsc-policy` on the answers
    /// the adapters make (`fingerprint_header`).
    pub fn fingerprint_header(mut self, send: bool) -> Self {
        self.fingerprint_header = Some(send);
        self
    }

    /// A lint rule's level, as in a file's `[lints]`: `rule` is its name
    /// or code, `level` one of `allow`, `warn`, `deny`. Its diagnostics
    /// name the call's position among the `lint` calls; a later call for
    /// the same rule replaces an earlier one.
    pub fn lint(mut self, rule: impl Into<String>, level: impl Into<String>) -> Self {
        self.lints.push((rule.into(), level.into()));
        self
    }

    /// Checks and compiles the policy.
    ///
    /// # Errors
    /// Every diagnostic, when any is an error; nothing is accepted that the
    /// same policy file would refuse.
    pub fn build(self) -> Result<OwnedPolicy, BuilderReport> {
        self.compile().map(Compiled::into_owned_policy)
    }

    /// [`PolicyBuilder::build`], keeping the compiled policy's model and
    /// its warnings ([`BuilderReport`] with no error).
    ///
    /// # Errors
    /// As [`PolicyBuilder::build`].
    pub fn build_with_warnings(self) -> Result<(OwnedPolicy, BuilderReport), BuilderReport> {
        let document = self.document();
        match crate::compile(&document.source(), &self.selection()) {
            Ok(compiled) => {
                let warnings = document.report(compiled.warnings().clone());
                Ok((compiled.into_owned_policy(), warnings))
            }
            Err(report) => Err(document.report(report)),
        }
    }

    fn compile(self) -> Result<Compiled, BuilderReport> {
        let document = self.document();
        crate::compile(&document.source(), &self.selection()).map_err(|r| document.report(r))
    }

    fn selection(&self) -> Selection {
        if self.name.is_empty() {
            Selection::default()
        } else {
            Selection::policy(self.name.as_str())
        }
    }

    /// The policy file the builder stands for, and where each argument is
    /// in it.
    fn document(&self) -> Document {
        let mut d = Document::default();
        if !self.name.is_empty() {
            // A named policy is a `[policies.<name>]` table.
            let start = d.text.len();
            let _ = writeln!(
                d.text,
                "[policies.{}]",
                toml_edit::Key::new(self.name.as_str())
            );
            d.spans.push((
                start..d.text.len(),
                BuilderArgument {
                    method: "name",
                    index: None,
                },
            ));
        }
        if self.any_origin && self.origins.is_empty() {
            d.text.push_str("origins = ");
            d.value("any_origin", None, "*");
            d.text.push('\n');
        } else if self.any_origin {
            // Both: the file's `["*", …]`, which the rules refuse (CORS103),
            // never one silently winning over the other.
            d.text.push_str("origins = [");
            d.value("any_origin", None, "*");
            for (i, o) in self.origins.iter().enumerate() {
                d.text.push_str(", ");
                d.value("origins", Some(i), o);
            }
            d.text.push_str("]\n");
        } else {
            d.list("origins", "origins", &self.origins);
        }
        if let Some(methods) = &self.methods {
            d.list("methods", "methods", methods);
        }
        d.list("allow_headers", "allow_headers", &self.allow_headers);
        d.list("expose_headers", "expose_headers", &self.expose_headers);
        if let Some(c) = self.credentials {
            d.scalar("credentials", "credentials", &c.to_string());
        }
        if let Some(m) = self.max_age {
            d.scalar("max_age", "max_age", &m.to_string());
        }
        if let Some(s) = self.preflight_status {
            d.scalar("preflight_status", "preflight_status", &s.to_string());
        }
        if let Some(r) = self.on_reject {
            let text = match r {
                OnReject::Omit => "omit",
                OnReject::Forbid => "forbid",
            };
            d.text.push_str("on_reject = ");
            d.value("on_reject", None, text);
            d.text.push('\n');
        }
        if !self.server_origins.is_empty() {
            d.list("server_origins", "server_origins", &self.server_origins);
        }
        if let Some(r) = self.report_only {
            d.scalar("report_only", "report_only", &r.to_string());
        }
        if let Some(level) = self.log_rejections {
            d.text.push_str("log_rejections = ");
            d.value("log_rejections", None, level.as_str());
            d.text.push('\n');
        }
        if let Some(f) = self.fingerprint_header {
            d.scalar("fingerprint_header", "fingerprint_header", &f.to_string());
        }
        if !self.lints.is_empty() {
            d.text.push_str("\n[lints]\n");
            for (i, (rule, level)) in self.lints.iter().enumerate() {
                // A later call for the same rule wins, as for other values.
                if self.lints[i + 1..].iter().any(|(r, _)| r == rule) {
                    continue;
                }
                let argument = BuilderArgument {
                    method: "lint",
                    index: Some(i),
                };
                let start = d.text.len();
                let _ = write!(d.text, "{} = ", toml_edit::Key::new(rule.as_str()));
                d.spans.push((start..d.text.len(), argument));
                d.value("lint", Some(i), level);
                d.text.push('\n');
            }
        }
        d
    }
}

/// The generated file and the argument behind each span of it.
#[derive(Default)]
struct Document {
    text: String,
    spans: Vec<(Range<usize>, BuilderArgument)>,
}

impl Document {
    fn source(&self) -> Source {
        Source::new("<PolicyBuilder>", self.text.clone())
    }

    /// Writes `value` as an escaped TOML string and records its span.
    fn value(&mut self, method: &'static str, index: Option<usize>, value: &str) {
        let start = self.text.len();
        let _ = write!(self.text, "{}", toml_edit::Value::from(value));
        self.spans
            .push((start..self.text.len(), BuilderArgument { method, index }));
    }

    fn list(&mut self, key: &str, method: &'static str, values: &[String]) {
        let start = self.text.len();
        let _ = write!(self.text, "{key} = [");
        // The list as a whole (an empty list's own diagnostics).
        self.spans.push((
            start..self.text.len(),
            BuilderArgument {
                method,
                index: None,
            },
        ));
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.value(method, Some(i), v);
        }
        self.text.push_str("]\n");
    }

    fn scalar(&mut self, key: &str, method: &'static str, literal: &str) {
        self.text.push_str(key);
        self.text.push_str(" = ");
        let start = self.text.len();
        self.text.push_str(literal);
        self.spans.push((
            start..self.text.len(),
            BuilderArgument {
                method,
                index: None,
            },
        ));
        self.text.push('\n');
    }

    /// The argument a diagnostic's span falls in (the innermost one), and
    /// that argument's span.
    fn argument(&self, d: &Diagnostic) -> Option<(BuilderArgument, Range<usize>)> {
        self.spans
            .iter()
            .filter(|(span, _)| span.start <= d.span.start && d.span.start < span.end)
            .min_by_key(|(span, _)| span.len())
            .map(|(span, argument)| (*argument, span.clone()))
    }

    fn report(&self, report: Report) -> BuilderReport {
        let arguments = report
            .diagnostics()
            .iter()
            .map(|d| self.argument(d))
            .collect();
        BuilderReport { report, arguments }
    }
}

/// What [`PolicyBuilder::build`] found: the policy compiler's diagnostics,
/// each with the builder argument it is about. `Display` (and `Debug`)
/// render them rustc-style, naming the argument instead of a line.
#[derive(Clone, PartialEq, Eq)]
pub struct BuilderReport {
    report: Report,
    /// Per diagnostic, its argument and where that argument is written.
    arguments: Vec<Option<(BuilderArgument, Range<usize>)>>,
}

impl BuilderReport {
    /// Every diagnostic with its argument (`None` for one about the policy
    /// as a whole), in the order the policy file would list them.
    pub fn diagnostics(&self) -> impl Iterator<Item = (&Diagnostic, Option<BuilderArgument>)> {
        self.report
            .diagnostics()
            .iter()
            .zip(self.arguments.iter().map(|a| a.as_ref().map(|(a, _)| *a)))
    }

    /// The diagnostics as they are for the equivalent policy file, drawn
    /// against it (`--> <PolicyBuilder>:line:col`).
    pub fn as_file_report(&self) -> &Report {
        &self.report
    }

    /// True if any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.report.has_errors()
    }
}

impl fmt::Display for BuilderReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (d, argument)) in self
            .report
            .diagnostics()
            .iter()
            .zip(&self.arguments)
            .enumerate()
        {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            write!(f, "{level}[{}]: {} [{}]", d.code, d.message, d.rule)?;
            if let Some((argument, span)) = argument {
                let value = self
                    .report
                    .source()
                    .text
                    .get(span.clone())
                    .unwrap_or_default();
                write!(f, "\n --> {argument}: {value}")?;
            }
            if let Some(help) = &d.help {
                write!(f, "\n  = help: {help}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for BuilderReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BuilderReport {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_names_its_argument() {
        let refused = PolicyBuilder::new()
            .origins(["https://a.example/", "https://ok.example"])
            .origins(["https://*.com"])
            .credentials(true)
            .max_age(100_000)
            .build()
            .unwrap_err();
        let found: Vec<(&str, Option<BuilderArgument>)> =
            refused.diagnostics().map(|(d, a)| (d.code, a)).collect();
        let at = |method, index| Some(BuilderArgument { method, index });
        assert!(
            found.contains(&("CORS101", at("origins", Some(0)))),
            "{found:?}"
        );
        assert!(
            found.contains(&("CORS104", at("origins", Some(2)))),
            "{found:?}"
        );
        assert!(
            found.contains(&("CORS401", at("max_age", None))),
            "{found:?}"
        );
        let text = refused.to_string();
        assert!(text.contains("error[CORS101]"), "{text}");
        assert!(
            text.contains("--> PolicyBuilder::origins, argument 0: \"https://a.example/\""),
            "{text}"
        );
        assert_eq!(format!("{refused:?}"), text);
    }

    #[test]
    fn any_origin_with_listed_origins_is_refused_as_in_a_file() {
        // `any_origin()` used to win silently over the listed origins.
        let refused = PolicyBuilder::new()
            .any_origin()
            .origins(["https://app.example.com"])
            .build()
            .unwrap_err();
        let (d, argument) = refused.diagnostics().next().unwrap();
        assert_eq!(d.code, "CORS103");
        assert_eq!(argument.map(|a| a.method), Some("any_origin"));
    }

    #[test]
    fn lint_calls_are_numbered_and_a_later_one_wins() {
        let refused = PolicyBuilder::new()
            .origins(["https://a.example"])
            .lint("null-origin", "allow")
            .lint("no-such-rule", "allow")
            .build()
            .unwrap_err();
        let (_, argument) = refused
            .diagnostics()
            .find(|(d, _)| d.code == "CORS002")
            .unwrap();
        assert_eq!(argument.and_then(|a| a.index), Some(1));
        // The same rule twice was a duplicate key (CORS001).
        let (_, warnings) = PolicyBuilder::new()
            .origins(["https://*.example.com"])
            .credentials(true)
            .lint("broad-wildcard-with-credentials", "deny")
            .lint("broad-wildcard-with-credentials", "allow")
            .build_with_warnings()
            .unwrap();
        assert_eq!(warnings.diagnostics().count(), 0, "{warnings}");
    }

    #[test]
    fn an_argument_cannot_add_a_key() {
        // Quotes and newlines stay inside the escaped string.
        let refused = PolicyBuilder::new()
            .origins(["https://a.example\"]\ncredentials = true\norigins = [\"*"])
            .build()
            .unwrap_err();
        assert!(refused.has_errors());
        assert!(
            refused
                .diagnostics()
                .all(|(_, a)| a.map(|a| a.method) == Some("origins")),
            "{refused}"
        );
    }

    #[test]
    fn warnings_come_back_with_the_policy() {
        let (_, warnings) = PolicyBuilder::new()
            .origins(["https://app.example.com", "https://*.example.com"])
            .build_with_warnings()
            .unwrap();
        assert!(!warnings.has_errors());
        let codes: Vec<&str> = warnings.diagnostics().map(|(d, _)| d.code).collect();
        assert_eq!(codes, ["CORS107"]);
    }

    #[test]
    fn lint_levels_apply_as_in_a_file() {
        let builder = PolicyBuilder::new()
            .origins(["https://*.example.com"])
            .credentials(true);
        let warned = builder.clone().build_with_warnings().unwrap().1;
        assert!(warned.diagnostics().any(|(d, _)| d.code == "CORS204"));
        let quiet = builder
            .lint("broad-wildcard-with-credentials", "allow")
            .build_with_warnings()
            .unwrap()
            .1;
        assert_eq!(quiet.diagnostics().count(), 0, "{quiet}");
    }
}

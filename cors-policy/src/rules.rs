//! The rule catalogue: one rule per file, each with a stable code, a one-line
//! summary and a doc (what it catches, why it matters, how to fix it).
//!
//! Rules run over the parsed file (`Rule::check_file`) and over every policy
//! with every profile applied (`Rule::check_policy`). A rule reports
//! findings; the context turns them into [`Diagnostic`]s with the severity
//! the file's `[lints]` table sets. Findings made outside the rule pass —
//! a selection that names nothing, tables that cannot be laid out — are
//! rendered by their rule's file too, and no `[lints]` level applies to them.
//!
//! ```
//! let rule = cors_policy::rules::find("credentials-with-any-origin").unwrap();
//! assert_eq!(rule.code, "CORS201");
//! assert!(cors_policy::rules::all().any(|r| r.code == "CORS104"));
//! ```
//!
//! Codes: `CORS0xx` file structure, `CORS1xx` origins, `CORS2xx` credentials,
//! `CORS3xx` methods and headers, `CORS4xx` caching, `CORS5xx` what a
//! backend cannot express (run by that backend, at emit time).

use std::ops::Range;

use crate::ast::{FileAst, LintLevel};
use crate::diagnostic::{Diagnostic, Severity};
use crate::effective::Effective;
use crate::fix::Fix;

mod allow_headers_wildcard_authorization;
mod broad_wildcard_with_credentials;
mod bucket_credentials;
mod bucket_forbid;
mod bucket_headers;
mod bucket_methods;
mod bucket_origin_form;
mod credentials_with_any_origin;
mod credentials_with_wildcard_list;
mod duplicate_entry;
mod duplicate_origin;
pub(crate) mod environment;
mod forbidden_method;
mod forbidden_request_header;
mod insecure_origin_with_credentials;
mod invalid_origin;
mod invalid_server_origin;
mod invalid_token;
mod invalid_value;
mod max_age_above_browser_limit;
mod method_case;
mod missing_origins;
mod non_canonical_origin;
mod null_origin;
mod null_origin_with_credentials;
mod origin_covered_by_wildcard;
mod private_origin_outside_dev;
mod public_suffix_wildcard;
mod safelisted_header_listed;
pub(crate) mod selection;
mod set_cookie_exposed;
pub(crate) mod table_layout;
mod toml_syntax;
mod unknown_key;
mod unsupported_wildcard;

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, e.g. `CORS201`.
    pub code: &'static str,
    /// Stable name, e.g. `credentials-with-any-origin`.
    pub name: &'static str,
    /// Severity unless `[lints]` changes it.
    pub severity: Severity,
    /// Whether `[lints]` may change it. Rules whose violation makes the
    /// policy meaningless or unsafe in every browser cannot be relaxed.
    pub configurable: bool,
    /// One line.
    pub summary: &'static str,
    /// The full doc, Markdown: what it catches, why it is dangerous, how to
    /// fix it, with a bad and a good example.
    pub doc: &'static str,
}

/// What a rule found.
#[derive(Clone, Debug)]
pub(crate) struct Finding {
    /// Where.
    pub(crate) span: Range<usize>,
    /// What is wrong.
    pub(crate) message: String,
    /// Label under the caret.
    pub(crate) label: String,
    /// A related place.
    pub(crate) secondary: Option<(Range<usize>, String)>,
    /// How to fix it.
    pub(crate) help: Option<String>,
    /// The edits that fix it, when the rule knows them.
    pub(crate) fix: Option<Fix>,
}

impl Finding {
    /// A finding at `span`.
    pub(crate) fn new(
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Finding {
            span,
            message: message.into(),
            label: label.into(),
            secondary: None,
            help: None,
            fix: None,
        }
    }

    /// Adds the machine fix.
    pub(crate) fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Adds the fix.
    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a related place.
    pub(crate) fn secondary(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        self.secondary = Some((span, label.into()));
        self
    }
}

/// A lint rule.
pub(crate) trait Rule: Sync {
    /// Its identity and doc.
    fn meta(&self) -> &'static RuleMeta;

    /// Checks the file as a whole (structure problems).
    fn check_file(&self, _cx: &mut Context<'_>, _file: &FileAst) {}

    /// Checks one policy with one profile applied.
    fn check_policy(&self, _cx: &mut Context<'_>, _policy: &Effective<'_>) {}
}

/// Every rule, in code order.
static RULES: &[&dyn Rule] = &[
    &toml_syntax::TomlSyntax,
    &unknown_key::UnknownKey,
    &invalid_value::InvalidValue,
    &missing_origins::MissingOrigins,
    &selection::Selection,
    &table_layout::TableLayout,
    &environment::Environment,
    &invalid_origin::InvalidOrigin,
    &non_canonical_origin::NonCanonicalOrigin,
    &unsupported_wildcard::UnsupportedWildcard,
    &public_suffix_wildcard::PublicSuffixWildcard,
    &null_origin::NullOrigin,
    &duplicate_origin::DuplicateOrigin,
    &origin_covered_by_wildcard::OriginCoveredByWildcard,
    &private_origin_outside_dev::PrivateOriginOutsideDev,
    &invalid_server_origin::InvalidServerOrigin,
    &credentials_with_any_origin::CredentialsWithAnyOrigin,
    &credentials_with_wildcard_list::CredentialsWithWildcardList,
    &insecure_origin_with_credentials::InsecureOriginWithCredentials,
    &broad_wildcard_with_credentials::BroadWildcardWithCredentials,
    &null_origin_with_credentials::NullOriginWithCredentials,
    &forbidden_method::ForbiddenMethod,
    &method_case::MethodCase,
    &invalid_token::InvalidToken,
    &forbidden_request_header::ForbiddenRequestHeader,
    &set_cookie_exposed::SetCookieExposed,
    &safelisted_header_listed::SafelistedHeaderListed,
    &allow_headers_wildcard_authorization::AllowHeadersWildcardAuthorization,
    &duplicate_entry::DuplicateEntry,
    &max_age_above_browser_limit::MaxAgeAboveBrowserLimit,
];

/// The refusals of the bucket backends (`cors emit --target s3|gcs`): not
/// run on every policy, only when emitting for a bucket.
static BUCKET_RULES: &[&RuleMeta] = &[
    bucket_origin_form::META,
    bucket_credentials::META,
    bucket_methods::META,
    bucket_headers::META,
    bucket_forbid::META,
];

/// Every rule's identity and document, in code order.
pub fn all() -> impl ExactSizeIterator<Item = &'static RuleMeta> {
    RULES
        .iter()
        .map(|r| r.meta())
        .chain(BUCKET_RULES.iter().copied())
        .collect::<Vec<_>>()
        .into_iter()
}

/// What `bucket` cannot express of the selected policy `p` (lowered to
/// `spec`), as diagnostics: errors no `[lints]` level relaxes.
pub(crate) fn bucket_refusals(
    p: &Effective<'_>,
    spec: &crate::PolicySpec,
    bucket: crate::emit::bucket::Bucket,
) -> Vec<Diagnostic> {
    let found = [
        (
            bucket_origin_form::META,
            bucket_origin_form::check(p, bucket),
        ),
        (
            bucket_credentials::META,
            bucket_credentials::check(p, spec, bucket),
        ),
        (bucket_methods::META, bucket_methods::check(p, bucket)),
        (bucket_headers::META, bucket_headers::check(p, spec, bucket)),
        (bucket_forbid::META, bucket_forbid::check(p, bucket)),
    ];
    let mut cx = Context::new(&[], "");
    cx.set_context(p.describe());
    for (meta, findings) in found {
        for finding in findings {
            cx.report(meta, finding);
        }
    }
    cx.into_diagnostics()
}

/// Finds a rule by code (`CORS201`) or name (`credentials-with-any-origin`),
/// case-insensitively.
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    all().find(|m| m.code.eq_ignore_ascii_case(id) || m.name.eq_ignore_ascii_case(id))
}

/// Collects diagnostics, applying the file's lint levels.
#[derive(Debug)]
pub(crate) struct Context<'a> {
    levels: &'a [(String, LintLevel)],
    /// The file's text, for fixes that must see around a value.
    text: &'a str,
    context: Option<String>,
    out: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(levels: &'a [(String, LintLevel)], text: &'a str) -> Self {
        Context {
            levels,
            text,
            context: None,
            out: Vec::new(),
        }
    }

    /// The file's text.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    pub(crate) fn set_context(&mut self, context: Option<String>) {
        self.context = context;
    }

    /// Reports a finding of the rule `meta`.
    pub(crate) fn report(&mut self, meta: &'static RuleMeta, finding: Finding) {
        let mut severity = meta.severity;
        if meta.configurable {
            let level = self.levels.iter().rev().find(|(id, _)| {
                id.eq_ignore_ascii_case(meta.name) || id.eq_ignore_ascii_case(meta.code)
            });
            match level.map(|(_, l)| *l) {
                Some(LintLevel::Allow) => return,
                Some(LintLevel::Warn) => severity = Severity::Warning,
                Some(LintLevel::Deny) => severity = Severity::Error,
                None => {}
            }
        }
        self.out.push(Diagnostic {
            code: meta.code,
            rule: meta.name,
            severity,
            message: finding.message,
            span: finding.span,
            label: finding.label,
            secondary: finding.secondary,
            help: finding.help,
            fix: finding.fix,
            context: self.context.clone(),
        });
    }

    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.out
    }
}

/// Runs every rule over `file`: the file checks once, the policy checks on
/// each policy alone and with each of its profiles.
pub(crate) fn run(file: &FileAst, text: &str) -> Vec<Diagnostic> {
    let levels: Vec<(String, LintLevel)> = file
        .lints
        .iter()
        .map(|(n, l)| (n.value.clone(), *l))
        .collect();
    let mut cx = Context::new(&levels, text);
    for rule in RULES {
        rule.check_file(&mut cx, file);
    }
    for policy in &file.policies {
        let variants = std::iter::once(None).chain(policy.profiles.iter().map(Some));
        for profile in variants {
            let effective = Effective::new(policy, profile);
            cx.set_context(effective.describe());
            for rule in RULES {
                rule.check_policy(&mut cx, &effective);
            }
        }
    }
    cx.into_diagnostics()
}

/// The diagnostic of a finding made outside the rule pass: no `[lints]`
/// level applies to it.
pub(crate) fn unrelaxable(meta: &'static RuleMeta, finding: Finding) -> Diagnostic {
    let mut cx = Context::new(&[], "");
    cx.report(meta, finding);
    cx.out.remove(0)
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for rule tests: run the whole pipeline on a TOML text.
    use crate::diagnostic::{Diagnostic, Source};

    /// Every diagnostic for `toml`.
    pub(crate) fn diagnostics(toml: &str) -> Vec<Diagnostic> {
        crate::check(&Source::new("policy.toml", toml))
            .diagnostics()
            .to_vec()
    }

    /// The codes reported for `toml`.
    pub(crate) fn codes(toml: &str) -> Vec<&'static str> {
        diagnostics(toml).into_iter().map(|d| d.code).collect()
    }

    /// Asserts that `code` is reported for `bad` and not for `good`.
    pub(crate) fn assert_rule(code: &str, bad: &str, good: &str) {
        assert!(
            codes(bad).contains(&code),
            "{code} not reported for:\n{bad}\ngot {:?}",
            diagnostics(bad)
        );
        assert!(
            !codes(good).contains(&code),
            "{code} reported for:\n{good}\ngot {:?}",
            diagnostics(good)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_in_a_profile_or_named_policy_says_where() {
        let text = "[policies.api]\norigins = [\"https://a.example\"]\n[policies.api.profiles.dev]\nextra_origins = [\"https://a.example:443\"]\n";
        let diagnostics = run(&crate::parse::parse_file(text), text);
        let contexts: Vec<Option<&str>> = diagnostics
            .iter()
            .filter(|d| d.code == "CORS102")
            .map(|d| d.context.as_deref())
            .collect();
        assert_eq!(contexts, [Some("policy `api`, profile `dev`")]);
    }

    #[test]
    fn codes_and_names_are_unique_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for rule in RULES {
            let m = rule.meta();
            assert!(
                seen.insert(m.code) && seen.insert(m.name),
                "duplicate {}",
                m.code
            );
            assert!(
                m.code.starts_with("CORS") && m.code.len() == 7,
                "{}",
                m.code
            );
            assert!(
                !m.summary.is_empty() && !m.summary.ends_with('.'),
                "{}",
                m.code
            );
            for section in [
                "## What it does",
                "## Why is this bad",
                "## How to fix",
                "## Example",
            ] {
                assert!(m.doc.contains(section), "{} doc lacks {section}", m.code);
            }
        }
        let codes: Vec<&str> = RULES.iter().map(|r| r.meta().code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted, "RULES must be in code order");
    }

    #[test]
    fn lints_table_relaxes_configurable_rules_only() {
        let toml = "origins = [\"null\"]\n[lints]\nnull-origin = \"warn\"\n";
        let d = testing::diagnostics(toml);
        let null = d.iter().find(|d| d.code == "CORS105").unwrap();
        assert_eq!(null.severity, Severity::Warning);

        let toml = "origins = [\"null\"]\n[lints]\nnull-origin = \"allow\"\n";
        assert!(!testing::codes(toml).contains(&"CORS105"));

        let toml = "origins = \"*\"\ncredentials = true\n[lints]\ncredentials-with-any-origin = \"allow\"\n";
        let codes = testing::codes(toml);
        assert!(
            codes.contains(&"CORS201") && codes.contains(&"CORS003"),
            "{codes:?}"
        );

        let toml = "origins = [\"https://a.example\"]\n[lints]\nnull-orign = \"allow\"\n";
        let d = testing::diagnostics(toml);
        assert!(
            d.iter().any(
                |d| d.code == "CORS002" && d.help.as_deref().unwrap().contains("`null-origin`")
            )
        );
    }
}

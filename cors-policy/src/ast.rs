//! The policy file as written: every value with its byte span, origin
//! patterns already parsed, schema problems collected rather than thrown.

use std::ops::Range;

use cors_runtime::{LogLevel, OnReject};

use crate::pattern::{ParsedPattern, PatternError};

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Spanned<T> {
    /// The value.
    pub(crate) value: T,
    /// Byte range in the source (for strings, quotes included).
    pub(crate) span: Range<usize>,
}

impl<T> Spanned<T> {
    pub(crate) fn new(value: T, span: Range<usize>) -> Self {
        Spanned { value, span }
    }
}

/// One entry of `origins`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OriginEntry {
    /// The text as written.
    pub(crate) raw: Spanned<String>,
    /// The parse result.
    pub(crate) parsed: Result<ParsedPattern, PatternError>,
    /// Offset of the string's first character inside the source, when the
    /// string has no escapes (so sub-spans map back exactly).
    pub(crate) text_start: Option<usize>,
}

impl OriginEntry {
    /// The span of part `at` of the pattern text, or the whole string.
    pub(crate) fn sub_span(&self, at: &Option<Range<usize>>) -> Range<usize> {
        match (self.text_start, at) {
            (Some(start), Some(r)) if r.start < r.end => start + r.start..start + r.end,
            (Some(start), Some(r)) => start + r.start..start + r.start + 1,
            _ => self.raw.span.clone(),
        }
    }
}

/// A list key: a `"*"` string, or an array of strings that may contain `"*"`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct List {
    /// Where `"*"` was written, if it was.
    pub(crate) any: Option<Range<usize>>,
    /// The other entries.
    pub(crate) items: Vec<Spanned<String>>,
}

/// `origins`: `"*"` or entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Origins {
    /// Where `origins = "*"` was written, if it was.
    pub(crate) any: Option<Range<usize>>,
    /// The entries (an array element `"*"` is an entry, reported as an error).
    pub(crate) entries: Vec<OriginEntry>,
}

/// The keys of a policy or profile table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Fields {
    /// Every schema key the table sets, where the key is written.
    pub(crate) keys: Vec<Spanned<&'static str>>,
    /// `origins`.
    pub(crate) origins: Option<Spanned<Origins>>,
    /// `methods`.
    pub(crate) methods: Option<Spanned<List>>,
    /// `allow_headers`.
    pub(crate) allow_headers: Option<Spanned<List>>,
    /// `expose_headers`.
    pub(crate) expose_headers: Option<Spanned<List>>,
    /// `credentials`.
    pub(crate) credentials: Option<Spanned<bool>>,
    /// `max_age`.
    pub(crate) max_age: Option<Spanned<i64>>,
    /// `preflight_status`.
    pub(crate) preflight_status: Option<Spanned<i64>>,
    /// `on_reject`.
    pub(crate) on_reject: Option<Spanned<OnReject>>,
    /// `server_origins`: the origins the service itself is served at.
    pub(crate) server_origins: Option<Spanned<Origins>>,
    /// `report_only`.
    pub(crate) report_only: Option<Spanned<bool>>,
    /// `log_rejections`.
    pub(crate) log_rejections: Option<Spanned<LogLevel>>,
    /// `fingerprint_header`.
    pub(crate) fingerprint_header: Option<Spanned<bool>>,
    /// `extra_origins` (profiles only): appended to the base's origins.
    pub(crate) extra_origins: Option<Spanned<Origins>>,
    /// `extra_methods` (profiles only).
    pub(crate) extra_methods: Option<Spanned<List>>,
    /// `extra_allow_headers` (profiles only).
    pub(crate) extra_allow_headers: Option<Spanned<List>>,
    /// `extra_expose_headers` (profiles only).
    pub(crate) extra_expose_headers: Option<Spanned<List>>,
}

impl Fields {
    /// Where `key` is written in this table, if it is set.
    pub(crate) fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.keys
            .iter()
            .find(|k| k.value == key)
            .map(|k| k.span.clone())
    }
}

/// A profile: overrides for one deployment (e.g. `dev`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Profile {
    /// Its name and where the name was written.
    pub(crate) name: Spanned<String>,
    /// Where the profile's table is.
    pub(crate) span: Range<usize>,
    /// Its keys.
    pub(crate) fields: Fields,
}

/// One policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PolicyAst {
    /// `None` for a file with one unnamed policy.
    pub(crate) name: Option<Spanned<String>>,
    /// Where the policy is (the table, or the whole file).
    pub(crate) span: Range<usize>,
    /// Its keys.
    pub(crate) fields: Fields,
    /// Its profiles.
    pub(crate) profiles: Vec<Profile>,
}

/// A lint level set in `[lints]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LintLevel {
    /// Not reported.
    Allow,
    /// Reported as a warning.
    Warn,
    /// Reported as an error.
    Deny,
}

/// A problem found while reading the file's structure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The text is not TOML.
    Syntax {
        /// Where.
        span: Range<usize>,
        /// The TOML parser's message.
        message: String,
    },
    /// A key the schema does not have.
    UnknownKey {
        /// Where.
        span: Range<usize>,
        /// The key.
        key: String,
        /// The keys allowed there.
        expected: &'static [&'static str],
        /// Where it was found (`policy`, `profile`, `file`, `[lints]`).
        place: &'static str,
    },
    /// A value of the wrong type or out of range.
    InvalidValue {
        /// Where.
        span: Range<usize>,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// A policy without `origins`.
    MissingOrigins {
        /// The policy.
        span: Range<usize>,
        /// Its name.
        policy: Option<String>,
    },
}

/// A parsed policy file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FileAst {
    /// True when the file uses `[policies.<name>]`.
    pub(crate) named: bool,
    /// The policies.
    pub(crate) policies: Vec<PolicyAst>,
    /// `[lints]` settings: rule name or code, level, and where.
    pub(crate) lints: Vec<(Spanned<String>, LintLevel)>,
    /// Structural problems.
    pub(crate) problems: Vec<Problem>,
}

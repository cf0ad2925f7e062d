//! The policy file as written: every value with its byte span, origin
//! patterns already parsed, schema problems collected rather than thrown.

use std::ops::Range;

use crate::pattern::{ParsedPattern, PatternError};

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Byte range in the source (for strings, quotes included).
    pub span: Range<usize>,
}

impl<T> Spanned<T> {
    pub(crate) fn new(value: T, span: Range<usize>) -> Self {
        Spanned { value, span }
    }
}

/// One entry of `origins`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginEntry {
    /// The text as written.
    pub raw: Spanned<String>,
    /// The parse result.
    pub parsed: Result<ParsedPattern, PatternError>,
    /// Offset of the string's first character inside the source, when the
    /// string has no escapes (so sub-spans map back exactly).
    pub text_start: Option<usize>,
}

impl OriginEntry {
    /// The span of part `at` of the pattern text, or the whole string.
    pub fn sub_span(&self, at: &Option<Range<usize>>) -> Range<usize> {
        match (self.text_start, at) {
            (Some(start), Some(r)) if r.start < r.end => start + r.start..start + r.end,
            (Some(start), Some(r)) => start + r.start..start + r.start + 1,
            _ => self.raw.span.clone(),
        }
    }
}

/// A list key: a `"*"` string, or an array of strings that may contain `"*"`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct List {
    /// Where `"*"` was written, if it was.
    pub any: Option<Range<usize>>,
    /// The other entries.
    pub items: Vec<Spanned<String>>,
}

/// `origins`: `"*"` or entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origins {
    /// Where `origins = "*"` was written, if it was.
    pub any: Option<Range<usize>>,
    /// The entries (an array element `"*"` is an entry, reported as an error).
    pub entries: Vec<OriginEntry>,
}

/// `on_reject`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnReject {
    /// `"omit"`.
    Omit,
    /// `"forbid"`.
    Forbid,
}

/// The keys of a policy or profile table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    /// `origins`.
    pub origins: Option<Spanned<Origins>>,
    /// `methods`.
    pub methods: Option<Spanned<List>>,
    /// `allow_headers`.
    pub allow_headers: Option<Spanned<List>>,
    /// `expose_headers`.
    pub expose_headers: Option<Spanned<List>>,
    /// `credentials`.
    pub credentials: Option<Spanned<bool>>,
    /// `max_age`.
    pub max_age: Option<Spanned<i64>>,
    /// `preflight_status`.
    pub preflight_status: Option<Spanned<i64>>,
    /// `on_reject`.
    pub on_reject: Option<Spanned<OnReject>>,
    /// `server_origins`: the origins the service itself is served at.
    pub server_origins: Option<Spanned<Origins>>,
    /// `extra_origins` (profiles only): appended to the base's origins.
    pub extra_origins: Option<Spanned<Origins>>,
    /// `extra_methods` (profiles only).
    pub extra_methods: Option<Spanned<List>>,
    /// `extra_allow_headers` (profiles only).
    pub extra_allow_headers: Option<Spanned<List>>,
    /// `extra_expose_headers` (profiles only).
    pub extra_expose_headers: Option<Spanned<List>>,
}

/// A profile: overrides for one deployment (e.g. `dev`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Its name and where the name was written.
    pub name: Spanned<String>,
    /// Its keys.
    pub fields: Fields,
}

/// One policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyAst {
    /// `None` for a file with one unnamed policy.
    pub name: Option<Spanned<String>>,
    /// Where the policy is (the table, or the whole file).
    pub span: Range<usize>,
    /// Its keys.
    pub fields: Fields,
    /// Its profiles.
    pub profiles: Vec<Profile>,
}

/// A lint level set in `[lints]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LintLevel {
    /// Not reported.
    Allow,
    /// Reported as a warning.
    Warn,
    /// Reported as an error.
    Deny,
}

/// A problem found while reading the file's structure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
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
pub struct FileAst {
    /// True when the file uses `[policies.<name>]`.
    pub named: bool,
    /// The policies.
    pub policies: Vec<PolicyAst>,
    /// `[lints]` settings: rule name or code, level, and where.
    pub lints: Vec<(Spanned<String>, LintLevel)>,
    /// Structural problems.
    pub problems: Vec<Problem>,
}

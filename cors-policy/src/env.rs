//! Policies from the environment, for run-time loading: a string that is
//! exactly `"${NAME}"` takes the variable's value, and a list element
//! `"${NAME}"` its comma-separated items (twelve-factor deployments set
//! `CORS_ORIGINS=https://a.example,https://b.example` per environment).
//!
//! Substitution is textual and happens before parsing: each placeholder's
//! string token is replaced by the value's items, escaped by `toml_edit`
//! (a variable cannot add a key or end a list), and the result goes through
//! [`crate::compile`], so every substituted value is checked by every rule.
//! A diagnostic about a substituted value points at its placeholder in the
//! file and names the variable and the item. A variable that is not set is
//! an error naming it (`CORS007`); nothing falls back to a default.
//!
//! Only these functions read the environment. [`crate::compile`] — and so
//! `cors_policy!`, `build.rs` and `cors lint` — refuses a placeholder, so a
//! build never depends on the build machine's environment.
//!
//! ```
//! use cors_policy::{Selection, Source};
//!
//! let source = Source::new("cors.toml", r#"
//!     origins = ["${CORS_ORIGINS}"]
//!     credentials = true
//! "#);
//! let env = |name: &str| (name == "CORS_ORIGINS")
//!     .then(|| "https://app.example.com, https://admin.example.com".to_string());
//! let policy = cors_policy::load_with_env(&source, &Selection::default(), env).unwrap();
//! let view = cors_runtime::PolicySource::policy(&policy);
//! assert!(view.allows_origin(b"https://admin.example.com"));
//!
//! let refused = cors_policy::load_with_env(&source, &Selection::default(), |_| {
//!     Some("https://*.com".to_string())
//! })
//! .unwrap_err();
//! let d = &refused.diagnostics()[0];
//! assert_eq!(d.code, "CORS104");
//! assert_eq!(&refused.source().text[d.span.clone()], "\"${CORS_ORIGINS}\"");
//! assert!(d.label.contains("CORS_ORIGINS"));
//! ```

use std::fmt::Write as _;
use std::ops::Range;

use toml_edit::{Document, Item, Value};

use crate::diagnostic::{Diagnostic, Report, Source};
use crate::rules::environment;
use crate::{Compiled, Selection};

/// One `"${NAME}"` string in a file.
#[derive(Clone, Debug)]
pub(crate) struct Placeholder {
    /// The whole string token, quotes included.
    pub(crate) span: Range<usize>,
    pub(crate) name: String,
    /// An element of an array (expanded to the value's items) or a value
    /// of its own (replaced by the whole value).
    pub(crate) in_list: bool,
}

/// What a file's strings hold: its placeholders, and the spans of strings
/// with a `${` that is not a whole placeholder.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub(crate) placeholders: Vec<Placeholder>,
    pub(crate) partial: Vec<Range<usize>>,
    /// Placeholders (or `${`) where no value may come from the environment:
    /// the span, and what the place is.
    pub(crate) misplaced: Vec<(Range<usize>, &'static str)>,
}

/// The placeholders of `text` (nothing for a file that does not parse: its
/// syntax error is reported by the compiler).
pub(crate) fn find(text: &str) -> Found {
    let mut found = Found::default();
    if !text.contains("${") {
        return found;
    }
    if let Ok(doc) = Document::parse(text) {
        walk_table(doc.as_table(), &mut found, false);
    }
    found.placeholders.sort_by_key(|p| p.span.start);
    found
}

/// Walks a table; `lints` is true inside `[lints]`, where a level must be
/// written in the file.
fn walk_table(table: &dyn toml_edit::TableLike, found: &mut Found, lints: bool) {
    for (key, item) in table.iter() {
        if key.contains("${")
            && let Some(span) = table.key(key).and_then(toml_edit::Key::span)
        {
            found.misplaced.push((span, "a key or table name"));
        }
        walk_item(item, found, lints || key == "lints");
    }
}

fn walk_item(item: &Item, found: &mut Found, lints: bool) {
    match item {
        Item::Value(v) => walk_value(v, false, found, lints),
        Item::Table(t) => walk_table(t, found, lints),
        Item::ArrayOfTables(a) => a.iter().for_each(|t| walk_table(t, found, lints)),
        Item::None => {}
    }
}

fn walk_value(value: &Value, in_list: bool, found: &mut Found, lints: bool) {
    match value {
        Value::String(s) if lints && s.value().contains("${") => {
            if let Some(span) = s.span() {
                found.misplaced.push((span, "a lint level"));
            }
        }
        Value::String(s) => {
            let Some(span) = s.span() else { return };
            match whole_placeholder(s.value()) {
                Some(name) => found.placeholders.push(Placeholder {
                    span,
                    name: name.to_string(),
                    in_list,
                }),
                None if s.value().contains("${") => found.partial.push(span),
                None => {}
            }
        }
        Value::Array(a) => a.iter().for_each(|v| walk_value(v, true, found, lints)),
        Value::InlineTable(t) => walk_table(t, found, lints),
        _ => {}
    }
}

/// `NAME` when `s` is exactly `${NAME}` with `NAME` an environment
/// variable name (`[A-Za-z_][A-Za-z0-9_]*`).
fn whole_placeholder(s: &str) -> Option<&str> {
    let name = s.strip_prefix("${")?.strip_suffix('}')?;
    let mut bytes = name.bytes();
    let first = bytes.next()?;
    ((first.is_ascii_alphabetic() || first == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    .then_some(name)
}

/// For a file checked or compiled without an environment: one diagnostic
/// per placeholder and per partial `${`, replacing what the other rules
/// found on those strings (`${CORS_ORIGINS}` is not an invalid origin, it
/// is an unsubstituted placeholder).
pub(crate) fn refuse_in(text: &str, diagnostics: &mut Vec<Diagnostic>) {
    let found = find(text);
    let own: Vec<Diagnostic> = found
        .placeholders
        .iter()
        .map(|p| environment::not_substituted(p.span.clone(), &p.name))
        .chain(found.partial.into_iter().map(environment::partial))
        .chain(
            found
                .misplaced
                .into_iter()
                .map(|(span, place)| environment::not_here(span, place)),
        )
        .collect();
    if own.is_empty() {
        return;
    }
    diagnostics.retain(|d| !own.iter().any(|o| o.span.contains(&d.span.start)));
    diagnostics.extend(own);
}

/// A replaced region: where the placeholder was, where its expansion is,
/// and what each expanded item came from.
struct Expansion {
    original: Range<usize>,
    expanded: Range<usize>,
    name: String,
    /// The span of each item in the expanded text, and the item.
    items: Vec<(Range<usize>, String)>,
}

/// The file with every placeholder substituted, and where each expansion
/// is; or the diagnostics of placeholders that cannot be substituted.
struct Substituted {
    source: Source,
    expansions: Vec<Expansion>,
}

impl Substituted {
    fn new(source: &Source, env: impl Fn(&str) -> Option<String>) -> Result<Substituted, Report> {
        let found = find(&source.text);
        let mut problems: Vec<Diagnostic> = found
            .partial
            .iter()
            .cloned()
            .map(environment::partial)
            .chain(
                found
                    .misplaced
                    .iter()
                    .map(|(span, place)| environment::not_here(span.clone(), place)),
            )
            .collect();
        let mut text = String::with_capacity(source.text.len());
        let mut expansions = Vec::new();
        let mut at = 0;
        for p in &found.placeholders {
            let Some(value) = env(&p.name) else {
                problems.push(environment::unset(p.span.clone(), &p.name));
                continue;
            };
            if value.contains("${") {
                problems.push(environment::nested(p.span.clone(), &p.name));
                continue;
            }
            let items: Vec<&str> = if p.in_list {
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|i| !i.is_empty())
                    .collect()
            } else {
                vec![value.as_str()]
            };
            if items.is_empty() {
                problems.push(environment::empty(p.span.clone(), &p.name));
                continue;
            }
            text.push_str(&source.text[at..p.span.start]);
            let start = text.len();
            let mut spans = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    text.push_str(", ");
                }
                let item_start = text.len();
                let _ = write!(text, "{}", Value::from(*item));
                spans.push((item_start..text.len(), (*item).to_string()));
            }
            expansions.push(Expansion {
                original: p.span.clone(),
                expanded: start..text.len(),
                name: p.name.clone(),
                items: spans,
            });
            at = p.span.end;
        }
        if !problems.is_empty() {
            return Err(Report::new(source.clone(), problems));
        }
        text.push_str(&source.text[at..]);
        Ok(Substituted {
            source: Source::new(source.name.clone(), text),
            expansions,
        })
    }

    /// A report on the substituted text, moved back onto `original`.
    fn back(&self, original: &Source, report: &Report) -> Report {
        Report::new(
            original.clone(),
            report
                .diagnostics()
                .iter()
                .map(|d| back(d, &self.expansions))
                .collect(),
        )
    }
}

/// [`crate::compile`] with every placeholder substituted from `env`.
///
/// # Errors
/// The diagnostics, against `source`: unset variables, placeholders inside
/// longer strings, and every rule's findings on the substituted values.
pub fn compile_with_env(
    source: &Source,
    selection: &Selection,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Compiled, Report> {
    let substituted = Substituted::new(source, env)?;
    match crate::compile(&substituted.source, selection) {
        Ok(compiled) => {
            let warnings = substituted.back(source, compiled.warnings());
            Ok(compiled.with_warnings(warnings))
        }
        Err(report) => Err(substituted.back(source, &report)),
    }
}

/// [`crate::check`] (every rule on every policy and profile, what `cors
/// lint --env` runs) with every placeholder substituted from `env`.
pub fn check_with_env(source: &Source, env: impl Fn(&str) -> Option<String>) -> Report {
    match Substituted::new(source, env) {
        Ok(substituted) => substituted.back(source, &crate::check(&substituted.source)),
        Err(report) => report,
    }
}

/// A diagnostic on the substituted text, moved back onto the file: a span
/// in an expansion becomes its placeholder's, labelled with the variable
/// and the item; any other span shifts by the expansions before it. Fixes
/// are dropped (they edit text the file does not have).
fn back(d: &Diagnostic, expansions: &[Expansion]) -> Diagnostic {
    let mut d = d.clone();
    d.fix = None;
    if let Some(e) = containing(expansions, d.span.start) {
        // The items are in text order: a binary search, not a scan, so a
        // variable of many items maps its diagnostics back in linear time.
        let at = e
            .items
            .partition_point(|(span, _)| span.end <= d.span.start);
        let item = e
            .items
            .get(at)
            .filter(|(span, _)| span.contains(&d.span.start))
            // The value is the environment's: escaped, so it cannot break
            // a terminal or a log line.
            .map(|(_, item)| format!(": `{}`", item.escape_debug()))
            .unwrap_or_default();
        d.label = format!("{} (from `{}`{item})", d.label, e.name);
        d.span = e.original.clone();
    } else {
        d.span = shift(&d.span, expansions);
    }
    if let Some((span, label)) = d.secondary.take() {
        let span = match containing(expansions, span.start) {
            Some(e) => e.original.clone(),
            None => shift(&span, expansions),
        };
        d.secondary = Some((span, label));
    }
    d
}

/// The expansion holding position `pos` of the substituted text.
fn containing(expansions: &[Expansion], pos: usize) -> Option<&Expansion> {
    let at = expansions.partition_point(|e| e.expanded.end <= pos);
    expansions.get(at).filter(|e| e.expanded.contains(&pos))
}

/// A span of the substituted text outside every expansion, in the file.
fn shift(span: &Range<usize>, expansions: &[Expansion]) -> Range<usize> {
    let map = |pos: usize| {
        let before = expansions.partition_point(|e| e.expanded.end <= pos);
        let delta: isize = expansions[..before]
            .iter()
            .map(|e| e.original.len() as isize - e.expanded.len() as isize)
            .sum();
        pos.saturating_add_signed(delta)
    };
    map(span.start)..map(span.end)
}

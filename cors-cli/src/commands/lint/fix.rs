//! `cors lint --fix`: the mechanical fixes, applied with `toml_edit` so
//! comments and layout survive.
//!
//! - an origin written in a non-canonical form (upper case, default port,
//!   Unicode host) becomes the form browsers send;
//! - an origin whose only problem has a single spelled-out fix (a trailing
//!   slash or dot, surrounding spaces) gets that fix;
//! - a later duplicate in a list (`origins`, `methods`, `allow_headers`,
//!   `expose_headers`, and their `extra_` forms) is removed.
//!
//! Everything else needs a decision and is left to the author.

use toml_edit::{Array, DocumentMut, Item, TableLike, Value};

/// One change, for the report.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Change {
    /// 1-based line of the changed entry in the original file.
    pub(super) line: usize,
    /// What was done.
    pub(super) what: String,
}

/// The fixed file.
#[derive(Debug)]
pub(super) struct Fixed {
    pub(super) text: String,
    pub(super) changes: Vec<Change>,
}

/// How entries of a list compare for duplicates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Origins,
    /// Byte-exact (methods are case-sensitive).
    Methods,
    /// Case-insensitive (header names).
    Headers,
}

fn list_kind(key: &str) -> Option<ListKind> {
    match key.strip_prefix("extra_").unwrap_or(key) {
        "origins" => Some(ListKind::Origins),
        "methods" => Some(ListKind::Methods),
        "allow_headers" | "expose_headers" => Some(ListKind::Headers),
        _ => None,
    }
}

/// The tables that may hold policy keys: the root, `policies.*`,
/// `profiles.*` and `policies.*.profiles.*`, as key paths.
fn policy_tables(root: &dyn TableLike) -> Vec<Vec<String>> {
    let mut paths = vec![Vec::new()];
    let children = |table: &dyn TableLike, key: &str| -> Vec<String> {
        table
            .get(key)
            .and_then(Item::as_table_like)
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default()
    };
    for profile in children(root, "profiles") {
        paths.push(vec!["profiles".into(), profile]);
    }
    let policies = root.get("policies").and_then(Item::as_table_like);
    for name in children(root, "policies") {
        paths.push(vec!["policies".into(), name.clone()]);
        if let Some(policy) = policies
            .and_then(|p| p.get(&name))
            .and_then(Item::as_table_like)
        {
            for profile in children(policy, "profiles") {
                paths.push(vec![
                    "policies".into(),
                    name.clone(),
                    "profiles".into(),
                    profile,
                ]);
            }
        }
    }
    paths
}

fn table_at<'a>(root: &'a dyn TableLike, path: &[String]) -> Option<&'a dyn TableLike> {
    path.iter()
        .try_fold(root, |table, key| table.get(key)?.as_table_like())
}

fn table_at_mut<'a>(root: &'a mut dyn TableLike, path: &[String]) -> Option<&'a mut dyn TableLike> {
    let mut table = root;
    for key in path {
        table = table.get_mut(key)?.as_table_like_mut()?;
    }
    Some(table)
}

/// The canonical text of an origin entry, if a fix applies.
fn canonical_origin(raw: &str) -> Option<String> {
    match cors_policy::pattern::parse(raw) {
        Ok(parsed) if !parsed.normalised.is_empty() => Some(parsed.pattern.to_string()),
        Ok(_) => None,
        Err(error) => {
            // Only fixes that delete characters (a path, a trailing dot,
            // spaces) are mechanical; adding a scheme is a decision.
            let suggestion = error.help.strip_prefix("write `")?.strip_suffix('`')?;
            let fixed = cors_policy::pattern::parse(suggestion).ok()?;
            let mut rest = raw.chars();
            let only_deletes = suggestion.chars().all(|c| rest.any(|r| r == c));
            (only_deletes && fixed.normalised.is_empty() && fixed.pattern.to_string() == suggestion)
                .then(|| suggestion.to_string())
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Applies every mechanical fix to `text`.
pub(super) fn fix(text: &str) -> Result<Fixed, String> {
    let spanned = toml_edit::Document::parse(text).map_err(|e| e.message().to_string())?;
    let mut document: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().to_string())?;
    let mut changes = Vec::new();
    for path in policy_tables(spanned.as_table()) {
        let Some(spanned_table) = table_at(spanned.as_table(), &path) else {
            continue;
        };
        let Some(table) = table_at_mut(document.as_table_mut(), &path) else {
            continue;
        };
        let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
        for key in keys {
            let Some(kind) = list_kind(&key) else {
                continue;
            };
            let Some(array) = table.get_mut(&key).and_then(|i| i.as_array_mut()) else {
                continue;
            };
            let spans: Vec<usize> = spanned_table
                .get(&key)
                .and_then(Item::as_array)
                .map(|a| a.iter().map(|v| v.span().map_or(0, |s| s.start)).collect())
                .unwrap_or_default();
            let line = |i: usize| spans.get(i).map_or(1, |&offset| line_of(text, offset));
            fix_list(array, kind, &key, &line, &mut changes);
        }
    }
    changes.sort_by_key(|c| c.line);
    Ok(Fixed {
        text: document.to_string(),
        changes,
    })
}

fn fix_list(
    array: &mut Array,
    kind: ListKind,
    key: &str,
    line: &dyn Fn(usize) -> usize,
    changes: &mut Vec<Change>,
) {
    if kind == ListKind::Origins {
        for i in 0..array.len() {
            let Some(raw) = array.get(i).and_then(Value::as_str).map(str::to_string) else {
                continue;
            };
            if let Some(canonical) = canonical_origin(&raw) {
                array.replace(i, canonical.as_str());
                changes.push(Change {
                    line: line(i),
                    what: format!("`{raw}` -> `{canonical}` in `{key}`"),
                });
            }
        }
    }
    let mut seen: Vec<String> = Vec::new();
    let mut original_index = 0;
    let mut i = 0;
    while i < array.len() {
        let entry = array.get(i).and_then(Value::as_str).map(|s| match kind {
            ListKind::Headers => s.to_ascii_lowercase(),
            ListKind::Origins | ListKind::Methods => s.to_string(),
        });
        match entry {
            Some(entry) if seen.contains(&entry) => {
                let removed = array.remove(i);
                // Keep a comment written before the removed entry.
                let prefix = removed
                    .decor()
                    .prefix()
                    .and_then(|p| p.as_str())
                    .unwrap_or("");
                if prefix.contains('#') {
                    let prefix = prefix.to_string();
                    match array.get_mut(i) {
                        Some(next) => next.decor_mut().set_prefix(prefix),
                        None => {
                            let trailing = array.trailing().as_str().unwrap_or("").to_string();
                            array.set_trailing(format!(
                                "{prefix}{}",
                                trailing.trim_start_matches([' ', '\n'])
                            ));
                        }
                    }
                }
                changes.push(Change {
                    line: line(original_index),
                    what: format!("removed duplicate `{entry}` from `{key}`"),
                });
            }
            Some(entry) => {
                seen.push(entry);
                i += 1;
            }
            None => i += 1,
        }
        original_index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms_and_duplicates_keep_comments() {
        let text = r#"# The API's policy.
[policies.api]
origins = [
    "HTTPS://App.Example.com:443",  # the SPA
    "https://app.example.com",
    "https://admin.example.com/",
]
methods = ["GET", "PUT", "GET"]
allow_headers = ["Content-Type", "content-type"]

[policies.api.profiles.dev]
extra_origins = ["http://localhost:5173", "http://LOCALHOST:5173"]
"#;
        let fixed = fix(text).unwrap();
        assert_eq!(
            fixed.text,
            r#"# The API's policy.
[policies.api]
origins = [
    "https://app.example.com",  # the SPA
    "https://admin.example.com",
]
methods = ["GET", "PUT"]
allow_headers = ["Content-Type"]

[policies.api.profiles.dev]
extra_origins = ["http://localhost:5173"]
"#
        );
        let lines: Vec<(usize, &str)> = fixed
            .changes
            .iter()
            .map(|c| (c.line, c.what.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    4,
                    "`HTTPS://App.Example.com:443` -> `https://app.example.com` in `origins`"
                ),
                (
                    5,
                    "removed duplicate `https://app.example.com` from `origins`"
                ),
                (
                    6,
                    "`https://admin.example.com/` -> `https://admin.example.com` in `origins`"
                ),
                (8, "removed duplicate `GET` from `methods`"),
                (9, "removed duplicate `content-type` from `allow_headers`"),
                (
                    12,
                    "`http://LOCALHOST:5173` -> `http://localhost:5173` in `extra_origins`"
                ),
                (
                    12,
                    "removed duplicate `http://localhost:5173` from `extra_origins`"
                ),
            ]
        );
        // Fixing twice changes nothing more.
        assert!(fix(&fixed.text).unwrap().changes.is_empty());
    }

    #[test]
    fn judgement_calls_are_left_alone() {
        let text = "origins = [\"null\", \"https://*.com\", \"*.example.com\"]\n";
        let fixed = fix(text).unwrap();
        assert!(fixed.changes.is_empty(), "{:?}", fixed.changes);
        assert_eq!(fixed.text, text);
    }

    #[test]
    fn broken_toml_is_reported_not_fixed() {
        assert!(fix("origins = [\"https://a.example\"").is_err());
    }
}

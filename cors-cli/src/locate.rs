//! Where a key of the selected policy is written in its file, so advice can
//! point at the line to change.

use cors_policy::{Selection, Source};
use toml_edit::{Item, TableLike};

/// A place in a policy file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Location {
    pub(crate) file: String,
    pub(crate) line: usize,
    /// The dotted key (`policies.api.origins`), or the table to add it to.
    pub(crate) key: String,
}

fn table_path(selection: &Selection, profile: bool) -> Vec<String> {
    let mut path = Vec::new();
    if let Some(name) = &selection.policy {
        path.extend(["policies".to_string(), name.clone()]);
    }
    if profile && let Some(p) = &selection.profile {
        path.extend(["profiles".to_string(), p.clone()]);
    }
    path
}

fn table_at<'a>(root: &'a dyn TableLike, path: &[String]) -> Option<&'a dyn TableLike> {
    path.iter()
        .try_fold(root, |table, key| table.get(key)?.as_table_like())
}

/// Where `key` of the selected policy is set: in the selected profile
/// (`key` or, when `extend` is set, `extra_<key>`) first, then in the base
/// policy; failing both, the table it should be added to.
pub(crate) fn locate(
    source: &Source,
    selection: &Selection,
    key: &str,
    extend: bool,
) -> Option<Location> {
    let document = toml_edit::Document::parse(source.text.as_str()).ok()?;
    let root = document.as_table();
    let line = |offset: usize| source.line_col(offset).0;
    let dotted = |path: &[String], key: &str| {
        let mut parts = path.to_vec();
        parts.push(key.to_string());
        parts.join(".")
    };
    let extra = format!("extra_{key}");
    let mut candidates: Vec<(Vec<String>, &str)> = Vec::new();
    if selection.profile.is_some() {
        let profile = table_path(selection, true);
        if extend {
            candidates.push((profile.clone(), extra.as_str()));
        }
        candidates.push((profile, key));
    }
    let base = table_path(selection, false);
    candidates.push((base.clone(), key));
    for (path, key) in &candidates {
        let Some(table) = table_at(root, path) else {
            continue;
        };
        if let Some((k, _)) = table.get_key_value(key) {
            return Some(Location {
                file: source.name.clone(),
                line: line(k.span().map_or(0, |s| s.start)),
                key: dotted(path, key),
            });
        }
    }
    // Not set anywhere: add it to the base policy's table.
    let offset = if base.is_empty() {
        0
    } else {
        table_at(root, &base)
            .and_then(|_| {
                let (first, rest) = base.split_first()?;
                let mut item: &Item = root.get(first)?;
                for k in rest {
                    item = item.as_table_like()?.get(k)?;
                }
                item.span()
            })
            .map_or(0, |s| s.start)
    };
    Some(Location {
        file: source.name.clone(),
        line: line(offset),
        key: dotted(&base, key),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[policies.api]\norigins = [\"https://a.example\"]\nmethods = [\"GET\"]\n\n[policies.api.profiles.dev]\nextra_origins = [\"http://localhost:*\"]\n";

    fn at(selection: Selection, key: &str, extend: bool) -> (usize, String) {
        let l = locate(&Source::new("p.toml", TEXT), &selection, key, extend).unwrap();
        (l.line, l.key)
    }

    #[test]
    fn finds_keys_in_profile_then_base() {
        let api = Selection::policy("api");
        assert_eq!(
            at(api.clone(), "origins", true),
            (2, "policies.api.origins".into())
        );
        assert_eq!(
            at(api.clone(), "methods", false),
            (3, "policies.api.methods".into())
        );
        let dev = api.clone().with_profile("dev");
        assert_eq!(
            at(dev.clone(), "origins", true),
            (6, "policies.api.profiles.dev.extra_origins".into())
        );
        assert_eq!(at(dev, "methods", true), (3, "policies.api.methods".into()));
        // Missing: the policy's table.
        assert_eq!(
            at(api, "allow_headers", false),
            (1, "policies.api.allow_headers".into())
        );
    }
}

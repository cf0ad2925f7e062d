//! Choosing what to compile: a policy of the file and, optionally, one of its
//! profiles. Failures are typed; the `unknown-selection` rule (CORS005)
//! renders them.

use std::ops::Range;

use crate::ast::{FileAst, PolicyAst, Profile};

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

/// Why a [`Selection`] names nothing in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectionError {
    /// The file has several policies and none was named.
    NoPolicyNamed {
        /// The file's policies.
        policies: Vec<String>,
        /// The first policy's name, where it is written.
        at: Range<usize>,
    },
    /// A policy was named, but the file has one unnamed policy.
    FileHasNoNamedPolicies {
        /// The name asked for.
        name: String,
    },
    /// The file has no policy of that name.
    NoSuchPolicy {
        /// The name asked for.
        name: String,
        /// The file's policies.
        policies: Vec<String>,
        /// The first policy's name, where it is written.
        at: Range<usize>,
    },
    /// The policy has no profile of that name.
    NoSuchProfile {
        /// The name asked for.
        name: String,
        /// The policy's profiles.
        profiles: Vec<String>,
        /// The policy's name (or the start of the file), where it is written.
        at: Range<usize>,
    },
}

/// The policy and profile `selection` names in `file`.
pub(crate) fn select<'a>(
    file: &'a FileAst,
    selection: &Selection,
) -> Result<(&'a PolicyAst, Option<&'a Profile>), SelectionError> {
    let names = || -> Vec<String> {
        file.policies
            .iter()
            .filter_map(|p| p.name.as_ref().map(|n| n.value.clone()))
            .collect()
    };
    let first_name = || {
        file.policies
            .iter()
            .find_map(|p| p.name.as_ref().map(|n| n.span.clone()))
            .unwrap_or(0..0)
    };
    let policy = match (&selection.policy, file.named) {
        (None, _) if file.policies.len() == 1 => &file.policies[0],
        (None, _) => {
            return Err(SelectionError::NoPolicyNamed {
                policies: names(),
                at: first_name(),
            });
        }
        (Some(name), false) => {
            return Err(SelectionError::FileHasNoNamedPolicies { name: name.clone() });
        }
        (Some(name), true) => file
            .policies
            .iter()
            .find(|p| p.name.as_ref().is_some_and(|n| &n.value == name))
            .ok_or_else(|| SelectionError::NoSuchPolicy {
                name: name.clone(),
                policies: names(),
                at: first_name(),
            })?,
    };
    let profile = match &selection.profile {
        None => None,
        Some(name) => Some(
            policy
                .profiles
                .iter()
                .find(|p| &p.name.value == name)
                .ok_or_else(|| SelectionError::NoSuchProfile {
                    name: name.clone(),
                    profiles: policy
                        .profiles
                        .iter()
                        .map(|p| p.name.value.clone())
                        .collect(),
                    at: policy.name.as_ref().map_or(0..0, |n| n.span.clone()),
                })?,
        ),
    };
    Ok((policy, profile))
}

/// Every selection a file offers: each policy alone and with each of its
/// profiles, in file order (empty when the file does not parse).
///
/// ```
/// use cors_policy::{Selection, Source, selections};
/// let source = Source::new("cors.toml", "origins = [\"https://a.example\"]\n[profiles.dev]\n");
/// assert_eq!(
///     selections(&source),
///     [Selection::default(), Selection { policy: None, profile: Some("dev".into()) }]
/// );
/// ```
pub fn selections(source: &crate::Source) -> Vec<Selection> {
    let file = crate::parse::parse_file(&source.text);
    let mut out = Vec::new();
    for policy in &file.policies {
        let name = policy.name.as_ref().map(|n| n.value.clone());
        out.push(Selection {
            policy: name.clone(),
            profile: None,
        });
        for profile in &policy.profiles {
            out.push(Selection {
                policy: name.clone(),
                profile: Some(profile.name.value.clone()),
            });
        }
    }
    out
}

/// Where a key of a selected policy is written, or the table to add it to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyLocation {
    /// The dotted key, e.g. `policies.api.profiles.dev.extra_origins`.
    pub key: String,
    /// The key's span when it is set; else the start of the table to add it
    /// to (the file's start for a file with one unnamed policy).
    pub span: Range<usize>,
    /// True when the key is set there.
    pub set: bool,
}

/// Where `key` of the selected policy is set: in the selected profile
/// (`extra_<key>` first when `extend` is set, then `key`), else in the base
/// policy; failing both, the base policy's table, to add it to. `None` when
/// the file does not parse or the selection names nothing.
///
/// ```
/// use cors_policy::{Selection, Source, locate};
/// let source = Source::new("cors.toml", "[policies.api]\norigins = [\"https://a.example\"]\n");
/// let at = locate(&source, &Selection::policy("api"), "origins", false).unwrap();
/// assert_eq!((at.key.as_str(), source.line_col(at.span.start).0), ("policies.api.origins", 2));
/// ```
pub fn locate(
    source: &crate::Source,
    selection: &Selection,
    key: &str,
    extend: bool,
) -> Option<KeyLocation> {
    let file = crate::parse::parse_file(&source.text);
    let (policy, profile) = select(&file, selection).ok()?;
    let mut base_path = String::new();
    if let Some(name) = &policy.name {
        base_path = format!("policies.{}.", key_segment(&name.value));
    }
    let extra = format!("extra_{key}");
    if let Some(profile) = profile {
        let path = format!("{base_path}profiles.{}.", key_segment(&profile.name.value));
        let keys = if extend {
            [Some(extra.as_str()), Some(key)]
        } else {
            [Some(key), None]
        };
        for k in keys.into_iter().flatten() {
            if let Some(span) = profile.fields.key_span(k) {
                return Some(KeyLocation {
                    key: format!("{path}{k}"),
                    span,
                    set: true,
                });
            }
        }
    }
    let key_path = format!("{base_path}{key}");
    Some(match policy.fields.key_span(key) {
        Some(span) => KeyLocation {
            key: key_path,
            span,
            set: true,
        },
        None => KeyLocation {
            key: key_path,
            span: policy.span.start..policy.span.start,
            set: false,
        },
    })
}

/// A table name as a TOML key: bare when it can be, quoted otherwise.
fn key_segment(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        name.to_string()
    } else {
        crate::fix::replace_string(0..0, name).replacement
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> FileAst {
        crate::parse::parse_file(text)
    }

    #[test]
    fn each_failure_is_typed_and_points_at_the_names() {
        let named = file(
            "[policies.api]\norigins = [\"https://a.example\"]\n[policies.web]\norigins = [\"https://b.example\"]\n[policies.web.profiles.dev]\n",
        );
        let Err(SelectionError::NoPolicyNamed { policies, at }) =
            select(&named, &Selection::default())
        else {
            panic!("several policies need a name")
        };
        assert_eq!(policies, ["api", "web"]);
        assert_eq!(&"[policies.api]"[at.clone()], "api", "{at:?}");
        assert!(matches!(
            select(&named, &Selection::policy("admin")),
            Err(SelectionError::NoSuchPolicy { name, .. }) if name == "admin"
        ));
        assert!(matches!(
            select(&named, &Selection::policy("web").with_profile("prod")),
            Err(SelectionError::NoSuchProfile { profiles, .. }) if profiles == ["dev"]
        ));
        let (policy, profile) =
            select(&named, &Selection::policy("web").with_profile("dev")).unwrap();
        assert_eq!(policy.name.as_ref().unwrap().value, "web");
        assert_eq!(profile.unwrap().name.value, "dev");

        let unnamed = file("origins = [\"https://a.example\"]\n");
        assert!(select(&unnamed, &Selection::default()).is_ok());
        assert!(matches!(
            select(&unnamed, &Selection::policy("api")),
            Err(SelectionError::FileHasNoNamedPolicies { .. })
        ));
    }

    const TEXT: &str = "[policies.api]\norigins = [\"https://a.example\"]\nmethods = [\"GET\"]\n\n[policies.api.profiles.dev]\nextra_origins = [\"http://localhost:*\"]\n";

    fn at(selection: Selection, key: &str, extend: bool) -> (usize, String, bool) {
        let source = crate::Source::new("p.toml", TEXT);
        let l = locate(&source, &selection, key, extend).unwrap();
        (source.line_col(l.span.start).0, l.key, l.set)
    }

    #[test]
    fn keys_are_found_in_the_profile_then_the_base() {
        let api = Selection::policy("api");
        assert_eq!(
            at(api.clone(), "origins", true),
            (2, "policies.api.origins".into(), true)
        );
        assert_eq!(
            at(api.clone(), "methods", false),
            (3, "policies.api.methods".into(), true)
        );
        let dev = api.clone().with_profile("dev");
        assert_eq!(
            at(dev.clone(), "origins", true),
            (6, "policies.api.profiles.dev.extra_origins".into(), true)
        );
        assert_eq!(
            at(dev, "methods", true),
            (3, "policies.api.methods".into(), true)
        );
        // Not set: the policy's table, to add it to.
        assert_eq!(
            at(api, "allow_headers", false),
            (1, "policies.api.allow_headers".into(), false)
        );
        let source = crate::Source::new("p.toml", TEXT);
        assert_eq!(
            locate(&source, &Selection::policy("web"), "origins", false),
            None
        );
        // Names that are not bare keys are quoted.
        let dotted = crate::Source::new(
            "p.toml",
            "[policies.\"a.b\"]\norigins = [\"https://a.example\"]\n[policies.\"a.b\".profiles.\"x y\"]\n",
        );
        let at = locate(
            &dotted,
            &Selection::policy("a.b").with_profile("x y"),
            "origins",
            true,
        );
        assert_eq!(at.unwrap().key, "policies.\"a.b\".origins");
    }
}

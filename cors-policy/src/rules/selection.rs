use super::{Finding, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::select::SelectionError;

/// Selection problems are found by [`crate::compile`] when it selects what to
/// compile, not by a check of the file; this rule renders them.
pub(crate) struct Selection;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS005",
    name: "unknown-selection",
    severity: Severity::Error,
    configurable: false,
    summary: "The requested policy or profile is not in the file",
    doc: r#"## What it does
Reported when `cors_policy!`, the build-script API, `cors check` or
`cors_policy::load` asks for a policy or profile the file does not define, or
names no policy in a file that has several.

## Why is this bad
Compiling a different policy than the one asked for would be a silent
misconfiguration.

## How to fix
Use one of the names the message lists: `policy = "api"` (or `--policy api`)
selects `[policies.api]`, `profile = "dev"` (or `--profile dev`) selects
`[profiles.dev]` of that policy.

## Example
```rust,ignore
cors_policy!(file = "cors.toml", policy = "api", profile = "staging")
// cors.toml only has [policies.api.profiles.dev]
```
Use instead:
```rust,ignore
cors_policy!(file = "cors.toml", policy = "api", profile = "dev")
```"#,
};

impl Rule for Selection {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}

/// The diagnostic of a selection that names nothing in the file.
pub(crate) fn diagnostic(error: &SelectionError) -> Diagnostic {
    let one_of = |names: &[String]| format!("select one of: {}", names.join(", "));
    let finding = match error {
        SelectionError::NoPolicyNamed { policies, at } => Finding::new(
            at.clone(),
            "the file has several policies and none was selected",
            "the file's first policy",
        )
        .help(one_of(policies)),
        SelectionError::FileHasNoNamedPolicies { name } => Finding::new(
            0..0,
            format!("policy `{name}` was selected, but the file has one unnamed policy"),
            "",
        )
        .help("select no policy, or move the keys under [policies.<name>]"),
        SelectionError::NoSuchPolicy { name, policies, at } => Finding::new(
            at.clone(),
            format!("the file has no policy `{name}`"),
            "the file's first policy",
        )
        .help(one_of(policies)),
        SelectionError::NoSuchProfile { name, profiles, at } => Finding::new(
            at.clone(),
            format!("the policy has no profile `{name}`"),
            "",
        )
        .help(if profiles.is_empty() {
            "this policy has no [profiles.<name>] tables".to_string()
        } else {
            one_of(profiles)
        }),
    };
    super::unrelaxable(META, finding)
}

#[cfg(test)]
mod tests {
    use crate::{Selection, Source, compile};

    fn selection_error(text: &str, selection: Selection) -> crate::Diagnostic {
        let report = compile(&Source::new("p.toml", text), &selection).unwrap_err();
        report
            .diagnostics()
            .iter()
            .find(|d| d.code == "CORS005")
            .cloned()
            .unwrap_or_else(|| panic!("no CORS005 in {report}"))
    }

    #[test]
    fn each_selection_error_names_the_choices() {
        let text = "[policies.api]\norigins = [\"https://a.example\"]\n[policies.web]\norigins = [\"https://b.example\"]\n";
        let d = selection_error(text, Selection::default());
        assert_eq!(d.help.as_deref(), Some("select one of: api, web"));
        assert_eq!(&text[d.span.clone()], "api");
        let d = selection_error(text, Selection::policy("admin"));
        assert_eq!(d.message, "the file has no policy `admin`");
        let d = selection_error(text, Selection::policy("api").with_profile("dev"));
        assert_eq!(
            d.help.as_deref(),
            Some("this policy has no [profiles.<name>] tables")
        );
        let d = selection_error(
            "origins = [\"https://a.example\"]\n",
            Selection::policy("api"),
        );
        assert!(d.message.contains("one unnamed policy"), "{}", d.message);
    }
}

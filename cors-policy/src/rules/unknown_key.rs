use super::{Context, Finding, Rule, RuleMeta, all, find};
use crate::ast::{FileAst, Problem};
use crate::diagnostic::Severity;
use crate::suggest::closest;

pub(crate) struct UnknownKey;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS002",
    name: "unknown-key",
    severity: Severity::Error,
    configurable: false,
    summary: "A key the policy schema does not have (often a typo)",
    doc: r#"## What it does
Reports keys that are not part of a policy, a profile or the file, and names
in `[lints]` that are not rules, and suggests the closest known key or rule.

## Why is this bad
A misspelt key is silently a different key: `credential = true` would leave
credentials off, `allowed_headers` would allow no header. Failing loudly is the
only safe reading.

## How to fix
Use the suggested key. Policy keys: `origins`, `methods`, `allow_headers`,
`expose_headers`, `credentials`, `max_age`, `preflight_status`, `on_reject`,
`profiles`. Profiles also take `extra_origins`, `extra_methods`,
`extra_allow_headers` and `extra_expose_headers`.

## Example
```toml
origins = ["https://app.example.com"]
allowed_headers = ["content-type"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
allow_headers = ["content-type"]
```"#,
};

impl Rule for UnknownKey {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_file(&self, cx: &mut Context<'_>, file: &FileAst) {
        // Keys the schema does not have, with the closest one it has.
        let keys = file.problems.iter().filter_map(|p| match p {
            Problem::UnknownKey {
                span,
                key,
                expected,
                place,
            } => Some((
                span,
                format!("unknown key `{key}` in a {place}"),
                "unknown key",
                match closest(expected.iter().copied(), key) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => format!("a {place} has these keys: {}", expected.join(", ")),
                },
            )),
            _ => None,
        });
        // `[lints]` may only name rules.
        let rules = file
            .lints
            .iter()
            .filter(|(name, _)| find(&name.value).is_none())
            .map(|(name, _)| {
                let also = "`cors rules` lists every rule";
                (
                    &name.span,
                    format!("`{}` is not a rule", name.value),
                    "unknown rule",
                    match closest(all().map(|r| r.name), &name.value) {
                        Some(s) => format!("did you mean `{s}`? {also}"),
                        None => also.to_string(),
                    },
                )
            });
        for (span, message, label, help) in keys.chain(rules) {
            cx.report(META, Finding::new(span.clone(), message, label).help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_rule, diagnostics};

    #[test]
    fn suggests_the_closest_key() {
        assert_rule(
            "CORS002",
            "origins = [\"https://a.example\"]\ncredential = true\n",
            "origins = [\"https://a.example\"]\ncredentials = true\n",
        );
        let d = diagnostics("origins = [\"https://a.example\"]\nallowed_headers = [\"x\"]\n");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `allow_headers`?"));
        let d =
            diagnostics("origins = [\"https://a.example\"]\n[profiles.dev]\nextra_origin = []\n");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `extra_origins`?"));
        let d = diagnostics("origins = [\"https://a.example\"]\n[lints]\nnull-orign = \"allow\"\n");
        assert_eq!(
            d[0].help.as_deref(),
            Some("did you mean `null-origin`? `cors rules` lists every rule")
        );
        let d = diagnostics("origins = [\"https://a.example\"]\nzzz = 1\n");
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .starts_with("a policy has these keys: origins")
        );
    }
}

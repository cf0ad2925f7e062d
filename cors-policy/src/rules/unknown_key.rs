use super::{Context, Finding, Rule, RuleMeta};
use crate::ast::{FileAst, Problem};
use crate::diagnostic::Severity;

pub(crate) struct UnknownKey;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS002",
    name: "unknown-key",
    severity: Severity::Error,
    configurable: false,
    summary: "A key the policy schema does not have (often a typo)",
    doc: r#"## What it does
Reports keys that are not part of a policy, a profile, the file or `[lints]`,
and suggests the closest known key.

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
        for p in &file.problems {
            let Problem::UnknownKey {
                span,
                key,
                expected,
                place,
            } = p
            else {
                continue;
            };
            let closest = expected
                .iter()
                .map(|k| (strsim::damerau_levenshtein(k, key), *k))
                .min()
                .filter(|(d, k)| *d <= 3.max(k.len() / 3));
            let help = match closest {
                Some((_, k)) => format!("did you mean `{k}`?"),
                None => format!("a {place} has these keys: {}", expected.join(", ")),
            };
            cx.report(
                META,
                Finding::new(
                    span.clone(),
                    format!("unknown key `{key}` in a {place}"),
                    "unknown key",
                )
                .help(help),
            );
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
        let d = diagnostics("origins = [\"https://a.example\"]\nzzz = 1\n");
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .starts_with("a policy has these keys: origins")
        );
    }
}

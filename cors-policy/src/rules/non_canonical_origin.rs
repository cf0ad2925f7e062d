use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::fix::{Fix, replace_string};

pub(crate) struct NonCanonicalOrigin;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS102",
    name: "non-canonical-origin",
    severity: Severity::Warning,
    configurable: true,
    summary: "An origin is not written the way browsers send it (it is normalised)",
    doc: r#"## What it does
Reports origins with upper-case letters, the scheme's default port
(`:443` on https, `:80` on http) or a Unicode host. The compiler normalises
them — lowercase, no default port, punycode — so the policy works, and this
warning asks you to write the canonical form.

## Why is this bad
Browsers send `Origin` in canonical form only (R1). A reader comparing the file
with a browser's console message (or with another tool that does not
normalise) sees two different strings.

## How to fix
Write the form given in the message; `cors lint --fix` rewrites it for you.

## Example
```toml
origins = ["HTTPS://App.Example.com:443", "https://bücher.example"]
```
Use instead:
```toml
origins = ["https://app.example.com", "https://xn--bcher-kva.example"]
```"#,
};

impl Rule for NonCanonicalOrigin {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        for entry in p.origins.iter().flat_map(|o| o.entries.iter()) {
            let Ok(parsed) = &entry.parsed else { continue };
            if parsed.normalised.is_empty() {
                continue;
            }
            let why: Vec<&str> = parsed.normalised.iter().map(|n| n.describe()).collect();
            cx.report(
                META,
                Finding::new(
                    entry.raw.span.clone(),
                    format!(
                        "`{}` is not in canonical form: {}",
                        entry.raw.value,
                        why.join(", ")
                    ),
                    format!("normalised to `{}`", parsed.pattern),
                )
                .help(format!("write `{}`", parsed.pattern))
                .fix(Fix::safe(
                    format!("write `{}`", parsed.pattern),
                    replace_string(entry.raw.span.clone(), &parsed.pattern.to_string()),
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_rule, diagnostics};

    #[test]
    fn warns_and_normalises() {
        assert_rule(
            "CORS102",
            "origins = [\"https://Example.com:443\"]\n",
            "origins = [\"https://example.com\"]\n",
        );
        let d = diagnostics("origins = [\"https://bücher.example\"]\n");
        assert_eq!(
            d[0].help.as_deref(),
            Some("write `https://xn--bcher-kva.example`")
        );
        assert_eq!(d[0].severity, crate::Severity::Warning);
    }
}

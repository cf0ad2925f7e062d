use std::collections::HashMap;

use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::fix::{Fix, remove_array_element};

pub(crate) struct DuplicateOrigin;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS106",
    name: "duplicate-origin",
    severity: Severity::Warning,
    configurable: true,
    summary: "The same origin is listed twice (possibly in different spellings)",
    doc: r#"## What it does
Compares the canonical form of every entry of `origins`, so
`https://app.example.com` and `HTTPS://app.example.com:443` are the same
entry.

## Why is this bad
A duplicate is harmless to the matcher but not to reviewers: removing one copy
in a review leaves the origin allowed, and near-duplicates hide typos.

## How to fix
Delete the later entry (`cors lint --fix` does).

## Example
```toml
origins = ["https://app.example.com", "https://APP.example.com"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
```"#,
};

impl Rule for DuplicateOrigin {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        let mut first = HashMap::new();
        for (entry, pattern) in p.patterns() {
            match first.get(pattern) {
                None => {
                    first.insert(pattern, entry);
                }
                Some(original) => cx.report(
                    META,
                    Finding::new(
                        entry.raw.span.clone(),
                        format!("`{pattern}` is listed twice"),
                        "duplicate",
                    )
                    .secondary(original.raw.span.clone(), "first listed here")
                    .help("remove this entry")
                    .fix(Fix::safe(
                        format!("remove the repeated `{pattern}`"),
                        remove_array_element(cx.text(), entry.raw.span.clone()),
                    )),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_rule, diagnostics};

    #[test]
    fn canonical_duplicates() {
        assert_rule(
            "CORS106",
            "origins = [\"https://a.example\", \"https://A.example:443\"]\n",
            "origins = [\"https://a.example\", \"https://b.example\"]\n",
        );
        let d = diagnostics("origins = [\"https://a.example\", \"https://a.example\"]\n");
        let dup = d.iter().find(|d| d.code == "CORS106").unwrap();
        assert_eq!(dup.secondary.as_ref().unwrap().0, 11..30);
    }
}

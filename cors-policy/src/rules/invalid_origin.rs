use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::fix::{Fix, replace_string};
use crate::pattern::PatternErrorKind;

pub(crate) struct InvalidOrigin;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS101",
    name: "invalid-origin",
    severity: Severity::Error,
    configurable: false,
    summary: "An entry of `origins` is not an origin",
    doc: r#"## What it does
Checks each entry of `origins` against the form browsers send in the `Origin`
header (R1): `scheme://host[:port]`, with nothing else. Each mistake has its
own message and fix: a path or trailing `/`, a query or fragment, a user name,
a missing scheme, an empty or malformed port, a trailing dot, characters that
cannot be in a host.

## Why is this bad
Browsers compare `Access-Control-Allow-Origin` with the page's origin byte for
byte (R18). `https://example.com/` can never equal an origin, so the entry
silently allows nothing — or, in hand-written middleware that matches by
prefix, allows far too much.

## How to fix
Write the origin as the browser serialises it: the message gives the exact
replacement.

## Example
```toml
origins = ["https://app.example.com/", "app.example.com"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
```"#,
};

impl Rule for InvalidOrigin {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        for entry in p.origins.iter().flat_map(|o| o.entries.iter()) {
            let Err(e) = &entry.parsed else { continue };
            if e.kind != PatternErrorKind::Invalid {
                continue;
            }
            let mut finding = Finding::new(
                entry.sub_span(&e.at),
                format!("`{}`: {}", entry.raw.value, e.message),
                "not an origin",
            )
            .help(e.help.clone());
            if let Some((replacement, applicability)) = &e.replacement {
                finding = finding.fix(Fix {
                    title: format!("write `{replacement}`"),
                    applicability: *applicability,
                    edits: vec![replace_string(entry.raw.span.clone(), replacement)],
                });
            }
            cx.report(META, finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_rule, diagnostics};

    #[test]
    fn paths_and_missing_schemes_are_errors_with_fixes() {
        assert_rule(
            "CORS101",
            "origins = [\"https://example.com/\"]\n",
            "origins = [\"https://example.com\"]\n",
        );
        assert_rule(
            "CORS101",
            "origins = [\"example.com\"]\n",
            "origins = [\"https://example.com\"]\n",
        );
        let d = diagnostics("origins = [\"https://example.com/api\"]\n");
        assert_eq!(d[0].help.as_deref(), Some("write `https://example.com`"));
        // The caret points at the path, not the whole string.
        assert_eq!(
            &"origins = [\"https://example.com/api\"]\n"[d[0].span.clone()],
            "/api"
        );
    }
}

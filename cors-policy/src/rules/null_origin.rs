use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::pattern::OriginPattern;

pub(crate) struct NullOrigin;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS105",
    name: "null-origin",
    severity: Severity::Error,
    configurable: true,
    summary: "`null` is allowed, which any sandboxed iframe or data: page can send",
    doc: r#"## What it does
Reports `"null"` in `origins`.

## Why is this bad
Browsers send `Origin: null` for sandboxed iframes, `data:` and `file:`
documents, and requests redirected across origins (R2). Any attacker can make
a page that sends it, so allowing `null` is close to allowing every origin —
and with credentials, every origin reading as your users.

## How to fix
Remove `"null"`. If you really serve sandboxed content that must read responses
(and use no credentials), keep it and relax the rule explicitly:
`[lints] null-origin = "allow"`. With credentials, `null` stays an error that
no `[lints]` entry relaxes (`null-origin-with-credentials`, CORS205).

## Example
```toml
origins = ["https://app.example.com", "null"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
```"#,
};

impl Rule for NullOrigin {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        for (entry, pattern) in p.patterns() {
            if *pattern != OriginPattern::Null {
                continue;
            }
            let finding = Finding::new(
                entry.raw.span.clone(),
                "`null` is allowed: any sandboxed iframe, data: URL or redirected request sends it",
                "any page can send Origin: null",
            )
            .help("remove \"null\"; if it is truly needed, add `[lints] null-origin = \"allow\"`");
            cx.report(META, finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn null_is_an_error_unless_relaxed() {
        assert_rule(
            "CORS105",
            "origins = [\"null\"]\n",
            "origins = [\"null\"]\n[lints]\nnull-origin = \"allow\"\n",
        );
    }
}

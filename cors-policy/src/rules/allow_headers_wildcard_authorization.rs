use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;

pub(crate) struct AllowHeadersWildcardAuthorization;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS307",
    name: "wildcard-does-not-cover-authorization",
    severity: Severity::Warning,
    configurable: true,
    summary: "`allow_headers = \"*\"` does not allow Authorization",
    doc: r#"## What it does
Reports `"*"` in `allow_headers` when `authorization` is not also listed.

## Why is this bad
The Fetch standard makes `Authorization` the one header a `*` never covers
(R15). Firefox enforces it, and Chromium only still accepts it behind a
deprecation warning. Clients sending bearer tokens break browser by browser.
The evaluator follows the standard: a preflight asking for `authorization` is
rejected unless it is listed.

## How to fix
List it next to the wildcard: `allow_headers = ["*", "authorization"]`, or
list every header by name.

## Example
```toml
origins = ["https://app.example.com"]
allow_headers = "*"
```
Use instead:
```toml
origins = ["https://app.example.com"]
allow_headers = ["*", "authorization"]
```"#,
};

impl Rule for AllowHeadersWildcardAuthorization {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        let Some(any) = &p.allow_headers.any else {
            return;
        };
        if p.credentials()
            || p.allow_headers
                .items
                .iter()
                .any(|h| h.value.eq_ignore_ascii_case("authorization"))
        {
            return;
        }
        cx.report(
            META,
            Finding::new(
                any.clone(),
                "`*` in allow_headers does not cover the Authorization header",
                "does not cover authorization",
            )
            .help(
                "if clients send Authorization, write `allow_headers = [\"*\", \"authorization\"]`",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn wildcard_and_authorization() {
        assert_rule(
            "CORS307",
            "origins = [\"https://a.example\"]\nallow_headers = \"*\"\n",
            "origins = [\"https://a.example\"]\nallow_headers = [\"*\", \"Authorization\"]\n",
        );
    }
}

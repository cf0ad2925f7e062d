use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;

pub(crate) struct SafelistedHeaderListed;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS306",
    name: "safelisted-header-listed",
    severity: Severity::Info,
    configurable: true,
    summary: "A response header that is always readable is listed in expose_headers",
    doc: r#"## What it does
Reports CORS-safelisted response headers in `expose_headers`:
`cache-control`, `content-language`, `content-length`, `content-type`,
`expires`, `last-modified`, `pragma` (R7).

## Why is this bad
It is harmless — pages can always read these — but it makes the list longer
than it needs to be and hides the headers that actually need exposing.
(Request headers are different: a safelisted request header such as
`content-type` must still be in `allow_headers` when its value is not
safelisted, e.g. `application/json`, so `allow_headers` is not checked.)

## How to fix
Remove the entry.

## Example
```toml
origins = ["https://app.example.com"]
expose_headers = ["content-type", "x-total-count"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
expose_headers = ["x-total-count"]
```"#,
};

use crate::fetch::SAFELISTED_RESPONSE_HEADERS as SAFELISTED;

impl Rule for SafelistedHeaderListed {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        for h in &p.expose_headers.items {
            if SAFELISTED.iter().any(|s| s.eq_ignore_ascii_case(&h.value)) {
                cx.report(
                    META,
                    Finding::new(
                        h.span.clone(),
                        format!(
                            "`{}` is always readable; exposing it changes nothing",
                            h.value
                        ),
                        "always exposed",
                    )
                    .help("remove it"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn safelisted_response_headers() {
        assert_rule(
            "CORS306",
            "origins = [\"https://a.example\"]\nexpose_headers = [\"Content-Type\"]\n",
            "origins = [\"https://a.example\"]\nexpose_headers = [\"x-total\"]\nallow_headers = [\"content-type\"]\n",
        );
    }
}

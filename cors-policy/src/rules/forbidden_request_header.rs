use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;

pub(crate) struct ForbiddenRequestHeader;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS304",
    name: "forbidden-request-header",
    severity: Severity::Warning,
    configurable: true,
    summary: "`allow_headers` lists a header page scripts can never set",
    doc: r#"## What it does
Reports forbidden request headers in `allow_headers`: `cookie`, `host`,
`origin`, `content-length`, `connection`, `referer`, any `sec-*` or `proxy-*`
name, and the rest of the Fetch list (R6).

## Why is this bad
Browsers set these themselves and never list them in
`Access-Control-Request-Headers`, so allowing them does nothing. Listing
`cookie` usually means cookies were expected to need it — they need
`credentials = true` instead.

## How to fix
Remove the entry; for cookies, set `credentials = true`.

## Example
```toml
origins = ["https://app.example.com"]
allow_headers = ["cookie", "content-type"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
allow_headers = ["content-type"]
credentials = true
```"#,
};

use crate::fetch::is_forbidden_request_header as is_forbidden;

impl Rule for ForbiddenRequestHeader {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        for h in &p.allow_headers.items {
            if is_forbidden(&h.value) {
                let help = if h.value.eq_ignore_ascii_case("cookie") {
                    "remove it; to send cookies, set `credentials = true`"
                } else {
                    "remove it: browsers set this header themselves"
                };
                cx.report(
                    META,
                    Finding::new(
                        h.span.clone(),
                        format!(
                            "`{}` is a forbidden request header: page scripts cannot set it",
                            h.value
                        ),
                        "never requested",
                    )
                    .help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn forbidden_headers() {
        let good = "origins = [\"https://a.example\"]\nallow_headers = [\"content-type\"]\n";
        for bad in ["Cookie", "host", "sec-fetch-mode", "Proxy-Authorization"] {
            assert_rule(
                "CORS304",
                &format!("origins = [\"https://a.example\"]\nallow_headers = [\"{bad}\"]\n"),
                good,
            );
        }
    }
}

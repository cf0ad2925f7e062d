use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;

pub(crate) struct SetCookieExposed;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS305",
    name: "set-cookie-exposed",
    severity: Severity::Warning,
    configurable: true,
    summary: "`expose_headers` lists Set-Cookie, which is never readable",
    doc: r#"## What it does
Reports `set-cookie` and `set-cookie2` in `expose_headers`.

## Why is this bad
Browsers never let page script read `Set-Cookie`, whatever
`Access-Control-Expose-Headers` says (R7, R21). The entry suggests the page
reads cookies from responses, which it cannot.

## How to fix
Remove it. Cookies set by a credentialed response are stored by the browser
and sent back automatically.

## Example
```toml
origins = ["https://app.example.com"]
expose_headers = ["set-cookie", "x-request-id"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
expose_headers = ["x-request-id"]
```"#,
};

impl Rule for SetCookieExposed {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        for h in &p.expose_headers.items {
            if h.value.eq_ignore_ascii_case("set-cookie")
                || h.value.eq_ignore_ascii_case("set-cookie2")
            {
                cx.report(
                    META,
                    Finding::new(
                        h.span.clone(),
                        format!("`{}` is never readable by page script", h.value),
                        "never exposed",
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
    fn set_cookie() {
        assert_rule(
            "CORS305",
            "origins = [\"https://a.example\"]\nexpose_headers = [\"Set-Cookie\"]\n",
            "origins = [\"https://a.example\"]\nexpose_headers = [\"x-request-id\"]\n",
        );
    }
}

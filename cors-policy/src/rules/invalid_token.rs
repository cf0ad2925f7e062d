use cors_runtime::MAX_HEADER_NAME_LEN;

use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;

pub(crate) struct InvalidToken;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS303",
    name: "invalid-token",
    severity: Severity::Error,
    configurable: false,
    summary: "A method or header name that is not an HTTP token",
    doc: r#"## What it does
Checks every entry of `methods`, `allow_headers` and `expose_headers` against
the HTTP `token` grammar (letters, digits and ``!#$%&'*+-.^_`|~``), and
that no `allow_headers` name is longer than 256 bytes (the evaluator looks a
requested name up in one probe of that size).

## Why is this bad
One invalid element makes the browser reject the whole
`Access-Control-Allow-Methods` or `-Headers` list (R14, R15), so the preflight
fails for every request. Typical causes: a space (`"X-A X-B"`), a comma inside
one entry (`"x-a,x-b"`), a colon (`"x-a:"`).

## How to fix
Put one name per array entry, without spaces or punctuation.

## Example
```toml
origins = ["https://app.example.com"]
allow_headers = ["content-type, x-request-id"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
allow_headers = ["content-type", "x-request-id"]
```"#,
};

impl Rule for InvalidToken {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        for (key, list) in [
            ("methods", &p.methods),
            ("allow_headers", &p.allow_headers),
            ("expose_headers", &p.expose_headers),
        ] {
            for item in &list.items {
                let len = item.value.len();
                if len > MAX_HEADER_NAME_LEN && key == "allow_headers" {
                    cx.report(
                        META,
                        Finding::new(
                            item.span.clone(),
                            format!("a name in `{key}` is {len} bytes long; the limit is {MAX_HEADER_NAME_LEN}"),
                            "too long",
                        )
                        .help("shorten the header name"),
                    );
                    continue;
                }
                if cors_runtime::is_token(item.value.as_bytes()) {
                    continue;
                }
                let parts: Vec<&str> = item
                    .value
                    .split([',', ' '])
                    .filter(|s| !s.is_empty())
                    .collect();
                let help = if parts.len() > 1
                    && parts.iter().all(|s| cors_runtime::is_token(s.as_bytes()))
                {
                    format!(
                        "one name per entry: {}",
                        parts
                            .iter()
                            .map(|s| format!("{s:?}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                } else {
                    "use letters, digits and - only".to_string()
                };
                cx.report(
                    META,
                    Finding::new(
                        item.span.clone(),
                        format!("{:?} in `{key}` is not a valid HTTP token", item.value),
                        "not a token",
                    )
                    .help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_rule, diagnostics};

    #[test]
    fn tokens_only() {
        assert_rule(
            "CORS303",
            "origins = [\"https://a.example\"]\nallow_headers = [\"x-a, x-b\"]\n",
            "origins = [\"https://a.example\"]\nallow_headers = [\"x-a\", \"x-b\"]\n",
        );
        let d = diagnostics("origins = [\"https://a.example\"]\nmethods = [\"GET POST\"]\n");
        assert_eq!(
            d[0].help.as_deref(),
            Some("one name per entry: \"GET\", \"POST\"")
        );
    }
}

use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;

pub(crate) struct CredentialsWithWildcardList;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS202",
    name: "credentials-with-wildcard-list",
    severity: Severity::Error,
    configurable: false,
    summary: "`\"*\"` in methods, allow_headers or expose_headers with credentials",
    doc: r#"## What it does
Rejects `"*"` in `methods`, `allow_headers` or `expose_headers` when
`credentials = true`.

## Why is this bad
On credentialed requests browsers read `*` literally — a method named `*`, a
header named `*` (R14, R15, R21). The policy would look permissive while the
browser blocks every non-simple method and header, and exposes nothing.

## How to fix
List the methods and headers by name.

## Example
```toml
origins = ["https://app.example.com"]
credentials = true
allow_headers = "*"
```
Use instead:
```toml
origins = ["https://app.example.com"]
credentials = true
allow_headers = ["content-type", "authorization"]
```"#,
};

impl Rule for CredentialsWithWildcardList {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        let Some(creds) = p.credentials.filter(|c| c.value) else {
            return;
        };
        let lists = [
            (
                "methods",
                &p.methods,
                "a method literally named `*`",
                "list the methods, e.g. [\"GET\", \"PUT\", \"DELETE\"]",
            ),
            (
                "allow_headers",
                &p.allow_headers,
                "a header literally named `*`",
                "list the request headers, e.g. [\"content-type\"]",
            ),
            (
                "expose_headers",
                &p.expose_headers,
                "a header literally named `*`",
                "list the response headers pages may read",
            ),
        ];
        for (key, list, literal, help) in lists {
            if let Some(any) = &list.any {
                cx.report(
                    META,
                    Finding::new(
                        any.clone(),
                        format!("`{key}` has \"*\" but credentials are on: browsers read it as {literal}"),
                        "read literally on credentialed requests",
                    )
                    .secondary(creds.span.clone(), "credentials enabled here")
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
    fn wildcards_with_credentials() {
        let good =
            "origins = [\"https://a.example\"]\ncredentials = true\nallow_headers = [\"x-a\"]\n";
        for bad in [
            "methods = \"*\"",
            "allow_headers = \"*\"",
            "expose_headers = [\"x-a\", \"*\"]",
        ] {
            assert_rule(
                "CORS202",
                &format!("origins = [\"https://a.example\"]\ncredentials = true\n{bad}\n"),
                good,
            );
        }
        assert_rule(
            "CORS202",
            "origins = [\"https://a.example\"]\ncredentials = true\nmethods = \"*\"\n",
            "origins = \"*\"\nmethods = \"*\"\n",
        );
    }
}

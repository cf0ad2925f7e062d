use super::{Context, Finding, Rule, RuleMeta};
use crate::ast::{FileAst, Problem};
use crate::diagnostic::Severity;

pub(crate) struct MissingOrigins;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS004",
    name: "missing-origins",
    severity: Severity::Error,
    configurable: false,
    summary: "A policy does not say which origins it allows",
    doc: r#"## What it does
Requires `origins` in every policy.

## Why is this bad
There is no safe default: allowing nothing makes the policy useless, and
allowing everything is a decision that must be written down.

## How to fix
List the origins of the pages that call this service, or write
`origins = "*"` for a public, credential-less API.

## Example
```toml
methods = ["GET"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
methods = ["GET"]
```"#,
};

impl Rule for MissingOrigins {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_file(&self, cx: &mut Context<'_>, file: &FileAst) {
        for p in &file.problems {
            let Problem::MissingOrigins { span, policy } = p else {
                continue;
            };
            let message = match policy {
                Some(name) => format!("policy `{name}` has no `origins`"),
                None => "the policy has no `origins`".to_string(),
            };
            cx.report(
                META,
                Finding::new(span.clone(), message, "origins missing")
                    .help("add `origins = [\"https://app.example.com\"]`, or `origins = \"*\"` for a public API"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn origins_are_required() {
        assert_rule("CORS004", "methods = [\"GET\"]\n", "origins = \"*\"\n");
        assert_rule(
            "CORS004",
            "[policies.api]\nmethods = [\"GET\"]\n",
            "[policies.api]\norigins = \"*\"\n",
        );
    }
}

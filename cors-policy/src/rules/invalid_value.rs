use super::{Context, Finding, Rule, RuleMeta, find};
use crate::ast::{FileAst, LintLevel, Problem};
use crate::diagnostic::Severity;

pub(crate) struct InvalidValue;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS003",
    name: "invalid-value",
    severity: Severity::Error,
    configurable: false,
    summary: "A key has a value of the wrong type or out of range",
    doc: r#"## What it does
Checks every value against the schema: `credentials` is a boolean, `max_age` a
whole number of seconds from 0, `preflight_status` 200 or 204, `on_reject`
`"omit"` or `"forbid"`, `report_only` and `fingerprint_header` booleans,
`log_rejections` one of `"off"`, `"error"`, `"warn"`, `"info"`, `"debug"`,
`"trace"`, list keys an array of strings or `"*"`, `[lints]`
levels `"allow"`, `"warn"` or `"deny"` (and only for rules that can be relaxed).

## Why is this bad
A value of the wrong shape has no safe meaning. `max_age = -1`, for instance,
is read as 5 seconds by the spec and as 0 by Chromium (R16).

## How to fix
Write the value in the form the message gives.

## Example
```toml
origins = ["https://app.example.com"]
credentials = "yes"
max_age = -1
```
Use instead:
```toml
origins = ["https://app.example.com"]
credentials = true
max_age = 0
```"#,
};

impl Rule for InvalidValue {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_file(&self, cx: &mut Context<'_>, file: &FileAst) {
        for p in &file.problems {
            let Problem::InvalidValue {
                span,
                message,
                help,
            } = p
            else {
                continue;
            };
            cx.report(
                META,
                Finding::new(span.clone(), message.clone(), "invalid value").help(help.clone()),
            );
        }
        // `[lints]` may only relax configurable rules.
        for (name, level) in &file.lints {
            let Some(rule) = find(&name.value) else {
                continue;
            };
            if rule.configurable || *level == LintLevel::Deny {
                continue;
            }
            cx.report(
                META,
                Finding::new(
                    name.span.clone(),
                    format!(
                        "`{}` cannot be relaxed: browsers reject such a policy outright",
                        rule.name
                    ),
                    "not configurable",
                )
                .help(format!(
                    "fix the policy instead; `cors rules {}` explains how",
                    rule.code
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_rule, codes};

    #[test]
    fn values_must_fit_the_schema() {
        let good = "origins = [\"https://a.example\"]\ncredentials = true\nmax_age = 600\npreflight_status = 200\non_reject = \"forbid\"\nreport_only = true\nlog_rejections = \"warn\"\nfingerprint_header = false\n";
        for bad in [
            "credentials = \"yes\"",
            "max_age = -1",
            "max_age = 1.5",
            "preflight_status = 201",
            "on_reject = \"deny\"",
            "methods = \"GET\"",
            "methods = [1]",
            "report_only = 1",
            "log_rejections = \"loud\"",
            "log_rejections = \"WARN\"",
            "log_rejections = 3",
            "fingerprint_header = \"yes\"",
        ] {
            assert_rule(
                "CORS003",
                &format!("origins = [\"https://a.example\"]\n{bad}\n"),
                good,
            );
        }
        assert!(
            codes("[policies.a]\norigins = [\"https://a.example\"]\n\norigins = 1\n")
                .contains(&"CORS001")
        );
        assert!(
            codes("credentials = true\n[policies.a]\norigins = [\"https://a.example\"]\n")
                .contains(&"CORS003")
        );
    }
}

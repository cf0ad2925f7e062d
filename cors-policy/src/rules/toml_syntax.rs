use super::{Context, Finding, Rule, RuleMeta};
use crate::ast::{FileAst, Problem};
use crate::diagnostic::Severity;

pub(crate) struct TomlSyntax;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS001",
    name: "toml-syntax",
    severity: Severity::Error,
    configurable: false,
    summary: "The policy file is not valid TOML",
    doc: r#"## What it does
Reports text the TOML parser cannot read: a missing quote or bracket, a key
written twice, a bare word where a value belongs.

## Why is this bad
Nothing in the file can be checked or compiled until it parses.

## How to fix
Follow the message: it names the line, the column and what the parser
expected there.

## Example
```toml
origins = ["https://app.example.com"   # missing ]
```
Use instead:
```toml
origins = ["https://app.example.com"]
```"#,
};

impl Rule for TomlSyntax {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_file(&self, cx: &mut Context<'_>, file: &FileAst) {
        for p in &file.problems {
            if let Problem::Syntax { span, message } = p {
                let mut lines = message.lines();
                let first = lines.next().unwrap_or("invalid TOML").to_string();
                let rest: Vec<&str> = lines.map(str::trim).filter(|l| !l.is_empty()).collect();
                let mut finding =
                    Finding::new(span.clone(), format!("invalid TOML: {first}"), "here");
                if !rest.is_empty() {
                    finding = finding.help(rest.join("; "));
                }
                cx.report(META, finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{assert_rule, diagnostics};

    #[test]
    fn reports_broken_toml_with_its_position() {
        assert_rule(
            "CORS001",
            "origins = [\"https://a.example\"\n",
            "origins = [\"https://a.example\"]\n",
        );
        let d = diagnostics("origins = [\"https://a.example\"]\norigins = []\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "CORS001");
        assert!(d[0].span.start >= 32, "{:?}", d[0].span);
    }
}

use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;

pub(crate) struct MethodCase;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS302",
    name: "method-case",
    severity: Severity::Error,
    configurable: true,
    summary: "A standard method written in lower case, which browsers never send",
    doc: r#"## What it does
Reports `delete`, `get`, `head`, `options`, `post` and `put` in any case other
than upper case.

## Why is this bad
`fetch()` upper-cases exactly these six methods before sending (R4), and the
preflight check compares methods byte for byte (R14). `methods = ["put"]`
therefore never matches the `PUT` a browser sends: every PUT is blocked.
(Other methods go out as written: `patch` and `PATCH` are different methods,
and both may be listed.)

## How to fix
Write the method in upper case.

## Example
```toml
origins = ["https://app.example.com"]
methods = ["get", "put"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
methods = ["GET", "PUT"]
```"#,
};

const NORMALISED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

impl Rule for MethodCase {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        for m in &p.methods.items {
            if let Some(upper) = NORMALISED
                .iter()
                .find(|n| n.eq_ignore_ascii_case(&m.value) && **n != m.value)
            {
                cx.report(
                    META,
                    Finding::new(
                        m.span.clone(),
                        format!(
                            "browsers send `{upper}`, never `{}`, so this entry matches nothing",
                            m.value
                        ),
                        "never sent by browsers",
                    )
                    .help(format!("write `{upper}`")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn lowercase_standard_methods() {
        assert_rule(
            "CORS302",
            "origins = [\"https://a.example\"]\nmethods = [\"put\"]\n",
            "origins = [\"https://a.example\"]\nmethods = [\"PUT\", \"patch\"]\n",
        );
    }
}

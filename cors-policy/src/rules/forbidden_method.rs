use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;

pub(crate) struct ForbiddenMethod;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS301",
    name: "forbidden-method",
    severity: Severity::Error,
    configurable: false,
    summary: "CONNECT, TRACE or TRACK in `methods`",
    doc: r#"## What it does
Rejects the forbidden methods `CONNECT`, `TRACE` and `TRACK`, in any case (R4).

## Why is this bad
Browsers refuse to send them (`fetch()` throws), so listing them allows
nothing from a page — and `TRACE` in particular has a history of leaking
credentials (cross-site tracing). Their presence means the list was not
thought through.

## How to fix
Remove them.

## Example
```toml
origins = ["https://app.example.com"]
methods = ["GET", "TRACE"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
methods = ["GET"]
```"#,
};

pub(crate) use crate::fetch::is_forbidden_method;

impl Rule for ForbiddenMethod {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        for m in &p.methods.items {
            if is_forbidden_method(&m.value) {
                cx.report(
                    META,
                    Finding::new(
                        m.span.clone(),
                        format!(
                            "`{}` is a forbidden method: browsers never send it",
                            m.value
                        ),
                        "forbidden method",
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
    fn forbidden_methods() {
        let good = "origins = [\"https://a.example\"]\nmethods = [\"GET\", \"PATCH\"]\n";
        for bad in ["TRACE", "connect", "Track"] {
            assert_rule(
                "CORS301",
                &format!("origins = [\"https://a.example\"]\nmethods = [\"{bad}\"]\n"),
                good,
            );
        }
    }
}

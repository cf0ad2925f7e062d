use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::pattern::{HostPattern, OriginPattern, PortPattern};

pub(crate) struct InvalidServerOrigin;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS109",
    name: "invalid-server-origin",
    severity: Severity::Error,
    configurable: false,
    summary: "An entry of `server_origins` is not one exact origin",
    doc: r#"## What it does
Checks that every entry of `server_origins` is one exact origin,
`scheme://host[:port]`: no `*`, no wildcard host or port, no `null`, no path.

## Why is this bad
`server_origins` names where the service itself is served. A request whose
`Origin` is one of them, from a browser that sends no `Sec-Fetch-Site`, is
treated as same-origin and passes `on_reject = "forbid"` (R28). A pattern there
would let every origin it matches skip the policy.

## How to fix
List each origin the service is reached at, scheme included:
`https://api.example.com` and `http://api.example.com` are different origins.

## Example
```toml
origins = ["https://app.example.com"]
on_reject = "forbid"
server_origins = ["https://*.example.com"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
on_reject = "forbid"
server_origins = ["https://api.example.com"]
```"#,
};

impl Rule for InvalidServerOrigin {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        let Some(own) = p.server_origins else { return };
        if let Some(any) = &own.value.any {
            cx.report(
                META,
                Finding::new(
                    any.clone(),
                    "`server_origins` cannot be \"*\": it would make every origin same-origin",
                    "not one origin",
                )
                .help("list the origins the service is served at, e.g. `[\"https://api.example.com\"]`"),
            );
        }
        for entry in &own.value.entries {
            let problem = match &entry.parsed {
                Err(e) => Some(e.message.clone()),
                Ok(parsed) => match &parsed.pattern {
                    OriginPattern::Null => Some("`null` is never the service's own origin".into()),
                    OriginPattern::Tuple {
                        host: HostPattern::Subdomains(_),
                        ..
                    } => Some("a wildcard host matches many origins".into()),
                    OriginPattern::Tuple {
                        port: PortPattern::Any,
                        ..
                    } => Some("a wildcard port matches many origins".into()),
                    OriginPattern::Tuple { .. } => None,
                },
            };
            if let Some(problem) = problem {
                cx.report(
                    META,
                    Finding::new(
                        entry.raw.span.clone(),
                        format!("server origin `{}`: {problem}", entry.raw.value),
                        "not one exact origin",
                    )
                    .help("write one exact origin, e.g. `https://api.example.com`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn server_origins_are_exact_origins() {
        let base = "origins = [\"https://app.example.com\"]\n";
        for bad in [
            "server_origins = \"*\"",
            "server_origins = [\"https://*.example.com\"]",
            "server_origins = [\"http://localhost:*\"]",
            "server_origins = [\"null\"]",
            "server_origins = [\"https://api.example.com/v1\"]",
        ] {
            assert_rule(
                "CORS109",
                &format!("{base}{bad}\n"),
                &format!("{base}server_origins = [\"https://api.example.com\"]\n"),
            );
        }
    }
}

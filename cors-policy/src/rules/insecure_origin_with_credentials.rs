use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::pattern::{HostPattern, OriginPattern};

pub(crate) struct InsecureOriginWithCredentials;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS203",
    name: "insecure-origin-with-credentials",
    severity: Severity::Warning,
    configurable: true,
    summary: "An `http://` origin (other than loopback) is trusted with credentials",
    doc: r#"## What it does
Reports plain-`http` origins, other than loopback, in a policy with
`credentials = true`.

## Why is this bad
Anyone on the network path (public Wi-Fi, a compromised router) can inject
script into an `http://` page. With credentials, that script reads your API as
the visitor.

## How to fix
Serve the calling site over https and list the `https://` origin.

## Example
```toml
origins = ["http://app.example.com"]
credentials = true
```
Use instead:
```toml
origins = ["https://app.example.com"]
credentials = true
```"#,
};

impl Rule for InsecureOriginWithCredentials {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        let Some(creds) = p.credentials.filter(|c| c.value) else {
            return;
        };
        for (entry, pattern) in p.patterns() {
            let OriginPattern::Tuple { scheme, host, .. } = pattern else {
                continue;
            };
            let (HostPattern::Exact(h) | HostPattern::Subdomains(h)) = host;
            let loopback = h == "localhost"
                || h == "[::1]"
                || h.ends_with(".localhost")
                || h.starts_with("127.");
            if scheme == "http" && !loopback {
                cx.report(
                    META,
                    Finding::new(
                        entry.raw.span.clone(),
                        format!("`{pattern}` is plain http and is trusted with credentials"),
                        "any network attacker can script this origin",
                    )
                    .secondary(creds.span.clone(), "credentials enabled here")
                    .help(format!(
                        "serve the site over https and write `https{}`",
                        &pattern.to_string()[4..]
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn http_with_credentials() {
        assert_rule(
            "CORS203",
            "origins = [\"http://app.example.com\"]\ncredentials = true\n",
            "origins = [\"https://app.example.com\", \"http://localhost:3000\"]\ncredentials = true\n",
        );
        // Every loopback form stays allowed over http, each on its own.
        for loopback in [
            "http://localhost",
            "http://[::1]:8080",
            "http://app.localhost:5173",
            "http://127.0.0.1:3000",
        ] {
            assert_rule(
                "CORS203",
                "origins = [\"http://app.example.com\"]\ncredentials = true\n",
                &format!("origins = [\"{loopback}\"]\ncredentials = true\n"),
            );
        }
    }
}

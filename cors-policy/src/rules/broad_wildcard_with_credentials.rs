use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::pattern::{HostPattern, OriginPattern};

pub(crate) struct BroadWildcardWithCredentials;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS204",
    name: "broad-wildcard-with-credentials",
    severity: Severity::Warning,
    configurable: true,
    summary: "A subdomain wildcard is trusted with credentials",
    doc: r#"## What it does
Reports `*.` wildcards in a policy with `credentials = true`.

## Why is this bad
Every subdomain becomes as trusted as your app: a forgotten staging host, a
user-content domain, or a dangling DNS record someone takes over can then
read your API as the logged-in user. A subdomain takeover becomes an account
takeover.

## How to fix
List the hosts that need credentials. If the wildcard is deliberate (tenant
subdomains you control end to end), keep it and relax the rule:
`[lints] broad-wildcard-with-credentials = "allow"`.

## Example
```toml
origins = ["https://*.example.com"]
credentials = true
```
Use instead:
```toml
origins = ["https://app.example.com", "https://admin.example.com"]
credentials = true
```"#,
};

impl Rule for BroadWildcardWithCredentials {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        let Some(creds) = p.credentials.filter(|c| c.value) else {
            return;
        };
        for (entry, pattern) in p.patterns() {
            if let OriginPattern::Tuple {
                host: HostPattern::Subdomains(base),
                ..
            } = pattern
            {
                cx.report(
                    META,
                    Finding::new(
                        entry.raw.span.clone(),
                        format!("every subdomain of `{base}` can read responses as the logged-in user"),
                        "a takeover of any subdomain becomes an account takeover",
                    )
                    .secondary(creds.span.clone(), "credentials enabled here")
                    .help("list the hosts that need credentials, or add `[lints] broad-wildcard-with-credentials = \"allow\"`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn wildcard_with_credentials() {
        assert_rule(
            "CORS204",
            "origins = [\"https://*.example.com\"]\ncredentials = true\n",
            "origins = [\"https://*.example.com\"]\n",
        );
    }
}

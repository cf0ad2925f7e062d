use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;

pub(crate) struct CredentialsWithAnyOrigin;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS201",
    name: "credentials-with-any-origin",
    severity: Severity::Error,
    configurable: false,
    summary: "`credentials = true` with `origins = \"*\"`",
    doc: r#"## What it does
Rejects a policy that allows any origin and credentials together (R19, R30).

## Why is this bad
Browsers refuse `Access-Control-Allow-Origin: *` on credentialed requests, so
the policy cannot work as written. The usual "fix" — reflecting whatever
origin arrives — lets every website on the internet read your API as the
logged-in user.

## How to fix
List the origins that may send credentials, or turn credentials off for a
public API.

## Example
```toml
origins = "*"
credentials = true
```
Use instead:
```toml
origins = ["https://app.example.com"]
credentials = true
```"#,
};

impl Rule for CredentialsWithAnyOrigin {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        let (Some(any), Some(creds)) = (
            p.origins.as_ref().and_then(|o| o.any.clone()),
            p.credentials,
        ) else {
            return;
        };
        if creds.value {
            cx.report(
                META,
                Finding::new(
                    any,
                    "`origins = \"*\"` cannot be combined with `credentials = true`",
                    "any origin",
                )
                .secondary(creds.span.clone(), "credentials enabled here")
                .help("list the origins allowed to send credentials, or set `credentials = false`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn any_origin_and_credentials() {
        assert_rule(
            "CORS201",
            "origins = \"*\"\ncredentials = true\n",
            "origins = \"*\"\ncredentials = false\n",
        );
        assert_rule(
            "CORS201",
            "origins = [\"https://a.example\"]\n[profiles.x]\norigins = \"*\"\ncredentials = true\n",
            "origins = [\"https://a.example\"]\ncredentials = true\n",
        );
    }
}

use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::pattern::OriginPattern;

pub(crate) struct NullOriginWithCredentials;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS205",
    name: "null-origin-with-credentials",
    severity: Severity::Error,
    configurable: false,
    summary: "`null` with credentials gives every sandboxed or data: page your users' access",
    doc: r#"## What it does
Reports a policy (with any of its profiles applied) that allows `"null"` and
sets `credentials = true`. Relaxing `null-origin` does not silence it: that
rule is about `null` alone, which a service serving sandboxed content may
accept knowingly; this combination has no safe use.

## Why is this bad
Browsers send `Origin: null` from sandboxed iframes, `data:` and `file:`
documents and cross-origin redirects (R2). Any attacker can make such a page,
so a credentialed `null` lets every site on the internet read your responses
with your users' cookies.

## How to fix
Remove `"null"` or remove `credentials`. Content that must read credentialed
responses needs a real origin of its own.

## Example
```toml
origins = ["https://app.example.com", "null"]
credentials = true
[lints]
null-origin = "allow"
```
Use instead:
```toml
origins = ["https://app.example.com"]
credentials = true
```"#,
};

impl Rule for NullOriginWithCredentials {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        let Some(credentials) = p.credentials.filter(|c| c.value) else {
            return;
        };
        for (entry, pattern) in p.patterns() {
            if *pattern == OriginPattern::Null {
                cx.report(
                    META,
                    Finding::new(
                        entry.raw.span.clone(),
                        "`null` is allowed with credentials: any sandboxed iframe or data: page reads as your users",
                        "any page can send Origin: null",
                    )
                    .secondary(credentials.span.clone(), "credentials enabled here")
                    .help("remove \"null\", or remove `credentials = true`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn relaxing_null_origin_does_not_silence_it() {
        assert_rule(
            "CORS205",
            "origins = [\"null\"]\ncredentials = true\n[lints]\nnull-origin = \"allow\"\n",
            "origins = [\"null\"]\n[lints]\nnull-origin = \"allow\"\n",
        );
        // A profile that turns credentials on is checked too.
        assert_rule(
            "CORS205",
            "origins = [\"null\"]\n[profiles.dev]\ncredentials = true\n[lints]\nnull-origin = \"allow\"\n",
            "origins = [\"null\"]\n[profiles.dev]\nmax_age = 5\n[lints]\nnull-origin = \"allow\"\n",
        );
        // `[lints]` cannot relax it.
        assert_rule(
            "CORS205",
            "origins = [\"null\"]\ncredentials = true\n[lints]\nnull-origin = \"allow\"\nnull-origin-with-credentials = \"allow\"\n",
            "origins = [\"https://a.example\"]\ncredentials = true\n",
        );
    }
}

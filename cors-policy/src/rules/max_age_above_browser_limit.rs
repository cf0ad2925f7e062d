use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;

pub(crate) struct MaxAgeAboveBrowserLimit;

/// Chromium's cap on `Access-Control-Max-Age` (R16).
pub(crate) const CHROMIUM_MAX_AGE: i64 = 7200;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS401",
    name: "max-age-above-browser-limit",
    severity: Severity::Warning,
    configurable: true,
    summary: "`max_age` is above what browsers honour",
    doc: r#"## What it does
Reports `max_age` above 7200 seconds.

## Why is this bad
Browsers clamp the preflight cache (R16): Chromium at 7200 s, Firefox at
86400 s, Safari at 600 s. A larger value does not cache longer in Chromium or
Safari, and it delays policy changes in Firefox for up to a day, because a
cached preflight is not re-checked.

## How to fix
Use 7200 or less; 600 behaves the same in every browser.

## Example
```toml
origins = ["https://app.example.com"]
max_age = 86400
```
Use instead:
```toml
origins = ["https://app.example.com"]
max_age = 7200
```"#,
};

impl Rule for MaxAgeAboveBrowserLimit {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        let Some(max_age) = p.max_age.filter(|m| m.value > CHROMIUM_MAX_AGE) else {
            return;
        };
        cx.report(
            META,
            Finding::new(
                max_age.span.clone(),
                format!("max_age = {} is above what browsers honour (Chrome 7200 s, Firefox 86400 s, Safari 600 s)", max_age.value),
                "clamped by browsers",
            )
            .help("write `max_age = 7200` or less"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn above_chromium_cap() {
        assert_rule(
            "CORS401",
            "origins = [\"https://a.example\"]\nmax_age = 86400\n",
            "origins = [\"https://a.example\"]\nmax_age = 7200\n",
        );
    }
}

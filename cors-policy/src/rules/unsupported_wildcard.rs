use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::pattern::PatternErrorKind;

pub(crate) struct UnsupportedWildcard;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS103",
    name: "unsupported-wildcard",
    severity: Severity::Error,
    configurable: false,
    summary: "A wildcard form other than `*.domain`, `:*` or `origins = \"*\"`",
    doc: r#"## What it does
Accepts exactly three wildcard forms: a whole leading label
(`https://*.example.com`, one or more labels in front of `example.com`), any
port (`http://localhost:*`), and `origins = "*"` on its own. It reports
everything else: `*` inside a label (`https://api-*.example.com`), in the
middle (`https://api.*.example.com`), twice, in the scheme, on an IP address,
and `"*"` mixed into a list.

## Why is this bad
Other wildcard forms have no agreed meaning. Matching them with globs or
regular expressions is how origin-validation bypasses happen
(`https://*example.com` would accept `https://evilexample.com`).

## How to fix
Use `*.domain` for subdomains, list the hosts, or use `origins = "*"` alone for
a public API without credentials.

## Example
```toml
origins = ["https://*example.com", "*"]
```
Use instead:
```toml
origins = ["https://example.com", "https://*.example.com"]
```"#,
};

impl Rule for UnsupportedWildcard {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        for entry in p.origins.iter().flat_map(|o| o.entries.iter()) {
            let Err(e) = &entry.parsed else { continue };
            if e.kind != PatternErrorKind::UnsupportedWildcard {
                continue;
            }
            cx.report(
                META,
                Finding::new(
                    entry.raw.span.clone(),
                    format!("`{}`: {}", entry.raw.value, e.message),
                    "unsupported wildcard",
                )
                .help(e.help.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn only_leading_label_and_port_wildcards() {
        let good = "origins = [\"https://*.example.com\", \"http://localhost:*\"]\n";
        for bad in [
            "https://*example.com",
            "https://api.*.example.com",
            "*",
            "*://example.com",
        ] {
            assert_rule("CORS103", &format!("origins = [\"{bad}\"]\n"), good);
        }
    }
}

use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::pattern::{HostPattern, OriginPattern};

pub(crate) struct PublicSuffixWildcard;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS104",
    name: "public-suffix-wildcard",
    severity: Severity::Error,
    configurable: false,
    summary: "A subdomain wildcard on a public suffix lets anyone register a matching origin",
    doc: r#"## What it does
Checks the base of every `*.` wildcard against the Public Suffix List (the
`psl` crate, ICANN and private sections): `https://*.com`,
`https://*.co.uk`, `https://*.github.io`, `https://*.vercel.app`,
`https://*.herokuapp.com`…

## Why is this bad
Anyone can register a name under a public suffix. `https://*.github.io`
allows every GitHub Pages site on the internet to read your responses; with
credentials, to read them as your logged-in users.

## How to fix
Put your own registrable domain in the wildcard (`https://*.example.com`), or
list your hosts exactly (`https://myorg.github.io`).

## Example
```toml
origins = ["https://*.github.io"]
```
Use instead:
```toml
origins = ["https://myorg.github.io"]
```"#,
};

/// True if `domain` is itself a public suffix (listed, not merely an unknown
/// top-level label).
pub(crate) fn is_public_suffix(domain: &str) -> bool {
    psl::suffix(domain.as_bytes())
        .is_some_and(|s| s.is_known() && s.as_bytes() == domain.as_bytes())
}

impl Rule for PublicSuffixWildcard {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        for (entry, pattern) in p.patterns() {
            let OriginPattern::Tuple {
                host: HostPattern::Subdomains(base),
                ..
            } = pattern
            else {
                continue;
            };
            if is_public_suffix(base) {
                cx.report(
                    META,
                    Finding::new(
                        entry.raw.span.clone(),
                        format!(
                            "`{}` allows every site registered under the public suffix `{base}`",
                            entry.raw.value
                        ),
                        "anyone can register a matching origin",
                    )
                    .help(format!(
                        "use a domain you own (`*.example.{base}`), or list your hosts exactly"
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_public_suffix;
    use crate::rules::testing::assert_rule;

    #[test]
    fn public_suffixes_from_the_list() {
        for suffix in ["com", "co.uk", "github.io", "vercel.app", "herokuapp.com"] {
            assert!(is_public_suffix(suffix), "{suffix}");
        }
        for owned in [
            "example.com",
            "example.co.uk",
            "myorg.github.io",
            "localhost",
        ] {
            assert!(!is_public_suffix(owned), "{owned}");
        }
        assert_rule(
            "CORS104",
            "origins = [\"https://*.github.io\"]\n",
            "origins = [\"https://*.example.com\"]\n",
        );
        assert_rule(
            "CORS104",
            "origins = [\"https://*.co.uk\"]\n",
            "origins = [\"https://*.example.co.uk\"]\n",
        );
    }
}

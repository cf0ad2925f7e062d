use std::collections::HashSet;
use std::sync::OnceLock;

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
    summary: "A subdomain wildcard at or above a public suffix lets anyone register a matching origin",
    doc: r#"## What it does
Refuses a `*.` wildcard whose base anyone can register names under, by the
Public Suffix List (the `psl` crate's data, ICANN and private sections):
- a base that is itself a public suffix: `https://*.co.uk`,
  `https://*.github.io`, `https://*.vercel.app`;
- a top-level domain, listed or not (`https://*.com`, `https://*.ck`,
  `https://*.test`): any single-label base but `localhost`, which only ever
  names this machine;
- a base with any public-suffix rule below it — a normal, wildcard (`*.`) or
  exception (`!`) rule: `https://*.amazonaws.com` (customers get
  `s3.amazonaws.com`, `*.compute.amazonaws.com`…), `https://*.nom.br`.

Wildcards under a registrable domain stay allowed: `https://*.example.com`,
`https://*.myorg.github.io`.

## Why is this bad
Anyone can register a name under a public suffix. `https://*.github.io`
allows every GitHub Pages site on the internet to read your responses; with
credentials, to read them as your logged-in users. A base *above* a suffix is
as open: under `*.amazonaws.com`, any AWS customer's bucket site matches.

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

/// Names with at least one public-suffix rule strictly below them, derived
/// from the `psl` crate's rules (`tests/public_suffix_data.rs` keeps it in
/// step): under each, some names are public suffixes.
static PARENTS: &str = include_str!("public_suffix_parents.txt");

fn has_suffix_below(domain: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| PARENTS.lines().collect())
        .contains(domain)
}

/// True if `domain` is itself a public suffix (listed, not merely an unknown
/// top-level label).
pub(crate) fn is_public_suffix(domain: &str) -> bool {
    psl::suffix(domain.as_bytes())
        .is_some_and(|s| s.is_known() && s.as_bytes() == domain.as_bytes())
}

/// Why anyone can register a name matching `*.{base}`, if they can.
pub(crate) fn open_registration(base: &str) -> Option<&'static str> {
    if !base.contains('.') {
        return (base != "localhost").then_some("is a top-level domain");
    }
    if is_public_suffix(base) {
        return Some("is a public suffix");
    }
    has_suffix_below(base).then_some("has public suffixes below it")
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
            if let Some(why) = open_registration(base) {
                cx.report(
                    META,
                    Finding::new(
                        entry.raw.span.clone(),
                        format!(
                            "`{}` allows every site registered under `{base}`, which {why}",
                            entry.raw.value
                        ),
                        "anyone can register a matching origin",
                    )
                    .help(if has_suffix_below(base) {
                        format!(
                            "use a domain registered under `{base}` that no public-suffix rule covers, or list your hosts exactly"
                        )
                    } else {
                        format!("use a domain you own (`*.example.{base}`), or list your hosts exactly")
                    }),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_public_suffix, open_registration};
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

    #[test]
    fn bases_above_public_suffixes_are_refused() {
        // TLDs whose registrations sit lower (`*.ck`), unlisted TLDs, and
        // provider domains with customer suffixes below them.
        for open in [
            "ck",
            "test",
            "internal",
            "amazonaws.com",
            "compute.amazonaws.com",
            "nom.br",
            "blogspot.com",
        ] {
            assert!(open_registration(open).is_some(), "{open}");
        }
        // Under a wildcard rule (`*.compute.amazonaws.com`), one level down
        // is a suffix and two levels down is registrable.
        assert!(open_registration("x.compute.amazonaws.com").is_some());
        assert!(open_registration("y.x.compute.amazonaws.com").is_none());
        for owned in [
            "example.com",
            "www.ck",
            "myorg.github.io",
            "localhost",
            "a.b.example.co.uk",
        ] {
            assert_eq!(open_registration(owned), None, "{owned}");
        }
        assert_rule(
            "CORS104",
            "origins = [\"https://*.amazonaws.com\"]\n",
            "origins = [\"https://*.mybucket.s3.amazonaws.com\"]\n",
        );
        assert_rule(
            "CORS104",
            "origins = [\"https://*.ck\"]\n",
            "origins = [\"http://*.localhost:*\"]\n",
        );
    }
}

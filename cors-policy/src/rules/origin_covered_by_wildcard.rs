use std::collections::HashMap;

use super::{Context, Finding, Rule, RuleMeta};
use crate::ast::OriginEntry;
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::pattern::{HostPattern, OriginPattern, PortPattern};

pub(crate) struct OriginCoveredByWildcard;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS107",
    name: "origin-covered-by-wildcard",
    severity: Severity::Warning,
    configurable: true,
    summary: "An entry is already matched by a wildcard entry",
    doc: r#"## What it does
Reports an entry that another entry's wildcard already covers:
`https://api.example.com` next to `https://*.example.com`, or
`http://localhost:3000` next to `http://localhost:*`.

## Why is this bad
The narrower entry suggests the policy is tighter than it is; a reviewer who
removes it expecting to revoke access revokes nothing.

## How to fix
Remove the covered entry, or replace the wildcard by the hosts you mean.

## Example
```toml
origins = ["https://*.example.com", "https://api.example.com"]
```
Use instead:
```toml
origins = ["https://*.example.com"]
```"#,
};

impl Rule for OriginCoveredByWildcard {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        // Every wildcard by its exact pattern, first entry kept: each entry
        // then looks up the few patterns that could cover it (its host's
        // dot-suffixes, with its own port or `:*`), so the rule is linear
        // in the entries instead of comparing every pair.
        let mut wildcards: HashMap<&OriginPattern, (usize, &OriginEntry)> = HashMap::new();
        for (i, (entry, pattern)) in p.patterns().enumerate() {
            if !pattern.is_exact() {
                wildcards.entry(pattern).or_insert((i, entry));
            }
        }
        if wildcards.is_empty() {
            return;
        }
        for (entry, pattern) in p.patterns() {
            let covering = covering_candidates(pattern)
                .filter(|c| pattern.is_covered_by(c))
                .filter_map(|c| wildcards.get_key_value(&c))
                .min_by_key(|(_, (i, _))| *i);
            if let Some((wild_pattern, (_, wild))) = covering {
                cx.report(
                    META,
                    Finding::new(
                        entry.raw.span.clone(),
                        format!("`{pattern}` is already allowed by `{wild_pattern}`"),
                        "covered",
                    )
                    .secondary(wild.raw.span.clone(), "the wildcard that covers it")
                    .help("remove this entry, or narrow the wildcard"),
                );
            }
        }
    }
}

/// The patterns that can cover `pattern` (a superset; `is_covered_by`
/// decides): the same host with any port, and a subdomain wildcard on the
/// host itself or on each of its dot-suffixes, with its port or any port.
fn covering_candidates(pattern: &OriginPattern) -> impl Iterator<Item = OriginPattern> + '_ {
    let OriginPattern::Tuple { scheme, host, port } = pattern else {
        return None.into_iter().flatten();
    };
    let name = match host {
        HostPattern::Exact(h) | HostPattern::Subdomains(h) => h.as_str(),
    };
    let bases =
        std::iter::once(name).chain(name.match_indices('.').map(move |(i, _)| &name[i + 1..]));
    let hosts = std::iter::once(HostPattern::Exact(name.to_string()))
        .chain(bases.map(|b| HostPattern::Subdomains(b.to_string())));
    let candidates = hosts.flat_map(move |h| {
        [*port, PortPattern::Any].map(|port| OriginPattern::Tuple {
            scheme: scheme.clone(),
            host: h.clone(),
            port,
        })
    });
    Some(candidates).into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn covered_entries() {
        assert_rule(
            "CORS107",
            "origins = [\"https://*.example.com\", \"https://api.example.com\"]\n",
            "origins = [\"https://*.example.com\", \"https://example.com\"]\n",
        );
        assert_rule(
            "CORS107",
            "origins = [\"http://localhost:*\", \"http://localhost:3000\"]\n",
            "origins = [\"http://localhost:*\", \"http://127.0.0.1:3000\"]\n",
        );
    }
}

use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;

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
        let wildcards: Vec<_> = p.patterns().filter(|(_, pat)| !pat.is_exact()).collect();
        if wildcards.is_empty() {
            return;
        }
        for (entry, pattern) in p.patterns() {
            if let Some((wild, wild_pattern)) =
                wildcards.iter().find(|(_, w)| pattern.is_covered_by(w))
            {
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

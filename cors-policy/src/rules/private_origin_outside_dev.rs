use std::net::Ipv4Addr;

use super::{Context, Finding, Rule, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::pattern::{HostPattern, OriginPattern};

pub(crate) struct PrivateOriginOutsideDev;

/// Profile names treated as development profiles.
const DEV_PROFILES: &[&str] = &["dev", "development", "local", "test", "testing"];

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS108",
    name: "private-origin-outside-dev",
    severity: Severity::Warning,
    configurable: true,
    summary: "A loopback or private-network origin outside a development profile",
    doc: r#"## What it does
Reports `localhost`, `*.localhost`, loopback (`127.0.0.0/8`, `[::1]`) and
private-network (`10/8`, `172.16/12`, `192.168/16`) origins in a policy's base
keys or in a profile not named `dev`, `development`, `local`, `test` or
`testing`.

## Why is this bad
In production, `http://localhost:3000` is whatever runs on the visitor's own
machine: any local dev server, or malware listening there, can read responses
with the visitor's cookies. Such origins belong to development builds only.

## How to fix
Move them to a development profile, where they extend the base list:
```toml
[profiles.dev]
extra_origins = ["http://localhost:5173"]
```

## Example
```toml
origins = ["https://app.example.com", "http://localhost:3000"]
```
Use instead:
```toml
origins = ["https://app.example.com"]

[profiles.dev]
extra_origins = ["http://localhost:3000"]
```"#,
};

fn is_private(host: &HostPattern) -> bool {
    let (HostPattern::Exact(h) | HostPattern::Subdomains(h)) = host;
    if h == "localhost" || h.ends_with(".localhost") || h == "[::1]" {
        return true;
    }
    h.parse::<Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback() || ip.is_private() || ip.is_link_local())
}

impl Rule for PrivateOriginOutsideDev {
    fn meta(&self) -> &'static RuleMeta {
        META
    }

    fn check_policy(&self, cx: &mut Context<'_>, p: &Effective<'_>) {
        if p.profile_name().is_some_and(|n| DEV_PROFILES.contains(&n)) {
            return;
        }
        // Entries a dev profile adds are checked with that profile; the base
        // (no profile) is checked as what production runs when no profile is
        // selected.
        for (entry, pattern) in p.patterns() {
            let OriginPattern::Tuple { host, .. } = pattern else {
                continue;
            };
            if is_private(host) {
                let place = p
                    .profile_name()
                    .map_or("the base policy".to_string(), |n| format!("profile `{n}`"));
                cx.report(
                    META,
                    Finding::new(
                        entry.raw.span.clone(),
                        format!("`{pattern}` is a loopback or private-network origin in {place}"),
                        "reachable only on the visitor's machine or network",
                    )
                    .help("move it to `[profiles.dev]` as `extra_origins = [...]`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::assert_rule;

    #[test]
    fn loopback_only_in_dev() {
        assert_rule(
            "CORS108",
            "origins = [\"https://a.example\", \"http://localhost:3000\"]\n",
            "origins = [\"https://a.example\"]\n[profiles.dev]\nextra_origins = [\"http://localhost:3000\", \"http://192.168.1.10:8080\"]\n",
        );
        assert_rule(
            "CORS108",
            "origins = [\"https://a.example\"]\n[profiles.prod]\nextra_origins = [\"http://10.0.0.5\"]\n",
            "origins = [\"https://a.example\", \"http://93.184.216.34\"]\n",
        );
    }
}

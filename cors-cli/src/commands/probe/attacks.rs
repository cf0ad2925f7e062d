//! `cors probe --audit`: the known CORS misconfiguration attacks, derived
//! from the allowed origin the probe is given.

use std::fmt;

use serde::Serialize;

use super::Client;
use crate::browser::BrowserRequest;

/// A domain no one can own (RFC 2606), so an attack origin never belongs to
/// anyone.
const EVIL: &str = "corsc-audit.invalid";

/// What an attack found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Finding {
    pub(crate) attack: &'static str,
    /// The Origin sent.
    pub(crate) origin: String,
    /// `critical`, `high`, `medium` or `low`.
    pub(crate) severity: &'static str,
    /// What came back.
    pub(crate) evidence: String,
    /// What an attacker gains.
    pub(crate) impact: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut impact = self.impact.chars();
        let first = impact.next().map(|c| c.to_ascii_uppercase());
        write!(
            f,
            "[{}] {}: Origin `{}` -> {}. {}{}",
            self.severity,
            self.attack,
            self.origin,
            self.evidence,
            first.map(String::from).unwrap_or_default(),
            impact.as_str()
        )
    }
}

struct Attack {
    name: &'static str,
    origin: String,
    /// Severity with and without `Access-Control-Allow-Credentials: true`.
    severity: (&'static str, &'static str),
    impact: &'static str,
}

fn attacks(allowed: &str) -> Vec<Attack> {
    let (scheme, authority) = allowed.split_once("://").unwrap_or(("https", allowed));
    // `host:port`, `[v6]:port`, or no port.
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p))
            if !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && (!h.contains(':') || h.ends_with(']')) =>
        {
            (h, format!(":{p}"))
        }
        _ => (authority, String::new()),
    };
    let parent = host
        .split_once('.')
        .map(|(_, rest)| rest)
        .filter(|r| r.contains('.'));
    // `evil` + a subdomain is a sibling under the same registrable domain:
    // only whoever can name subdomains there can use it. `evil` + a
    // registrable domain is a domain anyone can register.
    let is_subdomain = psl::domain_str(host).is_some_and(|d| d != host);
    let suffix_look_alike = match is_subdomain {
        true => Attack {
            name: "suffix look-alike allowed (a sibling subdomain)",
            origin: format!("{scheme}://evil{host}{port}"),
            severity: ("medium", "low"),
            impact: "a sibling subdomain whose name ends with the allowed host passes (an `ends_with` check without a dot): a subdomain takeover or an XSS on such a name reads these responses",
        },
        false => Attack {
            name: "suffix look-alike allowed",
            origin: format!("{scheme}://evil{host}{port}"),
            severity: ("critical", "high"),
            impact: "an attacker registers a domain that ends with the allowed host (an `ends_with` check without a dot)",
        },
    };
    let mut list = vec![
        Attack {
            name: "arbitrary origin reflected",
            origin: format!("https://{EVIL}"),
            severity: ("critical", "high"),
            impact: "any web site can read these responses from its visitors' browsers",
        },
        Attack {
            name: "null origin allowed",
            origin: "null".to_string(),
            severity: ("critical", "high"),
            impact: "any site can send `Origin: null` from a sandboxed iframe and read the responses",
        },
        Attack {
            name: "prefix look-alike allowed",
            origin: format!("{scheme}://{host}.{EVIL}"),
            severity: ("critical", "high"),
            impact: "an attacker who owns any domain can use a subdomain that starts with the allowed host (a `starts_with` check)",
        },
        suffix_look_alike,
        Attack {
            name: "special character in the host",
            origin: format!("{scheme}://{host}`.{EVIL}"),
            severity: ("critical", "high"),
            impact: "browsers that accept odd characters in hosts (Safari) let an attacker's subdomain pass a prefix check",
        },
        Attack {
            name: "underscore in the host",
            origin: format!("{scheme}://{host}_.{EVIL}"),
            severity: ("critical", "high"),
            impact: "an attacker's subdomain passes a check that stops at `_`",
        },
        Attack {
            name: "arbitrary subdomain trusted",
            origin: format!("{scheme}://corsc-audit.{host}{port}"),
            severity: ("medium", "low"),
            impact: "any subdomain is trusted: a subdomain takeover or an XSS on any subdomain reads these responses (expected only if every subdomain is meant to be trusted)",
        },
    ];
    if host.contains('.') {
        list.push(Attack {
            name: "unescaped dot in a pattern",
            origin: format!("{scheme}://{}{port}", host.replacen('.', "x", 1)),
            severity: ("critical", "high"),
            impact: "a regular expression with an unescaped `.` matches a domain the attacker can register",
        });
    }
    if let Some(parent) = parent {
        list.push(Attack {
            name: "suffix look-alike of the parent domain allowed",
            origin: format!("{scheme}://evil{parent}{port}"),
            severity: ("critical", "high"),
            impact: "an attacker registers a domain ending with the parent domain (an `ends_with(\"example.com\")` check)",
        });
    }
    if scheme == "https" {
        list.push(Attack {
            name: "http downgrade allowed",
            origin: format!("http://{host}{port}"),
            severity: ("high", "medium"),
            impact: "anyone on the network path can inject script into the plain-http origin and read the responses",
        });
    }
    list
}

/// What the audit found: attacks that succeeded against the server, and,
/// with a policy, the attack origins the policy itself allows (the server
/// is right to answer them; whether the policy should is `cors lint`'s
/// question, not the server's fault).
#[derive(Debug, Default)]
pub(crate) struct Audit {
    pub(crate) findings: Vec<Finding>,
    pub(crate) allowed_by_policy: Vec<Finding>,
}

/// Runs every attack; an attack succeeds when the server echoes the attack
/// origin in `Access-Control-Allow-Origin`. With `policy`, one whose
/// origin the policy lists is set apart in [`Audit::allowed_by_policy`].
pub(crate) fn audit(
    client: &Client,
    request: &BrowserRequest,
    policy: Option<cors_runtime::Policy<'_>>,
) -> Result<Audit, String> {
    let mut audit = Audit::default();
    for attack in attacks(&request.origin) {
        let by_policy = policy.is_some_and(|p| p.allows_origin(attack.origin.as_bytes()));
        let findings = if by_policy {
            &mut audit.allowed_by_policy
        } else {
            &mut audit.findings
        };
        let headers = vec![("origin".to_string(), attack.origin.clone())];
        let exchange = client.send("GET", &headers)?;
        let acao = exchange.lines("access-control-allow-origin");
        let acac = exchange.lines("access-control-allow-credentials") == ["true"];
        if acao.iter().any(|v| v.trim() == attack.origin) {
            findings.push(Finding {
                attack: attack.name,
                origin: attack.origin.clone(),
                severity: if acac {
                    attack.severity.0
                } else {
                    attack.severity.1
                },
                evidence: format!(
                    "Access-Control-Allow-Origin: {}{}",
                    attack.origin,
                    if acac {
                        ", Access-Control-Allow-Credentials: true (with the victim's cookies)"
                    } else {
                        ""
                    }
                ),
                impact: if by_policy {
                    "the policy lists this origin (one of its patterns covers it), so the server is right to allow it; if that is not meant, narrow the pattern".to_string()
                } else {
                    attack.impact.to_string()
                },
            });
        }
        let findings = &mut audit.findings;
        if acac
            && acao.iter().any(|v| v.trim() == "*")
            && findings
                .iter()
                .all(|f| f.attack != "wildcard with credentials")
        {
            findings.push(Finding {
                attack: "wildcard with credentials",
                origin: attack.origin.clone(),
                severity: "low",
                evidence: "Access-Control-Allow-Origin: *, Access-Control-Allow-Credentials: true".into(),
                impact: "browsers refuse this combination, so nothing leaks, but the server was configured to send credentials to everyone: one step from reflecting origins".into(),
            });
        }
    }
    Ok(audit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attack_origins_from_an_allowed_origin() {
        let origins: Vec<String> = attacks("https://app.example.com")
            .into_iter()
            .map(|a| a.origin)
            .collect();
        for expected in [
            "https://corsc-audit.invalid",
            "null",
            "https://app.example.com.corsc-audit.invalid",
            "https://evilapp.example.com",
            "https://appxexample.com",
            "https://app.example.com`.corsc-audit.invalid",
            "https://evilexample.com",
            "http://app.example.com",
            "https://corsc-audit.app.example.com",
        ] {
            assert!(
                origins.iter().any(|o| o == expected),
                "{expected} in {origins:?}"
            );
        }
        let with_port: Vec<String> = attacks("http://localhost:8080")
            .into_iter()
            .map(|a| a.origin)
            .collect();
        assert!(with_port.iter().any(|o| o == "http://evillocalhost:8080"));
        assert!(with_port.iter().all(|o| o != "http://localhost:8080"));
        assert!(
            with_port
                .iter()
                .any(|o| o == "http://localhost.corsc-audit.invalid")
        );
    }
}

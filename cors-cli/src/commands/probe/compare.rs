//! `cors probe --policy`: the server's answers against the policy's, for the
//! same requests. Catches proxies and gateways that strip or duplicate CORS
//! headers, and deployments that drifted from the reviewed file.

use std::fmt;

use cors_runtime::{Policy, ResponseHeader, SimpleRequest};
use serde::Serialize;

use super::Exchange;
use crate::render::lossy;

/// Headers compared line for line: every `Access-Control-*` header a policy
/// sets (`Vary` is compared as a set of tokens).
fn compared() -> impl Iterator<Item = &'static str> {
    ResponseHeader::ALL
        .into_iter()
        .filter(|h| h.is_access_control())
        .map(ResponseHeader::as_str)
}

/// One way the server differs from the policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Difference {
    /// `preflight` or `actual`.
    pub(crate) stage: &'static str,
    /// The header (or `status`).
    pub(crate) what: String,
    /// The policy's value(s).
    pub(crate) expected: Vec<String>,
    /// The server's value(s).
    pub(crate) got: Vec<String>,
    /// The likely cause.
    pub(crate) hint: &'static str,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &[String]| {
            if v.is_empty() {
                "nothing".to_string()
            } else {
                v.iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(" + ")
            }
        };
        write!(
            f,
            "{} {}: the policy says {}, the server sent {} ({})",
            self.stage,
            self.what,
            show(&self.expected),
            show(&self.got),
            self.hint
        )
    }
}

/// Normalises a list value for comparison: methods are case-sensitive,
/// header names are not; order does not matter to browsers.
fn normalised(name: &str, values: &[String]) -> Vec<String> {
    let mut items: Vec<String> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|i| i.trim())
        .filter(|i| !i.is_empty())
        .map(|i| {
            if name == "access-control-allow-methods" {
                i.to_string()
            } else {
                i.to_ascii_lowercase()
            }
        })
        .collect();
    items.sort();
    items
}

impl Difference {
    /// The edge serves another compiled version of the policy than the file.
    pub(crate) fn version(served: &str, file: &str) -> Difference {
        Difference {
            stage: "edge",
            what: super::FINGERPRINT_HEADER.to_string(),
            expected: vec![file.to_string()],
            got: vec![served.to_string()],
            hint: "the edge enforces another version of the policy: emit it again from this file and reload the server",
        }
    }
}

fn hint(expected: &[String], got: &[String]) -> &'static str {
    match (expected.len(), got.len()) {
        (_, 0) => "missing: stripped by a proxy or gateway, or not configured on the server",
        (0, _) => "extra: added by another layer, or the deployed configuration drifted",
        (e, g) if g > e => "sent more than once: two CORS layers (application and proxy)?",
        _ => "different value: the deployed configuration drifted from the file",
    }
}

fn compare_stage(
    stage: &'static str,
    expected_status: Option<u16>,
    expected: &[(String, String)],
    exchange: &Exchange,
    out: &mut Vec<Difference>,
) {
    if let Some(status) = expected_status
        && status != exchange.status
    {
        out.push(Difference {
            stage,
            what: "status".into(),
            expected: vec![status.to_string()],
            got: vec![exchange.status.to_string()],
            hint: if (200..300).contains(&status)
                && exchange.lines("access-control-allow-origin").is_empty()
            {
                "the preflight was answered before reaching the CORS layer (a gateway, or a route handling OPTIONS)"
            } else {
                "different status: the deployed configuration drifted from the file"
            },
        });
    }
    for name in compared() {
        let want: Vec<String> = expected
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect();
        let got: Vec<String> = exchange
            .lines(name)
            .iter()
            .map(|v| v.trim().to_string())
            .collect();
        let same = if name.ends_with("-methods") || name.ends_with("-headers") {
            want.len() == got.len() && normalised(name, &want) == normalised(name, &got)
        } else {
            want == got
        };
        if !same {
            out.push(Difference {
                stage,
                what: name.to_string(),
                hint: if name == "access-control-allow-origin" && want.is_empty() {
                    "the server allows an origin the policy rejects: an unanchored origin regex or an unescaped dot on the server?"
                } else {
                    hint(&want, &got)
                },
                expected: want,
                got,
            });
        }
    }
    // Vary may carry more than CORS needs; every token the policy adds must
    // be there (R24).
    let present = normalised(
        "vary",
        &exchange
            .lines("vary")
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    );
    let wanted: Vec<String> = expected
        .iter()
        .filter(|(n, _)| n == "vary")
        .map(|(_, v)| v.clone())
        .collect();
    let missing: Vec<String> = normalised("vary", &wanted)
        .into_iter()
        .filter(|t| !present.contains(t) && !present.contains(&"*".to_string()))
        .collect();
    if !missing.is_empty() {
        out.push(Difference {
            stage,
            what: "vary".into(),
            expected: wanted,
            got: exchange
                .lines("vary")
                .iter()
                .map(|s| s.to_string())
                .collect(),
            hint: "Vary lacks tokens: shared caches may serve one origin's answer to another",
        });
    }
}

fn policy_answer(policy: Policy<'_>, exchange: &Exchange) -> (Option<u16>, Vec<(String, String)>) {
    let headers: Vec<(String, String)> = exchange
        .request_headers
        .iter()
        .map(|[n, v]| (n.clone(), v.clone()))
        .collect();
    let request = SimpleRequest::new(exchange.method.as_bytes(), &headers);
    let decision = policy.evaluate(&request);
    let answer = decision
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), lossy(v.as_bytes())))
        .collect();
    (decision.status(), answer)
}

/// Every difference between the server's answers and the policy's.
pub(crate) fn differences(
    policy: Policy<'_>,
    preflight: Option<&Exchange>,
    actual: Option<&Exchange>,
) -> Vec<Difference> {
    let mut out = Vec::new();
    if let Some(exchange) = preflight {
        let (status, expected) = policy_answer(policy, exchange);
        compare_stage("preflight", status, &expected, exchange, &mut out);
    }
    if let Some(exchange) = actual {
        let (status, expected) = policy_answer(policy, exchange);
        compare_stage("actual", status, &expected, exchange, &mut out);
    }
    out
}

//! `cors probe URL`: real requests to a running server, judged as a browser
//! judges them; with `--policy`, every difference from what the policy
//! prescribes; with `--audit`, the known misconfiguration attacks.

mod attacks;
mod compare;

use std::io::Write;
use std::time::Duration;

use cors_policy::Selection;
use cors_policy::emit::edge::FINGERPRINT_HEADER;
use serde::Serialize;
use ureq::http;

use super::{EXIT_USAGE, load_compiled};
use crate::browser::{self, BrowserRequest, Stage};
use crate::cli::ProbeArgs;

/// Exit status when the browser would block, the server differs from the
/// policy, or the audit found something.
const EXIT_FINDINGS: u8 = 1;

/// One request and the server's answer.
#[derive(Clone, Debug, Serialize)]
pub(super) struct Exchange {
    pub(super) method: String,
    pub(super) request_headers: Vec<[String; 2]>,
    pub(super) status: u16,
    /// Every response header line, names lowercased, in order.
    pub(super) headers: Vec<[String; 2]>,
}

impl Exchange {
    fn header_pairs(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|[n, v]| (n.clone(), v.clone()))
            .collect()
    }

    /// Every line of a response header.
    pub(super) fn lines(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|[n, _]| n == name)
            .map(|[_, v]| v.as_str())
            .collect()
    }
}

/// Sends requests with timeouts, no redirects and no proxy from the
/// environment.
pub(super) struct Client {
    agent: ureq::Agent,
    url: String,
}

impl Client {
    fn new(url: &str, timeout: Duration) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .allow_non_standard_methods(true)
            .build()
            .into();
        Client {
            agent,
            url: url.to_string(),
        }
    }

    pub(super) fn send(
        &self,
        method: &str,
        headers: &[(String, String)],
    ) -> Result<Exchange, String> {
        let mut request = http::Request::builder().method(method).uri(&self.url);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let request = request
            .body(ureq::SendBody::none())
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let response = self
            .agent
            .run(request)
            .map_err(|e| format!("{method} {}: {e}", self.url))?;
        Ok(Exchange {
            method: method.to_string(),
            request_headers: headers
                .iter()
                .map(|(n, v)| [n.clone(), v.clone()])
                .collect(),
            status: response.status().as_u16(),
            headers: response
                .headers()
                .iter()
                .map(|(n, v)| [n.as_str().to_string(), crate::render::lossy(v.as_bytes())])
                .collect(),
        })
    }
}

/// The `--json` output.
#[derive(Debug, Serialize)]
struct Report {
    url: String,
    origin: String,
    method: String,
    credentials: bool,
    preflight_reasons: Vec<String>,
    preflight: Option<Exchange>,
    actual: Option<Exchange>,
    verdict: &'static str,
    blocked_at: Option<&'static str>,
    console_message: Option<String>,
    readable_headers: Vec<String>,
    /// The `x-corsc-policy` header of the answers: which compiled policy a
    /// configuration written by `cors emit` enforces.
    served_fingerprint: Option<String>,
    /// With `--policy`: the fingerprint the file compiles to.
    policy_fingerprint: Option<String>,
    /// With `--policy`: where the server's answers differ from the policy's.
    differences: Option<Vec<compare::Difference>>,
    /// With `--audit` and `--policy`: attack origins the policy itself
    /// allows, which the server rightly answers.
    allowed_by_policy: Option<Vec<attacks::Finding>>,
    /// With `--audit`: what the attacks found.
    findings: Option<Vec<attacks::Finding>>,
}

pub(crate) fn run(args: &ProbeArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if !(args.url.starts_with("http://") || args.url.starts_with("https://")) {
        let _ = writeln!(err, "error: {} is not an http:// or https:// URL", args.url);
        return EXIT_USAGE;
    }
    let request = match super::browser_request(&args.request, &args.url, err) {
        Ok(request) => request,
        Err(code) => return code,
    };
    let policy = match &args.policy_file {
        Some(path) => {
            let selection = Selection {
                policy: args.policy_name.clone(),
                profile: args.profile.clone(),
            };
            match load_compiled(path, selection, err) {
                Ok(loaded) => Some((
                    loaded.compiled.to_owned_policy(),
                    loaded.compiled.fingerprint(),
                )),
                Err(code) => return code,
            }
        }
        None => None,
    };
    let client = Client::new(&args.url, Duration::from_secs(args.timeout.max(1)));
    let report = match probe(
        &client,
        &request,
        policy.as_ref().map(|(p, f)| (p, f.as_str())),
        args.audit,
    ) {
        Ok(report) => report,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return EXIT_USAGE;
        }
    };
    let written = if args.json {
        serde_json::to_string_pretty(&report)
            .map_err(std::io::Error::other)
            .and_then(|json| writeln!(out, "{json}"))
    } else {
        write_human(out, &report)
    };
    if written.is_err() {
        return EXIT_USAGE;
    }
    let clean = report.blocked_at.is_none()
        && report.differences.as_ref().is_none_or(Vec::is_empty)
        && report.findings.as_ref().is_none_or(Vec::is_empty);
    if clean { 0 } else { EXIT_FINDINGS }
}

fn probe(
    client: &Client,
    request: &BrowserRequest,
    policy: Option<(&cors_runtime::OwnedPolicy, &str)>,
    audit: bool,
) -> Result<Report, String> {
    let preflight_reasons = request.preflight_reasons();
    let mut report = Report {
        url: request.url.clone(),
        origin: request.origin.clone(),
        method: request.method.clone(),
        credentials: request.credentials,
        preflight_reasons: preflight_reasons.clone(),
        preflight: None,
        actual: None,
        verdict: "allowed",
        blocked_at: None,
        console_message: None,
        readable_headers: Vec::new(),
        served_fingerprint: None,
        policy_fingerprint: None,
        differences: None,
        allowed_by_policy: None,
        findings: None,
    };
    let mut blocked = None;
    if !preflight_reasons.is_empty() {
        let exchange = client.send("OPTIONS", &request.preflight_headers())?;
        if let Err(block) =
            browser::check_preflight(request, exchange.status, &exchange.header_pairs())
        {
            blocked = Some((Stage::Preflight, block));
        }
        report.preflight = Some(exchange);
    }
    // The browser stops at a failed preflight; the probe sends the actual
    // request anyway, to compare it with the policy.
    let exchange = client.send(&request.method, &request.actual_headers())?;
    match browser::check_actual(request, &exchange.header_pairs()) {
        Err(block) if blocked.is_none() => blocked = Some((Stage::Actual, block)),
        Err(_) => {}
        Ok(()) => {
            report.readable_headers = browser::readable_headers(request, &exchange.header_pairs());
        }
    }
    report.actual = Some(exchange);
    if let Some((stage, block)) = blocked {
        report.verdict = "blocked";
        report.blocked_at = Some(match stage {
            Stage::Preflight => "preflight",
            Stage::Actual => "actual",
        });
        report.console_message = Some(browser::console_message(request, stage, &block));
        report.readable_headers.clear();
    }
    report.served_fingerprint = [&report.preflight, &report.actual]
        .into_iter()
        .flatten()
        .find_map(|e| e.lines(FINGERPRINT_HEADER).first().map(|v| v.to_string()));
    if let Some((policy, fingerprint)) = policy {
        let mut differences = compare::differences(
            cors_runtime::PolicySource::policy(policy),
            report.preflight.as_ref(),
            report.actual.as_ref(),
        );
        if let Some(served) = &report.served_fingerprint
            && served != fingerprint
        {
            differences.insert(0, compare::Difference::version(served, fingerprint));
        }
        report.policy_fingerprint = Some(fingerprint.to_string());
        report.differences = Some(differences);
    }
    if audit {
        let audit = attacks::audit(
            client,
            request,
            policy.map(|(p, _)| cors_runtime::PolicySource::policy(p)),
        )?;
        report.findings = Some(audit.findings);
        report.allowed_by_policy = policy.is_some().then_some(audit.allowed_by_policy);
    }
    Ok(report)
}

fn write_exchange(out: &mut dyn Write, label: &str, e: &Exchange) -> std::io::Result<()> {
    writeln!(out, "{label}: {} -> {}", e.method, e.status)?;
    let cors: Vec<&[String; 2]> = e
        .headers
        .iter()
        .filter(|[n, _]| n.starts_with("access-control-") || n == "vary")
        .collect();
    if cors.is_empty() {
        writeln!(out, "    (no CORS headers)")?;
    }
    for [name, value] in cors {
        writeln!(out, "    {name}: {value}")?;
    }
    Ok(())
}

fn write_human(out: &mut dyn Write, r: &Report) -> std::io::Result<()> {
    writeln!(
        out,
        "probe: {} {} from {}, {}",
        r.method,
        r.url,
        r.origin,
        if r.credentials {
            "with credentials"
        } else {
            "without credentials"
        }
    )?;
    if let Some(p) = &r.preflight {
        writeln!(
            out,
            "preflight sent because {}",
            r.preflight_reasons.join("; ")
        )?;
        write_exchange(out, "preflight", p)?;
    }
    if let Some(a) = &r.actual {
        write_exchange(out, "actual", a)?;
    }
    match r.blocked_at {
        None => writeln!(
            out,
            "browser: allowed; the page can read the status, the body and {}",
            if r.readable_headers.is_empty() {
                "no headers".to_string()
            } else {
                r.readable_headers.join(", ")
            }
        )?,
        Some(stage) => {
            writeln!(out, "browser: blocked at the {stage} response")?;
            if let Some(m) = &r.console_message {
                writeln!(out, "  {m}")?;
            }
        }
    }
    if let Some(served) = &r.served_fingerprint {
        let verdict = match &r.policy_fingerprint {
            Some(file) if file == served => ", the policy file's version",
            Some(_) => ", not the policy file's version",
            None => "",
        };
        writeln!(
            out,
            "edge: a configuration written by `cors emit` answered, policy {served}{verdict}"
        )?;
    }
    if let Some(differences) = &r.differences {
        if differences.is_empty() {
            writeln!(
                out,
                "policy: the server answers exactly as the policy prescribes"
            )?;
        } else {
            writeln!(out, "policy: {} difference(s)", differences.len())?;
            for d in differences {
                writeln!(out, "  - {d}")?;
            }
        }
    }
    if let Some(findings) = &r.findings {
        if findings.is_empty() {
            writeln!(out, "audit: no attack succeeded")?;
        } else {
            writeln!(out, "audit: {} finding(s)", findings.len())?;
            for f in findings {
                writeln!(out, "  - {f}")?;
            }
        }
    }
    if let Some(allowed) = r.allowed_by_policy.as_ref().filter(|a| !a.is_empty()) {
        writeln!(
            out,
            "audit: {} attack origin(s) the policy itself allows (not a server fault; `cors lint` rates the policy's patterns):",
            allowed.len()
        )?;
        for f in allowed {
            writeln!(out, "  - {}: Origin `{}`", f.attack, f.origin)?;
        }
    }
    Ok(())
}

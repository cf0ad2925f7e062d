//! `cors explain`: what a browser does with a request under a policy, and
//! the smallest change that would allow a blocked one (or why it should stay
//! blocked).

use std::io::Write;

use cors_policy::{Selection, Source};
use cors_runtime::{Decision, Policy, PolicySource, Reason, SimpleRequest};
use serde::Serialize;

use super::{EXIT_USAGE, Loaded, browser_request, load_compiled};
use crate::browser::{self, Block, BrowserRequest, Stage};
use crate::cli::ExplainArgs;
use crate::locate::{Location, locate};
use crate::render::lossy;

/// One response as the browser sees it.
#[derive(Debug, Serialize)]
struct Answer {
    /// The request's headers (the preflight's, or the page's plus Origin).
    request_headers: Vec<[String; 2]>,
    /// The status, when the CORS layer answers itself; `None` when the
    /// request goes on to the service, which chooses it.
    status: Option<u16>,
    /// The CORS headers of the answer.
    headers: Vec<[String; 2]>,
    /// True when the browser accepts it.
    passes: bool,
}

/// The `--json` output.
#[derive(Debug, Serialize)]
struct Explanation {
    url: String,
    origin: String,
    method: String,
    credentials: bool,
    /// What the browser changed or dropped from what the page asked.
    notes: Vec<String>,
    /// Why a preflight is sent; empty when none is.
    preflight_reasons: Vec<String>,
    preflight: Option<Answer>,
    actual: Option<Answer>,
    /// Headers the page can read when allowed (safelisted and exposed
    /// names; others the service sets stay hidden).
    readable_headers: Vec<String>,
    verdict: &'static str,
    blocked_at: Option<&'static str>,
    console_message: Option<String>,
    /// The smallest policy change that would allow the request.
    fix: Option<Fix>,
    /// Why no change is suggested.
    stay_blocked: Option<String>,
}

#[derive(Debug, Serialize)]
struct Fix {
    change: String,
    #[serde(flatten)]
    location: Option<Location>,
}

fn pairs(headers: &[(String, String)]) -> Vec<[String; 2]> {
    headers
        .iter()
        .map(|(n, v)| [n.clone(), v.clone()])
        .collect()
}

fn decision_headers(decision: &Decision<'_>) -> Vec<(String, String)> {
    decision
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), lossy(v.as_bytes())))
        .collect()
}

pub(crate) fn run(args: &ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let request = match browser_request(&args.request, &args.url, err) {
        Ok(request) => request,
        Err(code) => return code,
    };
    let selection = Selection {
        policy: args.policy.policy.clone(),
        profile: args.policy.profile.clone(),
    };
    let loaded = match load_compiled(&args.policy.policy_file, selection, err) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let owned = loaded.compiled.to_owned_policy();
    let explanation = explain(&request, owned.policy(), &loaded);
    let written = if args.json {
        serde_json::to_string_pretty(&explanation)
            .map_err(std::io::Error::other)
            .and_then(|json| writeln!(out, "{json}"))
    } else {
        write_human(out, &explanation)
    };
    if written.is_err() { EXIT_USAGE } else { 0 }
}

fn explain(request: &BrowserRequest, policy: Policy<'_>, loaded: &Loaded) -> Explanation {
    let preflight_reasons = request.preflight_reasons();
    let mut explanation = Explanation {
        url: request.url.clone(),
        origin: request.origin.clone(),
        method: request.method.clone(),
        credentials: request.credentials,
        notes: request.notes.clone(),
        preflight_reasons: preflight_reasons.clone(),
        preflight: None,
        actual: None,
        readable_headers: Vec::new(),
        verdict: "allowed",
        blocked_at: None,
        console_message: None,
        fix: None,
        stay_blocked: None,
    };
    let block = |explanation: &mut Explanation, stage, block: Block, reason: Option<Reason<'_>>| {
        explanation.verdict = "blocked";
        explanation.blocked_at = Some(match stage {
            Stage::Preflight => "preflight",
            Stage::Actual => "actual",
        });
        explanation.console_message = Some(browser::console_message(request, stage, &block));
        match advice(
            request,
            policy,
            &block,
            reason,
            &loaded.source,
            &loaded.selection,
        ) {
            Advice::Change(change, location) => {
                explanation.fix = Some(Fix { change, location });
            }
            Advice::StayBlocked(why) => explanation.stay_blocked = Some(why),
        }
    };

    if !preflight_reasons.is_empty() {
        let headers = request.preflight_headers();
        let preflight = SimpleRequest::new(b"OPTIONS", &headers);
        let decision = policy.evaluate(&preflight);
        let answer = decision_headers(&decision);
        // A preflight is always answered by the CORS layer.
        let status = decision.status().unwrap_or(204);
        let result = browser::check_preflight(request, status, &answer);
        explanation.preflight = Some(Answer {
            request_headers: pairs(&headers),
            status: Some(status),
            headers: pairs(&answer),
            passes: result.is_ok(),
        });
        if let Err(b) = result {
            block(
                &mut explanation,
                Stage::Preflight,
                b,
                Some(decision.reason()),
            );
            return explanation;
        }
    }

    let headers = request.actual_headers();
    let actual = SimpleRequest::new(request.method.as_bytes(), &headers);
    let decision = policy.evaluate(&actual);
    let answer = decision_headers(&decision);
    let result = browser::check_actual(request, &answer);
    explanation.actual = Some(Answer {
        request_headers: pairs(&headers),
        status: decision.status(),
        headers: pairs(&answer),
        passes: result.is_ok(),
    });
    match result {
        Ok(()) => explanation.readable_headers = browser::readable_names(request, &answer),
        Err(b) => block(&mut explanation, Stage::Actual, b, Some(decision.reason())),
    }
    explanation
}

enum Advice {
    Change(String, Option<Location>),
    StayBlocked(String),
}

fn is_loopback_or_private(origin: &str) -> bool {
    let host = origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .rsplit_once(':')
        .map_or_else(
            || origin.split_once("://").map_or(origin, |(_, r)| r),
            |(h, port)| {
                if port.chars().all(|c| c.is_ascii_digit()) {
                    h
                } else {
                    origin
                }
            },
        );
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "[::1]"
        || host.starts_with("10.")
        || host.starts_with("192.168.")
        || (host.starts_with("172.")
            && host
                .split('.')
                .nth(1)
                .and_then(|o| o.parse::<u8>().ok())
                .is_some_and(|o| (16..=31).contains(&o)))
}

/// The smallest change that would allow the request, or why none should be
/// made.
fn advice(
    request: &BrowserRequest,
    policy: Policy<'_>,
    block: &Block,
    reason: Option<Reason<'_>>,
    source: &Source,
    selection: &Selection,
) -> Advice {
    let at = |key: &str, extend: bool| locate(source, selection, key, extend);
    match reason {
        Some(Reason::OriginNotAllowed) => origin_advice(request, policy, source, selection),
        Some(Reason::InvalidOrigin(_)) | Some(Reason::MultipleOrigins) => Advice::StayBlocked(
            "the Origin is not a single serialised origin; browsers never send that, so the request is not from a page".into(),
        ),
        Some(Reason::MethodNotAllowed(m)) => {
            let m = lossy(m);
            let upper = m.to_ascii_uppercase();
            let allowed = policy.fixed_value(cors_runtime::FixedValue::AllowMethods);
            if upper != m && allowed.split(", ").any(|a| a == upper) {
                // R4: fetch() upper-cases only six methods; `patch` is sent
                // as written and never matches `PATCH`.
                Advice::Change(
                    format!(
                        "write `{upper}` in the page's fetch() call: fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, and methods are case-sensitive; the policy already allows {upper}"
                    ),
                    None,
                )
            } else {
                Advice::Change(format!("add \"{m}\" to `methods`"), at("methods", true))
            }
        }
        Some(Reason::HeaderNotAllowed(h)) => {
            let h = lossy(h);
            Advice::Change(
                format!("add \"{h}\" to `allow_headers`"),
                at("allow_headers", true),
            )
        }
        Some(Reason::AuthorizationNotCovered) => Advice::Change(
            "add \"authorization\" to `allow_headers`: `*` does not cover it (R15)".into(),
            at("allow_headers", true),
        ),
        _ => match block {
            Block::WildcardWithCredentials => Advice::StayBlocked(
                "the policy allows any origin, which browsers never combine with credentials (R18): fetch without credentials, or list the origins that may send them and set `credentials = true`".into(),
            ),
            Block::InvalidAllowCredentials(_) => Advice::Change(
                "set `credentials = true`, if every listed origin may act with your users' cookies".into(),
                at("credentials", false),
            ),
            _ => Advice::StayBlocked(format!("the policy's answer fails the browser's check: {block}")),
        },
    }
}

fn origin_advice(
    request: &BrowserRequest,
    policy: Policy<'_>,
    source: &Source,
    selection: &Selection,
) -> Advice {
    let origin = request.origin.as_str();
    if origin == "null" {
        return Advice::StayBlocked(
            "`null` is what sandboxed iframes, data: URLs and redirects send: any site can produce it, so allowing it allows everyone (CORS105)".into(),
        );
    }
    let pattern = match cors_policy::pattern::parse(origin) {
        Ok(p) if p.normalised.is_empty() && p.pattern.is_exact() => p,
        _ => {
            return Advice::StayBlocked(format!(
                "`{origin}` is not an origin a browser sends (R1), so no page can be behind it"
            ));
        }
    };
    if origin.starts_with("http://")
        && policy.allows_credentials()
        && !is_loopback_or_private(origin)
    {
        return Advice::StayBlocked(format!(
            "`{origin}` is plain HTTP and the policy sends credentials: anyone on the network path can inject script into that origin and act as your users (CORS203); serve the page over https and allow `https://{}` instead",
            origin.trim_start_matches("http://")
        ));
    }
    if is_loopback_or_private(origin) && selection.profile.as_deref() != Some("dev") {
        let location = locate(
            source,
            &selection.clone().with_profile("dev"),
            "origins",
            true,
        )
        .filter(|l| l.key.contains("profiles.dev"));
        return Advice::Change(
            format!(
                "add \"{pattern}\" to the `dev` profile's `extra_origins` (loopback and private origins do not belong in production, CORS108)",
                pattern = pattern.pattern
            ),
            location,
        );
    }
    Advice::Change(
        format!("add \"{}\" to `origins`", pattern.pattern),
        locate(source, selection, "origins", true),
    )
}

fn write_answer(out: &mut dyn Write, answer: &Answer) -> std::io::Result<()> {
    for [name, value] in &answer.headers {
        writeln!(out, "    {name}: {value}")?;
    }
    if answer.headers.is_empty() {
        writeln!(out, "    (no CORS headers)")?;
    }
    Ok(())
}

fn write_human(out: &mut dyn Write, e: &Explanation) -> std::io::Result<()> {
    writeln!(
        out,
        "request: {} {} from {}, {}",
        e.method,
        e.url,
        e.origin,
        if e.credentials {
            "with credentials"
        } else {
            "without credentials"
        }
    )?;
    for note in &e.notes {
        writeln!(out, "note: {note}")?;
    }
    match &e.preflight {
        None => writeln!(
            out,
            "preflight: none (a GET, HEAD or POST with only CORS-safelisted headers is sent directly)"
        )?,
        Some(p) => {
            writeln!(out, "preflight: sent, because")?;
            for reason in &e.preflight_reasons {
                writeln!(out, "  - {reason}")?;
            }
            let sent: Vec<String> = p
                .request_headers
                .iter()
                .skip(1)
                .map(|[n, v]| format!("{n}: {v}"))
                .collect();
            writeln!(out, "  OPTIONS with {}", sent.join(", "))?;
            writeln!(
                out,
                "  the CORS layer answers {} with:",
                p.status.unwrap_or(204)
            )?;
            write_answer(out, p)?;
            writeln!(
                out,
                "  the browser {} the preflight",
                if p.passes { "accepts" } else { "rejects" }
            )?;
        }
    }
    if let Some(a) = &e.actual {
        match a.status {
            Some(status) => writeln!(
                out,
                "actual request: {} answered by the CORS layer with {status} (the service is not called), with:",
                e.method
            )?,
            None => writeln!(
                out,
                "actual request: {} goes to your service; the CORS layer adds:",
                e.method
            )?,
        }
        write_answer(out, a)?;
        if a.passes {
            writeln!(
                out,
                "  the page can read the status, the body and the headers {}",
                e.readable_headers.join(", ")
            )?;
        }
    }
    match e.blocked_at {
        None => writeln!(out, "verdict: allowed")?,
        Some(stage) => {
            writeln!(out, "verdict: blocked at the {stage} response")?;
            if let Some(message) = &e.console_message {
                writeln!(out, "Chrome's console:\n  {message}")?;
            }
            if let Some(fix) = &e.fix {
                match &fix.location {
                    Some(l) => writeln!(
                        out,
                        "to allow it: {} ({}:{}, `{}`)",
                        fix.change, l.file, l.line, l.key
                    )?,
                    None => writeln!(out, "to allow it: {}", fix.change)?,
                }
            }
            if let Some(why) = &e.stay_blocked {
                writeln!(out, "it should stay blocked: {why}")?;
            }
        }
    }
    Ok(())
}

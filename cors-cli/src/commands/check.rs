//! `cors check`: evaluate one request with the runtime's own code path.

use std::io::Write;

use cors_runtime::{PolicySource, SimpleRequest};
use serde::Serialize;

use super::{EXIT_USAGE, load_policy, parse_headers};
use crate::cli::CheckArgs;
use crate::render::lossy;

/// The `--json` output: the contract other tools rely on.
#[derive(Debug, Serialize)]
struct Output {
    kind: &'static str,
    status: Option<u16>,
    headers: Vec<[String; 2]>,
    reason: String,
    /// The JSON error body sent with the status (`on_reject = "forbid"`).
    body: Option<serde_json::Value>,
    /// The compiled policy's fingerprint (`x-corsc-policy`).
    fingerprint: String,
}

pub(crate) fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let headers = match parse_headers(&args.headers, err) {
        Ok(headers) => headers,
        Err(code) => return code,
    };
    if !cors_runtime::is_token(args.method.as_bytes()) {
        let _ = writeln!(
            err,
            "error: malformed --method {:?}: a method is an HTTP token such as GET or PATCH",
            args.method
        );
        return EXIT_USAGE;
    }
    let owned = match load_policy(&args.policy, err) {
        Ok(policy) => policy,
        Err(code) => return code,
    };
    let policy = owned.policy();
    let request = SimpleRequest::new(args.method.as_bytes(), &headers);
    let decision = policy.evaluate(&request);
    let output = Output {
        kind: decision.kind().as_str(),
        status: decision.status(),
        headers: decision
            .headers()
            .iter()
            .map(|(name, value)| [name.as_str().to_string(), lossy(value.as_bytes())])
            .collect(),
        reason: decision.reason().to_string(),
        body: decision
            .error_body()
            .and_then(|b| serde_json::from_str(&b.to_string()).ok()),
        fingerprint: policy.fingerprint().to_string(),
    };
    let written = if args.json {
        serde_json::to_string(&output)
            .map_err(std::io::Error::other)
            .and_then(|json| writeln!(out, "{json}"))
    } else {
        write_human(out, &output)
    };
    if written.is_err() {
        return EXIT_USAGE;
    }
    0
}

fn write_human(out: &mut dyn Write, o: &Output) -> std::io::Result<()> {
    let action = match o.status {
        Some(status) => format!("answered by the CORS layer with {status}"),
        None => "forwarded to the service".to_string(),
    };
    writeln!(out, "{}: {action}", o.kind)?;
    writeln!(out, "reason: {}", o.reason)?;
    if o.headers.is_empty() {
        writeln!(out, "headers added: none")?;
    } else {
        writeln!(out, "headers added:")?;
        for [name, value] in &o.headers {
            writeln!(out, "  {name}: {value}")?;
        }
    }
    if let Some(body) = &o.body {
        writeln!(out, "body: {body}")?;
    }
    writeln!(out, "policy fingerprint: {}", o.fingerprint)?;
    Ok(())
}

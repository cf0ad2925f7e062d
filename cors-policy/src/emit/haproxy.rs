//! The HAProxy backend (2.6 and later): the edge model as `http-request`
//! and `http-response` rules for a `frontend` (or `listen`) section.
//!
//! - Each class test is an anonymous ACL on `req.fhdr()` — the whole line,
//!   not split at commas as `req.hdr()` would — gated by
//!   `req.fhdr_cnt()`, so a repeated `Origin`, requested method or
//!   `Sec-Fetch-Site` is told apart exactly as the runtime does.
//! - The letters go into `txn` variables, the state into
//!   `txn.cors_state`, and the first matching rule into `txn.cors_rule`
//!   (rules are written last to first; the last `set-var` wins).
//! - Answers given at the edge are `http-request return` with the
//!   policy's status, headers and (under `forbid`) JSON body; forwarded
//!   requests get their headers from `http-response` rules after the
//!   service's own `Access-Control-*` headers are deleted.
//!
//! Expressions are written in single quotes, where HAProxy changes
//! nothing; the few bytes that cannot appear there (`'`, space, tab) are
//! written as PCRE escapes.

use std::fmt::Write as _;

use cors_runtime::ResponseHeader;

use super::edge::{
    Classifier, Edge, FINGERPRINT_HEADER, SEC_FETCH_SITE, Value, method, origin, site,
};
use super::target::{Capabilities, Capability, Full, HeaderLines, Repeated, Support, header_name};
use crate::Error;

/// What HAProxy can express of a policy.
pub const CAPABILITIES: Capabilities = Capabilities {
    target: "haproxy",
    lines: Some(HeaderLines {
        repeated: Repeated::EachLine,
        repeated_list: Repeated::LastLineOnly,
        empty_is_absent: false,
    }),
    rows: &[
        Capability::EXACT_PATTERNS,
        Capability::WILDCARD_PATTERNS,
        Capability::ANY_PORT_PATTERNS,
        Capability::CREDENTIALS,
        Capability::FORBID_BODIES,
        Capability::HOSTILE_BOUNDS,
        Capability::LONG_LISTS,
        Capability::LONG_SETS,
        Capability::REPORT_ONLY,
        Capability {
            feature: "repeated header lines",
            support: Support::Partial,
            note: "repeated `Origin`, `Access-Control-Request-Method` and `Sec-Fetch-Site` lines are counted as the runtime does; of several `Access-Control-Request-Headers` lines only the last is read",
        },
        Capability {
            feature: "empty header lines",
            support: Support::Exact,
            note: "an empty line is a line",
        },
        Capability {
            feature: "the proxy's own errors",
            support: Support::Partial,
            note: "a 503 HAProxy makes itself (no server up) carries no CORS headers and no `Vary`: the page cannot read it (fails closed)",
        },
    ],
};

/// `re` in single quotes, with the bytes that cannot appear there escaped
/// for PCRE.
fn quoted_regex(re: &str) -> String {
    let mut out = String::from("'");
    for c in re.chars() {
        match c {
            '\'' => out.push_str("\\x27"),
            ' ' => out.push_str("\\x20"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `text` as a log-format string in double quotes: `"`, `\` and `$` escaped
/// for the parser, `%` doubled for log-format.
fn quoted_format(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '%' => out.push_str("%%"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A header value as a log-format string; `response` for `http-response`
/// rules, which read the origin from the variable the request phase set.
fn value(v: &Value, response: bool) -> String {
    match (v, response) {
        (Value::Text(t), _) => quoted_format(t),
        (Value::Origin, false) => "\"%[req.fhdr(origin)]\"".into(),
        (Value::Origin, true) => "\"%[var(txn.cors_request_origin)]\"".into(),
    }
}

/// Sets `txn.<var>` from the header `name` by the classifier (last case
/// first, so the first that passes is set last), when `gate` holds.
fn classify(out: &mut String, var: &str, name: &str, c: &Classifier, gate: &str) {
    let _ = writeln!(out, "http-request set-var(txn.{var}) str({})", c.otherwise);
    for (letter, test) in c.cases.iter().rev() {
        let _ = writeln!(
            out,
            "http-request set-var(txn.{var}) str({letter}) if {gate}{{ req.fhdr({name}) -m reg {} }}",
            quoted_regex(&test.pcre())
        );
    }
}

/// The rules for a `frontend` or `listen` section.
pub fn snippet(edge: &Edge) -> String {
    let mut out = edge.comment_block();
    out.push_str(
        "# Paste into a `frontend` or `listen` section with `mode http`; the global\n\
         # section needs `tune.bufsize 32768` (see the corsc README, HAProxy).\n\n",
    );
    out.push_str(&body(edge));
    out
}

fn body(edge: &Edge) -> String {
    let mut out = String::new();
    out.push_str("# R1: the Origin, by the first test that passes.\n");
    classify(
        &mut out,
        "cors_origin",
        "origin",
        &edge.origin,
        "{ req.fhdr_cnt(origin) eq 1 } ",
    );
    let _ = writeln!(
        out,
        "http-request set-var(txn.cors_origin) str({}) if {{ req.fhdr_cnt(origin) gt 1 }}",
        origin::REPEATED
    );
    let _ = writeln!(
        out,
        "http-request set-var(txn.cors_origin) str({}) if {{ req.fhdr_cnt(origin) eq 0 }}\n",
        origin::ABSENT
    );

    out.push_str("# R9, R14: a preflight is OPTIONS with Access-Control-Request-Method.\n");
    let _ = writeln!(
        out,
        "http-request set-var(txn.cors_method) str({})",
        method::NOT_PREFLIGHT
    );
    let preflight = "{ method OPTIONS } { req.fhdr_cnt(access-control-request-method) eq 1 } ";
    let mut cases = String::new();
    classify(
        &mut cases,
        "cors_method",
        "access-control-request-method",
        &edge.method,
        preflight,
    );
    // The classifier's first line sets the default for every request;
    // here it must apply to preflights only.
    let cases = cases.replacen(
        &format!("str({})\n", edge.method.otherwise),
        &format!("str({}) if {preflight}\n", edge.method.otherwise),
        1,
    );
    out.push_str(&cases);
    let _ = writeln!(
        out,
        "http-request set-var(txn.cors_method) str({}) if {{ method OPTIONS }} {{ req.fhdr_cnt(access-control-request-method) gt 1 }}\n",
        method::REPEATED
    );

    out.push_str("# R15: the requested headers (the last line, if several).\n");
    let _ = writeln!(
        out,
        "http-request set-var(txn.cors_headers_value) req.fhdr(access-control-request-headers)"
    );
    let _ = writeln!(
        out,
        "http-request set-var(txn.cors_headers_value) str() if {{ req.fhdr_cnt(access-control-request-headers) eq 0 }}"
    );
    let _ = writeln!(
        out,
        "http-request set-var(txn.cors_headers) str({})",
        edge.headers.otherwise
    );
    for (letter, test) in edge.headers.cases.iter().rev() {
        let _ = writeln!(
            out,
            "http-request set-var(txn.cors_headers) str({letter}) if {{ var(txn.cors_headers_value) -m reg {} }}",
            quoted_regex(&test.pcre())
        );
    }
    out.push('\n');

    out.push_str(
        "# R28: same-origin by Sec-Fetch-Site, or without it by the policy's server_origins.\n",
    );
    let (name, same) = SEC_FETCH_SITE;
    let name = name.to_ascii_lowercase();
    let _ = writeln!(
        out,
        "http-request set-var(txn.cors_site) str({})",
        site::OTHER
    );
    if let Some(own) = &edge.server_origins {
        let _ = writeln!(
            out,
            "http-request set-var(txn.cors_site) str({}) if {{ req.fhdr_cnt({name}) eq 0 }} {{ req.fhdr_cnt(origin) eq 1 }} {{ req.fhdr(origin) -m reg {} }}",
            site::SAME_ORIGIN,
            quoted_regex(own)
        );
    }
    let _ = writeln!(
        out,
        "http-request set-var(txn.cors_site) str({}) if {{ req.fhdr_cnt({name}) eq 1 }} {{ req.fhdr({name}) -m str {same} }}\n",
        site::SAME_ORIGIN
    );

    out.push_str(
        "# The answer: the first rule whose pattern matches the state (written last to first).\n",
    );
    out.push_str("http-request set-var-fmt(txn.cors_state) \"%[var(txn.cors_origin)]%[var(txn.cors_method)]%[var(txn.cors_headers)]%[var(txn.cors_site)]\"\n");
    for (i, rule) in edge.rules.iter().enumerate().rev() {
        let _ = writeln!(
            out,
            "http-request set-var(txn.cors_rule) str(r{i}) if {{ var(txn.cors_state) -m reg {} }}  # {}",
            quoted_regex(rule.state),
            rule.action.name
        );
    }
    out.push('\n');

    out.push_str("# Answers given at the edge: preflights and rejections.\n");
    for (i, rule) in edge.rules.iter().enumerate() {
        let a = &rule.action;
        let Some(status) = a.status else { continue };
        let _ = write!(out, "http-request return status {status}");
        if let Some(body) = &a.body {
            let text = if body.echo {
                format!(
                    "{}%[req.fhdr(origin)]{}",
                    body.before.replace('%', "%%"),
                    body.after.replace('%', "%%")
                )
            } else {
                body.before.replace('%', "%%")
            };
            let _ = write!(out, " content-type application/json lf-string '{text}'");
        }
        for (h, v) in &a.headers {
            if *h == ResponseHeader::ContentType {
                continue;
            }
            let _ = write!(out, " hdr {} {}", header_name(*h), value(v, false));
        }
        let _ = writeln!(
            out,
            " hdr {FINGERPRINT_HEADER} {} if {{ var(txn.cors_rule) -m str r{i} }}",
            quoted_format(&edge.fingerprint)
        );
    }
    out.push('\n');

    out.push_str("# Forwarded requests: the service's own CORS headers never reach the client.\n");
    out.push_str("http-request set-var(txn.cors_request_origin) req.fhdr(origin)\n");
    for h in ResponseHeader::ALL {
        if h.is_access_control() {
            let _ = writeln!(out, "http-response del-header {}", header_name(h));
        }
    }
    for (i, rule) in edge.rules.iter().enumerate() {
        let a = &rule.action;
        if a.status.is_some() {
            continue;
        }
        for (h, v) in &a.headers {
            let verb = if *h == ResponseHeader::Vary {
                "add-header"
            } else {
                "set-header"
            };
            let _ = writeln!(
                out,
                "http-response {verb} {} {} if {{ var(txn.cors_rule) -m str r{i} }}",
                header_name(*h),
                value(v, true)
            );
        }
    }
    out
}

/// `host:port` of an `http://` upstream URL.
fn upstream_address(url: &str) -> Result<&str, Error> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        Error::Emit(format!(
            "HAProxy's upstream must be an http:// URL (got `{url}`); for TLS to the service, edit the `server` line the emitted file has"
        ))
    })?;
    Ok(rest.trim_end_matches('/'))
}

/// A complete configuration for `haproxy -f FILE`: a frontend on
/// `full.listen` with the rules, and the service as the only backend.
pub fn full(edge: &Edge, full: &Full) -> Result<String, Error> {
    let upstream = upstream_address(&full.upstream)?;
    let mut out = edge.comment_block();
    let _ = writeln!(
        out,
        "# Run: haproxy -f <this file>\n\
         global\n\
         \x20   # Header lines up to 32 KiB reach the policy, which refuses what is\n\
         \x20   # longer than its own bounds (R1, R15) instead of HAProxy's 400.\n\
         \x20   tune.bufsize 32768\n\
         \n\
         defaults\n\
         \x20   mode http\n\
         \x20   timeout connect 5s\n\
         \x20   timeout client 30s\n\
         \x20   timeout server 30s\n\
         \n\
         frontend cors_edge\n\
         \x20   bind {}",
        full.listen
    );
    for line in body(edge).lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "    {line}");
        }
    }
    let _ = writeln!(
        out,
        "    default_backend cors_service\n\
         \n\
         backend cors_service\n\
         \x20   server service {upstream}"
    );
    Ok(out)
}

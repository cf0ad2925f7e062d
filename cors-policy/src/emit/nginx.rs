//! The nginx backend: the edge model as `server`-level directives.
//!
//! Everything is in `server` context, so the snippet is one file to
//! `include` inside a `server { }` block: `map` would need `http` context,
//! and the classification only needs `set` and `if` with a `return` or a
//! `set`, which is what nginx documents as safe (the known trouble with
//! `if` is inside `location`). The pitfalls it avoids:
//!
//! - every header is one `add_header … always` whose value is a variable,
//!   empty (so not sent) when the answer has no such header; nothing is
//!   added twice, and error responses keep the headers;
//! - `add_header` is inherited only by a level that has none of its own:
//!   the snippet's headers live in the `server` block, and its own
//!   answers come from a named location with no `add_header`; a `location`
//!   of yours that sets headers must `include` the snippet's
//!   `add_header` lines again (the README shows how);
//! - the service's own `Access-Control-*` headers are hidden
//!   (`proxy_hide_header`), so the edge is the only source of them;
//! - answers given at the edge go through `error_page` to a named location
//!   that sets `default_type` (no `Content-Type` unless `forbid` sends
//!   JSON).
//!
//! nginx 1.22 (Debian 12) reads only the first line of a repeated header
//! and cannot tell an empty header from a missing one: see
//! [`CAPABILITIES`].

use std::fmt::Write as _;

use cors_runtime::ResponseHeader;

use crate::Error;

use super::edge::{
    Classifier, Edge, FINGERPRINT_HEADER, SEC_FETCH_SITE, Value, method, set_by_rules,
};
use super::target::{Capabilities, Capability, Full, HeaderLines, Repeated, Support, header_name};

/// What nginx can express of a policy.
pub const CAPABILITIES: Capabilities = Capabilities {
    target: "nginx",
    lines: Some(HeaderLines {
        repeated: Repeated::FirstLineOnly,
        repeated_list: Repeated::FirstLineOnly,
        empty_is_absent: true,
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
            note: "nginx 1.22 reads the first line of a repeated `Origin`, `Access-Control-Request-Method`, `-Headers` or `Sec-Fetch-Site`; the runtime refuses two `Origin`s and joins header lists",
        },
        Capability {
            feature: "empty header lines",
            support: Support::Partial,
            note: "an empty `Origin`, `Access-Control-Request-Method` or `Sec-Fetch-Site` line is taken for a missing one",
        },
        Capability {
            feature: "the proxy's own errors",
            support: Support::Exact,
            note: "a 502/503 it makes itself (service down) carries the answer's headers (`add_header … always`)",
        },
        Capability {
            feature: "trailing whitespace",
            support: Support::Partial,
            note: "nginx keeps a trailing tab on a header value, so such an `Origin` matches no pattern and is refused (fails closed)",
        },
        Capability {
            feature: "`$` in a token",
            support: Support::Refused,
            note: "a `$` starts an nginx variable and has no escape: `cors emit` refuses the policy",
        },
    ],
};

/// The codes nginx `return`s to reach the named locations that answer
/// preflights and rejections (codes no service sends, caught only by the
/// snippet's `error_page`).
const PREFLIGHT_CODE: u16 = 598;
const REJECT_CODE: u16 = 599;

/// `text` as an nginx double-quoted string.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A value for `set` or `add_header`: constants quoted, the origin echoed.
fn value(v: &Value) -> String {
    match v {
        Value::Text(t) => quoted(t),
        Value::Origin => "$http_origin".into(),
    }
}

/// The variable of each response header the snippet may add.
fn variable(h: ResponseHeader) -> &'static str {
    match h {
        ResponseHeader::AllowOrigin => "$cors_allow_origin",
        ResponseHeader::AllowCredentials => "$cors_allow_credentials",
        ResponseHeader::AllowMethods => "$cors_allow_methods",
        ResponseHeader::AllowHeaders => "$cors_allow_headers",
        ResponseHeader::MaxAge => "$cors_max_age",
        ResponseHeader::ExposeHeaders => "$cors_expose_headers",
        ResponseHeader::Vary => "$cors_vary",
        ResponseHeader::ContentType => "$cors_content_type",
        ResponseHeader::PolicyFingerprint => "$cors_fingerprint",
    }
}

/// Sets `letter_var` from `header_var` by the classifier: the cases are
/// written last to first, so the first that passes is the last to set it.
fn classify(out: &mut String, letter_var: &str, header_var: &str, c: &Classifier) {
    let _ = writeln!(out, "set {letter_var} {};", c.otherwise);
    for (letter, test) in c.cases.iter().rev() {
        let _ = writeln!(
            out,
            "if ({header_var} ~ {}) {{ set {letter_var} {letter}; }}",
            quoted(&test.pcre())
        );
    }
}

/// Refuses a policy whose answers hold a `$`: in an nginx string `$`
/// starts a variable and there is no escape for it, so `X-A$b` would be
/// sent as `X-A` followed by whatever `$b` holds.
fn refuse_dollars(edge: &Edge) -> Result<(), Error> {
    for rule in &edge.rules {
        for (h, v) in &rule.action.headers {
            if let Value::Text(t) = v
                && t.contains('$')
            {
                return Err(Error::Emit(format!(
                    "nginx cannot send `{}: {t}`: a `$` in an nginx string starts a variable \
                     and nginx has no escape for it; rename the token, or enforce this policy \
                     with another target (caddy, haproxy and apache write it literally)",
                    header_name(*h)
                )));
            }
        }
    }
    Ok(())
}

/// The directives for inside a `server { }` block, with the header comment.
///
/// # Errors
/// [`Error::Emit`] when an answer holds a `$` (see `refuse_dollars`).
pub fn snippet(edge: &Edge) -> Result<String, Error> {
    refuse_dollars(edge)?;
    let mut out = edge.comment_block();
    out.push_str("# Include inside a `server { }` block (see the corsc README, nginx).\n\n");
    out.push_str(&body(edge));
    Ok(out)
}

/// The directives of [`snippet`], without its header comment.
fn body(edge: &Edge) -> String {
    let mut out = String::new();
    out.push_str("# R1: the Origin, by the first test that passes.\n");
    classify(&mut out, "$cors_origin", "$http_origin", &edge.origin);
    out.push_str("if ($http_origin = \"\") { set $cors_origin a; }\n\n");

    out.push_str("# R9, R14: a preflight is OPTIONS with Access-Control-Request-Method.\n");
    classify(
        &mut out,
        "$cors_requested_method",
        "$http_access_control_request_method",
        &edge.method,
    );
    let _ = writeln!(out, "set $cors_method {};", method::NOT_PREFLIGHT);
    out.push_str("set $cors_preflight \"$request_method:$http_access_control_request_method\";\n");
    out.push_str(
        "if ($cors_preflight ~ \"^OPTIONS:.\") { set $cors_method $cors_requested_method; }\n\n",
    );

    out.push_str("# R15: the requested headers.\n");
    classify(
        &mut out,
        "$cors_headers",
        "$http_access_control_request_headers",
        &edge.headers,
    );
    out.push('\n');

    out.push_str(
        "# R28: same-origin by Sec-Fetch-Site, or without it by the policy's server_origins.\n",
    );
    out.push_str("set $cors_site -;\n");
    if let Some(own) = &edge.server_origins {
        let _ = writeln!(
            out,
            "if ($http_origin ~ {}) {{ set $cors_site s; }}",
            quoted(own)
        );
    }
    let (_, same) = SEC_FETCH_SITE;
    out.push_str("if ($http_sec_fetch_site ~ \"^.\") { set $cors_site -; }\n");
    let _ = writeln!(
        out,
        "if ($http_sec_fetch_site = {}) {{ set $cors_site s; }}\n",
        quoted(same)
    );

    out.push_str(
        "# The answer: the first rule whose pattern matches the state (written last to first).\n",
    );
    out.push_str("set $cors_state \"$cors_origin$cors_method$cors_headers$cors_site\";\n");
    for rule in edge.rules.iter().rev() {
        let a = &rule.action;
        let _ = write!(out, "if ($cors_state ~ {}) {{", quoted(rule.state));
        let _ = write!(out, " set $cors_rule {};", a.name);
        for h in ResponseHeader::ALL {
            if !set_by_rules(h) {
                continue;
            }
            let v = a
                .headers
                .iter()
                .find(|(name, _)| *name == h)
                .map_or_else(|| "\"\"".to_string(), |(_, v)| value(v));
            let _ = write!(out, " set {} {v};", variable(h));
        }
        let answer = match a.status {
            None => "",
            Some(_) if a.name == "preflight" => "preflight",
            Some(_) => "reject",
        };
        let _ = write!(out, " set $cors_answer {};", quoted(answer));
        let fingerprint = if a.status.is_some() {
            edge.fingerprint.as_str()
        } else {
            ""
        };
        let _ = writeln!(out, " set $cors_fingerprint {}; }}", quoted(fingerprint));
    }
    let _ = writeln!(
        out,
        "if ($cors_answer = preflight) {{ return {PREFLIGHT_CODE}; }}"
    );
    let _ = writeln!(
        out,
        "if ($cors_answer = reject) {{ return {REJECT_CODE}; }}"
    );
    let _ = writeln!(out, "error_page {PREFLIGHT_CODE} = @cors_preflight;");
    let _ = writeln!(out, "error_page {REJECT_CODE} = @cors_reject;\n");

    out.push_str("# One line per header, empty (not sent) when the answer has none.\n");
    for h in ResponseHeader::ALL {
        if !set_by_rules(h) {
            continue;
        }
        let _ = writeln!(out, "add_header {} {} always;", header_name(h), variable(h));
    }
    let _ = writeln!(
        out,
        "add_header {FINGERPRINT_HEADER} $cors_fingerprint always;\n"
    );

    out.push_str("# The service's own CORS headers never reach the client.\n");
    for h in ResponseHeader::ALL {
        if h.is_access_control() {
            let _ = writeln!(out, "proxy_hide_header {};", header_name(h));
        }
    }
    out.push('\n');

    out.push_str("# Answers given at the edge (no add_header here: the server's apply).\n");
    let preflight = edge.rules.iter().find_map(|r| {
        (r.action.name == "preflight")
            .then_some(r.action.status)
            .flatten()
    });
    out.push_str("location @cors_preflight {\n    default_type \"\";\n");
    if let Some(status) = preflight {
        let _ = writeln!(out, "    return {status} \"\";");
    }
    out.push_str("}\nlocation @cors_reject {\n");
    let mut bodies = std::collections::BTreeMap::new();
    for r in &edge.rules {
        if let (Some(_), Some(body)) = (r.action.status, &r.action.body) {
            bodies.insert(r.action.name, body);
        }
    }
    // `return 403 ""` would send nginx's HTML error page; a text made of
    // an (empty) variable is sent as it is.
    out.push_str("    set $cors_no_body \"\";\n");
    if bodies.is_empty() {
        out.push_str("    default_type \"\";\n    return 403 $cors_no_body;\n");
    } else {
        out.push_str("    default_type application/json;\n");
        for (name, body) in bodies {
            let text = if body.echo {
                format!("{}$http_origin{}", body.before, body.after)
            } else {
                body.before.clone()
            };
            let _ = writeln!(
                out,
                "    if ($cors_rule = {name}) {{ return 403 '{text}'; }}"
            );
        }
        out.push_str("    return 403 $cors_no_body;\n");
    }
    out.push_str("}\n");
    out
}

/// A complete configuration for `nginx -p DIR -c FILE`: one server on
/// `full.listen` with the snippet, proxying the rest to `full.upstream`.
/// Paths (pid, temporary files) are relative to the `-p` prefix, and logs
/// go to standard error, so it runs without root in any directory.
///
/// # Errors
/// [`Error::Emit`] when an answer holds a `$` (see `refuse_dollars`).
pub fn full(edge: &Edge, full: &Full) -> Result<String, Error> {
    refuse_dollars(edge)?;
    let mut out = edge.comment_block();
    let _ = writeln!(
        out,
        "# Run: nginx -p <a writable directory> -c <this file>\n\
         daemon off;\n\
         worker_processes 1;\n\
         pid nginx.pid;\n\
         error_log stderr warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n\
         \x20   access_log off;\n\
         \x20   client_body_temp_path tmp/body;\n\
         \x20   proxy_temp_path tmp/proxy;\n\
         \x20   fastcgi_temp_path tmp/fastcgi;\n\
         \x20   uwsgi_temp_path tmp/uwsgi;\n\
         \x20   scgi_temp_path tmp/scgi;\n\
         \x20   # Header lines up to 32 KiB reach the policy, which refuses what is\n\
         \x20   # longer than its own bounds (R1, R15) instead of nginx's 400.\n\
         \x20   large_client_header_buffers 8 32k;\n\
         \x20   server {{\n\
         \x20       listen {};",
        full.listen
    );
    for line in body(edge).lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "        {line}");
        }
    }
    let _ = writeln!(
        out,
        "        location / {{\n\
         \x20           proxy_pass {};\n\
         \x20           proxy_set_header Host $http_host;\n\
         \x20       }}\n\
         \x20   }}\n\
         }}",
        full.upstream
    );
    Ok(out)
}

//! The Caddy backend (2.6 and later, Caddyfile): the edge model as one
//! `route` block, whose directives run in the order written.
//!
//! - Each class test is a named matcher: `header` for whether a header is
//!   present at all, `method` for `OPTIONS`, and an `expression` (CEL)
//!   whose `matches` is Go's RE2, so the model's portable spelling of each
//!   expression is used as is. Length bounds are `size(bytes(…))`, in bytes
//!   like the runtime's.
//! - Caddy's header placeholders join repeated lines with `,`, which makes
//!   a repeated `Origin`, requested method or `Sec-Fetch-Site` malformed,
//!   as the runtime has it, and request-header lines one list.
//! - The letters are `vars` set last to first (the last one set wins), the
//!   state a `vars` of the four, and the rule a `vars` chosen the same way.
//! - Headers are `header … { defer … }`, applied when the response is
//!   written; the service's own `Access-Control-*` headers are deleted by
//!   a later `header` block, which Caddy applies first. Answers given at
//!   the edge are `respond`.
//!
//! Text Caddy would read as a placeholder (`{…}`) is escaped as `\{`, and
//! the CEL expressions sit in backquotes, so nothing of the policy is
//! interpreted.

use std::fmt::Write as _;

use cors_runtime::ResponseHeader;

use super::edge::regex::Test;
use super::edge::{
    Classifier, Edge, FINGERPRINT_HEADER, SEC_FETCH_SITE, Value, method, origin, site,
};
use super::target::{Capabilities, Capability, Full, HeaderLines, Repeated, Support, header_name};
use crate::Error;

/// What Caddy can express of a policy.
pub const CAPABILITIES: Capabilities = Capabilities {
    target: "caddy",
    lines: Some(HeaderLines {
        repeated: Repeated::Joined(","),
        repeated_list: Repeated::Joined(","),
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
            note: "Caddy joins them with `,`: two `Origin`s are malformed, request-header lines one list, whose 8,192-byte bound is then read with `,` where the runtime counts `, ` (n lines may be n-1 bytes over it)",
        },
        Capability {
            feature: "empty header lines",
            support: Support::Exact,
            note: "`header Name *` tells an empty line from a missing one",
        },
        Capability {
            feature: "the proxy's own errors",
            support: Support::Partial,
            note: "a 502 of `reverse_proxy` (service down) carries no CORS headers and no `Vary`: the page cannot read it (fails closed)",
        },
    ],
};

/// The placeholder of a request header's value (its lines joined by `,`).
fn placeholder(name: &str) -> String {
    format!("{{http.request.header.{name}}}")
}

/// `re` as a CEL raw string: the bytes that cannot appear inside it or
/// inside the backquoted Caddyfile token (`'`, `` ` ``, `"`, space, tab)
/// are written as RE2 escapes.
fn cel_regex(re: &str) -> String {
    let mut out = String::from("r'");
    for c in re.chars() {
        match c {
            '\'' => out.push_str("\\x27"),
            '`' => out.push_str("\\x60"),
            '"' => out.push_str("\\x22"),
            ' ' => out.push_str("\\x20"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The CEL expression of `test` on the value of `subject` (a placeholder).
fn cel(test: &Test, subject: &str) -> String {
    let mut parts = Vec::new();
    if let Some(max) = test.max_len {
        parts.push(format!("size(bytes({subject})) <= {max}"));
    }
    if let Some(min) = test.min_len {
        parts.push(format!("size(bytes({subject})) >= {min}"));
    }
    for (re, must) in test.parts() {
        let bang = if must { "" } else { "!" };
        parts.push(format!("{bang}{subject}.matches({})", cel_regex(re)));
    }
    if parts.is_empty() {
        "true".to_string()
    } else {
        parts.join(" && ")
    }
}

/// `text` for a place Caddy expands placeholders in: `{` and `}` escaped.
fn literal(text: &str) -> String {
    text.replace('{', "\\{").replace('}', "\\}")
}

/// `text` as a double-quoted Caddyfile token (only `"` is an escape there).
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\\\""))
}

/// A header value: literal text, or the request's `Origin`.
fn value(v: &Value) -> String {
    match v {
        Value::Text(t) => quoted(&literal(t)),
        Value::Origin => placeholder("Origin"),
    }
}

/// Sets `var` by the classifier: its default first, then each case last
/// to first, so the first that passes is set last. `gate` lines join each
/// case's matcher.
fn classify(out: &mut String, var: &str, subject: &str, c: &Classifier, gate: &[String]) {
    set_var(out, None, var, c.otherwise);
    for (i, (letter, test)) in c.cases.iter().enumerate().rev() {
        let name = format!("@{var}_{i}");
        matcher(out, &name, gate, Some(&cel(test, subject)));
        set_var(out, Some(&name), var, *letter);
    }
}

/// `vars [matcher] var "letter"`; quoted, because Caddy reads an unquoted
/// `t` as the boolean `true`.
fn set_var(out: &mut String, matcher: Option<&str>, var: &str, letter: char) {
    let matcher = matcher.map(|m| format!("{m} ")).unwrap_or_default();
    let _ = writeln!(out, "vars {matcher}{var} \"{letter}\"");
}

/// A named matcher of `lines` and an optional CEL expression.
fn matcher(out: &mut String, name: &str, lines: &[String], expression: Option<&str>) {
    let _ = writeln!(out, "{name} {{");
    for line in lines {
        let _ = writeln!(out, "\t{line}");
    }
    if let Some(e) = expression {
        let _ = writeln!(out, "\texpression `{e}`");
    }
    out.push_str("}\n");
}

/// The `route` block, unindented.
fn route(edge: &Edge) -> String {
    let mut out = String::new();
    out.push_str(
        "# R1: the Origin, by the first test that passes (last to first: the last `vars` wins).\n",
    );
    classify(
        &mut out,
        "cors_origin",
        &placeholder("Origin"),
        &edge.origin,
        &[],
    );
    matcher(
        &mut out,
        "@cors_origin_absent",
        &["header !Origin".to_string()],
        None,
    );
    set_var(
        &mut out,
        Some("@cors_origin_absent"),
        "cors_origin",
        origin::ABSENT,
    );
    out.push('\n');

    out.push_str("# R9, R14: a preflight is OPTIONS with Access-Control-Request-Method.\n");
    set_var(&mut out, None, "cors_method", method::NOT_PREFLIGHT);
    let preflight = [
        "method OPTIONS".to_string(),
        "header Access-Control-Request-Method *".to_string(),
    ];
    matcher(&mut out, "@cors_preflight", &preflight, None);
    set_var(
        &mut out,
        Some("@cors_preflight"),
        "cors_method",
        edge.method.otherwise,
    );
    let mut cases = String::new();
    classify(
        &mut cases,
        "cors_method",
        &placeholder("Access-Control-Request-Method"),
        &edge.method,
        &preflight,
    );
    // The classifier's first line sets the default for every request; the
    // line above already set it for preflights.
    out.push_str(cases.split_once('\n').map_or("", |(_, rest)| rest));
    out.push('\n');

    out.push_str("# R15: the requested headers (all lines, joined).\n");
    classify(
        &mut out,
        "cors_headers",
        &placeholder("Access-Control-Request-Headers"),
        &edge.headers,
        &[],
    );
    out.push('\n');

    out.push_str(
        "# R28: same-origin by Sec-Fetch-Site, or without it by the policy's server_origins.\n",
    );
    let (name, same) = SEC_FETCH_SITE;
    set_var(&mut out, None, "cors_site", site::OTHER);
    if let Some(own) = &edge.server_origins {
        matcher(
            &mut out,
            "@cors_site_own",
            &[format!("header !{name}"), "header Origin *".to_string()],
            Some(&format!(
                "{}.matches({})",
                placeholder("Origin"),
                cel_regex(own)
            )),
        );
        set_var(
            &mut out,
            Some("@cors_site_own"),
            "cors_site",
            site::SAME_ORIGIN,
        );
    }
    matcher(
        &mut out,
        "@cors_site_same",
        &[],
        Some(&format!("{} == '{same}'", placeholder(name))),
    );
    set_var(
        &mut out,
        Some("@cors_site_same"),
        "cors_site",
        site::SAME_ORIGIN,
    );
    out.push('\n');

    out.push_str("# The answer: the first rule whose pattern matches the state (last to first).\n");
    out.push_str("vars cors_state \"{http.vars.cors_origin}{http.vars.cors_method}{http.vars.cors_headers}{http.vars.cors_site}\"\n");
    let last = edge.rules.len() - 1;
    let _ = writeln!(out, "vars cors_rule \"r{last}\"");
    for (i, rule) in edge.rules.iter().enumerate().take(last).rev() {
        matcher(
            &mut out,
            &format!("@cors_state_{i}"),
            &[],
            Some(&format!(
                "{{http.vars.cors_state}}.matches({})",
                cel_regex(rule.state)
            )),
        );
        let _ = writeln!(
            out,
            "vars @cors_state_{i} cors_rule \"r{i}\"  # {}",
            rule.action.name
        );
    }
    out.push('\n');

    out.push_str("# Each rule's headers, set when the response is written.\n");
    for (i, rule) in edge.rules.iter().enumerate() {
        let a = &rule.action;
        if a.headers.is_empty() && a.status.is_none() {
            continue;
        }
        let _ = writeln!(out, "@cors_rule_{i} vars cors_rule r{i}");
        let _ = writeln!(out, "header @cors_rule_{i} {{\n\tdefer");
        for (h, v) in &a.headers {
            let op = if *h == ResponseHeader::Vary { "+" } else { "" };
            let _ = writeln!(out, "\t{op}{} {}", header_name(*h), value(v));
        }
        if a.status.is_some() {
            let _ = writeln!(
                out,
                "\t{FINGERPRINT_HEADER} {}",
                quoted(&literal(&edge.fingerprint))
            );
        }
        out.push_str("}\n");
    }
    out.push_str(
        "# The service's own CORS headers never reach the client (Caddy applies\n\
         # this block before the ones above).\nheader {\n\tdefer\n",
    );
    for h in ResponseHeader::ALL {
        if h.is_access_control() {
            let _ = writeln!(out, "\t-{}", header_name(h));
        }
    }
    out.push_str("}\n\n");

    out.push_str("# Answers given at the edge: preflights and rejections.\n");
    for (i, rule) in edge.rules.iter().enumerate() {
        let a = &rule.action;
        let Some(status) = a.status else { continue };
        match &a.body {
            Some(body) => {
                let mut text = literal(&body.before);
                if body.echo {
                    text.push_str(&placeholder("Origin"));
                    text.push_str(&literal(&body.after));
                }
                let _ = writeln!(out, "respond @cors_rule_{i} {} {status}", quoted(&text));
            }
            None => {
                let _ = writeln!(out, "respond @cors_rule_{i} {status}");
            }
        }
    }
    out
}

/// `route` with each line indented by `indent`.
fn indented(edge: &Edge, indent: &str) -> Result<String, Error> {
    let body = route(edge);
    if body.contains("{$") {
        // Caddy substitutes `{$NAME}` from the environment anywhere in
        // the file, before parsing; nothing the model writes holds one.
        return Err(Error::Emit(
            "the Caddyfile would hold `{$`, which Caddy reads as an environment variable"
                .to_string(),
        ));
    }
    let mut out = format!("{indent}route {{\n");
    for line in body.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{indent}\t{line}");
        }
    }
    let _ = writeln!(out, "{indent}}}");
    Ok(out)
}

/// The `route` block for a site block, with the header comment.
///
/// # Errors
/// [`Error::Emit`] if the text would hold something Caddy substitutes
/// before parsing (`{$`); the model never writes one.
pub fn snippet(edge: &Edge) -> Result<String, Error> {
    let mut out = edge.comment_block();
    out.push_str(
        "# `import` inside a site block (see the corsc README, Caddy); it runs before\n\
         # reverse_proxy, file_server and respond in Caddy's directive order.\n\n",
    );
    out.push_str(&indented(edge, "")?);
    Ok(out)
}

/// `ADDRESS:PORT` split into the host to bind (without IPv6 brackets) and
/// the port.
fn listen_parts(listen: &str) -> Result<(&str, &str), Error> {
    let bad = || {
        Error::Emit(format!(
            "--listen must be ADDRESS:PORT, such as 127.0.0.1:8080 (got `{listen}`)"
        ))
    };
    let (host, port) = listen.rsplit_once(':').ok_or_else(bad)?;
    if host.is_empty() || port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    Ok((host, port))
}

/// A complete Caddyfile for `caddy run --config FILE --adapter caddyfile`:
/// plain HTTP on `full.listen`, the route, and the service behind
/// `reverse_proxy`; no admin endpoint and no automatic HTTPS.
///
/// # Errors
/// [`Error::Emit`] for a `--listen` that is not `ADDRESS:PORT`, or an
/// upstream that is not an `http://` or `https://` URL without a path.
pub fn full(edge: &Edge, full: &Full) -> Result<String, Error> {
    let (host, port) = listen_parts(&full.listen)?;
    let upstream = full.upstream.trim_end_matches('/');
    let authority = upstream
        .strip_prefix("http://")
        .or_else(|| upstream.strip_prefix("https://"));
    if authority.is_none_or(|a| a.is_empty() || a.contains('/')) {
        return Err(Error::Emit(format!(
            "Caddy's upstream must be an http:// or https:// URL without a path (got `{}`)",
            full.upstream
        )));
    }
    let mut out = edge.comment_block();
    let _ = writeln!(
        out,
        "# Run: caddy run --config <this file> --adapter caddyfile\n\
         {{\n\
         \tadmin off\n\
         \tauto_https off\n\
         }}\n\
         \n\
         http://:{port} {{\n\
         \tbind {host}"
    );
    out.push_str(&indented(edge, "\t")?);
    let _ = writeln!(out, "\treverse_proxy {upstream}\n}}");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_hold_no_byte_that_ends_a_quote() {
        let re = cel_regex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+ \t\"$");
        assert_eq!(re, r"r'^[!#$%&\x27*+.^_\x60|~0-9A-Za-z-]+\x20\t\x22$'");
    }

    #[test]
    fn braces_are_not_placeholders() {
        assert_eq!(literal(r#"{"error":"x"}"#), r#"\{"error":"x"\}"#);
        assert_eq!(quoted(r#"a"b"#), r#""a\"b""#);
    }

    #[test]
    fn listen_is_address_and_port() {
        assert_eq!(
            listen_parts("127.0.0.1:8080").ok(),
            Some(("127.0.0.1", "8080"))
        );
        assert_eq!(listen_parts("[::1]:8080").ok(), Some(("::1", "8080")));
        for bad in ["8080", ":8080", "127.0.0.1:", "127.0.0.1:80a"] {
            assert!(listen_parts(bad).is_err(), "{bad}");
        }
    }
}

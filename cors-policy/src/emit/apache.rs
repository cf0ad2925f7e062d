//! The Apache httpd backend (2.4, with mod_setenvif, mod_rewrite,
//! mod_headers and mod_authz_core): the edge model as environment
//! variables set in order, answered at the edge by mod_rewrite (allowed
//! preflights) and by `Require all denied` inside `<If>` (rejections, with
//! an `ErrorDocument` expression for the `forbid` body).
//!
//! - Each class test is a `SetEnvIf` on the header (lines written last to
//!   first, so the first test that passes is set last); httpd joins
//!   repeated request headers with `, `, which makes a repeated `Origin`
//!   or requested method malformed, as the runtime has it, and joins
//!   request-header lines as the runtime does.
//! - The rule is chosen by `SetEnvIfExpr` over the four letters, also
//!   last to first, and sets the answer's variables.
//! - Headers are `Header always set … env=…`, after `Header unset` drops
//!   what the service sent; httpd writes `Vary` as one comma-joined line.
//!
//! `SetEnvIf` reads a missing header as an empty one: see
//! [`CAPABILITIES`].

use std::fmt::Write as _;

use cors_runtime::ResponseHeader;

use super::edge::{
    Classifier, Edge, FINGERPRINT_HEADER, SEC_FETCH_SITE, Value, method, origin, set_by_rules, site,
};
use super::target::{Capabilities, Capability, Full, HeaderLines, Repeated, Support, header_name};

/// What Apache httpd can express of a policy.
pub const CAPABILITIES: Capabilities = Capabilities {
    target: "apache",
    lines: Some(HeaderLines {
        repeated: Repeated::Joined(", "),
        repeated_list: Repeated::Joined(", "),
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
            support: Support::Exact,
            note: "httpd joins them with `, `: two `Origin`s are malformed, request-header lines one list",
        },
        Capability {
            feature: "empty header lines",
            support: Support::Partial,
            note: "an empty `Origin`, `Access-Control-Request-Method` or `Sec-Fetch-Site` line is read as a missing one",
        },
        Capability {
            feature: "the proxy's own errors",
            support: Support::Exact,
            note: "a 502/503 it makes itself (service down) carries the answer's headers (`Header always`)",
        },
        Capability {
            feature: "`OPTIONS *`",
            support: Support::Partial,
            note: "httpd answers it itself, without CORS headers (fails closed; browsers never send it)",
        },
    ],
};

/// `text` as a double-quoted httpd argument.
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

/// A regex as a double-quoted httpd argument: a backslash before `"` is
/// the only escape httpd reads, so regex escapes pass unchanged.
fn quoted_regex(re: &str) -> String {
    format!("\"{}\"", re.replace('"', "\\x22"))
}

/// The environment variable of each header an answer may set.
fn variable(h: ResponseHeader) -> &'static str {
    match h {
        ResponseHeader::AllowOrigin => "CORS_ALLOW_ORIGIN",
        ResponseHeader::AllowCredentials => "CORS_ALLOW_CREDENTIALS",
        ResponseHeader::AllowMethods => "CORS_ALLOW_METHODS",
        ResponseHeader::AllowHeaders => "CORS_ALLOW_HEADERS",
        ResponseHeader::MaxAge => "CORS_MAX_AGE",
        ResponseHeader::ExposeHeaders => "CORS_EXPOSE_HEADERS",
        ResponseHeader::Vary => "CORS_VARY",
        ResponseHeader::ContentType => "CORS_CONTENT_TYPE",
        ResponseHeader::PolicyFingerprint => "CORS_FINGERPRINT",
    }
}

fn classify(out: &mut String, var: &str, header: &str, c: &Classifier) {
    let _ = writeln!(out, "SetEnvIf Request_Method \"^\" {var}={}", c.otherwise);
    for (letter, test) in c.cases.iter().rev() {
        let _ = writeln!(
            out,
            "SetEnvIf {header} {} {var}={letter}",
            quoted_regex(&test.pcre())
        );
    }
}

/// The directives for a `<VirtualHost>` (or the main server), with the
/// header comment.
pub fn snippet(edge: &Edge) -> String {
    let mut out = edge.comment_block();
    out.push_str(
        "# Include in a <VirtualHost> or the main server; needs mod_setenvif,\n\
         # mod_rewrite, mod_headers and mod_authz_core (see the corsc README, Apache).\n\n",
    );
    out.push_str(&body(edge));
    out
}

fn body(edge: &Edge) -> String {
    let mut out = String::new();
    out.push_str("# R1: the Origin, by the first test that passes (written last to first).\n");
    classify(&mut out, "CORS_ORIGIN", "Origin", &edge.origin);
    let _ = writeln!(
        out,
        "SetEnvIf Origin \"^$\" CORS_ORIGIN={}\n",
        origin::ABSENT
    );

    out.push_str("# R9, R14: a preflight is OPTIONS with Access-Control-Request-Method.\n");
    classify(
        &mut out,
        "CORS_REQUESTED_METHOD",
        "Access-Control-Request-Method",
        &edge.method,
    );
    let _ = writeln!(
        out,
        "SetEnvIf Request_Method \"^\" CORS_METHOD={}",
        method::NOT_PREFLIGHT
    );
    let letters: std::collections::BTreeSet<char> = edge
        .method
        .cases
        .iter()
        .map(|(l, _)| *l)
        .chain([edge.method.otherwise])
        .collect();
    for letter in letters {
        let _ = writeln!(
            out,
            "SetEnvIfExpr \"%{{REQUEST_METHOD}} == 'OPTIONS' && -n %{{HTTP:Access-Control-Request-Method}} && reqenv('CORS_REQUESTED_METHOD') == '{letter}'\" CORS_METHOD={letter}"
        );
    }
    out.push('\n');

    out.push_str("# R15: the requested headers (httpd joins several lines with \", \").\n");
    classify(
        &mut out,
        "CORS_HEADERS",
        "Access-Control-Request-Headers",
        &edge.headers,
    );
    out.push('\n');

    out.push_str(
        "# R28: same-origin by Sec-Fetch-Site, or without it by the policy's server_origins.\n",
    );
    let (name, same) = SEC_FETCH_SITE;
    let _ = writeln!(
        out,
        "SetEnvIf Request_Method \"^\" CORS_SITE={}",
        site::OTHER
    );
    if let Some(own) = &edge.server_origins {
        let _ = writeln!(
            out,
            "SetEnvIf Origin {} CORS_SITE={}",
            quoted_regex(own),
            site::SAME_ORIGIN
        );
    }
    let _ = writeln!(out, "SetEnvIf {name} \".\" CORS_SITE={}", site::OTHER);
    let _ = writeln!(
        out,
        "SetEnvIf {name} \"^{same}$\" CORS_SITE={}\n",
        site::SAME_ORIGIN
    );

    out.push_str(
        "# The answer: the first rule whose pattern matches the state (written last to first).\n",
    );
    for (i, rule) in edge.rules.iter().enumerate().rev() {
        let a = &rule.action;
        let _ = write!(
            out,
            "SetEnvIfExpr \"'%{{reqenv:CORS_ORIGIN}}%{{reqenv:CORS_METHOD}}%{{reqenv:CORS_HEADERS}}%{{reqenv:CORS_SITE}}' =~ /{}/\" CORS_RULE=r{i}",
            rule.state
        );
        let status = a.status.map_or_else(|| "-".to_string(), |s| s.to_string());
        let _ = write!(out, " CORS_ANSWER={status}");
        for h in ResponseHeader::ALL {
            if !set_by_rules(h) {
                continue;
            }
            match a.headers.iter().find(|(n, _)| *n == h) {
                Some((_, Value::Text(t))) => {
                    // mod_setenvif reads `$0`–`$9` as backreferences;
                    // `\$` is a literal `$`.
                    let t = t.replace('$', "\\$");
                    let _ = write!(out, " {}", quoted(&format!("{}={t}", variable(h))));
                }
                Some((_, Value::Origin)) => {
                    let _ = write!(out, " {}=echo", variable(h));
                }
                None => {
                    let _ = write!(out, " !{}", variable(h));
                }
            }
        }
        let _ = writeln!(out, "  # {}", a.name);
    }
    out.push('\n');

    out.push_str("# Allowed preflights are answered at once (no body).\n");
    out.push_str("RewriteEngine On\n");
    let preflight = edge
        .rules
        .iter()
        .find(|r| r.action.name == "preflight")
        .and_then(|r| r.action.status);
    if let Some(status) = preflight {
        let _ = writeln!(
            out,
            "RewriteCond %{{ENV:CORS_ANSWER}} ={status}\nRewriteRule ^ - [R={status},L]"
        );
        if status != 204 {
            // httpd would write its HTML page for the status; only this
            // rewrite answers with a 2xx "error".
            let _ = writeln!(
                out,
                "ErrorDocument {status} \"%{{reqenv:CORS_NO_BODY}}\"\nHeader always unset Content-Type \"expr=reqenv('CORS_ANSWER') == '{status}'\""
            );
        }
    }
    out.push('\n');

    out.push_str("# Rejections answered at the edge: 403, with the forbid body if any.\n");
    for (i, rule) in edge.rules.iter().enumerate() {
        let a = &rule.action;
        if a.status != Some(403) {
            continue;
        }
        let _ = writeln!(
            out,
            "<If \"reqenv('CORS_RULE') == 'r{i}'\">\n    Require all denied"
        );
        match &a.body {
            Some(body) => {
                let text = if body.echo {
                    format!("{}%{{HTTP:Origin}}{}", body.before, body.after)
                } else {
                    body.before.clone()
                };
                let _ = writeln!(out, "    ErrorDocument 403 {}", quoted(&text));
                out.push_str("    Header always set Content-Type application/json\n");
            }
            None => out.push_str(
                "    ErrorDocument 403 \"%{reqenv:CORS_NO_BODY}\"\n    Header always unset Content-Type\n",
            ),
        }
        out.push_str("</If>\n");
    }
    out.push('\n');

    out.push_str("# The headers: the service's own CORS headers dropped, the answer's set.\n");
    for h in ResponseHeader::ALL {
        if h.is_access_control() {
            let _ = writeln!(out, "Header unset {}", header_name(h));
        }
    }
    for h in ResponseHeader::ALL {
        if !set_by_rules(h) {
            continue;
        }
        let var = variable(h);
        let _ = writeln!(
            out,
            "Header always set {} \"%{{{var}}}e\" \"expr=-n reqenv('{var}') && reqenv('{var}') != 'echo'\"",
            header_name(h)
        );
        if h == ResponseHeader::AllowOrigin {
            let _ = writeln!(
                out,
                "Header always set {} \"expr=%{{HTTP:Origin}}\" \"expr=reqenv('{var}') == 'echo'\"",
                header_name(h)
            );
        }
    }
    let _ = writeln!(
        out,
        "Header always set {FINGERPRINT_HEADER} {} \"expr=reqenv('CORS_ANSWER') =~ /^[0-9]/\"",
        quoted(&edge.fingerprint)
    );
    out
}

/// A complete configuration for `apache2 -f FILE -DFOREGROUND` (or
/// `httpd`): the modules it needs, one server on `full.listen` with the
/// directives, and everything else proxied to `full.upstream`. Its files
/// (pid, mutexes) go to the directory the environment variable
/// `APACHE_RUN_DIR` names.
pub fn full(edge: &Edge, full: &Full) -> String {
    let mut out = edge.comment_block();
    let modules = [
        ("mpm_event_module", "mod_mpm_event.so"),
        ("authz_core_module", "mod_authz_core.so"),
        ("headers_module", "mod_headers.so"),
        ("rewrite_module", "mod_rewrite.so"),
        ("setenvif_module", "mod_setenvif.so"),
        ("proxy_module", "mod_proxy.so"),
        ("proxy_http_module", "mod_proxy_http.so"),
    ];
    out.push_str(
        "# Run: APACHE_RUN_DIR=<a writable directory> apache2 -f <this file> -DFOREGROUND\n\
         # (the modules are where Debian installs them)\n",
    );
    for (name, file) in modules {
        let _ = writeln!(out, "LoadModule {name} /usr/lib/apache2/modules/{file}");
    }
    let _ = writeln!(
        out,
        "ServerName localhost\n\
         ServerRoot ${{APACHE_RUN_DIR}}\n\
         PidFile ${{APACHE_RUN_DIR}}/httpd.pid\n\
         Mutex file:${{APACHE_RUN_DIR}} default\n\
         ErrorLog /dev/stderr\n\
         LogLevel warn\n\
         # Header lines up to 32 KiB reach the policy, which refuses what is\n\
         # longer than its own bounds (R1, R15) instead of httpd's 400.\n\
         LimitRequestFieldSize 32768\n\
         Listen {}\n\
         ProxyPass / {}/\n\
         ProxyPreserveHost On\n",
        full.listen,
        full.upstream.trim_end_matches('/')
    );
    out.push_str(&body(edge));
    out
}

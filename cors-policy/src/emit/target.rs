//! What every backend other than Rust declares: the targets, the options
//! of a complete configuration, and a capability table — what the target
//! can express of a policy, shown in the README and `cors emit --help`,
//! and read by the live-server tests to know which corpus cases the
//! target sees differently.

use std::fmt::{self, Write as _};

use cors_runtime::ResponseHeader;

/// The options of a complete configuration, one the server runs on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Full {
    /// `ADDRESS:PORT` to listen on.
    pub listen: String,
    /// Where everything not answered at the edge goes (`http://host:port`).
    pub upstream: String,
}

impl Full {
    /// Refuses a `listen` or `upstream` that is not a plain address: they
    /// are written into the configuration, where a space, quote, `;`,
    /// brace, `$`, `#` or newline would end the directive or start another.
    fn check(&self) -> Result<(), crate::Error> {
        let plain = |text: &str, extra: &str| {
            !text.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-_:[]".contains(c) || extra.contains(c))
        };
        let listen_ok = plain(&self.listen, "")
            && self
                .listen
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
        if !listen_ok {
            return Err(crate::Error::Emit(format!(
                "--listen {:?} is not ADDRESS:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)",
                self.listen
            )));
        }
        let upstream_ok = ["http://", "https://"].iter().any(|scheme| {
            self.upstream
                .strip_prefix(scheme)
                .is_some_and(|rest| plain(rest, "/"))
        });
        if !upstream_ok {
            return Err(crate::Error::Emit(format!(
                "--upstream {:?} is not a plain http:// or https:// URL (host, port and path of letters, digits and . - _ : / [ ])",
                self.upstream
            )));
        }
        Ok(())
    }
}

/// How a target reads a header sent on several lines, or empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderLines {
    /// Several lines of `Origin`, `Access-Control-Request-Method` or
    /// `Sec-Fetch-Site`.
    pub repeated: Repeated,
    /// Several lines of `Access-Control-Request-Headers` (the runtime reads
    /// them as one list).
    pub repeated_list: Repeated,
    /// True when an empty line is read as no line at all.
    pub empty_is_absent: bool,
}

/// What a target sees of a header sent on several lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeated {
    /// Only the first line.
    FirstLineOnly,
    /// Only the last line.
    LastLineOnly,
    /// One value: the lines joined by this separator.
    Joined(&'static str),
    /// Each line, and how many there are (as the runtime does).
    EachLine,
}

/// How well a target expresses one feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// Exactly as the runtime decides.
    Exact,
    /// In part; the note says what differs.
    Partial,
    /// Not at all: the emitter refuses a policy that needs it.
    Refused,
}

impl fmt::Display for Support {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Support::Exact => "yes",
            Support::Partial => "partly",
            Support::Refused => "no (refused)",
        })
    }
}

/// One row of a capability table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capability {
    /// The feature.
    pub feature: &'static str,
    /// How well it is expressed.
    pub support: Support,
    /// What differs, or how it is expressed.
    pub note: &'static str,
}

impl Capability {
    /// Exact origins, `null`, IPv6, explicit ports.
    pub const EXACT_PATTERNS: Capability = Capability {
        feature: "exact origins, `null`, ports",
        support: Support::Exact,
        note: "anchored, escaped expressions compiled from the canonical patterns",
    };
    /// `https://*.example.com`.
    pub const WILDCARD_PATTERNS: Capability = Capability {
        feature: "`*.` subdomain wildcards",
        support: Support::Exact,
        note: "one or more LDH labels of 1–63 bytes, never the base itself",
    };
    /// `http://localhost:*`.
    pub const ANY_PORT_PATTERNS: Capability = Capability {
        feature: "`:*` port wildcards",
        support: Support::Exact,
        note: "any port 0–65535 without leading zeros, except the scheme's default",
    };
    /// `credentials = true`.
    pub const CREDENTIALS: Capability = Capability {
        feature: "credentials",
        support: Support::Exact,
        note: "the origin is echoed and `Access-Control-Allow-Credentials: true` added",
    };
    /// `on_reject = "forbid"`.
    pub const FORBID_BODIES: Capability = Capability {
        feature: "`forbid` bodies",
        support: Support::Exact,
        note: "403 with the runtime's JSON body and code",
    };
    /// Origin lists of any length.
    pub const LONG_LISTS: Capability = Capability {
        feature: "long origin lists",
        support: Support::Exact,
        note: "split over several tests of at most 1,200 bytes each, under every server's argument and pattern limits (4,000 origins tested)",
    };
    /// The lists checked as one set.
    pub const LONG_SETS: Capability = Capability {
        feature: "long header lists",
        support: Support::Refused,
        note: "`allow_headers`, `methods`, `expose_headers` and `server_origins` are each one expression or value of at most 2,800 bytes (about 100 names); `cors emit` refuses a longer one",
    };
    /// `report_only = true`: what an edge cannot do.
    pub const REPORT_ONLY: Capability = Capability {
        feature: "`report_only`",
        support: Support::Refused,
        note: "an edge configuration cannot evaluate without enforcing or report what it would decide; shadow the policy in the service instead (`log_rejections` is the runtime's too: the server's access log records the status)",
    };
    /// The runtime's bounds on hostile input.
    pub const HOSTILE_BOUNDS: Capability = Capability {
        feature: "hostile-header bounds",
        support: Support::Exact,
        note: "`Origin` over 1,024 bytes and request-header lists over 8,192 bytes are refused; expressions stay linear",
    };
}

/// A target's capability table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// The target's name, as `--target` spells it.
    pub target: &'static str,
    /// How it reads repeated and empty header lines (a proxy; buckets are
    /// not run in tests).
    pub lines: Option<HeaderLines>,
    /// The rows.
    pub rows: &'static [Capability],
}

impl Capabilities {
    /// The table as Markdown.
    pub fn markdown(&self) -> String {
        let mut out =
            String::from("| feature | expressed | how, or what differs |\n|---|---|---|\n");
        for row in self.rows {
            let _ = writeln!(out, "| {} | {} | {} |", row.feature, row.support, row.note);
        }
        out
    }

    /// The table as plain text, for `--help`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for row in self.rows {
            let _ = writeln!(
                out,
                "  {:<30} {:<12} {}",
                row.feature.replace('`', ""),
                row.support.to_string(),
                row.note.replace('`', "")
            );
        }
        out
    }
}

/// The canonical spelling of a response header for configuration files.
pub fn header_name(h: ResponseHeader) -> &'static str {
    match h {
        ResponseHeader::AllowOrigin => "Access-Control-Allow-Origin",
        ResponseHeader::AllowCredentials => "Access-Control-Allow-Credentials",
        ResponseHeader::AllowMethods => "Access-Control-Allow-Methods",
        ResponseHeader::AllowHeaders => "Access-Control-Allow-Headers",
        ResponseHeader::MaxAge => "Access-Control-Max-Age",
        ResponseHeader::ExposeHeaders => "Access-Control-Expose-Headers",
        ResponseHeader::Vary => "Vary",
        ResponseHeader::ContentType => "Content-Type",
        ResponseHeader::PolicyFingerprint => super::edge::FINGERPRINT_HEADER,
    }
}

/// A backend other than Rust: a server configuration `cors emit` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// nginx 1.22+.
    Nginx,
    /// Caddy 2.6+ (Caddyfile).
    Caddy,
    /// HAProxy 2.6+.
    Haproxy,
    /// Apache httpd 2.4.
    Apache,
    /// Amazon S3 bucket CORS rules (JSON).
    S3,
    /// Google Cloud Storage bucket CORS rules (JSON).
    Gcs,
}

impl Target {
    /// Every target, in the order the README lists them.
    pub const ALL: [Target; 6] = [
        Target::Nginx,
        Target::Caddy,
        Target::Haproxy,
        Target::Apache,
        Target::S3,
        Target::Gcs,
    ];

    /// The proxies: servers that answer requests with the configuration.
    pub const PROXIES: [Target; 4] = [
        Target::Nginx,
        Target::Caddy,
        Target::Haproxy,
        Target::Apache,
    ];

    /// True for nginx, Caddy, HAProxy and Apache httpd.
    pub fn is_proxy(self) -> bool {
        Target::PROXIES.contains(&self)
    }

    /// What the target can express.
    pub fn capabilities(self) -> &'static Capabilities {
        match self {
            Target::Nginx => &super::nginx::CAPABILITIES,
            Target::Caddy => &super::caddy::CAPABILITIES,
            Target::Haproxy => &super::haproxy::CAPABILITIES,
            Target::Apache => &super::apache::CAPABILITIES,
            Target::S3 => &super::s3::CAPABILITIES,
            Target::Gcs => &super::gcs::CAPABILITIES,
        }
    }

    /// The configuration for `compiled` (from the file named `source`): a
    /// snippet to include, or with `full` a configuration the server runs
    /// on its own.
    ///
    /// ```
    /// use cors_policy::emit::target::{Full, Target};
    /// let compiled = cors_policy::compile(
    ///     &cors_policy::Source::new("api.toml", r#"origins = ["https://app.example.com"]"#),
    ///     &Default::default(),
    /// ).unwrap();
    /// let snippet = Target::Nginx.emit(&compiled, "api.toml", None).unwrap();
    /// assert!(snippet.contains(&compiled.fingerprint()));
    /// let full = Full { listen: "127.0.0.1:8080".into(), upstream: "http://127.0.0.1:3000".into() };
    /// let haproxy = Target::Haproxy.emit(&compiled, "api.toml", Some(&full)).unwrap();
    /// assert!(haproxy.contains("server service 127.0.0.1:3000"));
    /// ```
    pub fn emit(
        self,
        compiled: &crate::Compiled,
        source: &str,
        full: Option<&Full>,
    ) -> Result<String, crate::Error> {
        if compiled.spec().report_only {
            return Err(crate::Error::Emit(format!(
                "the policy is `report_only`: {} cannot evaluate a request without enforcing the answer, nor report it; emit the policy without `report_only`, and shadow it in the service first (README, \"Observability\")",
                self.capabilities().target
            )));
        }
        let edge = super::edge::Edge::new(compiled, source);
        if let Some(full) = full {
            full.check()?;
        }
        if self.is_proxy() {
            edge.check_sizes()?;
        }
        Ok(match (self, full) {
            (Target::Nginx, None) => super::nginx::snippet(&edge)?,
            (Target::Nginx, Some(f)) => super::nginx::full(&edge, f)?,
            (Target::Caddy, None) => super::caddy::snippet(&edge)?,
            (Target::Caddy, Some(f)) => super::caddy::full(&edge, f)?,
            (Target::Haproxy, None) => super::haproxy::snippet(&edge),
            (Target::Haproxy, Some(f)) => super::haproxy::full(&edge, f)?,
            (Target::Apache, None) => super::apache::snippet(&edge),
            (Target::Apache, Some(f)) => super::apache::full(&edge, f),
            (Target::S3 | Target::Gcs, Some(_)) => {
                return Err(crate::Error::Emit(
                    "--listen and --upstream are for proxies; a bucket's CORS rules are one JSON document".to_string(),
                ));
            }
            (Target::S3, None) => super::s3::configuration(compiled, source)?,
            (Target::Gcs, None) => super::gcs::configuration(compiled)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Target;

    fn compiled(text: &str) -> crate::Compiled {
        crate::compile(&crate::Source::new("p.toml", text), &Default::default()).unwrap()
    }

    #[test]
    fn a_report_only_policy_is_refused_by_every_target() {
        for target in Target::ALL {
            // S3 always sends credentials, GCS never does.
            let credentials = target == Target::S3;
            let policy = |report_only: bool| {
                compiled(&format!(
                    "origins = [\"https://a.example\"]\ncredentials = {credentials}\nreport_only = {report_only}\n"
                ))
            };
            let err = target.emit(&policy(true), "p.toml", None).unwrap_err();
            assert!(err.to_string().contains("report_only"), "{target:?}: {err}");
            let emitted = target.emit(&policy(false), "p.toml", None);
            assert!(emitted.is_ok(), "{target:?}: {emitted:?}");
        }
    }
}

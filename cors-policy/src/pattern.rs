//! Origin patterns as written in a policy file, and their canonical form.
//!
//! Grammar (after trimming nothing — surrounding spaces are an error):
//!
//! ```text
//! pattern  = "null" | scheme "://" host [ ":" port ]
//! host     = domain | "*." domain | ipv4 | "[" ipv6 "]"
//! port     = 1*5DIGIT | "*"
//! ```
//!
//! The canonical form is what a browser sends: lowercase scheme and host,
//! Unicode labels in punycode, no default port. A pattern written otherwise is
//! accepted, normalised, and reported as non-canonical.

use std::fmt;
use std::ops::Range;

use cors_runtime::origin::MAX_ORIGIN_LEN;

use crate::fix::Applicability;

mod address;
mod host;
mod port;

/// The host part of a pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HostPattern {
    /// One host: a domain, an IPv4 address, or a bracketed IPv6 address.
    Exact(String),
    /// `*.base`: one or more labels in front of `base`, never `base` itself.
    Subdomains(String),
}

/// The port part of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PortPattern {
    /// No port: the scheme's default.
    Default,
    /// An explicit, non-default port.
    Port(u16),
    /// `:*` — any explicit port, or none.
    Any,
}

/// A canonical origin pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OriginPattern {
    /// The literal `null`.
    Null,
    /// `scheme://host[:port]` with optional wildcards.
    Tuple {
        /// Lowercase scheme.
        scheme: String,
        /// The host pattern.
        host: HostPattern,
        /// The port pattern.
        port: PortPattern,
    },
}

impl OriginPattern {
    /// True when the pattern matches exactly one origin.
    pub fn is_exact(&self) -> bool {
        matches!(
            self,
            OriginPattern::Null
                | OriginPattern::Tuple {
                    host: HostPattern::Exact(_),
                    port: PortPattern::Default | PortPattern::Port(_),
                    ..
                }
        )
    }

    /// True if every origin this pattern matches is also matched by `other`
    /// (and the two differ).
    pub fn is_covered_by(&self, other: &OriginPattern) -> bool {
        let (
            OriginPattern::Tuple {
                scheme: s1,
                host: h1,
                port: p1,
            },
            OriginPattern::Tuple {
                scheme: s2,
                host: h2,
                port: p2,
            },
        ) = (self, other)
        else {
            return false;
        };
        if s1 != s2 || self == other {
            return false;
        }
        let port_ok = p1 == p2 || *p2 == PortPattern::Any;
        let host_ok = match (h1, h2) {
            (_, HostPattern::Exact(b)) => h1 == &HostPattern::Exact(b.clone()),
            (HostPattern::Exact(a), HostPattern::Subdomains(base)) => is_strict_subdomain(a, base),
            (HostPattern::Subdomains(a), HostPattern::Subdomains(base)) => {
                a == base || is_strict_subdomain(a, base)
            }
        };
        port_ok && host_ok
    }
}

fn is_strict_subdomain(host: &str, base: &str) -> bool {
    host.len() > base.len() + 1
        && host.ends_with(base)
        && host.as_bytes()[host.len() - base.len() - 1] == b'.'
}

impl fmt::Display for OriginPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OriginPattern::Null => f.write_str("null"),
            OriginPattern::Tuple { scheme, host, port } => {
                write!(f, "{scheme}://")?;
                match host {
                    HostPattern::Exact(h) => f.write_str(h)?,
                    HostPattern::Subdomains(base) => write!(f, "*.{base}")?,
                }
                match port {
                    PortPattern::Default => Ok(()),
                    PortPattern::Port(p) => write!(f, ":{p}"),
                    PortPattern::Any => f.write_str(":*"),
                }
            }
        }
    }
}

/// A change made to put a pattern in canonical form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Normalisation {
    /// Upper-case letters in the scheme or host were lowercased.
    Lowercased,
    /// The scheme's default port was dropped.
    DefaultPortDropped,
    /// A Unicode host was converted to punycode.
    Punycoded,
    /// An IP address written in a form browsers rewrite (`0x7f.1`,
    /// `0177.0.0.1`, `127.1`, `[::ffff:127.0.0.1]`) was put in the form they send.
    AddressSerialised,
}

impl Normalisation {
    /// What a browser does, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            Normalisation::Lowercased => "browsers lowercase the scheme and host",
            Normalisation::DefaultPortDropped => "browsers omit the default port",
            Normalisation::Punycoded => "browsers send Unicode hosts in punycode",
            Normalisation::AddressSerialised => {
                "browsers send IP addresses in one canonical form (dotted decimal, compressed IPv6)"
            }
        }
    }
}

/// A parsed pattern and how it was normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedPattern {
    /// The canonical pattern.
    pub pattern: OriginPattern,
    /// What was changed to reach it (empty when written canonically).
    pub normalised: Vec<Normalisation>,
}

/// Which family of mistake a pattern error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatternErrorKind {
    /// Not an origin at all (path, userinfo, missing scheme, bad port, …).
    Invalid,
    /// A wildcard form that is not supported (`*` inside a label, in the
    /// middle, twice, in the scheme, or on an IP address).
    UnsupportedWildcard,
}

/// Why a pattern is not valid, with the fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    /// Invalid or unsupported wildcard.
    pub kind: PatternErrorKind,
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub help: String,
    /// The offending part, as a byte range within the pattern text.
    pub at: Option<Range<usize>>,
    /// The whole entry as it should be written, when the mistake has one
    /// correction (in canonical form), and whether it can be applied
    /// without review.
    pub replacement: Option<(String, Applicability)>,
}

impl PatternError {
    /// Offers `entry`, in its canonical form, as the replacement, and says
    /// so in the help — only when it is a valid pattern itself: a
    /// correction that needs another one is no fix, and the help then names
    /// the mistake alone.
    fn replace_with(mut self, entry: &str, applicability: Applicability) -> Self {
        match parse(entry) {
            Ok(p) => {
                let entry = p.pattern.to_string();
                self.help = format!("write `{entry}`");
                self.replacement = Some((entry, applicability));
            }
            Err(_) => self.help = "write the origin as `scheme://host[:port]`".into(),
        }
        self
    }
}

fn invalid(
    message: impl Into<String>,
    help: impl Into<String>,
    at: Option<Range<usize>>,
) -> PatternError {
    PatternError {
        kind: PatternErrorKind::Invalid,
        message: message.into(),
        help: help.into(),
        at,
        replacement: None,
    }
}

fn unsupported(message: impl Into<String>, help: impl Into<String>) -> PatternError {
    PatternError {
        kind: PatternErrorKind::UnsupportedWildcard,
        message: message.into(),
        help: help.into(),
        at: None,
        replacement: None,
    }
}

/// Parses one entry of `origins`.
///
/// ```
/// use cors_policy::pattern::{parse, OriginPattern, Normalisation};
/// let p = parse("HTTPS://App.Example.com:443").unwrap();
/// assert_eq!(p.pattern.to_string(), "https://app.example.com");
/// assert_eq!(p.normalised, [Normalisation::Lowercased, Normalisation::DefaultPortDropped]);
/// let e = parse("https://example.com/").unwrap_err();
/// assert_eq!(e.help, "write `https://example.com`");
/// ```
pub fn parse(raw: &str) -> Result<ParsedPattern, PatternError> {
    let mut normalised = Vec::new();
    if let Some(pattern) = parse_whole(raw)? {
        return Ok(ParsedPattern {
            pattern,
            normalised,
        });
    }
    let (scheme, rest_start) = parse_scheme(raw, &mut normalised)?;
    reject_after_host(raw, rest_start)?;
    let rest = &raw[rest_start..];
    let (host_raw, port_raw) = port::split(rest)?;
    let port = port::parse(
        raw,
        &scheme,
        rest_start + host_raw.len() + 1,
        port_raw,
        &mut normalised,
    )?;
    host::reject_trailing_dot(raw, rest_start, host_raw, port_raw)?;
    let host = host::parse(host_raw, &mut normalised).map_err(|mut e| {
        if e.at.is_none() && e.kind == PatternErrorKind::Invalid {
            e.at = Some(rest_start..rest_start + host_raw.len());
        }
        e
    })?;
    let pattern = OriginPattern::Tuple { scheme, host, port };
    if pattern.to_string().len() > MAX_ORIGIN_LEN {
        return Err(invalid(
            format!("the origin is longer than {MAX_ORIGIN_LEN} bytes"),
            "the runtime refuses longer `Origin` values, so the entry could never match: shorten the scheme",
            None,
        ));
    }
    Ok(ParsedPattern {
        pattern,
        normalised,
    })
}

/// The forms decided by the whole text: empty, surrounded by spaces,
/// `null` (any case), and a lone `*`. `Ok(None)` for everything else.
fn parse_whole(raw: &str) -> Result<Option<OriginPattern>, PatternError> {
    if raw.is_empty() {
        return Err(invalid(
            "an origin cannot be empty",
            "remove the empty entry",
            None,
        ));
    }
    let trimmed = raw.trim();
    if trimmed.len() != raw.len() {
        return Err(invalid("an origin has no surrounding whitespace", "", None)
            .replace_with(trimmed, Applicability::Safe));
    }
    if raw == "null" {
        return Ok(Some(OriginPattern::Null));
    }
    if raw.eq_ignore_ascii_case("null") {
        return Err(invalid("browsers send `null` in lowercase", "", None)
            .replace_with("null", Applicability::Safe));
    }
    if raw == "*" {
        return Err(unsupported(
            "`*` cannot be mixed with other origins",
            "to allow any origin write `origins = \"*\"` (without credentials); otherwise list the origins",
        ));
    }
    Ok(None)
}

/// `scheme "://"`: the lowercase scheme and where the host starts.
fn parse_scheme(
    raw: &str,
    normalised: &mut Vec<Normalisation>,
) -> Result<(String, usize), PatternError> {
    let Some(sep) = raw.find("://") else {
        let host_like = raw.split(['/', ':']).next().unwrap_or(raw);
        // Which scheme is meant is the author's decision.
        return Err(invalid(
            "an origin starts with a scheme (`https://`)",
            "",
            Some(0..0),
        )
        .replace_with(&format!("https://{host_like}"), Applicability::Unsafe));
    };
    let scheme_raw = &raw[..sep];
    if scheme_raw.contains('*') {
        return Err(unsupported(
            "the scheme cannot be a wildcard",
            "list each scheme separately, e.g. `https://…`",
        ));
    }
    let scheme_ok = scheme_raw
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_alphabetic)
        && scheme_raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return Err(invalid(
            format!("`{scheme_raw}` is not a URL scheme"),
            "start the origin with a scheme such as `https://`",
            Some(0..sep),
        ));
    }
    let scheme = scheme_raw.to_ascii_lowercase();
    if scheme != scheme_raw {
        note(normalised, Normalisation::Lowercased);
    }
    Ok((scheme, sep + 3))
}

/// What an origin never has after `scheme://`: a path, query, fragment or
/// trailing slash, and a user name or password.
fn reject_after_host(raw: &str, rest_start: usize) -> Result<(), PatternError> {
    let rest = &raw[rest_start..];
    if let Some(cut) = rest.find(['/', '?', '#']) {
        let origin_part = &raw[..rest_start + cut];
        let what = match rest.as_bytes()[cut] {
            b'/' if cut + 1 == rest.len() => "an origin has no trailing slash",
            b'/' => "an origin has no path",
            b'?' => "an origin has no query",
            _ => "an origin has no fragment",
        };
        return Err(invalid(what, "", Some(rest_start + cut..raw.len()))
            .replace_with(origin_part, Applicability::Safe));
    }
    if let Some(at) = rest.rfind('@') {
        let fixed = format!("{}{}", &raw[..rest_start], &rest[at + 1..]);
        // `https://good.example@evil.example` is evil.example to a URL
        // parser: which host was meant is the author's decision.
        return Err(invalid(
            "an origin has no user name or password",
            "",
            Some(rest_start..rest_start + at + 1),
        )
        .replace_with(&fixed, Applicability::Unsafe));
    }
    Ok(())
}

/// Records a normalisation once.
fn note(normalised: &mut Vec<Normalisation>, n: Normalisation) {
    if !normalised.contains(&n) {
        normalised.push(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> (String, Vec<Normalisation>) {
        let p = parse(raw).unwrap_or_else(|e| panic!("{raw}: {e:?}"));
        (p.pattern.to_string(), p.normalised)
    }

    fn err(raw: &str) -> PatternError {
        parse(raw).expect_err(raw)
    }

    #[test]
    fn canonical_patterns_round_trip() {
        for raw in [
            "https://app.example.com",
            "http://localhost:3000",
            "https://[::1]:8443",
            "https://*.example.com",
            "https://*.example.com:8443",
            "http://localhost:*",
            "https://*.example.com:*",
            "http://127.0.0.1:8080",
            "null",
            "chrome-extension://abcdefghijklmnop",
            "https://xn--bcher-kva.example",
        ] {
            assert_eq!(ok(raw), (raw.to_string(), vec![]), "{raw}");
        }
    }

    #[test]
    fn normalises_like_a_browser() {
        assert_eq!(
            ok("HTTPS://Example.COM"),
            (
                "https://example.com".into(),
                vec![Normalisation::Lowercased]
            )
        );
        assert_eq!(
            ok("https://example.com:443"),
            (
                "https://example.com".into(),
                vec![Normalisation::DefaultPortDropped]
            )
        );
        assert_eq!(
            ok("http://example.com:80"),
            (
                "http://example.com".into(),
                vec![Normalisation::DefaultPortDropped]
            )
        );
        assert_eq!(
            ok("https://bücher.example"),
            (
                "https://xn--bcher-kva.example".into(),
                vec![Normalisation::Punycoded]
            )
        );
        assert_eq!(
            ok("https://[0:0:0:0:0:0:0:1]"),
            (
                "https://[::1]".into(),
                vec![Normalisation::AddressSerialised]
            )
        );
    }
    #[test]
    fn ip_addresses_take_the_form_browsers_send() {
        let serialised = vec![Normalisation::AddressSerialised];
        for (raw, canonical) in [
            ("http://0x7f.0.0.1", "http://127.0.0.1"),
            ("http://0177.0.0.1", "http://127.0.0.1"),
            ("http://127.1", "http://127.0.0.1"),
            ("http://2130706433", "http://127.0.0.1"),
            ("http://0x7f000001", "http://127.0.0.1"),
            ("http://10.0x10.1", "http://10.16.0.1"),
            ("http://[::ffff:127.0.0.1]", "http://[::ffff:7f00:1]"),
            ("http://[0:0:0:0:0:ffff:7f00:1]", "http://[::ffff:7f00:1]"),
            (
                "http://[2001:db8:0:0:1:0:0:1]",
                "http://[2001:db8::1:0:0:1]",
            ),
            ("http://[::1.2.3.4]", "http://[::102:304]"),
            ("http://127.0.0.1.", "http://127.0.0.1"),
            ("http://0x000000000000001", "http://0.0.0.1"),
            ("http://000000000000001", "http://0.0.0.1"),
            ("http://0x7f.00000000000000000.0.01", "http://127.0.0.1"),
        ] {
            assert_eq!(
                ok(raw),
                (canonical.to_string(), serialised.clone()),
                "{raw}"
            );
        }
        assert_eq!(ok("http://127.0.0.1"), ("http://127.0.0.1".into(), vec![]));
        assert_eq!(
            ok("http://[::ffff:7f00:1]"),
            ("http://[::ffff:7f00:1]".into(), vec![])
        );
        assert_eq!(
            ok("http://[2001:DB8::1]"),
            (
                "http://[2001:db8::1]".into(),
                vec![Normalisation::Lowercased]
            )
        );
        for bad in [
            "http://256.0.0.1",
            "http://1.2.3.4.5",
            "http://08.0.0.1",
            "http://4294967296",
            "http://1.16777216",
            "http://example.0x1",
            "http://1.2.3.99999999999999999999",
            "http://1.2.3.4..",
        ] {
            assert_eq!(err(bad).kind, PatternErrorKind::Invalid, "{bad}");
        }
    }

    #[test]
    fn punycode_labels_must_decode() {
        assert_eq!(
            ok("https://xn--bcher-kva.example").0,
            "https://xn--bcher-kva.example"
        );
        for bad in [
            "https://xn--.example",
            "https://xn--zz-.example",
            "https://xn--ls8h-garbage-.example",
            "https://*.xn--99999999999.example",
        ] {
            let e = err(bad);
            assert_eq!(e.kind, PatternErrorKind::Invalid, "{bad}");
            assert!(e.message.contains("punycode"), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn each_mistake_has_its_fix() {
        let cases = [
            ("https://example.com/", "write `https://example.com`"),
            ("https://example.com/api", "write `https://example.com`"),
            ("https://example.com?x=1", "write `https://example.com`"),
            ("example.com", "write `https://example.com`"),
            ("https://user:pw@example.com", "write `https://example.com`"),
            ("https://example.com.", "write `https://example.com`"),
            (
                "https://example.com:",
                "remove the `:` or add a port: `https://example.com`",
            ),
            ("https://example.com:0443", "write `https://example.com`"),
            (
                "https://example.com:08443",
                "write `https://example.com:8443`",
            ),
            (" https://example.com", "write `https://example.com`"),
            // The suggestion is the canonical form of the corrected entry.
            (
                "HTTPS://App.Example.com/",
                "write `https://app.example.com`",
            ),
            ("NULL", "write `null`"),
        ];
        for (raw, help) in cases {
            let e = err(raw);
            assert_eq!(e.kind, PatternErrorKind::Invalid, "{raw}");
            assert_eq!(e.help, help, "{raw}");
            let (entry, applicability) = e.replacement.expect(raw);
            assert!(help.ends_with(&format!("`{entry}`")), "{raw}: {entry}");
            // Adding a scheme, or choosing the host after a user name, is the
            // author's decision; deleting what an origin cannot hold is not.
            let expected = if raw == "example.com" || raw.contains('@') {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
            assert_eq!(applicability, expected, "{raw}");
            assert!(
                parse(&entry).is_ok_and(|p| p.normalised.is_empty()),
                "{entry}"
            );
        }
        assert_eq!(err("https://*.*.example.com").replacement, None);
        // A correction that is not valid itself is not offered (the second
        // review's cases: the path cut before the user name, a NUL byte).
        for raw in ["https://user:pa/ss@good.example", "https://a.example\u{0}/"] {
            let e = err(raw);
            assert_eq!(e.replacement, None, "{raw}");
            assert!(!e.help.contains("`https://user:pa`"), "{}", e.help);
        }
        assert!(
            err("https://example.com:99999")
                .message
                .contains("not a port")
        );
        assert!(
            err("https://exa mple.com")
                .message
                .contains("cannot appear")
        );
        assert!(err("https://a..b").message.contains("empty label"));
    }

    #[test]
    fn unsupported_wildcards() {
        for raw in [
            "*",
            "https://*",
            "*://example.com",
            "https://a*.example.com",
            "https://api.*.example.com",
            "https://*.*.example.com",
            "https://*example.com",
            "https://example.com:8*",
            "https://*.1.2.3.4",
        ] {
            assert_eq!(
                err(raw).kind,
                PatternErrorKind::UnsupportedWildcard,
                "{raw}"
            );
        }
        assert_eq!(
            err("https://*").help,
            "write `origins = \"*\"` to allow any origin"
        );
        assert_eq!(
            err("https://*example.com").help,
            "write `*.example.com` to allow every subdomain of example.com, or list the hosts"
        );
    }

    #[test]
    fn coverage() {
        let p = |s: &str| parse(s).unwrap().pattern;
        assert!(p("https://a.example.com").is_covered_by(&p("https://*.example.com")));
        assert!(p("https://a.b.example.com").is_covered_by(&p("https://*.example.com")));
        assert!(!p("https://example.com").is_covered_by(&p("https://*.example.com")));
        assert!(!p("http://a.example.com").is_covered_by(&p("https://*.example.com")));
        assert!(p("https://*.a.example.com").is_covered_by(&p("https://*.example.com")));
        assert!(p("http://localhost:3000").is_covered_by(&p("http://localhost:*")));
        assert!(p("http://localhost").is_covered_by(&p("http://localhost:*")));
        assert!(!p("https://a.example.com:8443").is_covered_by(&p("https://*.example.com")));
        assert!(!p("https://*.example.com").is_covered_by(&p("https://*.example.com")));
    }
}

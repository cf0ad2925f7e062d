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
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use cors_runtime::origin::default_port;

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
    }
}

fn unsupported(message: impl Into<String>, help: impl Into<String>) -> PatternError {
    PatternError {
        kind: PatternErrorKind::UnsupportedWildcard,
        message: message.into(),
        help: help.into(),
        at: None,
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
    if raw.is_empty() {
        return Err(invalid(
            "an origin cannot be empty",
            "remove the empty entry",
            None,
        ));
    }
    let trimmed = raw.trim();
    if trimmed.len() != raw.len() {
        return Err(invalid(
            "an origin has no surrounding whitespace",
            format!("write `{trimmed}`"),
            None,
        ));
    }
    if raw == "null" {
        return Ok(ParsedPattern {
            pattern: OriginPattern::Null,
            normalised,
        });
    }
    if raw.eq_ignore_ascii_case("null") {
        return Err(invalid(
            "browsers send `null` in lowercase",
            "write `null`",
            None,
        ));
    }
    if raw == "*" {
        return Err(unsupported(
            "`*` cannot be mixed with other origins",
            "to allow any origin write `origins = \"*\"` (without credentials); otherwise list the origins",
        ));
    }
    let Some(sep) = raw.find("://") else {
        let host_like = raw.split(['/', ':']).next().unwrap_or(raw);
        return Err(invalid(
            "an origin starts with a scheme (`https://`)",
            format!("write `https://{host_like}`"),
            Some(0..0),
        ));
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
        note(&mut normalised, Normalisation::Lowercased);
    }
    let rest_start = sep + 3;
    let rest = &raw[rest_start..];

    // Path, query, fragment, trailing slash.
    if let Some(cut) = rest.find(['/', '?', '#']) {
        let origin_part = &raw[..rest_start + cut];
        let what = match rest.as_bytes()[cut] {
            b'/' if cut + 1 == rest.len() => "an origin has no trailing slash",
            b'/' => "an origin has no path",
            b'?' => "an origin has no query",
            _ => "an origin has no fragment",
        };
        return Err(invalid(
            what,
            format!("write `{origin_part}`"),
            Some(rest_start + cut..raw.len()),
        ));
    }
    // Userinfo.
    if let Some(at) = rest.rfind('@') {
        let fixed = format!("{}{}", &raw[..rest_start], &rest[at + 1..]);
        return Err(invalid(
            "an origin has no user name or password",
            format!("write `{fixed}`"),
            Some(rest_start..rest_start + at + 1),
        ));
    }

    // Split host and port.
    let (host_raw, port_raw) = if rest.starts_with('[') {
        match rest.find(']') {
            Some(close) => {
                let after = &rest[close + 1..];
                match after.strip_prefix(':') {
                    Some(p) => (&rest[..=close], Some(p)),
                    None if after.is_empty() => (&rest[..=close], None),
                    None => {
                        return Err(invalid(
                            "unexpected text after the IPv6 address",
                            "write `[address]:port`",
                            None,
                        ));
                    }
                }
            }
            None => {
                return Err(invalid(
                    "an IPv6 address must end with `]`",
                    "write `https://[::1]:8443`",
                    None,
                ));
            }
        }
    } else {
        match rest.rfind(':') {
            Some(colon) => (&rest[..colon], Some(&rest[colon + 1..])),
            None => (rest, None),
        }
    };
    let port_offset = rest_start + host_raw.len() + 1;
    let port = match port_raw {
        None => PortPattern::Default,
        Some("*") => PortPattern::Any,
        Some("") => {
            return Err(invalid(
                "the port is empty",
                format!(
                    "remove the `:` or add a port: `{}{}`",
                    &raw[..rest_start],
                    host_raw
                ),
                Some(port_offset - 1..port_offset),
            ));
        }
        Some(p) if p.contains('*') => {
            return Err(unsupported(
                "a port wildcard is written `:*`",
                "write the port as `:*` to allow any port",
            ));
        }
        Some(p) => match p.parse::<u16>() {
            Ok(n) if p.bytes().all(|b| b.is_ascii_digit()) => {
                if p.len() > 1 && p.starts_with('0') {
                    return Err(invalid(
                        "a port has no leading zeros",
                        format!("write `:{n}`"),
                        Some(port_offset..raw.len()),
                    ));
                }
                if default_port(scheme.as_bytes()).is_some_and(|d| d == p.as_bytes()) {
                    note(&mut normalised, Normalisation::DefaultPortDropped);
                    PortPattern::Default
                } else {
                    PortPattern::Port(n)
                }
            }
            _ => {
                return Err(invalid(
                    format!("`{p}` is not a port number (0–65535)"),
                    "write a port between 0 and 65535, or `:*` for any port",
                    Some(port_offset..raw.len()),
                ));
            }
        },
    };

    // An IPv4 address may end in one dot (the URL parser drops it); a domain
    // with a trailing dot is another origin.
    if host_raw.ends_with('.') && host_raw != "." && !ends_in_a_number(host_raw) {
        let port_text = port_raw.map(|p| format!(":{p}")).unwrap_or_default();
        return Err(invalid(
            "the host has a trailing dot, which makes it a different origin",
            format!(
                "write `{}{}{port_text}`",
                &raw[..rest_start],
                host_raw.trim_end_matches('.')
            ),
            Some(rest_start + host_raw.len() - 1..rest_start + host_raw.len()),
        ));
    }
    let host = parse_host(host_raw, &mut normalised).map_err(|mut e| {
        if e.at.is_none() && e.kind == PatternErrorKind::Invalid {
            e.at = Some(rest_start..rest_start + host_raw.len());
        }
        e
    })?;
    Ok(ParsedPattern {
        pattern: OriginPattern::Tuple { scheme, host, port },
        normalised,
    })
}

/// Records a normalisation once.
fn note(normalised: &mut Vec<Normalisation>, n: Normalisation) {
    if !normalised.contains(&n) {
        normalised.push(n);
    }
}

fn parse_host(raw: &str, normalised: &mut Vec<Normalisation>) -> Result<HostPattern, PatternError> {
    if raw.is_empty() {
        return Err(invalid(
            "the host is empty",
            "write a host, e.g. `https://app.example.com`",
            None,
        ));
    }
    if let Some(inner) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return parse_ipv6(inner, normalised);
    }
    if raw == "*" {
        return Err(unsupported(
            "a bare `*` host is not supported",
            "write `origins = \"*\"` to allow any origin",
        ));
    }
    let (wildcard, name) = match raw.strip_prefix("*.") {
        Some(base) => (true, base),
        None => (false, raw),
    };
    if name.contains('*') {
        let help = match raw.rfind("*.").or_else(|| raw.rfind('*')) {
            Some(i) if raw[i..].starts_with("*.") || raw[..i].is_empty() => {
                let base = raw[i..].trim_start_matches('*').trim_start_matches('.');
                format!("write `*.{base}` to allow every subdomain of {base}, or list the hosts")
            }
            _ => "a wildcard may only be a whole first label: `*.example.com`".to_string(),
        };
        return Err(unsupported(
            format!("`{raw}` has a wildcard that is not a whole leading label"),
            help,
        ));
    }
    let ascii = if name.is_ascii() {
        let lower = name.to_ascii_lowercase();
        if lower != name {
            note(normalised, Normalisation::Lowercased);
        }
        lower
    } else {
        let converted = idna::domain_to_ascii(name).map_err(|_| {
            invalid(
                format!("`{name}` is not a valid internationalised domain name"),
                "check the host's spelling",
                None,
            )
        })?;
        note(normalised, Normalisation::Punycoded);
        converted
    };
    // One trailing dot ends an IPv4 address without an empty label.
    let labelled = match ascii.strip_suffix('.') {
        Some(front) if ends_in_a_number(&ascii) => front,
        _ => ascii.as_str(),
    };
    for label in labelled.split('.') {
        if label.is_empty() {
            return Err(invalid(
                "the host has an empty label (`..` or a leading dot)",
                "remove the extra dot",
                None,
            ));
        }
        if let Some(bad) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(invalid(
                format!("`{bad}` cannot appear in a host name"),
                "use letters, digits, `-` and `.` only",
                None,
            ));
        }
        if label.len() > 63 {
            return Err(invalid(
                "a host label is longer than 63 characters",
                "shorten the label",
                None,
            ));
        }
    }
    if ascii.len() > 253 {
        return Err(invalid(
            "the host is longer than 253 characters",
            "shorten the host",
            None,
        ));
    }
    if ends_in_a_number(&ascii) {
        if wildcard {
            return Err(unsupported(
                "an IP address cannot have a subdomain wildcard",
                "list the address itself",
            ));
        }
        return parse_ipv4(&ascii, normalised);
    }
    check_punycode(&ascii)?;
    if wildcard {
        if ascii.contains('_') {
            return Err(invalid(
                "a wildcard base cannot contain `_`",
                "use letters, digits, `-` and `.` only",
                None,
            ));
        }
        Ok(HostPattern::Subdomains(ascii))
    } else {
        Ok(HostPattern::Exact(ascii))
    }
}

/// A bracketed IPv6 host, in the form browsers serialise it (WHATWG URL:
/// lowercase hex pieces, the first longest run of two or more zero pieces
/// compressed, never an embedded dotted quad — so `[::ffff:127.0.0.1]` is
/// sent as `[::ffff:7f00:1]`).
fn parse_ipv6(
    inner: &str,
    normalised: &mut Vec<Normalisation>,
) -> Result<HostPattern, PatternError> {
    let addr: Ipv6Addr = inner.parse().map_err(|_| {
        invalid(
            format!("`{inner}` is not an IPv6 address"),
            "write a valid address, e.g. `[::1]`",
            None,
        )
    })?;
    let canonical = serialise_ipv6(addr);
    if canonical != inner {
        let kind = if inner.to_ascii_lowercase() == canonical {
            Normalisation::Lowercased
        } else {
            Normalisation::AddressSerialised
        };
        note(normalised, kind);
    }
    Ok(HostPattern::Exact(format!("[{canonical}]")))
}

/// The WHATWG URL serialisation of an IPv6 address (without brackets).
fn serialise_ipv6(addr: Ipv6Addr) -> String {
    let pieces = addr.segments();
    // The first longest run of at least two zero pieces.
    let (mut best, mut best_len) = (None, 1);
    let mut i = 0;
    while i < 8 {
        if pieces[i] == 0 {
            let start = i;
            while i < 8 && pieces[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                (best, best_len) = (Some(start), i - start);
            }
        } else {
            i += 1;
        }
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if Some(i) == best {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        out.push_str(&format!("{:x}", pieces[i]));
        if i < 7 {
            out.push(':');
        }
        i += 1;
    }
    out
}

/// WHATWG URL's "ends in a number": the last label (after one trailing dot,
/// if any) is all digits or `0x` + hex digits, so the host is read as an
/// IPv4 address — `0x7f.1` and `2130706433` included.
fn ends_in_a_number(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    last.strip_prefix("0x")
        .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An IPv4 host as the WHATWG URL parser reads it (one to four parts, each
/// decimal, `0x` hex or `0`-prefixed octal, the last filling the remaining
/// bytes), in the dotted-decimal form browsers send.
fn parse_ipv4(
    host: &str,
    normalised: &mut Vec<Normalisation>,
) -> Result<HostPattern, PatternError> {
    let not_ipv4 = || {
        invalid(
            format!("`{host}` is not an IPv4 address"),
            "write four numbers 0–255, e.g. `127.0.0.1`",
            None,
        )
    };
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if parts.len() > 4 || parts.iter().any(|p| p.is_empty()) {
        return Err(not_ipv4());
    }
    let mut numbers = Vec::with_capacity(parts.len());
    for part in &parts {
        let (digits, radix) = if let Some(hex) = part.strip_prefix("0x") {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (*part, 10)
        };
        // `0x` alone is zero; leading zeros change nothing; more digits
        // than any u32 needs is out of range.
        let digits = digits.trim_start_matches('0');
        let value = if digits.is_empty() {
            0
        } else if digits.len() > 11 {
            return Err(not_ipv4());
        } else {
            u64::from_str_radix(digits, radix).map_err(|_| not_ipv4())?
        };
        numbers.push(value);
    }
    let (last, front) = numbers.split_last().ok_or_else(not_ipv4)?;
    if front.iter().any(|n| *n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return Err(not_ipv4());
    }
    let mut value = *last;
    for (i, n) in front.iter().enumerate() {
        value += n << (8 * (3 - i));
    }
    let canonical = Ipv4Addr::from(value as u32).to_string();
    if canonical != host {
        note(normalised, Normalisation::AddressSerialised);
    }
    Ok(HostPattern::Exact(canonical))
}

/// ASCII labels that claim to be punycode (`xn--`) must decode to a valid
/// internationalised label that encodes back to the same text: browsers
/// refuse any other, so such a pattern could never match.
fn check_punycode(host: &str) -> Result<(), PatternError> {
    if !host.split('.').any(|l| l.starts_with("xn--")) {
        return Ok(());
    }
    let (unicode, result) = idna::domain_to_unicode(host);
    let round_trip = idna::domain_to_ascii(&unicode).ok();
    if result.is_err() || round_trip.as_deref() != Some(host) {
        return Err(invalid(
            format!("`{host}` has an `xn--` label that is not valid punycode"),
            "write the name in Unicode, or copy its punycode from the browser's address bar",
            None,
        ));
    }
    Ok(())
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
            ("https://example.com:0443", "write `:443`"),
            (" https://example.com", "write `https://example.com`"),
        ];
        for (raw, help) in cases {
            let e = err(raw);
            assert_eq!(e.kind, PatternErrorKind::Invalid, "{raw}");
            assert_eq!(e.help, help, "{raw}");
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

//! `host = domain | "*." domain | ipv4 | "[" ipv6 "]"`: the host of a
//! pattern, in the form browsers send it.

use cors_runtime::origin::{MAX_HOST_LEN, MAX_LABEL_LEN};

use super::address;
use super::{HostPattern, Normalisation, PatternError, invalid, note, unsupported};
use crate::fix::Applicability;

/// A domain with a trailing dot is another origin than the one without; an
/// IPv4 address may end in one dot (the URL parser drops it).
pub(super) fn reject_trailing_dot(
    raw: &str,
    rest_start: usize,
    host: &str,
    port: Option<&str>,
) -> Result<(), PatternError> {
    if !host.ends_with('.') || host == "." || ends_in_a_number(host) {
        return Ok(());
    }
    let port_text = port.map(|p| format!(":{p}")).unwrap_or_default();
    let without = format!(
        "{}{}{port_text}",
        &raw[..rest_start],
        host.trim_end_matches('.')
    );
    Err(invalid(
        "the host has a trailing dot, which makes it a different origin",
        "",
        Some(rest_start + host.len() - 1..rest_start + host.len()),
    )
    .replace_with(&without, Applicability::Safe))
}

/// The host: an IPv6 address, or an optional `*.` and a domain or IPv4
/// address.
pub(super) fn parse(
    raw: &str,
    normalised: &mut Vec<Normalisation>,
) -> Result<HostPattern, PatternError> {
    if raw.is_empty() {
        return Err(invalid(
            "the host is empty",
            "write a host, e.g. `https://app.example.com`",
            None,
        ));
    }
    if let Some(inner) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return address::parse_ipv6(inner, normalised);
    }
    let (wildcard, name) = split_wildcard(raw)?;
    let ascii = to_ascii(name, normalised)?;
    check_labels(&ascii)?;
    if ends_in_a_number(&ascii) {
        if wildcard {
            return Err(unsupported(
                "an IP address cannot have a subdomain wildcard",
                "list the address itself",
            ));
        }
        return address::parse_ipv4(&ascii, normalised);
    }
    check_punycode(&ascii)?;
    if !wildcard {
        return Ok(HostPattern::Exact(ascii));
    }
    if ascii.contains('_') {
        return Err(invalid(
            "a wildcard base cannot contain `_`",
            "use letters, digits, `-` and `.` only",
            None,
        ));
    }
    Ok(HostPattern::Subdomains(ascii))
}

/// `"*." domain` or `domain`: whether the host is a wildcard, and the name
/// after it. A `*` anywhere else is refused with the form to write instead.
fn split_wildcard(raw: &str) -> Result<(bool, &str), PatternError> {
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
    if !name.contains('*') {
        return Ok((wildcard, name));
    }
    let help = match raw.rfind("*.").or_else(|| raw.rfind('*')) {
        Some(i) if raw[i..].starts_with("*.") || raw[..i].is_empty() => {
            let base = raw[i..].trim_start_matches('*').trim_start_matches('.');
            format!("write `*.{base}` to allow every subdomain of {base}, or list the hosts")
        }
        _ => "a wildcard may only be a whole first label: `*.example.com`".to_string(),
    };
    Err(unsupported(
        format!("`{raw}` has a wildcard that is not a whole leading label"),
        help,
    ))
}

/// The name in lowercase ASCII: Unicode names in punycode.
fn to_ascii(name: &str, normalised: &mut Vec<Normalisation>) -> Result<String, PatternError> {
    if name.is_ascii() {
        let lower = name.to_ascii_lowercase();
        if lower != name {
            note(normalised, Normalisation::Lowercased);
        }
        return Ok(lower);
    }
    let converted = idna::domain_to_ascii(name).map_err(|_| {
        invalid(
            format!("`{name}` is not a valid internationalised domain name"),
            "check the host's spelling",
            None,
        )
    })?;
    note(normalised, Normalisation::Punycoded);
    Ok(converted)
}

/// Every label non-empty, of letters, digits, `-` and `_`, at most
/// [`MAX_LABEL_LEN`] bytes; the whole host at most [`MAX_HOST_LEN`].
fn check_labels(ascii: &str) -> Result<(), PatternError> {
    // One trailing dot ends an IPv4 address without an empty label.
    let labelled = match ascii.strip_suffix('.') {
        Some(front) if ends_in_a_number(ascii) => front,
        _ => ascii,
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
        if label.len() > MAX_LABEL_LEN {
            return Err(invalid(
                format!("a host label is longer than {MAX_LABEL_LEN} characters"),
                "shorten the label",
                None,
            ));
        }
    }
    if ascii.len() > MAX_HOST_LEN {
        return Err(invalid(
            format!("the host is longer than {MAX_HOST_LEN} characters"),
            "shorten the host",
            None,
        ));
    }
    Ok(())
}

/// WHATWG URL's "ends in a number": the last label (after one trailing dot,
/// if any) is all digits or `0x` + hex digits, so the host is read as an
/// IPv4 address — `0x7f.1` and `2130706433` included.
pub(super) fn ends_in_a_number(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    last.strip_prefix("0x")
        .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
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

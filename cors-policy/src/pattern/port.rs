//! `host [ ":" port ]`: where the host ends, and the port.

use cors_runtime::origin::default_port;

use super::{Normalisation, PatternError, PortPattern, invalid, note, unsupported};
use crate::fix::Applicability;

/// Splits the text after `scheme://` into the host and the port text (after
/// its `:`), if any. An IPv6 host ends at its `]`.
pub(super) fn split(rest: &str) -> Result<(&str, Option<&str>), PatternError> {
    if !rest.starts_with('[') {
        return Ok(match rest.rfind(':') {
            Some(colon) => (&rest[..colon], Some(&rest[colon + 1..])),
            None => (rest, None),
        });
    }
    let Some(close) = rest.find(']') else {
        return Err(invalid(
            "an IPv6 address must end with `]`",
            "write `https://[::1]:8443`",
            None,
        ));
    };
    let after = &rest[close + 1..];
    match after.strip_prefix(':') {
        Some(p) => Ok((&rest[..=close], Some(p))),
        None if after.is_empty() => Ok((&rest[..=close], None)),
        None => Err(invalid(
            "unexpected text after the IPv6 address",
            "write `[address]:port`",
            None,
        )),
    }
}

/// The port of a `scheme` origin, written at `offset` of `raw`: none, `*`,
/// or a number without leading zeros; the scheme's default port is dropped.
pub(super) fn parse(
    raw: &str,
    scheme: &str,
    offset: usize,
    port: Option<&str>,
    normalised: &mut Vec<Normalisation>,
) -> Result<PortPattern, PatternError> {
    let Some(p) = port else {
        return Ok(PortPattern::Default);
    };
    if p == "*" {
        return Ok(PortPattern::Any);
    }
    if p.is_empty() {
        let without = &raw[..offset - 1];
        let mut error = invalid("the port is empty", "", Some(offset - 1..offset))
            .replace_with(without, Applicability::Safe);
        if let Some((entry, _)) = &error.replacement {
            error.help = format!("remove the `:` or add a port: `{entry}`");
        }
        return Err(error);
    }
    if p.contains('*') {
        return Err(unsupported(
            "a port wildcard is written `:*`",
            "write the port as `:*` to allow any port",
        ));
    }
    let n = match p.parse::<u16>() {
        Ok(n) if p.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => {
            return Err(invalid(
                format!("`{p}` is not a port number (0–65535)"),
                "write a port between 0 and 65535, or `:*` for any port",
                Some(offset..raw.len()),
            ));
        }
    };
    if p.len() > 1 && p.starts_with('0') {
        return Err(
            invalid("a port has no leading zeros", "", Some(offset..raw.len()))
                .replace_with(&format!("{}{n}", &raw[..offset]), Applicability::Safe),
        );
    }
    if default_port(scheme.as_bytes()).is_some_and(|d| d == p.as_bytes()) {
        note(normalised, Normalisation::DefaultPortDropped);
        Ok(PortPattern::Default)
    } else {
        Ok(PortPattern::Port(n))
    }
}

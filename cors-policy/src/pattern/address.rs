//! IP address hosts, in the one form browsers serialise each.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{HostPattern, Normalisation, PatternError, invalid, note};

/// A bracketed IPv6 host, in the form browsers serialise it (WHATWG URL:
/// lowercase hex pieces, the first longest run of two or more zero pieces
/// compressed, never an embedded dotted quad — so `[::ffff:127.0.0.1]` is
/// sent as `[::ffff:7f00:1]`).
pub(super) fn parse_ipv6(
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

/// An IPv4 host as the WHATWG URL parser reads it (one to four parts, each
/// decimal, `0x` hex or `0`-prefixed octal, the last filling the remaining
/// bytes), in the dotted-decimal form browsers send.
pub(super) fn parse_ipv4(
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

//! Policies that must never compile, judged without the compiler's rules:
//! a generator of whole policy files from a byte string (so proptest and the
//! `policy_file_oracle` fuzz target draw from the same space), and an oracle
//! that looks at what a file compiled to and says what is dangerous in it.
//!
//! The oracle shares no code with `cors-policy`'s rules: it reads the lowered
//! [`PolicySpec`] and asks the `psl` crate's lookup directly (not the
//! compiler's derived list of names with suffixes below them).

use cors_policy::PolicySpec;
use cors_policy::pattern::{HostPattern, OriginPattern};

/// Wildcard bases to draw from: registrable domains, public suffixes,
/// top-level domains, and provider domains with suffixes below them, in
/// several spellings.
pub const BASES: [&str; 20] = [
    "example.com",
    "Example.COM",
    "myorg.github.io",
    "github.io",
    "GitHub.io",
    "com",
    "ck",
    "www.ck",
    "co.uk",
    "example.co.uk",
    "amazonaws.com",
    "s3.amazonaws.com",
    "compute.amazonaws.com",
    "x.compute.amazonaws.com",
    "y.x.compute.amazonaws.com",
    "localhost",
    "test",
    "bücher.example",
    "xn--bcher-kva.example",
    "blogspot.com",
];

/// Names the oracle asks `psl` about to find suffixes below a base: every
/// suffix rule the bases above sit on or above.
const KNOWN_SUFFIXES: [&str; 10] = [
    "github.io",
    "co.uk",
    "s3.amazonaws.com",
    "x.compute.amazonaws.com",
    "blogspot.com",
    "com",
    "uk",
    "io",
    "ck",
    "zz.ck",
];

const EXACT: [&str; 6] = [
    "https://app.example.com",
    "null",
    "NULL",
    "http://localhost:*",
    "https://[::ffff:127.0.0.1]",
    "http://0x7f.1",
];

const LISTS: [&str; 4] = ["[\"GET\", \"PUT\"]", "\"*\"", "[\"*\", \"x-a\"]", "[]"];

/// A policy file drawn from `bytes`: origins (exact entries and wildcards
/// over [`BASES`], with or without ports, or `"*"`), lists, credentials,
/// `[lints]` relaxations, and a profile that may turn credentials on or add
/// origins.
pub fn policy_from_bytes(bytes: &[u8]) -> String {
    let mut at = 0;
    let mut next = |n: usize| {
        let b = bytes.get(at).copied().unwrap_or(0) as usize;
        at += 1;
        b % n
    };
    let origin = |next: &mut dyn FnMut(usize) -> usize| match next(3) {
        0 => format!("\"{}\"", EXACT[next(EXACT.len())]),
        1 => format!("\"https://*.{}\"", BASES[next(BASES.len())]),
        _ => format!("\"https://*.{}:*\"", BASES[next(BASES.len())]),
    };
    let list = |next: &mut dyn FnMut(usize) -> usize| {
        let n = next(4);
        (0..n).map(|_| origin(next)).collect::<Vec<_>>().join(", ")
    };
    let mut toml = String::new();
    if next(5) == 0 {
        toml.push_str("origins = \"*\"\n");
    } else {
        toml.push_str(&format!("origins = [{}]\n", list(&mut next)));
    }
    for key in ["methods", "allow_headers", "expose_headers"] {
        if next(2) == 0 {
            toml.push_str(&format!("{key} = {}\n", LISTS[next(LISTS.len())]));
        }
    }
    if next(2) == 0 {
        toml.push_str("credentials = true\n");
    }
    if next(2) == 0 {
        toml.push_str("[profiles.dev]\n");
        if next(2) == 0 {
            toml.push_str("credentials = true\n");
        }
        if next(2) == 0 {
            toml.push_str(&format!("extra_origins = [{}]\n", list(&mut next)));
        }
        if next(2) == 0 {
            toml.push_str("origins = \"*\"\n");
        }
    }
    toml.push_str("[lints]\n");
    for rule in [
        "null-origin",
        "broad-wildcard-with-credentials",
        "private-origin-outside-dev",
        "credentials-with-wildcard-list",
        "non-canonical-origin",
    ] {
        if next(2) == 0 {
            toml.push_str(&format!("{rule} = \"allow\"\n"));
        }
    }
    toml
}

/// True if anyone can register a name matching `*.{base}`, by `psl`'s own
/// lookup: a single label other than `localhost`, a public suffix, or a
/// base that a known suffix sits below.
pub fn open_registration(base: &str) -> bool {
    let suffix = |name: &str| {
        psl::suffix(name.as_bytes())
            .is_some_and(|s| s.is_known() && s.as_bytes() == name.as_bytes())
    };
    (!base.contains('.') && base != "localhost")
        || suffix(base)
        || KNOWN_SUFFIXES
            .iter()
            .any(|n| n.ends_with(&format!(".{base}")) && suffix(n))
}

/// What is dangerous in a compiled policy; empty when nothing is.
pub fn dangers(spec: &PolicySpec) -> Vec<String> {
    let mut found = Vec::new();
    if spec.credentials {
        if spec.any_origin {
            found.push("`*` origins with credentials".to_string());
        }
        if spec.origins.contains(&OriginPattern::Null) {
            found.push("`null` with credentials".to_string());
        }
        if spec.any_method || spec.any_header || spec.any_expose {
            found.push("a `*` list with credentials".to_string());
        }
    }
    for pattern in &spec.origins {
        if let OriginPattern::Tuple {
            host: HostPattern::Subdomains(base),
            ..
        } = pattern
            && open_registration(base)
        {
            found.push(format!("`{pattern}` is open to registration"));
        }
    }
    found
}

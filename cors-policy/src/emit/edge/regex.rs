//! The regular expressions an edge configuration classifies requests with.
//!
//! Every expression is anchored and has two spellings ([`Expr`]): a
//! portable one in the syntax RE2 (Caddy) and Rust's `regex` share — no
//! look-around, no back-references — and one for PCRE (nginx, HAProxy,
//! Apache httpd). They differ only for lists of header names, where the
//! PCRE spelling makes each element's repetition atomic: a backtracking
//! engine then keeps no state per element, so a hostile 8 KiB list costs
//! one pass and never exhausts PCRE2's small JIT stack (which makes a
//! match fail). Both spellings are unambiguous enough to stay linear.
//! Where one expression cannot say everything (a length bound, "not the
//! default port"), a [`Test`] is a conjunction of expressions, some
//! negated.

use crate::pattern::{HostPattern, OriginPattern, PortPattern};

/// The `tchar`s of RFC 9110 §5.6.2 as a character class.
pub const TCHAR: &str = "[!#$%&'*+.^_`|~0-9A-Za-z-]";

/// One expression in its two spellings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    /// RE2 and Rust `regex` syntax.
    pub portable: String,
    /// PCRE syntax, matching exactly the same values.
    pub pcre: String,
}

impl Expr {
    /// An expression spelled the same for every engine.
    pub fn same(re: impl Into<String>) -> Self {
        let re = re.into();
        Expr {
            portable: re.clone(),
            pcre: re,
        }
    }
}

/// One condition on a request header's value: every `all` expression
/// matches, no `none` expression matches, and the value's length in bytes
/// is within `min_len..=max_len`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Test {
    /// Expressions that must all match.
    pub all: Vec<Expr>,
    /// Expressions none of which may match.
    pub none: Vec<Expr>,
    /// The longest value that passes, if bounded.
    pub max_len: Option<usize>,
    /// The shortest value that passes, if bounded.
    pub min_len: Option<usize>,
}

impl Test {
    /// A test of one expression.
    pub fn regex(re: Expr) -> Self {
        Test {
            all: vec![re],
            ..Test::default()
        }
    }

    /// The test as one PCRE expression (nginx, HAProxy, Apache httpd): each
    /// part, and the length bounds, as a look-ahead at the start.
    pub fn pcre(&self) -> String {
        if let [only] = self.all.as_slice()
            && self.none.is_empty()
            && self.max_len.is_none()
            && self.min_len.is_none()
        {
            return only.pcre.clone();
        }
        let mut out = String::from("^");
        for (re, must) in self.pcre_parts() {
            out.push_str(if must { "(?=" } else { "(?!" });
            out.push_str(re);
            out.push(')');
        }
        if let Some(min) = self.min_len {
            out.push_str(&format!("(?=.{{{min}}})"));
        }
        if let Some(max) = self.max_len {
            out.push_str(&format!("(?=.{{0,{max}}}$)"));
        }
        out
    }

    /// Every expression of the test in its portable spelling, each with
    /// `true` when it must match.
    pub fn parts(&self) -> impl Iterator<Item = (&str, bool)> {
        self.all
            .iter()
            .map(|r| (r.portable.as_str(), true))
            .chain(self.none.iter().map(|r| (r.portable.as_str(), false)))
    }

    /// Every expression in its PCRE spelling, each with `true` when it must
    /// match.
    pub fn pcre_parts(&self) -> impl Iterator<Item = (&str, bool)> {
        self.all
            .iter()
            .map(|r| (r.pcre.as_str(), true))
            .chain(self.none.iter().map(|r| (r.pcre.as_str(), false)))
    }
}

/// `text` with every regex metacharacter escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A port number 0–65535 without leading zeros.
const PORT: &str = "(?:[0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])";

/// One label of a host as the runtime's parser reads it.
const HOST_LABEL: &str = "[a-z0-9_-]+";

/// One LDH label, 1–63 bytes, no hyphen at either end: what a `*.` matches.
const LDH_LABEL: &str = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";

/// Schemes with a default port, and that port.
const DEFAULT_PORTS: [(&str, &str); 5] = [
    ("http", "80"),
    ("ws", "80"),
    ("https", "443"),
    ("wss", "443"),
    ("ftp", "21"),
];

/// A serialised tuple origin as `cors_runtime::origin::parse` accepts it
/// (R1): lowercase `scheme://host[:port]`, a bracketed IPv6 address or
/// labels of `[a-z0-9_-]` (one trailing dot allowed), a host of at most 253
/// bytes, a port without leading zeros up to 65535 that is not the scheme's
/// default, at most `MAX_ORIGIN_LEN` bytes in all.
pub fn tuple_origin() -> Test {
    let host = format!(r"(?:\[[0-9a-f:.]{{2,}}\]|{HOST_LABEL}(?:\.{HOST_LABEL})*\.?)");
    let shape = format!("^[a-z][a-z0-9+.-]*://{host}(?::{PORT})?$");
    // The host's length, read as the run of host bytes after `://`.
    let length =
        r"^[a-z][a-z0-9+.-]*://(?:\[[0-9a-f:.]+\]|[a-z0-9_-][a-z0-9._-]{0,252}\.?)(?::[0-9]+)?$";
    let none: Vec<String> = DEFAULT_PORTS
        .iter()
        .map(|(scheme, port)| format!("^{scheme}://[^/]*:{port}$"))
        .collect();
    Test {
        all: vec![Expr::same(shape), Expr::same(length)],
        none: none.into_iter().map(Expr::same).collect(),
        max_len: Some(cors_runtime::origin::MAX_ORIGIN_LEN),
        min_len: None,
    }
}

/// The expression of one canonical pattern (without anchors); the value
/// must also pass [`tuple_origin`], which bounds lengths and ports.
pub fn pattern(p: &OriginPattern) -> String {
    match p {
        OriginPattern::Null => "null".into(),
        OriginPattern::Tuple { scheme, host, port } => {
            let host = match host {
                HostPattern::Exact(h) => escape(h),
                HostPattern::Subdomains(base) => {
                    format!(r"(?:{LDH_LABEL}\.)+{}", escape(base))
                }
            };
            let port = match port {
                PortPattern::Default => String::new(),
                PortPattern::Port(n) => format!(":{n}"),
                PortPattern::Any => "(?::[0-9]{1,5})?".into(),
            };
            format!("{}://{host}{port}", escape(scheme))
        }
    }
}

/// One anchored alternation of `items` (`^(?:a|b)$`); `None` when empty.
pub fn one_of<I: IntoIterator<Item = String>>(items: I) -> Option<String> {
    let items: Vec<String> = items.into_iter().collect();
    (!items.is_empty()).then(|| format!("^(?:{})$", items.join("|")))
}

/// `items` in consecutive groups of at most `max_bytes` each (an item
/// longer than that is a group of its own), in order.
pub fn chunks(items: impl IntoIterator<Item = String>, max_bytes: usize) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut size = 0;
    for item in items {
        match out.last_mut() {
            Some(chunk) if size + item.len() < max_bytes => {
                size += item.len() + 1;
                chunk.push(item);
            }
            _ => {
                size = item.len();
                out.push(vec![item]);
            }
        }
    }
    out
}

/// A non-empty method token.
pub fn token() -> String {
    format!("^{TCHAR}+$")
}

/// A comma-separated list whose non-empty elements, trimmed of spaces and
/// tabs, all match `element` (an expression that starts with a `tchar`
/// and only matches `tchar`s). In PCRE each later element is an atomic
/// group that must end at a comma or the end.
fn list_of(element: &str) -> Expr {
    let item = format!("[ \t]*(?:{element}[ \t]*)?");
    let pcre_item = format!("[ \t]*+(?:{element}[ \t]*+)?(?=,|$)");
    Expr {
        portable: format!("^{item}(?:,{item})*$"),
        pcre: format!("^{pcre_item}(?>,{pcre_item})*+$"),
    }
}

/// Every element of a request-header list is a token (R15).
pub fn token_list() -> Expr {
    list_of(&format!("{TCHAR}+"))
}

fn alternatives(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| escape(n)).collect();
    format!("(?:{})", names.join("|"))
}

/// `escaped` (the output of [`escape`], or plain letters) matching either
/// ASCII case of each letter, and nothing else. The portable spelling
/// spells case out instead of using `(?i)`: RE2 folds case by Unicode
/// rules, so under `(?i)` the KELVIN SIGN (U+212A) matches `k` and the
/// LONG S (U+017F) `s`, which no header name holds (R15). (PCRE without
/// UTF mode compares bytes, so its `(?i)` is ASCII only.)
fn ascii_caseless(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len() * 4);
    for c in escaped.chars() {
        if c.is_ascii_alphabetic() {
            out.push('[');
            out.push(c.to_ascii_lowercase());
            out.push(c.to_ascii_uppercase());
            out.push(']');
        } else {
            out.push(c);
        }
    }
    out
}

/// Every element is one of `names` (compared ignoring ASCII case, R15).
pub fn listed_names(names: &[String]) -> Expr {
    let list = list_of(&alternatives(names));
    Expr {
        portable: list_of(&ascii_caseless(&alternatives(names))).portable,
        pcre: format!("(?i){}", list.pcre),
    }
}

/// The first element of the list that is not in `names` is not a token:
/// some elements, all listed (or empty), then an element holding a byte
/// that is neither a `tchar` nor whitespace, or whitespace between two
/// `tchar`s. (An element is one comma-free run, so this is exact. The
/// portable spelling finds the listed prefix by trying each length; the
/// PCRE one takes the longest, which is the same prefix, since the
/// element after it is not listed.)
pub fn first_unlisted_is_invalid(names: &[String]) -> Expr {
    let (pcre_allowed, portable_allowed) = if names.is_empty() {
        (String::new(), String::new())
    } else {
        let listed = alternatives(names);
        (
            format!("(?:{listed}[ \t]*)?"),
            format!("(?:{}[ \t]*)?", ascii_caseless(&listed)),
        )
    };
    let non_token = r"[^,!#$%&'*+.^_`|~0-9A-Za-z \t-]";
    // The invalid element is read from the comma on by `[^,]*` alone (no
    // leading `[ \t]*`, which would make the split of its spaces ambiguous).
    let invalid = format!("(?:[^,]*{non_token}|[^,]*{TCHAR}[ \t]+{TCHAR})");
    Expr {
        portable: format!("^(?:[ \t]*{portable_allowed},)*{invalid}"),
        pcre: format!("(?i)^(?>[ \t]*+{pcre_allowed},)*+{invalid}"),
    }
}

/// The first element that is not a valid token other than
/// `authorization` is `authorization` (R15: `*` does not cover it). The
/// portable spelling tries each prefix of valid tokens; the PCRE one
/// takes the longest prefix of valid tokens other than `authorization`.
pub fn authorization_first() -> Expr {
    Expr {
        portable: format!(
            "^(?:[ \t]*(?:{TCHAR}+[ \t]*)?,)*[ \t]*{}[ \t]*(?:,.*)?$",
            ascii_caseless("authorization")
        ),
        pcre: format!(
            "(?i)^(?>[ \t]*+(?:(?!authorization[ \t]*(?:,|$)){TCHAR}++[ \t]*+)?,)*+[ \t]*+authorization[ \t]*+(?:,|$)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::chunks;

    #[test]
    fn chunks_keep_order_and_bound_each_group() {
        let items: Vec<String> = (0..50).map(|i| format!("item{i:03}")).collect();
        let groups = chunks(items.clone(), 40);
        assert_eq!(groups.concat(), items);
        for group in &groups {
            assert!(
                group.iter().map(|i| i.len() + 1).sum::<usize>() - 1 <= 40,
                "{group:?}"
            );
        }
        assert_eq!(chunks(vec!["x".repeat(100)], 40), [vec!["x".repeat(100)]]);
        assert!(chunks(Vec::new(), 40).is_empty());
    }
}

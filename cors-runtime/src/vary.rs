//! Merging CORS tokens into a response's existing `Vary` (R24, R29).

use crate::token::list_elements;

/// What to do with a response's `Vary` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VaryMerge<'a> {
    /// Leave it as it is: it already has every token, or it is `*`.
    Unchanged,
    /// The response has no `Vary`: set this value.
    Insert(&'a str),
    /// Replace all `Vary` lines by this merged value.
    Replace(String),
}

/// Merges the comma-separated `tokens` into the existing `Vary` lines, which
/// `existing` yields afresh each time it is called: existing values are kept
/// in order, tokens are compared case-insensitively, and `Vary: *` is left
/// alone.
///
/// ```
/// use cors_runtime::vary::{merge, VaryMerge};
/// let existing: [&[u8]; 1] = [b"Accept-Encoding"];
/// assert_eq!(merge(|| existing.into_iter(), "Origin"), VaryMerge::Replace("Accept-Encoding, Origin".into()));
/// assert_eq!(merge(std::iter::empty, "Origin"), VaryMerge::Insert("Origin"));
/// let star: [&[u8]; 1] = [b"*"];
/// assert_eq!(merge(|| star.into_iter(), "Origin"), VaryMerge::Unchanged);
/// ```
pub fn merge<'e, 't, I>(existing: impl Fn() -> I, tokens: &'t str) -> VaryMerge<'t>
where
    I: Iterator<Item = &'e [u8]>,
{
    if tokens.is_empty() {
        return VaryMerge::Unchanged;
    }
    let mut present = list_elements(existing()).peekable();
    if present.peek().is_none() {
        return VaryMerge::Insert(tokens);
    }
    if list_elements(existing()).any(|t| t == b"*") {
        return VaryMerge::Unchanged;
    }
    let missing = || {
        tokens
            .split(',')
            .map(str::trim)
            .filter(|t| !list_elements(existing()).any(|e| e.eq_ignore_ascii_case(t.as_bytes())))
    };
    if missing().next().is_none() {
        return VaryMerge::Unchanged;
    }
    let mut merged = String::new();
    for element in list_elements(existing()) {
        if !merged.is_empty() {
            merged.push_str(", ");
        }
        merged.push_str(&String::from_utf8_lossy(element));
    }
    for token in missing() {
        merged.push_str(", ");
        merged.push_str(token);
    }
    VaryMerge::Replace(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(existing: &[&str], tokens: &str) -> VaryMerge<'static> {
        let lines: Vec<&[u8]> = existing.iter().map(|s| s.as_bytes()).collect();
        match merge(|| lines.iter().copied(), tokens) {
            VaryMerge::Insert(_) => VaryMerge::Insert("<tokens>"),
            VaryMerge::Replace(s) => VaryMerge::Replace(s),
            VaryMerge::Unchanged => VaryMerge::Unchanged,
        }
    }

    #[test]
    fn merges_without_duplicates() {
        assert_eq!(run(&[], "Origin"), VaryMerge::Insert("<tokens>"));
        assert_eq!(
            run(&["accept-encoding"], "Origin"),
            VaryMerge::Replace("accept-encoding, Origin".into())
        );
        assert_eq!(run(&["origin"], "Origin"), VaryMerge::Unchanged);
        assert_eq!(
            run(
                &["Origin", "Accept"],
                "Origin, Access-Control-Request-Method"
            ),
            VaryMerge::Replace("Origin, Accept, Access-Control-Request-Method".into())
        );
        assert_eq!(run(&["Accept, *"], "Origin"), VaryMerge::Unchanged);
        assert_eq!(run(&[" , "], "Origin"), VaryMerge::Insert("<tokens>"));
        assert_eq!(run(&["Accept"], ""), VaryMerge::Unchanged);
    }
}

//! "Did you mean …?": the closest known name to a misspelt one, for every
//! diagnostic that offers one (unknown keys, unknown rules in `[lints]`).

/// The candidate closest to `given` by Damerau–Levenshtein distance, if it
/// is close enough to be a plausible typo: at most 3 edits, or a third of
/// the candidate's length for long names. Ties go to the first candidate.
pub(crate) fn closest<'a>(
    candidates: impl IntoIterator<Item = &'a str>,
    given: &str,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(c, given), c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn typos_get_a_suggestion_and_strangers_none() {
        let keys = ["origins", "allow_headers", "expose_headers", "credentials"];
        assert_eq!(closest(keys, "allowed_headers"), Some("allow_headers"));
        assert_eq!(closest(keys, "credential"), Some("credentials"));
        assert_eq!(closest(keys, "orgins"), Some("origins"));
        assert_eq!(closest(keys, "zzz"), None);
        // A transposition is one edit.
        assert_eq!(closest(["null-origin"], "null-orgiin"), Some("null-origin"));
        assert_eq!(closest([], "x"), None);
    }
}

//! Fixes: the edits a rule offers with its diagnostic, and applying them.
//!
//! A rule that knows the one right change fills in a [`Fix`] — a title, the
//! edits (byte ranges of the file and their replacements) and whether the
//! change keeps the policy's meaning ([`Applicability`]). `cors lint --fix`
//! only applies edits; it knows nothing of the file's schema.
//!
//! ```
//! use cors_policy::{Source, apply_fixes, check};
//!
//! let text = "origins = [\"HTTPS://App.Example.com\", \"https://app.example.com\"]\n";
//! let fixed = apply_fixes(text, check);
//! assert_eq!(fixed.text, "origins = [\"https://app.example.com\"]\n");
//! assert_eq!(fixed.applied.len(), 2); // the canonical form, then the duplicate
//! # let _ = Source::new("", "");
//! ```

use std::ops::Range;

use crate::diagnostic::{Report, Source};

/// Whether a fix can be applied without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Applicability {
    /// The policy means the same after the fix (a canonical spelling, a
    /// repeated entry removed), or the fix is the only reading of an entry
    /// that cannot compile as written (a trailing slash). `cors lint --fix`
    /// applies these.
    Safe,
    /// A likely fix that may change what the policy allows; shown, never
    /// applied automatically.
    Unsafe,
}

impl Applicability {
    /// `safe` or `unsafe`.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One replacement of a byte range of the policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The bytes replaced.
    pub span: Range<usize>,
    /// What replaces them (empty: a deletion).
    pub replacement: String,
}

/// A change that resolves a diagnostic, offered by the rule that found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, e.g. ``write `https://app.example.com` ``.
    pub title: String,
    /// Whether `cors lint --fix` may apply it.
    pub applicability: Applicability,
    /// The edits, in file order, not overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A safe fix of one edit.
    pub(crate) fn safe(title: impl Into<String>, edit: Edit) -> Self {
        Fix {
            title: title.into(),
            applicability: Applicability::Safe,
            edits: vec![edit],
        }
    }

    fn span(&self) -> Range<usize> {
        let start = self.edits.iter().map(|e| e.span.start).min().unwrap_or(0);
        let end = self.edits.iter().map(|e| e.span.end).max().unwrap_or(0);
        start..end
    }
}

/// Replaces the TOML string at `span` (quotes included) by `value`, as a
/// basic string.
pub(crate) fn replace_string(span: Range<usize>, value: &str) -> Edit {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    Edit {
        span,
        replacement: quoted,
    }
}

/// Deletes the array element at `span` of `text` with its separator: the
/// comma after it (and a comment on the rest of its line, which describes
/// it), or, for the last element, the comma before it. An element alone on
/// its line takes the line with it. Comments before the element stay. When
/// the separator cannot be told from a comment (a `#` on the line of the
/// comma before the last element), only the element goes.
pub(crate) fn remove_array_element(text: &str, span: Range<usize>) -> Edit {
    let bytes = text.as_bytes();
    let skip_blanks = |mut i: usize| {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        i
    };
    let line_start = text[..span.start].rfind('\n').map_or(0, |n| n + 1);
    let after = skip_blanks(span.end);
    let last = bytes.get(after) != Some(&b',') || bytes.get(skip_blanks(after + 1)) == Some(&b']');
    if !last {
        let mut end = skip_blanks(after + 1);
        let mut to_line_end = matches!(bytes.get(end), None | Some(b'\n' | b'\r'));
        if bytes.get(end) == Some(&b'#') {
            end = text[end..].find('\n').map_or(text.len(), |n| end + n);
            if end > 0 && bytes[end - 1] == b'\r' {
                end -= 1;
            }
            to_line_end = true;
        }
        let alone = text[line_start..span.start]
            .bytes()
            .all(|b| matches!(b, b' ' | b'\t'));
        let (start, end) = match bytes.get(end) {
            Some(b'\n') if alone => (line_start, end + 1),
            Some(b'\r') if alone && bytes.get(end + 1) == Some(&b'\n') => (line_start, end + 2),
            // What is left of the line ends at the element before: no
            // blanks are left dangling before the line break.
            _ if to_line_end => (text[..span.start].trim_end_matches([' ', '\t']).len(), end),
            _ => (span.start, end),
        };
        return Edit {
            span: start..end,
            replacement: String::new(),
        };
    }
    // The last element (a trailing comma stays, for the element before):
    // take the comma before it, if only blank space and line breaks
    // separate them and no comment could hold that comma.
    let before = text[..span.start].trim_end_matches([' ', '\t', '\n', '\r']);
    let comma_line = &before[before.rfind('\n').map_or(0, |n| n + 1)..];
    let start = if before.ends_with(',') && !comma_line.contains('#') {
        before.len() - 1
    } else {
        span.start
    };
    Edit {
        span: start..span.end,
        replacement: String::new(),
    }
}

/// The result of [`apply_fixes`].
#[derive(Clone, Debug)]
pub struct Fixed {
    /// The fixed text.
    pub text: String,
    /// Each fix applied: the line it was on (1-based, in the text as it was
    /// then), the rule's code, and the fix's title.
    pub applied: Vec<(usize, &'static str, String)>,
}

/// Rounds of fixing at most: each round applies every safe fix that does
/// not overlap another, then checks the result again, so fixes that touch
/// the same entry (a canonical spelling that makes a duplicate) land in
/// later rounds.
const MAX_ROUNDS: usize = 8;

/// Applies every [`Applicability::Safe`] fix that `check` offers, checking
/// the text again after each round until nothing changes.
pub fn apply_fixes(text: &str, check: impl Fn(&Source) -> Report) -> Fixed {
    let mut text = text.to_string();
    let mut applied = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let report = check(&Source::new("", text.clone()));
        let mut fixes: Vec<(&'static str, &Fix)> = report
            .diagnostics()
            .iter()
            .filter_map(|d| d.fix.as_ref().map(|f| (d.code, f)))
            .filter(|(_, f)| f.applicability == Applicability::Safe && !f.edits.is_empty())
            .collect();
        fixes.sort_by_key(|(_, f)| (f.span().start, f.span().end));
        let mut taken: Vec<(&'static str, &Fix)> = Vec::new();
        for (code, fix) in fixes {
            let clear = taken
                .last()
                .is_none_or(|(_, t)| t.span().end <= fix.span().start);
            if clear && fix.span().end <= text.len() {
                taken.push((code, fix));
            }
        }
        if taken.is_empty() {
            break;
        }
        let source = report.source();
        let mut edits: Vec<&Edit> = taken.iter().flat_map(|(_, f)| &f.edits).collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        let mut next = text.clone();
        for edit in edits {
            next.replace_range(edit.span.clone(), &edit.replacement);
        }
        // A fix must never break the file: a round whose result is not
        // TOML any more is not applied (and nothing after it).
        if next.parse::<toml_edit::DocumentMut>().is_err() {
            break;
        }
        for (code, fix) in &taken {
            applied.push((
                source.line_col(fix.span().start).0,
                *code,
                fix.title.clone(),
            ));
        }
        text = next;
    }
    Fixed { text, applied }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` with the first `element` removed.
    fn removed(text: &str, element: &str) -> String {
        removed_at(text, text.find(element).unwrap(), element.len())
    }

    /// `text` with the last `element` removed.
    fn removed_last(text: &str, element: &str) -> String {
        removed_at(text, text.rfind(element).unwrap(), element.len())
    }

    fn removed_at(text: &str, start: usize, len: usize) -> String {
        let edit = remove_array_element(text, start..start + len);
        let mut out = text.to_string();
        out.replace_range(edit.span, &edit.replacement);
        out
    }

    #[test]
    fn removing_an_element_keeps_the_array_valid_and_the_comments() {
        assert_eq!(
            removed(r#"m = ["A", "B", "C"]"#, r#""B""#),
            r#"m = ["A", "C"]"#
        );
        assert_eq!(removed(r#"m = ["A", "B"]"#, r#""B""#), r#"m = ["A"]"#);
        assert_eq!(removed(r#"m = ["A", "B",]"#, r#""B""#), r#"m = ["A",]"#);
        assert_eq!(removed(r#"m = ["A"]"#, r#""A""#), r#"m = []"#);
        let text =
            "m = [\n    # first\n    \"A\",\n    \"B\", # the copy\n    # last\n    \"C\",\n]\n";
        assert_eq!(
            removed(text, "\"B\""),
            "m = [\n    # first\n    \"A\",\n    # last\n    \"C\",\n]\n"
        );
        assert_eq!(
            removed("m = [\n    \"A\",\n    \"B\"\n]\n", "\"B\""),
            "m = [\n    \"A\"\n]\n"
        );
        for text in [
            r#"m = ["A", "B", "C"]"#,
            "m = [\n  \"A\",\n  \"B\", # x\n  \"C\"\n]",
            "m = [\"A\", # a\n \"B\"\n]",
        ] {
            for element in [r#""A""#, r#""B""#, r#""C""#] {
                if text.contains(element) {
                    let out = removed(text, element);
                    assert!(out.parse::<toml_edit::DocumentMut>().is_ok(), "{out}");
                }
            }
        }
    }

    #[test]
    fn a_comma_in_a_comment_is_not_a_separator() {
        // The second review's case: the comment before the last element
        // ends with a comma; taking it broke the file.
        let text = "origins = [\"https://a.example\", # x,\n\"https://a.example\"]\n";
        let out = removed_last(text, "\"https://a.example\"");
        assert_eq!(out, "origins = [\"https://a.example\", # x,\n]\n");
        assert!(out.parse::<toml_edit::DocumentMut>().is_ok());
    }

    #[test]
    fn line_endings_and_blanks_are_kept() {
        // CRLF: the comment runs to the `\r`, which stays.
        let text = "m = [\r\n  \"A\", \"A\", # c\r\n  \"B\",\r\n]\r\n";
        assert_eq!(
            removed_last(text, "\"A\""),
            "m = [\r\n  \"A\",\r\n  \"B\",\r\n]\r\n"
        );
        // No blanks left before a line break.
        assert_eq!(
            removed("m = [\"A\",\t\"B\",\t# b\n\"C\"]", "\"B\""),
            "m = [\"A\",\n\"C\"]"
        );
    }

    #[test]
    fn a_round_that_would_break_the_file_is_not_applied() {
        use crate::diagnostic::{Diagnostic, Severity};
        let text = "m = [\"A\"]\n";
        let broken = |source: &Source| {
            // Deletes the closing `]`.
            let fix = Fix::safe(
                "break it",
                Edit {
                    span: 8..9,
                    replacement: String::new(),
                },
            );
            let d = Diagnostic {
                code: "CORS999",
                rule: "test",
                severity: Severity::Warning,
                message: String::new(),
                span: 8..9,
                label: String::new(),
                secondary: None,
                help: None,
                fix: Some(fix),
                context: None,
            };
            Report::new(source.clone(), vec![d])
        };
        let fixed = apply_fixes(text, broken);
        assert_eq!(fixed.text, text);
        assert!(fixed.applied.is_empty());
    }

    #[test]
    fn replacements_are_basic_strings() {
        let edit = replace_string(3..8, "a\"b\\c");
        assert_eq!(edit.replacement, r#""a\"b\\c""#);
        // Control characters are escaped, so the string stays on its line.
        assert_eq!(
            replace_string(0..0, "a\u{1}\nb").replacement,
            r#""a\u0001\u000Ab""#
        );
    }

    #[test]
    fn crlf_lines_and_comments_before_the_comma() {
        // An element alone on a CRLF line takes the line, `\r\n` included.
        let text = "m = [\r\n  \"A\",\r\n  \"A\",\r\n  \"B\"\r\n]\r\n";
        let start = text.rfind("\"A\"").unwrap();
        assert_eq!(
            removed_at(text, start, 3),
            "m = [\r\n  \"A\",\r\n  \"B\"\r\n]\r\n"
        );
        // A line that ends in a comment before the comma's line: the comma
        // is still a separator.
        assert_eq!(
            removed_last("m = [\"A\", #\n \"B\",\n \"B\"\n]", "\"B\""),
            "m = [\"A\", #\n \"B\"\n]"
        );
    }

    /// A checker offering the given fixes while `marker` is in the text.
    fn offering(marker: &'static str, fixes: Vec<Fix>) -> impl Fn(&Source) -> Report {
        move |source: &Source| {
            let diagnostics = if source.text.contains(marker) {
                fixes
                    .iter()
                    .map(|fix| crate::diagnostic::Diagnostic {
                        code: "CORS999",
                        rule: "test",
                        severity: crate::diagnostic::Severity::Warning,
                        message: String::new(),
                        span: fix.edits[0].span.clone(),
                        label: String::new(),
                        secondary: None,
                        help: None,
                        fix: Some(fix.clone()),
                        context: None,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Report::new(source.clone(), diagnostics)
        }
    }

    fn edit(span: Range<usize>, replacement: &str) -> Edit {
        Edit {
            span,
            replacement: replacement.into(),
        }
    }

    #[test]
    fn only_safe_fixes_that_fit_and_do_not_overlap_are_applied() {
        let text = "m = [\"AAA\"]\n";
        // Overlapping: the first (by position) wins the round.
        let fixed = apply_fixes(
            text,
            offering(
                "AAA",
                vec![
                    Fix::safe("one", edit(6..9, "X")),
                    Fix::safe("two", edit(7..8, "Y")),
                ],
            ),
        );
        assert_eq!(fixed.text, "m = [\"X\"]\n");
        assert_eq!(fixed.applied.len(), 1);
        // Unsafe fixes, and fixes past the end of the text, are not applied.
        let mut risky = Fix::safe("risky", edit(6..9, "X"));
        risky.applicability = Applicability::Unsafe;
        let beyond = Fix::safe("beyond", edit(40..41, ""));
        let fixed = apply_fixes(text, offering("AAA", vec![risky, beyond]));
        assert_eq!(fixed.text, text);
        assert!(fixed.applied.is_empty());
    }

    #[test]
    fn applicability_names_are_the_json_ones() {
        assert_eq!(Applicability::Safe.as_str(), "safe");
        assert_eq!(Applicability::Unsafe.as_str(), "unsafe");
    }

    #[test]
    fn removal_stops_at_the_end_of_the_text() {
        // Blanks up to the end, after the element and after its comma.
        for text in ["\"A\"  ", "\"A\",  ", "\"A\", # c", "\"A\""] {
            let edit = remove_array_element(text, 0..3);
            assert!(edit.span.end <= text.len(), "{text:?}: {edit:?}");
        }
    }
}

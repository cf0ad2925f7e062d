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
/// its line takes the line with it. Comments before the element stay.
pub(crate) fn remove_array_element(text: &str, span: Range<usize>) -> Edit {
    let bytes = text.as_bytes();
    let skip_blanks = |mut i: usize| {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        i
    };
    let after = skip_blanks(span.end);
    let last = bytes.get(after) != Some(&b',') || bytes.get(skip_blanks(after + 1)) == Some(&b']');
    if !last {
        let mut end = skip_blanks(after + 1);
        if bytes.get(end) == Some(&b'#') {
            end = text[end..].find('\n').map_or(text.len(), |n| end + n);
        }
        let line_start = text[..span.start].rfind('\n').map_or(0, |n| n + 1);
        let alone = text[line_start..span.start]
            .bytes()
            .all(|b| matches!(b, b' ' | b'\t'));
        let (start, end) = match bytes.get(end) {
            Some(b'\n') if alone => (line_start, end + 1),
            Some(b'\r') if alone && bytes.get(end + 1) == Some(&b'\n') => (line_start, end + 2),
            _ => (span.start, end),
        };
        return Edit {
            span: start..end,
            replacement: String::new(),
        };
    }
    // The last element (a trailing comma stays, for the element before):
    // take the comma before it, if only blank space and line breaks
    // separate them.
    let before = text[..span.start].trim_end_matches([' ', '\t', '\n', '\r']);
    let start = if before.ends_with(',') {
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
        for (code, fix) in &taken {
            applied.push((
                source.line_col(fix.span().start).0,
                *code,
                fix.title.clone(),
            ));
        }
        let mut edits: Vec<&Edit> = taken.iter().flat_map(|(_, f)| &f.edits).collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for edit in edits {
            text.replace_range(edit.span.clone(), &edit.replacement);
        }
    }
    Fixed { text, applied }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(text: &str, element: &str) -> String {
        let start = text.find(element).unwrap();
        let edit = remove_array_element(text, start..start + element.len());
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
    fn replacements_are_basic_strings() {
        let edit = replace_string(3..8, "a\"b\\c");
        assert_eq!(edit.replacement, r#""a\"b\\c""#);
    }
}

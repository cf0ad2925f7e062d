//! Diagnostics: what is wrong, where (file, line, column, span), and how to
//! fix it; rendered rustc-style with `annotate-snippets`.

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use crate::fix::Fix;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; changes nothing.
    Info,
    /// Reported; does not block compilation.
    Warning,
    /// Blocks compilation.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy file's name and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The name shown in diagnostics (a path, or `<inline>`).
    pub name: String,
    /// The TOML text.
    pub text: String,
}

impl Source {
    /// A source with this display name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem found in a policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's stable code, e.g. `CORS201`.
    pub code: &'static str,
    /// The rule's name, e.g. `credentials-with-any-origin`.
    pub rule: &'static str,
    /// Severity after the file's `[lints]` settings.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Byte range of the offending text.
    pub span: Range<usize>,
    /// Short label under the caret.
    pub label: String,
    /// Another place that explains this one (e.g. the first of two duplicates).
    pub secondary: Option<(Range<usize>, String)>,
    /// How to fix it.
    pub help: Option<String>,
    /// The edits that fix it, when the rule that found it knows them.
    pub fix: Option<Fix>,
    /// Which policy and profile it was found in, when the file has several.
    pub context: Option<String>,
}

impl Diagnostic {
    /// The diagnostic drawn against `source`, rustc-style, without colour.
    pub fn render(&self, source: &Source) -> String {
        self.render_with(source, &Renderer::plain())
    }

    /// The diagnostic drawn with a given renderer (e.g. a styled one for a
    /// terminal).
    pub fn render_with(&self, source: &Source, renderer: &Renderer) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
        };
        let span = clamp(&self.span, &source.text);
        let mut snippet = Snippet::source(source.text.as_str())
            .path(source.name.as_str())
            .annotation(
                AnnotationKind::Primary
                    .span(span)
                    .label(self.label.as_str()),
            );
        if let Some((range, label)) = &self.secondary {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(clamp(range, &source.text))
                    .label(label.as_str()),
            );
        }
        let title = format!("{} [{}]", self.message, self.rule);
        let mut group = level
            .primary_title(title.as_str())
            .id(self.code)
            .element(snippet);
        let context;
        if let Some(c) = &self.context {
            context = format!("in {c}");
            group = group.element(Level::NOTE.message(context.as_str()));
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        renderer.render(&[group])
    }
}

fn clamp(span: &Range<usize>, text: &str) -> Range<usize> {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
    start..end
}

/// The diagnostics of one policy file: the error type of this crate.
///
/// `Display` renders every diagnostic rustc-style, and so does `Debug`, so a
/// report returned with `?` from `main` prints the diagnostics, not a dump of
/// the struct; [`Report::diagnostics`] gives them as data.
#[derive(Clone, PartialEq, Eq)]
pub struct Report {
    source: Source,
    diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub(crate) fn new(source: Source, mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by(|a, b| (a.span.start, a.code).cmp(&(b.span.start, b.code)));
        diagnostics.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
        Report {
            source,
            diagnostics,
        }
    }

    /// The file the diagnostics are about.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Every diagnostic, in file order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// True if any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Number of diagnostics of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Renders every diagnostic with `renderer`, separated by blank lines.
    pub fn render_with(&self, renderer: &Renderer) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&d.render_with(&self.source, renderer));
            out.push_str("\n\n");
        }
        out
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rendered = self.render_with(&Renderer::plain());
        f.write_str(rendered.trim_end())
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Report {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_renders_like_display() {
        let report = crate::check(&Source::new(
            "p.toml",
            "origins = \"*\"\ncredentials = true\n",
        ));
        let debug = format!("{report:?}");
        assert_eq!(debug, report.to_string());
        assert!(debug.contains("error[CORS201]"), "{debug}");
        assert!(debug.contains("p.toml:1:11"), "{debug}");
        let error = crate::Error::Policy(report.clone());
        assert_eq!(format!("{error:?}"), report.to_string());
    }

    #[test]
    fn line_and_column_count_characters() {
        let s = Source::new("p.toml", "a = 1\nbü = \"x\"\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(6), (2, 1));
        assert_eq!(s.line_col(10), (2, 4));
        assert_eq!(s.line_col(1000), (3, 1));
    }

    #[test]
    fn renders_file_line_caret_and_help() {
        let source = Source::new("policy.toml", "origins = [\"https://example.com/\"]\n");
        let d = Diagnostic {
            code: "CORS101",
            rule: "invalid-origin",
            severity: Severity::Error,
            message: "an origin has no path".into(),
            span: 11..33,
            label: "not an origin".into(),
            secondary: None,
            help: Some("write `https://example.com`".into()),
            fix: None,
            context: None,
        };
        let text = d.render(&source);
        assert!(
            text.contains("error[CORS101]: an origin has no path [invalid-origin]"),
            "{text}"
        );
        assert!(text.contains("policy.toml:1:12"), "{text}");
        assert!(text.contains("^^^^"), "{text}");
        assert!(text.contains("help: write `https://example.com`"), "{text}");
    }
}

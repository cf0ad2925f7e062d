//! `cors lint`: every rule on every policy and profile of each file.

mod json;
mod sarif;

use std::io::{IsTerminal, Write};
use std::path::Path;

use cors_policy::{Renderer, Report, Severity, Source};

use super::EXIT_USAGE;
use crate::cli::{ColorChoice, DenyLevel, LintArgs, LintFormat};
use crate::render::plural;

/// Exit status when the lint fails.
const EXIT_FINDINGS: u8 = 1;

pub(crate) fn run(args: &LintArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut reports = Vec::new();
    let mut fingerprints = Vec::new();
    let mut unreadable = false;
    for path in &args.files {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                let _ = writeln!(err, "error: cannot read {}: {e}", path.display());
                unreadable = true;
                continue;
            }
        };
        let text = if args.fix {
            match fix_in_place(path, text, err) {
                Ok(text) => text,
                Err(()) => {
                    unreadable = true;
                    continue;
                }
            }
        } else {
            text
        };
        let source = Source::new(path.display().to_string(), text);
        let report = if args.env {
            cors_policy::env::check_with_env(&source, |name| std::env::var(name).ok())
        } else {
            cors_policy::check(&source)
        };
        if report.count(Severity::Error) == 0 {
            fingerprints.extend(compiled_fingerprints(&source, args.env));
        }
        reports.push(report);
    }
    let written = match args.format {
        LintFormat::Human => write_human(out, &reports, &fingerprints, renderer(args.color)),
        LintFormat::Json => json::write(out, &reports),
        LintFormat::Sarif => sarif::write(out, &reports),
    };
    if written.is_err() || unreadable {
        return EXIT_USAGE;
    }
    let errors: usize = reports.iter().map(|r| r.count(Severity::Error)).sum();
    let warnings: usize = reports.iter().map(|r| r.count(Severity::Warning)).sum();
    let deny_warnings = args.deny == Some(DenyLevel::Warnings);
    if errors > 0 || (deny_warnings && warnings > 0) {
        EXIT_FINDINGS
    } else {
        0
    }
}

/// Applies the safe fixes the rules offer to `path`, reports them on `err`,
/// and returns the new text.
fn fix_in_place(path: &Path, text: String, err: &mut dyn Write) -> Result<String, ()> {
    let fixed = cors_policy::apply_fixes(&text, cors_policy::check);
    if fixed.applied.is_empty() {
        return Ok(text);
    }
    if let Err(e) = std::fs::write(path, &fixed.text) {
        let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
        return Err(());
    }
    for (line, code, title) in &fixed.applied {
        let _ = writeln!(err, "{}:{line}: fixed [{code}]: {title}", path.display());
    }
    Ok(fixed.text)
}

fn renderer(choice: ColorChoice) -> Renderer {
    let styled = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

/// `file: policy `api`, profile `dev`: fnv64:…` for each policy and
/// profile of a file that compiles: what `x-corsc-policy` says when that
/// selection serves (`Policy::fingerprint`).
fn compiled_fingerprints(source: &Source, env: bool) -> Vec<String> {
    cors_policy::selections(source)
        .into_iter()
        .filter_map(|selection| {
            let compiled = if env {
                cors_policy::env::compile_with_env(source, &selection, |name| {
                    std::env::var(name).ok()
                })
            } else {
                cors_policy::compile(source, &selection)
            };
            let fingerprint = compiled.ok()?.fingerprint();
            let which = match (&selection.policy, &selection.profile) {
                (None, None) => String::new(),
                (Some(p), None) => format!(" policy `{p}`"),
                (None, Some(f)) => format!(" profile `{f}`"),
                (Some(p), Some(f)) => format!(" policy `{p}`, profile `{f}`"),
            };
            Some(format!("{}{which}: {fingerprint}", source.name))
        })
        .collect()
}

fn write_human(
    out: &mut dyn Write,
    reports: &[Report],
    fingerprints: &[String],
    renderer: Renderer,
) -> std::io::Result<()> {
    for report in reports {
        write!(out, "{}", report.render_with(&renderer))?;
    }
    for line in fingerprints {
        writeln!(out, "fingerprint {line}")?;
    }
    let count = |s| reports.iter().map(|r| r.count(s)).sum::<usize>();
    writeln!(
        out,
        "{}: {}, {}, {} in {}",
        if count(Severity::Error) > 0 {
            "failed"
        } else {
            "ok"
        },
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Info), "note"),
        plural(reports.len(), "file"),
    )
}

/// Line and column (1-based, in characters) of both ends of a span.
pub(super) struct Region {
    pub(super) start_line: usize,
    pub(super) start_column: usize,
    pub(super) end_line: usize,
    pub(super) end_column: usize,
}

pub(super) fn region(source: &Source, span: &std::ops::Range<usize>) -> Region {
    let (start_line, start_column) = source.line_col(span.start);
    let (end_line, end_column) = source.line_col(span.end.max(span.start));
    Region {
        start_line,
        start_column,
        end_line,
        end_column,
    }
}

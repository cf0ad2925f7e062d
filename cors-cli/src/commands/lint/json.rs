//! `cors lint --format json`: a JSON array, one object per diagnostic.
//!
//! The shape is a contract for scripts: fields are only ever added.

use std::io::Write;

use cors_policy::Report;
use serde::Serialize;

use super::region;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    code: &'static str,
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    label: &'a str,
    help: Option<&'a str>,
    /// Which policy and profile, when the file has several.
    context: Option<&'a str>,
    /// The rule's machine fix, when it has one.
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    /// `safe` (applied by `cors lint --fix`) or `unsafe`.
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    replacement: &'a str,
}

pub(super) fn write(out: &mut dyn Write, reports: &[Report]) -> std::io::Result<()> {
    let items: Vec<JsonDiagnostic<'_>> = reports
        .iter()
        .flat_map(|report| {
            report.diagnostics().iter().map(move |d| {
                let r = region(report.source(), &d.span);
                JsonDiagnostic {
                    file: &report.source().name,
                    code: d.code,
                    rule: d.rule,
                    severity: d.severity.as_str(),
                    message: &d.message,
                    line: r.start_line,
                    column: r.start_column,
                    end_line: r.end_line,
                    end_column: r.end_column,
                    label: &d.label,
                    help: d.help.as_deref(),
                    context: d.context.as_deref(),
                    fix: d.fix.as_ref().map(|f| JsonFix {
                        title: &f.title,
                        applicability: f.applicability.as_str(),
                        edits: f
                            .edits
                            .iter()
                            .map(|e| {
                                let r = region(report.source(), &e.span);
                                JsonEdit {
                                    line: r.start_line,
                                    column: r.start_column,
                                    end_line: r.end_line,
                                    end_column: r.end_column,
                                    replacement: &e.replacement,
                                }
                            })
                            .collect(),
                    }),
                }
            })
        })
        .collect();
    let text = serde_json::to_string_pretty(&items).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

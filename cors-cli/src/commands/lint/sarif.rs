//! `cors lint --format sarif`: SARIF 2.1.0, which GitHub code scanning shows
//! inline in pull requests.

use std::io::Write;

use cors_policy::rules;
use cors_policy::{Report, Severity};
use serde_json::{Value, json};

use super::region;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The SARIF log for `reports`.
pub(super) fn log(reports: &[Report]) -> Value {
    let rules: Vec<Value> = rules::all()
        .map(|meta| {
            json!({
                "id": meta.code,
                "name": meta.name,
                "shortDescription": { "text": meta.summary },
                "fullDescription": { "text": meta.summary },
                "help": { "text": meta.doc, "markdown": meta.doc },
                "defaultConfiguration": { "level": level(meta.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|report| {
            report.diagnostics().iter().map(move |d| {
                let r = region(report.source(), &d.span);
                let rule_index = rules::all().position(|rule| rule.code == d.code);
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str("\nhelp: ");
                    message.push_str(help);
                }
                let mut result = json!({
                    "ruleId": d.code,
                    "ruleIndex": rule_index,
                    "level": level(d.severity),
                    "message": { "text": message },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": { "uri": report.source().name },
                            "region": sarif_region(&r),
                        },
                    }],
                });
                if let Some(fix) = &d.fix {
                    let replacements: Vec<Value> = fix
                        .edits
                        .iter()
                        .map(|e| {
                            json!({
                                "deletedRegion": sarif_region(&region(report.source(), &e.span)),
                                "insertedContent": { "text": e.replacement },
                            })
                        })
                        .collect();
                    result["fixes"] = json!([{
                        "description": { "text": fix.title },
                        "artifactChanges": [{
                            "artifactLocation": { "uri": report.source().name },
                            "replacements": replacements,
                        }],
                    }]);
                }
                result
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cors",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

pub(super) fn write(out: &mut dyn Write, reports: &[Report]) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(&log(reports)).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

fn sarif_region(r: &super::Region) -> Value {
    json!({
        "startLine": r.start_line,
        "startColumn": r.start_column,
        "endLine": r.end_line,
        "endColumn": r.end_column,
    })
}

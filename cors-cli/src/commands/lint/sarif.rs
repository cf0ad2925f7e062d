//! `cors lint --format sarif`: SARIF 2.1.0, which GitHub code scanning shows
//! inline in pull requests.

use std::io::Write;

use cors_policy::rules::RULES;
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
    let rules: Vec<Value> = RULES
        .iter()
        .map(|rule| {
            let meta = rule.meta();
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
                let rule_index = RULES.iter().position(|rule| rule.meta().code == d.code);
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str("\nhelp: ");
                    message.push_str(help);
                }
                json!({
                    "ruleId": d.code,
                    "ruleIndex": rule_index,
                    "level": level(d.severity),
                    "message": { "text": message },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": { "uri": report.source().name },
                            "region": {
                                "startLine": r.start_line,
                                "startColumn": r.start_column,
                                "endLine": r.end_line,
                                "endColumn": r.end_column,
                            },
                        },
                    }],
                })
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

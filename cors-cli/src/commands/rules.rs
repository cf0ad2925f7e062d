//! `cors rules [ID]`: the catalogue, or one rule's full doc.

use std::io::Write;

use cors_policy::rules::{self, find};

use super::EXIT_USAGE;
use crate::cli::RulesArgs;

pub(crate) fn run(args: &RulesArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let written = match &args.rule {
        None => rules::all().try_for_each(|meta| {
            writeln!(
                out,
                "{:<8} {:<8} {:<38} {}",
                meta.code,
                meta.severity.as_str(),
                meta.name,
                meta.summary
            )
        }),
        Some(id) => match find(id) {
            Some(meta) => writeln!(
                out,
                "{} {} ({}{})\n\n{}\n\n{}",
                meta.code,
                meta.name,
                meta.severity.as_str(),
                if meta.configurable {
                    ", configurable in [lints]"
                } else {
                    ", cannot be relaxed"
                },
                meta.summary,
                meta.doc.trim_end()
            ),
            None => {
                let _ = writeln!(
                    err,
                    "error: no rule {id:?}: `cors rules` lists every code and name"
                );
                return EXIT_USAGE;
            }
        },
    };
    if written.is_err() { EXIT_USAGE } else { 0 }
}

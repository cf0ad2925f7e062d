//! One module per subcommand.

pub(crate) mod check;

use std::io::Write;

use cors_policy::{Selection, Source};

use crate::cli::PolicyArgs;
use crate::render;

/// Exit status for a usage error, an unreadable file or an invalid policy.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Reads and compiles the selected policy, printing diagnostics to `err`.
/// Warnings are printed too; `Err` carries the exit status.
pub(crate) fn load_policy(
    args: &PolicyArgs,
    err: &mut dyn Write,
) -> Result<cors_runtime::OwnedPolicy, u8> {
    let path = &args.policy_file;
    let text = std::fs::read_to_string(path).map_err(|e| {
        let _ = writeln!(
            err,
            "error: cannot read policy file {}: {e}",
            path.display()
        );
        EXIT_USAGE
    })?;
    let source = Source::new(path.display().to_string(), text);
    let selection = Selection {
        policy: args.policy.clone(),
        profile: args.profile.clone(),
    };
    match cors_policy::compile(&source, &selection) {
        Ok(compiled) => {
            if !compiled.warnings().diagnostics().is_empty() {
                let _ = write!(err, "{}", render::diagnostics(compiled.warnings()));
            }
            Ok(compiled.to_owned_policy())
        }
        Err(report) => {
            let _ = write!(err, "{}", render::diagnostics(&report));
            let _ = writeln!(err, "error: {} is not a valid policy", path.display());
            Err(EXIT_USAGE)
        }
    }
}

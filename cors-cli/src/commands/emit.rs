//! `cors emit`: a proxy's configuration from a policy. The backends live in
//! `cors_policy::emit`; this only selects and writes.

use std::io::Write;

use cors_policy::Selection;
use cors_policy::emit::target::{Full, Target};

use super::{EXIT_USAGE, load_compiled, render};
use crate::cli::{EmitArgs, EmitTarget};

fn target(t: EmitTarget) -> Target {
    match t {
        EmitTarget::Nginx => Target::Nginx,
        EmitTarget::Caddy => Target::Caddy,
        EmitTarget::Haproxy => Target::Haproxy,
        EmitTarget::Apache => Target::Apache,
        EmitTarget::S3 => Target::S3,
        EmitTarget::Gcs => Target::Gcs,
    }
}

/// The capability tables, for `cors emit --help`.
pub(crate) fn capability_help() -> String {
    let mut out = String::from("What each target expresses of a policy:\n");
    for t in Target::ALL {
        let c = t.capabilities();
        out.push_str(&format!("\n{}:\n{}", c.target, c.text()));
    }
    out
}

pub(crate) fn run(args: &EmitArgs, err: &mut dyn Write) -> u8 {
    let selection = Selection {
        policy: args.policy.policy.clone(),
        profile: args.policy.profile.clone(),
    };
    let Ok(loaded) = load_compiled(&args.policy.policy_file, selection, err) else {
        return EXIT_USAGE;
    };
    let full = match (&args.listen, &args.upstream) {
        (Some(listen), Some(upstream)) => Some(Full {
            listen: listen.clone(),
            upstream: upstream.clone(),
        }),
        _ => None,
    };
    let name = args.policy.policy_file.file_name().map_or_else(
        || loaded.source.name.clone(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = match target(args.target).emit(&loaded.compiled, &name, full.as_ref()) {
        Ok(text) => text,
        Err(cors_policy::Error::Policy(report)) => {
            let _ = write!(err, "{}", render::diagnostics(&report));
            let _ = writeln!(
                err,
                "error: {} cannot express this policy exactly; nothing was written",
                target(args.target).capabilities().target
            );
            return EXIT_USAGE;
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_USAGE;
        }
    };
    let written = match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display())),
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string()),
    };
    match written {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "error: cannot write the configuration: {e}");
            EXIT_USAGE
        }
    }
}

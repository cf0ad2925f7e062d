use super::{Finding, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

/// Reported by [`crate::compile`] when the lookup tables cannot be built; no
/// file-level check can see it coming, so the rule itself checks nothing.
pub(crate) struct TableLayout;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS006",
    name: "table-layout",
    severity: Severity::Error,
    configurable: false,
    summary: "The policy's lookup tables could not be built",
    doc: r#"## What it does
Reports a policy whose origins, methods or header names cannot be laid out in
the compiled lookup tables: more than 2^32 bytes of keys, or keys whose hashes
collide on every seed the builder tries (48 seeds over three layouts). The
search is bounded, so compiling never hangs, whatever the keys.

## Why is this bad
The policy cannot be compiled as written.

## How to fix
Split a list that exceeds the size limit. A collision on every seed has never
been seen for real keys: report the key set.

## Example
No policy file written by hand triggers it; compiling reports it as
`error[CORS006]: the lookup tables cannot be built: …` at the policy."#,
};

impl Rule for TableLayout {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}

/// The diagnostic of a policy (named at `span`) whose tables failed to build.
pub(crate) fn diagnostic(
    span: std::ops::Range<usize>,
    error: cors_runtime::__private::BuildError,
) -> Diagnostic {
    super::unrelaxable(
        META,
        Finding::new(
            span,
            format!("the lookup tables cannot be built: {error}"),
            "this policy",
        )
        .help("split the policy's lists, or report the key set"),
    )
}

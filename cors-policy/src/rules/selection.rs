use super::{Rule, RuleMeta};
use crate::diagnostic::Severity;

/// Selection problems are reported by the compiler, not found by a check.
pub(crate) struct Selection;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS005",
    name: "unknown-selection",
    severity: Severity::Error,
    configurable: false,
    summary: "The requested policy or profile is not in the file",
    doc: r#"## What it does
Reported when `cors_policy!`, the build-script API, `cors check` or
`cors_policy::load` asks for a policy or profile the file does not define, or
names no policy in a file that has several.

## Why is this bad
Compiling a different policy than the one asked for would be a silent
misconfiguration.

## How to fix
Use one of the names the message lists: `policy = "api"` (or `--policy api`)
selects `[policies.api]`, `profile = "dev"` (or `--profile dev`) selects
`[profiles.dev]` of that policy.

## Example
```rust,ignore
cors_policy!(file = "cors.toml", policy = "api", profile = "staging")
// cors.toml only has [policies.api.profiles.dev]
```
Use instead:
```rust,ignore
cors_policy!(file = "cors.toml", policy = "api", profile = "dev")
```"#,
};

pub(crate) static SELECTION: &RuleMeta = META;

impl Rule for Selection {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}

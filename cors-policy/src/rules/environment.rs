use super::{Finding, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

/// Placeholder problems are found by [`crate::env`] (substitution) and by
/// [`crate::compile`] (a placeholder left in a file compiled without an
/// environment); this rule renders them.
pub(crate) struct Environment;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS007",
    name: "environment-placeholder",
    severity: Severity::Error,
    configurable: false,
    summary: "An environment placeholder that is not set, not a whole string, or not substituted",
    doc: r#"## What it does
A policy loaded at run time may take values from the environment: a
string that is exactly `"${NAME}"` is replaced by the variable `NAME`, and
in a list (`origins`, `methods`, …) by its comma-separated items, each
checked by every other rule as if written in the file. This rule reports a
variable that is not set (or is empty in a list), a placeholder inside a
longer string, and a placeholder in a file compiled without an environment
— by `cors_policy!`, `build.rs` or `cors lint`, which never read the build
machine's environment.

## Why is this bad
A policy whose allowed origins silently depend on whatever the build
machine's environment held, or that falls back to an empty list when a
deployment forgot a variable, is a misconfiguration nobody sees.

## How to fix
Set the variable, or write the values in the file. Load the file with
`cors_policy::load_file_with_env` (or `load_with_env`) where it should be
substituted; keep the macro for files without placeholders.

## Example
```toml
origins = ["https://app.example.com/${PATH}"]
```
Use instead (with `CORS_ORIGINS=https://app.example.com,https://admin.example.com`):
```toml
origins = ["${CORS_ORIGINS}"]
```"#,
};

impl Rule for Environment {
    fn meta(&self) -> &'static RuleMeta {
        META
    }
}

/// A variable the placeholder at `span` names is not set.
pub(crate) fn unset(span: std::ops::Range<usize>, name: &str) -> Diagnostic {
    super::unrelaxable(
        META,
        Finding::new(
            span,
            format!("environment variable `{name}` is not set"),
            "substituted from the environment",
        )
        .help(format!("set `{name}`, or write the values in the file")),
    )
}

/// The variable is set but empty where a list needs at least one item.
pub(crate) fn empty(span: std::ops::Range<usize>, name: &str) -> Diagnostic {
    super::unrelaxable(
        META,
        Finding::new(
            span,
            format!("environment variable `{name}` is empty"),
            "a list item from the environment",
        )
        .help(format!(
            "set `{name}` to comma-separated values, or remove the placeholder"
        )),
    )
}

/// `${` inside a longer string.
pub(crate) fn partial(span: std::ops::Range<usize>) -> Diagnostic {
    super::unrelaxable(
        META,
        Finding::new(
            span,
            "an environment placeholder must be the whole string",
            "a placeholder inside a longer string",
        )
        .help("write the whole value in the variable: `\"${NAME}\"`"),
    )
}

/// A placeholder in a file compiled without an environment.
pub(crate) fn not_substituted(span: std::ops::Range<usize>, name: &str) -> Diagnostic {
    super::unrelaxable(
        META,
        Finding::new(
            span,
            format!("`${{{name}}}` is an environment placeholder, and this file is compiled without an environment"),
            "not substituted",
        )
        .help("load the file with `cors_policy::load_file_with_env`; `cors_policy!`, `build.rs` and `cors lint` never read the build machine's environment"),
    )
}

/// A placeholder where values must be written in the file: a lint level
/// (a variable must not switch a check off), or a key or table name.
pub(crate) fn not_here(span: std::ops::Range<usize>, place: &str) -> Diagnostic {
    super::unrelaxable(
        META,
        Finding::new(
            span,
            format!("an environment placeholder cannot be {place}"),
            "not substituted here",
        )
        .help("write it in the file; placeholders stand for values of policy settings"),
    )
}

/// A variable whose value holds a placeholder itself.
pub(crate) fn nested(span: std::ops::Range<usize>, name: &str) -> Diagnostic {
    super::unrelaxable(
        META,
        Finding::new(
            span,
            format!("the value of `{name}` contains `${{`: values are not substituted again"),
            "substituted from the environment",
        )
        .help(format!("set `{name}` to the values themselves")),
    )
}

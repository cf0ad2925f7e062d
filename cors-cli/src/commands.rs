//! One module per subcommand.

pub(crate) mod check;
pub(crate) mod emit;
pub(crate) mod explain;
pub(crate) mod import;
pub(crate) mod lint;
pub(crate) mod probe;
pub(crate) mod rules;
pub(crate) mod schema;

use std::io::Write;

use cors_policy::{Selection, Source};

use crate::cli::PolicyArgs;
use crate::render;

/// Exit status for a usage error, an unreadable file or an invalid policy.
pub(crate) const EXIT_USAGE: u8 = 2;

/// A policy file read and compiled.
pub(crate) struct Loaded {
    pub(crate) source: Source,
    pub(crate) selection: Selection,
    pub(crate) compiled: cors_policy::Compiled,
}

/// Reads and compiles the selected policy of `path`, printing diagnostics
/// (warnings too) to `err`; `Err` carries the exit status.
pub(crate) fn load_compiled(
    path: &std::path::Path,
    selection: Selection,
    err: &mut dyn Write,
) -> Result<Loaded, u8> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let _ = writeln!(
            err,
            "error: cannot read policy file {}: {e}",
            path.display()
        );
        EXIT_USAGE
    })?;
    let source = Source::new(path.display().to_string(), text);
    match cors_policy::compile(&source, &selection) {
        Ok(compiled) => {
            if !compiled.warnings().diagnostics().is_empty() {
                let _ = write!(err, "{}", render::diagnostics(compiled.warnings()));
            }
            Ok(Loaded {
                source,
                selection,
                compiled,
            })
        }
        Err(report) => {
            let _ = write!(err, "{}", render::diagnostics(&report));
            let _ = writeln!(err, "error: {} is not a valid policy", path.display());
            Err(EXIT_USAGE)
        }
    }
}

/// Reads and compiles the selected policy, printing diagnostics to `err`.
/// Warnings are printed too; `Err` carries the exit status.
pub(crate) fn load_policy(
    args: &PolicyArgs,
    err: &mut dyn Write,
) -> Result<cors_runtime::OwnedPolicy, u8> {
    let selection = Selection {
        policy: args.policy.clone(),
        profile: args.profile.clone(),
    };
    load_compiled(&args.policy_file, selection, err).map(|l| l.compiled.to_owned_policy())
}

/// Parses `Name: value`. The name must be an HTTP token; the value is
/// trimmed of surrounding spaces and tabs and may not contain CR or LF.
pub(crate) fn parse_header(raw: &str) -> Result<(String, String), String> {
    let Some((name, value)) = raw.split_once(':') else {
        return Err(format!(
            "malformed --header {raw:?}: write it as 'Name: value'"
        ));
    };
    if !cors_runtime::is_token(name.as_bytes()) {
        return Err(format!(
            "malformed --header {raw:?}: {name:?} is not a header name"
        ));
    }
    let value = value.trim_matches([' ', '\t']);
    if value.contains(['\r', '\n', '\0']) {
        return Err(format!(
            "malformed --header {raw:?}: a value cannot contain CR, LF or NUL"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

/// Parses every `--header`, printing the first error.
pub(crate) fn parse_headers(
    raw: &[String],
    err: &mut dyn Write,
) -> Result<Vec<(String, String)>, u8> {
    raw.iter()
        .map(|h| parse_header(h))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|message| {
            let _ = writeln!(err, "error: {message}");
            EXIT_USAGE
        })
}

/// Builds the browser request of `--origin`, `--method`, `--header` and
/// `--credentials`.
pub(crate) fn browser_request(
    args: &crate::cli::BrowserRequestArgs,
    url: &str,
    err: &mut dyn Write,
) -> Result<crate::browser::BrowserRequest, u8> {
    let headers = parse_headers(&args.headers, err)?;
    if !cors_runtime::is_token(args.method.as_bytes()) {
        let _ = writeln!(
            err,
            "error: malformed --method {:?}: a method is an HTTP token such as GET or PATCH",
            args.method
        );
        return Err(EXIT_USAGE);
    }
    crate::browser::BrowserRequest::new(url, &args.origin, &args.method, &headers, args.credentials)
        .map_err(|message| {
            let _ = writeln!(err, "error: {message}");
            EXIT_USAGE
        })
}

#[cfg(test)]
mod tests {
    use super::parse_header;

    #[test]
    fn header_arguments() {
        assert_eq!(
            parse_header("Origin: https://a.example").unwrap(),
            ("Origin".into(), "https://a.example".into())
        );
        assert_eq!(parse_header("x-a:\t v \t").unwrap().1, "v");
        assert_eq!(parse_header("x-empty:").unwrap().1, "");
        for bad in ["Origin https://a", ": x", "bad name: x", "x: a\r\nb"] {
            assert!(parse_header(bad).is_err(), "{bad}");
        }
    }
}

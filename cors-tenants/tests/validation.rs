//! Tenant-submitted origins are checked by the rules of policy files: the
//! same codes, messages and help as `cors lint` gives for a file with those
//! origins, each tied to the origin it is about; nothing a tenant submits
//! is read as anything but an origin.

use cors_policy::{Severity, Source};
use cors_tenants::{Error, Platform, TenantSpec};

const BASE: &str = "origins = []\nmethods = [\"GET\", \"PUT\"]\ncredentials = true\n";

fn check(
    origins: &[&str],
) -> Result<Vec<(String, Option<usize>)>, Vec<cors_policy::tenant::TenantDiagnostic>> {
    let platform = Platform::new(&Source::new("platform.toml", BASE), "default").unwrap();
    let spec = TenantSpec {
        id: "t".into(),
        origins: origins.iter().map(|o| o.to_string()).collect(),
        plan: None,
    };
    match platform.check(&spec) {
        Ok(checked) => Ok(checked
            .warnings()
            .iter()
            .map(|d| (d.code.to_string(), d.origin_index))
            .collect()),
        Err(Error::Origins(diagnostics)) => Err(diagnostics),
        Err(other) => panic!("{other}"),
    }
}

/// What `cors lint` says about a policy file with these origins (and the
/// base's other settings), as (code, message, help).
fn lint_of_file(origins: &[&str]) -> Vec<(String, String, Option<String>)> {
    let list: Vec<String> = origins.iter().map(|o| format!("{o:?}")).collect();
    let text = format!(
        "{}origins = [{}]\n",
        BASE.replace("origins = []\n", ""),
        list.join(", ")
    );
    let report = cors_policy::check(&Source::new("file.toml", text));
    report
        .diagnostics()
        .iter()
        .map(|d| (d.code.to_string(), d.message.clone(), d.help.clone()))
        .collect()
}

#[test]
fn refusals_are_the_lints_of_a_policy_file() {
    for origins in [
        &["https://*.com"][..],
        &["https://app.example.com/path"],
        &["null"],
        &["*"],
        &["http://app.example.com"],
        &["https://app.example.com", "https://app.example.com"],
        &["https://*.example.com", "https://a.example.com"],
        &["HTTPS://App.Example.com/"],
        &["https://app.example.com:99999"],
        &["not an origin"],
    ] {
        let tenant: Vec<(String, String, Option<String>)> = match check(origins) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics
                .iter()
                .map(|d| (d.code.to_string(), d.message.clone(), d.help.clone()))
                .collect(),
        };
        let file: Vec<_> = lint_of_file(origins);
        if tenant.is_empty() {
            assert!(
                !file.iter().any(|(code, ..)| code.starts_with("CORS")
                    && cors_policy::rules::all()
                        .any(|r| r.code == code && r.severity == Severity::Error)),
                "{origins:?}: the file has errors {file:?}"
            );
            continue;
        }
        for d in &tenant {
            assert!(
                file.contains(d),
                "{origins:?}: {d:?} is not among the file's {file:?}"
            );
        }
    }
}

#[test]
fn each_diagnostic_names_the_origin_it_is_about() {
    let diagnostics = check(&[
        "https://ok.example",
        "https://*.co.uk",
        "https://fine.example",
        "null",
    ])
    .unwrap_err();
    let about: Vec<(&str, Option<usize>, Option<&str>)> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.code, d.origin_index, d.origin.as_deref()))
        .collect();
    assert!(
        about.contains(&("CORS104", Some(1), Some("https://*.co.uk"))),
        "{about:?}"
    );
    assert!(
        about
            .iter()
            .any(|(_, i, o)| *i == Some(3) && *o == Some("null")),
        "{about:?}"
    );
    assert!(
        about.iter().all(|(_, i, _)| *i != Some(0) && *i != Some(2)),
        "{about:?}"
    );
}

#[test]
fn warnings_pass_and_are_reported_with_their_origin() {
    let warnings = check(&["https://*.example.com", "https://a.example.com"]).unwrap();
    assert!(
        warnings.iter().any(|(_, index)| *index == Some(1)),
        "{warnings:?}"
    );
}

/// An origin is a TOML string in the document the rules read, written by
/// `toml_edit`: quotes, newlines and brackets stay inside it.
#[test]
fn a_submitted_origin_cannot_add_settings() {
    for hostile in [
        "https://a.example\"]\ncredentials = false\norigins = [\"*",
        "https://a.example'''\n[lints]\ninvalid-origin = \"allow\"\n'''",
        "https://a.example\\\"\n\"",
        "https://a.example\u{0}\u{2028}\r",
    ] {
        let diagnostics = check(&[hostile]).unwrap_err();
        assert!(
            diagnostics
                .iter()
                .all(|d| d.origin_index == Some(0) && d.origin.as_deref() == Some(hostile)),
            "{hostile:?}: {diagnostics:?}"
        );
        assert!(
            diagnostics.iter().any(|d| d.severity == Severity::Error),
            "{hostile:?}"
        );
    }
}

#[test]
fn the_base_files_lint_levels_apply_to_tenants() {
    let base =
        "[lints]\nprivate-origin-outside-dev = \"allow\"\n[policies.default]\norigins = []\n";
    let strict = Platform::new(&Source::new("p.toml", "origins = []\n"), "default").unwrap();
    let relaxed = Platform::new(&Source::new("p.toml", base), "default").unwrap();
    let spec = TenantSpec {
        id: "t".into(),
        origins: vec!["http://localhost:3000".into()],
        plan: None,
    };
    let warned = strict.check(&spec).map(|c| c.warnings().len());
    let quiet = relaxed.check(&spec).map(|c| c.warnings().len());
    assert_ne!(warned.clone().ok(), Some(0), "{warned:?}");
    assert_eq!(quiet.ok(), Some(0));
}

//! Policies from the environment: `"${NAME}"` placeholders substituted by
//! `load_with_env` / `compile_with_env`, every substituted value checked
//! by the same rules, diagnostics on the placeholder naming the variable,
//! and no other entry point reading the environment.

use cors_policy::env::compile_with_env;
use cors_policy::{Selection, Source};
use cors_runtime::PolicySource;

fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }
}

fn source(text: &str) -> Source {
    Source::new("cors.toml", text)
}

#[test]
fn a_list_placeholder_expands_to_the_variables_items() {
    let s = source(
        "origins = [\"https://fixed.example\", \"${CORS_ORIGINS}\"]\nmethods = [\"${METHODS}\"]\non_reject = \"${ON_REJECT}\"\n",
    );
    let env = vars(&[
        ("CORS_ORIGINS", " https://a.example , https://*.b.example,,"),
        ("METHODS", "GET,PUT"),
        ("ON_REJECT", "forbid"),
    ]);
    let policy = cors_policy::load_with_env(&s, &Selection::default(), env).unwrap();
    let view = policy.policy();
    for origin in [
        "https://fixed.example",
        "https://a.example",
        "https://eu.b.example",
    ] {
        assert!(view.allows_origin(origin.as_bytes()), "{origin}");
    }
    assert!(!view.allows_origin(b"https://b.example"));
    assert_eq!(view.on_reject(), cors_policy::OnReject::Forbid);
}

#[test]
fn an_unset_variable_is_an_error_naming_it_at_its_placeholder() {
    let text = "origins = [\"${CORS_ORIGINS}\"]\nexpose_headers = [\"${EXPOSE}\"]\n";
    let report = compile_with_env(&source(text), &Selection::default(), vars(&[])).unwrap_err();
    let found: Vec<(&str, &str, String)> = report
        .diagnostics()
        .iter()
        .map(|d| (d.code, &text[d.span.clone()], d.message.clone()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "CORS007",
                "\"${CORS_ORIGINS}\"",
                "environment variable `CORS_ORIGINS` is not set".to_string()
            ),
            (
                "CORS007",
                "\"${EXPOSE}\"",
                "environment variable `EXPOSE` is not set".to_string()
            ),
        ]
    );
    let empty = compile_with_env(
        &source(text),
        &Selection::default(),
        vars(&[("CORS_ORIGINS", " , "), ("EXPOSE", "x-id")]),
    )
    .unwrap_err();
    assert_eq!(
        empty.diagnostics()[0].message,
        "environment variable `CORS_ORIGINS` is empty"
    );
}

#[test]
fn a_substituted_value_is_checked_by_every_rule_at_its_placeholder() {
    let text = "origins = [\"${CORS_ORIGINS}\"]\ncredentials = true\nmax_age = 100000\n";
    let report = compile_with_env(
        &source(text),
        &Selection::default(),
        vars(&[("CORS_ORIGINS", "https://app.example.com,https://*.com")]),
    )
    .unwrap_err();
    let suffix = report
        .diagnostics()
        .iter()
        .find(|d| d.code == "CORS104")
        .expect("CORS104");
    assert_eq!(&text[suffix.span.clone()], "\"${CORS_ORIGINS}\"");
    assert!(
        suffix
            .label
            .contains("from `CORS_ORIGINS`: `https://*.com`"),
        "{}",
        suffix.label
    );
    // A span after the expansion still points at its own text in the file.
    let age = report
        .diagnostics()
        .iter()
        .find(|d| d.code == "CORS401")
        .expect("CORS401");
    assert_eq!(&text[age.span.clone()], "100000");
    // The rendering draws the file as written.
    let rendered = report.to_string();
    assert!(rendered.contains("cors.toml:1:12"), "{rendered}");
}

#[test]
fn a_variable_cannot_add_a_key_or_end_the_list() {
    let text = "origins = [\"${CORS_ORIGINS}\"]\n";
    let hostile = "https://a.example\"]\ncredentials = true\norigins = [\"*";
    let env = move |_: &str| Some(hostile.to_string());
    let report = compile_with_env(&source(text), &Selection::default(), env).unwrap_err();
    assert!(report.has_errors());
    assert!(
        report
            .diagnostics()
            .iter()
            .all(|d| &text[d.span.clone()] == "\"${CORS_ORIGINS}\""),
        "{report}"
    );
}

#[test]
fn without_an_environment_a_placeholder_is_refused_not_read() {
    // `compile`, `check` and `load` (and `cors_policy!`, which calls
    // `compile`) take no environment: a placeholder is an error there.
    let text = "origins = [\"${CORSC_TEST_ORIGINS}\"]\n";
    let compiled = cors_policy::compile(&source(text), &Selection::default());
    let report = compiled.unwrap_err();
    assert_eq!(report.diagnostics().len(), 1, "{report}");
    let d = &report.diagnostics()[0];
    assert_eq!(d.code, "CORS007");
    assert!(
        d.message.contains("compiled without an environment"),
        "{}",
        d.message
    );
    let lint = cors_policy::check(&source(text));
    assert_eq!(
        lint.diagnostics()
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>(),
        ["CORS007"]
    );
    assert!(cors_policy::load(text).is_err());
}

#[test]
fn a_placeholder_inside_a_longer_string_is_refused() {
    let text = "origins = [\"https://${TENANT}.example.com\"]\n";
    let report =
        compile_with_env(&source(text), &Selection::default(), |_| Some("a".into())).unwrap_err();
    assert_eq!(report.diagnostics()[0].code, "CORS007");
    assert_eq!(
        report.diagnostics()[0].message,
        "an environment placeholder must be the whole string"
    );
}

// Review findings: each of these was accepted, or mis-reported, before its
// fix.

#[test]
fn bucket_refusals_check_the_substituted_values() {
    let refuses = |text: &str, value: &'static str| {
        let compiled = compile_with_env(&source(text), &Selection::default(), move |_| {
            Some(value.into())
        })
        .unwrap();
        cors_policy::emit::s3::configuration(&compiled, text).is_err()
    };
    // S3's `*` matches hosts the policy refuses; `AllowedHeaders: *` covers Authorization.
    assert!(
        refuses(
            "origins = [\"${O}\"]\ncredentials = true\n",
            "https://*.example.com"
        ),
        "CORS501"
    );
    assert!(
        refuses("origins = \"${O}\"\nallow_headers = \"${O}\"\n", "*"),
        "CORS504"
    );
}

#[test]
fn no_lint_level_key_or_table_name_comes_from_the_environment() {
    let text = "origins = [\"${O}\"]\ncredentials = true\n[lints]\ninsecure-origin-with-credentials = \"${LEVEL}\"\n";
    let env = |n: &str| {
        Some(
            if n == "O" {
                "http://intranet.example.com"
            } else {
                "allow"
            }
            .to_string(),
        )
    };
    let report = cors_policy::load_with_env(&source(text), &Selection::default(), env).unwrap_err();
    let d = &report.diagnostics()[0];
    assert_eq!(
        (d.code, d.message.as_str()),
        (
            "CORS007",
            "an environment placeholder cannot be a lint level"
        )
    );
    assert_eq!(&text[d.span.clone()], "\"${LEVEL}\"");
    let keyed = "[policies.\"${NAME}\"]\norigins = [\"https://a.example\"]\n";
    let lint = cors_policy::check(&source(keyed));
    assert!(
        lint.diagnostics()
            .iter()
            .any(|d| d.message == "an environment placeholder cannot be a key or table name"),
        "{lint}"
    );
}

#[test]
fn a_value_is_escaped_in_labels_and_not_substituted_again() {
    let text = "on_reject = \"${R}\"\norigins = [\"https://a.example\"]\n";
    let report = compile_with_env(&source(text), &Selection::default(), |_| {
        Some("\u{1b}]0;x\u{7}".into())
    })
    .unwrap_err();
    let label = &report.diagnostics()[0].label;
    assert!(!label.chars().any(char::is_control), "{label:?}");
    let nested = compile_with_env(
        &source("origins = [\"${O}\"]\n"),
        &Selection::default(),
        |_| Some("${Y}".into()),
    )
    .unwrap_err();
    assert_eq!(
        nested.diagnostics()[0].message,
        "the value of `O` contains `${`: values are not substituted again"
    );
}

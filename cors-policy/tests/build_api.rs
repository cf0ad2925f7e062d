//! The build-script API: valid policies become `pub static` items, an invalid
//! one fails with its diagnostics, a missing file with its path.

use cors_policy::Builder;
use cors_policy::{Error, Selection};

fn dir() -> std::path::PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("build-api");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn valid_policies_become_statics() {
    let d = dir();
    std::fs::write(
        d.join("ok.toml"),
        "[policies.api]\norigins = [\"https://app.example.com\"]\n",
    )
    .unwrap();
    let code = Builder::new()
        .policy("API", "ok.toml", Selection::policy("api"))
        .generate(&d)
        .unwrap();
    assert!(
        code.contains("pub static API: ::cors_runtime::Policy<'static> = "),
        "{code}"
    );
    // The expression is token-printed (`:: cors_runtime :: Policy :: __from_raw`).
    assert!(code.contains("__from_raw"), "{code}");
}

#[test]
fn an_invalid_policy_fails_with_its_diagnostics() {
    let d = dir();
    std::fs::write(d.join("bad.toml"), "origins = \"*\"\ncredentials = true\n").unwrap();
    let err = Builder::new()
        .policy("BAD", "bad.toml", Selection::default())
        .generate(&d)
        .unwrap_err();
    let Error::Policy(report) = &err else {
        panic!("{err}")
    };
    assert_eq!(report.diagnostics()[0].code, "CORS201");
    assert!(err.to_string().contains("bad.toml:1:11"), "{err}");
}

#[test]
fn a_missing_file_names_its_path() {
    let err = Builder::new()
        .policy("X", "nope.toml", Selection::default())
        .generate(&dir())
        .unwrap_err();
    assert!(matches!(err, Error::Io { .. }));
    assert!(err.to_string().contains("nope.toml"), "{err}");
}

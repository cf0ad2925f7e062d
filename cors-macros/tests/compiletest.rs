//! Compile-fail tests: an invalid policy is a compile error that shows the
//! TOML file, line, column, a caret and the fix. The `.stderr` files in
//! `tests/ui/` are the exact messages users see.

use std::path::PathBuf;

/// trybuild compiles the cases in its own project directory, which is what
/// `CARGO_MANIFEST_DIR` points at during expansion. Copy the fixture policies
/// there so `file = "policies/…"` resolves exactly as in a user's crate.
fn install_fixture_policies() {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/compiletest-<hash>
    let target = exe.ancestors().nth(3).unwrap().to_path_buf();
    let project = target
        .join("tests")
        .join("trybuild")
        .join("cors-macros")
        .join("policies");
    std::fs::create_dir_all(&project).unwrap();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ui/policies");
    for entry in std::fs::read_dir(fixtures).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, project.join(path.file_name().unwrap())).unwrap();
    }
}

#[test]
fn ui() {
    install_fixture_policies();
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}

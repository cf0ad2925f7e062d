//! Arbitrary bytes as a policy file: the linter and the compiler never panic;
//! a file that compiles builds its tables and code, and what `check` calls
//! clean, `compile` accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let source = cors_policy::Source::new("fuzz.toml", text.as_ref());
    let report = cors_policy::check(&source);
    for d in report.diagnostics() {
        let _ = d.render(&source);
    }
    match cors_policy::compile(&source, &cors_policy::Selection::default()) {
        Ok(compiled) => {
            let owned = compiled.to_owned_policy();
            let _ = cors_policy::emit::rust::policy_expr(&owned);
        }
        Err(errors) => assert!(errors.has_errors() || !errors.diagnostics().is_empty()),
    }
});

//! Whole policy files drawn from the fuzzer's bytes (origins over public
//! suffixes and their parents, `null`, `*`, credentials in the base or a
//! profile, relaxed lints): whatever compiles must be safe by the
//! independent oracle of `cors_conformance::dangerous`.

#![no_main]

use cors_conformance::dangerous::{dangers, policy_from_bytes};
use cors_policy::{Selection, Source, compile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let toml = policy_from_bytes(bytes);
    let source = Source::new("fuzz.toml", toml.clone());
    for selection in [
        Selection::default(),
        Selection::default().with_profile("dev"),
    ] {
        if let Ok(c) = compile(&source, &selection) {
            let found = dangers(c.spec());
            assert!(
                found.is_empty(),
                "compiled a dangerous policy {found:?}:\n{toml}"
            );
        }
    }
});

//! Generated whole policy files, with and without their profile: whatever
//! compiles must be safe by the independent oracle of
//! `cors_conformance::dangerous`. The `policy_file_oracle` fuzz target runs the
//! same check on fuzzer-chosen bytes (`fuzz/README.md`).

use cors_conformance::dangerous::{dangers, policy_from_bytes};
use cors_policy::{Selection, Source, compile};
use proptest::prelude::*;

fn check(bytes: &[u8]) -> Result<usize, TestCaseError> {
    let toml = policy_from_bytes(bytes);
    let source = Source::new("generated.toml", toml.clone());
    let mut compiled = 0;
    for selection in [
        Selection::default(),
        Selection::default().with_profile("dev"),
    ] {
        if let Ok(c) = compile(&source, &selection) {
            compiled += 1;
            let found = dangers(c.spec());
            prop_assert!(
                found.is_empty(),
                "compiled a dangerous policy {found:?}:\n{toml}"
            );
        }
    }
    Ok(compiled)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn no_dangerous_policy_compiles(bytes in prop::collection::vec(any::<u8>(), 0..40)) {
        check(&bytes)?;
    }
}

/// The generator reaches policies that compile, so the property above is
/// not vacuous, and the oracle does flag what the compiler must refuse.
#[test]
fn the_generator_and_the_oracle_have_teeth() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let compiled: usize = (0..2000)
        .map(|_| {
            let bytes: Vec<u8> = (0..40)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (state >> 56) as u8
                })
                .collect();
            check(&bytes).unwrap()
        })
        .sum();
    assert!(
        compiled > 200,
        "only {compiled} of 4000 selections compiled"
    );
    for base in [
        "com",
        "ck",
        "github.io",
        "amazonaws.com",
        "compute.amazonaws.com",
        "test",
    ] {
        assert!(
            cors_conformance::dangerous::open_registration(base),
            "{base}"
        );
    }
    for base in [
        "example.com",
        "www.ck",
        "localhost",
        "y.x.compute.amazonaws.com",
    ] {
        assert!(
            !cors_conformance::dangerous::open_registration(base),
            "{base}"
        );
    }
}

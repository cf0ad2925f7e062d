//! Every example policy compiles, for every policy and profile it defines.

use cors_policy::{Severity, Source, check, compile, selections};

#[test]
fn example_policies_compile() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/policies");
    let mut compiled = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let source = Source::new(
            path.display().to_string(),
            std::fs::read_to_string(&path).unwrap(),
        );
        let report = check(&source);
        assert_eq!(report.count(Severity::Error), 0, "{report}");
        for selection in selections(&source) {
            compile(&source, &selection).unwrap_or_else(|r| panic!("{selection:?}: {r}"));
            compiled += 1;
        }
    }
    assert!(compiled >= 7, "{compiled}");
}

//! `testdata/dangerous/`: policy files that must never compile. Each starts
//! with `# expect: CODE`, the rule that must refuse it; compiling (with its
//! profile, if it has one) must fail with that code among the errors.

use std::path::PathBuf;

use cors_policy::{Selection, Severity, Source, compile};

#[test]
fn every_dangerous_policy_is_refused_by_its_rule() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/dangerous");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{}: no `# expect:` line", path.display()))
            .to_string();
        let source = Source::new(path.display().to_string(), text.clone());
        let profile = text
            .lines()
            .find_map(|l| l.strip_prefix("[profiles.")?.strip_suffix(']'));
        let mut selections = vec![Selection::default()];
        selections.extend(profile.map(|p| Selection::default().with_profile(p)));
        let mut refused = false;
        for selection in &selections {
            if let Err(report) = compile(&source, selection) {
                refused |= report
                    .diagnostics()
                    .iter()
                    .any(|d| d.code == code && d.severity == Severity::Error);
            }
        }
        assert!(refused, "{}: not refused with {code}", path.display());
        checked += 1;
    }
    assert!(checked >= 9, "{checked} files");
}

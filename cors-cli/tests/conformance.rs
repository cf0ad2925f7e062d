//! Runs the `testdata/` corpus through the `cors check --json` binary.

use std::process::Command;

use cors_conformance::{Observed, corpus};

#[test]
fn cors_check_passes_the_corpus() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-policies");
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in corpus() {
        let policy_path = dir.join(&file.file);
        std::fs::write(&policy_path, &file.policy).unwrap();
        for case in &file.cases {
            count += 1;
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_cors"));
            cmd.arg("check")
                .arg(&policy_path)
                .arg("--method")
                .arg(&case.method)
                .arg("--json");
            if let Some(p) = &case.select.policy {
                cmd.args(["--policy", p]);
            }
            if let Some(p) = &case.select.profile {
                cmd.args(["--profile", p]);
            }
            for (name, value) in case.header_pairs() {
                cmd.arg("--header")
                    .arg(format!("{name}: {}", String::from_utf8(value).unwrap()));
            }
            let out = cmd.output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}: {}",
                case.name,
                String::from_utf8_lossy(&out.stderr)
            );
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let observed = Observed {
                kind: json["kind"].as_str().unwrap().to_string(),
                status: json["status"].as_u64().map(|s| s as u16),
                headers: json["headers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|pair| {
                        [
                            pair[0].as_str().unwrap().to_string(),
                            pair[1].as_str().unwrap().to_string(),
                        ]
                    })
                    .collect(),
                body_code: json["body"]["code"].as_str().map(str::to_string),
            };
            assert!(
                json["reason"].as_str().is_some_and(|r| !r.is_empty()),
                "{}: no reason",
                case.name
            );
            if let Err(e) = case.check(&observed) {
                failures.push(format!("{}: {e}", file.file));
            }
        }
    }
    assert!(count > 100);
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

//! `cors lint`: human, JSON and SARIF output, colour, exit status, `--fix`,
//! and every rule's bad and good example through the binary.

mod common;

use common::{cors, scratch, text};
use cors_policy::rules;
use serde_json::Value;

const BROKEN: &str = "cors-cli/tests/fixtures/broken.toml";
const WARNINGS: &str = "cors-cli/tests/fixtures/warnings.toml";

#[test]
fn human_output() {
    let out = cors(&["lint", "--color", "never", BROKEN]);
    assert_eq!(out.status.code(), Some(1), "errors fail the lint");
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn json_output() {
    let out = cors(&["lint", "--format", "json", BROKEN]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn sarif_output() {
    let out = cors(&["lint", "--format", "sarif", BROKEN]);
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), rules::all().len(), "every rule is described");
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
    }
    // The results, without the (long) rule docs.
    insta::assert_json_snapshot!(run["results"]);
}

#[test]
fn colour_only_when_asked() {
    let always = cors(&["lint", "--color", "always", WARNINGS]);
    assert!(text(&always.stdout).contains("\u{1b}["), "ANSI escapes");
    let never = cors(&["lint", "--color", "never", WARNINGS]);
    assert!(!text(&never.stdout).contains("\u{1b}["));
    // `auto` with a pipe (not a terminal) is plain.
    let auto = cors(&["lint", WARNINGS]);
    assert!(!text(&auto.stdout).contains("\u{1b}["));
}

#[test]
fn exit_status() {
    let clean = cors(&[
        "lint",
        "examples/policies/api.toml",
        "examples/policies/multi-tenant.toml",
    ]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));
    assert!(text(&clean.stdout).ends_with("ok: 0 errors, 0 warnings, 0 notes in 2 files\n"));
    let warnings = cors(&["lint", WARNINGS]);
    assert_eq!(warnings.status.code(), Some(0), "warnings alone pass");
    let denied = cors(&["lint", "--deny", "warnings", WARNINGS]);
    assert_eq!(denied.status.code(), Some(1));
    let missing = cors(&["lint", "no/such/file.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read no/such/file.toml"));
    let usage = cors(&["lint", "--format", "xml", WARNINGS]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn fix_rewrites_in_place_and_reports() {
    let dir = scratch("lint-fix");
    let path = dir.join("fixable.toml");
    std::fs::copy("tests/fixtures/fixable.toml", &path).unwrap();
    let path_arg = path.to_str().unwrap();
    let out = cors(&["lint", "--fix", "--color", "never", path_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stderr).replace(path_arg, "fixable.toml");
    insta::assert_snapshot!("fix_report", report);
    insta::assert_snapshot!("fixed_file", std::fs::read_to_string(&path).unwrap());
    // Nothing left to report after the fix: each compiled policy's
    // fingerprint, then the summary.
    let stdout = text(&out.stdout).replace(path_arg, "fixable.toml");
    insta::assert_snapshot!("fixed_lint_output", stdout);
    assert!(stdout.ends_with("\nok: 0 errors, 0 warnings, 0 notes in 1 file\n"));
    assert!(
        stdout
            .lines()
            .rev()
            .skip(1)
            .all(|l| l.starts_with("fingerprint ")),
        "{stdout}"
    );
    let again = cors(&["lint", "--fix", path_arg]);
    assert!(
        text(&again.stderr).is_empty(),
        "a second --fix changes nothing"
    );
}

/// The ```toml blocks of the doc's example section: the bad and the good.
fn examples(doc: &str) -> Vec<String> {
    let section = doc.split("## Example").nth(1).unwrap_or("");
    section
        .split("```toml\n")
        .skip(1)
        .map(|block| block.split("```").next().unwrap().to_string())
        .collect()
}

#[test]
fn every_rule_has_a_failing_and_a_passing_fixture() {
    let dir = scratch("lint-rules");
    let mut checked = 0;
    for meta in rules::all() {
        let [bad, good] = examples(meta.doc)
            .try_into()
            .unwrap_or_else(|v: Vec<String>| {
                assert!(
                    matches!(meta.code, "CORS005" | "CORS006"),
                    "only the selection and table-layout rules have no file example: {v:?}"
                );
                [String::new(), String::new()]
            });
        if bad.is_empty() {
            continue;
        }
        let codes = |name: &str, body: &str| -> Vec<String> {
            let path = dir.join(format!("{}-{name}.toml", meta.code));
            std::fs::write(&path, body).unwrap();
            if meta.code.starts_with("CORS5") {
                // A bucket refusal runs in `cors emit`, for the target the
                // bad example's first line names.
                let target = bad
                    .lines()
                    .next()
                    .unwrap()
                    .trim_start_matches("# --target ");
                let out = cors(&["emit", path.to_str().unwrap(), "--target", target]);
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert_eq!(out.status.success(), !stderr.contains("error["), "{stderr}");
                return rules::all()
                    .filter(|r| stderr.contains(&format!("error[{}]", r.code)))
                    .map(|r| r.code.to_string())
                    .collect();
            }
            // CORS007's examples are a template: linted with `--env` and
            // its variable set, as it is loaded at run time.
            let out = if meta.code == "CORS007" {
                std::process::Command::new(env!("CARGO_BIN_EXE_cors"))
                    .args(["lint", "--env", "--format", "json", path.to_str().unwrap()])
                    .env(
                        "CORS_ORIGINS",
                        "https://app.example.com,https://admin.example.com",
                    )
                    .output()
                    .unwrap()
            } else {
                cors(&["lint", "--format", "json", path.to_str().unwrap()])
            };
            let json: Value = serde_json::from_slice(&out.stdout).unwrap();
            json.as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap().to_string())
                .collect()
        };
        assert!(
            codes("bad", &bad).contains(&meta.code.to_string()),
            "{}",
            meta.code
        );
        assert!(
            !codes("good", &good).contains(&meta.code.to_string()),
            "{}",
            meta.code
        );
        checked += 1;
    }
    assert_eq!(checked, rules::all().len() - 2);
}

//! Every rule's documentation examples are real: the bad example triggers the
//! rule (and its rendered diagnostics are snapshotted), the "use instead"
//! example does not.

use cors_policy::emit::target::Target;
use cors_policy::rules::{self, RuleMeta};
use cors_policy::{Error, Source, check, compile};

/// A bucket refusal (`CORS5xx`) runs when emitting: the bad example,
/// whose first line names the target (`# --target s3`), is refused with
/// the rule's diagnostic; the good one is emitted.
fn bucket_refusal(meta: &RuleMeta, bad: &str, good: &str) {
    let target = match bad.lines().next() {
        Some("# --target s3") => Target::S3,
        Some("# --target gcs") => Target::Gcs,
        other => panic!("{}: the bad example names no target: {other:?}", meta.code),
    };
    let emit = |name: &str, text: &str| {
        let source = Source::new(format!("{}-{name}.toml", meta.name), text);
        let compiled = compile(&source, &Default::default()).expect("the example compiles");
        target.emit(&compiled, &source.name, None)
    };
    match emit("bad", bad) {
        Err(Error::Policy(report)) => {
            assert!(
                report.diagnostics().iter().any(|d| d.code == meta.code),
                "{}: bad example not reported:\n{report}",
                meta.code
            );
            insta::assert_snapshot!(format!("{}-{}", meta.code, meta.name), report.to_string());
        }
        other => panic!("{}: bad example not refused: {other:?}", meta.code),
    }
    if let Err(e) = emit("good", good) {
        panic!("{}: good example refused:\n{e}", meta.code);
    }
}

/// The ```toml blocks of a doc, in order.
fn toml_blocks(doc: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = doc;
    while let Some(start) = rest.find("```toml\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("closed block");
        blocks.push(body[..end].to_string());
        rest = &body[end + 3..];
    }
    blocks
}

#[test]
fn doc_examples_trigger_their_rule_and_fixes_do_not() {
    let mut checked = 0;
    for meta in rules::all() {
        let blocks = toml_blocks(meta.doc);
        if matches!(meta.code, "CORS005" | "CORS006") {
            // Selection is about the macro call, not the file; its doc shows
            // Rust. A table layout failure needs keys whose hashes collide on
            // every seed, which no file written by hand has.
            assert!(blocks.is_empty());
            continue;
        }
        let example = meta
            .doc
            .split("## Example")
            .nth(1)
            .expect("example section");
        let examples = toml_blocks(example);
        assert_eq!(examples.len(), 2, "{}: a bad and a good example", meta.code);
        if meta.code.starts_with("CORS5") {
            bucket_refusal(meta, &examples[0], &examples[1]);
            checked += 1;
            continue;
        }
        let bad = check(&Source::new(
            format!("{}-bad.toml", meta.name),
            examples[0].clone(),
        ));
        let good_source = Source::new(format!("{}-good.toml", meta.name), examples[1].clone());
        let good = if meta.code == "CORS007" {
            // The good example is loaded at run time with its variable set.
            match cors_policy::env::compile_with_env(&good_source, &Default::default(), |_| {
                Some("https://app.example.com,https://admin.example.com".into())
            }) {
                Ok(compiled) => compiled.warnings().clone(),
                Err(report) => report,
            }
        } else {
            check(&good_source)
        };
        assert!(
            bad.diagnostics().iter().any(|d| d.code == meta.code),
            "{}: bad example not reported:\n{bad}",
            meta.code
        );
        assert!(
            good.diagnostics().iter().all(|d| d.code != meta.code),
            "{}: good example reported:\n{good}",
            meta.code
        );
        insta::assert_snapshot!(format!("{}-{}", meta.code, meta.name), bad.to_string());
        checked += 1;
    }
    assert_eq!(checked, rules::all().len() - 2);
}

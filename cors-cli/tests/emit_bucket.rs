//! `cors emit --target s3|gcs`: what a bucket can express is emitted, and
//! round-trips through `cors import --from s3` to a policy that decides
//! every request as the original does; what it cannot is refused with
//! located diagnostics and nothing is written.

use std::process::Command;

use cors_conformance::observe;
use cors_policy::{Selection, Source, compile};
use cors_runtime::{PolicySource, SimpleRequest};

fn cors(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cors"))
        .args(args)
        .output()
        .expect("cors runs")
}

/// Policies S3 expresses exactly.
const S3_POLICIES: &[(&str, &str)] = &[
    (
        "uploads",
        "origins = [\"https://app.example.com\", \"http://localhost:3000\"]\ncredentials = true\n\
         methods = [\"PUT\", \"DELETE\"]\nallow_headers = [\"content-type\", \"x-upload-id\"]\n\
         expose_headers = [\"etag\"]\nmax_age = 600\n",
    ),
    ("public", "origins = \"*\"\n"),
    (
        "public-any-header",
        "origins = \"*\"\nmethods = [\"PUT\"]\nallow_headers = [\"*\", \"authorization\"]\n",
    ),
];

/// A request's header lines.
type Headers = Vec<(String, Vec<u8>)>;

/// Requests to compare the policies on: the corpus's, and a grid of
/// origins, methods and requested headers around the policies above.
fn requests() -> Vec<(String, Headers)> {
    let mut out = Vec::new();
    for file in cors_conformance::corpus() {
        for case in &file.cases {
            out.push((case.method.clone(), case.header_pairs()));
        }
    }
    let origins = [
        "https://app.example.com",
        "http://localhost:3000",
        "http://localhost:3001",
        "https://a_b.example.com",
        "https://evil.example",
        "null",
    ];
    let methods = ["GET", "PUT", "DELETE", "PATCH"];
    let headers = [
        "",
        "content-type",
        "x-upload-id, content-type",
        "authorization",
        "x-other",
    ];
    for origin in origins {
        out.push(("GET".into(), vec![("Origin".into(), origin.into())]));
        for method in methods {
            for h in headers {
                let mut pairs = vec![
                    ("Origin".to_string(), origin.as_bytes().to_vec()),
                    (
                        "Access-Control-Request-Method".to_string(),
                        method.as_bytes().to_vec(),
                    ),
                ];
                if !h.is_empty() {
                    pairs.push(("Access-Control-Request-Headers".into(), h.into()));
                }
                out.push(("OPTIONS".into(), pairs));
            }
        }
    }
    out
}

/// An answer as a browser acts on it: `Access-Control-Allow-Methods` as
/// a set, with the CORS-safelisted methods (GET, HEAD, POST), which a
/// preflight always allows whether listed or not (R16). S3 must list them
/// to serve them at all, so the imported policy lists them.
fn as_browser_reads(mut seen: cors_conformance::Observed) -> cors_conformance::Observed {
    for [name, value] in &mut seen.headers {
        if name == "access-control-allow-methods" {
            let mut methods: std::collections::BTreeSet<&str> =
                value.split(',').map(str::trim).collect();
            methods.extend(["GET", "HEAD", "POST"]);
            *value = methods.into_iter().collect::<Vec<_>>().join(", ");
        }
    }
    seen
}

/// The S3 document without its `ID` (which names the source file).
fn without_id(json: &[u8]) -> serde_json::Value {
    let mut doc: serde_json::Value = serde_json::from_slice(json).expect("JSON");
    doc["CORSRules"][0]
        .as_object_mut()
        .expect("a rule")
        .remove("ID");
    doc
}

/// Writes `text` to `name` in a fresh directory, runs `cors emit` on it for
/// `target`, checks it succeeded and returns the JSON it wrote.
fn emit_json(name: &str, text: &str, target: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = dir.path().join(name);
    std::fs::write(&policy, text).expect("write");
    let out = cors(&["emit", policy.to_str().unwrap(), "--target", target]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn s3_configurations_round_trip_through_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let requests = requests();
    for (name, text) in S3_POLICIES {
        let policy = dir.path().join(format!("{name}.toml"));
        std::fs::write(&policy, text).expect("write");
        let emitted = cors(&["emit", policy.to_str().unwrap(), "--target", "s3"]);
        assert!(
            emitted.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&emitted.stderr)
        );
        let json = dir.path().join(format!("{name}.json"));
        std::fs::write(&json, &emitted.stdout).expect("write");
        let imported = dir.path().join(format!("{name}.imported.toml"));
        let out = cors(&[
            "import",
            "--from",
            "s3",
            json.to_str().unwrap(),
            "-o",
            imported.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );

        // The imported policy is what S3 does with the document: it must
        // decide every request as the original.
        let original =
            compile(&Source::new(*name, *text), &Selection::default()).expect("compiles");
        let text = std::fs::read_to_string(&imported).expect("imported");
        let back = compile(
            &Source::new("imported.toml", text.as_str()),
            &Selection::default(),
        )
        .unwrap_or_else(|r| panic!("{name}: the imported policy does not compile:\n{r}"));
        let (a, b) = (
            original.owned_policy().policy(),
            back.owned_policy().policy(),
        );
        for (method, headers) in &requests {
            let request = SimpleRequest::new(method.as_bytes(), headers);
            assert_eq!(
                as_browser_reads(observe(&a.evaluate(&request))),
                as_browser_reads(observe(&b.evaluate(&request))),
                "{name}: {method} {headers:?}"
            );
        }

        // And emitting it again gives the same document.
        let again = cors(&["emit", imported.to_str().unwrap(), "--target", "s3"]);
        assert!(
            again.status.success(),
            "{}",
            String::from_utf8_lossy(&again.stderr)
        );
        assert_eq!(
            without_id(&again.stdout),
            without_id(&emitted.stdout),
            "{name}"
        );
    }
}

#[test]
fn the_s3_document_names_its_policy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = dir.path().join("public.toml");
    std::fs::write(&policy, "origins = \"*\"\n").expect("write");
    let out = cors(&["emit", policy.to_str().unwrap(), "--target", "s3"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let compiled = compile(
        &Source::new("p", "origins = \"*\"\n"),
        &Selection::default(),
    )
    .unwrap();
    let id = doc["CORSRules"][0]["ID"].as_str().expect("an ID");
    assert!(
        id.contains("public.toml") && id.contains(&compiled.fingerprint()),
        "{id}"
    );
}

#[test]
fn gcs_gets_one_list_for_request_and_exposed_headers() {
    let doc = emit_json(
        "assets.toml",
        "origins = [\"https://app.example.com\"]\nmethods = [\"PUT\"]\n\
         allow_headers = [\"content-type\", \"x-goog-meta-owner\"]\nexpose_headers = [\"x-goog-meta-owner\"]\nmax_age = 3600\n",
        "gcs",
    );
    assert_eq!(
        doc,
        serde_json::json!([{
            "origin": ["https://app.example.com"],
            "method": ["GET", "HEAD", "POST", "PUT"],
            "responseHeader": ["content-type", "x-goog-meta-owner"],
            "maxAgeSeconds": 3600
        }])
    );
}

/// What a bucket cannot express is refused, each diagnostic at the line of
/// what it is about, and nothing is written.
#[test]
fn refusals_are_located_and_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = dir.path().join("wide.toml");
    std::fs::write(
        &policy,
        "[policies.wide]\norigins = [\"https://*.example.com\", \"http://localhost:*\"]\n\
         credentials = true\nmethods = [\"PATCH\"]\non_reject = \"forbid\"\n",
    )
    .expect("write");
    let output = dir.path().join("cors.json");
    for target in ["s3", "gcs"] {
        let out = cors(&[
            "emit",
            policy.to_str().unwrap(),
            "--policy",
            "wide",
            "--target",
            target,
            "-o",
            output.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{target}");
        assert!(!output.exists(), "{target}: nothing is written");
        let stderr =
            String::from_utf8_lossy(&out.stderr).replace(&dir.path().display().to_string(), "DIR");
        insta::assert_snapshot!(format!("refusals-{target}"), stderr);
    }
}

/// S3 refuses a rule `ID` over 255 characters: a long file name is cut,
/// the fingerprint (written first) never is.
#[test]
fn s3_rule_id_fits_and_keeps_the_fingerprint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = dir.path().join(format!("{}.toml", "a".repeat(240)));
    std::fs::write(&policy, "origins = \"*\"\n").expect("write");
    let out = cors(&["emit", policy.to_str().unwrap(), "--target", "s3"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let id = doc["CORSRules"][0]["ID"].as_str().expect("an ID");
    let compiled = compile(
        &Source::new("p", "origins = \"*\"\n"),
        &Selection::default(),
    )
    .unwrap();
    assert!(
        id.chars().count() <= 255,
        "{} characters",
        id.chars().count()
    );
    assert!(
        id.starts_with(&format!(
            "corsc fingerprint: {}; source: ",
            compiled.fingerprint()
        )),
        "{id}"
    );
}

/// GCS's one list allows request headers too: an always-readable response
/// header the policy exposes must not become an allowed request header.
#[test]
fn gcs_leaves_safelisted_exposed_headers_out_of_its_one_list() {
    let doc = emit_json(
        "b1.toml",
        "origins = [\"https://app.example.com\"]\nmethods = [\"GET\"]\n\
         expose_headers = [\"cache-control\", \"pragma\", \"expires\", \"last-modified\", \"content-language\"]\n",
        "gcs",
    );
    assert_eq!(doc[0].get("responseHeader"), None, "{doc}");
}

/// A `*` inside a header name is a wildcard to S3 (`x-amz-*`) and has no
/// documented meaning in GCS: refused, at the entry, for both.
#[test]
fn a_star_inside_a_header_name_is_refused_by_buckets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = dir.path().join("b2.toml");
    std::fs::write(
        &policy,
        "origins = [\"https://app.example.com\"]\nmethods = [\"GET\", \"PUT\"]\n\
         allow_headers = [\"x-*\", \"content-type\"]\nexpose_headers = [\"x-*\", \"content-type\"]\ncredentials = true\n",
    )
    .expect("write");
    for target in ["s3", "gcs"] {
        let out = cors(&["emit", policy.to_str().unwrap(), "--target", target]);
        assert_eq!(out.status.code(), Some(2), "{target}");
        assert!(out.stdout.is_empty(), "{target}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error[CORS504]"), "{target}: {stderr}");
        assert!(stderr.contains("b2.toml:3:18"), "{target}: {stderr}");
    }
}

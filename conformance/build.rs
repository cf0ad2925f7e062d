//! Compiles every policy of the corpus into static policies, through the same
//! code generator `cors_policy!` uses, and compiles the example policy file
//! through the build-script API (`cors_policy::Builder`).

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

use cors_policy::{Selection, Source};

#[derive(serde::Deserialize)]
struct File {
    policy: String,
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    #[serde(default)]
    select: Select,
}

#[derive(serde::Deserialize, Default, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Select {
    policy: Option<String>,
    profile: Option<String>,
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("testdata/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();

    let mut code = String::from(
        "/// The statically compiled policy of a corpus file and selection.\n\
         pub fn static_policy(file: &str, policy: Option<&str>, profile: Option<&str>) -> Option<::cors_runtime::Policy<'static>> {\n    match (file, policy, profile) {\n",
    );
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
    {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let file: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let selections: BTreeSet<Select> = file.cases.iter().map(|c| c.select.clone()).collect();
        for s in selections {
            let selection = Selection {
                policy: s.policy.clone(),
                profile: s.profile.clone(),
            };
            let source = Source::new(name.clone(), file.policy.clone());
            let compiled =
                cors_policy::compile(&source, &selection).unwrap_or_else(|r| panic!("{name}: {r}"));
            let expr = cors_policy::emit::rust::policy_expr(compiled.owned_policy());
            let pat = |o: &Option<String>| {
                o.as_ref()
                    .map_or("None".to_string(), |v| format!("Some({v:?})"))
            };
            writeln!(
                code,
                "        ({name:?}, {}, {}) => {{ static P: ::cors_runtime::Policy<'static> = {expr}; Some(P) }}",
                pat(&s.policy),
                pat(&s.profile)
            )
            .unwrap();
        }
    }
    code.push_str("        _ => None,\n    }\n}\n");
    let out = std::env::var("OUT_DIR").unwrap();
    std::fs::write(Path::new(&out).join("static_policies.rs"), code).unwrap();

    // A larger policy for the property tests: 1,000 exact origins, port
    // wildcards and subdomain wildcards of several depths and ports.
    let mut big = String::from("origins = [\n");
    for i in 0..1000 {
        writeln!(big, "    \"https://app{i}.example{}.com\",", i % 37).unwrap();
    }
    for i in 0..40 {
        writeln!(big, "    \"https://*.tenant{i}.example.net\",").unwrap();
        writeln!(big, "    \"https://*.eu.tenant{i}.example.org:8443\",").unwrap();
        writeln!(big, "    \"http://dev{i}.localhost:*\",").unwrap();
        writeln!(big, "    \"https://*.any{i}.example.dev:*\",").unwrap();
    }
    big.push_str("]\nmethods = [\"GET\", \"PUT\", \"patch\"]\nallow_headers = [\"content-type\", \"x-request-id\"]\ncredentials = true\n");
    big.push_str("[lints]\nbroad-wildcard-with-credentials = \"allow\"\nprivate-origin-outside-dev = \"allow\"\n");
    let big_path = Path::new(&out).join("big_policy.toml");
    std::fs::write(&big_path, &big).unwrap();
    let compiled =
        cors_policy::compile(&Source::new("big_policy.toml", big), &Selection::default())
            .unwrap_or_else(|r| panic!("{r}"));
    let expr = cors_policy::emit::rust::policy_expr(compiled.owned_policy());
    std::fs::write(
        Path::new(&out).join("big_policy.rs"),
        format!("/// 1,000 exact origins and 160 wildcard patterns.\npub static BIG: ::cors_runtime::Policy<'static> = {expr};\n/// Its source.\npub const BIG_TOML: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/big_policy.toml\"));\n"),
    )
    .unwrap();

    cors_policy::Builder::new()
        .policy(
            "EXAMPLE_API",
            "../examples/policies/api.toml",
            Selection::policy("api"),
        )
        .policy(
            "EXAMPLE_API_DEV",
            "../examples/policies/api.toml",
            Selection::policy("api").with_profile("dev"),
        )
        .policy(
            "EXAMPLE_PUBLIC",
            "../examples/policies/api.toml",
            Selection::policy("public"),
        )
        .write_or_exit("example_policies.rs");
}

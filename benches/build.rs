//! Compiles the benchmark policies into statics with `cors_policy::build`
//! and keeps their TOML for the run-time-built variants.

use std::fmt::Write;
use std::path::Path;

/// `https://app{i}.example{j}.com`: realistic hosts, many sharing a suffix.
pub fn exact_policy(n: usize) -> String {
    let mut s = String::from("origins = [\n");
    for i in 0..n {
        writeln!(s, "  \"https://app{i}.example{}.com\",", i % 97).unwrap();
    }
    s.push_str("]\n");
    s
}

/// `https://*.tenant{i}.example{j}.net` wildcards.
pub fn wildcard_policy(n: usize) -> String {
    let mut s = String::from("origins = [\n");
    for i in 0..n {
        writeln!(s, "  \"https://*.tenant{i}.example{}.net\",", i % 97).unwrap();
    }
    s.push_str("]\n");
    s
}

fn main() {
    let out = std::env::var("OUT_DIR").unwrap();
    // Statics through the public build-script API; the TOML stays available
    // for the run-time-built variants.
    let mut builder = cors_policy::build::Builder::new();
    let mut toml_consts = String::new();
    for n in [1usize, 100, 10_000] {
        for (kind, text) in [("EXACT", exact_policy(n)), ("WILDCARD", wildcard_policy(n))] {
            let name = format!("{kind}_{n}");
            let path = Path::new(&out).join(format!("{name}.toml"));
            std::fs::write(&path, &text).unwrap();
            builder = builder.policy(&name, &path, cors_policy::Selection::default());
            writeln!(
                toml_consts,
                "pub const {name}_TOML: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/{name}.toml\"));"
            )
            .unwrap();
        }
    }
    builder.write_or_exit("policies.rs");
    std::fs::write(Path::new(&out).join("policy_sources.rs"), toml_consts).unwrap();
}

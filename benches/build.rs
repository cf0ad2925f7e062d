//! Generates the benchmark policies as static policies (the `cors_policy!`
//! code path) and writes their TOML for the run-time-built variants.

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
    let mut code = String::new();
    for n in [1usize, 100, 10_000] {
        for (kind, text) in [("EXACT", exact_policy(n)), ("WILDCARD", wildcard_policy(n))] {
            let name = format!("{kind}_{n}");
            std::fs::write(Path::new(&out).join(format!("{name}.toml")), &text).unwrap();
            let source = cors_policy::Source::new(format!("{name}.toml"), text);
            let compiled = cors_policy::compile(&source, &cors_policy::Selection::default())
                .unwrap_or_else(|r| panic!("{r}"));
            let expr = cors_policy::codegen::policy_expr(&compiled.to_owned_policy());
            writeln!(
                code,
                "pub static {name}: ::cors_runtime::Policy<'static> = {expr};"
            )
            .unwrap();
            writeln!(code, "pub const {name}_TOML: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/{name}.toml\"));").unwrap();
        }
    }
    std::fs::write(Path::new(&out).join("policies.rs"), code).unwrap();
}

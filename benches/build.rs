//! Compiles the benchmark policies into statics with `cors_policy::build`
//! and keeps their TOML for the run-time-built variants.
//!
//! - `EXACT_{n}`: `https://app{i}.example{i % 97}.com`, n = 1 … 100,000;
//! - `MIXED_{w}`: 100 exact origins plus w = 1, 10, 1,000 subdomain
//!   wildcards `https://*.tenant{i}.example{i % 97}.net`.

use std::fmt::Write;
use std::path::Path;

/// The exact origin number `i`.
fn exact_origin(i: usize) -> String {
    format!("https://app{i}.example{}.com", i % 97)
}

fn exact_policy(n: usize) -> String {
    let mut s = String::from("origins = [\n");
    for i in 0..n {
        writeln!(s, "  \"{}\",", exact_origin(i)).unwrap();
    }
    s.push_str("]\nmethods = [\"GET\", \"PUT\", \"DELETE\"]\nallow_headers = [\"content-type\", \"x-request-id\"]\ncredentials = true\nmax_age = 600\n");
    s
}

fn mixed_policy(wildcards: usize) -> String {
    let mut s = String::from("origins = [\n");
    for i in 0..100 {
        writeln!(s, "  \"{}\",", exact_origin(i)).unwrap();
    }
    for i in 0..wildcards {
        writeln!(s, "  \"https://*.tenant{i}.example{}.net\",", i % 97).unwrap();
    }
    s.push_str("]\nmethods = [\"GET\", \"PUT\", \"DELETE\"]\nallow_headers = [\"content-type\", \"x-request-id\"]\ncredentials = true\nmax_age = 600\n\n[lints]\nbroad-wildcard-with-credentials = \"allow\"\n");
    s
}

fn main() {
    let out = std::env::var("OUT_DIR").unwrap();
    let mut builder = cors_policy::Builder::new();
    let mut toml_consts = String::new();
    let mut add = |name: String, text: String| {
        let path = Path::new(&out).join(format!("{name}.toml"));
        std::fs::write(&path, &text).unwrap();
        builder =
            std::mem::take(&mut builder).policy(&name, &path, cors_policy::Selection::default());
        writeln!(
            toml_consts,
            "pub const {name}_TOML: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/{name}.toml\"));"
        )
        .unwrap();
    };
    for n in [1usize, 10, 100, 1_000, 10_000, 100_000] {
        add(format!("EXACT_{n}"), exact_policy(n));
    }
    for w in [1usize, 10, 1_000] {
        add(format!("MIXED_{w}"), mixed_policy(w));
    }
    builder.write_or_exit("policies.rs");
    std::fs::write(Path::new(&out).join("policy_sources.rs"), toml_consts).unwrap();
}

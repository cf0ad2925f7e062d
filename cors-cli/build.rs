//! Records which `psl` release (the public-suffix list the wildcard rules
//! are checked against) the binary is built with, for `cors --version`.
//! The list has no date of its own in the crate; its version names the
//! snapshot. Read from the lock file: the workspace's, or the package's own
//! when built by `cargo install`.

use std::path::Path;

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let dir = Path::new(&dir);
    let version = [dir.join("Cargo.lock"), dir.join("../Cargo.lock")]
        .iter()
        .find_map(|lock| {
            println!("cargo:rerun-if-changed={}", lock.display());
            let text = std::fs::read_to_string(lock).ok()?;
            text.split("[[package]]")
                .find(|p| p.contains("name = \"psl\"\n"))?
                .lines()
                .find_map(|l| l.strip_prefix("version = "))
                .map(|v| v.trim_matches('"').to_string())
        })
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=CORS_PSL_VERSION={version}");
}

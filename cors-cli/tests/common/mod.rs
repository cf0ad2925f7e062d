//! Running the `cors` binary from the repository root.

#![allow(dead_code, reason = "each test file uses a different subset")]

use std::process::{Command, Output};

/// Runs `cors` with `args` in the repository root.
pub(crate) fn cors(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cors"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("the cors binary runs")
}

/// Output bytes as text.
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh scratch directory under the target directory.
pub(crate) fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

//! `cors --version`: the crate version and the public-suffix list snapshot.

mod common;

use common::{cors, text};

#[test]
fn version_names_the_crate_and_the_public_suffix_list() {
    let out = cors(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    let prefix = format!(
        "cors {} (public suffix list: psl 2.",
        env!("CARGO_PKG_VERSION")
    );
    assert!(
        stdout.starts_with(&prefix) && stdout.trim_end().ends_with(')'),
        "{stdout}"
    );
    assert!(!stdout.contains("unknown"), "{stdout}");
}

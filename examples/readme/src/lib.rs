//! The README's Rust snippets, compiled as doctests: `cargo test -p
//! example-readme --doc` fails when one stops compiling. The snippets'
//! policy files sit beside this crate's manifest (`cors_policy!` reads
//! them relative to `CARGO_MANIFEST_DIR`): `cors.toml` is the quick
//! start's (a test checks it against the README's block) and
//! `policies.toml` is `examples/policies/api.toml`.

#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct Readme;

#[cfg(test)]
mod tests {
    /// The quick start shows `cors.toml` in a `toml` block right after the
    /// line "`cors.toml`:"; the file the snippet compiles is this one.
    #[test]
    fn the_quick_start_policy_is_the_file_its_snippet_compiles() {
        let readme = include_str!("../../../README.md");
        let block = readme
            .split_once("`cors.toml`:\n\n```toml\n")
            .and_then(|(_, rest)| rest.split_once("```"))
            .map(|(block, _)| block)
            .expect("the quick start's cors.toml block");
        assert_eq!(block, include_str!("../cors.toml"));
    }

    /// It is lint-clean: a newcomer's first policy gets no warning.
    #[test]
    fn the_quick_start_policy_is_lint_clean() {
        let report = cors_policy::check(&cors_policy::Source::new(
            "cors.toml",
            include_str!("../cors.toml"),
        ));
        assert!(report.diagnostics().is_empty(), "{report}");
    }
}

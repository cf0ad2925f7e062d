//! The corpus through real Apache httpd (Debian's package, installed by
//! `.ci/install-servers`): one server per policy of the corpus, started on
//! a free loopback port from the complete configuration `cors emit
//! --target apache --listen … --upstream …` writes, in a temporary
//! directory, and stopped after its cases.

use std::process::Command;

use cors_conformance::live::{Process, binary, free_port, run_live};
use cors_policy::emit::apache;
use cors_policy::emit::edge::Edge;
use cors_policy::emit::target::Full;

/// The cases httpd reads differently (see `apache::CAPABILITIES`), each
/// still compared with the runtime's answer to what httpd read.
const DOCUMENTED: &[&str] = &[
    // An empty line is read as a missing one.
    "05-on-reject.toml: forbid-malformed-preflight",
    "09-trust-boundary.toml: any-origin-empty-origin-varies-on-origin",
];

#[test]
fn apache_passes_the_corpus() {
    let report = run_live(apache::CAPABILITIES.lines, &mut |file, select, upstream| {
        let edge = Edge::new(&file.compiled(select), &file.file);
        let port = free_port();
        let full = Full {
            listen: format!("127.0.0.1:{port}"),
            upstream: upstream.url(),
        };
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let conf = dir.path().join("httpd.conf");
        std::fs::write(&conf, apache::full(&edge, &full)).map_err(|e| e.to_string())?;
        let mut command = Command::new(binary("apache2"));
        command
            .env("APACHE_RUN_DIR", dir.path())
            .arg("-f")
            .arg(&conf)
            .arg("-DFOREGROUND");
        Process::spawn(command, ([127, 0, 0, 1], port).into(), dir)
    });
    report.assert_passed("apache", DOCUMENTED);
}

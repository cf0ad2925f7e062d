//! The corpus through real nginx (Debian's package, installed by
//! `.ci/install-servers`): one server per policy of the corpus, started on
//! a free loopback port from the complete configuration `cors emit
//! --target nginx --listen … --upstream …` writes, in a temporary
//! directory, and stopped after its cases.

use std::process::Command;

use cors_conformance::live::{Process, binary, free_port, run_live};
use cors_policy::emit::edge::Edge;
use cors_policy::emit::nginx;
use cors_policy::emit::target::Full;

/// The cases nginx 1.22 reads differently (see `nginx::CAPABILITIES`), each
/// still compared with the runtime's answer to what nginx read.
const DOCUMENTED: &[&str] = &[
    // Only the first of several lines is read.
    "01-exact.toml: preflight-two-request-methods",
    "01-exact.toml: two-origin-headers",
    "07-methods-and-headers.toml: oversize-across-lines",
    "09-trust-boundary.toml: any-origin-repeated-origin-varies-on-origin",
    "09-trust-boundary.toml: two-sec-fetch-site-lines-are-not-same-origin",
    // An empty line is read as a missing one.
    "05-on-reject.toml: forbid-malformed-preflight",
    "09-trust-boundary.toml: any-origin-empty-origin-varies-on-origin",
];

#[test]
fn nginx_passes_the_corpus() {
    let report = run_live(nginx::CAPABILITIES.lines, &mut |file, select, upstream| {
        let edge = Edge::new(&file.compiled(select), &file.file);
        let port = free_port();
        let full = Full {
            listen: format!("127.0.0.1:{port}"),
            upstream: upstream.url(),
        };
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        std::fs::create_dir(dir.path().join("tmp")).map_err(|e| e.to_string())?;
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, nginx::full(&edge, &full).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        let mut command = Command::new(binary("nginx"));
        command.arg("-p").arg(dir.path()).arg("-c").arg(&conf);
        Process::spawn(command, ([127, 0, 0, 1], port).into(), dir)
    });
    report.assert_passed("nginx", DOCUMENTED);
}

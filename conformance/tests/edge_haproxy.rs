//! The corpus through real HAProxy (Debian's package, installed by
//! `.ci/install-servers`): one process per policy of the corpus, started on
//! a free loopback port from the complete configuration `cors emit
//! --target haproxy --listen … --upstream …` writes, in a temporary
//! directory, and stopped after its cases.

use std::process::Command;

use cors_conformance::live::{Process, binary, free_port, run_live};
use cors_policy::emit::edge::Edge;
use cors_policy::emit::haproxy;
use cors_policy::emit::target::Full;

/// The cases HAProxy reads differently (see `haproxy::CAPABILITIES`), each
/// still compared with the runtime's answer to what HAProxy read.
const DOCUMENTED: &[&str] = &[];

#[test]
fn haproxy_passes_the_corpus() {
    let report = run_live(
        haproxy::CAPABILITIES.lines,
        &mut |file, select, upstream| {
            let edge = Edge::new(&file.compiled(select), &file.file);
            let port = free_port();
            let full = Full {
                listen: format!("127.0.0.1:{port}"),
                upstream: upstream.url(),
            };
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            let conf = dir.path().join("haproxy.cfg");
            let text = haproxy::full(&edge, &full).map_err(|e| e.to_string())?;
            std::fs::write(&conf, text).map_err(|e| e.to_string())?;
            let mut command = Command::new(binary("haproxy"));
            command.arg("-f").arg(&conf).arg("-db");
            Process::spawn(command, ([127, 0, 0, 1], port).into(), dir)
        },
    );
    report.assert_passed("haproxy", DOCUMENTED);
}

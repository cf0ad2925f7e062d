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

/// A `$` in a policy's tokens reaches the client as written (mod_setenvif
/// reads `$0`–`$9` in a value as backreferences; the review found
/// `D$1` sent as `D`).
#[test]
fn dollar_signs_in_tokens_are_literal() {
    let source = cors_policy::Source::new(
        "dollar.toml",
        "origins = [\"https://app.example.com\"]\nmethods = [\"D$1\", \"M$X\"]\n",
    );
    let compiled = cors_policy::compile(&source, &Default::default()).expect("compiles");
    let edge = Edge::new(&compiled, "dollar.toml");
    let upstream = cors_conformance::live::Upstream::start().expect("upstream");
    let port = free_port();
    let full = Full {
        listen: format!("127.0.0.1:{port}"),
        upstream: upstream.url(),
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("httpd.conf");
    std::fs::write(&conf, apache::full(&edge, &full)).expect("write");
    let mut command = Command::new(binary("apache2"));
    command
        .env("APACHE_RUN_DIR", dir.path())
        .arg("-f")
        .arg(&conf)
        .arg("-DFOREGROUND");
    let server = Process::spawn(command, ([127, 0, 0, 1], port).into(), dir).expect("httpd starts");
    let headers = [
        ("Origin".to_string(), b"https://app.example.com".to_vec()),
        ("Access-Control-Request-Method".to_string(), b"D$1".to_vec()),
    ];
    let answer = cors_conformance::live::send(server.addr, "OPTIONS", &headers).expect("answer");
    assert_eq!(answer.status, 204);
    assert_eq!(answer.header("access-control-allow-methods"), ["D$1, M$X"]);
}

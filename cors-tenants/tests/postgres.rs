//! The PostgreSQL source against a real server: Debian's PostgreSQL,
//! initialised in a temporary directory and started on a free loopback port
//! as an unprivileged user (`nobody` when the tests run as root), stopped
//! when the test ends. Two replicas follow the same database; a change made
//! on one connection reaches both indexes.

#![cfg(feature = "postgres")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cors_conformance::live::{Process, free_port};
use cors_tenants::source::postgres::PostgresSource;
use cors_tenants::{TenantIndex, TenantSource};

mod common;
use common::{allows, platform, spec};

/// A PostgreSQL server for one test, stopped (with its workers) when
/// dropped.
struct Postgres {
    _process: Process,
    port: u16,
}

fn bin(name: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("Debian's postgresql (run .ci/install-databases)")
        .flatten()
        .map(|e| e.path().join("bin"))
        .collect();
    dirs.sort();
    dirs.pop().expect("a PostgreSQL version").join(name)
}

/// `program` as the unprivileged user PostgreSQL insists on.
fn as_server_user(program: &Path) -> Command {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "nobody", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl Postgres {
    fn start() -> Postgres {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        let _ = Command::new("chown")
            .args(["-R", "nobody"])
            .arg(dir.path())
            .status();
        let status = as_server_user(&bin("initdb"))
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&data)
            .stdout(Stdio::null())
            .status()
            .expect("initdb runs");
        assert!(status.success(), "initdb failed");
        let port = free_port();
        let mut command = as_server_user(&bin("postgres"));
        command
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
            .args(["-c", "fsync=off", "-k"])
            .arg(dir.path());
        let process = Process::spawn(command, ([127, 0, 0, 1], port).into(), dir)
            .unwrap_or_else(|e| panic!("{e}"));
        let server = Postgres {
            _process: process,
            port,
        };
        // Accepting connections is not yet accepting logins.
        let deadline = Instant::now() + Duration::from_secs(30);
        while PostgresSource::connect(&server.params()).is_err() {
            assert!(Instant::now() < deadline, "postgres did not accept a login");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn params(&self) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname=postgres",
            self.port
        )
    }
}

#[test]
fn every_replica_follows_one_database() {
    let server = Postgres::start();
    let mut writer = PostgresSource::connect(&server.params()).unwrap();
    writer
        .put(&spec("acme", &["https://acme.example"]))
        .unwrap();
    writer
        .put(&spec(
            "beta",
            &["https://beta.example", "https://*.beta.example"],
        ))
        .unwrap();

    // Two replicas, each with its own index following the database.
    let mut replicas = Vec::new();
    for _ in 0..2 {
        let mut source = PostgresSource::connect(&server.params()).unwrap();
        let (index, applied) = TenantIndex::from_source(platform(), &mut source).unwrap();
        assert!(applied.refused.is_empty(), "{applied:?}");
        assert_eq!(
            allows(&index, "beta", "https://eu.beta.example"),
            Some(true)
        );
        let following = index.follow(Box::new(source), |_| {});
        replicas.push((index, following));
    }

    // One UPDATE through plain SQL on a third connection, as another
    // service of the platform would write it.
    let mut sql = postgres::Client::connect(&server.params(), postgres::NoTls).unwrap();
    let written = Instant::now();
    sql.batch_execute(
        "UPDATE corsc_tenant_origins SET origin = 'https://new.acme.example' WHERE tenant_id = 'acme';
         DELETE FROM corsc_tenants WHERE id = 'beta';",
    )
    .unwrap();
    for (index, _) in &replicas {
        while allows(index, "acme", "https://new.acme.example") != Some(true)
            || allows(index, "beta", "https://beta.example").is_some()
        {
            assert!(
                written.elapsed() < Duration::from_secs(5),
                "the change did not reach a replica"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    eprintln!(
        "UPDATE to the new decision on both replicas: {:?}",
        written.elapsed()
    );

    // A refused change keeps the previous entry.
    sql.batch_execute(
        "UPDATE corsc_tenant_origins SET origin = 'https://*.com' WHERE tenant_id = 'acme'",
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    for (index, _) in &replicas {
        assert_eq!(
            allows(index, "acme", "https://new.acme.example"),
            Some(true)
        );
    }
}

#[test]
fn changes_are_read_from_the_log_and_a_rename_moves_the_tenant() {
    let server = Postgres::start();
    let mut writer = PostgresSource::connect(&server.params()).unwrap();
    writer
        .put(&spec("old-name", &["https://a.example"]))
        .unwrap();
    let mut reader = PostgresSource::connect(&server.params()).unwrap();
    let (index, _) = TenantIndex::from_source(platform(), &mut reader).unwrap();
    assert!(
        reader.changes(Duration::ZERO).unwrap().is_empty(),
        "nothing changed since the load"
    );

    let mut sql = postgres::Client::connect(&server.params(), postgres::NoTls).unwrap();
    sql.batch_execute("UPDATE corsc_tenants SET id = 'new-name' WHERE id = 'old-name'")
        .unwrap();
    let applied = index.apply(reader.changes(Duration::from_secs(2)).unwrap());
    assert_eq!(applied.changed, 2, "{applied:?}");
    assert_eq!(allows(&index, "old-name", "https://a.example"), None);
    assert_eq!(allows(&index, "new-name", "https://a.example"), Some(true));

    // Connecting again migrates nothing twice.
    drop(PostgresSource::connect(&server.params()).unwrap());
}

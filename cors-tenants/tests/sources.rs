//! Tenant sources keep the index in step: a directory of TOML files and a
//! SQLite database (written by this process, another connection, and the
//! `sqlite3` shell). Changes cost work proportional to them; a refused
//! change keeps the previous entry and is reported.

use std::time::{Duration, Instant};

use cors_tenants::source::dir::DirSource;
use cors_tenants::source::sqlite::SqliteSource;
use cors_tenants::{TenantChange, TenantIndex, TenantSource};

mod common;
use common::{allows, platform, spec};

#[test]
fn a_directory_of_files() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("acme.toml", "origins = [\"https://acme.example\"]\n");
    write("beta.toml", "origins = [\"https://beta.example\"]\n");
    write("notes.txt", "not a tenant");
    write("bad id.toml", "origins = []\n");
    let mut source = DirSource::new(dir.path());
    let (index, applied) = TenantIndex::from_source(platform(), &mut source).unwrap();
    assert_eq!(index.load().len(), 2);
    assert_eq!(applied.refused.len(), 1, "{applied:?}");
    assert_eq!(applied.refused[0].0, "bad id");

    assert!(source.changes(Duration::ZERO).unwrap().is_empty());
    // A changed file, a removed one, one that does not parse, one whose
    // origin the rules refuse.
    std::thread::sleep(Duration::from_millis(20));
    write(
        "acme.toml",
        "origins = [\"https://acme.example\", \"https://admin.acme.example\"]\n",
    );
    std::fs::remove_file(dir.path().join("beta.toml")).unwrap();
    write("gamma.toml", "origins = [\"https://gamma.example\"\n");
    let applied = index.apply(source.changes(Duration::from_secs(1)).unwrap());
    assert_eq!(applied.changed, 2, "{applied:?}");
    assert_eq!(
        allows(&index, "acme", "https://admin.acme.example"),
        Some(true)
    );
    assert_eq!(allows(&index, "beta", "https://beta.example"), None);
    assert!(
        applied.refused.iter().any(|(id, _)| id == "gamma"),
        "{applied:?}"
    );

    std::thread::sleep(Duration::from_millis(20));
    write("acme.toml", "origins = [\"https://*.com\"]\n");
    let applied = index.apply(source.changes(Duration::from_secs(1)).unwrap());
    assert_eq!(applied.refused.len(), 1);
    assert!(
        applied.refused[0].1.to_string().contains("CORS104"),
        "{applied:?}"
    );
    assert_eq!(
        allows(&index, "acme", "https://admin.acme.example"),
        Some(true)
    );
}

#[test]
fn sqlite_written_by_two_connections_and_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenants.db");
    let mut writer = SqliteSource::open(&path).unwrap();
    writer
        .put(&spec("acme", &["https://acme.example"]))
        .unwrap();
    writer
        .put(&spec(
            "beta",
            &["https://beta.example", "https://*.beta.example"],
        ))
        .unwrap();

    let mut reader = SqliteSource::open(&path).unwrap();
    let (index, applied) = TenantIndex::from_source(platform(), &mut reader).unwrap();
    assert!(applied.refused.is_empty(), "{applied:?}");
    assert_eq!(
        allows(&index, "beta", "https://eu.beta.example"),
        Some(true)
    );
    assert!(reader.changes(Duration::ZERO).unwrap().is_empty());

    writer
        .put(&spec("acme", &["https://new.acme.example"]))
        .unwrap();
    writer.delete("beta").unwrap();
    let changes = reader.changes(Duration::from_secs(1)).unwrap();
    assert_eq!(
        changes,
        [
            TenantChange::Upsert(spec("acme", &["https://new.acme.example"])),
            TenantChange::Remove("beta".into()),
        ]
    );
    index.apply(changes);
    assert_eq!(
        allows(&index, "acme", "https://new.acme.example"),
        Some(true)
    );
    assert_eq!(allows(&index, "beta", "https://beta.example"), None);

    // The shell, as an operator would: a new tenant, and a bad origin for
    // acme, which is refused while acme keeps its entry.
    let sql = "PRAGMA foreign_keys = ON;\n\
        INSERT INTO corsc_tenants (id) VALUES ('gamma');\n\
        INSERT INTO corsc_tenant_origins VALUES ('gamma', 0, 'https://gamma.example');\n\
        INSERT INTO corsc_tenant_origins VALUES ('acme', 1, 'null');\n";
    let status = std::process::Command::new("sqlite3")
        .arg(&path)
        .arg(sql)
        .status()
        .expect("the sqlite3 shell (Debian's sqlite3)");
    assert!(status.success());
    let applied = index.apply(reader.changes(Duration::from_secs(1)).unwrap());
    assert_eq!(allows(&index, "gamma", "https://gamma.example"), Some(true));
    assert_eq!(applied.refused.len(), 1, "{applied:?}");
    assert_eq!(applied.refused[0].0, "acme");
    assert_eq!(
        allows(&index, "acme", "https://new.acme.example"),
        Some(true)
    );

    // Opening again applies no migration twice.
    drop(SqliteSource::open(&path).unwrap());
}

#[test]
fn a_followed_database_reaches_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenants.db");
    let mut writer = SqliteSource::open(&path).unwrap();
    let mut reader = SqliteSource::open(&path).unwrap();
    let (index, _) = TenantIndex::from_source(platform(), &mut reader).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let following = index.follow(Box::new(reader), move |batch| {
        let _ = tx.send(batch.map(|a| a.changed).map_err(|e| e.to_string()));
    });
    let written = Instant::now();
    writer
        .put(&spec("acme", &["https://acme.example"]))
        .unwrap();
    while allows(&index, "acme", "https://acme.example").is_none() {
        assert!(
            written.elapsed() < Duration::from_secs(5),
            "not visible after 5 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    eprintln!("SQLite write to the new decision: {:?}", written.elapsed());
    assert_eq!(rx.recv_timeout(Duration::from_secs(1)).unwrap(), Ok(1));
    drop(following);
}

//! Finding 3: `SqliteSource::changes` advances `last_seq` before reading the
//! tenants it names, and any row it cannot read fails the whole call. So
//! (a) one unreadable tenant row loses every other change of the same
//! batch (up to 10,000), and (b) a log row whose `tenant_id` is not text
//! fails every call forever: nothing after it is ever applied (and `load`
//! fails outright, so no replica can start).
#![cfg(feature = "sqlite")]

use std::time::Duration;

use cors_tenants::source::sqlite::SqliteSource;
use cors_tenants::{TenantIndex, TenantSource};

mod common;
use common::{allows, platform, spec};

/// Calls `changes` a few times, as `TenantIndex::follow` would, applying
/// what comes and ignoring errors; true once `good` is in the index.
fn follow_until_good(reader: &mut SqliteSource, index: &TenantIndex) -> bool {
    for _ in 0..5 {
        if let Ok(changes) = reader.changes(Duration::from_millis(100)) {
            index.apply(changes);
        }
        if allows(index, "good", "https://good.example") == Some(true) {
            return true;
        }
    }
    false
}

#[test]
fn one_unreadable_tenant_does_not_lose_the_other_changes_of_its_batch() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenants.db");
    let mut writer = SqliteSource::open(&path).unwrap();
    let mut reader = SqliteSource::open(&path).unwrap();
    let (index, _) = TenantIndex::from_source(platform(), &mut reader).unwrap();

    // Another writer stores an origin as a BLOB (TEXT affinity keeps it).
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(
        "PRAGMA foreign_keys = ON;
         INSERT INTO corsc_tenants (id) VALUES ('bad');
         INSERT INTO corsc_tenant_origins VALUES ('bad', 0, X'68747470733a2f2f6261642e6578616d706c65');",
    )
    .unwrap();
    writer
        .put(&spec("good", &["https://good.example"]))
        .unwrap();

    assert!(
        follow_until_good(&mut reader, &index),
        "`good` was committed after `bad` and never reached the index"
    );
}

#[test]
fn a_log_row_that_is_not_text_does_not_stop_every_later_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenants.db");
    let mut writer = SqliteSource::open(&path).unwrap();
    let mut reader = SqliteSource::open(&path).unwrap();
    let (index, _) = TenantIndex::from_source(platform(), &mut reader).unwrap();

    // A tenant id written as a BLOB: the trigger logs it as a BLOB too.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("INSERT INTO corsc_tenants (id) VALUES (X'626c6f62');")
        .unwrap();
    writer
        .put(&spec("good", &["https://good.example"]))
        .unwrap();

    assert!(
        follow_until_good(&mut reader, &index),
        "the follower is stuck on the BLOB log row"
    );
}

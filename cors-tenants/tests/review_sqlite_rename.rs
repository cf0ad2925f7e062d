//! Finding 4: the SQLite schema's `corsc_tenant_origins.tenant_id`
//! references `corsc_tenants (id)` without `ON UPDATE CASCADE` (the
//! PostgreSQL schema has it, and its test renames a tenant). With foreign
//! keys on, renaming a tenant by `UPDATE` fails; with them off (the
//! `sqlite3` shell's default) the origins stay behind under the old id and
//! come back if that id is created again.
#![cfg(feature = "sqlite")]

use std::time::Duration;

use cors_tenants::source::sqlite::SqliteSource;
use cors_tenants::{TenantIndex, TenantSource, TenantSpec};

mod common;
use common::{allows, platform};

#[test]
fn a_rename_by_update_moves_the_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenants.db");
    let mut writer = SqliteSource::open(&path).unwrap();
    writer
        .put(&TenantSpec {
            id: "old-name".into(),
            origins: vec!["https://a.example".into()],
            plan: None,
        })
        .unwrap();
    let mut reader = SqliteSource::open(&path).unwrap();
    let (index, _) = TenantIndex::from_source(platform(), &mut reader).unwrap();
    assert_eq!(allows(&index, "old-name", "https://a.example"), Some(true));

    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(
        "PRAGMA foreign_keys = ON;
         UPDATE corsc_tenants SET id = 'new-name' WHERE id = 'old-name';",
    )
    .expect("renaming a tenant (fails today: FOREIGN KEY constraint failed)");

    let applied = index.apply(reader.changes(Duration::from_secs(2)).unwrap());
    assert!(applied.refused.is_empty(), "{applied:?}");
    assert_eq!(allows(&index, "old-name", "https://a.example"), None);
    assert_eq!(allows(&index, "new-name", "https://a.example"), Some(true));
}

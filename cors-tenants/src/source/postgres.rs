//! PostgreSQL, for platforms running many replicas (feature `postgres`):
//! the schema ships with the crate (`migrations/postgres/`, applied by
//! [`PostgresSource::connect`] under an advisory lock, so replicas starting
//! together migrate once), tenants and their origins are rows, and triggers
//! append to a change log and `NOTIFY corsc_tenants`. Each replica
//! `LISTEN`s, so a change made through any connection reaches every
//! replica's index as soon as it commits.
//!
//! Sequence numbers are taken when a row is written, not when it commits, so
//! a change can become visible after one with a higher number: the source
//! re-reads a trailing window of the log ([`LATE_COMMIT_WINDOW`] entries)
//! and skips the entries it has applied.

use std::collections::BTreeSet;
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};

use super::{TenantChange, TenantSource};
use crate::{Error, TenantSpec};

/// The schema, one script per version.
const MIGRATIONS: [&str; 1] = [include_str!("../../migrations/postgres/0001_tenants.sql")];

/// How many log entries behind the newest one applied are read again, for
/// changes that committed late.
pub const LATE_COMMIT_WINDOW: i64 = 1000;

/// The advisory lock key migrations run under (`corsc` in ASCII).
const MIGRATION_LOCK: i64 = 0x0063_6f72_7363;

fn db_error(e: postgres::Error) -> Error {
    Error::Source(format!("postgres: {e}"))
}

/// Tenants in a PostgreSQL database.
pub struct PostgresSource {
    client: Client,
    /// The newest log entry applied.
    last_seq: i64,
    /// Entries applied within the trailing window.
    applied: BTreeSet<i64>,
}

impl std::fmt::Debug for PostgresSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresSource")
            .field("last_seq", &self.last_seq)
            .finish_non_exhaustive()
    }
}

impl PostgresSource {
    /// Connects with `params` (`host=127.0.0.1 port=5432 user=… dbname=…`,
    /// or a `postgresql://` URL), brings the schema up to date and starts
    /// listening for changes.
    ///
    /// # Errors
    /// When the server cannot be reached or the schema migrated.
    pub fn connect(params: &str) -> Result<PostgresSource, Error> {
        let mut client = Client::connect(params, NoTls).map_err(db_error)?;
        migrate(&mut client)?;
        client
            .batch_execute("LISTEN corsc_tenants")
            .map_err(db_error)?;
        Ok(PostgresSource {
            client,
            last_seq: 0,
            applied: BTreeSet::new(),
        })
    }

    /// Writes `tenant` (replacing its previous entry) in one transaction.
    /// Check it with [`Platform::check`](crate::Platform::check) first.
    ///
    /// # Errors
    /// When the database refuses the write.
    pub fn put(&mut self, tenant: &TenantSpec) -> Result<(), Error> {
        let mut tx = self.client.transaction().map_err(db_error)?;
        tx.execute(
            "INSERT INTO corsc_tenants (id, plan) VALUES ($1, $2)
             ON CONFLICT (id) DO UPDATE SET plan = excluded.plan",
            &[&tenant.id, &tenant.plan],
        )
        .map_err(db_error)?;
        tx.execute(
            "DELETE FROM corsc_tenant_origins WHERE tenant_id = $1",
            &[&tenant.id],
        )
        .map_err(db_error)?;
        for (position, origin) in tenant.origins.iter().enumerate() {
            let position = i32::try_from(position).unwrap_or(i32::MAX);
            tx.execute(
                "INSERT INTO corsc_tenant_origins (tenant_id, position, origin) VALUES ($1, $2, $3)",
                &[&tenant.id, &position, origin],
            )
            .map_err(db_error)?;
        }
        tx.commit().map_err(db_error)
    }

    /// Deletes tenant `id` and its origins.
    ///
    /// # Errors
    /// When the database refuses the write.
    pub fn delete(&mut self, id: &str) -> Result<(), Error> {
        self.client
            .execute("DELETE FROM corsc_tenants WHERE id = $1", &[&id])
            .map(drop)
            .map_err(db_error)
    }

    /// Tenant `id` as stored, or its removal.
    fn read(&mut self, id: &str) -> Result<TenantChange, Error> {
        let tenant = self
            .client
            .query_opt("SELECT plan FROM corsc_tenants WHERE id = $1", &[&id])
            .map_err(db_error)?;
        let Some(tenant) = tenant else {
            return Ok(TenantChange::Remove(id.to_string()));
        };
        let origins = self
            .client
            .query(
                "SELECT origin FROM corsc_tenant_origins WHERE tenant_id = $1 ORDER BY position",
                &[&id],
            )
            .map_err(db_error)?
            .iter()
            .map(|row| row.get::<_, String>(0))
            .collect();
        Ok(TenantChange::Upsert(TenantSpec {
            id: id.to_string(),
            origins,
            plan: tenant.get(0),
        }))
    }
}

/// Applies the migrations the database has not had, one replica at a time.
fn migrate(client: &mut Client) -> Result<(), Error> {
    let mut tx = client.transaction().map_err(db_error)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(db_error)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS corsc_schema (version INTEGER NOT NULL)")
        .map_err(db_error)?;
    let version: i32 = tx
        .query_opt("SELECT version FROM corsc_schema", &[])
        .map_err(db_error)?
        .map_or(0, |row| row.get(0));
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version > MIGRATIONS.len() {
        return Err(Error::Source(format!(
            "postgres: the database has schema version {version}, newer than this crate's {}",
            MIGRATIONS.len()
        )));
    }
    for script in MIGRATIONS.iter().skip(version) {
        tx.batch_execute(script).map_err(db_error)?;
    }
    tx.batch_execute("DELETE FROM corsc_schema")
        .map_err(db_error)?;
    let newest = i32::try_from(MIGRATIONS.len()).unwrap_or(i32::MAX);
    tx.execute("INSERT INTO corsc_schema (version) VALUES ($1)", &[&newest])
        .map_err(db_error)?;
    tx.commit().map_err(db_error)
}

impl TenantSource for PostgresSource {
    fn load(&mut self) -> Result<Vec<TenantChange>, Error> {
        // The log position first: a change committed while reading is read
        // again by the next `changes`, never lost.
        self.last_seq = self
            .client
            .query_one(
                "SELECT COALESCE(MAX(seq), 0) FROM corsc_tenant_changes",
                &[],
            )
            .map_err(db_error)?
            .get(0);
        // The entries of the window are reflected in what is read below
        // (they committed before it), so they count as applied.
        self.applied = self
            .client
            .query(
                "SELECT seq FROM corsc_tenant_changes WHERE seq > $1",
                &[&(self.last_seq - LATE_COMMIT_WINDOW)],
            )
            .map_err(db_error)?
            .iter()
            .map(|row| row.get::<_, i64>(0))
            .filter(|seq| *seq <= self.last_seq)
            .collect();
        let rows = self
            .client
            .query(
                "SELECT t.id, t.plan, o.origin FROM corsc_tenants t
                 LEFT JOIN corsc_tenant_origins o ON o.tenant_id = t.id
                 ORDER BY t.id, o.position",
                &[],
            )
            .map_err(db_error)?;
        let mut tenants: Vec<TenantSpec> = Vec::new();
        for row in rows {
            let id: String = row.get(0);
            let origin: Option<String> = row.get(2);
            match tenants.last_mut() {
                Some(last) if last.id == id => last.origins.extend(origin),
                _ => tenants.push(TenantSpec {
                    id,
                    origins: origin.into_iter().collect(),
                    plan: row.get(1),
                }),
            }
        }
        Ok(tenants.into_iter().map(TenantChange::Upsert).collect())
    }

    fn changes(&mut self, wait: Duration) -> Result<Vec<TenantChange>, Error> {
        // A notification ends the wait at once; the log is read either way,
        // so a notification missed (a reconnect) delays a change by at most
        // one wait.
        let _ = self
            .client
            .notifications()
            .timeout_iter(wait)
            .next()
            .map_err(db_error)?;
        // Drain what else arrived, without waiting.
        while self
            .client
            .notifications()
            .iter()
            .next()
            .map_err(db_error)?
            .is_some()
        {}
        let low = self.last_seq - LATE_COMMIT_WINDOW;
        let mut last_seq = self.last_seq;
        let mut applied = self.applied.clone();
        let rows = self
            .client
            .query(
                "SELECT seq, tenant_id FROM corsc_tenant_changes WHERE seq > $1 ORDER BY seq LIMIT 100000",
                &[&low],
            )
            .map_err(db_error)?;
        let mut ids = Vec::new();
        for row in rows {
            let seq: i64 = row.get(0);
            if !applied.insert(seq) {
                continue;
            }
            last_seq = last_seq.max(seq);
            ids.push(row.get::<_, String>(1));
        }
        ids.sort();
        ids.dedup();
        let changes = ids
            .iter()
            .map(|id| {
                self.read(id).unwrap_or_else(|error| TenantChange::Invalid {
                    id: id.clone(),
                    error,
                })
            })
            .collect();
        // Only once the batch is read: an error before this point leaves it
        // to the next call.
        self.last_seq = last_seq;
        self.applied = applied.split_off(&(last_seq - LATE_COMMIT_WINDOW));
        Ok(changes)
    }
}

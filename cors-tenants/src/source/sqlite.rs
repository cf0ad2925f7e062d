//! SQLite, the embedded default (feature `sqlite`): the schema ships with
//! the crate (`migrations/sqlite/`, applied by [`SqliteSource::open`]
//! under `PRAGMA user_version`), tenants and their origins are rows, and
//! triggers keep a change log that [`TenantSource::changes`] reads from
//! the last sequence number it applied — work proportional to the changes,
//! whoever wrote them (this process, another one, the `sqlite3` shell).
//!
//! ```
//! use cors_tenants::source::sqlite::SqliteSource;
//! use cors_tenants::{Platform, TenantIndex, TenantSource, TenantSpec};
//! let dir = tempfile::tempdir().unwrap();
//! let mut db = SqliteSource::open(dir.path().join("tenants.db")).unwrap();
//! db.put(&TenantSpec { id: "acme".into(), origins: vec!["https://acme.example".into()], plan: None }).unwrap();
//!
//! let platform = Platform::new(&cors_policy::Source::new("p.toml", "origins = []\n"), "default").unwrap();
//! let (index, applied) = TenantIndex::from_source(platform, &mut db).unwrap();
//! assert!(applied.refused.is_empty());
//! assert!(index.load().policy(b"acme").unwrap().allows_origin(b"https://acme.example"));
//! ```

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, params};

use super::{TenantChange, TenantSource};
use crate::{Error, TenantSpec};

/// The schema, one script per version.
const MIGRATIONS: [&str; 1] = [include_str!("../../migrations/sqlite/0001_tenants.sql")];

fn db_error(e: rusqlite::Error) -> Error {
    Error::Source(format!("sqlite: {e}"))
}

/// Tenants in a SQLite database.
#[derive(Debug)]
pub struct SqliteSource {
    connection: Connection,
    /// The last change-log entry applied.
    last_seq: i64,
}

impl SqliteSource {
    /// Opens (or creates) the database at `path` and brings its schema up
    /// to date (`migrations/sqlite/`: a `tenants` table, its origins, and
    /// a change log filled by triggers, so a write from any connection is
    /// seen).
    ///
    /// ```
    /// use cors_tenants::{Platform, TenantIndex, source::sqlite::SqliteSource};
    /// let dir = tempfile::tempdir().unwrap();
    /// let mut source = SqliteSource::open(dir.path().join("tenants.db")).unwrap();
    /// let platform = Platform::new(
    ///     &cors_policy::Source::new("platform.toml", "origins = []\n"),
    ///     "default",
    /// ).unwrap();
    /// let (index, _refused) = TenantIndex::from_source(platform, &mut source).unwrap();
    /// assert!(index.load().is_empty());
    /// ```
    ///
    /// # Errors
    /// When the file cannot be opened or migrated.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteSource, Error> {
        let connection = Connection::open(path).map_err(db_error)?;
        connection
            .busy_timeout(Duration::from_secs(5))
            .map_err(db_error)?;
        connection
            .execute_batch("PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;")
            .map_err(db_error)?;
        migrate(&connection)?;
        Ok(SqliteSource {
            connection,
            last_seq: 0,
        })
    }

    /// Writes `tenant` (replacing its previous entry) in one transaction.
    /// Check it with [`Platform::check`](crate::Platform::check) first: the
    /// database takes what it is given, and the index refuses it later.
    ///
    /// # Errors
    /// When the database refuses the write.
    pub fn put(&mut self, tenant: &TenantSpec) -> Result<(), Error> {
        let tx = self.connection.transaction().map_err(db_error)?;
        tx.execute(
            "INSERT INTO corsc_tenants (id, plan) VALUES (?1, ?2)
             ON CONFLICT (id) DO UPDATE SET plan = excluded.plan",
            params![tenant.id, tenant.plan],
        )
        .map_err(db_error)?;
        tx.execute(
            "DELETE FROM corsc_tenant_origins WHERE tenant_id = ?1",
            params![tenant.id],
        )
        .map_err(db_error)?;
        for (position, origin) in tenant.origins.iter().enumerate() {
            tx.execute(
                "INSERT INTO corsc_tenant_origins (tenant_id, position, origin) VALUES (?1, ?2, ?3)",
                params![tenant.id, position as i64, origin],
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
        self.connection
            .execute("DELETE FROM corsc_tenants WHERE id = ?1", params![id])
            .map(drop)
            .map_err(db_error)
    }

    /// Tenant `id` as stored, or its removal; a row that cannot be read
    /// is a [`TenantChange::Invalid`] for that tenant alone.
    fn read(&self, id: &str) -> TenantChange {
        self.try_read(id)
            .unwrap_or_else(|error| TenantChange::Invalid {
                id: id.to_string(),
                error,
            })
    }

    fn try_read(&self, id: &str) -> Result<TenantChange, Error> {
        let plan: Option<Option<String>> = self
            .connection
            .query_row(
                "SELECT CAST(plan AS TEXT) FROM corsc_tenants WHERE id = ?1",
                params![id],
                |row| row.get(0),
            )
            .optional()
            .map_err(db_error)?;
        let Some(plan) = plan else {
            return Ok(TenantChange::Remove(id.to_string()));
        };
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT CAST(origin AS TEXT) FROM corsc_tenant_origins WHERE tenant_id = ?1
                 ORDER BY position LIMIT 10001",
            )
            .map_err(db_error)?;
        let origins = statement
            .query_map(params![id], |row| row.get::<_, String>(0))
            .map_err(db_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db_error)?;
        Ok(TenantChange::Upsert(TenantSpec {
            id: id.to_string(),
            origins,
            plan,
        }))
    }

    /// The newest change-log entry.
    fn newest_seq(&self) -> Result<i64, Error> {
        self.connection
            .query_row(
                "SELECT COALESCE(MAX(seq), 0) FROM corsc_tenant_changes",
                [],
                |row| row.get(0),
            )
            .map_err(db_error)
    }
}

/// Applies the migrations the database has not had.
fn migrate(connection: &Connection) -> Result<(), Error> {
    let version: usize = connection
        .query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0))
        .map_err(db_error)?
        .try_into()
        .unwrap_or(usize::MAX);
    if version > MIGRATIONS.len() {
        return Err(Error::Source(format!(
            "sqlite: the database has schema version {version}, newer than this crate's {}",
            MIGRATIONS.len()
        )));
    }
    for (i, script) in MIGRATIONS.iter().enumerate().skip(version) {
        connection
            .execute_batch(&format!(
                "BEGIN; {script}\nPRAGMA user_version = {}; COMMIT;",
                i + 1
            ))
            .map_err(db_error)?;
    }
    Ok(())
}

impl TenantSource for SqliteSource {
    fn load(&mut self) -> Result<Vec<TenantChange>, Error> {
        // The log position first: a change made while reading is read
        // again by the next `changes`, never lost.
        self.last_seq = self.newest_seq()?;
        let ids: Vec<String> = {
            let mut statement = self
                .connection
                .prepare("SELECT CAST(id AS TEXT) FROM corsc_tenants ORDER BY id")
                .map_err(db_error)?;
            statement
                .query_map([], |row| row.get(0))
                .map_err(db_error)?
                .collect::<Result<_, _>>()
                .map_err(db_error)?
        };
        Ok(ids.iter().map(|id| self.read(id)).collect())
    }

    fn changes(&mut self, wait: Duration) -> Result<Vec<TenantChange>, Error> {
        let deadline = Instant::now() + wait;
        loop {
            let rows: Vec<(i64, String)> = {
                let mut statement = self
                    .connection
                    .prepare_cached(
                        "SELECT seq, CAST(tenant_id AS TEXT) FROM corsc_tenant_changes
                         WHERE seq > ?1 ORDER BY seq LIMIT 10000",
                    )
                    .map_err(db_error)?;
                statement
                    .query_map(params![self.last_seq], |row| Ok((row.get(0)?, row.get(1)?)))
                    .map_err(db_error)?
                    .collect::<Result<_, _>>()
                    .map_err(db_error)?
            };
            if let Some(&(seq, _)) = rows.last() {
                let mut ids: Vec<String> = rows.into_iter().map(|(_, id)| id).collect();
                ids.sort();
                ids.dedup();
                let changes = ids.iter().map(|id| self.read(id)).collect();
                // Only once every tenant of the batch is read: an error
                // before this point leaves the batch to the next call.
                self.last_seq = seq;
                return Ok(changes);
            }
            if Instant::now() >= deadline {
                return Ok(Vec::new());
            }
            std::thread::sleep(Duration::from_millis(50).min(wait));
        }
    }
}

//! Where the tenants' lists live, and keeping an index in step with them.
//!
//! A [`TenantSource`] gives every tenant once (to build the index) and then
//! the changes since (to apply one tenant at a time). Every tenant goes
//! through [`Platform::check`](crate::Platform::check) on the way in; a
//! refused one keeps its previous entry and is reported.

use std::time::Duration;

use crate::index::TenantIndex;
use crate::platform::{Platform, TenantSpec};
use crate::{Change, Error};

pub mod dir;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

/// A change to one tenant, as a source reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TenantChange {
    /// The tenant is new or its entry changed.
    Upsert(TenantSpec),
    /// The tenant is gone.
    Remove(String),
    /// The source holds something for this tenant that is not a tenant
    /// (a file that does not parse): the index keeps the previous entry.
    Invalid {
        /// The tenant it is about.
        id: String,
        /// What is wrong.
        error: Error,
    },
}

/// Where tenants live: a directory of files, SQLite, PostgreSQL.
pub trait TenantSource: Send {
    /// Every tenant now, for building the index (entries that are not
    /// tenants come back as [`TenantChange::Invalid`]).
    ///
    /// # Errors
    /// When the source cannot be read at all.
    fn load(&mut self) -> Result<Vec<TenantChange>, Error>;

    /// The changes since the last call (or since [`TenantSource::load`]),
    /// waiting up to `wait` for one. Work is proportional to the changes.
    ///
    /// # Errors
    /// When the source cannot be read; the caller tries again.
    fn changes(&mut self, wait: Duration) -> Result<Vec<TenantChange>, Error>;
}

/// What applying changes did: each refusal, with its tenant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Tenants added, replaced or removed.
    pub changed: usize,
    /// Tenants refused (their previous entry stays), and why.
    pub refused: Vec<(String, Error)>,
}

impl TenantIndex {
    /// An index of every tenant `source` holds; those the platform refuses
    /// are left out and reported.
    ///
    /// # Errors
    /// When the source cannot be read.
    pub fn from_source(
        platform: Platform,
        source: &mut dyn TenantSource,
    ) -> Result<(TenantIndex, Applied), Error> {
        let mut applied = Applied::default();
        let mut checked = Vec::new();
        for change in source.load()? {
            match change {
                TenantChange::Upsert(spec) => match platform.check(&spec) {
                    Ok(tenant) => checked.push(tenant),
                    Err(error) => applied.refused.push((spec.id, error)),
                },
                TenantChange::Remove(_) => {}
                TenantChange::Invalid { id, error } => applied.refused.push((id, error)),
            }
        }
        applied.changed = checked.len();
        // Every tenant here was checked by `platform` itself.
        let index = TenantIndex::build(platform, checked)?;
        Ok((index, applied))
    }

    /// Applies `changes` one tenant at a time.
    pub fn apply(&self, changes: Vec<TenantChange>) -> Applied {
        let mut applied = Applied::default();
        for change in changes {
            let outcome = match change {
                TenantChange::Upsert(spec) => self.upsert(&spec).map_err(|e| (spec.id, e)),
                TenantChange::Remove(id) => Ok(self.remove(&id)),
                TenantChange::Invalid { id, error } => Err((id, error)),
            };
            match outcome {
                Ok(Change::Unchanged) => {}
                Ok(_) => applied.changed += 1,
                Err(refusal) => applied.refused.push(refusal),
            }
        }
        applied
    }

    /// Keeps the index in step with `source` from a background thread:
    /// each batch of changes is applied as it arrives, and `report` hears
    /// of each batch (refusals included) and of read errors. The thread
    /// ends when the returned handle is dropped.
    pub fn follow(
        &self,
        mut source: Box<dyn TenantSource>,
        report: impl Fn(Result<&Applied, &Error>) + Send + 'static,
    ) -> Following {
        let index = self.clone();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = std::sync::Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("cors-tenants-follow".into())
            .spawn(move || {
                while !stopping.load(std::sync::atomic::Ordering::Relaxed) {
                    match source.changes(Duration::from_millis(200)) {
                        Ok(changes) if changes.is_empty() => {}
                        Ok(changes) => report(Ok(&index.apply(changes))),
                        Err(error) => {
                            report(Err(&error));
                            std::thread::sleep(Duration::from_millis(500));
                        }
                    }
                }
            })
            .ok();
        Following { stop, thread }
    }
}

/// The thread of [`TenantIndex::follow`]; dropping it stops the thread.
#[derive(Debug)]
pub struct Following {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Following {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

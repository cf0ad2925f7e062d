//! A directory of TOML files, one per tenant: `acme.toml` is tenant
//! `acme`.
//!
//! ```toml
//! origins = ["https://app.acme.example", "https://*.acme.example"]
//! plan = "partner"   # optional
//! ```
//!
//! Changes are found by scanning the directory (a file's modification time
//! and size tell which to read again), so this source suits platforms with
//! up to some thousands of tenants; a database suits more.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;

use super::{TenantChange, TenantSource};
use crate::{Error, TenantSpec};

/// The largest tenant file read, in bytes.
const MAX_FILE_BYTES: u64 = 256 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TenantFile {
    origins: Vec<String>,
    #[serde(default)]
    plan: Option<String>,
}

/// Tenants as files in one directory.
#[derive(Debug)]
pub struct DirSource {
    dir: PathBuf,
    /// What each file was when last read: modification time and size.
    seen: HashMap<String, (SystemTime, u64)>,
}

impl DirSource {
    /// Tenants from `dir`'s `*.toml` files.
    pub fn new(dir: impl Into<PathBuf>) -> DirSource {
        DirSource {
            dir: dir.into(),
            seen: HashMap::new(),
        }
    }

    fn read(path: &Path, id: &str) -> TenantChange {
        let invalid = |message: String| TenantChange::Invalid {
            id: id.to_string(),
            error: Error::Source(format!("{}: {message}", path.display())),
        };
        let text = match std::fs::metadata(path) {
            Ok(meta) if meta.len() > MAX_FILE_BYTES => {
                return invalid(format!("larger than {MAX_FILE_BYTES} bytes"));
            }
            Ok(_) => match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(e) => return invalid(e.to_string()),
            },
            Err(e) => return invalid(e.to_string()),
        };
        match toml::from_str::<TenantFile>(&text) {
            Ok(file) => TenantChange::Upsert(TenantSpec {
                id: id.to_string(),
                origins: file.origins,
                plan: file.plan,
            }),
            Err(e) => invalid(e.message().to_string()),
        }
    }

    /// The tenant files there are now: id, path, modification time, size.
    fn scan(&self) -> Result<Vec<(String, PathBuf, SystemTime, u64)>, Error> {
        let entries = std::fs::read_dir(&self.dir)
            .map_err(|e| Error::Source(format!("{}: {e}", self.dir.display())))?;
        let mut files = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("toml") {
                continue;
            }
            let Some(id) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            files.push((id.to_string(), path, modified, meta.len()));
        }
        Ok(files)
    }

    fn diff(&mut self) -> Result<Vec<TenantChange>, Error> {
        let files = self.scan()?;
        let mut changes = Vec::new();
        let mut present = HashMap::with_capacity(files.len());
        for (id, path, modified, len) in files {
            if self.seen.get(&id) != Some(&(modified, len)) {
                changes.push(DirSource::read(&path, &id));
            }
            present.insert(id, (modified, len));
        }
        for id in self.seen.keys() {
            if !present.contains_key(id) {
                changes.push(TenantChange::Remove(id.clone()));
            }
        }
        self.seen = present;
        Ok(changes)
    }
}

impl TenantSource for DirSource {
    fn load(&mut self) -> Result<Vec<TenantChange>, Error> {
        self.seen.clear();
        self.diff()
    }

    fn changes(&mut self, wait: Duration) -> Result<Vec<TenantChange>, Error> {
        let deadline = Instant::now() + wait;
        loop {
            let changes = self.diff()?;
            if !changes.is_empty() || Instant::now() >= deadline {
                return Ok(changes);
            }
            std::thread::sleep(Duration::from_millis(50).min(wait));
        }
    }
}

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
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;

use super::{TenantChange, TenantSource};
use crate::{Error, TenantSpec};

/// The largest tenant file read, in bytes.
const MAX_FILE_BYTES: u64 = 256 * 1024;

/// A file modified this recently is read again on every scan: a rewrite of
/// the same size within one tick of the file system's clock leaves its
/// modification time and size as they were.
const RECENT: Duration = Duration::from_secs(2);

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
    /// What each file was when last read: modification time, size and a
    /// hash of its bytes.
    seen: HashMap<String, (SystemTime, u64, u64)>,
}

impl DirSource {
    /// Tenants from `dir`'s `*.toml` files, one per tenant, named after
    /// it, each holding its `origins` and an optional `plan`.
    ///
    /// ```
    /// use cors_tenants::{Platform, TenantIndex, source::dir::DirSource};
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(
    ///     dir.path().join("app-a.toml"),
    ///     "origins = [\"https://a.example\"]\n",
    /// ).unwrap();
    /// let platform = Platform::new(
    ///     &cors_policy::Source::new("platform.toml", "origins = []\n"),
    ///     "default",
    /// ).unwrap();
    /// let mut source = DirSource::new(dir.path());
    /// let (index, _refused) = TenantIndex::from_source(platform, &mut source).unwrap();
    /// assert_eq!(index.load().allows_origin(b"app-a", b"https://a.example"), Some(true));
    /// ```
    pub fn new(dir: impl Into<PathBuf>) -> DirSource {
        DirSource {
            dir: dir.into(),
            seen: HashMap::new(),
        }
    }

    /// The file's bytes, at most [`MAX_FILE_BYTES`] of them whatever it
    /// grows to while being read.
    fn bytes(path: &Path) -> Result<Vec<u8>, String> {
        let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(format!("larger than {MAX_FILE_BYTES} bytes"));
        }
        Ok(bytes)
    }

    fn parse(path: &Path, id: &str, bytes: Result<Vec<u8>, String>) -> TenantChange {
        let invalid = |message: String| TenantChange::Invalid {
            id: id.to_string(),
            error: Error::Source(format!("{}: {message}", path.display())),
        };
        let text = match bytes.map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(_)) => return invalid("not UTF-8".into()),
            Err(message) => return invalid(message),
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
        let now = SystemTime::now();
        for (id, path, modified, len) in files {
            let before = self.seen.get(&id).copied();
            let recent = now
                .duration_since(modified)
                .map_or(true, |age| age < RECENT);
            let unchanged = before.is_some_and(|(m, l, _)| (m, l) == (modified, len));
            if unchanged && !recent {
                present.insert(id, before.unwrap_or((modified, len, 0)));
                continue;
            }
            let bytes = DirSource::bytes(&path);
            let hash = bytes.as_ref().map_or(0, |b| {
                let mut h = std::hash::DefaultHasher::new();
                std::hash::Hash::hash(b, &mut h);
                std::hash::Hasher::finish(&h)
            });
            if before.map(|(_, _, h)| h) != Some(hash) || bytes.is_err() {
                changes.push(DirSource::parse(&path, &id, bytes));
            }
            present.insert(id, (modified, len, hash));
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

//! Finding 5: `DirSource` decides a file is unchanged when its modification
//! time and size are. A second write of the same size within one timestamp
//! tick (ext4 and most file systems stamp with a coarse clock; some keep
//! whole seconds) leaves both equal, so the new content is never read —
//! the tenant keeps its old origins until the file changes again. Here the
//! tick is simulated by restoring the first write's mtime.

use std::time::Duration;

use cors_tenants::source::dir::DirSource;
use cors_tenants::{TenantIndex, TenantSource};

mod common;
use common::{allows, platform};

#[test]
fn a_rewrite_with_the_same_size_in_the_same_tick_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.toml");
    std::fs::write(&path, "origins = [\"https://aaaa.example\"]\n").unwrap();
    let first = std::fs::metadata(&path).unwrap().modified().unwrap();

    let mut source = DirSource::new(dir.path());
    let (index, _) = TenantIndex::from_source(platform(), &mut source).unwrap();
    assert_eq!(allows(&index, "acme", "https://aaaa.example"), Some(true));

    // The tenant replaces its origin (same length), within the same tick.
    std::fs::write(&path, "origins = [\"https://bbbb.example\"]\n").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(first)
        .unwrap();

    let mut seen = false;
    for _ in 0..5 {
        index.apply(source.changes(Duration::from_millis(100)).unwrap());
        if allows(&index, "acme", "https://bbbb.example") == Some(true) {
            seen = true;
            break;
        }
    }
    assert!(seen, "the new origin was never read");
    assert_eq!(allows(&index, "acme", "https://aaaa.example"), Some(false));
}

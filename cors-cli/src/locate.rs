//! Where a key of the selected policy is written, as advice shows it: the
//! compiler finds the key ([`cors_policy::locate`]); this only names the
//! file and line.

use cors_policy::{Selection, Source};

/// A place in a policy file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Location {
    pub(crate) file: String,
    pub(crate) line: usize,
    /// The dotted key (`policies.api.origins`), or the table to add it to.
    pub(crate) key: String,
}

/// Where `key` of the selected policy is set, or the table it should be
/// added to (see [`cors_policy::locate`]).
pub(crate) fn locate(
    source: &Source,
    selection: &Selection,
    key: &str,
    extend: bool,
) -> Option<Location> {
    let at = cors_policy::locate(source, selection, key, extend)?;
    Some(Location {
        file: source.name.clone(),
        line: source.line_col(at.span.start).0,
        key: at.key,
    })
}

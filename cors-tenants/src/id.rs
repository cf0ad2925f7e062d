//! Tenant ids: what a request names its application by.

use std::fmt;

/// The longest tenant id, in bytes.
pub const MAX_TENANT_ID_LEN: usize = 128;

/// True for a valid tenant id: 1 to [`MAX_TENANT_ID_LEN`] bytes of URL
/// unreserved characters (`A-Z a-z 0-9 - . _ ~`), so an id reads the same in
/// a path segment, a host label, a query parameter and a header, with no
/// decoding that two layers could do differently.
///
/// ```
/// assert!(cors_tenants::is_valid_tenant_id(b"app_42"));
/// assert!(!cors_tenants::is_valid_tenant_id(b"app%2F42"));
/// assert!(!cors_tenants::is_valid_tenant_id(b""));
/// ```
pub fn is_valid_tenant_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_TENANT_ID_LEN
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// A tenant id that is not valid, with what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidTenantId {
    /// The id, escaped and cut to a readable length.
    pub id: String,
}

impl fmt::Display for InvalidTenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a tenant id: use 1 to {MAX_TENANT_ID_LEN} characters among A-Z a-z 0-9 - . _ ~",
            self.id
        )
    }
}

/// Checks an id, describing a bad one safely for logs and messages.
pub(crate) fn check(id: &str) -> Result<(), InvalidTenantId> {
    if is_valid_tenant_id(id.as_bytes()) {
        Ok(())
    } else {
        Err(InvalidTenantId {
            id: id.chars().take(64).flat_map(char::escape_debug).collect(),
        })
    }
}

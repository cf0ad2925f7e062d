//! What the source and review tests share: a one-plan platform with
//! credentials, a tenant from a list of origins, and a lookup.

#![allow(dead_code, reason = "each test file uses a subset")]

use cors_tenants::{Platform, TenantIndex, TenantSpec};

/// A platform whose one plan (`default`) has credentials.
pub(crate) fn platform() -> Platform {
    Platform::new(
        &cors_policy::Source::new("p.toml", "origins = []\ncredentials = true\n"),
        "default",
    )
    .unwrap()
}

/// Tenant `id` with `origins`, on the default plan.
pub(crate) fn spec(id: &str, origins: &[&str]) -> TenantSpec {
    TenantSpec {
        id: id.into(),
        origins: origins.iter().map(|o| o.to_string()).collect(),
        plan: None,
    }
}

/// Whether tenant `id` allows `origin`; `None` when it is not a tenant.
pub(crate) fn allows(index: &TenantIndex, id: &str, origin: &str) -> Option<bool> {
    index
        .load()
        .policy(id.as_bytes())
        .map(|p| p.allows_origin(origin.as_bytes()))
}

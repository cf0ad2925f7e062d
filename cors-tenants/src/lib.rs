//! Per-tenant CORS allow-lists for platforms: every application (tenant)
//! registered on the platform has its own origins, on top of a shared base
//! policy (its *plan*: methods, headers, credentials, max age, `on_reject`).
//!
//! - [`Platform`]: the plans, read from a policy file, and the check every
//!   tenant's origins go through — the same rules, codes, messages and
//!   help as `cors lint` gives for a policy file ([`Platform::check`]).
//! - [`TenantIndex`]: one index over all tenants. Finding a tenant's
//!   policy is one hash lookup whatever the number of tenants, and
//!   allocates nothing; upserting or removing a tenant costs that tenant's
//!   size, and every request sees one consistent version.
//! - [`TenantCors`]: the index as a policy source for the runtime's tower,
//!   actix-web and rocket adapters, with a [`TenantExtractor`] that finds
//!   each request's tenant in what a preflight carries ([`PathSegment`],
//!   [`HostLabel`], [`QueryParam`], [`GatewayHeader`]).
//!
//! ```
//! use cors_runtime::{PolicySource, SimpleRequest};
//! use cors_tenants::{Platform, TenantIndex, TenantSpec};
//!
//! let platform = Platform::new(
//!     &cors_policy::Source::new("platform.toml", r#"
//!         origins = []
//!         methods = ["GET", "POST", "DELETE"]
//!         allow_headers = ["content-type", "authorization"]
//!         credentials = true
//!     "#),
//!     "default",
//! ).unwrap();
//! let index = TenantIndex::new(platform);
//! index.upsert(&TenantSpec {
//!     id: "client-1".into(),
//!     origins: vec!["https://shop.example".into(), "https://*.shop.example".into()],
//!     plan: None,
//! }).unwrap();
//!
//! let snapshot = index.load();
//! let policy = snapshot.policy(b"client-1").unwrap();
//! let headers = [("Origin", &b"https://eu.shop.example"[..])];
//! let request = SimpleRequest::new(b"GET", &headers);
//! let decision = policy.evaluate(&request);
//! assert_eq!(decision.kind(), cors_runtime::DecisionKind::Actual);
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod blob;
mod cors;
mod error;
mod extract;
mod id;
mod index;
mod platform;
pub mod source;

pub use cors::TenantCors;
pub use error::Error;
pub use extract::{GatewayHeader, HostLabel, PathSegment, QueryParam, Reads, TenantExtractor};
pub use id::{InvalidTenantId, MAX_TENANT_ID_LEN, is_valid_tenant_id};
pub use index::{Change, DEFAULT_COMPACTION_AT, Snapshot, TenantIndex};
pub use platform::{CheckedTenant, DEFAULT_MAX_ORIGINS, MAX_ORIGIN_LEN, Platform, TenantSpec};
pub use source::{Applied, Following, TenantChange, TenantSource};

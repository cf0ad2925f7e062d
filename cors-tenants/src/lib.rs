#![doc = include_str!("../README.md")]
// Feature-gated items are marked as such on docs.rs.
#![cfg_attr(docsrs, feature(doc_cfg))]
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

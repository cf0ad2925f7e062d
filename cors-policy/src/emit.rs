//! Stage 5, **emit**: a built policy written out for where it is enforced.
//!
//! - [`rust`]: a constant `cors_runtime::Policy<'static>` expression, for
//!   `cors_policy!` and build scripts.
//! - [`edge`]: the model the proxy backends share, and one module per proxy:
//!   [`nginx`], [`caddy`], [`haproxy`], [`apache`].
//! - [`bucket`]: what the bucket backends refuse, and [`s3`], [`gcs`].
//! - [`target`]: what the non-Rust backends share (options, capability
//!   tables).

pub mod apache;
pub mod bucket;
pub mod caddy;
pub mod edge;
pub mod gcs;
pub mod haproxy;
pub mod nginx;
pub mod rust;
pub mod s3;
pub mod target;

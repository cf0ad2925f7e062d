//! Stage 5, **emit**: a built policy written out for where it is enforced.
//!
//! - [`rust`]: a constant `cors_runtime::Policy<'static>` expression, for
//!   `cors_policy!` and build scripts.
//! - [`edge`]: the model the proxy backends share, and one module per proxy:
//!   [`nginx`], [`caddy`], [`haproxy`], [`apache`].
//! - [`target`]: what the non-Rust backends share (options, capability
//!   tables).

pub mod apache;
pub mod caddy;
pub mod edge;
pub mod haproxy;
pub mod nginx;
pub mod rust;
pub mod target;

//! Stage 5, **emit**: a built policy written out for where it is enforced.
//!
//! - [`rust`]: a constant `cors_runtime::Policy<'static>` expression, for
//!   `cors_policy!` and build scripts.

pub mod rust;

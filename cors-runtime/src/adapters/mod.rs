//! Framework adapters, each behind its own feature. They only convert request
//! parts in and headers out; every CORS decision is the core's.

#[cfg(feature = "http")]
pub mod http;

#[cfg(feature = "tower")]
pub mod tower;

#[cfg(feature = "actix")]
pub mod actix;

#[cfg(feature = "rocket")]
pub mod rocket;

//! Framework adapters, each behind its own feature. They only convert request
//! parts in and headers out; every CORS decision is the core's.

#[cfg(feature = "http")]
pub mod http;

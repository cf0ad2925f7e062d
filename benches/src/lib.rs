//! Policies for the criterion benchmarks, compiled at build time.

#![allow(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/policies.rs"));
include!(concat!(env!("OUT_DIR"), "/policy_sources.rs"));

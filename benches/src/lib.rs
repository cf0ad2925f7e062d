//! Policies and inputs shared by the criterion benchmarks; the policies are
//! compiled at build time (`build.rs`).

#![allow(missing_docs)]

use cors_runtime::Policy;

include!(concat!(env!("OUT_DIR"), "/policies.rs"));
include!(concat!(env!("OUT_DIR"), "/policy_sources.rs"));

/// Allow-list sizes of the exact-origin policies.
pub const SIZES: [usize; 6] = [1, 10, 100, 1_000, 10_000, 100_000];

/// Wildcard counts of the mixed policies (each also lists 100 exact origins).
pub const WILDCARDS: [usize; 3] = [1, 10, 1_000];

/// The `i`-th exact origin of every policy.
pub fn exact_origin(i: usize) -> String {
    format!("https://app{i}.example{}.com", i % 97)
}

/// An origin `depth` labels below the `i`-th wildcard's base.
pub fn wildcard_origin(i: usize, depth: usize) -> String {
    let front: String = ["a.", "b.", "c.", "d.", "e.", "f."][..depth].concat();
    format!("https://{front}tenant{i}.example{}.net", i % 97)
}

/// The static policy of `n` exact origins and its TOML.
pub fn exact(n: usize) -> (Policy<'static>, &'static str) {
    match n {
        1 => (EXACT_1, EXACT_1_TOML),
        10 => (EXACT_10, EXACT_10_TOML),
        100 => (EXACT_100, EXACT_100_TOML),
        1_000 => (EXACT_1000, EXACT_1000_TOML),
        10_000 => (EXACT_10000, EXACT_10000_TOML),
        100_000 => (EXACT_100000, EXACT_100000_TOML),
        _ => panic!("no policy of {n} origins"),
    }
}

/// The static mixed policy with `w` wildcards and its TOML.
pub fn mixed(w: usize) -> (Policy<'static>, &'static str) {
    match w {
        1 => (MIXED_1, MIXED_1_TOML),
        10 => (MIXED_10, MIXED_10_TOML),
        1_000 => (MIXED_1000, MIXED_1000_TOML),
        _ => panic!("no mixed policy with {w} wildcards"),
    }
}

/// The same origins as [`exact`], as the strings peers are configured with.
pub fn exact_origins(n: usize) -> Vec<String> {
    (0..n).map(exact_origin).collect()
}

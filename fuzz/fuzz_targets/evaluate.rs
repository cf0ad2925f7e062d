//! Whole requests: an arbitrary method and any number of the headers the
//! evaluator reads, with arbitrary values. Differential against the
//! reference evaluator on four policies.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

mod common;

#[derive(Arbitrary, Debug)]
enum Name {
    Origin,
    RequestMethod,
    RequestHeaders,
    Host,
    SecFetchSite,
    Other,
}

#[derive(Arbitrary, Debug)]
struct Input {
    method: Vec<u8>,
    headers: Vec<(Name, Vec<u8>)>,
}

fuzz_target!(|input: Input| {
    let headers: Vec<(String, Vec<u8>)> = input
        .headers
        .into_iter()
        .map(|(name, value)| {
            let name = match name {
                Name::Origin => "origin",
                Name::RequestMethod => "access-control-request-method",
                Name::RequestHeaders => "access-control-request-headers",
                Name::Host => "host",
                Name::SecFetchSite => "sec-fetch-site",
                Name::Other => "x-other",
            };
            (name.to_string(), value)
        })
        .collect();
    common::differential(&input.method, &headers);
});

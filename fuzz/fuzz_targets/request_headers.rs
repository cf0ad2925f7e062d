//! Arbitrary bytes as `Access-Control-Request-Headers` (split into lines at
//! `\n`) on a preflight from an allowed origin: no panic, bounded work, and
//! the runtime agrees with the reference evaluator.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let mut headers = vec![
        ("Origin".to_string(), b"https://app.example.com".to_vec()),
        ("Access-Control-Request-Method".to_string(), b"PUT".to_vec()),
    ];
    for line in data.split(|b| *b == b'\n') {
        headers.push(("Access-Control-Request-Headers".to_string(), line.to_vec()));
    }
    common::differential(b"OPTIONS", &headers);
});

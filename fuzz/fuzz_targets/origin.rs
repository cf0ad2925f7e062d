//! Arbitrary bytes as an `Origin` value: the parser never panics, the
//! matcher's fast path agrees with parse-then-match in both directions
//! (what it accepts and what it calls a final miss), and the runtime agrees
//! with the reference evaluator on a GET and a preflight.
#![no_main]

use cors_runtime::__private::FastMatch;
use cors_runtime::PolicySource;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let _ = cors_runtime::origin::parse(data);
    for (owned, _) in common::policies() {
        let policy = owned.policy();
        let slow = cors_runtime::__private::match_parsed(policy, data);
        match cors_runtime::__private::match_unchecked(policy, data) {
            FastMatch::Listed(by) => assert_eq!(Some(by), slow),
            FastMatch::NotListed => assert_eq!(None, slow),
            FastMatch::Unknown => {}
        }
    }
    let origin = vec![("Origin".to_string(), data.to_vec())];
    common::differential(b"GET", &origin);
    let mut preflight = origin;
    preflight.push(("Access-Control-Request-Method".into(), b"PUT".to_vec()));
    common::differential(b"OPTIONS", &preflight);
});

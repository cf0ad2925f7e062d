//! `cors schema`: the policy file's JSON Schema.

use std::io::Write;

pub(crate) fn run(out: &mut dyn Write) -> u8 {
    match out.write_all(cors_policy::JSON_SCHEMA.as_bytes()) {
        Ok(()) => 0,
        Err(_) => super::EXIT_USAGE,
    }
}

//! The policy file's schema: the keys each table takes, and the JSON Schema
//! editors check files with. The parser reads exactly these keys, and a test
//! holds the JSON Schema to the same lists.

/// The JSON Schema of the policy file (draft 2020-12), for editors: taplo
/// and Even Better TOML complete and check keys with it. `cors schema`
/// prints it; the repository ships it as `cors-policy/policy.schema.json`.
pub const JSON_SCHEMA: &str = include_str!("../policy.schema.json");

/// Keys of a policy table.
pub const POLICY_KEYS: &[&str] = &[
    "origins",
    "methods",
    "allow_headers",
    "expose_headers",
    "credentials",
    "max_age",
    "preflight_status",
    "on_reject",
    "server_origins",
    "profiles",
];

/// Keys of a profile table.
pub const PROFILE_KEYS: &[&str] = &[
    "origins",
    "methods",
    "allow_headers",
    "expose_headers",
    "credentials",
    "max_age",
    "preflight_status",
    "on_reject",
    "server_origins",
    "extra_origins",
    "extra_methods",
    "extra_allow_headers",
    "extra_expose_headers",
];

/// Keys at the top of a file of named policies.
pub const NAMED_FILE_KEYS: &[&str] = &["policies", "lints"];

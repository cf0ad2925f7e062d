//! The policy file's schema: the keys each table takes, and the JSON Schema
//! editors check files with. The parser reads exactly these keys, and a test
//! holds the JSON Schema to the same lists.

/// The JSON Schema of the policy file (draft 2020-12), for editors: taplo
/// and Even Better TOML complete and check keys with it. `cors schema`
/// prints it; the repository ships it as `cors-policy/policy.schema.json`.
pub const JSON_SCHEMA: &str = include_str!("../policy.schema.json");

/// The keys a policy and a profile both take (a profile's replace the
/// policy's).
const POLICY_SETTINGS: [&str; 12] = [
    "origins",
    "methods",
    "allow_headers",
    "expose_headers",
    "credentials",
    "max_age",
    "preflight_status",
    "on_reject",
    "server_origins",
    "report_only",
    "log_rejections",
    "fingerprint_header",
];

/// Keys of a policy table: its settings and its `profiles`.
pub const POLICY_KEYS: &[&str] = &concat::<12, 1, 13>(POLICY_SETTINGS, ["profiles"]);

/// Keys of a profile table: the settings it replaces and the lists it
/// extends (`extra_<key>`).
pub const PROFILE_KEYS: &[&str] = &concat::<12, 4, 16>(
    POLICY_SETTINGS,
    [
        "extra_origins",
        "extra_methods",
        "extra_allow_headers",
        "extra_expose_headers",
    ],
);

/// `a` then `b`, at compile time (`C` must be `A + B`).
const fn concat<const A: usize, const B: usize, const C: usize>(
    a: [&'static str; A],
    b: [&'static str; B],
) -> [&'static str; C] {
    assert!(A + B == C, "C must be A + B");
    let mut out = [""; C];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    while i < C {
        out[i] = b[i - A];
        i += 1;
    }
    out
}

/// Keys at the top of a file of named policies.
pub const NAMED_FILE_KEYS: &[&str] = &["policies", "lints"];

//! Origin lists built to defeat the perfect-hash builder. Each file in
//! `testdata/adversarial/` holds pairs of origins whose 64-bit hashes collide
//! under one of the 48 fixed seeds the builder used to try (a 48-byte key whose third
//! word equals the running hash zeroes the block's multiply, so the pair
//! differs only in a word the hash then ignores). Tenant-submitted origins
//! could be chosen this way; such a policy must still compile and match.

use cors_runtime::PolicySource;
use std::path::PathBuf;

fn compile_and_match(file: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/adversarial")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let owned =
        cors_policy::load(&text).unwrap_or_else(|r| panic!("{file} does not compile:\n{r}"));
    let policy = owned.policy();
    let parsed: toml::Value = toml::from_str(&text).unwrap();
    let origins = parsed["origins"].as_array().unwrap();
    assert!(origins.len() >= 96, "{file}: {} origins", origins.len());
    for origin in origins {
        let pattern = origin.as_str().unwrap();
        // Exact entries match themselves; wildcard entries one label below.
        let request = pattern.replacen("*.", "a.", 1);
        assert!(
            policy.allows_origin(request.as_bytes()),
            "{file}: {request}"
        );
        let mut near = request.into_bytes();
        let last = near.len() - 1;
        near[last] ^= 1;
        assert!(
            !policy.allows_origin(&near),
            "{file}: {}",
            String::from_utf8_lossy(&near)
        );
    }
}

#[test]
fn exact_origins_colliding_on_the_former_fixed_seeds_compile() {
    compile_and_match("colliding-exact-hashes.toml");
}

#[test]
fn wildcards_colliding_on_the_former_fixed_seeds_compile() {
    compile_and_match("colliding-wildcard-hashes.toml");
}

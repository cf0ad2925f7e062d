//! Finding 2: a `CheckedTenant` carries only a plan *index*, not which
//! platform checked it, and `TenantIndex::build` / `insert` accept it into
//! an index of any platform. Its origins were validated against another
//! plan's rules: here `null` passed a platform without credentials and is
//! then served by a platform whose plan has `credentials = true`, where the
//! rules refuse it (CORS205, not configurable).

use cors_policy::Source;
use cors_tenants::{Error, Platform, TenantIndex, TenantSpec};

const LINTS: &str = "[lints]\nnull-origin = \"allow\"\n";

fn without_credentials() -> Platform {
    Platform::new(
        &Source::new(
            "a.toml",
            format!("origins = []\ncredentials = false\n{LINTS}"),
        ),
        "default",
    )
    .unwrap()
}

fn with_credentials() -> Platform {
    Platform::new(
        &Source::new(
            "b.toml",
            format!("origins = []\ncredentials = true\n{LINTS}"),
        ),
        "default",
    )
    .unwrap()
}

#[test]
fn a_tenant_checked_by_one_platform_is_not_served_under_another_platforms_rules() {
    let spec = TenantSpec {
        id: "app".into(),
        origins: vec!["null".into()],
        plan: None,
    };
    // The credentialed platform refuses this list itself.
    let refused = with_credentials().check(&spec).unwrap_err();
    assert!(refused.to_string().contains("CORS205"), "{refused}");

    let checked = without_credentials().check(&spec).unwrap();
    // Neither a build nor an insert of another platform takes it.
    let built = TenantIndex::build(with_credentials(), vec![checked.clone()]);
    assert!(
        matches!(built, Err(Error::CheckedElsewhere { .. })),
        "{built:?}"
    );
    let index = TenantIndex::new(with_credentials());
    let inserted = index.insert(checked.clone());
    assert!(
        matches!(inserted, Err(Error::CheckedElsewhere { .. })),
        "{inserted:?}"
    );
    assert!(index.load().policy(b"app").is_none());
    // Its own platform, cloned, takes it.
    let platform = without_credentials();
    let own = platform.check(&spec).unwrap();
    assert!(TenantIndex::build(platform.clone(), vec![own]).is_ok());
}

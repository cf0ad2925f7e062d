//! The tenant index: lookups at scale, updates, compaction, consistency
//! under concurrent readers, and refused updates.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use cors_policy::Source;
use cors_tenants::{Change, Error, Platform, TenantIndex, TenantSpec};

fn platform() -> Platform {
    Platform::new(
        &Source::new(
            "platform.toml",
            "[policies.standard]\norigins = []\nmethods = [\"GET\", \"PUT\"]\ncredentials = true\n\
             [policies.partner]\norigins = []\nmethods = [\"GET\", \"PUT\", \"DELETE\"]\nmax_age = 60\n",
        ),
        "standard",
    )
    .expect("platform")
}

fn spec(id: &str, origins: &[String]) -> TenantSpec {
    TenantSpec {
        id: id.to_string(),
        origins: origins.to_vec(),
        plan: None,
    }
}

/// Tenant `i`'s origins: one exact, one subdomain wildcard.
fn origins_of(i: usize) -> Vec<String> {
    vec![
        format!("https://app.tenant{i}.example"),
        format!("https://*.tenant{i}.example.net"),
    ]
}

fn allows(index: &TenantIndex, id: &str, origin: &str) -> Option<bool> {
    index
        .load()
        .policy(id.as_bytes())
        .map(|p| p.allows_origin(origin.as_bytes()))
}

#[test]
fn each_tenant_allows_its_own_origins_and_no_other_tenants() {
    let platform = platform();
    let tenants: Vec<_> = (0..5000)
        .map(|i| {
            platform
                .check(&spec(&format!("t{i}"), &origins_of(i)))
                .expect("valid")
        })
        .collect();
    let index = TenantIndex::build(platform, tenants).unwrap();
    assert_eq!(index.load().len(), 5000);
    for i in (0..5000).step_by(97) {
        let id = format!("t{i}");
        assert_eq!(
            allows(&index, &id, &format!("https://app.tenant{i}.example")),
            Some(true)
        );
        assert_eq!(
            allows(&index, &id, &format!("https://x.y.tenant{i}.example.net")),
            Some(true)
        );
        let other = (i + 1) % 5000;
        assert_eq!(
            allows(&index, &id, &format!("https://app.tenant{other}.example")),
            Some(false)
        );
        assert_eq!(
            allows(&index, &id, &format!("https://app.tenant{i}.example.evil")),
            Some(false)
        );
    }
    assert_eq!(allows(&index, "t5000", "https://app.tenant0.example"), None);
    assert_eq!(
        allows(&index, "t0/../t1", "https://app.tenant0.example"),
        None
    );
    assert_eq!(
        allows(&index, &"t".repeat(10_000), "https://app.tenant0.example"),
        None
    );
}

#[test]
fn a_tenant_policy_has_its_plan_and_is_named_after_the_tenant() {
    let index = TenantIndex::new(platform());
    index
        .upsert(&TenantSpec {
            plan: Some("partner".into()),
            ..spec("p1", &origins_of(1))
        })
        .expect("valid");
    index.upsert(&spec("s1", &origins_of(2))).expect("valid");
    let now = index.load();
    let partner = now.policy(b"p1").expect("p1");
    let standard = now.policy(b"s1").expect("s1");
    assert_eq!(partner.name(), "p1");
    assert!(!partner.allows_credentials() && standard.allows_credentials());
    assert_eq!(
        partner.fixed_value(cors_runtime::FixedValue::AllowMethods),
        "GET, PUT, DELETE"
    );
    let err = index
        .upsert(&TenantSpec {
            plan: Some("gold".into()),
            ..spec("g1", &origins_of(3))
        })
        .unwrap_err();
    assert!(matches!(err, Error::UnknownPlan { .. }), "{err}");
    assert!(err.to_string().contains("standard, partner"), "{err}");
}

#[test]
fn upserts_and_removals_change_one_tenant_and_a_held_snapshot_does_not_move() {
    let index = TenantIndex::new(platform());
    assert_eq!(
        index.upsert(&spec("a", &origins_of(1))).unwrap(),
        Change::Added
    );
    let before = index.load_full();
    assert_eq!(
        index
            .upsert(&spec("a", &["https://new.example".to_string()]))
            .unwrap(),
        Change::Replaced
    );
    // The version a request loaded answers as it did.
    let old = before.policy(b"a").unwrap();
    assert!(old.allows_origin(b"https://app.tenant1.example"));
    assert!(!old.allows_origin(b"https://new.example"));
    assert_eq!(allows(&index, "a", "https://new.example"), Some(true));
    assert_eq!(
        allows(&index, "a", "https://app.tenant1.example"),
        Some(false)
    );
    assert_eq!(index.remove("a"), Change::Removed);
    assert_eq!(index.remove("a"), Change::Unchanged);
    assert_eq!(allows(&index, "a", "https://new.example"), None);
    assert_eq!(index.load().len(), 0);
    assert_eq!(index.load().version(), 3);
}

#[test]
fn a_refused_update_keeps_the_old_entry_and_says_why() {
    let index = TenantIndex::new(platform());
    index.upsert(&spec("a", &origins_of(1))).unwrap();
    let refused = index
        .upsert(&spec(
            "a",
            &[
                "https://*.co.uk".to_string(),
                "https://ok.example".to_string(),
            ],
        ))
        .unwrap_err();
    let Error::Origins(diagnostics) = &refused else {
        panic!("{refused:?}")
    };
    assert_eq!(diagnostics[0].code, "CORS104");
    assert_eq!(diagnostics[0].origin_index, Some(0));
    assert_eq!(
        allows(&index, "a", "https://app.tenant1.example"),
        Some(true)
    );
    for (bad, error) in [
        (spec("a b", &origins_of(1)), "not a tenant id"),
        (
            spec("a", &vec!["https://x.example".to_string(); 101]),
            "at most 100",
        ),
        (
            spec("a", &[format!("https://{}.example", "x".repeat(2000))]),
            "longer than 1024 bytes",
        ),
    ] {
        let message = index.upsert(&bad).unwrap_err().to_string();
        assert!(message.contains(error), "{message}");
        assert_eq!(
            allows(&index, "a", "https://app.tenant1.example"),
            Some(true)
        );
    }
}

#[test]
fn compaction_merges_overlays_without_changing_any_answer() {
    let platform = platform();
    let base: Vec<_> = (0..200)
        .map(|i| {
            platform
                .check(&spec(&format!("t{i}"), &origins_of(i)))
                .unwrap()
        })
        .collect();
    let index = TenantIndex::build_with(platform, base, 16).unwrap();
    // Replace every third tenant, remove every seventh, add 100 more.
    for i in (0..200).step_by(3) {
        index
            .upsert(&spec(&format!("t{i}"), &origins_of(i + 1000)))
            .unwrap();
    }
    for i in (0..200).step_by(7) {
        index.remove(&format!("t{i}"));
    }
    for i in 200..300 {
        index
            .upsert(&spec(&format!("t{i}"), &origins_of(i)))
            .unwrap();
    }
    index.compact();
    let now = index.load();
    assert_eq!(now.pending(), 0);
    let expected_len = (0..300).filter(|i| i % 7 != 0 || *i >= 200).count();
    assert_eq!(now.len(), expected_len);
    for i in 0..300 {
        let id = format!("t{i}");
        let origin_of = |n: usize| format!("https://app.tenant{n}.example");
        let expected = if i < 200 && i % 7 == 0 {
            None
        } else if i < 200 && i % 3 == 0 {
            Some((origin_of(i + 1000), origin_of(i)))
        } else {
            Some((origin_of(i), origin_of(i + 1000)))
        };
        match expected {
            None => assert!(now.policy(id.as_bytes()).is_none(), "{id}"),
            Some((yes, no)) => {
                let policy = now.policy(id.as_bytes()).unwrap();
                assert!(policy.allows_origin(yes.as_bytes()), "{id} {yes}");
                assert!(!policy.allows_origin(no.as_bytes()), "{id} {no}");
            }
        }
    }
}

/// Readers evaluate while a writer replaces tenants: every snapshot a
/// reader loads is one whole version, in which tenant `a` and tenant `b`
/// were always written together with the same generation.
#[test]
fn readers_see_one_whole_version_while_a_writer_updates() {
    let index = TenantIndex::build_with(platform(), Vec::new(), 8).unwrap();
    let gen_origin = |g: usize| format!("https://gen{g}.example");
    index.upsert(&spec("a", &[gen_origin(0)])).unwrap();
    index.upsert(&spec("b", &[gen_origin(0)])).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let index = index.clone();
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut checked = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let now = index.load();
                    let a = now.policy(b"a").unwrap();
                    let b = now.policy(b"b").unwrap();
                    // b is written after a: b's generation is a's or one less.
                    let generation = |p: cors_runtime::Policy<'_>| {
                        (0..400)
                            .find(|g| p.allows_origin(format!("https://gen{g}.example").as_bytes()))
                    };
                    let (ga, gb) = (generation(a).unwrap(), generation(b).unwrap());
                    assert!(ga == gb || ga == gb + 1, "a at {ga}, b at {gb}");
                    checked += 1;
                }
                checked
            })
        })
        .collect();
    for g in 1..400 {
        index.upsert(&spec("a", &[gen_origin(g)])).unwrap();
        index.upsert(&spec("b", &[gen_origin(g)])).unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    for reader in readers {
        assert!(reader.join().expect("no reader panicked") > 0);
    }
}

/// The base's (tenant, exact origin) pairs answer only for tenants no
/// overlay has changed: an upsert or a removal since the last compaction
/// wins over the pair the base still holds.
#[test]
fn a_change_since_compaction_wins_over_the_bases_pairs() {
    // Both lookups: the (tenant, origin) one reads the base's pairs, the
    // policy view the tenant's tables; they must agree.
    let lookup = |index: &TenantIndex, id: &str, origin: &str| {
        let direct = index.load().allows_origin(id.as_bytes(), origin.as_bytes());
        assert_eq!(direct, allows(index, id, origin), "{id} {origin}");
        direct
    };
    let index = TenantIndex::new(platform());
    let old = vec!["https://old.example".to_string()];
    let new = vec!["https://new.example".to_string()];
    index.upsert(&spec("a", &old)).expect("valid");
    index.upsert(&spec("b", &old)).expect("valid");
    index.compact();
    assert_eq!(index.load().pending(), 0, "both tenants are in the base");
    assert_eq!(lookup(&index, "a", "https://old.example"), Some(true));
    index.upsert(&spec("a", &new)).expect("valid");
    index.remove("b");
    assert_eq!(lookup(&index, "a", "https://old.example"), Some(false));
    assert_eq!(lookup(&index, "a", "https://new.example"), Some(true));
    assert_eq!(lookup(&index, "b", "https://old.example"), None);
    index.compact();
    assert_eq!(lookup(&index, "a", "https://old.example"), Some(false));
    assert_eq!(lookup(&index, "a", "https://new.example"), Some(true));
    assert_eq!(lookup(&index, "b", "https://old.example"), None);
}

/// Memory beyond the ids' and origins' text stays under 64 bytes per
/// origin whatever the number of tenants — the pair table once doubled at
/// every power of two, putting 1,025 tenants at 71 bytes.
#[test]
fn memory_per_origin_stays_under_64_bytes_at_every_size() {
    for n in [1_000, 1_024, 1_025, 1_365, 1_366, 2_049] {
        let platform = platform();
        let tenants: Vec<_> = (0..n)
            .map(|i| {
                let spec = TenantSpec {
                    id: format!("client-{i:07}"),
                    origins: vec![
                        format!("https://app.customer{i}.example"),
                        format!("https://admin.customer{i}.example"),
                        format!("https://*.customer{i}.example.net"),
                    ],
                    plan: None,
                };
                let text = spec.id.len()
                    + spec
                        .origins
                        .iter()
                        .map(|o| o.len() - if o.contains("*.") { 2 } else { 0 })
                        .sum::<usize>();
                (platform.check(&spec).expect("valid"), text)
            })
            .collect();
        let text: usize = tenants.iter().map(|(_, t)| t).sum();
        let index = TenantIndex::build(platform, tenants.into_iter().map(|(c, _)| c).collect())
            .expect("checked here");
        let per_origin = (index.load().heap_bytes() - text) as f64 / (3 * n) as f64;
        assert!(
            per_origin <= 64.0,
            "{n} tenants: {per_origin:.1} B per origin"
        );
    }
}

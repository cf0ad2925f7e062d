//! Adversarial review of the tenant base segment and blob layout (public
//! API only): ids that are prefixes or case variants of each other, empty
//! lists between neighbours, removals across compactions, hostile origins.

use cors_policy::Source;
use cors_tenants::{Change, CheckedTenant, Platform, TenantIndex, TenantSpec};

fn platform() -> Platform {
    Platform::new(&Source::new("platform.toml", "origins = []\n"), "default").unwrap()
}

fn null_platform() -> Platform {
    Platform::new(
        &Source::new(
            "platform.toml",
            "origins = []\n[lints]\nnull-origin = \"allow\"\n",
        ),
        "default",
    )
    .unwrap()
}

fn spec(id: &str, origins: &[String]) -> TenantSpec {
    TenantSpec {
        id: id.into(),
        origins: origins.to_vec(),
        plan: None,
    }
}

fn own(i: usize) -> Vec<String> {
    vec![
        format!("https://o{i}.example"),
        format!("https://*.w{i}.example"),
        format!("https://p{i}.example:*"),
    ]
}

/// Every tenant answers for its own origins only, and ids that are
/// prefixes / extensions / case variants of each other never alias.
fn assert_matrix(index: &TenantIndex, ids: &[String]) {
    let now = index.load();
    for (i, id) in ids.iter().enumerate() {
        for j in 0..ids.len() {
            let expect = Some(i == j);
            for origin in [
                format!("https://o{j}.example"),
                format!("https://a.b.w{j}.example"),
                format!("https://p{j}.example:8443"),
            ] {
                assert_eq!(
                    now.allows_origin(id.as_bytes(), origin.as_bytes()),
                    expect,
                    "tenant {id:?} origin {origin}"
                );
                assert_eq!(
                    now.policy(id.as_bytes())
                        .map(|p| p.allows_origin(origin.as_bytes())),
                    expect,
                    "policy of {id:?} origin {origin}"
                );
            }
        }
        assert_eq!(now.policy(id.as_bytes()).unwrap().name(), id.as_str());
    }
}

fn tricky_ids() -> Vec<String> {
    let long = "x".repeat(cors_tenants::MAX_TENANT_ID_LEN);
    vec![
        "a".into(),
        "aa".into(),
        "aaa".into(),
        "a.".into(),
        "a-".into(),
        "A".into(),
        "a~".into(),
        "aaaaaaa".into(),   // 7: eq_bytes byte loop
        "aaaaaaaa".into(),  // 8: one word
        "aaaaaaaaa".into(), // 9: overlapping last word
        long[..cors_tenants::MAX_TENANT_ID_LEN - 1].to_string(),
        long,
    ]
}

#[test]
fn prefix_and_neighbour_ids_answer_only_for_themselves_in_base_overlay_and_after_compaction() {
    let ids = tricky_ids();
    let platform = platform();
    let tenants: Vec<CheckedTenant> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| platform.check(&spec(id, &own(i))).unwrap())
        .collect();
    let index = TenantIndex::build_with(platform, tenants, 1_000_000).unwrap();
    assert_eq!(index.load().len(), ids.len());
    assert_matrix(&index, &ids);

    // Ids that are not stored: one byte longer/shorter/different.
    let now = index.load();
    let long = "x".repeat(cors_tenants::MAX_TENANT_ID_LEN + 1);
    for absent in [
        &b""[..],
        b"aaaa",
        b"a\0",
        b"\0a",
        b"a\xff",
        b"\xffa",
        long.as_bytes(),
        &long.as_bytes()[..cors_tenants::MAX_TENANT_ID_LEN - 2],
        b"b",
    ] {
        assert_eq!(
            now.allows_origin(absent, b"https://o0.example"),
            None,
            "{absent:?}"
        );
        assert!(now.policy(absent).is_none(), "{absent:?}");
    }
    drop(now);

    // Same ids through the overlay (rotated origin sets), then compacted.
    let rotated: Vec<String> = ids.iter().rev().cloned().collect();
    let index = TenantIndex::build_with(platform_clone_for(&index), Vec::new(), 1_000_000).unwrap();
    for (i, id) in rotated.iter().enumerate() {
        assert_eq!(index.upsert(&spec(id, &own(i))).unwrap(), Change::Added);
    }
    assert_matrix(&index, &rotated);
    index.compact();
    assert_eq!(index.load().pending(), 0);
    assert_matrix(&index, &rotated);
}

fn platform_clone_for(index: &TenantIndex) -> Platform {
    index.platform().clone()
}

#[test]
fn an_empty_list_tenant_between_others_reads_none_of_its_neighbours_tables() {
    let platform = platform();
    for order in [["x", "e", "y"], ["e", "x", "y"], ["x", "y", "e"]] {
        let tenants: Vec<_> = order
            .iter()
            .map(|id| {
                let origins = match *id {
                    "x" => own(1),
                    "y" => own(2),
                    _ => Vec::new(),
                };
                platform.check(&spec(id, &origins)).unwrap()
            })
            .collect();
        let index = TenantIndex::build_with(platform.clone(), tenants, 1_000_000).unwrap();
        for round in 0..2 {
            let now = index.load();
            for o in own(1).iter().chain(own(2).iter()) {
                let concrete = o.replace("*.", "q.").replace(":*", ":9000");
                assert_eq!(
                    now.allows_origin(b"e", concrete.as_bytes()),
                    Some(false),
                    "{order:?} {concrete}"
                );
            }
            assert_eq!(now.allows_origin(b"x", b"https://o1.example"), Some(true));
            assert_eq!(now.allows_origin(b"y", b"https://o2.example"), Some(true));
            assert_eq!(now.allows_origin(b"x", b"https://o2.example"), Some(false));
            assert_eq!(now.allows_origin(b"e", b"null"), Some(false));
            drop(now);
            if round == 0 {
                index.compact();
            }
        }
    }
}

#[test]
fn null_flag_is_per_tenant() {
    let platform = null_platform();
    let tenants = vec![
        platform.check(&spec("n", &["null".to_string()])).unwrap(),
        platform.check(&spec("m", &own(3))).unwrap(),
    ];
    let index = TenantIndex::build_with(platform, tenants, 1_000_000).unwrap();
    for _ in 0..2 {
        let now = index.load();
        assert_eq!(now.allows_origin(b"n", b"null"), Some(true));
        assert_eq!(now.allows_origin(b"m", b"null"), Some(false));
        assert_eq!(now.allows_origin(b"n", b"https://o3.example"), Some(false));
        drop(now);
        index.compact();
    }
}

/// Slot/bucket counts >= 128 and text length >= 16384: 2- and 3-byte
/// varints, in a record followed by other records in the arena.
#[test]
fn multi_byte_varints_survive_the_arena_and_compaction() {
    let platform = platform().with_max_origins(300);
    // 250 exact origins of 80 bytes: slot count 266 (2-byte varint), exact
    // text 20,000 bytes (3-byte varint); 50 wildcards.
    let pad = "x".repeat(55);
    let big: Vec<String> = (0..250)
        .map(|i| format!("https://e{i:03}-{pad}.big.example"))
        .chain((0..50).map(|i| format!("https://*.w{i:03}-{pad}.big.example")))
        .collect();
    let exact_text: usize = big[..250].iter().map(|o| o.len()).sum();
    assert!(exact_text > 16_384, "3-byte text length varint");
    let tenants = vec![
        platform.check(&spec("before", &own(1))).unwrap(),
        platform.check(&spec("big", &big)).unwrap(),
        platform.check(&spec("after", &own(2))).unwrap(),
    ];
    let index = TenantIndex::build_with(platform, tenants, 1_000_000).unwrap();
    for round in 0..3 {
        let now = index.load();
        for i in 0..250 {
            let e = format!("https://e{i:03}-{pad}.big.example");
            assert_eq!(
                now.allows_origin(b"big", e.as_bytes()),
                Some(true),
                "{round} {e}"
            );
            assert_eq!(now.allows_origin(b"before", e.as_bytes()), Some(false));
            assert_eq!(now.allows_origin(b"after", e.as_bytes()), Some(false));
        }
        for i in 0..50 {
            let w = format!("https://z.w{i:03}-{pad}.big.example");
            assert_eq!(
                now.allows_origin(b"big", w.as_bytes()),
                Some(true),
                "{round} {w}"
            );
            assert_eq!(now.allows_origin(b"after", w.as_bytes()), Some(false));
        }
        let e250 = format!("https://e250-{pad}.big.example");
        assert_eq!(now.allows_origin(b"big", e250.as_bytes()), Some(false));
        assert_eq!(
            now.allows_origin(b"big", b"https://o1.example"),
            Some(false)
        );
        assert_eq!(
            now.allows_origin(b"before", b"https://o1.example"),
            Some(true)
        );
        assert_eq!(
            now.allows_origin(b"after", b"https://o2.example"),
            Some(true)
        );
        drop(now);
        match round {
            0 => index.compact(),
            // Replace the neighbour so the big record moves in the arena.
            1 => {
                index.upsert(&spec("before", &own(1))).unwrap();
                index.compact();
            }
            _ => {}
        }
    }
}

#[test]
fn removed_tenants_stay_removed_in_every_upsert_remove_compact_order() {
    let p = platform();
    let old = vec!["https://old.example".to_string()];
    let new = vec!["https://new.example".to_string()];
    let index = TenantIndex::build_with(
        p.clone(),
        vec![
            p.check(&spec("t", &old)).unwrap(),
            p.check(&spec("u", &old)).unwrap(),
        ],
        1_000_000,
    )
    .unwrap();
    let is = |id: &[u8], o: &[u8]| index.load().allows_origin(id, o);

    assert_eq!(index.remove("t"), Change::Removed);
    assert_eq!(is(b"t", b"https://old.example"), None);
    index.compact();
    assert_eq!(is(b"t", b"https://old.example"), None);
    assert_eq!(index.load().len(), 1);
    assert_eq!(index.remove("t"), Change::Unchanged);

    assert_eq!(index.upsert(&spec("t", &new)).unwrap(), Change::Added);
    assert_eq!(is(b"t", b"https://old.example"), Some(false));
    assert_eq!(index.remove("t"), Change::Removed);
    assert_eq!(is(b"t", b"https://new.example"), None);
    index.compact();
    assert_eq!(is(b"t", b"https://new.example"), None);
    assert_eq!(is(b"u", b"https://old.example"), Some(true));

    // Base-only tenant removed, then compaction twice.
    assert_eq!(index.remove("u"), Change::Removed);
    index.compact();
    index.compact();
    assert_eq!(is(b"u", b"https://old.example"), None);
    assert_eq!(index.load().len(), 0);
    assert!(index.load().is_empty());
}

#[test]
fn duplicate_ids_in_a_build_keep_the_last_and_count_once_through_compaction() {
    let p = platform();
    let tenants: Vec<_> = (0..50)
        .map(|g| {
            p.check(&spec("dup", &[format!("https://g{g}.example")]))
                .unwrap()
        })
        .chain(std::iter::once(p.check(&spec("other", &own(9))).unwrap()))
        .collect();
    let index = TenantIndex::build_with(p, tenants, 1_000_000).unwrap();
    for _ in 0..2 {
        let now = index.load();
        assert_eq!(now.len(), 2);
        assert_eq!(
            now.allows_origin(b"dup", b"https://g49.example"),
            Some(true)
        );
        for g in 0..49 {
            assert_eq!(
                now.allows_origin(b"dup", format!("https://g{g}.example").as_bytes()),
                Some(false)
            );
        }
        drop(now);
        index.compact();
    }
    assert_eq!(index.remove("dup"), Change::Removed);
    index.compact();
    assert_eq!(
        index.load().allows_origin(b"dup", b"https://g49.example"),
        None
    );
    assert_eq!(index.load().len(), 1);
}

#[test]
fn hostile_origins_never_panic_and_only_listed_ones_pass() {
    let p = platform();
    let index = TenantIndex::build_with(
        p.clone(),
        vec![p.check(&spec("t", &own(0))).unwrap()],
        1_000_000,
    )
    .unwrap();
    let mut hostile: Vec<Vec<u8>> = [
        &b""[..],
        b"null",
        b"https://",
        b"https://:",
        b"https://:8443",
        b"https://o0.example:",
        b"https://p0.example:",
        b"https://p0.example:443",
        b"https://p0.example:0443",
        b"https://p0.example:65536",
        b"https://p0.example:8443:8443",
        b"https://.w0.example",
        b"https://..w0.example",
        b"https://-a.w0.example",
        b"https://A.w0.example",
        b"https://a_b.w0.example",
        b"https://w0.example",
        b"https://a.w0.example.",
        b"https://a.w0.example:8443",
        b"https://[::1]:8443",
        b"http://o0.example",
        b"https:/o0.example",
        b"https://o0.example/",
        b"https://o0.example\0",
        b"\xff\xfe://o0.example",
        b"https://o0.exampl",
        b"xhttps://o0.example",
        b"://o0.example",
        b":////",
    ]
    .iter()
    .map(|v| v.to_vec())
    .collect();
    let cat = |parts: &[&[u8]]| parts.concat();
    hostile.push(cat(&[b"https://", &[b'a'; 2000], b".w0.example"]));
    hostile.push(cat(&[
        b"https://",
        "a.".repeat(600).as_bytes(),
        b"w0.example",
    ]));
    hostile.push(cat(&[b"https://", &[b'a'; 64], b".w0.example"]));
    hostile.push(vec![b'.'; 1024]);
    hostile.push(vec![b':'; 1024]);
    let now = index.load();
    for origin in &hostile {
        assert_eq!(
            now.allows_origin(b"t", origin),
            Some(false),
            "{}",
            String::from_utf8_lossy(origin)
        );
    }
    for ok in [
        &b"https://o0.example"[..],
        b"https://a.w0.example",
        b"https://a-b.c.w0.example",
        b"https://p0.example",
        b"https://p0.example:1",
        b"https://p0.example:65535",
    ] {
        assert_eq!(
            now.allows_origin(b"t", ok),
            Some(true),
            "{}",
            String::from_utf8_lossy(ok)
        );
    }
    for len in 0..=cors_tenants::MAX_TENANT_ID_LEN + 2 {
        let id = vec![b't'; len];
        let expect = (len == 1).then_some(true);
        assert_eq!(
            now.allows_origin(&id, b"https://o0.example"),
            expect,
            "{len}"
        );
    }
}

/// Many tenants: every miss ends (no infinite probe), every hit is exact,
/// and half removed + compacted leaves exactly the other half.
#[test]
fn twenty_thousand_tenants_half_removed_and_compacted() {
    let p = platform();
    let n = 20_000;
    let tenants: Vec<_> = (0..n)
        .map(|i| {
            p.check(&spec(&format!("t{i}"), &[format!("https://o{i}.example")]))
                .unwrap()
        })
        .collect();
    let index = TenantIndex::build_with(p, tenants, usize::MAX).unwrap();
    for i in (0..n).step_by(2) {
        assert_eq!(index.remove(&format!("t{i}")), Change::Removed);
    }
    index.compact();
    let now = index.load();
    assert_eq!(now.len(), n / 2);
    for i in 0..n {
        let got = now.allows_origin(
            format!("t{i}").as_bytes(),
            format!("https://o{i}.example").as_bytes(),
        );
        assert_eq!(got, (i % 2 == 1).then_some(true), "t{i}");
        assert_eq!(
            now.allows_origin(
                format!("t{i}").as_bytes(),
                format!("https://o{}.example", i ^ 1).as_bytes()
            ),
            (i % 2 == 1).then_some(false)
        );
        assert_eq!(
            now.allows_origin(format!("u{i}").as_bytes(), b"https://o1.example"),
            None
        );
    }
}

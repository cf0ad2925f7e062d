//! `fingerprint_header = true`: the answers a policy makes itself carry its
//! fingerprint as `x-corsc-policy` (as edge configurations do); requests
//! passed on to the service do not, and without the key no answer does.

use cors_runtime::{Decision, PolicySource, ResponseHeader, SimpleRequest};

fn fingerprint_of<'a>(decision: &Decision<'a>) -> Option<&'a [u8]> {
    decision
        .headers()
        .get(ResponseHeader::PolicyFingerprint)
        .map(|v| v.as_bytes())
}

const POLICY: &str = r#"
origins = ["https://app.example.com"]
methods = ["PUT"]
"#;

#[test]
fn early_answers_carry_the_fingerprint_when_the_policy_says_so() {
    for (extra, sends) in [
        ("fingerprint_header = true\n", true),
        ("fingerprint_header = false\n", false),
        ("", false),
    ] {
        for on_reject in ["omit", "forbid"] {
            let text = format!("{POLICY}{extra}on_reject = \"{on_reject}\"\n");
            let owned = cors_policy::load(&text).unwrap();
            let policy = owned.policy();
            let expected = sends.then_some(policy.fingerprint().as_bytes());
            let preflight = [
                ("Origin", &b"https://app.example.com"[..]),
                ("Access-Control-Request-Method", b"PUT"),
            ];
            let refused = [
                ("Origin", &b"https://evil.example"[..]),
                ("Access-Control-Request-Method", b"PUT"),
            ];
            let get = [("Origin", &b"https://app.example.com"[..])];
            let evil_get = [("Origin", &b"https://evil.example"[..])];
            let requests = [
                SimpleRequest::new(b"OPTIONS", &preflight),
                SimpleRequest::new(b"OPTIONS", &refused),
                SimpleRequest::new(b"GET", &get),
                SimpleRequest::new(b"GET", &evil_get),
            ];
            let answered = policy.evaluate(&requests[0]);
            assert_eq!(fingerprint_of(&answered), expected, "{text}");
            let rejected = policy.evaluate(&requests[1]);
            assert_eq!(fingerprint_of(&rejected), expected, "{text}");
            let forwarded = policy.evaluate(&requests[2]);
            assert_eq!(fingerprint_of(&forwarded), None, "{text}");
            // A GET's rejection is answered at once only under `forbid`.
            let rejected_get = policy.evaluate(&requests[3]);
            let answered_at_once = rejected_get.status().is_some();
            assert_eq!(answered_at_once, on_reject == "forbid");
            assert_eq!(
                fingerprint_of(&rejected_get),
                expected.filter(|_| answered_at_once),
                "{text}"
            );
        }
    }
}

#[test]
fn the_fingerprint_names_what_the_policy_decides() {
    let fp = |text: &str| {
        cors_policy::load(text)
            .unwrap()
            .policy()
            .fingerprint()
            .to_string()
    };
    let base = fp(POLICY);
    assert!(base.starts_with("fnv64:") && base.len() == "fnv64:".len() + 16);
    // Spelling and layout do not change it, nor what only reports: the log
    // level, the header that names it, the policy's or profile's name.
    assert_eq!(
        base,
        fp("methods = [ 'PUT' ]\norigins = ['HTTPS://APP.EXAMPLE.COM']")
    );
    assert_eq!(base, fp(&format!("{POLICY}log_rejections = \"warn\"\n")));
    assert_eq!(base, fp(&format!("{POLICY}fingerprint_header = true\n")));
    let named = format!(
        "[policies.api]\n{POLICY}\n[policies.api.profiles.dev]\nfingerprint_header = true\n"
    );
    for profile in [None, Some("dev")] {
        let selection = cors_policy::Selection {
            policy: Some("api".into()),
            profile: profile.map(str::to_string),
        };
        let source = cors_policy::Source::new("p.toml", named.as_str());
        let owned = cors_policy::load_with(&source, &selection).unwrap();
        assert_eq!(base, owned.policy().fingerprint(), "{profile:?}");
    }
    // What is decided or enforced does.
    assert_ne!(base, fp(&format!("{POLICY}report_only = true\n")));
    assert_ne!(base, fp(&format!("{POLICY}max_age = 60\n")));
    assert_ne!(base, fp(&format!("{POLICY}on_reject = \"forbid\"\n")));
}

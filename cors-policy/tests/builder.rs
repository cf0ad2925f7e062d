//! The builder and the policy file are one compiler: for generated
//! policies, `PolicyBuilder` and the same settings written as TOML give
//! the identical run-time policy, or refuse with the same diagnostics.

use cors_policy::{OnReject, PolicyBuilder, Selection, Source};
use cors_runtime::LogLevel;
use proptest::prelude::*;

const ORIGINS: &[&str] = &[
    "https://app.example.com",
    "https://admin.example.com",
    "https://*.example.com",
    "http://localhost:*",
    "https://App.Example.com",
    "https://app.example.com/",
    "https://*.com",
    "null",
    "*.example.com",
    "https://[::1]:8443",
];
const METHODS: &[&str] = &["GET", "PUT", "DELETE", "patch", "*", "CONNECT", "B@D"];
const HEADERS: &[&str] = &[
    "content-type",
    "X-Request-Id",
    "authorization",
    "*",
    "bad header",
];

#[derive(Debug, Clone)]
struct Settings {
    origins: Vec<&'static str>,
    methods: Option<Vec<&'static str>>,
    allow_headers: Vec<&'static str>,
    expose_headers: Vec<&'static str>,
    credentials: Option<bool>,
    max_age: Option<u32>,
    forbid: Option<bool>,
    report_only: Option<bool>,
    log_rejections: Option<LogLevel>,
    fingerprint_header: Option<bool>,
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        prop::collection::vec(prop::sample::select(ORIGINS), 0..4),
        prop::option::of(prop::collection::vec(prop::sample::select(METHODS), 0..3)),
        prop::collection::vec(prop::sample::select(HEADERS), 0..3),
        prop::collection::vec(prop::sample::select(HEADERS), 0..2),
        prop::option::of(any::<bool>()),
        prop::option::of(prop::sample::select(&[0u32, 600, 7200, 100_000][..])),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
        prop::option::of(prop::sample::select(&LogLevel::ALL[..])),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |(
                origins,
                methods,
                allow_headers,
                expose_headers,
                credentials,
                max_age,
                forbid,
                report_only,
                log_rejections,
                fingerprint_header,
            )| {
                Settings {
                    origins,
                    methods,
                    allow_headers,
                    expose_headers,
                    credentials,
                    max_age,
                    forbid,
                    report_only,
                    log_rejections,
                    fingerprint_header,
                }
            },
        )
}

/// The same settings as a policy file, written by hand here (not by the
/// builder's code).
fn toml(s: &Settings) -> String {
    let list = |items: &[&str]| {
        let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
        format!("[{}]", quoted.join(", "))
    };
    let mut out = format!("origins = {}\n", list(&s.origins));
    if let Some(m) = &s.methods {
        out += &format!("methods = {}\n", list(m));
    }
    out += &format!("allow_headers = {}\n", list(&s.allow_headers));
    out += &format!("expose_headers = {}\n", list(&s.expose_headers));
    if let Some(c) = s.credentials {
        out += &format!("credentials = {c}\n");
    }
    if let Some(m) = s.max_age {
        out += &format!("max_age = {m}\n");
    }
    if let Some(f) = s.forbid {
        out += &format!("on_reject = \"{}\"\n", if f { "forbid" } else { "omit" });
    }
    if let Some(r) = s.report_only {
        out += &format!("report_only = {r}\n");
    }
    if let Some(l) = s.log_rejections {
        out += &format!("log_rejections = \"{}\"\n", format!("{l:?}").to_lowercase());
    }
    if let Some(f) = s.fingerprint_header {
        out += &format!("fingerprint_header = {f}\n");
    }
    out
}

fn builder(s: &Settings) -> PolicyBuilder {
    let mut b = PolicyBuilder::new()
        .origins(s.origins.iter().copied())
        .allow_headers(s.allow_headers.iter().copied())
        .expose_headers(s.expose_headers.iter().copied());
    if let Some(m) = &s.methods {
        b = b.methods(m.iter().copied());
    }
    if let Some(c) = s.credentials {
        b = b.credentials(c);
    }
    if let Some(m) = s.max_age {
        b = b.max_age(m);
    }
    if let Some(f) = s.forbid {
        b = b.on_reject(if f { OnReject::Forbid } else { OnReject::Omit });
    }
    if let Some(r) = s.report_only {
        b = b.report_only(r);
    }
    if let Some(l) = s.log_rejections {
        b = b.log_rejections(l);
    }
    if let Some(f) = s.fingerprint_header {
        b = b.fingerprint_header(f);
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn builder_and_file_agree(s in settings()) {
        let file = cors_policy::compile(&Source::new("p.toml", toml(&s)), &Selection::default());
        let built = builder(&s).build_with_warnings();
        match (file, built) {
            (Ok(file), Ok((policy, warnings))) => {
                prop_assert_eq!(file.owned_policy(), &policy);
                let codes = |d: &[cors_policy::Diagnostic]| d.iter().map(|d| d.code).collect::<Vec<_>>();
                prop_assert_eq!(
                    codes(file.warnings().diagnostics()),
                    codes(warnings.as_file_report().diagnostics())
                );
            }
            (Err(file), Err(built)) => {
                let mut a: Vec<(&str, String)> = file.diagnostics().iter().map(|d| (d.code, d.message.clone())).collect();
                let mut b: Vec<(&str, String)> = built.diagnostics().map(|(d, _)| (d.code, d.message.clone())).collect();
                a.sort();
                b.sort();
                prop_assert_eq!(a, b);
                // Every diagnostic about one value names a builder argument.
                prop_assert!(built.diagnostics().all(|(_, arg)| arg.is_some()), "{}", built);
            }
            (file, built) => prop_assert!(false, "file {:?} vs builder {:?}", file.err(), built.err()),
        }
    }
}

//! The extractors on odd and hostile requests, and the refusal of one that
//! reads what a preflight never carries.

use cors_runtime::SimpleRequest;
use cors_tenants::{
    Error, GatewayHeader, HostLabel, PathSegment, Platform, QueryParam, TenantCors,
    TenantExtractor, TenantIndex,
};

fn tenant<'a>(e: &dyn TenantExtractor, request: &'a SimpleRequest<'a>) -> Option<&'a str> {
    e.tenant(request).map(|id| std::str::from_utf8(id).unwrap())
}

#[test]
fn path_segments_are_read_as_sent() {
    let by_path = PathSegment::after("/apps/");
    let headers: [(&str, &[u8]); 0] = [];
    for (target, expected) in [
        (&b"/apps/acme"[..], Some("acme")),
        (b"/apps/acme/", Some("acme")),
        (b"/apps/acme/items?x=/apps/other", Some("acme")),
        (b"/apps//acme", None),
        (b"/apps/", None),
        (b"/apps", None),
        (b"//apps/acme", None),
        (b"/Apps/acme", None),
        (b"/apps/%61cme", Some("%61cme")),
        (b"apps/acme", None),
        (b"", None),
    ] {
        let request = SimpleRequest::new(b"GET", &headers).at(target);
        assert_eq!(
            tenant(&by_path, &request),
            expected,
            "{}",
            String::from_utf8_lossy(target)
        );
    }
    let first = PathSegment::after("/");
    let request = SimpleRequest::new(b"GET", &headers).at(b"/acme/x");
    assert_eq!(tenant(&first, &request), Some("acme"));
}

#[test]
fn host_labels_are_one_label_under_the_domain() {
    let by_host = HostLabel::under("API.example.com.");
    for (host, expected) in [
        (&b"acme.api.example.com"[..], Some("acme")),
        (b"acme.api.example.com:8443", Some("acme")),
        (b"acme.api.example.com.", Some("acme")),
        (b"a.b.api.example.com", None),
        (b"api.example.com", None),
        (b".api.example.com", None),
        (b"acme.api.example.com.evil", None),
        (b"acmeapi.example.com", None),
        (b"[::1]:8443", None),
        // An empty port is allowed by the grammar (`port = *DIGIT`).
        (b"acme.api.example.com:", Some("acme")),
    ] {
        let headers = [("Host", host)];
        let request = SimpleRequest::new(b"GET", &headers);
        assert_eq!(
            tenant(&by_host, &request),
            expected,
            "{}",
            String::from_utf8_lossy(host)
        );
    }
    // Two Host lines name no tenant.
    let headers = [
        ("Host", &b"acme.api.example.com"[..]),
        ("Host", b"evil.api.example.com"),
    ];
    assert_eq!(
        tenant(&by_host, &SimpleRequest::new(b"GET", &headers)),
        None
    );
}

#[test]
fn query_parameters_name_the_tenant_once() {
    let by_query = QueryParam::named("client_id");
    let headers: [(&str, &[u8]); 0] = [];
    for (target, expected) in [
        (&b"/t?client_id=abc"[..], Some("abc")),
        // Named twice: frameworks differ on which counts.
        (b"/t?x=1&client_id=abc&client_id=evil", None),
        (b"/t?client%5Fid=abc&client_id=evil", None),
        (b"/t?client_id=abc&%63lient_id=evil", None),
        (b"/t?client%5fid=abc", Some("abc")),
        (b"/t?my_client_id=evil&client_id=abc", Some("abc")),
        (b"/t?client_id%=evil&client_id=abc", Some("abc")),
        (b"/t?client_id", None),
        (b"/t?client_id=", Some("")),
        (b"/t", None),
    ] {
        let request = SimpleRequest::new(b"GET", &headers).at(target);
        assert_eq!(
            tenant(&by_query, &request),
            expected,
            "{}",
            String::from_utf8_lossy(target)
        );
    }
}

#[test]
fn an_extractor_reading_credentials_is_refused_when_built() {
    let platform = Platform::new(
        &cors_policy::Source::new("p.toml", "origins = []\n"),
        "default",
    )
    .unwrap();
    let index = TenantIndex::new(platform);
    for name in ["Cookie", "authorization", "Proxy-Authorization"] {
        let refused = TenantCors::new(index.clone(), GatewayHeader::named(name)).unwrap_err();
        assert!(
            matches!(&refused, Error::Platform(m) if m.contains("preflight")),
            "{refused}"
        );
    }
    assert!(TenantCors::new(index, GatewayHeader::named("x-tenant-id")).is_ok());
}

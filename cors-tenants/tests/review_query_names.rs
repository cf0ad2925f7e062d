//! Finding 1: `QueryParam` compares parameter *names* as sent, while every
//! framework decodes them. `?client%5Fid=victim&client_id=evil` is one
//! parameter `client_id` given twice to the application (first value
//! `victim`), but the extractor skips the encoded name and evaluates the
//! request with tenant `evil`'s policy. A page on evil's origin can then read
//! a response the application produced for tenant `victim` (credentials
//! included when the plan has them).

use cors_runtime::SimpleRequest;
use cors_tenants::{QueryParam, TenantExtractor};

fn tenant<'a>(e: &dyn TenantExtractor, request: &'a SimpleRequest<'a>) -> Option<&'a str> {
    e.tenant(request).map(|id| std::str::from_utf8(id).unwrap())
}

#[test]
fn an_encoded_parameter_name_does_not_hide_an_earlier_occurrence() {
    let by_query = QueryParam::named("client_id");
    let headers: [(&str, &[u8]); 0] = [];
    for target in [
        &b"/authorize?client%5Fid=victim&client_id=evil"[..],
        b"/authorize?client%5fid=victim&client_id=evil",
        b"/authorize?%63lient_id=victim&client_id=evil",
    ] {
        let request = SimpleRequest::new(b"GET", &headers).at(target);
        // The application sees `client_id` first as `victim`: the CORS
        // decision must not be taken with `evil`'s policy (refusing the
        // ambiguous request, or reading `victim`, are both safe).
        assert_ne!(
            tenant(&by_query, &request),
            Some("evil"),
            "{}",
            String::from_utf8_lossy(target)
        );
    }
}

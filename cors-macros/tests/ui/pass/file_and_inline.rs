use cors_runtime::{DecisionKind, Policy, SimpleRequest};

static API: Policy<'static> = cors_macros::cors_policy!(file = "policies/valid.toml", policy = "api");
static DEV: Policy<'static> = cors_macros::cors_policy!(file = "policies/valid.toml", policy = "api", profile = "dev");
static INLINE: Policy<'static> = cors_macros::cors_policy!(toml = "origins = \"*\"");

fn main() {
    let headers = [("origin", &b"http://localhost:5173"[..])];
    let request = SimpleRequest::new(b"GET", &headers);
    assert_eq!(API.evaluate(&request).kind(), DecisionKind::Rejected);
    assert_eq!(DEV.evaluate(&request).kind(), DecisionKind::Actual);
    assert!(INLINE.is_any_origin());
}

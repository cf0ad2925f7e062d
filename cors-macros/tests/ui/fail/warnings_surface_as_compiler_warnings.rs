// A policy's warnings reach the compiler's output as `deprecated` warnings
// (here denied, so this case fails and its stderr shows them).
#![deny(deprecated)]

static P: cors_runtime::Policy<'static> = cors_macros::cors_policy!(toml = r#"
origins = ["https://app.example.com", "https://*.example.com"]
max_age = 100000
"#);

// Allowed on the item, they are silent.
#[allow(deprecated)]
static QUIET: cors_runtime::Policy<'static> = cors_macros::cors_policy!(toml = r#"
origins = ["https://app.example.com", "https://*.example.com"]
"#);

fn main() {
    let _ = (P, QUIET);
}

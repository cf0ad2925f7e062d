// Bases above public suffixes: a TLD whose registrations sit lower, and a
// provider domain with customer suffixes below it.
static P: cors_runtime::Policy<'static> = cors_macros::cors_policy!(toml = r#"
origins = ["https://*.ck", "https://*.amazonaws.com"]
"#);

fn main() {}

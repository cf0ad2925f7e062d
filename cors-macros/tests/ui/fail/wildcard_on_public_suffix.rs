static P: cors_runtime::Policy<'static> = cors_macros::cors_policy!(file = "policies/public-suffix.toml");

fn main() {}

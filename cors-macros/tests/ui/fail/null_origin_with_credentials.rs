static P: cors_runtime::Policy<'static> = cors_macros::cors_policy!(file = "policies/null-origin.toml");

fn main() {}

static P: cors_runtime::Policy<'static> = cors_macros::cors_policy!(file = "policies/path-in-origin.toml");

fn main() {}

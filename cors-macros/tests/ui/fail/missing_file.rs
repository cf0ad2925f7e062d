static P: cors_runtime::Policy<'static> = cors_macros::cors_policy!(file = "policies/does-not-exist.toml");

fn main() {}

static P: cors_runtime::Policy<'static> = cors_macros::cors_policy!(file = "policies/three-mistakes.toml");

fn main() {}

static P: cors_runtime::Policy<'static> = cors_macros::cors_policy!(path = "cors.toml");

fn main() {}

static P: cors_runtime::Policy<'static> =
    cors_macros::cors_policy!(file = "policies/valid.toml", policy = "api", profile = "staging");

fn main() {}

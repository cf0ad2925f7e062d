static P: cors_runtime::Policy<'static> = cors_macros::cors_policy!(toml = r#"
[policies.a]
origins = ["https://a.example"]
[policies.b]
origins = ["https://b.example"]
"#);

fn main() {}

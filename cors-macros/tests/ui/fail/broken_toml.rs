static P: cors_runtime::Policy<'static> = cors_macros::cors_policy!(toml = r#"
origins = ["https://a.example"
methods = ["GET"]
"#);

fn main() {}

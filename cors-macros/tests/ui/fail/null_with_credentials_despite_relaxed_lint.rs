// Relaxing `null-origin` does not make a credentialed `null` compile.
static P: cors_runtime::Policy<'static> = cors_macros::cors_policy!(toml = r#"
origins = ["https://app.example.com", "null"]
credentials = true
[lints]
null-origin = "allow"
"#);

fn main() {}

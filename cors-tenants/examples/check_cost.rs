fn main() {
    let platform = cors_tenants::Platform::new(
        &cors_policy::Source::new(
            "p.toml",
            "origins = []\ncredentials = true\nmethods = [\"GET\", \"PUT\"]\n",
        ),
        "default",
    )
    .unwrap();
    let start = std::time::Instant::now();
    let n = 2000;
    for i in 0..n {
        let spec = cors_tenants::TenantSpec {
            id: format!("t{i}"),
            origins: vec![
                format!("https://app.tenant{i}.example"),
                format!("https://admin.tenant{i}.example"),
                format!("https://*.tenant{i}.example.net"),
            ],
            plan: None,
        };
        platform.check(&spec).unwrap();
    }
    println!("{:?} per check", start.elapsed() / n);
}

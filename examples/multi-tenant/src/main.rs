//! `example-multi-tenant --port PORT --db FILE`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let port: u16 = value("--port").map_or(Ok(8080), |p| p.parse())?;
    let db = value("--db").unwrap_or_else(|| "tenants.db".into());
    let platform = example_multi_tenant::Platform::open(std::path::Path::new(&db))?;
    tokio::runtime::Runtime::new()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        eprintln!("listening on http://127.0.0.1:{port} (tenants in {db})");
        example_multi_tenant::serve(listener, platform).await
    })?;
    Ok(())
}

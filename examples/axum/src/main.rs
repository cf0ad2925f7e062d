//! `cargo run -p example-axum -- [--port N] [--profile dev] [--metrics] [--log info]`

use example_support::Options;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let options = Options::parse_or_exit();
    if let Some(level) = &options.log {
        let level: tracing::Level = level.parse().map_err(std::io::Error::other)?;
        tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(std::io::stderr)
            .init();
    }
    // Installed before the app is built: the CORS layers register their
    // counters with the recorder in place when they count first.
    let metrics = if options.metrics {
        let handle = metrics_exporter_prometheus::PrometheusBuilder::new()
            .install_recorder()
            .map_err(std::io::Error::other)?;
        Some(handle)
    } else {
        None
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
    if options.tower_http {
        println!(
            "example-axum listening on http://127.0.0.1:{} with tower-http's CorsLayer (comparison)",
            options.port
        );
        let app = example_axum::app_with_tower_http(Default::default());
        return example_axum::serve_app(listener, app, metrics).await;
    }
    println!("{}", options.banner("axum"));
    example_axum::serve_with(listener, options.cors(), metrics).await
}

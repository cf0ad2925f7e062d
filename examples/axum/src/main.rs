//! `cargo run -p example-axum -- [--port N] [--profile dev]`

use example_support::Options;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let options = Options::parse_or_exit();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
    println!("{}", options.banner("axum"));
    example_axum::serve(listener, options.cors()).await
}

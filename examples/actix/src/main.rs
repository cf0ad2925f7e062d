//! `cargo run -p example-actix -- [--port N] [--profile dev]`

use example_support::Options;

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let options = Options::parse_or_exit();
    let listener = std::net::TcpListener::bind(("127.0.0.1", options.port))?;
    println!("{}", options.banner("actix"));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    example_actix::server(listener, options.cors(), workers)?.await
}

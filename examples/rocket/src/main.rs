//! `cargo run -p example-rocket -- [--port N] [--profile dev]`

use example_support::Options;

#[rocket::main]
async fn main() -> Result<(), Box<rocket::Error>> {
    let options = Options::parse_or_exit();
    println!("{}", options.banner("rocket"));
    example_rocket::rocket(options.cors(), example_rocket::config(options.port))
        .launch()
        .await
        .map_err(Box::new)?;
    Ok(())
}

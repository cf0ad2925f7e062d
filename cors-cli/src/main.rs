//! `cors`: check, lint and explain CORS policies compiled by corsc.

#![forbid(unsafe_code)]

mod cli;
mod commands;
mod render;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let code = match cli.command {
        cli::Command::Check(args) => commands::check::run(&args, &mut out, &mut err),
    };
    ExitCode::from(code)
}

//! `cors`: check, lint and explain CORS policies compiled by corsc.

#![forbid(unsafe_code)]

mod browser;
mod cli;
mod commands;
mod locate;
mod render;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let code = match cli.command {
        cli::Command::Check(args) => commands::check::run(&args, &mut out, &mut err),
        cli::Command::Lint(args) => commands::lint::run(&args, &mut out, &mut err),
        cli::Command::Rules(args) => commands::rules::run(&args, &mut out, &mut err),
        cli::Command::Explain(args) => commands::explain::run(&args, &mut out, &mut err),
        cli::Command::Probe(args) => commands::probe::run(&args, &mut out, &mut err),
        cli::Command::Import(args) => commands::import::run(&args, &mut out, &mut err),
        cli::Command::Emit(args) => commands::emit::run(&args, &mut err),
        cli::Command::Schema => commands::schema::run(&mut out),
    };
    ExitCode::from(code)
}

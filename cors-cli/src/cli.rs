//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Check, lint and explain CORS policy files.
#[derive(Debug, Parser)]
#[command(name = "cors", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Evaluate one HTTP request against a policy, exactly as the runtime does.
    ///
    /// Exit status: 0 when the request was evaluated (whatever the decision),
    /// 2 when the policy file is invalid or an argument is malformed.
    Check(CheckArgs),
}

/// Which policy of a file to use.
#[derive(Debug, Args)]
pub(crate) struct PolicyArgs {
    /// The policy file (TOML).
    pub(crate) policy_file: PathBuf,
    /// The policy to use, for files with several `[policies.<name>]`.
    #[arg(long = "policy", value_name = "NAME")]
    pub(crate) policy: Option<String>,
    /// A profile of that policy to apply (`[profiles.<name>]`).
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) policy: PolicyArgs,
    /// The request method, exactly as sent (methods are case-sensitive).
    #[arg(long, value_name = "METHOD")]
    pub(crate) method: String,
    /// A request header, `Name: value`; repeat for several.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

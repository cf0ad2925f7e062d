//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The crate version and the public-suffix list snapshot (the `psl`
/// release) the wildcard rules were built with.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (public suffix list: psl ",
    env!("CORS_PSL_VERSION"),
    ")"
);

/// Check, lint and explain CORS policy files.
#[derive(Debug, Parser)]
#[command(name = "cors", version = VERSION, about)]
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
    /// Lint policy files: every rule on every policy and profile.
    ///
    /// Wildcards above a public suffix are refused by the public-suffix list
    /// built into this binary (`cors --version` names its snapshot). The
    /// list ages as registries add suffixes: reinstall (`cargo install
    /// cors-cli --force`), or `cargo update -p psl` and rebuild in a
    /// checkout, to refresh it.
    ///
    /// Exit status: 0 when clean or warnings only, 1 on any error (or any
    /// warning with `--deny warnings`), 2 on a usage error or an unreadable
    /// file.
    Lint(LintArgs),
    /// List the lint rules, or print one rule's full documentation.
    ///
    /// Exit status: 0 when printed, 2 for an unknown rule.
    Rules(RulesArgs),
    /// Explain what a browser does with a request under a policy: whether it
    /// sends a preflight and why, what the server answers, whether the page
    /// may read the response, and what to change when it is blocked.
    ///
    /// Exit status: 0 when explained (allowed or blocked alike), 2 when the
    /// policy file is invalid or an argument is malformed.
    Explain(ExplainArgs),
    /// Send real requests to a running server and judge its answers as a
    /// browser would; compare them with a policy (`--policy`) or run the
    /// known misconfiguration attacks (`--audit`).
    ///
    /// Exit status: 0 when the browser would allow the request and nothing
    /// differs or was found, 1 otherwise, 2 on a usage or network error.
    Probe(ProbeArgs),
    /// Turn another product's CORS configuration into a policy file, then
    /// lint it.
    ///
    /// Exit status: 0 when written and lint-clean of errors, 1 when the
    /// written policy has lint errors, 2 when the input cannot be read or
    /// converted.
    Import(ImportArgs),
    /// Compile a policy to a proxy's configuration (nginx, Caddy, HAProxy,
    /// Apache httpd) or a bucket's CORS rules (S3, GCS). For a proxy,
    /// without --listen, a snippet to include; with --listen and --upstream,
    /// a configuration the server runs on its own.
    ///
    /// Exit status: 0 when written, 2 when the policy is invalid, the target
    /// cannot express it exactly (diagnostics on stderr), or an option is
    /// unusable.
    #[command(after_long_help = crate::commands::emit::capability_help())]
    Emit(EmitArgs),
    /// Print the JSON Schema of the policy file, for editors (taplo, Even
    /// Better TOML).
    ///
    /// Exit status: 0 when printed, 2 when it cannot be written.
    Schema,
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
    /// The request method, exactly as sent (methods are case-sensitive);
    /// `OPTIONS` with `Access-Control-Request-Method` is a preflight.
    #[arg(long, value_name = "METHOD", default_value = "GET")]
    pub(crate) method: String,
    /// A request header, `Name: value`; repeat for several.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// When writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// How `cors lint` prints its findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LintFormat {
    /// rustc-style diagnostics.
    Human,
    /// A JSON array, one object per diagnostic.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

/// What `--deny` can promote to errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DenyLevel {
    /// Fail (exit 1) on warnings too.
    Warnings,
}

#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// Policy files (TOML).
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub(crate) format: LintFormat,
    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// `--deny warnings`: exit 1 on warnings as well as errors.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub(crate) deny: Option<DenyLevel>,
    /// Rewrite what is mechanically fixable (canonical origin forms,
    /// duplicates) in place, keeping comments and layout, then lint again.
    #[arg(long)]
    pub(crate) fix: bool,
    /// Substitute `"${NAME}"` placeholders from this process's environment
    /// before linting, as `cors_policy::load_file_with_env` does at run
    /// time (without it, a placeholder is an error: CORS007).
    #[arg(long)]
    pub(crate) env: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// A rule's code (`CORS201`) or name (`credentials-with-any-origin`).
    pub(crate) rule: Option<String>,
}

/// A browser request, as a page would make it.
#[derive(Debug, Args)]
pub(crate) struct BrowserRequestArgs {
    /// The page's origin, e.g. `https://app.example.com`.
    #[arg(long, value_name = "ORIGIN")]
    pub(crate) origin: String,
    /// The method passed to `fetch()`.
    #[arg(long, value_name = "METHOD", default_value = "GET")]
    pub(crate) method: String,
    /// A header set by the page's script, `Name: value`; repeat for several.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
    /// The page sends credentials (`credentials: 'include'`: cookies, HTTP
    /// authentication).
    #[arg(long)]
    pub(crate) credentials: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    #[command(flatten)]
    pub(crate) policy: PolicyArgs,
    #[command(flatten)]
    pub(crate) request: BrowserRequestArgs,
    /// The URL the page fetches, for the console message.
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://api.example.com/resource"
    )]
    pub(crate) url: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ProbeArgs {
    /// The URL to probe (`http://` or `https://`).
    pub(crate) url: String,
    #[command(flatten)]
    pub(crate) request: BrowserRequestArgs,
    /// Compare the server's answers with this policy file.
    #[arg(long = "policy", value_name = "FILE")]
    pub(crate) policy_file: Option<PathBuf>,
    /// The policy of that file, for files with several `[policies.<name>]`.
    #[arg(long, value_name = "NAME", requires = "policy_file")]
    pub(crate) policy_name: Option<String>,
    /// A profile of that policy.
    #[arg(long, value_name = "NAME", requires = "policy_file")]
    pub(crate) profile: Option<String>,
    /// Run the known misconfiguration attacks against the server.
    #[arg(long)]
    pub(crate) audit: bool,
    /// Timeout of each request, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub(crate) timeout: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The formats `cors import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImportFormat {
    /// A comma-separated origin list, as API consoles take it.
    #[value(name = "box")]
    OriginList,
    /// An AWS S3 bucket CORS configuration (JSON).
    S3,
    /// An Express `cors` middleware options object (JSON).
    Express,
    /// Rust source using tower-http's `CorsLayer` builder.
    #[value(name = "tower-http")]
    TowerHttp,
    /// Rust source using actix-cors's `Cors` builder.
    #[value(name = "actix-cors")]
    ActixCors,
    /// Rust source using rocket_cors's `CorsOptions`.
    #[value(name = "rocket_cors")]
    RocketCors,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// What the input is.
    #[arg(long = "from", value_enum)]
    pub(crate) format: ImportFormat,
    /// The input file; `-` reads standard input.
    pub(crate) file: PathBuf,
    /// Write the policy here instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Proxies `cors emit` writes.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum EmitTarget {
    /// nginx 1.22+ (`include` in a `server` block; `nginx -p DIR -c FILE`).
    Nginx,
    /// Caddy 2.6+ (a `route` block to `import` in a site block; `caddy run --config FILE --adapter caddyfile`).
    Caddy,
    /// HAProxy 2.6+ (a `frontend` section's rules; `haproxy -f FILE`).
    Haproxy,
    /// Apache httpd 2.4 (a `<VirtualHost>`'s directives; `apache2 -f FILE`).
    Apache,
    /// Amazon S3 bucket CORS rules (`aws s3api put-bucket-cors --cors-configuration file://FILE`).
    S3,
    /// Google Cloud Storage bucket CORS rules (`gcloud storage buckets update gs://BUCKET --cors-file=FILE`).
    Gcs,
}

#[derive(Debug, Args)]
pub(crate) struct EmitArgs {
    #[command(flatten)]
    pub(crate) policy: PolicyArgs,
    /// The proxy to write a configuration for.
    #[arg(long, value_enum)]
    pub(crate) target: EmitTarget,
    /// Write a complete configuration listening here (`ADDRESS:PORT`).
    #[arg(long, value_name = "ADDR:PORT", requires = "upstream")]
    pub(crate) listen: Option<String>,
    /// Where a complete configuration sends what the edge does not answer.
    #[arg(long, value_name = "URL", requires = "listen")]
    pub(crate) upstream: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

//! The crate's one error type.

use std::fmt;

use cors_policy::tenant::TenantDiagnostic;

use crate::id::InvalidTenantId;

/// Why a tenant was refused (its previous entry, if any, stays in the
/// index), or why a platform or source could not be set up.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The tenant id is not valid.
    InvalidId(InvalidTenantId),
    /// The tenant names a plan the platform file does not define.
    UnknownPlan {
        /// The plan asked for.
        plan: String,
        /// The plans there are.
        known: Vec<String>,
    },
    /// More origins than a tenant may have.
    TooManyOrigins {
        /// How many were submitted.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An origin longer than any browser sends.
    OriginTooLong {
        /// Its position in the list.
        index: usize,
        /// The limit, in bytes.
        max: usize,
    },
    /// The rules refused the origin list: every diagnostic, tied to the
    /// origin it is about, as `cors lint` gives them for a policy file.
    Origins(Vec<TenantDiagnostic>),
    /// The tenant was checked by another platform (another policy file, or
    /// the same file loaded again): check it with this one.
    CheckedElsewhere {
        /// The tenant.
        id: String,
    },
    /// The platform's policy file does not compile.
    Platform(String),
    /// A tenant source failed (a file, a database).
    Source(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidId(e) => e.fmt(f),
            Error::UnknownPlan { plan, known } => write!(
                f,
                "no plan `{}` in the platform policy file; plans: {}",
                plan.escape_debug(),
                known.join(", ")
            ),
            Error::TooManyOrigins { count, max } => write!(
                f,
                "{count} origins submitted, a tenant may have at most {max}: use a subdomain wildcard (`https://*.example.com`) for many hosts of one site"
            ),
            Error::OriginTooLong { index, max } => write!(
                f,
                "origin #{} is longer than {max} bytes, which no browser sends",
                index + 1
            ),
            Error::Origins(diagnostics) => {
                let errors: Vec<String> = diagnostics
                    .iter()
                    .filter(|d| d.severity == cors_policy::Severity::Error)
                    .map(|d| match &d.origin {
                        Some(origin) => {
                            format!("{} `{}`: {}", d.code, origin.escape_debug(), d.message)
                        }
                        None => format!("{}: {}", d.code, d.message),
                    })
                    .collect();
                write!(f, "origins refused: {}", errors.join("; "))
            }
            Error::CheckedElsewhere { id } => write!(
                f,
                "tenant `{}` was checked by another platform; check it with this index's platform",
                id.escape_debug()
            ),
            Error::Platform(report) => {
                write!(f, "the platform policy file does not compile:\n{report}")
            }
            Error::Source(message) => write!(f, "tenant source: {message}"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// The error as JSON for a developer console, in the shape of `cors
    /// lint --format json`: a `message`, and for refused origins every
    /// diagnostic with its `code`, `rule`, `severity`, `message`, `label`,
    /// `help` and the `origin` (and its `index` in the submitted list) it
    /// is about.
    ///
    /// ```
    /// use cors_tenants::{Platform, TenantSpec};
    /// let platform = Platform::new(&cors_policy::Source::new("p.toml", "origins = []\n"), "default").unwrap();
    /// let spec = TenantSpec { id: "a".into(), origins: vec!["https://*.com".into()], plan: None };
    /// let json = platform.check(&spec).unwrap_err().to_json();
    /// assert_eq!(json["diagnostics"][0]["code"], "CORS104");
    /// assert_eq!(json["diagnostics"][0]["index"], 0);
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        let diagnostics: Vec<serde_json::Value> = match self {
            Error::Origins(diagnostics) => diagnostics
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "code": d.code,
                        "rule": d.rule,
                        "severity": d.severity.as_str(),
                        "message": d.message,
                        "label": d.label,
                        "help": d.help,
                        "origin": d.origin,
                        "index": d.origin_index,
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        serde_json::json!({
            "message": self.to_string(),
            "diagnostics": diagnostics,
        })
    }
}

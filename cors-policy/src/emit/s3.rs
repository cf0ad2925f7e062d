//! The S3 backend: a bucket CORS configuration in the JSON
//! `aws s3api put-bucket-cors --cors-configuration file://…` takes, with
//! one rule whose `ID` names the source file, policy and fingerprint (JSON
//! has no comments).
//!
//! Emitted only when S3 decides as the runtime does
//! ([`super::bucket::check`]): exact origins with `credentials = true` (S3
//! sends `Access-Control-Allow-Credentials: true` to every listed origin)
//! or `origins = "*"` without; S3's own methods; no `forbid`.

use serde_json::{Map, Value, json};

use super::bucket::{self, Bucket};
use super::edge::Edge;
use super::target::{Capabilities, Capability, Support};
use crate::{Compiled, Error};

/// What S3 can express of a policy.
pub const CAPABILITIES: Capabilities = Capabilities {
    target: "s3",
    lines: None,
    rows: &[
        Capability {
            feature: "exact origins, `null`, ports",
            support: Support::Partial,
            note: "exact origins and `*`; `null` is refused (CORS501)",
        },
        Capability {
            feature: "`*.` and `:*` wildcards",
            support: Support::Refused,
            note: "S3's `*` matches any characters, so it would admit hosts the policy refuses (CORS501)",
        },
        Capability {
            feature: "credentials",
            support: Support::Partial,
            note: "S3 allows credentials for every listed origin: listed origins need `credentials = true` (CORS502)",
        },
        Capability {
            feature: "methods",
            support: Support::Partial,
            note: "GET, PUT, POST, DELETE and HEAD only; not `*` (CORS503)",
        },
        Capability {
            feature: "request and exposed headers",
            support: Support::Partial,
            note: "listed names; `allow_headers = \"*\"` only with `authorization` listed, no `expose_headers = \"*\"` (CORS504)",
        },
        Capability {
            feature: "`forbid` bodies",
            support: Support::Refused,
            note: "S3 serves rejected requests without CORS headers (CORS505)",
        },
        Capability {
            feature: "preflight status, `Vary`",
            support: Support::Partial,
            note: "S3 answers preflights 200 and sends `Vary` only on CORS answers; the browser decides the same",
        },
        Capability {
            feature: "fingerprint",
            support: Support::Exact,
            note: "in the rule's `ID`; S3 sends no `x-corsc-policy` header",
        },
        Capability::REPORT_ONLY,
    ],
};

/// The longest rule `ID` S3 accepts.
const MAX_ID_CHARS: usize = 255;

/// The configuration, as pretty-printed JSON.
///
/// # Errors
/// [`Error::Policy`] with a diagnostic for each thing S3 cannot express.
pub fn configuration(compiled: &Compiled, source: &str) -> Result<String, Error> {
    bucket::check(compiled, Bucket::S3)?;
    let spec = compiled.spec();
    let edge = Edge::new(compiled, source);
    let mut rule = Map::new();
    // S3 takes an `ID` of at most 255 characters: the fingerprint comes
    // first, so a long file or policy name is what gets cut.
    let mut about = edge.header_comment()[1..].to_vec();
    about.rotate_right(1);
    let id: String = format!("corsc {}", about.join("; "))
        .chars()
        .take(MAX_ID_CHARS)
        .collect();
    rule.insert("ID".into(), json!(id));
    let origins: Vec<String> = if spec.any_origin {
        vec!["*".into()]
    } else {
        spec.origins.iter().map(|o| o.to_string()).collect()
    };
    rule.insert("AllowedOrigins".into(), json!(origins));
    rule.insert(
        "AllowedMethods".into(),
        json!(compiled.spec().allowed_methods()),
    );
    let mut allow = spec.allow_headers.clone();
    if spec.any_header {
        allow.insert(0, "*".into());
    }
    if !allow.is_empty() {
        rule.insert("AllowedHeaders".into(), json!(allow));
    }
    if !spec.expose_headers.is_empty() {
        rule.insert("ExposeHeaders".into(), json!(spec.expose_headers));
    }
    if let Some(age) = spec.max_age {
        rule.insert("MaxAgeSeconds".into(), json!(age));
    }
    let doc = json!({ "CORSRules": [Value::Object(rule)] });
    Ok(format!("{doc:#}\n"))
}

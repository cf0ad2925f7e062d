//! The GCS backend: the CORS list `gcloud storage buckets update
//! gs://BUCKET --cors-file=FILE` (or `gsutil cors set`) takes. The format
//! has no field for a comment, so the file carries no fingerprint.
//!
//! Emitted only when GCS decides as the runtime does
//! ([`super::bucket::check`]): exact origins or `*`, no credentials (GCS
//! never sends `Access-Control-Allow-Credentials`), one header list for
//! both the allowed request headers and the exposed response headers, no
//! `forbid`.

use serde_json::{Map, json};

use super::bucket::{self, Bucket};
use super::target::{Capabilities, Capability, Support};
use crate::fetch::SAFELISTED_RESPONSE_HEADERS;
use crate::{Compiled, Error};

/// What GCS can express of a policy.
pub const CAPABILITIES: Capabilities = Capabilities {
    target: "gcs",
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
            note: "GCS has no partial wildcards (CORS501)",
        },
        Capability {
            feature: "credentials",
            support: Support::Refused,
            note: "GCS never sends `Access-Control-Allow-Credentials` (CORS502)",
        },
        Capability {
            feature: "methods",
            support: Support::Exact,
            note: "any token, and `*`",
        },
        Capability {
            feature: "request and exposed headers",
            support: Support::Partial,
            note: "one list, `responseHeader`, for both: the policy's two must agree, no `*` (CORS504)",
        },
        Capability {
            feature: "`forbid` bodies",
            support: Support::Refused,
            note: "GCS serves rejected requests without CORS headers (CORS505)",
        },
        Capability {
            feature: "fingerprint",
            support: Support::Refused,
            note: "the format has no comment field; keep the policy file beside it",
        },
        Capability::REPORT_ONLY,
    ],
};

/// The CORS list, as pretty-printed JSON.
///
/// # Errors
/// [`Error::Policy`] with a diagnostic for each thing GCS cannot express.
pub fn configuration(compiled: &Compiled) -> Result<String, Error> {
    bucket::check(compiled, Bucket::Gcs)?;
    let spec = compiled.spec();
    let mut rule = Map::new();
    let origins: Vec<String> = if spec.any_origin {
        vec!["*".into()]
    } else {
        spec.origins.iter().map(|o| o.to_string()).collect()
    };
    rule.insert("origin".into(), json!(origins));
    let methods = if spec.any_method {
        vec!["*".to_string()]
    } else {
        compiled.spec().allowed_methods()
    };
    rule.insert("method".into(), json!(methods));
    // One list for both: the allowed request headers, and the exposed
    // response headers other than the safelisted ones, which every page can
    // read anyway and which would otherwise become allowed request headers.
    let mut headers = spec.allow_headers.clone();
    for h in &spec.expose_headers {
        if !headers.contains(h) && !SAFELISTED_RESPONSE_HEADERS.contains(&h.as_str()) {
            headers.push(h.clone());
        }
    }
    if !headers.is_empty() {
        rule.insert("responseHeader".into(), json!(headers));
    }
    if let Some(age) = spec.max_age {
        rule.insert("maxAgeSeconds".into(), json!(age));
    }
    Ok(format!("{:#}\n", json!([rule])))
}

use std::collections::BTreeSet;

use super::{Finding, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::emit::bucket::Bucket;
use crate::fetch::SAFELISTED_RESPONSE_HEADERS;
use crate::lower::PolicySpec;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS504",
    name: "bucket-headers",
    severity: Severity::Error,
    configurable: false,
    summary: "Header lists a bucket's CORS rules cannot express",
    doc: r#"## What it does
Refuses, when emitting bucket CORS rules, header lists the bucket would
widen: for S3, `allow_headers = "*"` without `authorization` listed (S3's
`*` also allows `Authorization`, R15) and `expose_headers = "*"`; for GCS,
any `*`, and `allow_headers` and `expose_headers` that differ (GCS has one
list, `responseHeader`, for both); for both, a header name with a `*` in it
(`x-*`), which the bucket reads as a wildcard.

## Why is this bad
The bucket would allow request headers, or expose response headers, that
the policy does not.

## How to fix
For S3, list `authorization` beside `*` or list the headers; for GCS, make
the two lists the same (the CORS-safelisted response headers such as
`content-type` may differ), or use another target.

## Example
```toml
# --target gcs
origins = ["https://app.example.com"]
allow_headers = ["content-type"]
expose_headers = ["etag"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
allow_headers = ["content-type", "etag"]
expose_headers = ["etag"]
```"#,
};

/// The header lists `bucket` cannot express.
pub(crate) fn check(p: &Effective<'_>, spec: &PolicySpec, bucket: Bucket) -> Vec<Finding> {
    let mut out = Vec::new();
    let authorization = spec.allow_headers.iter().any(|h| h == "authorization");
    if let Some(any) = &p.allow_headers.any
        && (bucket == Bucket::Gcs || !authorization)
    {
        let why = match bucket {
            Bucket::S3 => {
                "S3's `*` also allows `Authorization`, which the policy's `*` does not (R15)"
            }
            Bucket::Gcs => "GCS's one header list would also expose every response header",
        };
        out.push(
            Finding::new(
                any.clone(),
                format!(
                    "{} cannot express `allow_headers = \"*\"` exactly: {why}",
                    bucket.name()
                ),
                "wider in the bucket",
            )
            .help("list the request headers by name (for S3, or add `authorization` beside `*`)"),
        );
    }
    // S3 reads a `*` inside an AllowedHeaders entry as a wildcard (`x-amz-*`
    // allows every `x-amz-` header); GCS documents no escape for it either.
    for item in p.allow_headers.items.iter().chain(&p.expose_headers.items) {
        if item.value.contains('*') {
            out.push(
                Finding::new(
                    item.span.clone(),
                    format!(
                        "{} would read the `*` in `{}` as a wildcard matching many headers; the policy means this one name",
                        bucket.name(),
                        item.value
                    ),
                    "a wildcard in the bucket",
                )
                .help("list the headers by their full names, or enforce this policy with another target"),
            );
        }
    }
    if let Some(any) = &p.expose_headers.any {
        out.push(
            Finding::new(
                any.clone(),
                format!(
                    "{} cannot expose every response header (`expose_headers = \"*\"`)",
                    bucket.name()
                ),
                "not expressible in the bucket",
            )
            .help("list the response headers pages read"),
        );
    }
    if bucket == Bucket::Gcs && !spec.any_header && !spec.any_expose {
        let significant = |list: &[String]| -> BTreeSet<String> {
            list.iter()
                .filter(|h| !SAFELISTED_RESPONSE_HEADERS.contains(&h.as_str()))
                .cloned()
                .collect()
        };
        let allowed = significant(&spec.allow_headers);
        let exposed = significant(&spec.expose_headers);
        if allowed != exposed {
            let span = p
                .policy
                .fields
                .key_span("allow_headers")
                .or_else(|| p.policy.fields.key_span("expose_headers"))
                .or_else(|| p.profile.and_then(|pr| pr.fields.key_span("allow_headers")))
                .unwrap_or_else(|| p.policy.span.clone());
            let only = |a: &BTreeSet<String>, b: &BTreeSet<String>| {
                a.difference(b).cloned().collect::<Vec<_>>().join(", ")
            };
            out.push(
                Finding::new(
                    span,
                    format!(
                        "GCS uses one list, `responseHeader`, for the allowed request headers and the exposed response headers, and this policy's differ (only allowed: [{}]; only exposed: [{}])",
                        only(&allowed, &exposed),
                        only(&exposed, &allowed)
                    ),
                    "two lists where GCS has one",
                )
                .help("make `allow_headers` and `expose_headers` the same list, or enforce this policy with another target"),
            );
        }
    }
    out
}

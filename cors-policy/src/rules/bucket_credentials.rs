use super::{Finding, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::emit::bucket::Bucket;
use crate::lower::PolicySpec;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS502",
    name: "bucket-credentials",
    severity: Severity::Error,
    configurable: false,
    summary: "A credentials setting a bucket cannot reproduce",
    doc: r#"## What it does
Refuses, when emitting bucket CORS rules, a `credentials` setting the
bucket would not follow: for S3, listed origins without
`credentials = true`; for GCS, `credentials = true`.

## Why is this bad
S3 answers every listed (non-`*`) origin with
`Access-Control-Allow-Credentials: true`, so a policy that does not allow
credentials would be widened to one that does (R19). GCS never sends the
header, so a credentialed request the policy allows would fail.

## How to fix
For S3, set `credentials = true` (S3 itself reads no cookies) or serve
public objects with `origins = "*"`; for GCS, set `credentials = false`.

## Example
```toml
# --target s3
origins = ["https://app.example.com"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
credentials = true
```"#,
};

/// The credentials setting, if `bucket` cannot reproduce it.
pub(crate) fn check(p: &Effective<'_>, spec: &PolicySpec, bucket: Bucket) -> Vec<Finding> {
    let span = p
        .credentials
        .map(|c| c.span.clone())
        .or_else(|| p.policy.fields.key_span("origins"))
        .unwrap_or_else(|| p.policy.span.clone());
    let finding = match bucket {
        Bucket::S3 if !spec.any_origin && !spec.credentials => Finding::new(
            span,
            "S3 sends `Access-Control-Allow-Credentials: true` to every listed origin, and this policy does not allow credentials",
            "S3 would allow credentials",
        )
        .help("set `credentials = true` (S3 reads no cookies itself), or use `origins = \"*\"` for public objects"),
        Bucket::Gcs if spec.credentials => Finding::new(
            span,
            "GCS never sends `Access-Control-Allow-Credentials`, so the credentialed requests this policy allows would fail",
            "GCS cannot allow credentials",
        )
        .help("set `credentials = false`, or enforce this policy with a proxy target"),
        _ => return Vec::new(),
    };
    vec![finding]
}

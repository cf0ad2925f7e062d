use super::{Finding, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::emit::bucket::Bucket;
use cors_runtime::OnReject;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS505",
    name: "bucket-forbid",
    severity: Severity::Error,
    configurable: false,
    summary: "`on_reject = \"forbid\"` in a bucket's CORS rules",
    doc: r#"## What it does
Refuses, when emitting bucket CORS rules, `on_reject = "forbid"`.

## Why is this bad
A bucket serves a request from an origin it does not list — without CORS
headers, so scripts cannot read it, but `<img>` and no-cors fetches still
get the object. The policy asks for a 403 instead (R27), which bucket CORS
rules cannot give.

## How to fix
Use `on_reject = "omit"` for the bucket, or put a proxy in front of it.

## Example
```toml
# --target s3
origins = ["https://app.example.com"]
credentials = true
on_reject = "forbid"
```
Use instead:
```toml
origins = ["https://app.example.com"]
credentials = true
```"#,
};

/// `on_reject = "forbid"`, which no bucket can honour.
pub(crate) fn check(p: &Effective<'_>, bucket: Bucket) -> Vec<Finding> {
    match p.on_reject {
        Some(r) if r.value == OnReject::Forbid => vec![
            Finding::new(
                r.span.clone(),
                format!(
                    "{} serves a rejected request without CORS headers; it cannot answer 403",
                    bucket.name()
                ),
                "not expressible in the bucket",
            )
            .help("use `on_reject = \"omit\"` for the bucket, or put a proxy in front of it"),
        ],
        _ => Vec::new(),
    }
}

use super::{Finding, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::emit::bucket::Bucket;
use crate::pattern::{OriginPattern, PortPattern};

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS501",
    name: "bucket-origin-form",
    severity: Severity::Error,
    configurable: false,
    summary: "An origin pattern a bucket's CORS rules cannot match exactly",
    doc: r#"## What it does
Refuses, when emitting bucket CORS rules (`cors emit --target s3|gcs`), an
origin pattern other than an exact origin or `origins = "*"`: a `*.`
subdomain wildcard, a `:*` port wildcard, or `null`.

## Why is this bad
S3's `*` matches any run of characters, so `https://*.example.com` there
also admits hosts the policy refuses — `https://a_b.example.com`, labels
longer than 63 bytes — and `http://localhost:*` admits any text after the
colon. GCS has no partial wildcards at all. Neither documents what `null`
means. Emitting a broader rule would silently widen the policy.

## How to fix
List the origins the bucket serves, or enforce the policy in the service or
a proxy in front of the bucket (`--target nginx|caddy|haproxy|apache`).

## Example
```toml
# --target s3
origins = ["https://*.example.com"]
credentials = true
```
Use instead:
```toml
origins = ["https://app.example.com", "https://admin.example.com"]
credentials = true
```"#,
};

/// Every origin entry `bucket` cannot express.
pub(crate) fn check(p: &Effective<'_>, bucket: Bucket) -> Vec<Finding> {
    let mut out = Vec::new();
    for entry in p.origins.iter().flat_map(|o| o.entries.iter()) {
        let Ok(parsed) = &entry.parsed else { continue };
        let why = match (&parsed.pattern, bucket) {
            (OriginPattern::Null, _) => format!("{} gives `null` no documented meaning", bucket.name()),
            (pattern, _) if pattern.is_exact() => continue,
            (OriginPattern::Tuple { port: PortPattern::Any, .. }, Bucket::S3) => {
                "S3's `*` matches any text, not only a port".to_string()
            }
            (_, Bucket::S3) => "S3's `*` matches any run of characters, so it also admits hosts the policy refuses (such as `a_b` labels or labels over 63 bytes)".to_string(),
            (_, Bucket::Gcs) => "GCS matches an origin exactly, or every origin with `*`; it has no partial wildcards".to_string(),
        };
        out.push(
            Finding::new(
                entry.raw.span.clone(),
                format!("{} cannot express `{}` exactly: {why}", bucket.name(), entry.raw.value),
                "not expressible in bucket CORS rules",
            )
            .help("list each origin the bucket serves, or enforce this policy with a proxy target (nginx, caddy, haproxy, apache)"),
        );
    }
    out
}

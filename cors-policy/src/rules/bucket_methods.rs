use super::{Finding, RuleMeta};
use crate::diagnostic::Severity;
use crate::effective::Effective;
use crate::emit::bucket::Bucket;

pub(crate) static META: &RuleMeta = &RuleMeta {
    code: "CORS503",
    name: "bucket-methods",
    severity: Severity::Error,
    configurable: false,
    summary: "A method a bucket's CORS rules cannot list",
    doc: r#"## What it does
Refuses, when emitting S3 CORS rules, a method S3 does not accept in
`AllowedMethods` — anything but `GET`, `PUT`, `POST`, `DELETE` and `HEAD`,
and `methods = "*"`.

## Why is this bad
S3 rejects the configuration, or (for `*`) has no way to say "any method";
dropping the method silently would make the bucket refuse what the policy
allows.

## How to fix
Remove the method from the bucket's policy (S3 serves no other), or put a
proxy in front of the bucket.

## Example
```toml
# --target s3
origins = ["https://app.example.com"]
credentials = true
methods = ["PATCH"]
```
Use instead:
```toml
origins = ["https://app.example.com"]
credentials = true
methods = ["PUT"]
```"#,
};

/// The methods S3 accepts.
pub(crate) const S3_METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "HEAD"];

/// Every method entry `bucket` cannot list.
pub(crate) fn check(p: &Effective<'_>, bucket: Bucket) -> Vec<Finding> {
    if bucket != Bucket::S3 {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(any) = &p.methods.any {
        out.push(Finding::new(
            any.clone(),
            "S3 cannot allow any method: `AllowedMethods` takes only GET, PUT, POST, DELETE and HEAD",
            "not expressible in S3",
        ).help("list the methods the bucket serves"));
    }
    for m in &p.methods.items {
        if !S3_METHODS.contains(&m.value.as_str()) {
            out.push(
                Finding::new(
                    m.span.clone(),
                    format!("S3 cannot allow `{}`: `AllowedMethods` takes only GET, PUT, POST, DELETE and HEAD", m.value),
                    "not an S3 method",
                )
                .help("remove it from the bucket's policy, or put a proxy in front of the bucket"),
            );
        }
    }
    out
}

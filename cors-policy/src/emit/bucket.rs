//! What the bucket backends share: which bucket, and the refusals that run
//! before either writes anything.
//!
//! S3 and GCS CORS rules are static lists — origins matched as strings or
//! globs, a method list, a header list — with no per-request logic. A policy
//! is emitted only when the bucket decides every browser request exactly
//! as the runtime does; anything else is refused with a diagnostic
//! (`CORS501`–`CORS505`, see `cors rules`) pointing at the file and line
//! of what cannot be expressed, never emitted as a broader rule.

use crate::diagnostic::Report;
use crate::{Compiled, Error, Selection};

/// A bucket backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bucket {
    /// Amazon S3 (`aws s3api put-bucket-cors --cors-configuration`).
    S3,
    /// Google Cloud Storage (`gcloud storage buckets update --cors-file`).
    Gcs,
}

impl Bucket {
    /// `S3` or `GCS`, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Bucket::S3 => "S3",
            Bucket::Gcs => "GCS",
        }
    }
}

/// Refuses `compiled` unless `bucket` expresses it exactly.
///
/// # Errors
/// [`Error::Policy`] with one diagnostic per thing the bucket cannot
/// express, located in the policy file.
pub fn check(compiled: &Compiled, bucket: Bucket) -> Result<(), Error> {
    // The text compiled, placeholders substituted: the values are checked.
    let source = compiled.compiled_from();
    let spec = compiled.spec();
    let file = crate::parse::parse_file(&source.text);
    let selection = Selection {
        policy: (!spec.name.is_empty()).then(|| spec.name.clone()),
        profile: spec.profile.clone(),
    };
    let Ok((policy, profile)) = crate::select::select(&file, &selection) else {
        return Err(Error::Emit(
            "the compiled policy is not in its source file any more".to_string(),
        ));
    };
    let effective = crate::effective::Effective::new(policy, profile);
    let refusals = crate::rules::bucket_refusals(&effective, spec, bucket);
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(Error::Policy(Report::new(source.clone(), refusals)))
    }
}

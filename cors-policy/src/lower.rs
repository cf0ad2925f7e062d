//! Stage 3, **lower**: the validated, canonical policy — what the file means
//! once every rule has passed and the selected profile is applied.

use std::collections::{BTreeSet, HashSet};

use cors_runtime::{LogLevel, OnReject};

use crate::effective::Effective;
use crate::pattern::OriginPattern;

/// The safelisted methods, the default of `methods`.
pub const DEFAULT_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// A validated policy in canonical form. Made by the compiler only
/// (`#[non_exhaustive]`: a new policy key is a new field, not a breaking
/// change).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicySpec {
    /// The policy's name (`""` for the only, unnamed policy of a file).
    pub name: String,
    /// The profile applied, if any.
    pub profile: Option<String>,
    /// `origins = "*"`.
    pub any_origin: bool,
    /// Canonical origin patterns, without duplicates, in a stable order.
    pub origins: BTreeSet<OriginPattern>,
    /// `"*"` in `methods`.
    pub any_method: bool,
    /// Methods, byte-exact, in the order written, without duplicates.
    pub methods: Vec<String>,
    /// `"*"` in `allow_headers`.
    pub any_header: bool,
    /// Request header names, lowercase, without duplicates.
    pub allow_headers: Vec<String>,
    /// `"*"` in `expose_headers`.
    pub any_expose: bool,
    /// Response header names, lowercase, without duplicates.
    pub expose_headers: Vec<String>,
    /// `credentials`.
    pub credentials: bool,
    /// `max_age`, if set.
    pub max_age: Option<u32>,
    /// Status of allowed preflights.
    pub preflight_status: u16,
    /// What to do with rejected requests.
    pub on_reject: OnReject,
    /// The service's own origins (`server_origins`), canonical exact origins.
    pub server_origins: BTreeSet<OriginPattern>,
    /// `report_only`: evaluate and report, enforce nothing.
    pub report_only: bool,
    /// `log_rejections`: the level rejections are logged at.
    pub log_rejections: LogLevel,
    /// `fingerprint_header`: the adapters' own answers carry
    /// `x-corsc-policy`.
    pub fingerprint_header: bool,
}

impl PolicySpec {
    /// The policy's fingerprint ([`cors_runtime::Policy::fingerprint`]):
    /// FNV-1a over the canonical model's debug text (sets are ordered, so
    /// the text is the same for the same model), with what decides and
    /// enforces nothing left out — the policy's and profile's names,
    /// `log_rejections` and `fingerprint_header` — so a `dev` profile that
    /// only turns reporting on names the same policy as the base.
    pub fn fingerprint(&self) -> String {
        let decides = PolicySpec {
            name: String::new(),
            profile: None,
            log_rejections: LogLevel::default(),
            fingerprint_header: false,
            ..self.clone()
        };
        let text = format!("{decides:?}");
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("fnv64:{hash:016x}")
    }

    /// Every method an actual request may use when the policy does not allow
    /// any: the safelisted ones, which need no preflight (R18), then the
    /// policy's others, in order.
    ///
    /// ```
    /// let source = cors_policy::Source::new(
    ///     "p.toml",
    ///     "origins = [\"https://a.example\"]\nmethods = [\"PUT\", \"GET\"]",
    /// );
    /// let compiled = cors_policy::compile(&source, &cors_policy::Selection::default()).unwrap();
    /// assert_eq!(compiled.spec().allowed_methods(), ["GET", "HEAD", "POST", "PUT"]);
    /// ```
    pub fn allowed_methods(&self) -> Vec<String> {
        DEFAULT_METHODS
            .iter()
            .map(|m| m.to_string())
            .chain(
                self.methods
                    .iter()
                    .filter(|m| !DEFAULT_METHODS.contains(&m.as_str()))
                    .cloned(),
            )
            .collect()
    }
}

/// Keeps the first of equal items, in order: O(n) with a set of those seen.
fn dedup(items: impl Iterator<Item = String>, ignore_case: bool) -> Vec<String> {
    let mut seen = HashSet::new();
    items
        .map(|item| {
            if ignore_case {
                item.to_ascii_lowercase()
            } else {
                item
            }
        })
        .filter(|item| seen.insert(item.clone()))
        .collect()
}

/// Lowers a policy whose rules all passed.
pub(crate) fn lower(p: &Effective<'_>) -> PolicySpec {
    let origins = p.origins.as_ref();
    let methods = if p.methods.set {
        dedup(p.methods.items.iter().map(|m| m.value.clone()), false)
    } else {
        DEFAULT_METHODS.iter().map(|m| m.to_string()).collect()
    };
    PolicySpec {
        name: p
            .policy
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default(),
        profile: p.profile_name().map(str::to_string),
        any_origin: origins.is_some_and(|o| o.any.is_some()),
        origins: p.patterns().map(|(_, pattern)| pattern.clone()).collect(),
        any_method: p.methods.any.is_some(),
        methods,
        any_header: p.allow_headers.any.is_some(),
        allow_headers: dedup(p.allow_headers.items.iter().map(|h| h.value.clone()), true),
        any_expose: p.expose_headers.any.is_some(),
        expose_headers: dedup(p.expose_headers.items.iter().map(|h| h.value.clone()), true),
        credentials: p.credentials(),
        max_age: p.max_age.and_then(|m| u32::try_from(m.value).ok()),
        preflight_status: p
            .preflight_status
            .and_then(|s| u16::try_from(s.value).ok())
            .unwrap_or(204),
        on_reject: p.on_reject.map_or(OnReject::Omit, |o| o.value),
        server_origins: p
            .server_origins
            .iter()
            .flat_map(|o| &o.value.entries)
            .filter_map(|e| e.parsed.as_ref().ok())
            .map(|parsed| parsed.pattern.clone())
            .collect(),
        report_only: p.report_only.is_some_and(|r| r.value),
        log_rejections: p.log_rejections.map_or(LogLevel::default(), |l| l.value),
        fingerprint_header: p.fingerprint_header.is_some_and(|f| f.value),
    }
}

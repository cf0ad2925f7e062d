//! A policy as one deployment sees it: the base keys with a profile's
//! overrides applied.
//!
//! Profile semantics, deliberately explicit:
//! - a key a profile sets (`origins`, `methods`, `credentials`, …) **replaces**
//!   the base's value;
//! - an `extra_<key>` (`extra_origins`, `extra_methods`, `extra_allow_headers`,
//!   `extra_expose_headers`) **extends** it.

use std::ops::Range;

use cors_runtime::{LogLevel, OnReject};

use crate::ast::{Fields, List, OriginEntry, Origins, PolicyAst, Profile, Spanned};

/// A list key after merging.
#[derive(Clone, Debug, Default)]
pub(crate) struct EffectiveList<'a> {
    /// Where `"*"` was written, if it was.
    pub(crate) any: Option<Range<usize>>,
    /// The entries.
    pub(crate) items: Vec<&'a Spanned<String>>,
    /// False when neither the base nor the profile set the key.
    pub(crate) set: bool,
}

/// `origins` after merging.
#[derive(Clone, Debug, Default)]
pub(crate) struct EffectiveOrigins<'a> {
    /// Where `origins = "*"` was written, if it was.
    pub(crate) any: Option<Range<usize>>,
    /// The entries.
    pub(crate) entries: Vec<&'a OriginEntry>,
}

/// One policy with one profile (or none) applied.
#[derive(Clone, Debug)]
pub(crate) struct Effective<'a> {
    /// The policy.
    pub(crate) policy: &'a PolicyAst,
    /// The profile applied, if any.
    pub(crate) profile: Option<&'a Profile>,
    /// `origins`, if set anywhere.
    pub(crate) origins: Option<EffectiveOrigins<'a>>,
    /// `methods`.
    pub(crate) methods: EffectiveList<'a>,
    /// `allow_headers`.
    pub(crate) allow_headers: EffectiveList<'a>,
    /// `expose_headers`.
    pub(crate) expose_headers: EffectiveList<'a>,
    /// `credentials`.
    pub(crate) credentials: Option<&'a Spanned<bool>>,
    /// `max_age`.
    pub(crate) max_age: Option<&'a Spanned<i64>>,
    /// `preflight_status`.
    pub(crate) preflight_status: Option<&'a Spanned<i64>>,
    /// `on_reject`.
    pub(crate) on_reject: Option<&'a Spanned<OnReject>>,
    /// `server_origins` (a profile's replaces the base's).
    pub(crate) server_origins: Option<&'a Spanned<Origins>>,
    /// `report_only`.
    pub(crate) report_only: Option<&'a Spanned<bool>>,
    /// `log_rejections`.
    pub(crate) log_rejections: Option<&'a Spanned<LogLevel>>,
    /// `fingerprint_header`.
    pub(crate) fingerprint_header: Option<&'a Spanned<bool>>,
}

impl<'a> Effective<'a> {
    /// Applies `profile` (if any) to `policy`.
    pub(crate) fn new(policy: &'a PolicyAst, profile: Option<&'a Profile>) -> Self {
        let base = &policy.fields;
        let over = profile.map(|p| &p.fields);
        let pick = |f: fn(&'a Fields) -> Option<&'a Spanned<List>>,
                    extra: fn(&'a Fields) -> Option<&'a Spanned<List>>| {
            let chosen = over.and_then(f).or_else(|| f(base));
            let mut list = EffectiveList::default();
            for part in chosen.into_iter().chain(over.and_then(extra)) {
                list.set = true;
                list.any = list.any.clone().or_else(|| part.value.any.clone());
                list.items.extend(part.value.items.iter());
            }
            list
        };
        let chosen_origins = over
            .and_then(|o| o.origins.as_ref())
            .or(base.origins.as_ref());
        let extra_origins = over.and_then(|o| o.extra_origins.as_ref());
        let origins = (chosen_origins.is_some() || extra_origins.is_some()).then(|| {
            let mut merged = EffectiveOrigins::default();
            for part in chosen_origins.into_iter().chain(extra_origins) {
                let part: &'a Origins = &part.value;
                merged.any = merged.any.clone().or_else(|| part.any.clone());
                merged.entries.extend(part.entries.iter());
            }
            merged
        });
        Effective {
            policy,
            profile,
            origins,
            methods: pick(|f| f.methods.as_ref(), |f| f.extra_methods.as_ref()),
            allow_headers: pick(
                |f| f.allow_headers.as_ref(),
                |f| f.extra_allow_headers.as_ref(),
            ),
            expose_headers: pick(
                |f| f.expose_headers.as_ref(),
                |f| f.extra_expose_headers.as_ref(),
            ),
            credentials: over
                .and_then(|o| o.credentials.as_ref())
                .or(base.credentials.as_ref()),
            max_age: over
                .and_then(|o| o.max_age.as_ref())
                .or(base.max_age.as_ref()),
            preflight_status: over
                .and_then(|o| o.preflight_status.as_ref())
                .or(base.preflight_status.as_ref()),
            on_reject: over
                .and_then(|o| o.on_reject.as_ref())
                .or(base.on_reject.as_ref()),
            server_origins: over
                .and_then(|o| o.server_origins.as_ref())
                .or(base.server_origins.as_ref()),
            report_only: over
                .and_then(|o| o.report_only.as_ref())
                .or(base.report_only.as_ref()),
            log_rejections: over
                .and_then(|o| o.log_rejections.as_ref())
                .or(base.log_rejections.as_ref()),
            fingerprint_header: over
                .and_then(|o| o.fingerprint_header.as_ref())
                .or(base.fingerprint_header.as_ref()),
        }
    }

    /// True when credentials are on.
    pub(crate) fn credentials(&self) -> bool {
        self.credentials.is_some_and(|c| c.value)
    }

    /// The profile's name, if one is applied.
    pub(crate) fn profile_name(&self) -> Option<&'a str> {
        self.profile.map(|p| p.name.value.as_str())
    }

    /// `policy `api`, profile `dev``, for diagnostics; `None` for the only
    /// policy of a file without profiles.
    pub(crate) fn describe(&self) -> Option<String> {
        match (self.policy.name.as_ref(), self.profile) {
            (None, None) => None,
            (Some(n), None) => Some(format!("policy `{}`", n.value)),
            (None, Some(p)) => Some(format!("profile `{}`", p.name.value)),
            (Some(n), Some(p)) => Some(format!("policy `{}`, profile `{}`", n.value, p.name.value)),
        }
    }
}

impl<'a> Effective<'a> {
    /// The origin entries that parsed, with their canonical pattern.
    pub(crate) fn patterns(
        &self,
    ) -> impl Iterator<Item = (&'a OriginEntry, &'a crate::pattern::OriginPattern)> + '_ {
        self.origins
            .iter()
            .flat_map(|o| o.entries.iter().copied())
            .filter_map(|e| e.parsed.as_ref().ok().map(|p| (e, &p.pattern)))
    }
}

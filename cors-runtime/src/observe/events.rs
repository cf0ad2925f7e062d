//! The `tracing` side of an [`Observer`](super::Observer): one event per
//! decision at the level the module table gives, with escaped fields.

use tracing::field::{DisplayValue, display};

use super::{Escaped, HeaderText, OUTCOME_NAMES, ReasonOnce};
use crate::decision::{Decision, DecisionKind, Reason};
use crate::policy::{Chosen, LogLevel};
use crate::request::{RequestHeader, RequestView};

/// The target every event of the crate uses.
pub(crate) const TARGET: &str = "corsc";

/// `tracing::event!` at a level chosen at run time: a callsite per level,
/// so each keeps tracing's cached interest and costs a load and a compare
/// when filtered out.
macro_rules! event_at {
    ($level:expr, $($rest:tt)+) => {
        match $level {
            LogLevel::Off => {}
            LogLevel::Error => tracing::event!(target: TARGET, tracing::Level::ERROR, $($rest)+),
            LogLevel::Warn => tracing::event!(target: TARGET, tracing::Level::WARN, $($rest)+),
            LogLevel::Info => tracing::event!(target: TARGET, tracing::Level::INFO, $($rest)+),
            LogLevel::Debug => tracing::event!(target: TARGET, tracing::Level::DEBUG, $($rest)+),
            LogLevel::Trace => tracing::event!(target: TARGET, tracing::Level::TRACE, $($rest)+),
        }
    };
}
pub(crate) use event_at;

/// The level a decision is logged at: its kind decides, and the reason
/// only tells a same-origin shortcut (never an unparsed one) apart.
pub(crate) fn level(chosen: &Chosen<'_>, decision: &Decision<'_>) -> LogLevel {
    match (decision.kind(), decision.reason) {
        (DecisionKind::Rejected, _) => chosen.policy().log_rejections(),
        (DecisionKind::Preflight, _) | (DecisionKind::NotCors, Reason::SameOrigin) => {
            LogLevel::Debug
        }
        _ => LogLevel::Trace,
    }
}

/// The `tenant` field: the id the request named, escaped.
pub(crate) fn tenant<'a>(chosen: &Chosen<'a>) -> Option<DisplayValue<Escaped<'a>>> {
    chosen.tenant().map(|(id, _)| display(Escaped(id)))
}

/// One request header's lines as a field, for preflights that carry it.
pub(crate) fn preflight_field<'r, R: RequestView + ?Sized>(
    request: &'r R,
    name: RequestHeader,
) -> Option<DisplayValue<HeaderText<'r, R>>> {
    let present = request.header_values(name).next().is_some();
    (present && request.method() == b"OPTIONS").then_some(display(HeaderText { request, name }))
}

#[inline(always)]
pub(super) fn decision<R: RequestView + ?Sized>(
    chosen: &Chosen<'_>,
    request: &R,
    decision: &Decision<'_>,
    reason: &ReasonOnce<'_, '_>,
) {
    // Field values are computed only when the event is enabled.
    event_at!(
        level(chosen, decision),
        outcome = OUTCOME_NAMES[reason.outcome_index()].0,
        reason = OUTCOME_NAMES[reason.outcome_index()].1,
        policy = chosen.label(),
        tenant = tenant(chosen),
        method = %Escaped(request.method()),
        origin = %HeaderText { request, name: RequestHeader::Origin },
        request_method = preflight_field(request, RequestHeader::AccessControlRequestMethod),
        request_headers = preflight_field(request, RequestHeader::AccessControlRequestHeaders),
        // Only an answer the layer gave: under `report_only` it gives none.
        status = decision.status().filter(|_| !chosen.policy().report_only()),
        enforced = !chosen.policy().report_only(),
        // Printable ASCII: the sentence's request values are escaped.
        "{}",
        reason.get()
    );
}

pub(super) fn serving(policy: &crate::Policy<'_>, what: &'static str) {
    tracing::event!(
        target: TARGET,
        tracing::Level::INFO,
        policy = policy.name(),
        fingerprint = policy.fingerprint(),
        report_only = policy.report_only(),
        "CORS policy {what}"
    );
}

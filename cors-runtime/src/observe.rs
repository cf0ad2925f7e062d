//! What the adapters report about each decision: a [`tracing`] event per
//! decision that is not a plain allowed request (feature `tracing`), and a
//! counter per policy and outcome through the [`metrics`] facade (feature
//! `metrics`). Both are opt-in: with neither feature an [`Observer`] is a
//! zero-sized type whose calls compile to nothing, and with them the hot
//! path allocates nothing — events carry borrowed, escaped fields, and
//! counters are registered once per policy, then incremented.
//!
//! | decision | event level | counted as (`outcome`, `reason`) |
//! |---|---|---|
//! | rejected | the policy's `log_rejections` (`info` unless set) | `rejected`, its code (`cors_origin_not_allowed`, …) |
//! | preflight answered | `DEBUG` | `preflight`, `allowed` |
//! | same-origin shortcut | `DEBUG` | `not_cors`, `same_origin` |
//! | allowed actual request | `TRACE` | `actual`, `allowed` |
//! | no `Origin` | `TRACE` | `not_cors`, `no_origin` |
//!
//! Events use the target `corsc` (filter with `RUST_LOG=corsc=debug`) and
//! carry fields, not only a message: `outcome`, `reason`, `policy`,
//! `tenant`, `method`, `origin`, `request_method` and `request_headers`
//! (preflights), `status` (an answer the layer gave itself) and `enforced`
//! (`false` under `report_only`). A request's values are escaped
//! ([`Escaped`]) and capped at [`MAX_LOGGED`] bytes, so a hostile value
//! can neither break a log line nor reach a terminal's control codes.
//!
//! [`tracing`]: https://docs.rs/tracing
//! [`metrics`]: https://docs.rs/metrics

use std::fmt::{self, Write as _};

use crate::decision::{Decision, DecisionKind, Reason};
use crate::policy::Chosen;
#[cfg(feature = "tracing")]
use crate::request::RequestHeader;
use crate::request::RequestView;

#[cfg(feature = "metrics")]
mod counters;
#[cfg(feature = "tracing")]
pub(crate) mod events;

#[cfg(feature = "metrics")]
pub(crate) use counters::ShadowCounters;
#[cfg(feature = "metrics")]
pub use counters::{REQUESTS_TOTAL, SHADOW_COMPARED_TOTAL, SHADOW_DISAGREEMENTS_TOTAL};

/// The most bytes of one request value an event carries; the rest is
/// counted, not shown.
pub const MAX_LOGGED: usize = 256;

/// The most bytes of an event's message: a [`Reason`]'s sentence, which
/// quotes at most one request value, [`Escaped`] and capped like a field's.
pub const MAX_MESSAGE: usize = 2 * 4 * MAX_LOGGED;

/// Every `(outcome, reason)` pair a decision is reported as, in the order
/// of [`outcome_index`]: the `outcome` and `reason` fields of events and
/// labels of `corsc_requests_total`.
pub const OUTCOMES: [(&str, &str); 10] = [
    ("actual", "allowed"),
    ("preflight", "allowed"),
    ("not_cors", "no_origin"),
    ("not_cors", "same_origin"),
    ("rejected", "cors_invalid_origin"),
    ("rejected", "cors_origin_not_allowed"),
    ("rejected", "cors_unknown_tenant"),
    ("rejected", "cors_method_not_allowed"),
    ("rejected", "cors_header_not_allowed"),
    ("rejected", "cors_invalid_preflight"),
];

/// [`OUTCOMES`] in memory: indexing a `const` array at run time copies it
/// to the stack first (a 320-byte `memcpy` per event, measured).
#[cfg(feature = "tracing")]
pub(crate) static OUTCOME_NAMES: [(&str, &str); OUTCOMES.len()] = OUTCOMES;

/// The position of a decision's `(outcome, reason)` in [`OUTCOMES`].
#[inline]
pub fn outcome_index(decision: &Decision<'_>) -> usize {
    outcome_index_of(decision.kind(), decision.reason())
}

/// A decision's reason, asked for at most once: an unlisted origin's is
/// found by parsing it (`Decision::reason`), which reporting does only
/// when a counter or an enabled event needs it, and then once.
#[cfg_attr(not(any(feature = "tracing", feature = "metrics")), allow(dead_code))]
pub(crate) struct ReasonOnce<'d, 'a> {
    decision: &'d Decision<'a>,
    reason: std::cell::OnceCell<Reason<'a>>,
}

#[cfg_attr(not(any(feature = "tracing", feature = "metrics")), allow(dead_code))]
impl<'d, 'a> ReasonOnce<'d, 'a> {
    pub(crate) fn new(decision: &'d Decision<'a>) -> Self {
        ReasonOnce {
            decision,
            reason: std::cell::OnceCell::new(),
        }
    }

    pub(crate) fn get(&self) -> Reason<'a> {
        *self.reason.get_or_init(|| self.decision.reason())
    }

    /// The position of the decision's `(outcome, reason)` in [`OUTCOMES`].
    pub(crate) fn outcome_index(&self) -> usize {
        outcome_index_of(self.decision.kind(), self.get())
    }
}

/// [`outcome_index`] of a decision's kind and reason.
#[inline]
fn outcome_index_of(kind: DecisionKind, reason: Reason<'_>) -> usize {
    match (kind, reason) {
        (DecisionKind::Actual, _) => 0,
        (DecisionKind::Preflight, _) => 1,
        (DecisionKind::NotCors, Reason::SameOrigin) => 3,
        (DecisionKind::NotCors, _) => 2,
        // By variant, not by comparing `Reason::code`'s text (a test
        // holds the two to the same codes).
        (DecisionKind::Rejected, reason) => match reason {
            Reason::OriginNotAllowed => 5,
            Reason::UnknownTenant => 6,
            Reason::MethodNotAllowed(_) => 7,
            Reason::HeaderNotAllowed(_) | Reason::AuthorizationNotCovered => 8,
            Reason::MultipleRequestMethods
            | Reason::InvalidRequestMethod
            | Reason::RequestHeadersTooLarge
            | Reason::InvalidRequestHeader(_) => 9,
            _ => 4,
        },
    }
}

/// Reports decisions; each adapter holds one and calls it once per
/// request. Build it once per adapter: with the `metrics` feature it keeps
/// the counters it registered. An adapter of your own reports the same
/// way:
///
/// ```
/// use cors_runtime::observe::Observer;
/// use cors_runtime::{Chosen, PolicySource, SimpleRequest};
///
/// let policy = cors_policy::load(r#"origins = ["https://app.example.com"]"#).unwrap();
/// let observer = Observer::new(); // once, beside the policy
/// // Per request:
/// let view = policy.policy();
/// let chosen = Chosen::new(&view);
/// let headers = [("Origin", &b"https://evil.example"[..])];
/// let request = SimpleRequest::new(b"GET", &headers);
/// let decision = chosen.evaluate(&request);
/// observer.decision(&chosen, &request, &decision); // an event, a count
/// ```
#[derive(Debug, Default)]
pub struct Observer {
    #[cfg(feature = "metrics")]
    counters: counters::Counters,
}

impl Observer {
    /// An observer with nothing registered yet.
    pub fn new() -> Self {
        Observer::default()
    }

    /// Reports one request's decision, taken with `chosen` (what the
    /// adapters do right after evaluating).
    #[inline(always)]
    pub fn decision<R: RequestView + ?Sized>(
        &self,
        chosen: &Chosen<'_>,
        request: &R,
        decision: &Decision<'_>,
    ) {
        let reason = ReasonOnce::new(decision);
        #[cfg(feature = "metrics")]
        self.counters
            .outcome(chosen.label(), reason.outcome_index());
        #[cfg(feature = "tracing")]
        events::decision(chosen, request, decision, &reason);
        #[cfg(not(feature = "tracing"))]
        let _ = request;
        #[cfg(not(any(feature = "tracing", feature = "metrics")))]
        let _ = (chosen, reason);
    }

    /// Reports that `policy` now serves: an `INFO` event with its name and
    /// fingerprint, when an adapter is built and when a policy is
    /// reloaded (`what` says which).
    pub fn serving(policy: &crate::Policy<'_>, what: &'static str) {
        #[cfg(feature = "tracing")]
        events::serving(policy, what);
        #[cfg(not(feature = "tracing"))]
        let _ = (policy, what);
    }
}

/// A request's bytes as a log can carry them: printable ASCII but `"` and
/// `\` as is, every other byte (space, control bytes, non-UTF-8,
/// non-ASCII) as `\xNN`, and at most [`MAX_LOGGED`] bytes, the rest
/// counted — so a value is one word a terminal shows as text and a
/// key=value reader keeps whole.
///
/// ```
/// use cors_runtime::observe::Escaped;
/// assert_eq!(Escaped(b"https://a.example").to_string(), "https://a.example");
/// assert_eq!(Escaped(b"a b\r\n\x1b[31m\xff").to_string(), r"a\x20b\x0d\x0a\x1b[31m\xff");
/// assert!(Escaped(&[b'a'; 1000]).to_string().ends_with("...(+744bytes)"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Escaped<'a>(pub &'a [u8]);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut budget = Budget::new(f);
        budget.bytes(self.0)?;
        budget.finish()
    }
}

/// Every line of one request header, escaped and joined by `,`, within one
/// [`MAX_LOGGED`] budget.
#[cfg(feature = "tracing")]
pub(crate) struct HeaderText<'r, R: ?Sized> {
    pub(crate) request: &'r R,
    pub(crate) name: RequestHeader,
}

#[cfg(feature = "tracing")]
impl<R: RequestView + ?Sized> fmt::Display for HeaderText<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Budget::lines(f, self.request.header_values(self.name))
    }
}

/// Writes escaped bytes until [`MAX_LOGGED`] input bytes are shown, then
/// counts the rest.
pub(crate) struct Budget<'f, 'g> {
    f: &'f mut fmt::Formatter<'g>,
    shown: usize,
    hidden: usize,
}

impl<'f, 'g> Budget<'f, 'g> {
    fn new(f: &'f mut fmt::Formatter<'g>) -> Self {
        Budget {
            f,
            shown: 0,
            hidden: 0,
        }
    }

    fn bytes(&mut self, bytes: &[u8]) -> fmt::Result {
        let room = MAX_LOGGED - self.shown;
        let (show, hide) = bytes.split_at(bytes.len().min(room));
        self.shown += show.len();
        self.hidden += hide.len();
        for &b in show {
            if b.is_ascii_graphic() && b != b'"' && b != b'\\' {
                self.f.write_char(char::from(b))?;
            } else {
                write!(self.f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }

    /// Every line escaped and joined by `,`, within one budget.
    #[cfg(feature = "tracing")]
    pub(crate) fn lines<'a>(
        f: &mut fmt::Formatter<'_>,
        lines: impl Iterator<Item = &'a [u8]>,
    ) -> fmt::Result {
        let mut budget = Budget::new(f);
        for (i, line) in lines.enumerate() {
            if i > 0 {
                budget.bytes(b",")?;
            }
            budget.bytes(line)?;
        }
        budget.finish()
    }

    fn finish(self) -> fmt::Result {
        if self.hidden > 0 {
            // No space: a logfmt reader keeps the field whole.
            write!(self.f, "...(+{}bytes)", self.hidden)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "tracing")]
    use crate::SimpleRequest;

    #[test]
    fn rejection_codes_and_outcomes_agree() {
        for (outcome, reason) in OUTCOMES {
            assert_eq!(
                outcome == "rejected",
                reason.starts_with("cors_"),
                "{reason}"
            );
        }
    }

    #[test]
    #[cfg(feature = "tracing")]
    fn hostile_values_are_escaped_and_capped() {
        let long = vec![b'\n'; 10_000];
        let text = Escaped(&long).to_string();
        assert_eq!(text.len(), 4 * MAX_LOGGED + "...(+9744bytes)".len());
        assert!(!text.bytes().any(|b| b.is_ascii_control()));
        let headers = [
            ("Access-Control-Request-Headers", &b"a,b"[..]),
            ("Access-Control-Request-Headers", b"c\x00"),
        ];
        let request = SimpleRequest::new(b"OPTIONS", &headers);
        let joined = HeaderText {
            request: &request,
            name: RequestHeader::AccessControlRequestHeaders,
        };
        assert_eq!(joined.to_string(), r"a,b,c\x00");
    }
}

//! Shadow mode: compare a compiled policy with the CORS a service answers
//! today, before switching to it.
//!
//! A shadow layer sits around the service's **existing** CORS handling
//! (tower-http's `CorsLayer`, actix-cors, rocket_cors, hand-written code)
//! and changes nothing in the request or the response. For each request it
//! evaluates the policy, lets the request through, and compares the
//! policy's decision with the CORS headers the existing stack actually
//! sent, as a browser would judge them ([`crate::browser`], for a request
//! without credentials). Each difference is a [`Disagreement`]:
//!
//! | class | when |
//! |---|---|
//! | `would_block` | the browser lets the page read today's answer; the policy rejects the request |
//! | `would_allow` | the browser blocks today's answer; the policy allows the request |
//! | `allow_methods`, `allow_headers` | both allow a preflight, with different lists (as sets; methods case-sensitively) |
//! | `expose_headers` | both allow an actual request, exposing different headers |
//! | `credentials` | both allow, and only one says `Access-Control-Allow-Credentials: true` |
//! | `vary` | the CORS request headers named in `Vary` (`Origin`, `Access-Control-Request-Method`, `-Headers`, `Sec-Fetch-Site`; `*` names all) differ — on any request, CORS or not |
//!
//! Requests without `Origin` and same-origin requests are not CORS
//! requests: only `vary` is compared for them. A request is a preflight as
//! the evaluator reads it (R9: `OPTIONS` with `Origin` and
//! `Access-Control-Request-Method`).
//!
//! Disagreements are reported as a `tracing` event (target `corsc`, at the
//! policy's `log_rejections` level) and counted as
//! `corsc_shadow_disagreements_total{policy, class}` beside
//! `corsc_shadow_compared_total{policy}`, with the `tracing` and `metrics`
//! features. The adapters' shadow layers are
//! `adapters::tower::CorsLayer::shadow`, `adapters::actix::Cors::shadow`
//! and `adapters::rocket::Shadow`.

use std::fmt;

use crate::apply::{EARLY_HEADERS, FixedValues, PreparedHeaders};
use crate::browser::{self, Items, ResponseView};
use crate::decision::{Decision, DecisionKind};
#[cfg(feature = "tracing")]
use crate::observe::Escaped;
#[cfg(feature = "tracing")]
use crate::observe::OUTCOME_NAMES;
use crate::observe::outcome_index;
use crate::policy::{Chosen, LogLevel};
use crate::request::RequestHeader;
use crate::response::ResponseHeader;

/// One way the policy's decision differs from today's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Disagreement {
    /// Today's answer lets the page read the response; the policy would
    /// reject the request.
    WouldBlock,
    /// Today's answer is blocked by the browser; the policy would allow the
    /// request.
    WouldAllow,
    /// Both allow a preflight, with different `Access-Control-Allow-Methods`.
    AllowMethods,
    /// Both allow a preflight, with different `Access-Control-Allow-Headers`.
    AllowHeaders,
    /// Both allow an actual request, with different
    /// `Access-Control-Expose-Headers`.
    ExposeHeaders,
    /// Both allow, and only one sends `Access-Control-Allow-Credentials: true`.
    Credentials,
    /// `Vary` names different CORS request headers.
    Vary,
}

impl Disagreement {
    /// Every class, in a stable order.
    pub const ALL: [Disagreement; 7] = [
        Disagreement::WouldBlock,
        Disagreement::WouldAllow,
        Disagreement::AllowMethods,
        Disagreement::AllowHeaders,
        Disagreement::ExposeHeaders,
        Disagreement::Credentials,
        Disagreement::Vary,
    ];

    /// The class's name in events and metric labels.
    pub const fn name(self) -> &'static str {
        match self {
            Disagreement::WouldBlock => "would_block",
            Disagreement::WouldAllow => "would_allow",
            Disagreement::AllowMethods => "allow_methods",
            Disagreement::AllowHeaders => "allow_headers",
            Disagreement::ExposeHeaders => "expose_headers",
            Disagreement::Credentials => "credentials",
            Disagreement::Vary => "vary",
        }
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// The disagreements found for one request: a set of [`Disagreement`]s.
/// Its `Display` is their names joined by `,` (empty for none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Disagreements(u8);

impl Disagreements {
    /// True when `class` is among them.
    pub fn contains(self, class: Disagreement) -> bool {
        self.0 & class.bit() != 0
    }

    /// True when the policy and today's answer agree.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The classes, in [`Disagreement::ALL`]'s order.
    pub fn iter(self) -> impl Iterator<Item = Disagreement> {
        Disagreement::ALL
            .into_iter()
            .filter(move |c| self.contains(*c))
    }

    fn insert(&mut self, class: Disagreement) {
        self.0 |= class.bit();
    }
}

impl fmt::Display for Disagreements {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, class) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(class.name())?;
        }
        Ok(())
    }
}

/// A framework's header value, read as bytes.
pub trait HeaderBytes {
    /// The value's bytes.
    fn header_bytes(&self) -> &[u8];
}

#[cfg(feature = "http")]
impl HeaderBytes for http::HeaderValue {
    fn header_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl HeaderBytes for std::borrow::Cow<'static, str> {
    fn header_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// A request header's lines, owned: clones of the framework's values,
/// carried from the request to its response. One line costs no
/// allocation.
#[derive(Clone, Debug, Default)]
pub enum Lines<V> {
    /// The header is absent.
    #[default]
    None,
    /// One line.
    One(V),
    /// Several lines.
    Many(Vec<V>),
}

impl<V> FromIterator<V> for Lines<V> {
    fn from_iter<I: IntoIterator<Item = V>>(lines: I) -> Self {
        let mut lines = lines.into_iter();
        match (lines.next(), lines.next()) {
            (None, _) => Lines::None,
            (Some(one), None) => Lines::One(one),
            (Some(a), Some(b)) => Lines::Many([a, b].into_iter().chain(lines).collect()),
        }
    }
}

impl<V: HeaderBytes> Lines<V> {
    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        let slice: &[V] = match self {
            Lines::None => &[],
            Lines::One(v) => std::slice::from_ref(v),
            Lines::Many(v) => v,
        };
        slice.iter().map(HeaderBytes::header_bytes)
    }

    fn first(&self) -> Option<&[u8]> {
        self.iter().next()
    }
}

/// The request headers a shadow compares with: its `Origin`, and for
/// judging a preflight's answer its `Access-Control-Request-Method` and
/// `-Headers`.
#[derive(Clone, Debug, Default)]
pub struct Asked<V> {
    /// `Origin`.
    pub origin: Lines<V>,
    /// `Access-Control-Request-Method`.
    pub request_method: Lines<V>,
    /// `Access-Control-Request-Headers`.
    pub request_headers: Lines<V>,
}

impl<V> Asked<V> {
    /// Reads what a request asked through `lines`, an adapter's reader of
    /// one request header's lines: its `Origin`, and on a `preflight`
    /// (an `OPTIONS` request) its `Access-Control-Request-Method` and
    /// `-Headers`, which only a preflight's answer is judged by.
    pub fn read(preflight: bool, mut lines: impl FnMut(RequestHeader) -> Lines<V>) -> Self {
        let mut preflight_only = |name| {
            if preflight { lines(name) } else { Lines::None }
        };
        Asked {
            request_method: preflight_only(RequestHeader::AccessControlRequestMethod),
            request_headers: preflight_only(RequestHeader::AccessControlRequestHeaders),
            origin: lines(RequestHeader::Origin),
        }
    }
}

/// A short text kept inline (a policy or plan name, a method): at most
/// 64 bytes, cut at a character boundary.
#[derive(Clone, Copy)]
struct Inline {
    bytes: [u8; 64],
    len: u8,
}

impl Inline {
    fn new(text: &[u8]) -> Inline {
        let len = text.len().min(64);
        let mut bytes = [0; 64];
        bytes[..len].copy_from_slice(&text[..len]);
        Inline {
            bytes,
            len: len as u8,
        }
    }

    fn text(text: &str) -> Inline {
        let mut len = text.len().min(64);
        while !text.is_char_boundary(len) {
            len -= 1;
        }
        Inline::new(&text.as_bytes()[..len])
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

impl fmt::Debug for Inline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// What a shadow keeps of one request between the request and its
/// response: the policy's decision, its headers in the framework's
/// values, and what the request asked.
#[derive(Debug)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub struct Shadowed<V> {
    outcome: usize,
    kind: DecisionKind,
    preflight: bool,
    ours: PreparedHeaders<V, EARLY_HEADERS>,
    asked: Asked<V>,
    label: Inline,
    method: Inline,
    level: LogLevel,
}

impl<V: Clone + HeaderBytes> Shadowed<V> {
    /// Keeps `decision` (taken with `chosen` on a request with `method`)
    /// and what the request `asked`, its values converted with `fixed` and
    /// `echo` as an adapter converts an early answer's.
    pub fn new(
        chosen: &Chosen<'_>,
        method: &[u8],
        decision: &Decision<'_>,
        asked: Asked<V>,
        fixed: &FixedValues<V>,
        echo: impl FnMut(&[u8]) -> Option<V>,
    ) -> Self {
        Shadowed {
            outcome: outcome_index(decision),
            kind: decision.kind(),
            preflight: method == b"OPTIONS"
                && asked.origin.first().is_some()
                && asked.request_method.first().is_some(),
            ours: fixed.prepare(decision.headers(), echo),
            asked,
            label: Inline::text(chosen.label()),
            method: Inline::new(method),
            level: chosen.policy().log_rejections(),
        }
    }

    /// Compares the decision with `today`, the response the existing
    /// stack sent.
    pub fn compare<R: ResponseView + ?Sized>(&self, today: &R) -> Disagreements {
        let mut found = Disagreements::default();
        if let (Some(origin), true, true) = (
            self.asked.origin.first(),
            self.kind != DecisionKind::NotCors,
            self.judged(),
        ) {
            let ours = matches!(self.kind, DecisionKind::Actual | DecisionKind::Preflight);
            let served = if self.preflight {
                let names = browser::list_items(self.asked.request_headers.iter());
                let method = self.asked.request_method.first().unwrap_or_default();
                browser::check_preflight(today, origin, method, names, false).is_ok()
            } else {
                browser::cors_check(today, origin, false).is_ok()
            };
            match (served, ours) {
                (true, false) => found.insert(Disagreement::WouldBlock),
                (false, true) => found.insert(Disagreement::WouldAllow),
                (true, true) => self.compare_values(today, &mut found),
                (false, false) => {}
            }
        }
        let our_vary = self
            .ours
            .vary_text()
            .map_or(0, |t| vary_names(t.as_bytes()));
        let today_vary = today
            .header_values(ResponseHeader::Vary)
            .fold(0, |names, line| names | vary_names(line));
        if our_vary != today_vary {
            found.insert(Disagreement::Vary);
        }
        found
    }

    /// False for a preflight whose `Access-Control-Request-Headers` is
    /// over the bound the evaluator refuses (its lines joined by `, `): no
    /// browser sends one, and judging today's answer to it would cost
    /// time in its length times the answer's. Only `Vary` is compared.
    fn judged(&self) -> bool {
        crate::token::within_request_headers_bound(self.asked.request_headers.iter())
    }

    /// The lists and credentials of two answers that both allow.
    fn compare_values<R: ResponseView + ?Sized>(&self, today: &R, found: &mut Disagreements) {
        let lists: &[(ResponseHeader, bool, Disagreement)] = if self.preflight {
            &[
                (
                    ResponseHeader::AllowMethods,
                    false,
                    Disagreement::AllowMethods,
                ),
                (
                    ResponseHeader::AllowHeaders,
                    true,
                    Disagreement::AllowHeaders,
                ),
            ]
        } else {
            &[(
                ResponseHeader::ExposeHeaders,
                true,
                Disagreement::ExposeHeaders,
            )]
        };
        for &(name, ignore_case, class) in lists {
            let ours = Items::new(
                self.ours
                    .value(name)
                    .map(HeaderBytes::header_bytes)
                    .into_iter(),
                ignore_case,
            );
            let theirs = Items::new(today.header_values(name), ignore_case);
            if !ours.same_set(&theirs) {
                found.insert(class);
            }
        }
        let ours = self
            .ours
            .value(ResponseHeader::AllowCredentials)
            .is_some_and(|v| v.header_bytes() == b"true");
        if ours != browser::allows_credentials(today) {
            found.insert(Disagreement::Credentials);
        }
    }

    /// The policy label the request is reported under.
    pub fn label(&self) -> &str {
        self.label.as_str()
    }

    /// Reports `found` for a response with `status`: a `tracing` event when
    /// there is a disagreement, and the counters (`counters`, with the
    /// `metrics` feature).
    pub fn report(&self, found: Disagreements, status: u16, counters: &ShadowReport) {
        #[cfg(feature = "metrics")]
        counters.0.compared(self.label(), found);
        #[cfg(not(feature = "metrics"))]
        let _ = counters;
        #[cfg(feature = "tracing")]
        if !found.is_empty() {
            self.event(found, status);
        }
        #[cfg(not(feature = "tracing"))]
        let _ = (found, status);
    }

    #[cfg(feature = "tracing")]
    fn event(&self, found: Disagreements, status: u16) {
        use crate::observe::events::{TARGET, event_at};
        let (outcome, reason) = OUTCOME_NAMES[self.outcome];
        fn requested<V>(preflight: bool, lines: &Lines<V>) -> Option<impl tracing::Value + '_>
        where
            V: HeaderBytes,
        {
            preflight.then(|| tracing::field::display(LinesText(lines)))
        }
        event_at!(
            self.level,
            policy = self.label(),
            disagreements = %found,
            outcome,
            reason,
            today_status = status,
            method = %Escaped(self.method.as_bytes()),
            origin = %LinesText(&self.asked.origin),
            request_method = requested(self.preflight, &self.asked.request_method),
            request_headers = requested(self.preflight, &self.asked.request_headers),
            "the policy would answer this request differently from the service today: {found}"
        );
    }
}

/// A shadow layer's reporting state: with the `metrics` feature, its
/// registered counters.
#[derive(Debug, Default)]
pub struct ShadowReport(
    #[cfg(feature = "metrics")] crate::observe::ShadowCounters,
    #[cfg(not(feature = "metrics"))] (),
);

/// Lines escaped for a log, joined by `,`, within one
/// [`crate::observe::MAX_LOGGED`] budget.
#[cfg(feature = "tracing")]
struct LinesText<'a, V>(&'a Lines<V>);

#[cfg(feature = "tracing")]
impl<V: HeaderBytes> fmt::Display for LinesText<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::observe::Budget::lines(f, self.0.iter())
    }
}

/// The CORS request headers a `Vary` line names, as bits (`*`: all).
fn vary_names(line: &[u8]) -> u8 {
    const NAMES: [&[u8]; 4] = [
        b"origin",
        b"access-control-request-method",
        b"access-control-request-headers",
        b"sec-fetch-site",
    ];
    browser::list_items(std::iter::once(line)).fold(0, |bits, token| {
        if token == b"*" {
            return bits | 0b1111;
        }
        NAMES
            .iter()
            .position(|n| token.eq_ignore_ascii_case(n))
            .map_or(bits, |i| bits | 1 << i)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_have_distinct_bits_and_names() {
        let mut all = Disagreements::default();
        for class in Disagreement::ALL {
            assert!(!all.contains(class));
            all.insert(class);
        }
        assert_eq!(
            all.to_string(),
            "would_block,would_allow,allow_methods,allow_headers,expose_headers,credentials,vary"
        );
    }

    #[test]
    fn vary_names_read_tokens_in_any_case() {
        assert_eq!(vary_names(b"Accept-Encoding, ORIGIN"), 0b0001);
        assert_eq!(
            vary_names(b"origin,access-control-request-method , Sec-Fetch-Site"),
            0b1011
        );
        assert_eq!(vary_names(b"*"), 0b1111);
        assert_eq!(vary_names(b""), 0);
    }

    #[test]
    fn inline_text_is_cut_at_a_character_boundary() {
        assert_eq!(Inline::text("api").as_str(), "api");
        let long = "é".repeat(40);
        let cut = Inline::text(&long);
        assert_eq!(cut.as_str(), "é".repeat(32));
    }
}

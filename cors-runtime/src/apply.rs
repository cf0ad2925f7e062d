//! The one path every adapter takes: evaluate the request, then answer it at
//! once or forward it and add the headers to the service's response
//! ([`FixedValues::step`]), and the output side of that — converting a
//! decision's headers into a framework's values and writing them into its
//! response.
//!
//! A forwarded request's response is written after the service has run,
//! when the request (which the decision borrows) has been handed over, so its
//! headers are converted into owned values first ([`PreparedHeaders`]), then
//! [`apply`](PreparedHeaders::apply)ed. The merge rules live here, so an
//! adapter holds no CORS logic.

use crate::decision::Decision;
use crate::observe::Observer;
use crate::policy::Chosen;
use crate::request::RequestView;
use crate::response::{FixedValue, HeaderValue, ResponseHeader, ResponseHeaders};
use crate::vary::{self, VaryMerge};

/// Write access to a response's headers.
pub trait ResponseHeaderSink {
    /// The framework's header value type.
    type Value: Clone;

    /// Iterator over the current `Vary` lines.
    type Vary<'a>: Iterator<Item = &'a [u8]>
    where
        Self: 'a;

    /// Sets `name` to `value`, replacing every existing line of `name`.
    fn insert(&mut self, name: ResponseHeader, value: Self::Value);

    /// The response's current `Vary` lines.
    fn vary(&self) -> Self::Vary<'_>;

    /// Replaces every `Vary` line by `merged`.
    fn replace_vary(&mut self, merged: &str);

    /// Sets `Vary` to `value` if the response has no `Vary` line and
    /// returns `None`; otherwise hands `value` back for the merge. The
    /// common case (a service that sets no `Vary`) then costs one lookup
    /// where a map can do both in one (`http`'s entry API does).
    fn insert_vary_if_absent(&mut self, value: Self::Value) -> Option<Self::Value> {
        if self.vary().next().is_some() {
            return Some(value);
        }
        self.insert(ResponseHeader::Vary, value);
        None
    }
}

/// A decision's headers converted to a framework's value type `V`: up to
/// `N` headers besides `Vary`. A forwarded decision has at most three
/// (`Allow-Origin`, `Allow-Credentials`, `Expose-Headers`), the default
/// [`ForwardHeaders`]; an early answer up to six. A forwarded request's
/// headers are carried through the service's future, so each slot less is
/// 48 fewer bytes moved per request (`benches/README.md`, "The floor").
#[derive(Clone, Debug)]
pub struct PreparedHeaders<V, const N: usize = FORWARD_HEADERS> {
    items: [Option<(ResponseHeader, V)>; N],
    vary: Option<(V, &'static str)>,
}

/// How many headers besides `Vary` a forwarded decision sets at most.
pub const FORWARD_HEADERS: usize = 3;

/// How many headers besides `Vary` any decision sets at most.
pub const EARLY_HEADERS: usize = 6;

/// The headers of a forwarded request, added to the service's response.
pub type ForwardHeaders<V> = PreparedHeaders<V, FORWARD_HEADERS>;

impl<V, const N: usize> Default for PreparedHeaders<V, N> {
    fn default() -> Self {
        PreparedHeaders {
            items: std::array::from_fn(|_| None),
            vary: None,
        }
    }
}

impl<V: Clone, const N: usize> PreparedHeaders<V, N> {
    /// Writes the headers into `sink`: every header is inserted (replacing
    /// what the service set, R18), except `Vary`, which is merged into the
    /// existing value (R24, R29).
    pub fn apply<S: ResponseHeaderSink<Value = V> + ?Sized>(&self, sink: &mut S) {
        for (name, value) in self.items.iter().flatten() {
            sink.insert(*name, value.clone());
        }
        if let Some((value, text)) = &self.vary {
            merge_vary(sink, value.clone(), text);
        }
    }

    /// [`PreparedHeaders::apply`], moving the values instead of cloning
    /// them (a clone of a shared header value is an atomic increment, and
    /// a decision has up to seven).
    pub fn apply_owned<S: ResponseHeaderSink<Value = V> + ?Sized>(self, sink: &mut S) {
        for (name, value) in self.items.into_iter().flatten() {
            sink.insert(name, value);
        }
        if let Some((value, text)) = self.vary {
            merge_vary(sink, value, text);
        }
    }

    /// The value of `name` (not `Vary`), if set.
    pub fn value(&self, name: ResponseHeader) -> Option<&V> {
        self.items
            .iter()
            .flatten()
            .find_map(|(n, v)| (*n == name).then_some(v))
    }

    /// The `Vary` text merged into the response, if any.
    pub fn vary_text(&self) -> Option<&'static str> {
        self.vary.as_ref().map(|(_, text)| *text)
    }

    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.vary.is_none() && self.items.iter().all(Option::is_none)
    }
}

/// Merges the `Vary` tokens `text` (whose header value is `value`) into
/// the response (R24, R29): set when it has none, else merged.
#[inline]
fn merge_vary<S: ResponseHeaderSink + ?Sized>(sink: &mut S, value: S::Value, text: &str) {
    if text.is_empty() {
        return;
    }
    let Some(value) = sink.insert_vary_if_absent(value) else {
        return;
    };
    match vary::merge(|| sink.vary(), text) {
        VaryMerge::Unchanged => {}
        VaryMerge::Insert(_) => sink.insert(ResponseHeader::Vary, value),
        VaryMerge::Replace(merged) => sink.replace_vary(&merged),
    }
}

/// The CORS part of an adapter's pipeline for one request.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "a step lives on the stack for one call; boxing would allocate per request"
)]
pub enum Step<T, V> {
    /// Answer at once, without calling the service: an allowed preflight
    /// (R12) or a rejection the service must not see (a preflight, or any
    /// request under `on_reject = "forbid"`). `T` is what the adapter's
    /// `respond` made of the decision.
    Respond(T),
    /// Call the service, then apply these headers to its response, whatever
    /// its status (R20).
    Forward(ForwardHeaders<V>),
}

/// Converts a decision's values into a framework's value type without
/// copying: fixed values come from a table built once per policy, the echoed
/// origin from the request's own header value.
///
/// The table remembers which text each value was made from, so a decision
/// taken with another policy (a source that chooses per request, whose
/// plans differ) never gets this policy's value: a fixed value whose text
/// is not the table's is converted like the echoed origin.
#[derive(Clone, Debug)]
pub struct FixedValues<V> {
    values: [V; FixedValue::ALL.len()],
    /// Address and length of the text each value was made from (compared
    /// for the values a policy sets; see [`FixedValues::get_for`]).
    texts: [(usize, usize); FixedValue::ALL.len()],
}

fn text_id(text: &str) -> (usize, usize) {
    (text.as_ptr() as usize, text.len())
}

impl<V: Clone> FixedValues<V> {
    /// Converts every fixed value of `policy` with `convert`.
    pub fn new(policy: crate::Policy<'_>, mut convert: impl FnMut(&str) -> V) -> Self {
        FixedValues {
            values: FixedValue::ALL.map(|v| convert(policy.fixed_value(v))),
            texts: FixedValue::ALL.map(|v| text_id(policy.fixed_value(v))),
        }
    }

    /// Converts every fixed value of a static policy, lending `convert`
    /// `'static` text.
    pub fn new_static(
        policy: crate::Policy<'static>,
        mut convert: impl FnMut(&'static str) -> V,
    ) -> Self {
        FixedValues {
            values: FixedValue::ALL.map(|v| convert(policy.fixed_value(v))),
            texts: FixedValue::ALL.map(|v| text_id(policy.fixed_value(v))),
        }
    }

    /// The converted fixed value.
    pub fn get(&self, v: FixedValue) -> &V {
        &self.values[v.index()]
    }

    /// The converted value of `v` when `text` is the text it was made from.
    ///
    /// A value with a [`static_text`](FixedValue::static_text) is the same
    /// in every policy, so it is always the table's; comparing its address
    /// would not do, since a literal's address is not unique (a release
    /// build gave the decision's `Vary` text another copy than the
    /// table's, and every preflight converted it again).
    #[inline]
    pub fn get_for(&self, v: FixedValue, text: &str) -> Option<&V> {
        let i = v.index();
        (v.static_text().is_some() || self.texts[i] == text_id(text)).then(|| &self.values[i])
    }

    /// Evaluates `request` with the `chosen` policy, reports the decision
    /// to `observer`, and decides what the adapter does with it: a decision with a
    /// [`status`](Decision::status) is handed to `respond`, which makes the
    /// adapter's early answer from it (its headers go into a new response —
    /// [`FixedValues::convert`] each one, nothing to merge — with its
    /// [`error_body`](Decision::error_body) if any); any other is forwarded
    /// with its headers prepared. `echo` converts the request's `Origin`
    /// value when a decision echoes it (R18); adapters reuse the request's
    /// own header value there. A `report_only` policy's decision is
    /// reported and nothing else: the request is forwarded untouched.
    #[inline(always)]
    pub fn step<'r, R: RequestView + ?Sized, T>(
        &self,
        observer: &Observer,
        chosen: Chosen<'r>,
        request: &'r R,
        echo: impl FnMut(&[u8]) -> Option<V>,
        respond: impl FnOnce(&Decision<'r>) -> T,
    ) -> Step<T, V> {
        let decision = chosen.evaluate(request);
        observer.decision(&chosen, request, &decision);
        if chosen.policy().report_only() {
            Step::Forward(ForwardHeaders::default())
        } else if decision.status().is_some() {
            Step::Respond(respond(&decision))
        } else {
            Step::Forward(self.prepare(decision.headers(), echo))
        }
    }

    /// One decision value in the framework's type: a fixed value from this
    /// table, or converted by `echo` — the echoed origin, and a fixed value
    /// of another policy than this table's.
    #[inline]
    pub fn convert(
        &self,
        value: HeaderValue<'_>,
        echo: impl FnOnce(&[u8]) -> Option<V>,
    ) -> Option<V> {
        match value {
            HeaderValue::Fixed(v, text) => match self.get_for(v, text) {
                Some(converted) => Some(converted.clone()),
                None => echo(text.as_bytes()),
            },
            HeaderValue::RequestOrigin(bytes) => echo(bytes),
        }
    }

    /// Converts a decision's headers for a response written later; a value
    /// `echo` cannot convert is left out (a fixed value always converts).
    /// `N` must hold the decision's headers besides `Vary`:
    /// [`FORWARD_HEADERS`] for a forwarded decision, [`EARLY_HEADERS`] for
    /// any.
    #[inline]
    pub fn prepare<const N: usize>(
        &self,
        headers: &ResponseHeaders<'_>,
        mut echo: impl FnMut(&[u8]) -> Option<V>,
    ) -> PreparedHeaders<V, N> {
        let mut prepared = PreparedHeaders::default();
        let mut slots = prepared.items.iter_mut();
        for (name, value) in headers.iter() {
            let Some(converted) = self.convert(value, &mut echo) else {
                continue;
            };
            match (name, value) {
                (ResponseHeader::Vary, HeaderValue::Fixed(v, _)) => {
                    prepared.vary = v.static_text().map(|text| (converted, text));
                }
                _ => {
                    let slot = slots.next();
                    debug_assert!(slot.is_some(), "{N} prepared headers cannot hold {name:?}");
                    if let Some(slot) = slot {
                        *slot = Some((name, converted));
                    }
                }
            }
        }
        prepared
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OwnedPolicy, PolicySource, SimpleRequest};

    /// `Access-Control-Allow-Methods` of a preflight decided by `policy`,
    /// converted by a table built from `table`.
    fn allow_methods(table: &OwnedPolicy, policy: &OwnedPolicy) -> Option<String> {
        let fixed = FixedValues::new(table.policy(), str::to_string);
        let headers = [
            ("Origin", &b"https://a.example"[..]),
            ("Access-Control-Request-Method", b"PUT"),
        ];
        let request = SimpleRequest::new(b"OPTIONS", &headers);
        let view = policy.policy();
        let decision = Chosen::new(&view).evaluate(&request);
        let (_, value) = decision
            .headers()
            .iter()
            .find(|(n, _)| *n == ResponseHeader::AllowMethods)?;
        fixed.convert(value, |b| String::from_utf8(b.to_vec()).ok())
    }

    #[test]
    fn a_value_every_policy_shares_is_the_tables_whatever_copy_of_its_text() {
        // A literal may have several copies; the table must not depend on
        // which one a decision carries.
        let policy = OwnedPolicy::any_origin_for_tests("GET");
        let fixed = FixedValues::new(policy.policy(), str::to_string);
        for v in FixedValue::ALL {
            if let Some(text) = v.static_text() {
                let copy = text.to_string();
                assert_eq!(fixed.get_for(v, &copy), Some(&text.to_string()), "{v:?}");
            }
        }
        // A value a policy sets is still matched by identity only.
        let copy = "GET".to_string();
        assert_eq!(fixed.get_for(FixedValue::AllowMethods, &copy), None);
    }

    #[test]
    fn a_decision_of_another_policy_gets_that_policys_values() {
        let one = OwnedPolicy::any_origin_for_tests("GET, PUT");
        let two = OwnedPolicy::any_origin_for_tests("GET, PUT, DELETE");
        assert_eq!(allow_methods(&one, &one).as_deref(), Some("GET, PUT"));
        assert_eq!(
            allow_methods(&one, &two).as_deref(),
            Some("GET, PUT, DELETE")
        );
        // Equal text in another policy is converted, not taken from the table.
        let same = OwnedPolicy::any_origin_for_tests("GET, PUT");
        assert_eq!(allow_methods(&one, &same).as_deref(), Some("GET, PUT"));
    }
}

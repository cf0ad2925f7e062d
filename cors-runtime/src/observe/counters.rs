//! The `metrics` side of an [`Observer`](super::Observer): counters
//! registered once per policy label and kept, so counting a request is one
//! string compare and one increment, with no allocation.
//!
//! Counters are registered with the recorder installed when a policy's
//! first request is counted: install it (a Prometheus exporter, say)
//! before serving.

use std::sync::{OnceLock, RwLock};

use metrics::{Counter, counter};

use super::OUTCOMES;

/// `corsc_requests_total{policy, outcome, reason}`: requests by policy
/// (a tenant's plan) and [`OUTCOMES`].
pub const REQUESTS_TOTAL: &str = "corsc_requests_total";

/// `corsc_shadow_compared_total{policy}`: requests a shadow layer
/// compared.
pub const SHADOW_COMPARED_TOTAL: &str = "corsc_shadow_compared_total";

/// `corsc_shadow_disagreements_total{policy, class}`: the disagreements a
/// shadow layer found, by class (`crate::shadow::Disagreement::name`).
pub const SHADOW_DISAGREEMENTS_TOTAL: &str = "corsc_shadow_disagreements_total";

/// The most policy labels counted apart; a source that makes up more
/// names (never a platform's plans) has the rest counted under
/// [`OTHER_LABEL`], so the series stay bounded.
const MAX_LABELS: usize = 256;

/// The label of the policies past [`MAX_LABELS`].
const OTHER_LABEL: &str = "(other)";

/// A label's registered counters. A counter's handle is a trait object the
/// `metrics` facade does not mark unwind-safe; an increment leaves nothing
/// half-done for a panic to expose, so the adapters holding an observer
/// stay `UnwindSafe` and `RefUnwindSafe`, as they were before counters
/// (`cargo semver-checks` caught the loss).
type Handles<const N: usize> = std::panic::AssertUnwindSafe<[Counter; N]>;

/// Counters for each policy label seen: the first inline, the others in a
/// list that only grows when a new label appears.
#[derive(Debug)]
pub(crate) struct Cache<const N: usize> {
    register: fn(&str) -> [Counter; N],
    first: OnceLock<(Box<str>, Handles<N>)>,
    others: RwLock<Vec<(Box<str>, Handles<N>)>>,
}

impl<const N: usize> Cache<N> {
    pub(crate) const fn new(register: fn(&str) -> [Counter; N]) -> Self {
        Cache {
            register,
            first: OnceLock::new(),
            others: RwLock::new(Vec::new()),
        }
    }

    /// Adds `by` to counter `i` of `label`.
    #[inline]
    pub(crate) fn add(&self, label: &str, i: usize, by: u64) {
        match self.first.get() {
            Some((first, counters)) if same(first, label) => counters[i].increment(by),
            _ => self.add_slow(label, i, by),
        }
    }

    #[cold]
    fn add_slow(&self, label: &str, i: usize, by: u64) {
        let (first, counters) = self.first.get_or_init(|| {
            (
                label.into(),
                std::panic::AssertUnwindSafe((self.register)(label)),
            )
        });
        if **first == *label {
            counters[i].increment(by);
            return;
        }
        {
            let others = self.others.read().unwrap_or_else(|e| e.into_inner());
            // Past the cap every new label counts as `(other)`: found
            // under the read lock too, once it exists.
            let full = others.len() + 1 >= MAX_LABELS;
            let found = others.iter().find(|(l, _)| **l == *label).or_else(|| {
                full.then(|| others.iter().find(|(l, _)| **l == *OTHER_LABEL))
                    .flatten()
            });
            if let Some((_, counters)) = found {
                counters[i].increment(by);
                return;
            }
        }
        let mut others = self.others.write().unwrap_or_else(|e| e.into_inner());
        let label = if others.len() + 1 >= MAX_LABELS {
            OTHER_LABEL
        } else {
            label
        };
        if let Some((_, counters)) = others.iter().find(|(l, _)| **l == *label) {
            counters[i].increment(by);
            return;
        }
        let counters = std::panic::AssertUnwindSafe((self.register)(label));
        counters[i].increment(by);
        others.push((label.into(), counters));
    }
}

/// `a == b`, without calling `memcmp` for two empty strings: an empty
/// string's pointer is dangling, and glibc's AVX-512 `memcmp` reads it with
/// a fully masked load, which measured ~140 ns a call (a microcode assist)
/// — the unnamed policy of a file has the label `""`.
#[inline]
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && (a.is_empty() || a == b)
}

/// `corsc_requests_total` per policy label and outcome.
#[derive(Debug)]
pub(crate) struct Counters(Cache<{ OUTCOMES.len() }>);

impl Default for Counters {
    fn default() -> Self {
        Counters(Cache::new(|label| {
            OUTCOMES.map(|(outcome, reason)| {
                counter!(
                    REQUESTS_TOTAL,
                    "policy" => label.to_string(),
                    "outcome" => outcome,
                    "reason" => reason
                )
            })
        }))
    }
}

impl Counters {
    /// Counts one request of `label` under outcome `index`.
    #[inline]
    pub(crate) fn outcome(&self, label: &str, index: usize) {
        self.0.add(label, index, 1);
    }
}

/// A shadow layer's counters: `corsc_shadow_compared_total` and
/// `corsc_shadow_disagreements_total` per class, per policy label.
#[derive(Debug)]
pub(crate) struct ShadowCounters(Cache<{ crate::shadow::Disagreement::ALL.len() + 1 }>);

impl Default for ShadowCounters {
    fn default() -> Self {
        ShadowCounters(Cache::new(|label| {
            let mut classes = crate::shadow::Disagreement::ALL.into_iter();
            std::array::from_fn(|i| match i {
                0 => counter!(SHADOW_COMPARED_TOTAL, "policy" => label.to_string()),
                _ => counter!(
                    SHADOW_DISAGREEMENTS_TOTAL,
                    "policy" => label.to_string(),
                    "class" => classes.next().map_or("", |c| c.name())
                ),
            })
        }))
    }
}

impl ShadowCounters {
    /// Counts one compared request and its disagreements.
    pub(crate) fn compared(&self, label: &str, found: crate::shadow::Disagreements) {
        self.0.add(label, 0, 1);
        for (i, class) in crate::shadow::Disagreement::ALL.into_iter().enumerate() {
            if found.contains(class) {
                self.0.add(label, i + 1, 1);
            }
        }
    }
}

//! What the runtime reports, captured for tests: `tracing` events with
//! their fields, and the counters a `metrics` recorder holds. Both are
//! installed for the current thread only, so tests running side by side
//! never see each other's reports (every framework the tests drive runs its
//! requests on the thread that awaits them).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// One event as a subscriber saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// `TRACE` … `ERROR`.
    pub level: tracing::Level,
    /// The event's target.
    pub target: String,
    /// Every field but the message, as text.
    pub fields: BTreeMap<String, String>,
    /// The message.
    pub message: String,
}

impl Event {
    /// A field's text, if the event has it.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>, &'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            *self.1 = text;
        } else {
            self.0.insert(field.name().to_string(), text);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

/// A layer keeping every event.
#[derive(Clone, Default)]
struct Keep(Arc<Mutex<Vec<Event>>>);

impl<S: tracing::Subscriber> Layer<S> for Keep {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        let mut message = String::new();
        event.record(&mut Fields(&mut fields, &mut message));
        let meta = event.metadata();
        self.0.lock().unwrap().push(Event {
            level: *meta.level(),
            target: meta.target().to_string(),
            fields,
            message,
        });
    }
}

/// What `run` reported: its events and the counters registered while it
/// ran.
pub struct Reports<T> {
    /// What `run` returned.
    pub value: T,
    /// The events of target `corsc`, in order.
    pub events: Vec<Event>,
    snapshotter: Snapshotter,
}

impl<T: std::fmt::Debug> std::fmt::Debug for Reports<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reports")
            .field("value", &self.value)
            .field("events", &self.events)
            .finish_non_exhaustive()
    }
}

/// Runs `run` with a capturing subscriber and a debugging recorder
/// installed for this thread.
pub fn capture<T>(run: impl FnOnce() -> T) -> Reports<T> {
    let keep = Keep::default();
    let subscriber = tracing_subscriber::registry().with(keep.clone());
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let value = metrics::with_local_recorder(&recorder, || {
        tracing::subscriber::with_default(subscriber, run)
    });
    let events = keep
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.target == "corsc")
        .cloned()
        .collect();
    Reports {
        value,
        events,
        snapshotter,
    }
}

impl<T> Reports<T> {
    /// Every counter with its labels (sorted `name=value` pairs joined by
    /// `,`) and value; counters never incremented are left out. Taking
    /// them resets them (the recorder's snapshot drains its counters).
    pub fn counters(&self) -> BTreeMap<(String, String), u64> {
        self.snapshotter
            .snapshot()
            .into_vec()
            .into_iter()
            .filter_map(|(key, _, _, value)| {
                let DebugValue::Counter(n) = value else {
                    return None;
                };
                let key = key.key();
                let mut labels: Vec<String> = key
                    .labels()
                    .map(|l| format!("{}={}", l.key(), l.value()))
                    .collect();
                labels.sort();
                (n > 0).then(|| ((key.name().to_string(), labels.join(",")), n))
            })
            .collect()
    }

    /// The events that are not the adapters' "serving" announcements.
    pub fn decisions(&self) -> Vec<&Event> {
        self.events
            .iter()
            .filter(|e| !e.message.starts_with("CORS policy "))
            .collect()
    }
}

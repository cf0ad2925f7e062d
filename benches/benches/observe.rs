//! What reporting a decision costs (`Observer::decision`, the call every
//! adapter makes after evaluating), with the `tracing` and `metrics`
//! features on: with nothing installed, with a subscriber that filters the
//! event out, and recording (tracing-subscriber's JSON formatter writing to
//! a sink, and a Prometheus recorder) — beside the same event written by
//! hand with `tracing::event!`, the cost of "the event itself". Without the
//! features the call compiles to nothing.
//!
//! Run: `cargo bench -p cors-benches --features observe --bench observe`

use std::hint::black_box;

use cors_runtime::observe::{Escaped, Observer};
use cors_runtime::{Chosen, Decision, OwnedPolicy, PolicySource, SimpleRequest};
use criterion::{Criterion, criterion_group, criterion_main};

fn policy() -> OwnedPolicy {
    cors_policy::load(
        "origins = [\"https://app.example.com\"]\nmethods = [\"GET\", \"PUT\"]\nallow_headers = [\"content-type\"]\n",
    )
    .expect("a valid policy")
}

type Headers = Vec<(&'static str, &'static [u8])>;

fn requests() -> [(&'static str, &'static [u8], Headers); 3] {
    [
        (
            "allowed_get",
            b"GET",
            vec![("Origin", b"https://app.example.com")],
        ),
        (
            "rejected_get",
            b"GET",
            vec![("Origin", b"https://evil.example")],
        ),
        (
            "preflight",
            b"OPTIONS",
            vec![
                ("Origin", b"https://app.example.com"),
                ("Access-Control-Request-Method", b"PUT"),
                ("Access-Control-Request-Headers", b"content-type"),
            ],
        ),
    ]
}

/// How the process is set up around the call.
#[derive(Clone, Copy)]
enum Setup {
    /// No subscriber, no recorder.
    Nothing,
    /// A subscriber that keeps only `ERROR` (every corsc event is
    /// filtered out), and no recorder.
    FilteredOut,
    /// A JSON subscriber at `TRACE` writing to a sink, and a Prometheus
    /// recorder.
    Recording,
    /// The same subscriber, no recorder: the event's part of recording.
    EventsOnly,
}

fn with_setup(setup: Setup, run: impl FnOnce()) {
    match setup {
        Setup::Nothing => run(),
        Setup::FilteredOut => {
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::ERROR)
                .with_writer(std::io::sink)
                .finish();
            tracing::subscriber::with_default(subscriber, run);
        }
        Setup::EventsOnly => {
            let subscriber = tracing_subscriber::fmt()
                .json()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(std::io::sink)
                .finish();
            tracing::subscriber::with_default(subscriber, run);
        }
        Setup::Recording => {
            let subscriber = tracing_subscriber::fmt()
                .json()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(std::io::sink)
                .finish();
            let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
            metrics::with_local_recorder(&recorder, || {
                tracing::subscriber::with_default(subscriber, run)
            });
        }
    }
}

fn bench_decision(c: &mut Criterion) {
    let owned = policy();
    let view = owned.policy();
    let chosen = Chosen::new(&view);
    let mut group = c.benchmark_group("observe");
    for (name, method, headers) in requests() {
        let request = SimpleRequest::new(method, &headers);
        let decision: Decision<'_> = chosen.evaluate(&request);
        // The loop alone, to subtract: the same arguments, no call.
        group.bench_function(format!("{name}/loop_only"), |b| {
            b.iter(|| {
                black_box((
                    black_box(&chosen),
                    black_box(&request),
                    black_box(&decision),
                ));
            })
        });
        for (setup_name, setup) in [
            ("nothing", Setup::Nothing),
            ("filtered_out", Setup::FilteredOut),
            ("recording", Setup::Recording),
            ("events_only", Setup::EventsOnly),
        ] {
            with_setup(setup, || {
                // Built under the setup, as an adapter is: it registers its
                // counters with the recorder in place.
                let observer = Observer::new();
                group.bench_function(format!("{name}/{setup_name}"), |b| {
                    b.iter(|| {
                        observer.decision(
                            black_box(&chosen),
                            black_box(&request),
                            black_box(&decision),
                        );
                    })
                });
            });
        }
        if name == "rejected_get" {
            // The same event, written by hand: what recording it costs
            // whoever emits it.
            with_setup(Setup::EventsOnly, || {
                group.bench_function(format!("{name}/event_itself"), |b| {
                    b.iter(|| {
                        // The same fields and message as the adapters' event.
                        let origin = black_box(&b"https://evil.example"[..]);
                        let reason = black_box(&decision).reason();
                        tracing::event!(
                            target: "corsc",
                            tracing::Level::INFO,
                            outcome = "rejected",
                            reason = "cors_origin_not_allowed",
                            policy = "",
                            tenant = None::<&str>,
                            method = %Escaped(b"GET"),
                            origin = %Escaped(origin),
                            request_method = None::<&str>,
                            request_headers = None::<&str>,
                            status = None::<u16>,
                            enforced = true,
                            "{}",
                            reason
                        );
                    })
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_decision);
criterion_main!(benches);

//! Evaluating a request allocates nothing on the heap: a counting global
//! allocator (per thread, so the test harness's other threads do not count)
//! watches every evaluation of the corpus, on static and run-time policies,
//! and of hostile oversize inputs.

// A global allocator cannot be written without `unsafe`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use cors_conformance::{compiled, corpus};
use cors_runtime::{Policy, PolicySource, SimpleRequest};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// Evaluates and walks every header, as an adapter would.
fn evaluate(policy: Policy<'_>, method: &[u8], headers: &[(String, Vec<u8>)]) -> usize {
    let request = SimpleRequest::new(method, headers);
    allocations_during(|| {
        let decision = policy.evaluate(&request);
        let mut bytes = 0;
        for (name, value) in decision.headers().iter() {
            bytes += name.as_str().len() + value.as_bytes().len();
        }
        std::hint::black_box((bytes, decision.kind(), decision.status(), decision.reason()));
    })
}

#[test]
fn the_counter_sees_allocations() {
    assert!(allocations_during(|| drop(std::hint::black_box(vec![1u8; 64]))) >= 1);
}

#[test]
fn evaluation_never_allocates() {
    let mut evaluated = 0;
    for file in corpus() {
        for case in &file.cases {
            let headers = case.header_pairs();
            let stat = file.static_policy(&case.select);
            assert_eq!(
                evaluate(stat, case.method.as_bytes(), &headers),
                0,
                "static: {}",
                case.name
            );
            let owned = file.runtime_policy(&case.select);
            assert_eq!(
                evaluate(owned.policy(), case.method.as_bytes(), &headers),
                0,
                "runtime: {}",
                case.name
            );
            evaluated += 2;
        }
    }
    assert!(evaluated > 200);
}

#[test]
fn hostile_inputs_do_not_allocate() {
    let mib = 1 << 20;
    type Headers = Vec<(String, Vec<u8>)>;
    let cases: Vec<(&[u8], Headers)> = vec![
        (
            b"OPTIONS",
            vec![
                ("origin".into(), b"https://app0.example0.com".to_vec()),
                ("access-control-request-method".into(), b"PUT".to_vec()),
                ("access-control-request-headers".into(), b",".repeat(mib)),
            ],
        ),
        (
            b"OPTIONS",
            vec![
                ("origin".into(), b"https://app0.example0.com".to_vec()),
                ("access-control-request-method".into(), b"PUT".to_vec()),
                (
                    "access-control-request-headers".into(),
                    b"x-a,".repeat(2000),
                ),
            ],
        ),
        (b"GET", vec![("origin".into(), b"a".repeat(mib))]),
        (
            b"GET",
            vec![(
                "origin".into(),
                [
                    b"https://".as_slice(),
                    &b"a.".repeat(500),
                    b"tenant1.example.net",
                ]
                .concat(),
            )],
        ),
        (b"GET", vec![("origin".into(), vec![0xff; 300])]),
    ];
    for (method, headers) in &cases {
        assert_eq!(evaluate(compiled::BIG, method, headers), 0);
    }
}

/// A subscriber that formats every field of every event into a buffer on
/// the stack: it allocates nothing itself, so whatever is allocated while
/// an event is recorded is corsc's.
struct StackFormatter;

struct Stack {
    bytes: [u8; 4096],
    len: usize,
}

impl std::fmt::Write for Stack {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let room = self.bytes.len() - self.len;
        let n = s.len().min(room);
        self.bytes[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

impl tracing::field::Visit for Stack {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write as _;
        let _ = write!(self, "{}={value:?} ", field.name());
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for StackFormatter {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut stack = Stack {
            bytes: [0; 4096],
            len: 0,
        };
        event.record(&mut stack);
        std::hint::black_box(&stack.bytes[..stack.len]);
    }
}

/// Reporting every corpus decision — an event at every level recorded by a
/// subscriber that allocates nothing, and the counters of a recorder —
/// allocates nothing once the policy's counters are registered.
#[test]
fn reporting_allocates_nothing_when_the_subscriber_does_not() {
    use tracing_subscriber::layer::SubscriberExt;
    let subscriber = tracing_subscriber::registry().with(StackFormatter);
    let recorder = metrics_util::debugging::DebuggingRecorder::new();
    let files = corpus();
    let mut policies = Vec::new();
    for file in &files {
        for case in &file.cases {
            policies.push((file.runtime_policy(&case.select), case));
        }
    }
    metrics::with_local_recorder(&recorder, || {
        tracing::subscriber::with_default(subscriber, || {
            let observer = cors_runtime::observe::Observer::new();
            let mut reported = 0;
            for warm_up in [true, false] {
                for (policy, case) in &policies {
                    let view = policy.policy();
                    let chosen = cors_runtime::Chosen::new(&view);
                    let headers = case.header_pairs();
                    let request = SimpleRequest::new(case.method.as_bytes(), &headers);
                    let decision = chosen.evaluate(&request);
                    let allocated = allocations_during(|| {
                        observer.decision(&chosen, &request, &decision);
                    });
                    if !warm_up {
                        assert_eq!(allocated, 0, "{}", case.name);
                        reported += 1;
                    }
                }
            }
            assert!(reported > 500);
        });
    });
}

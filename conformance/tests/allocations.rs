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

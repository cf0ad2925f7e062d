//! What the tower benchmarks and the allocation counts share: the requests,
//! the trivial inner service, and polling a ready future.

#![allow(dead_code, reason = "each bench uses a subset")]

pub(crate) mod floor;

use std::convert::Infallible;
use std::future::Future;
use std::task::{Context, Poll, Waker};

use http::{Method, Request, Response, header};
use tower::{Service, ServiceExt, service_fn};

/// Polls a future once with a no-op waker; every benchmarked service is
/// ready at once, so no executor cost is measured.
pub(crate) fn ready<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the benchmarked services are always ready"),
    }
}

/// Benchmarks `service` on requests from `make`, each built outside the
/// timed region, its future polled once; `check` sees the response to a
/// first request before anything is timed.
pub(crate) fn bench_service<S, B>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: criterion::BenchmarkId,
    mut service: S,
    make: &dyn Fn() -> Request<()>,
    check: impl FnOnce(&Response<B>),
) where
    S: Service<Request<()>, Response = Response<B>>,
    S::Error: std::fmt::Debug,
{
    let ready_service = ready(service.ready()).unwrap();
    check(&ready(ready_service.call(make())).unwrap());
    group.bench_function(id, |b| {
        b.iter_batched(
            make,
            |request| std::hint::black_box(ready(service.call(request)).unwrap()),
            criterion::BatchSize::SmallInput,
        )
    });
}

/// The trivial inner service: an empty 200.
pub(crate) fn inner()
-> impl Service<Request<()>, Response = Response<String>, Error = Infallible> + Clone {
    service_fn(|_req: Request<()>| async { Ok::<_, Infallible>(Response::new(String::new())) })
}

/// A handler as most are: an empty 200 with a `content-type`, so its
/// response already has a header map when a middleware adds to it.
pub(crate) fn inner_with_header()
-> impl Service<Request<()>, Response = Response<String>, Error = Infallible> + Clone {
    service_fn(|_req: Request<()>| async {
        let mut response = Response::new(String::new());
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        Ok::<_, Infallible>(response)
    })
}

/// A preflight for `PUT` with `content-type,x-request-id`.
pub(crate) fn preflight(origin: &str) -> Request<()> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri("/items/7")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "content-type,x-request-id",
        )
        .body(())
        .unwrap()
}

/// A simple GET.
pub(crate) fn get(origin: &str) -> Request<()> {
    Request::builder()
        .uri("/items")
        .header(header::ORIGIN, origin)
        .body(())
        .unwrap()
}

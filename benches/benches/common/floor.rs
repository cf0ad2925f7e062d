//! The floor: a minimal *correct* tower CORS middleware for the benches'
//! policy (origins listed exactly, `GET, PUT, DELETE`, `content-type,
//! x-request-id`, credentials, max age 600), written as directly as the
//! protocol allows, to measure the adapters against.
//!
//! - The origin is looked up in a `HashSet<String>`.
//! - A preflight (`OPTIONS` with `Access-Control-Request-Method`) checks the
//!   method against the fixed list and each requested header name, trimmed
//!   and compared without case, against the allow-list. Allowed: a fresh 204
//!   with five header values (origin, credentials, methods, headers, max
//!   age). Refused: a bare 403.
//! - Any other request goes to the service; its response gets `Vary:
//!   Origin` appended when the request had an `Origin`, and, when that
//!   origin is allowed, `Access-Control-Allow-Origin` and `-Credentials`
//!   (the policy has credentials) inserted. No boxing: the future is an
//!   enum, as any careful middleware's is.
//!
//! What it leaves out, and corsc does not: origin syntax and
//! canonicalisation, same-origin requests, forbidden and hostile header
//! lists, `Vary` on preflights and rejections, policies with wildcards.

#![allow(dead_code, reason = "each bench uses a subset")]

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

const METHODS: [Method; 3] = [Method::GET, Method::PUT, Method::DELETE];
const HEADERS: [&str; 2] = ["content-type", "x-request-id"];

/// The floor middleware's layer.
#[derive(Clone)]
pub(crate) struct FloorLayer {
    origins: Arc<HashSet<String>>,
}

impl FloorLayer {
    pub(crate) fn new(origins: impl IntoIterator<Item = String>) -> Self {
        FloorLayer {
            origins: Arc::new(origins.into_iter().collect()),
        }
    }
}

impl<S> Layer<S> for FloorLayer {
    type Service = Floor<S>;

    fn layer(&self, inner: S) -> Floor<S> {
        Floor {
            inner,
            origins: Arc::clone(&self.origins),
        }
    }
}

/// The floor middleware around a service.
#[derive(Clone)]
pub(crate) struct Floor<S> {
    inner: S,
    origins: Arc<HashSet<String>>,
}

/// The allowed origin and, since the policy has credentials,
/// `Access-Control-Allow-Credentials`: on a preflight and on an actual
/// response alike.
fn allow(map: &mut http::HeaderMap, origin: HeaderValue) {
    map.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    map.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
}

fn header_allowed(name: &[u8]) -> bool {
    let name = name.trim_ascii();
    HEADERS
        .iter()
        .any(|h| h.as_bytes().eq_ignore_ascii_case(name))
}

impl<S, B> Service<Request<()>> for Floor<S>
where
    S: Service<Request<()>, Response = Response<B>>,
    B: Default,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = FloorFuture<S::Future, B>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<()>) -> Self::Future {
        let headers = request.headers();
        let origin = headers.get(header::ORIGIN).cloned();
        let allowed = origin
            .as_ref()
            .and_then(|o| o.to_str().ok())
            .is_some_and(|o| self.origins.contains(o));
        if request.method() == Method::OPTIONS
            && let Some(method) = headers.get(header::ACCESS_CONTROL_REQUEST_METHOD)
        {
            let ok = allowed
                && METHODS
                    .iter()
                    .any(|m| m.as_str().as_bytes() == method.as_bytes())
                && headers
                    .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
                    .is_none_or(|list| list.as_bytes().split(|b| *b == b',').all(header_allowed));
            let mut response = Response::new(B::default());
            if ok {
                *response.status_mut() = StatusCode::NO_CONTENT;
                let map = response.headers_mut();
                if let Some(origin) = origin {
                    allow(map, origin);
                }
                map.insert(
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static("GET, PUT, DELETE"),
                );
                map.insert(
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static("content-type, x-request-id"),
                );
                map.insert(
                    header::ACCESS_CONTROL_MAX_AGE,
                    HeaderValue::from_static("600"),
                );
            } else {
                *response.status_mut() = StatusCode::FORBIDDEN;
            }
            return FloorFuture::Early {
                response: Some(response),
            };
        }
        let vary = origin.is_some();
        FloorFuture::Inner {
            future: self.inner.call(request),
            origin: origin.filter(|_| allowed),
            vary,
        }
    }
}

pin_project! {
    /// The floor's future: an immediate answer or the service's response.
    #[project = FloorProj]
    pub(crate) enum FloorFuture<F, B> {
        Early { response: Option<Response<B>> },
        Inner { #[pin] future: F, origin: Option<HeaderValue>, vary: bool },
    }
}

impl<F, B, E> Future for FloorFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            FloorProj::Early { response } => {
                Poll::Ready(Ok(response.take().expect("polled after completion")))
            }
            FloorProj::Inner {
                future,
                origin,
                vary,
            } => {
                let mut response = ready!(future.poll(cx))?;
                let map = response.headers_mut();
                if let Some(origin) = origin.take() {
                    allow(map, origin);
                }
                if *vary {
                    map.append(header::VARY, HeaderValue::from_static("Origin"));
                }
                Poll::Ready(Ok(response))
            }
        }
    }
}

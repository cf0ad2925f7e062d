//! A tower [`Layer`] and [`Service`]: CORS for axum, hyper, tonic-web and any
//! other service over the `http` crate's types.
//!
//! Preflights (and rejections under `on_reject = "forbid"`) are answered by
//! the layer without calling the inner service. Every other request goes to
//! the inner service, and the decision's headers are added to whatever it
//! answers — errors included (R20) — with `Vary` merged into the existing
//! value (R24, R29).
//!
//! ```
//! use cors_runtime::Policy;
//! use cors_runtime::adapters::tower::CorsLayer;
//! use tower::{Service, ServiceBuilder, ServiceExt, service_fn};
//!
//! static API: Policy<'static> = cors_macros::cors_policy!(toml = r#"
//!     origins = ["https://app.example.com"]
//!     methods = ["GET", "PUT"]
//! "#);
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let mut service = ServiceBuilder::new()
//!     .layer(CorsLayer::new(API))
//!     .service(service_fn(|_req: http::Request<()>| async {
//!         Ok::<_, std::convert::Infallible>(http::Response::new(String::from("[]")))
//!     }));
//!
//! let preflight = http::Request::options("/items")
//!     .header("origin", "https://app.example.com")
//!     .header("access-control-request-method", "PUT")
//!     .body(())
//!     .unwrap();
//! let response = service.ready().await.unwrap().call(preflight).await.unwrap();
//! assert_eq!(response.status(), 204);
//! assert_eq!(response.headers()["access-control-allow-methods"], "GET, PUT");
//! # });
//! ```
//!
//! With axum, `Router::layer(CorsLayer::new(API))` covers every route and the
//! fallback; `route_layer` or a nested router gives a group of routes its own
//! policy.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use ::http::{HeaderValue, Request, Response};
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use super::http::{HandleRequest, HeaderMapSink, HttpCors, Outcome};
use crate::apply::ForwardHeaders;
use crate::policy::PolicySource;
use crate::shadow::{ShadowReport, Shadowed};

/// Adds CORS to a service: `ServiceBuilder::layer`, axum's `Router::layer`
/// and `route_layer`.
///
/// Cloning is cheap: the prepared policy is shared.
#[derive(Debug)]
pub struct CorsLayer<C> {
    cors: Arc<C>,
}

impl<C> Clone for CorsLayer<C> {
    fn clone(&self) -> Self {
        CorsLayer {
            cors: Arc::clone(&self.cors),
        }
    }
}

impl<P: PolicySource> CorsLayer<HttpCors<P>> {
    /// A layer applying `policy`: a `Policy<'static>` from `cors_policy!`,
    /// or an `OwnedPolicy` from `cors_policy::load`.
    pub fn new(policy: P) -> Self {
        CorsLayer {
            cors: Arc::new(HttpCors::new(policy)),
        }
    }

    /// A shadow layer for `policy` ([`crate::shadow`]): put it around the
    /// service's existing CORS handling. It changes nothing in the request
    /// or the response; it evaluates `policy` on every request, compares
    /// the decision with the CORS headers the existing stack sent, and
    /// reports each disagreement (with the `tracing` and `metrics`
    /// features).
    ///
    /// ```
    /// use cors_runtime::Policy;
    /// use cors_runtime::adapters::tower::CorsLayer;
    /// use tower::{Service, ServiceBuilder, ServiceExt, service_fn};
    ///
    /// static STRICTER: Policy<'static> = cors_macros::cors_policy!(toml = r#"
    ///     origins = ["https://app.example.com"]
    /// "#);
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let mut service = ServiceBuilder::new()
    ///     .layer(CorsLayer::shadow(STRICTER))
    ///     // Today's CORS: any origin (tower-http's `CorsLayer::permissive()`, say).
    ///     .map_response(|mut response: http::Response<String>| {
    ///         response.headers_mut().insert("access-control-allow-origin", "*".parse().unwrap());
    ///         response
    ///     })
    ///     .service(service_fn(|_req: http::Request<()>| async {
    ///         Ok::<_, std::convert::Infallible>(http::Response::new(String::from("[]")))
    ///     }));
    /// let request = http::Request::get("/items")
    ///     .header("origin", "https://evil.example")
    ///     .body(())
    ///     .unwrap();
    /// // Served as today; the shadow reports `would_block` (and `vary`).
    /// let response = service.ready().await.unwrap().call(request).await.unwrap();
    /// assert_eq!(response.headers()["access-control-allow-origin"], "*");
    /// # });
    /// ```
    pub fn shadow(policy: P) -> ShadowLayer<P> {
        let cors = HttpCors::prepare(policy);
        crate::observe::Observer::serving(&cors.source().policy(), "shadowed");
        ShadowLayer {
            shadow: Arc::new(ShadowState {
                cors,
                report: ShadowReport::default(),
            }),
        }
    }
}

#[cfg(feature = "reload")]
impl CorsLayer<super::reload::ReloadableHttpCors> {
    /// A layer whose policy can be replaced at run time through `cors`
    /// (keep a clone of the `Arc` to call
    /// [`store`](super::reload::ReloadableHttpCors::store)).
    pub fn reloadable(cors: Arc<super::reload::ReloadableHttpCors>) -> Self {
        CorsLayer { cors }
    }
}

impl<S, C> Layer<S> for CorsLayer<C> {
    type Service = Cors<S, C>;

    fn layer(&self, inner: S) -> Cors<S, C> {
        Cors {
            inner,
            cors: Arc::clone(&self.cors),
        }
    }
}

/// The service [`CorsLayer`] wraps around an inner service.
#[derive(Debug)]
pub struct Cors<S, C> {
    inner: S,
    cors: Arc<C>,
}

impl<S: Clone, C> Clone for Cors<S, C> {
    fn clone(&self) -> Self {
        Cors {
            inner: self.inner.clone(),
            cors: Arc::clone(&self.cors),
        }
    }
}

impl<S, C> Cors<S, C> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S, C, ReqBody, ResBody> Service<Request<ReqBody>> for Cors<S, C>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    C: HandleRequest,
{
    type Response = Response<CorsBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        match self.cors.handle_request(&mut request) {
            Outcome::Respond(response) => ResponseFuture {
                state: State::Early {
                    response: Some(response),
                },
            },
            Outcome::Forward(headers) => ResponseFuture {
                state: State::Inner {
                    future: self.inner.call(request),
                    headers: Some(headers),
                },
            },
        }
    }
}

pin_project! {
    /// The future of [`Cors`]: an immediate answer, or the inner service's
    /// response with the CORS headers added.
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    #[derive(Debug)]
    enum State<F> {
        Early { response: Option<Response<Option<Bytes>>> },
        Inner { #[pin] future: F, headers: Option<ForwardHeaders<HeaderValue>> },
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<CorsBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Early { response } => {
                let response = response
                    .take()
                    .expect("ResponseFuture polled after completion");
                Poll::Ready(Ok(response.map(CorsBody::early)))
            }
            StateProj::Inner { future, headers } => {
                let mut response = ready!(future.poll(cx))?;
                if let Some(headers) = headers.take() {
                    headers.apply_owned(&mut HeaderMapSink(response.headers_mut()));
                }
                Poll::Ready(Ok(response.map(CorsBody::inner)))
            }
        }
    }
}

pin_project! {
    /// The response body of [`Cors`]: the inner service's body, or the
    /// layer's own (empty for preflights, a small JSON error under
    /// `on_reject = "forbid"`).
    #[derive(Debug)]
    pub struct CorsBody<B> {
        #[pin]
        kind: BodyKind<B>,
    }
}

pin_project! {
    #[project = BodyKindProj]
    #[derive(Debug)]
    enum BodyKind<B> {
        Inner { #[pin] inner: B },
        Early { bytes: Option<Bytes> },
    }
}

impl<B> CorsBody<B> {
    fn inner(inner: B) -> Self {
        CorsBody {
            kind: BodyKind::Inner { inner },
        }
    }

    fn early(bytes: Option<Bytes>) -> Self {
        CorsBody {
            kind: BodyKind::Early { bytes },
        }
    }
}

impl<B: Body<Data = Bytes>> Body for CorsBody<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        match self.project().kind.project() {
            BodyKindProj::Inner { inner } => inner.poll_frame(cx),
            BodyKindProj::Early { bytes } => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            BodyKind::Inner { inner } => inner.is_end_stream(),
            BodyKind::Early { bytes } => bytes.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            BodyKind::Inner { inner } => inner.size_hint(),
            BodyKind::Early { bytes } => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
        }
    }
}

/// A shadow of a policy around a service's existing CORS handling
/// ([`CorsLayer::shadow`]). Cloning is cheap: the state is shared.
#[derive(Debug)]
pub struct ShadowLayer<P> {
    shadow: Arc<ShadowState<P>>,
}

#[derive(Debug)]
struct ShadowState<P> {
    cors: HttpCors<P>,
    report: ShadowReport,
}

impl<P> Clone for ShadowLayer<P> {
    fn clone(&self) -> Self {
        ShadowLayer {
            shadow: Arc::clone(&self.shadow),
        }
    }
}

impl<S, P> Layer<S> for ShadowLayer<P> {
    type Service = Shadow<S, P>;

    fn layer(&self, inner: S) -> Shadow<S, P> {
        Shadow {
            inner,
            shadow: Arc::clone(&self.shadow),
        }
    }
}

/// The service [`ShadowLayer`] wraps around a service.
#[derive(Debug)]
pub struct Shadow<S, P> {
    inner: S,
    shadow: Arc<ShadowState<P>>,
}

impl<S: Clone, P> Clone for Shadow<S, P> {
    fn clone(&self) -> Self {
        Shadow {
            inner: self.inner.clone(),
            shadow: Arc::clone(&self.shadow),
        }
    }
}

impl<S, P, ReqBody, ResBody> Service<Request<ReqBody>> for Shadow<S, P>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    P: PolicySource,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ShadowFuture<S::Future, P>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let shadowed = self.shadow.cors.shadowed(&request);
        ShadowFuture {
            future: self.inner.call(request),
            shadowed: Some(shadowed),
            shadow: Arc::clone(&self.shadow),
        }
    }
}

pin_project! {
    /// The future of [`Shadow`]: the inner service's response, unchanged,
    /// compared with the policy's decision when it arrives.
    #[derive(Debug)]
    pub struct ShadowFuture<F, P> {
        #[pin]
        future: F,
        shadowed: Option<Shadowed<HeaderValue>>,
        shadow: Arc<ShadowState<P>>,
    }
}

impl<F, B, E, P> Future for ShadowFuture<F, P>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.future.poll(cx));
        if let (Ok(response), Some(shadowed)) = (&result, this.shadowed.take()) {
            let found = shadowed.compare(response);
            shadowed.report(found, response.status().as_u16(), &this.shadow.report);
        }
        Poll::Ready(result)
    }
}

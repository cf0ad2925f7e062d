//! actix-web 4 middleware: `App::wrap(Cors::new(API))`, `Scope::wrap(...)`.
//!
//! Preflights (and rejections under `on_reject = "forbid"`) are answered by
//! the middleware without calling the wrapped service. Every other request
//! goes to the service, and the decision's headers are added to whatever it
//! answers — errors included (R20): an `Err` from the wrapped service gets
//! the headers on the response actix later renders from it, so the page can
//! read the error body. `Vary` is merged into the existing value (R24, R29).
//!
//! ```
//! use actix_web::{App, HttpResponse, test, web};
//! use cors_runtime::Policy;
//! use cors_runtime::adapters::actix::Cors;
//!
//! static API: Policy<'static> = cors_macros::cors_policy!(toml = r#"
//!     origins = ["https://app.example.com"]
//!     methods = ["GET", "PUT"]
//! "#);
//!
//! # actix_web::rt::System::new().block_on(async {
//! let app = test::init_service(
//!     App::new()
//!         .wrap(Cors::new(API))
//!         .route("/items", web::get().to(|| async { HttpResponse::Ok().body("[]") })),
//! )
//! .await;
//! let request = test::TestRequest::get()
//!     .uri("/items")
//!     .insert_header(("origin", "https://app.example.com"))
//!     .to_request();
//! let response = test::call_service(&app, request).await;
//! let allowed = response.headers().get("access-control-allow-origin").unwrap();
//! assert_eq!(allowed, "https://app.example.com");
//! # });
//! ```

use std::future::{Ready, ready};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue as ActixValue};
use actix_web::{Error, HttpRequest, HttpResponse};
use pin_project_lite::pin_project;

use crate::apply::{FixedValues, ForwardHeaders, ResponseHeaderSink, Step};
use crate::browser::ResponseView;
use crate::observe::Observer;
use crate::policy::PolicySource;
use crate::request::RequestParts;
use crate::request::{RequestHeader, RequestView};
use crate::response::ResponseHeader;
use crate::shadow::{Asked, HeaderBytes, ShadowReport, Shadowed};

// The framework's constants for the core's names (`RequestHeader::ALL`,
// `ResponseHeader::ALL`): an exhaustive match, which measured faster than a
// table built from the names, and a test that it agrees with them.
fn request_header_name(name: RequestHeader) -> HeaderName {
    match name {
        RequestHeader::Origin => header::ORIGIN,
        RequestHeader::AccessControlRequestMethod => header::ACCESS_CONTROL_REQUEST_METHOD,
        RequestHeader::AccessControlRequestHeaders => header::ACCESS_CONTROL_REQUEST_HEADERS,
        RequestHeader::SecFetchSite => HeaderName::from_static("sec-fetch-site"),
    }
}

fn response_header_name(name: ResponseHeader) -> HeaderName {
    match name {
        ResponseHeader::AllowOrigin => header::ACCESS_CONTROL_ALLOW_ORIGIN,
        ResponseHeader::AllowCredentials => header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        ResponseHeader::AllowMethods => header::ACCESS_CONTROL_ALLOW_METHODS,
        ResponseHeader::AllowHeaders => header::ACCESS_CONTROL_ALLOW_HEADERS,
        ResponseHeader::MaxAge => header::ACCESS_CONTROL_MAX_AGE,
        ResponseHeader::ExposeHeaders => header::ACCESS_CONTROL_EXPOSE_HEADERS,
        ResponseHeader::Vary => header::VARY,
        ResponseHeader::ContentType => header::CONTENT_TYPE,
        ResponseHeader::PolicyFingerprint => HeaderName::from_static("x-corsc-policy"),
    }
}

type Values<'a> = std::iter::Map<std::slice::Iter<'a, ActixValue>, fn(&ActixValue) -> &[u8]>;

fn values(map: &HeaderMap, name: HeaderName) -> Values<'_> {
    map.get_all(name)
        .map(ActixValue::as_bytes as fn(&ActixValue) -> &[u8])
}

impl RequestView for HttpRequest {
    type Values<'a> = Values<'a>;
    fn method(&self) -> &[u8] {
        self.method().as_str().as_bytes()
    }
    fn header_values(&self, name: RequestHeader) -> Values<'_> {
        values(self.headers(), request_header_name(name))
    }
}

/// A service request is read through its [`HttpRequest`].
impl RequestView for ServiceRequest {
    type Values<'a> = Values<'a>;
    fn method(&self) -> &[u8] {
        RequestView::method(self.request())
    }
    fn header_values(&self, name: RequestHeader) -> Values<'_> {
        self.request().header_values(name)
    }
}

/// A [`ResponseHeaderSink`] over actix-web's [`HeaderMap`].
#[derive(Debug)]
pub struct ActixHeaderSink<'a>(pub &'a mut HeaderMap);

impl ResponseHeaderSink for ActixHeaderSink<'_> {
    type Value = ActixValue;
    type Vary<'a>
        = Values<'a>
    where
        Self: 'a;

    fn insert(&mut self, name: ResponseHeader, value: ActixValue) {
        self.0.insert(response_header_name(name), value);
    }

    fn vary(&self) -> Values<'_> {
        values(self.0, header::VARY)
    }

    fn replace_vary(&mut self, merged: &str) {
        if let Ok(v) = ActixValue::from_str(merged) {
            self.0.insert(header::VARY, v);
        }
    }
}

#[derive(Debug)]
struct Prepared<P> {
    source: P,
    fixed: FixedValues<ActixValue>,
    observer: Observer,
}

/// The middleware factory: pass it to `App::wrap` or `Scope::wrap`.
///
/// Cloning is cheap: the prepared policy is shared.
#[derive(Debug)]
pub struct Cors<P> {
    prepared: Arc<Prepared<P>>,
}

impl<P> Clone for Cors<P> {
    fn clone(&self) -> Self {
        Cors {
            prepared: Arc::clone(&self.prepared),
        }
    }
}

impl<P: PolicySource> Cors<P> {
    /// Middleware applying `policy`: a `Policy<'static>` from `cors_policy!`,
    /// or an `OwnedPolicy` from `cors_policy::load`.
    pub fn new(policy: P) -> Self {
        Observer::serving(&policy.policy(), "serving");
        Cors::prepare(policy)
    }

    /// [`Cors::new`], without the event.
    fn prepare(policy: P) -> Self {
        // Fixed values were validated as header values when the policy was
        // compiled, so the fallback is never used.
        // A static policy's values are borrowed: cloning them is free.
        let fixed = match policy.static_policy() {
            Some(p) => FixedValues::new_static(p, |text| match ActixValue::from_str(text) {
                Ok(_) => ActixValue::from_static(text),
                Err(_) => ActixValue::from_static(""),
            }),
            None => FixedValues::new(policy.policy(), |text| {
                ActixValue::from_str(text).unwrap_or(ActixValue::from_static(""))
            }),
        };
        Cors {
            prepared: Arc::new(Prepared {
                source: policy,
                fixed,
                observer: Observer::new(),
            }),
        }
    }
}

impl<S, B, P> Transform<S, ServiceRequest> for Cors<P>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
    P: PolicySource,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = CorsMiddleware<S, P>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CorsMiddleware {
            service,
            prepared: Arc::clone(&self.prepared),
        }))
    }
}

/// The middleware [`Cors`] wraps around a service.
#[derive(Debug)]
pub struct CorsMiddleware<S, P> {
    service: S,
    prepared: Arc<Prepared<P>>,
}

impl<S, B, P> Service<ServiceRequest> for CorsMiddleware<S, P>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
    P: PolicySource,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = CorsFuture<S::Future, B>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let prepared = &*self.prepared;
        let origin = request.headers().get(header::ORIGIN);
        let echo = |bytes: &[u8]| match origin {
            Some(o) if o.as_bytes() == bytes => Some(o.clone()),
            _ => ActixValue::from_bytes(bytes).ok(),
        };
        // An early answer is a new response: every header is inserted,
        // nothing merged.
        let respond = |decision: &crate::Decision<'_>| {
            let status = decision.status().unwrap_or(403);
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
            let body = decision
                .error_body()
                .map(|b| b.to_string())
                .unwrap_or_default();
            let mut response = HttpResponse::with_body(status, body).map_into_boxed_body();
            let map = response.headers_mut();
            for (name, value) in decision.headers().iter() {
                if let Some(value) = prepared.fixed.convert(value, echo) {
                    map.insert(response_header_name(name), value);
                }
            }
            response
        };
        let step = prepared.source.with_policy(&request, |chosen| {
            prepared
                .fixed
                .step(&prepared.observer, chosen, &request, echo, respond)
        });
        let state = match step {
            Step::Respond(response) => State::Early {
                response: Some(request.into_response(response).map_into_right_body()),
            },
            Step::Forward(headers) => State::Inner {
                future: self.service.call(request),
                headers: Some(headers),
            },
        };
        CorsFuture { state }
    }
}

pin_project! {
    /// The future of [`CorsMiddleware`].
    pub struct CorsFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, B> {
        Early { response: Option<ServiceResponse<EitherBody<B>>> },
        Inner {
            #[pin]
            future: F,
            headers: Option<ForwardHeaders<ActixValue>>,
        },
    }
}

impl<F, B> std::fmt::Debug for CorsFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorsFuture").finish_non_exhaustive()
    }
}

impl<F, B> Future for CorsFuture<F, B>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
    B: MessageBody,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Early { response } => Poll::Ready(Ok(response
                .take()
                .expect("CorsFuture polled after completion"))),
            StateProj::Inner { future, headers } => {
                let result = std::task::ready!(future.poll(cx));
                let headers = headers.take().expect("CorsFuture polled after completion");
                Poll::Ready(match result {
                    Ok(mut response) => {
                        headers.apply_owned(&mut ActixHeaderSink(response.headers_mut()));
                        Ok(response.map_into_left_body())
                    }
                    Err(mut error) => {
                        error.add_response_mapper(move |mut response: HttpResponse| {
                            headers.apply(&mut ActixHeaderSink(response.headers_mut()));
                            response
                        });
                        Err(error)
                    }
                })
            }
        }
    }
}

impl<P: PolicySource> Cors<P> {
    /// A shadow of `policy` ([`crate::shadow`]): wrap it around the app's
    /// existing CORS middleware (actix-web runs the last `wrap` first, so
    /// `.wrap(actix_cors).wrap(Cors::shadow(policy))`). It changes nothing
    /// in the request or the response; it evaluates `policy` on every
    /// request, compares the decision with the CORS headers the existing
    /// middleware sent — on an error, with the response actix renders from
    /// it — and reports each disagreement (with the `tracing` and
    /// `metrics` features).
    ///
    /// ```
    /// use actix_web::{App, HttpResponse, test, web};
    /// use cors_runtime::Policy;
    /// use cors_runtime::adapters::actix::Cors;
    ///
    /// static STRICTER: Policy<'static> = cors_macros::cors_policy!(toml = r#"
    ///     origins = ["https://app.example.com"]
    /// "#);
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let app = test::init_service(
    ///     App::new()
    ///         // Today's CORS (actix-cors, say): any origin.
    ///         .wrap(actix_web::middleware::DefaultHeaders::new().add(("access-control-allow-origin", "*")))
    ///         .wrap(Cors::shadow(STRICTER))
    ///         .route("/items", web::get().to(|| async { HttpResponse::Ok().body("[]") })),
    /// )
    /// .await;
    /// let request = test::TestRequest::get()
    ///     .uri("/items")
    ///     .insert_header(("origin", "https://evil.example"))
    ///     .to_request();
    /// // Served as today; the shadow reports `would_block` (and `vary`).
    /// let response = test::call_service(&app, request).await;
    /// assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "*");
    /// # });
    /// ```
    pub fn shadow(policy: P) -> Shadow<P> {
        Observer::serving(&policy.policy(), "shadowed");
        Shadow {
            state: Arc::new(ShadowState {
                cors: Cors::prepare(policy),
                report: ShadowReport::default(),
            }),
        }
    }
}

/// A shadow of a policy around an app's existing CORS middleware
/// ([`Cors::shadow`]). Cloning is cheap: the state is shared.
#[derive(Debug)]
pub struct Shadow<P> {
    state: Arc<ShadowState<P>>,
}

#[derive(Debug)]
struct ShadowState<P> {
    cors: Cors<P>,
    report: ShadowReport,
}

impl<P> Clone for Shadow<P> {
    fn clone(&self) -> Self {
        Shadow {
            state: Arc::clone(&self.state),
        }
    }
}

impl<S, B, P> Transform<S, ServiceRequest> for Shadow<P>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
    P: PolicySource + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = ShadowMiddleware<S, P>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ShadowMiddleware {
            service,
            state: Arc::clone(&self.state),
        }))
    }
}

/// The middleware [`Shadow`] wraps around a service.
#[derive(Debug)]
pub struct ShadowMiddleware<S, P> {
    service: S,
    state: Arc<ShadowState<P>>,
}

impl<S, B, P> Service<ServiceRequest> for ShadowMiddleware<S, P>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
    P: PolicySource + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = ShadowFuture<S::Future, P>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let prepared = &*self.state.cors.prepared;
        let shadowed = prepared.source.with_policy(&request, |chosen| {
            let decision = chosen.evaluate(&request);
            let headers = request.headers();
            let asked = Asked::read(
                request.method() == actix_web::http::Method::OPTIONS,
                |name| {
                    headers
                        .get_all(request_header_name(name))
                        .cloned()
                        .collect()
                },
            );
            let origin = headers.get(header::ORIGIN);
            Shadowed::new(
                &chosen,
                request.method().as_str().as_bytes(),
                &decision,
                asked,
                &prepared.fixed,
                |bytes| match origin {
                    Some(o) if o.as_bytes() == bytes => Some(o.clone()),
                    _ => ActixValue::from_bytes(bytes).ok(),
                },
            )
        });
        ShadowFuture {
            future: self.service.call(request),
            shadowed: Some(shadowed),
            state: Arc::clone(&self.state),
        }
    }
}

pin_project! {
    /// The future of [`ShadowMiddleware`]: the service's response,
    /// unchanged, compared with the policy's decision.
    pub struct ShadowFuture<F, P> {
        #[pin]
        future: F,
        shadowed: Option<Shadowed<ActixValue>>,
        state: Arc<ShadowState<P>>,
    }
}

impl<F, P> std::fmt::Debug for ShadowFuture<F, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShadowFuture").finish_non_exhaustive()
    }
}

impl<F, B, P> Future for ShadowFuture<F, P>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
    P: 'static,
{
    type Output = Result<ServiceResponse<B>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut result = std::task::ready!(this.future.poll(cx));
        if let Some(shadowed) = this.shadowed.take() {
            match &mut result {
                Ok(response) => {
                    let found = shadowed.compare(&ActixResponse(response.response()));
                    shadowed.report(found, response.status().as_u16(), &this.state.report);
                }
                Err(error) => {
                    // The answer is rendered from the error later, with
                    // the existing middleware's mappers applied first; it
                    // may be rendered more than once, and is compared the
                    // first time.
                    let state = Arc::clone(this.state);
                    let once = std::cell::Cell::new(Some(shadowed));
                    error.add_response_mapper(move |response: HttpResponse| {
                        if let Some(shadowed) = once.take() {
                            let found = shadowed.compare(&ActixResponse(&response));
                            shadowed.report(found, response.status().as_u16(), &state.report);
                        }
                        response
                    });
                }
            }
        }
        Poll::Ready(result)
    }
}

/// An actix response as a browser reads it.
struct ActixResponse<'a, B>(&'a HttpResponse<B>);

impl<B> ResponseView for ActixResponse<'_, B> {
    type Values<'a>
        = Values<'a>
    where
        Self: 'a;

    fn status(&self) -> u16 {
        self.0.status().as_u16()
    }

    fn header_values(&self, name: ResponseHeader) -> Values<'_> {
        values(self.0.headers(), response_header_name(name))
    }
}

impl HeaderBytes for ActixValue {
    fn header_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// A request's path, query, host and headers, for sources that choose the
/// policy per request.
impl RequestParts for ServiceRequest {
    fn path(&self) -> &[u8] {
        self.uri().path().as_bytes()
    }

    fn query(&self) -> Option<&[u8]> {
        self.uri().query().map(str::as_bytes)
    }

    fn host(&self) -> Option<&[u8]> {
        crate::request::host(
            self.headers()
                .get_all(header::HOST)
                .map(ActixValue::as_bytes),
            self.uri().authority().map(|a| a.as_str()),
        )
    }

    fn header(&self, name: &str) -> Option<&[u8]> {
        crate::request::single(self.headers().get_all(name).map(ActixValue::as_bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framework_names_are_the_core_names() {
        crate::adapters::assert_names_match(request_header_name, response_header_name);
    }
}

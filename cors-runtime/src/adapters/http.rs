//! Adapter for the [`http`] crate's types, the common ground of hyper, tower,
//! axum and tonic.
//!
//! ```
//! use cors_runtime::adapters::http::{HttpCors, Outcome};
//! # let policy = cors_policy::load("origins = [\"https://app.example.com\"]").unwrap();
//! let cors = HttpCors::new(policy);
//! let request = http::Request::get("/items")
//!     .header("origin", "https://app.example.com")
//!     .body(())
//!     .unwrap();
//! let headers = match cors.handle(&request) {
//!     Outcome::Forward(headers) => headers, // call the service, then:
//!     Outcome::Respond(early) => unreachable!("a preflight or forbid rejection: send {early:?}"),
//! };
//! let mut response = http::Response::new("[]");
//! headers.apply(&mut cors_runtime::adapters::http::HeaderMapSink(response.headers_mut()));
//! assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example.com");
//! assert_eq!(response.headers()["vary"], "Origin");
//! ```

use ::http::header::{self, HeaderMap, HeaderName, HeaderValue as HttpValue};
use ::http::{Request, Response, StatusCode, request::Parts};

use crate::apply::{FixedValues, PreparedHeaders, ResponseHeaderSink};
use crate::decision::{Decision, HeaderValue, ResponseHeader};
use crate::policy::PolicySource;
use crate::request::{RequestHeader, RequestView};

/// The `http` header name of a request header the evaluator reads.
pub fn request_header_name(name: RequestHeader) -> HeaderName {
    match name {
        RequestHeader::Origin => header::ORIGIN,
        RequestHeader::AccessControlRequestMethod => header::ACCESS_CONTROL_REQUEST_METHOD,
        RequestHeader::AccessControlRequestHeaders => header::ACCESS_CONTROL_REQUEST_HEADERS,
        RequestHeader::Host => header::HOST,
        RequestHeader::SecFetchSite => HeaderName::from_static("sec-fetch-site"),
    }
}

/// The `http` header name of a response header a decision sets.
pub fn response_header_name(name: ResponseHeader) -> HeaderName {
    match name {
        ResponseHeader::AllowOrigin => header::ACCESS_CONTROL_ALLOW_ORIGIN,
        ResponseHeader::AllowCredentials => header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        ResponseHeader::AllowMethods => header::ACCESS_CONTROL_ALLOW_METHODS,
        ResponseHeader::AllowHeaders => header::ACCESS_CONTROL_ALLOW_HEADERS,
        ResponseHeader::MaxAge => header::ACCESS_CONTROL_MAX_AGE,
        ResponseHeader::ExposeHeaders => header::ACCESS_CONTROL_EXPOSE_HEADERS,
        ResponseHeader::Vary => header::VARY,
        ResponseHeader::ContentType => header::CONTENT_TYPE,
    }
}

type Values<'a> = std::iter::Map<header::ValueIter<'a, HttpValue>, fn(&HttpValue) -> &[u8]>;

fn values<'a>(map: &'a HeaderMap, name: impl header::AsHeaderName) -> Values<'a> {
    map.get_all(name)
        .iter()
        .map(HttpValue::as_bytes as fn(&HttpValue) -> &[u8])
}

impl RequestView for Parts {
    type Values<'a> = Values<'a>;
    fn method(&self) -> &[u8] {
        self.method.as_str().as_bytes()
    }
    fn header_values(&self, name: RequestHeader) -> Values<'_> {
        values(&self.headers, request_header_name(name))
    }
}

impl<B> RequestView for Request<B> {
    type Values<'a>
        = Values<'a>
    where
        B: 'a;
    fn method(&self) -> &[u8] {
        self.method().as_str().as_bytes()
    }
    fn header_values(&self, name: RequestHeader) -> Values<'_> {
        values(self.headers(), request_header_name(name))
    }
}

/// A [`ResponseHeaderSink`] over an [`http::HeaderMap`].
#[derive(Debug)]
pub struct HeaderMapSink<'a>(pub &'a mut HeaderMap);

impl ResponseHeaderSink for HeaderMapSink<'_> {
    type Value = HttpValue;
    type Vary<'a>
        = Values<'a>
    where
        Self: 'a;

    fn insert(&mut self, name: ResponseHeader, value: HttpValue) {
        self.0.insert(response_header_name(name), value);
    }

    fn vary(&self) -> Values<'_> {
        values(self.0, header::VARY)
    }

    fn replace_vary(&mut self, merged: &str) {
        if let Ok(v) = HttpValue::from_str(merged) {
            self.0.insert(header::VARY, v);
        }
    }
}

/// What to do with a request.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "boxing either variant would cost an allocation on every request"
)]
pub enum Outcome {
    /// Answer at once with this response (a preflight, or a rejection under
    /// `on_reject = "forbid"`); do not call the service.
    Respond(Response<String>),
    /// Call the service, then apply these headers to its response, whatever
    /// its status (R20).
    Forward(PreparedHeaders<HttpValue>),
}

/// A policy prepared for `http` types: its fixed header values are converted
/// once, so handling a request copies no header bytes.
#[derive(Clone, Debug)]
pub struct HttpCors<P> {
    source: P,
    fixed: FixedValues<HttpValue>,
}

impl<P: PolicySource> HttpCors<P> {
    /// Prepares `source` for use with `http` types.
    pub fn new(source: P) -> Self {
        // Fixed values were validated as header values when the policy was
        // compiled, so the fallbacks are never used. A static policy's
        // values are borrowed: cloning them is free.
        let fixed = match source.static_policy() {
            Some(policy) => FixedValues::new_static(policy, |text| {
                HttpValue::from_maybe_shared(bytes::Bytes::from_static(text.as_bytes()))
                    .unwrap_or(HttpValue::from_static(""))
            }),
            None => FixedValues::new(source.policy(), |text| {
                HttpValue::from_str(text).unwrap_or(HttpValue::from_static(""))
            }),
        };
        HttpCors { source, fixed }
    }

    /// The policy source.
    pub fn source(&self) -> &P {
        &self.source
    }

    /// Converts a decision's headers. `origin` is the request's `Origin`
    /// value, reused (not copied) when the decision echoes it.
    pub fn prepare(
        &self,
        decision: &Decision<'_>,
        origin: Option<&HttpValue>,
    ) -> PreparedHeaders<HttpValue> {
        decision.prepare(|value| self.convert(value, origin))
    }

    /// One decision value as an `http` value: fixed values from the table
    /// built once, the echoed origin as the request's own value.
    fn convert(&self, value: HeaderValue<'_>, origin: Option<&HttpValue>) -> Option<HttpValue> {
        match value {
            HeaderValue::Fixed(v, _) => Some(self.fixed.get(v).clone()),
            HeaderValue::RequestOrigin(bytes) => match origin {
                Some(o) if o.as_bytes() == bytes => Some(o.clone()),
                _ => HttpValue::from_bytes(bytes).ok(),
            },
        }
    }

    /// Evaluates a request given as a view and its header map.
    pub fn handle_parts(&self, view: &(impl RequestView + ?Sized), headers: &HeaderMap) -> Outcome {
        let policy = self.source.policy();
        let decision = policy.evaluate(view);
        let origin = headers.get(header::ORIGIN);
        let Some(status) = decision.status() else {
            return Outcome::Forward(self.prepare(&decision, origin));
        };
        // An early answer is a new response: its headers go straight into a
        // map sized for them, with nothing to merge.
        let mut map = HeaderMap::with_capacity(decision.headers().len());
        for (name, value) in decision.headers().iter() {
            if let Some(value) = self.convert(value, origin) {
                map.insert(response_header_name(name), value);
            }
        }
        let body = decision
            .error_body()
            .map(|b| b.to_string())
            .unwrap_or_default();
        let mut response = Response::new(body);
        *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
        *response.headers_mut() = map;
        Outcome::Respond(response)
    }

    /// [`HttpCors::handle_parts`] for a whole request.
    pub fn handle<B>(&self, request: &Request<B>) -> Outcome {
        self.handle_parts(request, request.headers())
    }
}

/// What the tower layer needs from a prepared policy: an answer for each
/// request. Implemented by [`HttpCors`] and, with the `reload` feature, by
/// [`ReloadableHttpCors`].
pub trait HandleRequest {
    /// Evaluates a request and prepares the headers to send.
    fn handle_request<B>(&self, request: &Request<B>) -> Outcome;
}

impl<P: PolicySource> HandleRequest for HttpCors<P> {
    fn handle_request<B>(&self, request: &Request<B>) -> Outcome {
        self.handle(request)
    }
}

#[cfg(feature = "reload")]
pub use reload::ReloadableHttpCors;

#[cfg(feature = "reload")]
mod reload {
    use ::http::Request;
    use arc_swap::ArcSwap;

    use super::{HandleRequest, HttpCors, Outcome};
    use crate::policy::OwnedPolicy;

    /// A run-time-built policy that can be replaced while requests are in
    /// flight.
    ///
    /// Each request loads the current version once and takes its whole
    /// decision — matching, header values, status — from it, so a request
    /// sees the old policy or the new one, never a mix. Validate a new policy
    /// before storing it: `cors_policy::load` returns the diagnostics of an
    /// invalid file and the old policy keeps serving.
    ///
    /// ```
    /// use cors_runtime::adapters::http::{HandleRequest, Outcome, ReloadableHttpCors};
    /// let cors = ReloadableHttpCors::new(cors_policy::load(r#"origins = ["https://a.example"]"#).unwrap());
    /// let request = http::Request::get("/").header("origin", "https://b.example").body(()).unwrap();
    /// // Not allowed yet: forwarded without CORS headers.
    /// let Outcome::Forward(headers) = cors.handle_request(&request) else { unreachable!() };
    /// assert!(!headers.is_empty()); // only `Vary: Origin`
    ///
    /// match cors_policy::load(r#"origins = ["https://b.example", "null"]"#) {
    ///     Ok(policy) => cors.store(policy),
    ///     Err(report) => eprintln!("{report}"), // refused: the old policy stays
    /// }
    /// cors.store(cors_policy::load(r#"origins = ["https://b.example"]"#).unwrap());
    /// assert_eq!(cors.current_name(), "");
    /// ```
    #[derive(Debug)]
    pub struct ReloadableHttpCors {
        current: ArcSwap<HttpCors<OwnedPolicy>>,
    }

    impl ReloadableHttpCors {
        /// Starts with `policy`.
        pub fn new(policy: OwnedPolicy) -> Self {
            ReloadableHttpCors {
                current: ArcSwap::from_pointee(HttpCors::new(policy)),
            }
        }

        /// Replaces the policy for every request that starts from now on;
        /// requests in flight finish with the one they loaded.
        pub fn store(&self, policy: OwnedPolicy) {
            self.current
                .store(std::sync::Arc::new(HttpCors::new(policy)));
        }

        /// The current policy's name.
        pub fn current_name(&self) -> String {
            self.current.load().source().name.clone()
        }
    }

    impl HandleRequest for ReloadableHttpCors {
        fn handle_request<B>(&self, request: &Request<B>) -> Outcome {
            // One load per request: the decision is taken entirely from it.
            self.current.load().handle(request)
        }
    }
}

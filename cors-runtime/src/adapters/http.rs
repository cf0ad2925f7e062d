//! Adapter for the [`http`] crate's types, the common ground of hyper, tower,
//! axum and tonic.
//!
//! ```
//! use cors_runtime::adapters::http::{HttpCors, Outcome};
//! # let policy = cors_policy::load("origins = [\"https://app.example.com\"]").unwrap();
//! let cors = HttpCors::new(policy);
//! let mut request = http::Request::get("/items")
//!     .header("origin", "https://app.example.com")
//!     .body(())
//!     .unwrap();
//! let headers = match cors.handle(&mut request) {
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

use crate::apply::{FixedValues, ForwardHeaders, ResponseHeaderSink};
use crate::browser::ResponseView;
use crate::observe::Observer;
use crate::policy::PolicySource;
use crate::request::{RequestHeader, RequestParts, RequestView, single};
use crate::response::{FixedValue, HeaderValue, MAX_HEADERS, ResponseHeader};
use crate::shadow::{Asked, Shadowed};

// The `http` crate's constants for the core's names (`RequestHeader::ALL`,
// `ResponseHeader::ALL`): an exhaustive match, which measured faster than a
// table built from the names, and a test that it agrees with them.

/// The `http` header name of a request header the evaluator reads.
pub fn request_header_name(name: RequestHeader) -> HeaderName {
    match name {
        RequestHeader::Origin => header::ORIGIN,
        RequestHeader::AccessControlRequestMethod => header::ACCESS_CONTROL_REQUEST_METHOD,
        RequestHeader::AccessControlRequestHeaders => header::ACCESS_CONTROL_REQUEST_HEADERS,
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
        ResponseHeader::PolicyFingerprint => HeaderName::from_static("x-corsc-policy"),
    }
}

/// The values of one request header, as the evaluator reads them.
#[derive(Debug)]
pub struct Values<'a>(Option<header::ValueIter<'a, HttpValue>>);

impl<'a> Iterator for Values<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        self.0.as_mut()?.next().map(HttpValue::as_bytes)
    }
}

fn values<'a>(map: &'a HeaderMap, name: impl header::AsHeaderName) -> Values<'a> {
    Values(Some(map.get_all(name).iter()))
}

/// A request's method and headers, with the headers every evaluation reads
/// (`Origin`, and on `OPTIONS` the two `Access-Control-Request-*` headers)
/// looked up in the map once: a preflight costs three lookups, a GET one.
///
/// ```
/// use cors_runtime::RequestView;
/// use cors_runtime::RequestHeader::Origin;
/// use cors_runtime::adapters::http::HeaderMapView;
/// let request = http::Request::get("/").header("origin", "https://a.example").body(()).unwrap();
/// let view = HeaderMapView::new(request.method(), request.headers());
/// assert_eq!(view.header_values(Origin).next(), Some(&b"https://a.example"[..]));
/// assert_eq!(view.origin().unwrap(), "https://a.example");
/// ```
#[derive(Debug)]
pub struct HeaderMapView<'a> {
    method: &'a [u8],
    headers: &'a HeaderMap,
    origin: header::GetAll<'a, HttpValue>,
    request_method: Option<header::GetAll<'a, HttpValue>>,
    request_headers: Option<header::GetAll<'a, HttpValue>>,
}

impl<'a> HeaderMapView<'a> {
    /// Looks up the headers the evaluator reads for a request with `method`.
    pub fn new(method: &'a ::http::Method, headers: &'a HeaderMap) -> Self {
        let preflight = method == ::http::Method::OPTIONS;
        HeaderMapView {
            method: method.as_str().as_bytes(),
            headers,
            origin: headers.get_all(header::ORIGIN),
            request_method: preflight
                .then(|| headers.get_all(header::ACCESS_CONTROL_REQUEST_METHOD)),
            request_headers: preflight
                .then(|| headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS)),
        }
    }

    /// The first `Origin` value (the one a decision echoes).
    pub fn origin(&self) -> Option<&'a HttpValue> {
        self.origin.iter().next()
    }
}

impl RequestView for HeaderMapView<'_> {
    type Values<'b>
        = Values<'b>
    where
        Self: 'b;

    fn method(&self) -> &[u8] {
        self.method
    }

    fn header_values(&self, name: RequestHeader) -> Values<'_> {
        let cached = match name {
            RequestHeader::Origin => Some(&self.origin),
            RequestHeader::AccessControlRequestMethod => self.request_method.as_ref(),
            RequestHeader::AccessControlRequestHeaders => self.request_headers.as_ref(),
            RequestHeader::SecFetchSite => {
                return values(self.headers, request_header_name(name));
            }
        };
        // Not looked up: the request is not OPTIONS, and the evaluator reads
        // these two only on preflights.
        Values(cached.map(header::GetAll::iter))
    }
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

    fn insert_vary_if_absent(&mut self, value: HttpValue) -> Option<HttpValue> {
        match self.0.entry(header::VARY) {
            ::http::header::Entry::Vacant(entry) => {
                entry.insert(value);
                None
            }
            ::http::header::Entry::Occupied(_) => Some(value),
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
    /// `on_reject = "forbid"`); do not call the service. Its header map is
    /// the request's own, cleared and refilled, so answering allocates
    /// nothing; the body is the JSON error of a `forbid` rejection.
    Respond(Response<Option<bytes::Bytes>>),
    /// Call the service, then apply these headers to its response, whatever
    /// its status (R20).
    Forward(ForwardHeaders<HttpValue>),
}

/// A policy prepared for `http` types: its fixed header values are converted
/// once, so handling a request copies no header bytes.
#[derive(Debug)]
pub struct HttpCors<P> {
    source: P,
    fixed: FixedValues<HttpValue>,
    observer: Observer,
}

/// A clone converts its fixed values again, from the clone's own policy:
/// the table recognises a policy's values by their text's address, and
/// cloning an [`OwnedPolicy`](crate::OwnedPolicy) moves its text, so a
/// copied table would convert them again on every request.
impl<P: PolicySource + Clone> Clone for HttpCors<P> {
    fn clone(&self) -> Self {
        HttpCors::prepare(self.source.clone())
    }
}

impl<P: PolicySource> HttpCors<P> {
    /// Prepares `source` for use with `http` types (with the `tracing`
    /// feature, an `INFO` event names the policy and its fingerprint).
    pub fn new(source: P) -> Self {
        let cors = HttpCors::prepare(source);
        Observer::serving(&cors.source.policy(), "serving");
        cors
    }

    /// [`HttpCors::new`], without the event.
    pub(crate) fn prepare(source: P) -> Self {
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
        HttpCors {
            source,
            fixed,
            observer: Observer::new(),
        }
    }

    /// The policy source.
    pub fn source(&self) -> &P {
        &self.source
    }

    /// Evaluates a request: answer it at once, or forward it and apply the
    /// prepared headers to the service's response. An early answer takes the
    /// request's header map (cleared first, so nothing of the request — no
    /// cookie, no credential — reaches the answer) and moves the echoed
    /// `Origin` value out of it; a forwarded request is left untouched.
    ///
    /// ```
    /// use cors_runtime::adapters::http::{HttpCors, Outcome};
    /// # let policy = cors_policy::load(r#"
    /// #     origins = ["https://app.example.com"]
    /// #     methods = ["PUT"]
    /// # "#).unwrap();
    /// let cors = HttpCors::new(policy);
    /// let mut request = http::Request::options("/items/7")
    ///     .header("origin", "https://app.example.com")
    ///     .header("access-control-request-method", "PUT")
    ///     .header("cookie", "session=secret")
    ///     .body(())
    ///     .unwrap();
    /// let Outcome::Respond(response) = cors.handle(&mut request) else {
    ///     unreachable!("an allowed preflight is answered at once")
    /// };
    /// assert_eq!((response.status().as_u16(), response.body()), (204, &None));
    /// assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example.com");
    /// assert!(response.headers().get("cookie").is_none()); // nothing of the request is left
    /// ```
    pub fn handle<B>(&self, request: &mut Request<B>) -> Outcome {
        // `FixedValues::step`, unrolled: the early answer is written into
        // the request's own map, which needs the decision's borrow of the
        // request to end first, and carrying it out through `Step` measured
        // 4–6 % slower per preflight through tower (`benches/README.md`).
        let early = self.source.with_policy(&*request, |chosen| {
            let view = HeaderMapView::new(request.method(), request.headers());
            let origin = view.origin();
            let decision = chosen.evaluate(&view);
            self.observer.decision(&chosen, &view, &decision);
            if chosen.policy().report_only() {
                return Handled::Forward(ForwardHeaders::default());
            }
            let Some(status) = decision.status() else {
                return Handled::Forward(self.fixed.prepare(
                    decision.headers(),
                    |bytes| match origin {
                        Some(o) if o.as_bytes() == bytes => Some(o.clone()),
                        _ => HttpValue::from_bytes(bytes).ok(),
                    },
                ));
            };
            // What to write, as copyable keys: the table's own values are
            // cloned once the request's borrow ends; only a value of
            // another plan (a platform's non-default plan) is converted
            // here, from its text, which lives no longer than this call.
            let mut answer = [(ResponseHeader::Vary, Early::Echo); MAX_HEADERS];
            let mut others = Vec::new();
            let count = decision.headers().len();
            for (slot, (name, value)) in answer.iter_mut().zip(decision.headers().iter()) {
                *slot = match value {
                    HeaderValue::Fixed(v, text) if self.fixed.get_for(v, text).is_some() => {
                        (name, Early::Table(v))
                    }
                    HeaderValue::Fixed(..) => {
                        others.push(
                            self.fixed
                                .convert(value, |text| HttpValue::from_bytes(text).ok())
                                .unwrap_or(HttpValue::from_static("")),
                        );
                        (name, Early::Other(others.len() - 1))
                    }
                    HeaderValue::RequestOrigin(_) => (name, Early::Echo),
                };
            }
            let body = decision
                .error_body()
                .map(|b| bytes::Bytes::from(b.to_string()));
            Handled::Respond {
                status,
                answer,
                count,
                others,
                body,
            }
        });
        let (status, answer, count, mut others, body) = match early {
            Handled::Respond {
                status,
                answer,
                count,
                others,
                body,
            } => (status, answer, count, others, body),
            Handled::Forward(headers) => return Outcome::Forward(headers),
        };
        let mut map = std::mem::take(request.headers_mut());
        // A decision echoes the request's only Origin line.
        let mut origin = map.remove(header::ORIGIN);
        map.clear();
        for (name, key) in answer.into_iter().take(count) {
            let value = match key {
                Early::Table(v) => self.fixed.get(v).clone(),
                Early::Other(i) => match others.get_mut(i) {
                    Some(v) => std::mem::replace(v, HttpValue::from_static("")),
                    None => continue,
                },
                Early::Echo => match origin.take() {
                    Some(origin) => origin,
                    None => continue,
                },
            };
            map.insert(response_header_name(name), value);
        }
        let mut response = Response::new(body);
        *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
        *response.headers_mut() = map;
        Outcome::Respond(response)
    }
}

impl<P: PolicySource> HttpCors<P> {
    /// What a shadow keeps of `request`: the policy's decision on it and
    /// the request headers its answer is judged by, as clones of the
    /// request's own values (no copy of their bytes).
    pub fn shadowed<B>(&self, request: &Request<B>) -> Shadowed<HttpValue> {
        self.source.with_policy(request, |chosen| {
            let view = HeaderMapView::new(request.method(), request.headers());
            let decision = chosen.evaluate(&view);
            let headers = request.headers();
            let asked = Asked::read(request.method() == ::http::Method::OPTIONS, |name| {
                headers
                    .get_all(request_header_name(name))
                    .iter()
                    .cloned()
                    .collect()
            });
            let origin = view.origin();
            Shadowed::new(
                &chosen,
                request.method().as_str().as_bytes(),
                &decision,
                asked,
                &self.fixed,
                |bytes| match origin {
                    Some(o) if o.as_bytes() == bytes => Some(o.clone()),
                    _ => HttpValue::from_bytes(bytes).ok(),
                },
            )
        })
    }
}

/// A response as a browser reads it, for the shadow's comparison.
impl<B> ResponseView for Response<B> {
    type Values<'a>
        = Values<'a>
    where
        B: 'a;

    fn status(&self) -> u16 {
        self.status().as_u16()
    }

    fn header_values(&self, name: ResponseHeader) -> Values<'_> {
        values(self.headers(), response_header_name(name))
    }
}

/// What [`HttpCors::handle`] decided while the request was borrowed.
#[allow(
    clippy::large_enum_variant,
    reason = "lives on the stack for one call; boxing would allocate per request"
)]
enum Handled {
    Forward(ForwardHeaders<HttpValue>),
    Respond {
        status: u16,
        answer: [(ResponseHeader, Early); MAX_HEADERS],
        count: usize,
        /// Values of another plan than the table's, converted.
        others: Vec<HttpValue>,
        body: Option<bytes::Bytes>,
    },
}

/// Where an early answer's header value comes from: a copyable key, so
/// carrying the answer out of the request's borrow moves a few bytes, not
/// an array of header values (which cost ~60 ns per preflight).
#[derive(Clone, Copy)]
enum Early {
    /// The table's converted value.
    Table(FixedValue),
    /// `Handled::Respond::others[i]`.
    Other(usize),
    /// The request's own `Origin` value, moved out of it.
    Echo,
}

/// A request's path, query, host and headers, for sources that choose the
/// policy per request.
impl<B> RequestParts for Request<B> {
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
                .iter()
                .map(HttpValue::as_bytes),
            self.uri().authority().map(|a| a.as_str()),
        )
    }

    fn header(&self, name: &str) -> Option<&[u8]> {
        single(self.headers().get_all(name).iter().map(HttpValue::as_bytes))
    }
}

/// What the tower layer needs from a prepared policy: an answer for each
/// request. Implemented by [`HttpCors`] and, with the `reload` feature, by
/// [`ReloadableHttpCors`](super::reload::ReloadableHttpCors).
pub trait HandleRequest {
    /// Evaluates a request as [`HttpCors::handle`] does.
    fn handle_request<B>(&self, request: &mut Request<B>) -> Outcome;
}

impl<P: PolicySource> HandleRequest for HttpCors<P> {
    fn handle_request<B>(&self, request: &mut Request<B>) -> Outcome {
        self.handle(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_recognises_its_own_policys_values() {
        let owned = crate::OwnedPolicy {
            max_age_value: "600".to_string(),
            ..crate::OwnedPolicy::any_origin_for_tests("GET, PUT")
        };
        let cors = HttpCors::new(owned);
        let clone = cors.clone();
        let policy = clone.source().policy();
        for v in [FixedValue::AllowMethods, FixedValue::MaxAge] {
            assert!(
                clone.fixed.get_for(v, policy.fixed_value(v)).is_some(),
                "{v:?} of the clone's policy is not its table's"
            );
        }
    }

    #[test]
    fn framework_names_are_the_core_names() {
        crate::adapters::assert_names_match(request_header_name, response_header_name);
    }
}

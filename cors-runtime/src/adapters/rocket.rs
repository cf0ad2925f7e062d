//! A rocket 0.5 fairing: `rocket::build().attach(Cors::new(API))`.
//!
//! Rocket fairings cannot answer a request themselves, so the fairing mounts
//! one route, [`Cors::EARLY_ROUTE`], and sends preflights (and rejections
//! under `on_reject = "forbid"`) there: they are answered without reaching
//! the application's routes, including routes that declare no `OPTIONS`
//! handler. Every other request reaches its route, and the decision's
//! headers are added to whatever it answers — catchers (404, 500) included
//! (R20) — with `Vary` merged into the existing value (R24, R29).
//!
//! Fairings are global in rocket, so per-route policies are given by path:
//! [`Cors::scoped`] + [`Cors::mount`] choose a policy by the longest
//! matching base, like rocket's own `mount`. Paths are compared exactly as
//! rocket's router compares them — the request's percent-decoded, non-empty
//! segments against the base's raw, non-empty segments — so a request rocket
//! routes to `/admin` gets the `/admin` policy however it is spelled
//! (`//admin`, `/%61dmin`, `/admin/`), and a base written with `%XX` covers
//! exactly the requests rocket routes to it.
//!
//! ```
//! use cors_runtime::Policy;
//! use cors_runtime::adapters::rocket::Cors;
//! use rocket::local::asynchronous::Client;
//!
//! static API: Policy<'static> = cors_macros::cors_policy!(toml = r#"
//!     origins = ["https://app.example.com"]
//!     methods = ["GET", "PUT"]
//! "#);
//!
//! #[rocket::get("/items")]
//! fn items() -> &'static str { "[]" }
//!
//! # rocket::async_test(async {
//! let rocket = rocket::build()
//!     .attach(Cors::new(API))
//!     .mount("/", rocket::routes![items]);
//! let client = Client::untracked(rocket).await.unwrap();
//! let response = client
//!     .options("/items") // no OPTIONS route: the fairing answers
//!     .header(rocket::http::Header::new("origin", "https://app.example.com"))
//!     .header(rocket::http::Header::new("access-control-request-method", "PUT"))
//!     .dispatch()
//!     .await;
//! assert_eq!(response.status().code, 204);
//! assert_eq!(response.headers().get_one("access-control-allow-methods"), Some("GET, PUT"));
//! # });
//! ```

use std::borrow::Cow;
use std::io::Cursor;
use std::sync::Arc;

use rocket::data::Data;
use rocket::fairing::{self, Fairing, Info, Kind};
use rocket::http::uri::Origin;
use rocket::http::{Header, HeaderMap, Method, Status};
use rocket::route::{self, Handler, Route};
use rocket::{Build, Request, Response};

use crate::apply::{
    EARLY_HEADERS, FixedValues, ForwardHeaders, PreparedHeaders, ResponseHeaderSink, Step,
};
use crate::browser::ResponseView;
use crate::observe::Observer;
use crate::policy::PolicySource;
use crate::request::RequestParts;
use crate::request::{RequestHeader, RequestView};
use crate::response::ResponseHeader;
use crate::shadow::{Asked, ShadowReport, Shadowed};

/// Iterator over one header's values in a rocket [`HeaderMap`].
///
/// Rocket exposes a header's values only through an unnameable iterator, so
/// each step restarts it; the number of lines is bounded by the server's
/// header limit, and the evaluator reads at most a few.
#[derive(Debug)]
pub struct RocketValues<'a> {
    map: &'a HeaderMap<'a>,
    name: &'static str,
    next: usize,
}

impl<'a> Iterator for RocketValues<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let value = self.map.get(self.name).nth(self.next)?;
        self.next += 1;
        Some(value.as_bytes())
    }
}

fn values<'a>(map: &'a HeaderMap<'a>, name: &'static str) -> RocketValues<'a> {
    RocketValues { map, name, next: 0 }
}

impl RequestView for Request<'_> {
    type Values<'a>
        = RocketValues<'a>
    where
        Self: 'a;

    fn method(&self) -> &[u8] {
        self.method().as_str().as_bytes()
    }

    fn header_values(&self, name: RequestHeader) -> RocketValues<'_> {
        values(self.headers(), name.as_str())
    }
}

/// A [`ResponseHeaderSink`] over a rocket [`Response`].
#[derive(Debug)]
pub struct RocketHeaderSink<'a, 'r>(pub &'a mut Response<'r>);

impl ResponseHeaderSink for RocketHeaderSink<'_, '_> {
    type Value = Cow<'static, str>;
    type Vary<'a>
        = RocketValues<'a>
    where
        Self: 'a;

    fn insert(&mut self, name: ResponseHeader, value: Cow<'static, str>) {
        self.0.set_header(Header::new(name.as_str(), value));
    }

    fn vary(&self) -> RocketValues<'_> {
        values(self.0.headers(), "vary")
    }

    fn replace_vary(&mut self, merged: &str) {
        self.0.set_header(Header::new("vary", merged.to_owned()));
    }
}

/// A policy source with its type erased, so one fairing holds scopes of
/// different source types.
trait ScopeSource: Send + Sync {
    /// The policy's name, for `Debug`.
    fn name(&self) -> String;

    /// The decision for `request`, its values converted with `fixed`.
    fn state(
        &self,
        request: &Request<'_>,
        fixed: &FixedValues<Cow<'static, str>>,
        observer: &Observer,
    ) -> State;

    /// What a shadow keeps of `request`: the decision and what it asked.
    fn shadowed(
        &self,
        request: &Request<'_>,
        fixed: &FixedValues<Cow<'static, str>>,
    ) -> Shadowed<Cow<'static, str>>;
}

impl<P: PolicySource + Send + Sync> ScopeSource for P {
    fn name(&self) -> String {
        self.policy().name().to_string()
    }

    fn state(
        &self,
        request: &Request<'_>,
        fixed: &FixedValues<Cow<'static, str>>,
        observer: &Observer,
    ) -> State {
        // Rocket's values are text: the echoed origin is copied once.
        let echo = |bytes: &[u8]| {
            std::str::from_utf8(bytes)
                .ok()
                .map(|s| Cow::Owned(s.to_owned()))
        };
        let respond = |decision: &crate::Decision<'_>| State::Early {
            status: decision.status().unwrap_or(403),
            body: decision
                .error_body()
                .map(|b| b.to_string())
                .unwrap_or_default(),
            headers: fixed.prepare(decision.headers(), echo),
        };
        let step = self.with_policy(request, |chosen| {
            fixed.step(observer, chosen, request, echo, respond)
        });
        match step {
            Step::Forward(headers) => State::Forward(headers),
            Step::Respond(early) => early,
        }
    }

    fn shadowed(
        &self,
        request: &Request<'_>,
        fixed: &FixedValues<Cow<'static, str>>,
    ) -> Shadowed<Cow<'static, str>> {
        self.with_policy(request, |chosen| {
            let decision = chosen.evaluate(request);
            let asked = Asked::read(request.method() == Method::Options, |name| {
                request
                    .headers()
                    .get(name.as_str())
                    .map(|v| Cow::Owned(v.to_owned()))
                    .collect()
            });
            Shadowed::new(
                &chosen,
                request.method().as_str().as_bytes(),
                &decision,
                asked,
                fixed,
                |bytes| {
                    std::str::from_utf8(bytes)
                        .ok()
                        .map(|s| Cow::Owned(s.to_owned()))
                },
            )
        })
    }
}

type SharedSource = Arc<dyn ScopeSource>;

/// One policy and the path prefix it covers.
#[derive(Clone)]
struct Scope {
    base: String,
    /// The base's raw (not decoded), non-empty segments: rocket's router
    /// keeps a mount point's segments raw and compares them with the
    /// request's decoded segments, and so does the fairing.
    segments: Vec<String>,
    source: SharedSource,
    fixed: FixedValues<Cow<'static, str>>,
    observer: Arc<Observer>,
}

impl std::fmt::Debug for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scope")
            .field("base", &self.base)
            .field("policy", &self.source.name())
            .finish()
    }
}

impl Scope {
    fn covers(&self, path: &rocket::http::uri::Path<'_>) -> bool {
        let mut request = path.segments();
        self.segments
            .iter()
            .all(|base| request.next() == Some(base.as_str()))
    }
}

/// The decision for one request, kept in rocket's request-local cache
/// between the request and response callbacks.
enum State {
    /// No policy covers the request's path.
    Untouched,
    /// Headers to add to the route's response.
    Forward(ForwardHeaders<Cow<'static, str>>),
    /// An answer the fairing gives itself at [`Cors::EARLY_ROUTE`].
    Early {
        status: u16,
        body: String,
        headers: PreparedHeaders<Cow<'static, str>, EARLY_HEADERS>,
    },
}

/// The fairing: attach it with `rocket::build().attach(...)`.
#[derive(Debug, Clone)]
pub struct Cors {
    /// Longest base first, so the first that covers a path is the longest.
    scopes: Vec<Scope>,
}

impl Cors {
    /// The route that answers preflights and `forbid` rejections. The fairing
    /// mounts it and rewrites such requests to `GET` it; a request that
    /// comes to it any other way gets 404.
    pub const EARLY_ROUTE: &'static str = "/__corsc/early-answer";

    /// A fairing applying `policy` to every path.
    pub fn new<P: PolicySource + Send + Sync + 'static>(policy: P) -> Self {
        Cors::scoped().mount("/", policy)
    }

    /// A fairing with no policy yet; add one per path prefix with
    /// [`Cors::mount`]. Paths no prefix covers get no CORS headers.
    pub fn scoped() -> Self {
        Cors { scopes: Vec::new() }
    }

    /// Applies `policy` to `base` and every path below it (`/public` covers
    /// `/public` and `/public/...`, not `/publicity`), comparing segments
    /// as rocket's router does (the base's raw, the request's decoded). The
    /// base with the most segments wins; mounting a base twice replaces its
    /// policy.
    pub fn mount<P: PolicySource + Send + Sync + 'static>(self, base: &str, policy: P) -> Self {
        let base = match base.trim_end_matches('/') {
            "" => "/".to_string(),
            b if b.starts_with('/') => b.to_string(),
            b => format!("/{b}"),
        };
        let fixed = fixed_values(&policy);
        let segments: Vec<String> = base
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let mut scopes = self.scopes;
        scopes.retain(|s| s.segments != segments);
        Observer::serving(&policy.policy(), "serving");
        scopes.push(Scope {
            base,
            segments,
            source: Arc::new(policy),
            fixed,
            observer: Arc::new(Observer::new()),
        });
        scopes.sort_by_key(|s| std::cmp::Reverse(s.segments.len()));
        Cors { scopes }
    }

    fn evaluate(&self, request: &Request<'_>) -> State {
        let path = request.uri().path();
        let Some(scope) = self.scopes.iter().find(|s| s.covers(&path)) else {
            return State::Untouched;
        };
        scope.source.state(request, &scope.fixed, &scope.observer)
    }
}

#[rocket::async_trait]
impl Fairing for Cors {
    fn info(&self) -> Info {
        Info {
            name: "corsc CORS",
            kind: Kind::Ignite | Kind::Request | Kind::Response,
        }
    }

    async fn on_ignite(&self, rocket: rocket::Rocket<Build>) -> fairing::Result {
        Ok(rocket.mount(
            "/",
            vec![Route::new(Method::Get, Cors::EARLY_ROUTE, EarlyAnswer)],
        ))
    }

    async fn on_request(&self, request: &mut Request<'_>, _: &mut Data<'_>) {
        let state = self.evaluate(request);
        let early = matches!(state, State::Early { .. });
        request.local_cache(|| state);
        if early {
            request.set_method(Method::Get);
            request.set_uri(Origin::path_only(Cors::EARLY_ROUTE));
        }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        match request.local_cache(|| State::Untouched) {
            State::Untouched => {}
            State::Forward(headers) => headers.apply(&mut RocketHeaderSink(response)),
            State::Early {
                status,
                body,
                headers,
            } => {
                // Whatever produced the response (normally `EarlyAnswer`), the
                // answer is the decision's: status, headers and body only.
                *response = Response::new();
                response.set_status(Status::new(*status));
                if !body.is_empty() {
                    response.set_sized_body(body.len(), Cursor::new(body.clone()));
                }
                headers.apply(&mut RocketHeaderSink(response));
            }
        }
    }
}

/// A shadow of a policy ([`crate::shadow`]) for a rocket app. It changes
/// nothing in the request or the response; it evaluates the policy on
/// every request, compares the decision with the CORS headers the
/// response carries, and reports each disagreement (with the `tracing`
/// and `metrics` features).
///
/// A CORS fairing (rocket_cors, or this crate's [`Cors`]) rewrites the
/// requests it answers itself — to `GET` its own route — before routing,
/// and adds its headers when the response is made; rocket runs fairings in
/// the order they were attached. So wrap the existing fairing,
/// [`Shadow::around`]: the shadow reads each request before that fairing
/// changes it and each response after it has written its headers. With
/// CORS written in the routes themselves, attach [`Shadow::new`] alone.
///
/// ```
/// use cors_runtime::Policy;
/// use cors_runtime::adapters::rocket::Shadow;
/// use rocket::local::asynchronous::Client;
///
/// static STRICTER: Policy<'static> = cors_macros::cors_policy!(toml = r#"
///     origins = ["https://app.example.com"]
/// "#);
///
/// #[rocket::get("/items")]
/// fn items() -> &'static str { "[]" }
///
/// # rocket::async_test(async {
/// let rocket = rocket::build()
///     // Today's CORS fairing, wrapped: `Shadow::around(STRICTER, rocket_cors_fairing)`.
///     .attach(Shadow::new(STRICTER))
///     .mount("/", rocket::routes![items]);
/// let client = Client::untracked(rocket).await.unwrap();
/// let response = client
///     .get("/items")
///     .header(rocket::http::Header::new("origin", "https://evil.example"))
///     .dispatch()
///     .await;
/// // Served as today: the shadow only reports.
/// assert_eq!(response.status().code, 200);
/// # });
/// ```
pub struct Shadow {
    source: SharedSource,
    fixed: FixedValues<Cow<'static, str>>,
    report: ShadowReport,
    existing: Option<Box<dyn Fairing>>,
    /// Which of the app's shadows this is: each keeps its own record of a
    /// request in the one request-local slot.
    id: usize,
}

impl std::fmt::Debug for Shadow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shadow")
            .field("policy", &self.source.name())
            .field("around", &self.existing.as_ref().map(|e| e.info().name))
            .finish_non_exhaustive()
    }
}

impl Shadow {
    /// A shadow of `policy` on every path.
    pub fn new<P: PolicySource + Send + Sync + 'static>(policy: P) -> Self {
        let fixed = fixed_values(&policy);
        Observer::serving(&policy.policy(), "shadowed");
        static IDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        Shadow {
            source: Arc::new(policy),
            fixed,
            report: ShadowReport::default(),
            existing: None,
            id: IDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// A shadow of `policy` around `existing`, the app's CORS fairing: attach
    /// this in its place. It passes every callback on to `existing`, and
    /// reads each request before `existing` does and each response after.
    pub fn around<P, F>(policy: P, existing: F) -> Self
    where
        P: PolicySource + Send + Sync + 'static,
        F: Fairing,
    {
        Shadow {
            existing: Some(Box::new(existing)),
            ..Shadow::new(policy)
        }
    }
}

/// The shadows' records of one request, by shadow, in rocket's
/// request-local cache (which keeps one value per type).
#[derive(Default)]
struct ShadowSlots(std::sync::Mutex<Vec<(usize, Shadowed<Cow<'static, str>>)>>);

#[rocket::async_trait]
impl Fairing for Shadow {
    fn info(&self) -> Info {
        let existing = self.existing.as_ref().map(|f| f.info().kind);
        Info {
            name: "corsc CORS shadow",
            kind: existing.map_or(Kind::Request | Kind::Response, |kind| {
                kind | Kind::Request | Kind::Response
            }),
        }
    }

    async fn on_ignite(&self, rocket: rocket::Rocket<Build>) -> fairing::Result {
        match &self.existing {
            Some(existing) if existing.info().kind.is(Kind::Ignite) => {
                existing.on_ignite(rocket).await
            }
            _ => Ok(rocket),
        }
    }

    async fn on_liftoff(&self, rocket: &rocket::Rocket<rocket::Orbit>) {
        if let Some(existing) = &self.existing {
            existing.on_liftoff(rocket).await;
        }
    }

    async fn on_request(&self, request: &mut Request<'_>, data: &mut Data<'_>) {
        let shadowed = self.source.shadowed(request, &self.fixed);
        request
            .local_cache(ShadowSlots::default)
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((self.id, shadowed));
        if let Some(existing) = &self.existing {
            existing.on_request(request, data).await;
        }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        if let Some(existing) = &self.existing {
            existing.on_response(request, response).await;
        }
        let mine = {
            let mut slots = request
                .local_cache(ShadowSlots::default)
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let at = slots.iter().position(|(id, _)| *id == self.id);
            at.map(|i| slots.swap_remove(i).1)
        };
        if let Some(shadowed) = mine {
            let found = shadowed.compare(&RocketResponse(response));
            shadowed.report(found, response.status().code, &self.report);
        }
    }

    async fn on_shutdown(&self, rocket: &rocket::Rocket<rocket::Orbit>) {
        if let Some(existing) = &self.existing {
            existing.on_shutdown(rocket).await;
        }
    }
}

/// A rocket response as a browser reads it.
struct RocketResponse<'a, 'r>(&'a Response<'r>);

impl ResponseView for RocketResponse<'_, '_> {
    type Values<'a>
        = RocketValues<'a>
    where
        Self: 'a;

    fn status(&self) -> u16 {
        self.0.status().code
    }

    fn header_values(&self, name: ResponseHeader) -> RocketValues<'_> {
        values(self.0.headers(), name.as_str())
    }
}

/// A policy's fixed values as rocket's: a static policy's borrowed, no
/// copy per response.
fn fixed_values<P: PolicySource>(policy: &P) -> FixedValues<Cow<'static, str>> {
    match policy.static_policy() {
        Some(p) => FixedValues::new_static(p, Cow::Borrowed),
        None => FixedValues::new(policy.policy(), |text| Cow::Owned(text.to_owned())),
    }
}

/// The handler of [`Cors::EARLY_ROUTE`]: an empty response the fairing's
/// response callback turns into the decision's answer.
#[derive(Clone, Copy, Debug)]
struct EarlyAnswer;

#[rocket::async_trait]
impl Handler for EarlyAnswer {
    async fn handle<'r>(&self, request: &'r Request<'_>, data: Data<'r>) -> route::Outcome<'r> {
        match request.local_cache(|| State::Untouched) {
            State::Early { .. } => route::Outcome::from(request, ()),
            _ => route::Outcome::forward(data, Status::NotFound),
        }
    }
}

/// A request's path, query, host and headers, for sources that choose the
/// policy per request.
impl RequestParts for Request<'_> {
    fn path(&self) -> &[u8] {
        self.uri().path().as_str().as_bytes()
    }

    fn query(&self) -> Option<&[u8]> {
        self.uri().query().map(|q| q.as_str().as_bytes())
    }

    /// Rocket's own reading of the host — the `Host` header, or HTTP/2's
    /// `:authority` — without its port, which rocket keeps apart.
    fn host(&self) -> Option<&[u8]> {
        Request::host(self).map(|host| host.domain().as_str().as_bytes())
    }

    fn header(&self, name: &str) -> Option<&[u8]> {
        crate::request::single(self.headers().get(name).map(str::as_bytes))
    }
}

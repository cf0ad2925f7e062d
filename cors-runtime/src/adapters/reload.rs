//! A run-time-built policy for the `http` adapter that can be replaced while
//! requests are in flight (feature `reload`).

use ::http::Request;
use arc_swap::ArcSwap;

use super::http::{HandleRequest, HttpCors, Outcome};
use crate::policy::{OwnedPolicy, PolicySource};

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
/// use cors_runtime::adapters::http::{HandleRequest, Outcome};
/// use cors_runtime::adapters::reload::ReloadableHttpCors;
/// let cors = ReloadableHttpCors::new(cors_policy::load(r#"origins = ["https://a.example"]"#).unwrap());
/// let mut request = http::Request::get("/").header("origin", "https://b.example").body(()).unwrap();
/// // Not allowed yet: forwarded without CORS headers.
/// let Outcome::Forward(headers) = cors.handle_request(&mut request) else { unreachable!() };
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
        let cors = HttpCors::prepare(policy);
        crate::observe::Observer::serving(&cors.source().policy(), "reloaded");
        self.current.store(std::sync::Arc::new(cors));
    }

    /// The current policy's name.
    pub fn current_name(&self) -> String {
        self.current.load().source().name.clone()
    }
}

impl HandleRequest for ReloadableHttpCors {
    fn handle_request<B>(&self, request: &mut Request<B>) -> Outcome {
        // One load per request: the decision is taken entirely from it.
        self.current.load().handle(request)
    }
}

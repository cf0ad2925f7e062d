//! Fetch-conformant CORS evaluation for policies compiled by **corsc**.
//!
//! A policy is declared once in TOML, validated and compiled — at build time
//! by `cors_policy!`, or at start-up by `cors_policy::load` — into a
//! [`Policy`]: perfect hash tables for exact origins and subdomain wildcards,
//! and every response header value precomputed. Evaluating a request reads a
//! few headers, probes the tables and returns a [`Decision`] without
//! allocating.
//!
//! ```
//! use cors_runtime::{DecisionKind, Policy, ResponseHeader, SimpleRequest};
//!
//! static API: Policy<'static> = cors_macros::cors_policy!(toml = r#"
//!     origins = ["https://app.example.com", "https://*.example.com"]
//!     methods = ["GET", "PUT"]
//!     allow_headers = ["content-type"]
//!     credentials = true
//! "#);
//!
//! let headers = [
//!     ("origin", &b"https://eu.example.com"[..]),
//!     ("access-control-request-method", b"PUT"),
//!     ("access-control-request-headers", b"content-type"),
//! ];
//! let request = SimpleRequest::new(b"OPTIONS", &headers);
//! let decision = API.evaluate(&request);
//! assert_eq!(decision.kind(), DecisionKind::Preflight);
//! assert_eq!(decision.status(), Some(204));
//! let acao = decision.headers().get(ResponseHeader::AllowOrigin).unwrap();
//! assert_eq!(acao.as_bytes(), b"https://eu.example.com");
//!
//! // A look-alike never matches.
//! let headers = [("origin", &b"https://example.com.evil.test"[..])];
//! let request = SimpleRequest::new(b"GET", &headers);
//! let decision = API.evaluate(&request);
//! assert_eq!(decision.kind(), DecisionKind::Rejected);
//! ```
//!
//! # Using a decision
//!
//! If [`Decision::status`] is `Some`, answer the request at once with that
//! status, the decision's headers and its [`Decision::error_body`]; the
//! service is not called (preflights, and rejections under
//! `on_reject = "forbid"`). Otherwise call the service and add the headers to
//! its response, whatever its status (R20). Adapters do this through
//! [`RequestView`] (request in) and [`ResponseHeaderSink`] (headers out).
//!
//! Rule numbers (R1…R30) in this documentation refer to the project's digest
//! of the Fetch standard's CORS protocol, `docs/fetch-cors-rules.md` in the
//! repository, where each rule links to its section of the standard.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod apply;
mod decision;
mod evaluate;
mod hash;
mod matcher;
pub mod origin;
mod policy;
mod request;
mod response;
mod table;
mod token;
pub mod vary;

pub mod adapters;

pub use apply::{
    EARLY_HEADERS, FORWARD_HEADERS, FixedValues, ForwardHeaders, PreparedHeaders,
    ResponseHeaderSink, Step,
};
pub use decision::{Decision, DecisionKind, ErrorBody, ErrorFormat, Reason};
pub use matcher::MatchedBy;
pub use policy::{Chosen, OnReject, OwnedPolicy, Policy, PolicySource};
pub use request::{RequestHeader, RequestParts, RequestView, SimpleRequest, SimpleValues};
pub use response::{FixedValue, HeaderValue, ResponseHeader, ResponseHeaders};
pub use token::{MAX_HEADER_NAME_LEN, MAX_REQUEST_HEADERS_LEN, is_token};

/// Items used by generated code and by the policy compiler. Not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::matcher::{
        FastMatch, RawOrigins, exact_hash, wildcard_entry_hash, wildcard_lengths,
    };
    pub use crate::policy::{OwnedOrigins, RawPolicy};
    pub use crate::response::list_value;
    pub use crate::table::{BuildError, OwnedTable, RawTable, eq_bytes};

    /// The matcher's fast path alone (for tests).
    pub fn match_unchecked<'a>(policy: crate::Policy<'a>, origin: &[u8]) -> FastMatch<'a> {
        policy.__raw().origins.match_unchecked(origin)
    }

    /// Parsing then matching, without the fast path (for tests).
    pub fn match_parsed<'a>(
        policy: crate::Policy<'a>,
        origin: &[u8],
    ) -> Option<crate::MatchedBy<'a>> {
        match crate::origin::parse(origin) {
            Ok(crate::origin::RequestOrigin::Tuple(t)) => policy.__raw().origins.match_tuple(&t),
            _ => None,
        }
    }
}

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<crate::Policy<'static>>();
        assert_send_sync::<crate::OwnedPolicy>();
        assert_send_sync::<crate::Decision<'static>>();
        assert_send_sync::<crate::PreparedHeaders<String>>();
        assert_send_sync::<crate::FixedValues<String>>();
    }
}

#![doc = include_str!("../README.md")]
// Feature-gated items are marked as such on docs.rs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod apply;
pub mod browser;
mod decision;
mod evaluate;
mod hash;
mod matcher;
pub mod observe;
pub mod origin;
mod policy;
mod request;
mod response;
pub mod shadow;
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
pub use policy::{Chosen, LogLevel, OnReject, OwnedPolicy, Policy, PolicySource};
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
        assert_send_sync::<crate::observe::Observer>();
    }

    fn assert_unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}

    /// Reporting keeps the adapters unwind-safe, as they were before it
    /// (`cargo semver-checks` reports the loss of an auto trait).
    #[test]
    fn adapters_stay_unwind_safe() {
        assert_unwind_safe::<crate::observe::Observer>();
        #[cfg(feature = "http")]
        assert_unwind_safe::<crate::adapters::http::HttpCors<crate::OwnedPolicy>>();
        #[cfg(feature = "actix")]
        assert_unwind_safe::<crate::adapters::actix::Cors<crate::OwnedPolicy>>();
        #[cfg(feature = "reload")]
        assert_unwind_safe::<crate::adapters::reload::ReloadableHttpCors>();
    }
}

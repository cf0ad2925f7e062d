//! Framework adapters, each behind its own feature. They only convert request
//! parts in ([`RequestView`](crate::RequestView)) and headers out
//! ([`ResponseHeaderSink`](crate::ResponseHeaderSink)); every CORS decision,
//! and the `Vary` merge, is the core's. Each takes the same path through it,
//! [`FixedValues::step`](crate::FixedValues::step): evaluate, then answer at
//! once or forward and add the headers to the service's response (the
//! `http` adapter unrolls it, to write its early answer into the request's
//! own header map).
//!
//! | feature | module | for |
//! |---|---|---|
//! | `http` | `http` | anything over the `http` crate's types |
//! | `reload` | `reload` | an `http` policy replaced while requests are in flight |
//! | `tower` | `tower` | axum 0.8, hyper 1, tonic-web: a tower 0.5 `Layer` |
//! | `actix` | `actix` | actix-web 4: a `Transform` for `App::wrap` / `Scope::wrap` |
//! | `rocket` | `rocket` | rocket 0.5: a fairing, with per-path policies |

#[cfg(feature = "http")]
pub mod http;

#[cfg(feature = "reload")]
pub mod reload;

#[cfg(feature = "tower")]
pub mod tower;

#[cfg(feature = "actix")]
pub mod actix;

#[cfg(feature = "rocket")]
pub mod rocket;

/// Asserts that an adapter's framework names are the core's names.
#[cfg(all(test, any(feature = "http", feature = "actix")))]
pub(crate) fn assert_names_match<N: AsRef<str>>(
    request: impl Fn(crate::RequestHeader) -> N,
    response: impl Fn(crate::ResponseHeader) -> N,
) {
    for h in crate::RequestHeader::ALL {
        assert_eq!(request(h).as_ref(), h.as_str());
    }
    for h in crate::ResponseHeader::ALL {
        assert_eq!(response(h).as_ref(), h.as_str());
    }
}

//! Framework adapters, each behind its own feature. They only convert request
//! parts in ([`RequestView`](crate::RequestView)) and headers out
//! ([`ResponseHeaderSink`](crate::ResponseHeaderSink)); every CORS decision,
//! and the `Vary` merge, is the core's. Each takes the same path through it,
//! [`FixedValues::step`](crate::FixedValues::step): evaluate, then answer at
//! once or forward and add the headers to the service's response.
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

/// A framework's names of the headers the core reads and writes, built once
/// from the core's lists ([`RequestHeader::ALL`](crate::RequestHeader::ALL),
/// [`ResponseHeader::ALL`](crate::ResponseHeader::ALL)), so no adapter
/// restates them.
#[cfg(any(feature = "http", feature = "actix"))]
pub(crate) struct HeaderNames<N> {
    request: [N; crate::RequestHeader::ALL.len()],
    response: [N; crate::ResponseHeader::ALL.len()],
}

#[cfg(any(feature = "http", feature = "actix"))]
impl<N: Clone> HeaderNames<N> {
    /// Names every header with `make` (e.g. `HeaderName::from_static`,
    /// which gives a standard header's constant).
    pub(crate) fn new(make: impl Fn(&'static str) -> N) -> Self {
        HeaderNames {
            request: crate::RequestHeader::ALL.map(|h| make(h.as_str())),
            response: crate::ResponseHeader::ALL.map(|h| make(h.as_str())),
        }
    }

    /// The name of a request header.
    pub(crate) fn request(&self, h: crate::RequestHeader) -> N {
        self.request[h.index()].clone()
    }

    /// The name of a response header.
    pub(crate) fn response(&self, h: crate::ResponseHeader) -> N {
        self.response[h.index()].clone()
    }
}

//! How a framework hands a request to the evaluator.

/// The request headers the evaluator reads. Adapters map each to their
/// framework's header-name constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestHeader {
    /// `Origin`.
    Origin,
    /// `Access-Control-Request-Method`.
    AccessControlRequestMethod,
    /// `Access-Control-Request-Headers`.
    AccessControlRequestHeaders,
    /// `Sec-Fetch-Site`, set by browsers and not by page script (R6).
    SecFetchSite,
}

impl RequestHeader {
    /// Every request header the evaluator reads; adapters derive their
    /// framework's names from this list.
    pub const ALL: [RequestHeader; 4] = [
        RequestHeader::Origin,
        RequestHeader::AccessControlRequestMethod,
        RequestHeader::AccessControlRequestHeaders,
        RequestHeader::SecFetchSite,
    ];

    /// Position in [`RequestHeader::ALL`], for tables indexed by header.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The lowercase header name.
    pub const fn as_str(self) -> &'static str {
        match self {
            RequestHeader::Origin => "origin",
            RequestHeader::AccessControlRequestMethod => "access-control-request-method",
            RequestHeader::AccessControlRequestHeaders => "access-control-request-headers",
            RequestHeader::SecFetchSite => "sec-fetch-site",
        }
    }
}

/// Read access to a request's method and headers, without copying.
///
/// This is the input side of an adapter: implement it for your framework's
/// request type (the crate implements it for `http::request::Parts` and
/// `http::Request<B>` with the `http` feature) and call
/// [`Policy::evaluate`](crate::Policy::evaluate).
pub trait RequestView {
    /// Iterator over one header's values, in order.
    type Values<'a>: Iterator<Item = &'a [u8]>
    where
        Self: 'a;

    /// The request method, exactly as received.
    fn method(&self) -> &[u8];

    /// Every value of `name`, one item per header line.
    fn header_values(&self, name: RequestHeader) -> Self::Values<'_>;
}

/// What a request addresses beyond the headers CORS reads — its path, query,
/// host and other headers — for policy sources that choose the policy per
/// request, such as a platform's tenant index
/// ([`PolicySource::with_policy`](crate::PolicySource::with_policy)).
/// Adapters implement it for their framework's request; a source that
/// does not choose reads none of it, so it costs nothing.
pub trait RequestParts {
    /// The path as sent (still percent-encoded), without the query.
    fn path(&self) -> &[u8];

    /// The query as sent, without the `?`; `None` when there is none.
    fn query(&self) -> Option<&[u8]>;

    /// The host the request is for: the `Host` header, or in HTTP/2 the
    /// `:authority`, with its port if it has one (rocket, which parses the
    /// host itself, gives it without). `None` when there is none or `Host`
    /// has more than one line.
    fn host(&self) -> Option<&[u8]>;

    /// The value of header `name` (lowercase) when the request has exactly
    /// one line of it.
    fn header(&self, name: &str) -> Option<&[u8]>;
}

/// [`RequestParts::host`] from a request's `Host` lines and its URI's
/// authority: the only `Host` line, or without one the authority (HTTP/2's
/// `:authority`); `None` for several lines.
#[cfg(any(feature = "http", feature = "actix"))]
pub(crate) fn host<'a>(
    mut lines: impl Iterator<Item = &'a [u8]>,
    authority: Option<&'a str>,
) -> Option<&'a [u8]> {
    match (lines.next(), lines.next()) {
        (Some(host), None) => Some(host),
        (Some(_), Some(_)) => None,
        (None, _) => authority.map(str::as_bytes),
    }
}

/// The only item of `values`, or `None` for none or several.
pub(crate) fn single<'a>(mut values: impl Iterator<Item = &'a [u8]>) -> Option<&'a [u8]> {
    match (values.next(), values.next()) {
        (Some(value), None) => Some(value),
        _ => None,
    }
}

/// A request given as a method and a list of `(name, value)` pairs; header
/// names are matched case-insensitively. Useful in tests and tools.
///
/// ```
/// use cors_runtime::{RequestHeader, RequestView, SimpleRequest};
/// let headers = [("Origin", &b"https://a.example"[..])];
/// let req = SimpleRequest::new(b"GET", &headers);
/// assert_eq!(req.header_values(RequestHeader::Origin).next(), Some(&b"https://a.example"[..]));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SimpleRequest<'a, N = &'a str, V = &'a [u8]> {
    method: &'a [u8],
    headers: &'a [(N, V)],
    target: &'a [u8],
}

impl<'a, N, V> SimpleRequest<'a, N, V> {
    /// A request with this method and these headers, for `/`.
    pub fn new(method: &'a [u8], headers: &'a [(N, V)]) -> Self {
        SimpleRequest {
            method,
            headers,
            target: b"/",
        }
    }

    /// The same request for `target`, a path with an optional `?query`.
    ///
    /// ```
    /// use cors_runtime::{RequestParts, SimpleRequest};
    /// let headers = [("Host", &b"acme.api.example"[..])];
    /// let req = SimpleRequest::new(b"GET", &headers).at(b"/apps/7/items?page=2");
    /// assert_eq!((req.path(), req.query()), (&b"/apps/7/items"[..], Some(&b"page=2"[..])));
    /// assert_eq!(req.host(), Some(&b"acme.api.example"[..]));
    /// ```
    pub fn at(self, target: &'a [u8]) -> Self {
        SimpleRequest { target, ..self }
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>> RequestParts for SimpleRequest<'_, N, V> {
    fn path(&self) -> &[u8] {
        let end = self.target.iter().position(|b| *b == b'?');
        &self.target[..end.unwrap_or(self.target.len())]
    }

    fn query(&self) -> Option<&[u8]> {
        let start = self.target.iter().position(|b| *b == b'?')?;
        Some(&self.target[start + 1..])
    }

    fn host(&self) -> Option<&[u8]> {
        self.header("host")
    }

    fn header(&self, name: &str) -> Option<&[u8]> {
        single(
            self.headers
                .iter()
                .filter(|(n, _)| n.as_ref().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_ref()),
        )
    }
}

/// Iterator returned by [`SimpleRequest::header_values`].
#[derive(Debug)]
pub struct SimpleValues<'a, N, V> {
    name: &'static str,
    rest: std::slice::Iter<'a, (N, V)>,
}

impl<'a, N: AsRef<str>, V: AsRef<[u8]>> Iterator for SimpleValues<'a, N, V> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        self.rest
            .by_ref()
            .find(|(n, _)| n.as_ref().eq_ignore_ascii_case(self.name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>> RequestView for SimpleRequest<'_, N, V> {
    type Values<'b>
        = SimpleValues<'b, N, V>
    where
        Self: 'b;

    fn method(&self) -> &[u8] {
        self.method
    }

    fn header_values(&self, name: RequestHeader) -> SimpleValues<'_, N, V> {
        SimpleValues {
            name: name.as_str(),
            rest: self.headers.iter(),
        }
    }
}

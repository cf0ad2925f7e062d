//! The outcome of evaluating one request: what to answer or which headers to
//! add, and why.

use std::fmt;

use crate::matcher::MatchedBy;
// Request values in a reason's sentence are escaped and capped: the
// sentence is logged and printed.
use crate::observe::Escaped;
use crate::origin::OriginError;
use crate::policy::{OnReject, Policy};
use crate::response::{FixedValue, HeaderValue, ResponseHeader, ResponseHeaders};

/// The four outcomes of evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionKind {
    /// No `Origin` header, or a same-origin request: not a CORS request.
    NotCors,
    /// An allowed preflight, answered without calling the service.
    Preflight,
    /// An allowed CORS request: forward it and add the headers.
    Actual,
    /// Origin, method or headers not allowed, or a malformed CORS request.
    Rejected,
}

impl DecisionKind {
    /// `not_cors`, `preflight`, `actual` or `rejected`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DecisionKind::NotCors => "not_cors",
            DecisionKind::Preflight => "preflight",
            DecisionKind::Actual => "actual",
            DecisionKind::Rejected => "rejected",
        }
    }
}

/// Why a decision was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason<'a> {
    /// The request carries no `Origin` header.
    NoOrigin,
    /// The `Origin` is the server's own: `Sec-Fetch-Site: same-origin`, or,
    /// without that header, one of the policy's `server_origins`.
    SameOrigin,
    /// The origin is allowed (actual request).
    OriginAllowed(MatchedBy<'a>),
    /// Origin, method and headers are allowed (preflight).
    PreflightAllowed(MatchedBy<'a>),
    /// More than one `Origin` header line.
    MultipleOrigins,
    /// The `Origin` is not a serialised origin.
    InvalidOrigin(OriginError),
    /// The origin is not in the policy.
    OriginNotAllowed,
    /// More than one `Access-Control-Request-Method` line.
    MultipleRequestMethods,
    /// `Access-Control-Request-Method` is not a method token.
    InvalidRequestMethod,
    /// The requested method is not allowed.
    MethodNotAllowed(&'a [u8]),
    /// `Access-Control-Request-Headers` exceeds the size bound.
    RequestHeadersTooLarge,
    /// An element of `Access-Control-Request-Headers` is not a header name.
    InvalidRequestHeader(&'a [u8]),
    /// A requested header is not allowed.
    HeaderNotAllowed(&'a [u8]),
    /// `authorization` was requested and the policy only has `*`, which does
    /// not cover it (R15).
    AuthorizationNotCovered,
    /// The request names no tenant the platform knows (a source that
    /// chooses the policy per tenant found none for it).
    UnknownTenant,
}

struct Lossy<'a>(&'a [u8]);

impl fmt::Display for Lossy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.utf8_chunks() {
            f.write_str(chunk.valid())?;
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for MatchedBy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            MatchedBy::AnyOrigin => f.write_str("the policy allows any origin"),
            MatchedBy::Null => f.write_str("the policy lists \"null\""),
            MatchedBy::Exact => f.write_str("it is listed exactly"),
            MatchedBy::AnyPort => f.write_str("it matches a port-wildcard pattern"),
            MatchedBy::Wildcard(text) | MatchedBy::WildcardAnyPort(text) => {
                // Written in place: observers format this on the request path.
                let (scheme, rest) = crate::matcher::split_entry(text);
                let any_port = if matches!(self, MatchedBy::WildcardAnyPort(_)) {
                    ":*"
                } else {
                    ""
                };
                write!(
                    f,
                    "it matches the pattern {}://*.{}{any_port}",
                    Lossy(scheme),
                    Lossy(rest)
                )
            }
        }
    }
}

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Reason::NoOrigin => f.write_str("the request has no Origin header, so it is not a CORS request"),
            Reason::SameOrigin => f.write_str("the Origin is the server's own origin, so CORS does not apply"),
            Reason::OriginAllowed(by) => write!(f, "the origin is allowed because {by}"),
            Reason::PreflightAllowed(by) => write!(
                f,
                "the preflight is allowed: the origin is allowed because {by}, and the requested method and headers are allowed"
            ),
            Reason::MultipleOrigins => f.write_str("the request has more than one Origin header"),
            Reason::InvalidOrigin(e) => write!(f, "{e}"),
            Reason::OriginNotAllowed => f.write_str("the origin is not allowed by the policy"),
            Reason::MultipleRequestMethods => {
                f.write_str("the preflight has more than one Access-Control-Request-Method header")
            }
            Reason::InvalidRequestMethod => {
                f.write_str("the preflight's Access-Control-Request-Method is not a method token")
            }
            Reason::MethodNotAllowed(m) => write!(f, "the method {} is not allowed by the policy", Escaped(m)),
            Reason::RequestHeadersTooLarge => f.write_str(
                "the preflight's Access-Control-Request-Headers is larger than 8192 bytes (its lines joined by \", \")",
            ),
            Reason::InvalidRequestHeader(h) => write!(
                f,
                "the preflight's Access-Control-Request-Headers element \"{}\" is not a header name",
                Escaped(h)
            ),
            Reason::HeaderNotAllowed(h) => {
                write!(f, "the request header {} is not allowed by the policy", Escaped(h))
            }
            Reason::AuthorizationNotCovered => f.write_str(
                "the request header authorization is not covered by allow_headers = \"*\" and must be listed explicitly",
            ),
            Reason::UnknownTenant => f.write_str(
                "the request names no application (tenant) the platform knows, so no origin is allowed",
            ),
        }
    }
}

impl Reason<'_> {
    /// A stable machine-readable code for rejections, as used in the
    /// `forbid` error body; `None` for decisions that are not rejections.
    pub fn code(&self) -> Option<&'static str> {
        Some(match self {
            Reason::NoOrigin
            | Reason::SameOrigin
            | Reason::OriginAllowed(_)
            | Reason::PreflightAllowed(_) => {
                return None;
            }
            Reason::MultipleOrigins | Reason::InvalidOrigin(_) => "cors_invalid_origin",
            Reason::OriginNotAllowed => "cors_origin_not_allowed",
            Reason::UnknownTenant => "cors_unknown_tenant",
            Reason::MethodNotAllowed(_) => "cors_method_not_allowed",
            Reason::HeaderNotAllowed(_) | Reason::AuthorizationNotCovered => {
                "cors_header_not_allowed"
            }
            Reason::MultipleRequestMethods
            | Reason::InvalidRequestMethod
            | Reason::RequestHeadersTooLarge
            | Reason::InvalidRequestHeader(_) => "cors_invalid_preflight",
        })
    }
}

/// The outcome of evaluating a request against a policy.
///
/// Apply it as follows: if [`Decision::status`] is `Some`, answer the request
/// with that status, the headers, and (if any) the [`Decision::error_body`],
/// without calling the service. Otherwise call the service and add the headers
/// to its response, whatever its status — inserting (replacing) every header
/// except `Vary`, which is merged with [`crate::vary::merge`].
#[derive(Clone, Copy)]
pub struct Decision<'a> {
    pub(crate) kind: DecisionKind,
    pub(crate) status: Option<u16>,
    pub(crate) headers: ResponseHeaders<'a>,
    pub(crate) reason: Reason<'a>,
    pub(crate) origin: Option<&'a [u8]>,
    pub(crate) body: bool,
    /// A platform's shape for the error body, and the request id to echo.
    pub(crate) format: Option<(&'a ErrorFormat, Option<&'a [u8]>)>,
    /// The origin was not parsed: a forwarded request from an unlisted
    /// origin is answered `Vary: Origin` whether the origin is well formed
    /// or not, so only [`Decision::reason`] needs to know, and parses it
    /// when asked (`cors_invalid_origin` or `cors_origin_not_allowed`).
    pub(crate) unparsed: bool,
}

/// The reason shown is [`Decision::reason`]'s, parsed when the decision
/// was taken without parsing the origin.
impl fmt::Debug for Decision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decision")
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("reason", &self.reason())
            .field("origin", &self.origin)
            .field("body", &self.body)
            .field("format", &self.format)
            .finish()
    }
}

impl<'a> Decision<'a> {
    /// What kind of request this was, and whether it was allowed.
    pub fn kind(&self) -> DecisionKind {
        self.kind
    }

    /// `Some(status)` when the request must be answered now and not forwarded.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The headers to set on the response.
    pub fn headers(&self) -> &ResponseHeaders<'a> {
        &self.headers
    }

    /// Why.
    pub fn reason(&self) -> Reason<'a> {
        if self.unparsed
            && let Some(Err(e)) = self.origin.map(crate::origin::parse)
        {
            return Reason::InvalidOrigin(e);
        }
        self.reason
    }

    /// The JSON error body to send with [`Decision::status`], for policies
    /// with `on_reject = "forbid"`.
    pub fn error_body(&self) -> Option<ErrorBody<'a>> {
        self.body.then_some(ErrorBody {
            reason: self.reason(),
            origin: self.origin,
            format: self.format,
        })
    }
}

/// The constructors: which headers each kind of decision carries (the table
/// in `response.rs` says the same in prose).
impl<'a> Decision<'a> {
    /// A request CORS does not apply to (no `Origin`, or same-origin, R3,
    /// R28): an any-origin policy's constant headers (R24: sent on every
    /// response), otherwise only `vary`, which names what the answer depends
    /// on.
    pub(crate) fn not_cors(policy: &Policy<'a>, reason: Reason<'a>, vary: FixedValue) -> Self {
        let mut headers = ResponseHeaders::new();
        if policy.is_any_origin() {
            headers.push(
                ResponseHeader::AllowOrigin,
                policy.header_value(FixedValue::Star),
            );
            headers.push(
                ResponseHeader::ExposeHeaders,
                policy.header_value(FixedValue::ExposeHeaders),
            );
        } else {
            headers.push(ResponseHeader::Vary, policy.header_value(vary));
        }
        Decision {
            kind: DecisionKind::NotCors,
            status: None,
            headers,
            reason,
            origin: None,
            body: false,
            format: None,
            unparsed: false,
        }
    }

    /// An allowed preflight (`kind` is [`DecisionKind::Preflight`]: answered
    /// with the policy's status, R12–R16) or actual request (forwarded,
    /// R18–R21).
    pub(crate) fn allowed(
        policy: &Policy<'a>,
        kind: DecisionKind,
        reason: Reason<'a>,
        origin: &'a [u8],
    ) -> Self {
        let fixed = |v| policy.header_value(v);
        let mut h = ResponseHeaders::new();
        if policy.is_any_origin() {
            h.push(ResponseHeader::AllowOrigin, fixed(FixedValue::Star));
        } else {
            // R18: a byte-for-byte copy of the request's Origin.
            h.push(
                ResponseHeader::AllowOrigin,
                HeaderValue::RequestOrigin(origin),
            );
        }
        if policy.allows_credentials() {
            // R13, R19: on preflights and actual responses alike.
            h.push(ResponseHeader::AllowCredentials, fixed(FixedValue::True));
        }
        let status = if kind == DecisionKind::Preflight {
            h.push(
                ResponseHeader::AllowMethods,
                fixed(FixedValue::AllowMethods),
            );
            h.push(
                ResponseHeader::AllowHeaders,
                fixed(FixedValue::AllowHeaders),
            );
            h.push(ResponseHeader::MaxAge, fixed(FixedValue::MaxAge));
            h.push(
                ResponseHeader::Vary,
                fixed(FixedValue::preflight_vary(policy)),
            );
            h.push_fingerprint(policy);
            Some(policy.preflight_status())
        } else {
            // R21: expose headers only matter on actual responses.
            h.push(
                ResponseHeader::ExposeHeaders,
                fixed(FixedValue::ExposeHeaders),
            );
            if !policy.is_any_origin() {
                h.push(ResponseHeader::Vary, fixed(FixedValue::VaryOrigin));
            }
            None
        };
        Decision {
            kind,
            status,
            headers: h,
            reason,
            origin: Some(origin),
            body: false,
            format: None,
            unparsed: false,
        }
    }

    /// A rejection (R27): no CORS header, only `vary`; under `forbid` a 403
    /// with a JSON body, and a rejected preflight is a 403 either way (R12).
    pub(crate) fn rejected(
        policy: &Policy<'a>,
        reason: Reason<'a>,
        preflight: bool,
        origin: Option<&'a [u8]>,
        vary: FixedValue,
    ) -> Self {
        let forbid = policy.on_reject() == OnReject::Forbid;
        let mut headers = ResponseHeaders::new();
        headers.push(ResponseHeader::Vary, policy.header_value(vary));
        if forbid {
            headers.push(
                ResponseHeader::ContentType,
                policy.header_value(FixedValue::Json),
            );
        }
        if preflight || forbid {
            headers.push_fingerprint(policy);
        }
        Decision {
            kind: DecisionKind::Rejected,
            status: (preflight || forbid).then_some(403),
            headers,
            reason,
            origin,
            body: forbid,
            format: None,
            unparsed: false,
        }
    }
}

/// The JSON body of a `forbid` rejection. Its `Display` writes the JSON; it
/// never lists what the policy allows (R27).
#[derive(Clone, Copy, Debug)]
pub struct ErrorBody<'a> {
    reason: Reason<'a>,
    origin: Option<&'a [u8]>,
    format: Option<(&'a ErrorFormat, Option<&'a [u8]>)>,
}

/// How a platform shapes the error bodies of `on_reject = "forbid"`: its
/// own code for a rejected origin, a page that explains it, and the
/// request id it echoes (taken from a request header it names).
///
/// ```
/// use cors_runtime::{ErrorBody, ErrorFormat, Reason};
/// let format = ErrorFormat {
///     origin_code: Some("cors_origin_not_whitelisted".into()),
///     help_url: Some("https://developer.example.com/docs/cors".into()),
///     request_id_header: Some("x-request-id".into()),
/// };
/// let body = ErrorBody::new(Reason::OriginNotAllowed, Some(b"https://evil.example"))
///     .with_format(&format, Some(b"req-42"));
/// assert_eq!(body.code(), "cors_origin_not_whitelisted");
/// let json: serde_json::Value = serde_json::from_str(&body.to_string()).unwrap();
/// assert_eq!(json["help_url"], "https://developer.example.com/docs/cors");
/// assert_eq!(json["request_id"], "req-42");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorFormat {
    /// The code of a rejected origin, instead of `cors_origin_not_allowed`.
    pub origin_code: Option<String>,
    /// A page that explains the error, sent as `help_url`.
    pub help_url: Option<String>,
    /// The request header whose value is echoed as `request_id` (when it
    /// is 1 to 128 bytes of letters, digits and `-_.:`; otherwise left out).
    pub request_id_header: Option<String>,
}

/// True for a request id that can be echoed as is.
fn plain_request_id(id: &[u8]) -> bool {
    (1..=128).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Writes `text` as a JSON string.
fn json_string(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in text.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                write!(f, "\\u{:04x}", c as u32)?
            }
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

impl<'a> ErrorBody<'a> {
    /// The body a rejection for `reason` sends, echoing `origin` when it is
    /// a valid origin (what [`Decision::error_body`] returns; code
    /// generators for other servers render it once per reason).
    ///
    /// ```
    /// use cors_runtime::{ErrorBody, Reason};
    /// let body = ErrorBody::new(Reason::OriginNotAllowed, Some(b"https://a.test"));
    /// assert_eq!(body.code(), "cors_origin_not_allowed");
    /// assert!(body.to_string().contains(r#""origin":"https://a.test""#));
    /// ```
    pub fn new(reason: Reason<'a>, origin: Option<&'a [u8]>) -> Self {
        ErrorBody {
            reason,
            origin,
            format: None,
        }
    }

    /// The same body in a platform's shape, echoing `request_id`.
    pub fn with_format(self, format: &'a ErrorFormat, request_id: Option<&'a [u8]>) -> Self {
        ErrorBody {
            format: Some((format, request_id)),
            ..self
        }
    }

    /// The error code, e.g. `cors_origin_not_allowed` (or the platform's
    /// own code for a rejected origin).
    pub fn code(&self) -> &'a str {
        if let (Reason::OriginNotAllowed, Some((format, _))) = (self.reason, self.format)
            && let Some(code) = &format.origin_code
        {
            return code;
        }
        self.reason.code().unwrap_or("cors_rejected")
    }
}

impl fmt::Display for ErrorBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"{"type":"error","status":403,"code":"#)?;
        json_string(f, self.code())?;
        f.write_str(r#","origin":"#)?;
        // A valid origin is plain ASCII without quotes or backslashes; any
        // other value is not echoed, so the body is always valid JSON.
        match self.origin {
            Some(o) if crate::origin::parse(o).is_ok() => {
                f.write_str("\"")?;
                f.write_str(std::str::from_utf8(o).map_err(|_| fmt::Error)?)?;
                f.write_str("\"")?;
            }
            _ => f.write_str("null")?,
        }
        let message = match self.reason {
            Reason::OriginNotAllowed => {
                "This origin is not allowed to make cross-origin requests to this resource."
            }
            Reason::MethodNotAllowed(_) => {
                "This method is not allowed for cross-origin requests to this resource."
            }
            Reason::HeaderNotAllowed(_) | Reason::AuthorizationNotCovered => {
                "A requested header is not allowed for cross-origin requests to this resource."
            }
            Reason::MultipleOrigins | Reason::InvalidOrigin(_) => {
                "The Origin header is not a valid origin."
            }
            Reason::UnknownTenant => "This request names no application the platform knows.",
            _ => "The CORS preflight request is malformed.",
        };
        write!(f, r#","message":"{message}""#)?;
        if let Some((format, request_id)) = self.format {
            if let Some(url) = &format.help_url {
                f.write_str(r#","help_url":"#)?;
                json_string(f, url)?;
            }
            if let Some(id) = request_id.filter(|id| plain_request_id(id))
                && let Ok(id) = std::str::from_utf8(id)
            {
                write!(f, r#","request_id":"{id}""#)?;
            }
        }
        f.write_str("}")
    }
}

//! Evaluation of one request against a policy, following the rules of
//! `docs/fetch-cors-rules.md` (cited as R1…R30).

use crate::decision::{Decision, DecisionKind, Reason};
use crate::matcher::{FastMatch, MatchedBy};
use crate::origin::{self, RequestOrigin};
use crate::policy::Policy;
use crate::request::{RequestHeader, RequestView};
use crate::response::FixedValue;
use crate::table::eq_bytes;
use crate::token::{
    PlainLine, TokenElements, is_token, scan_plain_line, table_contains_ignore_case,
    within_request_headers_bound,
};

impl<'p> Policy<'p> {
    /// Evaluates one request. Never allocates, never panics, and runs in time
    /// linear in the size of the headers it reads (which are bounded).
    ///
    /// ```
    /// use cors_runtime::{DecisionKind, PolicySource, SimpleRequest};
    ///
    /// let owned = cors_policy::load(r#"
    ///     origins = ["https://app.example.com"]
    ///     methods = ["GET", "PUT"]
    /// "#).unwrap();
    /// let policy = owned.policy();
    /// let headers = [
    ///     ("Origin", &b"https://app.example.com"[..]),
    ///     ("Access-Control-Request-Method", b"PUT"),
    /// ];
    /// let request = SimpleRequest::new(b"OPTIONS", &headers);
    /// let decision = policy.evaluate(&request);
    /// assert_eq!(decision.kind(), DecisionKind::Preflight);
    /// assert_eq!(decision.status(), Some(204));
    /// ```
    pub fn evaluate<'r, R: RequestView + ?Sized>(&self, req: &'r R) -> Decision<'r>
    where
        'p: 'r,
    {
        let policy: &Policy<'r> = self;
        let mut origins = req.header_values(RequestHeader::Origin);
        let Some(origin_value) = origins.next() else {
            return policy.not_cors(Reason::NoOrigin);
        };
        // R9: a preflight is OPTIONS with both Origin and ACRM. The method
        // lines are read once, here.
        let (requested_method, more_methods) = if req.method() == b"OPTIONS" {
            let mut lines = req.header_values(RequestHeader::AccessControlRequestMethod);
            (lines.next(), lines.next().is_some())
        } else {
            (None, false)
        };
        let preflight = requested_method.is_some();
        if origins.next().is_some() {
            return policy.reject(Reason::MultipleOrigins, preflight, None);
        }
        let fast = policy.raw.origins.match_unchecked(origin_value);
        let by = match fast {
            FastMatch::Listed(by) => by,
            // An unlisted origin on a forwarded request gets `Vary: Origin`
            // whether it is well formed or not (R27): unless it may be the
            // server's own (R28), it is parsed only if its reason is asked
            // for (`Decision::reason`).
            FastMatch::NotListed
                if !preflight
                    && !policy.raw.forbid
                    && !policy.is_same_origin(req, origin_value) =>
            {
                let mut decision =
                    policy.reject(Reason::OriginNotAllowed, false, Some(origin_value));
                decision.unparsed = true;
                return decision;
            }
            FastMatch::NotListed | FastMatch::Unknown => {
                let parsed = match origin::parse(origin_value) {
                    Ok(parsed) => parsed,
                    Err(e) => return policy.reject(Reason::InvalidOrigin(e), preflight, None),
                };
                // A final fast-path miss needs the parse only for its reason.
                let by = match fast {
                    FastMatch::NotListed => None,
                    _ => policy.match_origin(&parsed),
                };
                let Some(by) = by else {
                    return policy.unlisted(req, &parsed, preflight, origin_value);
                };
                by
            }
        };
        if preflight {
            let method = requested_method.unwrap_or_default();
            if let Err(reason) = policy.check_preflight(req, method, more_methods) {
                return policy.reject(reason, true, Some(origin_value));
            }
            Decision::allowed(
                policy,
                DecisionKind::Preflight,
                Reason::PreflightAllowed(by),
                origin_value,
            )
        } else {
            Decision::allowed(
                policy,
                DecisionKind::Actual,
                Reason::OriginAllowed(by),
                origin_value,
            )
        }
    }

    /// True if the policy allows `origin` (a request's `Origin` value, which
    /// must be a valid serialised origin). This is the matching step of
    /// [`Policy::evaluate`] alone.
    ///
    /// ```
    /// use cors_runtime::PolicySource;
    /// let owned = cors_policy::load(r#"origins = ["https://*.example.com"]"#).unwrap();
    /// assert!(owned.policy().allows_origin(b"https://a.b.example.com"));
    /// assert!(!owned.policy().allows_origin(b"https://example.com.evil.test"));
    /// ```
    #[inline]
    pub fn allows_origin(&self, origin: &[u8]) -> bool {
        self.raw.origins.allows(origin)
    }

    fn match_origin(&self, o: &RequestOrigin<'_>) -> Option<MatchedBy<'p>> {
        self.raw.origins.match_parsed(o)
    }

    /// An origin the policy does not list: a same-origin request (R28) or a
    /// rejection (R27). When the two answers differ — on a preflight (403
    /// or forwarded) and under `forbid` (403 or forwarded) — the answer
    /// depends on `Sec-Fetch-Site`, and `Vary` says so, so a shared cache
    /// never serves one to the other.
    #[cold]
    fn unlisted<'r, R: RequestView + ?Sized>(
        &self,
        req: &'r R,
        parsed: &RequestOrigin<'_>,
        preflight: bool,
        origin: &'r [u8],
    ) -> Decision<'r>
    where
        'p: 'r,
    {
        let policy: &Policy<'r> = self;
        let tuple = matches!(parsed, RequestOrigin::Tuple(_));
        let site_matters = tuple && (preflight || policy.raw.forbid);
        if tuple && policy.is_same_origin(req, origin) {
            let vary = if site_matters {
                FixedValue::VaryOriginSite
            } else {
                FixedValue::VaryOrigin
            };
            return Decision::not_cors(policy, Reason::SameOrigin, vary);
        }
        if !site_matters {
            return policy.reject(Reason::OriginNotAllowed, preflight, Some(origin));
        }
        let vary = if preflight {
            FixedValue::VaryPreflightSite
        } else {
            FixedValue::VaryOriginSite
        };
        Decision::rejected(
            policy,
            Reason::OriginNotAllowed,
            preflight,
            Some(origin),
            vary,
        )
    }

    /// R14, R15: the requested method and headers.
    fn check_preflight<'r, R: RequestView + ?Sized>(
        &self,
        req: &'r R,
        method: &'r [u8],
        more_methods: bool,
    ) -> Result<(), Reason<'r>> {
        if more_methods {
            return Err(Reason::MultipleRequestMethods);
        }
        if !is_token(method) {
            return Err(Reason::InvalidRequestMethod);
        }
        // R4/R14: safelisted methods always pass; others are byte-exact.
        let safelisted = matches!(method, b"GET" | b"HEAD" | b"POST");
        let any = self.raw.any_method && !self.raw.credentials;
        if !(safelisted || any || self.raw.methods.contains(method)) {
            return Err(Reason::MethodNotAllowed(method));
        }

        // The size bound is checked before any element is looked at, on the
        // value as the lines combine (joined by `, `), so a hostile value
        // costs at most one pass over its line lengths, stopped at the
        // bound: many empty lines count too.
        if !within_request_headers_bound(
            req.header_values(RequestHeader::AccessControlRequestHeaders),
        ) {
            return Err(Reason::RequestHeadersTooLarge);
        }
        let lines = req.header_values(RequestHeader::AccessControlRequestHeaders);
        if self.raw.any_header && !self.raw.credentials {
            // R15: `*` covers every name but Authorization, which must be
            // listed by name. A line of tokens and commas (what browsers
            // send) is decided by one scan of byte classes; any other line
            // is read element by element.
            let authorization_listed = || self.raw.allow_headers.contains(b"authorization");
            for line in lines {
                match scan_plain_line(line) {
                    PlainLine::Plain { authorization } => {
                        if authorization && !authorization_listed() {
                            return Err(Reason::AuthorizationNotCovered);
                        }
                    }
                    PlainLine::NotPlain => {
                        for name in TokenElements::new(core::iter::once(line)) {
                            let name = name.map_err(Reason::InvalidRequestHeader)?;
                            if name.eq_ignore_ascii_case(b"authorization")
                                && !authorization_listed()
                            {
                                return Err(Reason::AuthorizationNotCovered);
                            }
                        }
                    }
                }
            }
            return Ok(());
        }
        // One pass over the value: each name is checked once, with one table
        // lookup, and the first refusal ends the pass. A name equal to the
        // one before it (browsers send a sorted list, so repeats are
        // adjacent) has its answer already.
        let mut previous: &[u8] = &[];
        for name in TokenElements::new(lines) {
            let name = name.map_err(Reason::InvalidRequestHeader)?;
            if eq_bytes(name, previous) {
                continue;
            }
            previous = name;
            if !table_contains_ignore_case(&self.raw.allow_headers, name) {
                return Err(Reason::HeaderNotAllowed(name));
            }
        }
        Ok(())
    }

    fn not_cors(&self, reason: Reason<'p>) -> Decision<'p> {
        Decision::not_cors(self, reason, FixedValue::VaryOrigin)
    }

    /// R27: no CORS headers for a rejected request, only `Vary`.
    fn reject(
        &self,
        reason: Reason<'p>,
        preflight: bool,
        origin: Option<&'p [u8]>,
    ) -> Decision<'p> {
        // R24: every answer must be safe to cache. A rejection for the
        // Origin itself (malformed, repeated, unlisted) depends on it even
        // in an any-origin policy, whose allowed answers do not.
        let by_origin = matches!(
            reason,
            Reason::MultipleOrigins | Reason::InvalidOrigin(_) | Reason::OriginNotAllowed
        );
        let vary = match (preflight, by_origin) {
            (true, true) => FixedValue::VaryPreflight,
            (true, false) => FixedValue::preflight_vary(self),
            (false, _) => FixedValue::VaryOrigin,
        };
        Decision::rejected(self, reason, preflight, origin, vary)
    }
}

impl Policy<'_> {
    /// R28: a request whose Origin is the server's own is not a CORS request.
    /// The browser says so in `Sec-Fetch-Site`, which a page cannot set: when
    /// the header is there, it alone decides (`cross-site`, `same-site` and
    /// `none` are never same-origin, whatever `Host` says). Browsers that do
    /// not send it are recognised only by the policy's `server_origins`,
    /// compared byte for byte with the Origin: the scheme is part of it, so
    /// `http://api.example.com` is not the same origin as
    /// `https://api.example.com`, and `Host` alone never decides.
    fn is_same_origin<R: RequestView + ?Sized>(&self, req: &R, origin: &[u8]) -> bool {
        let mut sites = req.header_values(RequestHeader::SecFetchSite);
        match (sites.next(), sites.next()) {
            (Some(site), None) => site == b"same-origin",
            (Some(_), Some(_)) => false,
            (None, _) => {
                !self.raw.server_origins.is_empty()
                    && self
                        .raw
                        .server_origins
                        .as_bytes()
                        .split(|b| *b == b',')
                        .any(|own| own == origin)
            }
        }
    }
}

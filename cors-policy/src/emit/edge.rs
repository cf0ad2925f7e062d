//! The edge model: a compiled policy as the request classes and answers a
//! proxy configuration is made of, shared by the nginx, Caddy, HAProxy and
//! Apache httpd backends.
//!
//! A proxy cannot run the evaluator, but it can test header values against
//! regular expressions and pick an answer by the results. So the model is
//! two things:
//!
//! 1. **Classifiers** ([`Classifier`]): for `Origin`, the requested method
//!    and the requested headers, an ordered list of [`regex::Test`]s, each
//!    naming the class (one letter) of a value it accepts; the first test
//!    that passes decides. A target runs them in its own idiom (`if`,
//!    `acl`, `SetEnvIf`, matchers).
//! 2. **Rules** ([`Rule`]): the four letters, in the order origin, method,
//!    headers, site, make a state such as `lyy-` (listed origin, allowed
//!    method, allowed headers, not same-origin). An ordered list of
//!    anchored expressions over the state, each with the [`Action`] the
//!    runtime takes for it: the status of an answer given at the edge (or
//!    none, to forward), the headers and the `forbid` body.
//!
//! The letters and rules follow `cors_runtime`'s evaluator step by step
//! (R9–R28 of `docs/fetch-cors-rules.md`); `tests/edge_model.rs` runs them
//! against the evaluator on every corpus case and on generated requests, so
//! a backend that renders the model faithfully decides as the runtime does.

use cors_runtime::origin::OriginError;
use cors_runtime::{ErrorBody, FixedValue, OnReject, Policy, PolicySource, Reason, ResponseHeader};

use crate::pattern::OriginPattern;
use crate::{Compiled, Error};

pub mod regex;

use regex::{Expr, Test};

/// The request header a browser sends to say how the request's origin
/// relates to the server's, and the value meaning "same origin" (R28).
pub const SEC_FETCH_SITE: (&str, &str) = ("Sec-Fetch-Site", "same-origin");

/// An origin that stands for the request's own in rendered bodies (it is
/// valid, so the runtime's body echoes it).
const ORIGIN_PLACEHOLDER: &[u8] = b"https://corsc-request-origin.invalid";

/// The class of the `Origin` header: the first letter of a state.
pub mod origin {
    /// No `Origin` line.
    pub const ABSENT: char = 'a';
    /// Several `Origin` lines.
    pub const REPEATED: char = 'r';
    /// Not a serialised origin.
    pub const INVALID: char = 'i';
    /// `null`, not allowed.
    pub const NULL: char = 'n';
    /// A tuple origin the policy does not allow.
    pub const TUPLE: char = 't';
    /// Allowed by the policy.
    pub const LISTED: char = 'l';
}

/// The class of the requested method: the second letter.
pub mod method {
    /// Not a preflight (not `OPTIONS`, or no `Access-Control-Request-Method`).
    pub const NOT_PREFLIGHT: char = '-';
    /// Several `Access-Control-Request-Method` lines.
    pub const REPEATED: char = 'r';
    /// Not a method token.
    pub const INVALID: char = 'i';
    /// A token the policy does not allow.
    pub const NOT_ALLOWED: char = 'n';
    /// Allowed.
    pub const ALLOWED: char = 'y';
}

/// The class of `Access-Control-Request-Headers`: the third letter.
pub mod headers {
    /// Longer than the bound the runtime reads.
    pub const TOO_LARGE: char = 'l';
    /// Its first element the policy does not allow is not a token.
    pub const INVALID: char = 'i';
    /// Its first element the policy does not allow is a token.
    pub const NOT_ALLOWED: char = 'n';
    /// Every element is allowed (or there is none).
    pub const ALLOWED: char = 'y';
}

/// Whether the request is same-origin (R28): the fourth letter.
pub mod site {
    /// `Sec-Fetch-Site: same-origin` (one line), or no `Sec-Fetch-Site`
    /// and an `Origin` among the policy's `server_origins`.
    pub const SAME_ORIGIN: char = 's';
    /// Anything else.
    pub const OTHER: char = '-';
}

/// An ordered list of tests; the first that passes names the class, and
/// `otherwise` applies when none does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classifier {
    /// `(letter, test)`, in order.
    pub cases: Vec<(char, Test)>,
    /// The letter when no test passes.
    pub otherwise: char,
}

impl Classifier {
    /// The class of `value`, deciding each test with `matches(regex,
    /// value)`: how a backend's test suite interprets the model.
    pub fn classify(&self, value: &[u8], matches: &mut dyn FnMut(&str, &[u8]) -> bool) -> char {
        for (letter, test) in &self.cases {
            let fits = test.max_len.is_none_or(|max| value.len() <= max)
                && test.min_len.is_none_or(|min| value.len() >= min);
            if fits && test.parts().all(|(re, must)| matches(re, value) == must) {
                return *letter;
            }
        }
        self.otherwise
    }
}

/// A header value of an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// This text.
    Text(String),
    /// The request's `Origin`, byte for byte (R18).
    Origin,
}

/// The `on_reject = "forbid"` body of an action: JSON text, with the
/// request's origin between `before` and `after` when `echo` is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Body {
    /// The error code (`cors_origin_not_allowed`, …).
    pub code: &'static str,
    /// The text before the origin (or the whole body).
    pub before: String,
    /// True when the request's origin follows `before`, quoted.
    pub echo: bool,
    /// The text after the origin.
    pub after: String,
}

/// What the edge does for one state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// A short name for comments and tests (`preflight`, `reject-method`, …).
    pub name: &'static str,
    /// `Some(status)`: answer at the edge; `None`: forward to the service
    /// and add the headers to its response.
    pub status: Option<u16>,
    /// Headers to set, in the runtime's order; `Vary` is added to what the
    /// service sends.
    pub headers: Vec<(ResponseHeader, Value)>,
    /// The error body, under `forbid`.
    pub body: Option<Body>,
}

/// One rule: states matching `state` (an anchored expression over the four
/// letters) get `action`. The first matching rule applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The expression over the state.
    pub state: &'static str,
    /// What to do.
    pub action: Action,
}

/// The most bytes of origin patterns in one test: with the origin's shape
/// checks and a server's own escaping, one test stays well under nginx's
/// 4 KiB argument limit and every server's pattern size limit.
const ORIGINS_PER_TEST_BYTES: usize = 1200;

/// The longest expression or header value a proxy configuration gets.
const MAX_EXPRESSION_BYTES: usize = 2800;

/// How many bytes of a portable expression count as one PCRE byte against
/// [`MAX_EXPRESSION_BYTES`]: CEL takes expressions of up to 100,000 code
/// points, so a portable spelling up to 10 times the PCRE limit is safe.
const PORTABLE_TO_PCRE: usize = 10;

/// A compiled policy as an edge configuration sees it.
#[derive(Clone, Debug)]
pub struct Edge {
    /// The source file's name, for the header comment.
    pub source: String,
    /// The policy's name (`""` for a file's only policy).
    pub policy: String,
    /// The profile applied.
    pub profile: Option<String>,
    /// [`Compiled::fingerprint`].
    pub fingerprint: String,
    /// Classes of the `Origin` value (present on one line).
    pub origin: Classifier,
    /// Classes of the requested method (on a preflight, one line).
    pub method: Classifier,
    /// Classes of the requested headers (all lines joined by `, `; an
    /// absent header is the empty value).
    pub headers: Classifier,
    /// The policy's `server_origins` as one anchored expression, if any.
    pub server_origins: Option<String>,
    /// The rules, in order; the last matches every state.
    pub rules: Vec<Rule>,
}

impl Edge {
    /// The edge model of a compiled policy; `source` names its file.
    pub fn new(compiled: &Compiled, source: &str) -> Edge {
        let spec = compiled.spec();
        let owned = compiled.owned_policy();
        let policy = owned.policy();
        let tuple = regex::tuple_origin();

        let mut origin_cases = Vec::new();
        if spec.any_origin {
            origin_cases.push((origin::LISTED, Test::regex(Expr::same("^null$"))));
            origin_cases.push((origin::LISTED, tuple.clone()));
        } else {
            if spec.origins.contains(&OriginPattern::Null) {
                origin_cases.push((origin::LISTED, Test::regex(Expr::same("^null$"))));
            }
            // One test per chunk of the list, so no expression outgrows what
            // a server takes (nginx: 4 KiB per argument; PCRE and RE2 cap
            // a compiled pattern), whatever the number of origins.
            let patterns = spec
                .origins
                .iter()
                .filter(|p| **p != OriginPattern::Null)
                .map(regex::pattern);
            for chunk in regex::chunks(patterns, ORIGINS_PER_TEST_BYTES) {
                let Some(listed) = regex::one_of(chunk) else {
                    continue;
                };
                let mut test = tuple.clone();
                test.all.insert(0, Expr::same(listed));
                origin_cases.push((origin::LISTED, test));
            }
            origin_cases.push((origin::NULL, Test::regex(Expr::same("^null$"))));
            origin_cases.push((origin::TUPLE, tuple));
        }

        let any_method = spec.any_method && !spec.credentials;
        let allowed_methods = if any_method {
            regex::token()
        } else {
            regex::one_of(spec.allowed_methods().iter().map(|m| regex::escape(m)))
                .unwrap_or_else(regex::token)
        };

        let bound = cors_runtime::MAX_REQUEST_HEADERS_LEN;
        let too_large = Test {
            min_len: Some(bound + 1),
            ..Test::default()
        };
        let star = spec.any_header && !spec.credentials;
        let authorization_listed = spec.allow_headers.iter().any(|h| h == "authorization");
        let headers = if star {
            let mut cases = vec![(
                headers::ALLOWED,
                Test {
                    all: vec![regex::token_list()],
                    none: if authorization_listed {
                        vec![]
                    } else {
                        vec![regex::authorization_first()]
                    },
                    max_len: Some(bound),
                    min_len: None,
                },
            )];
            cases.push((headers::TOO_LARGE, too_large));
            if !authorization_listed {
                cases.push((
                    headers::NOT_ALLOWED,
                    Test::regex(regex::authorization_first()),
                ));
            }
            Classifier {
                cases,
                otherwise: headers::INVALID,
            }
        } else {
            Classifier {
                cases: vec![
                    (
                        headers::ALLOWED,
                        Test {
                            max_len: Some(bound),
                            ..Test::regex(regex::listed_names(&spec.allow_headers))
                        },
                    ),
                    (headers::TOO_LARGE, too_large),
                    (
                        headers::INVALID,
                        Test::regex(regex::first_unlisted_is_invalid(&spec.allow_headers)),
                    ),
                ],
                otherwise: headers::NOT_ALLOWED,
            }
        };

        Edge {
            source: source.to_string(),
            policy: spec.name.clone(),
            profile: spec.profile.clone(),
            fingerprint: compiled.fingerprint(),
            origin: Classifier {
                cases: origin_cases,
                otherwise: origin::INVALID,
            },
            method: Classifier {
                cases: vec![
                    (method::ALLOWED, Test::regex(Expr::same(allowed_methods))),
                    (method::NOT_ALLOWED, Test::regex(Expr::same(regex::token()))),
                ],
                otherwise: method::INVALID,
            },
            headers,
            server_origins: regex::one_of(
                spec.server_origins
                    .iter()
                    .map(|o| regex::escape(&o.to_string())),
            ),
            rules: Answers { policy: &policy }.rules(),
        }
    }

    /// Refuses a policy with a test or a header value too long for a
    /// server's configuration: nginx takes at most 4 KiB per argument, and
    /// every server caps a compiled pattern. Origin lists are split over
    /// several tests; the other lists (`allow_headers`, which each element
    /// of a request's list is checked against as one set, `methods`,
    /// `expose_headers`, `server_origins`) must fit in one.
    ///
    /// # Errors
    /// [`Error::Emit`] naming the list and its size.
    pub fn check_sizes(&self) -> Result<(), Error> {
        let too_long = |what: &str, bytes: usize| {
            Err(Error::Emit(format!(
                "{what} is too long for a proxy configuration: {bytes} bytes in one expression or \
                 header value, at most {MAX_EXPRESSION_BYTES} fit every server (nginx takes 4 KiB \
                 per argument); shorten it, or enforce this policy in the service"
            )))
        };
        // The PCRE spelling (nginx, HAProxy, Apache) is bound by nginx's
        // argument limit; the portable one (Caddy's CEL, which spells case
        // out, so it is longer) by CEL's expression limit, far above.
        let longest = |c: &Classifier| {
            c.cases
                .iter()
                .map(|(_, t)| {
                    let portable: usize = t.parts().map(|(re, _)| re.len()).sum();
                    t.pcre().len().max(portable / PORTABLE_TO_PCRE)
                })
                .max()
                .unwrap_or(0)
        };
        for (what, classifier) in [
            ("`origins` (one pattern)", &self.origin),
            ("`methods`", &self.method),
            ("`allow_headers`", &self.headers),
        ] {
            let bytes = longest(classifier);
            if bytes > MAX_EXPRESSION_BYTES {
                return too_long(what, bytes);
            }
        }
        if let Some(servers) = &self.server_origins
            && servers.len() > MAX_EXPRESSION_BYTES
        {
            return too_long("`server_origins`", servers.len());
        }
        for rule in &self.rules {
            for (header, value) in &rule.action.headers {
                if let Value::Text(text) = value
                    && text.len() > MAX_EXPRESSION_BYTES
                {
                    return too_long(super::target::header_name(*header), text.len());
                }
            }
        }
        Ok(())
    }

    /// The comment that opens every emitted file, as `# ` lines (the
    /// comment syntax of nginx, HAProxy and Apache httpd alike).
    pub fn comment_block(&self) -> String {
        self.header_comment()
            .iter()
            .map(|line| format!("# {line}\n"))
            .collect()
    }

    /// The lines of the comment that opens every emitted file: what made
    /// it, from which file and policy, and the policy's fingerprint.
    pub fn header_comment(&self) -> Vec<String> {
        let mut lines = vec![
            "Generated by corsc (cors emit); do not edit: change the policy file and emit again."
                .to_string(),
            format!("source: {}", comment_text(&self.source)),
        ];
        if !self.policy.is_empty() {
            lines.push(format!("policy: {}", comment_text(&self.policy)));
        }
        if let Some(profile) = &self.profile {
            lines.push(format!("profile: {}", comment_text(profile)));
        }
        lines.push(format!("fingerprint: {}", self.fingerprint));
        lines
    }

    /// The action for a state, as a backend's test suite interprets the
    /// rules: the first rule whose expression matches.
    pub fn action(&self, state: &str, matches: &mut dyn FnMut(&str, &[u8]) -> bool) -> &Action {
        self.rules
            .iter()
            .find(|r| matches(r.state, state.as_bytes()))
            .map(|r| &r.action)
            .unwrap_or_else(|| &self.rules[self.rules.len() - 1].action)
    }
}

/// A name from the policy file (or its path) as comment text: as written
/// when it is plain, otherwise quoted with every control character, quote
/// and backslash escaped — a TOML key may hold a newline, which would end
/// the comment and make the rest of the name a directive, and Apache httpd
/// joins a line that ends in `\\` with the next.
fn comment_text(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+/:@ ".contains(c))
        && !text.ends_with(' ');
    if plain {
        return text.to_string();
    }
    // Caddy substitutes `{$VAR}` across the whole file, comments included,
    // before it parses anything: braces and `$` are written as escapes too.
    format!("{text:?}")
        .replace('{', "\\x7b")
        .replace('}', "\\x7d")
        .replace('$', "\\x24")
}

/// The header a configuration produced by `cors emit` adds to the answers
/// it gives itself (preflights and rejections), with
/// [`Compiled::fingerprint`]: `cors probe` reads it to tell which version
/// of the policy a proxy serves.
pub const FINGERPRINT_HEADER: &str = ResponseHeader::PolicyFingerprint.as_str();

/// True for the headers a rule's answer sets through the per-header
/// variables: not `Content-Type`, which goes with a `forbid` body, nor
/// [`FINGERPRINT_HEADER`], which every answer the edge gives itself
/// carries.
pub(crate) fn set_by_rules(h: ResponseHeader) -> bool {
    !matches!(
        h,
        ResponseHeader::ContentType | ResponseHeader::PolicyFingerprint
    )
}

/// Builds each rule's action from the runtime's fixed values.
struct Answers<'a, 'p> {
    policy: &'a Policy<'p>,
}

impl Answers<'_, '_> {
    fn text(&self, v: FixedValue) -> Value {
        Value::Text(self.policy.fixed_value(v).to_string())
    }

    fn push(&self, headers: &mut Vec<(ResponseHeader, Value)>, name: ResponseHeader, v: Value) {
        if v != Value::Text(String::new()) {
            headers.push((name, v));
        }
    }

    /// Not a CORS request (R3, R28): an any-origin policy's constant
    /// headers, otherwise `Vary`.
    fn not_cors(&self, name: &'static str, vary: FixedValue) -> Action {
        let mut headers = Vec::new();
        if self.policy.is_any_origin() {
            self.push(
                &mut headers,
                ResponseHeader::AllowOrigin,
                self.text(FixedValue::Star),
            );
            self.push(
                &mut headers,
                ResponseHeader::ExposeHeaders,
                self.text(FixedValue::ExposeHeaders),
            );
        } else {
            self.push(&mut headers, ResponseHeader::Vary, self.text(vary));
        }
        Action {
            name,
            status: None,
            headers,
            body: None,
        }
    }

    /// An allowed preflight (R12–R16) or actual request (R18–R21).
    fn allowed(&self, preflight: bool) -> Action {
        let p = self.policy;
        let mut h = Vec::new();
        let origin = if p.is_any_origin() {
            self.text(FixedValue::Star)
        } else {
            Value::Origin
        };
        self.push(&mut h, ResponseHeader::AllowOrigin, origin);
        if p.allows_credentials() {
            self.push(
                &mut h,
                ResponseHeader::AllowCredentials,
                self.text(FixedValue::True),
            );
        }
        if preflight {
            self.push(
                &mut h,
                ResponseHeader::AllowMethods,
                self.text(FixedValue::AllowMethods),
            );
            self.push(
                &mut h,
                ResponseHeader::AllowHeaders,
                self.text(FixedValue::AllowHeaders),
            );
            self.push(
                &mut h,
                ResponseHeader::MaxAge,
                self.text(FixedValue::MaxAge),
            );
            self.push(
                &mut h,
                ResponseHeader::Vary,
                self.text(self.preflight_vary()),
            );
        } else {
            self.push(
                &mut h,
                ResponseHeader::ExposeHeaders,
                self.text(FixedValue::ExposeHeaders),
            );
            if !p.is_any_origin() {
                self.push(
                    &mut h,
                    ResponseHeader::Vary,
                    self.text(FixedValue::VaryOrigin),
                );
            }
        }
        Action {
            name: if preflight { "preflight" } else { "actual" },
            status: preflight.then(|| p.preflight_status()),
            headers: h,
            body: None,
        }
    }

    fn preflight_vary(&self) -> FixedValue {
        if self.policy.is_any_origin() {
            FixedValue::VaryRequestMethodHeaders
        } else {
            FixedValue::VaryPreflight
        }
    }

    /// A rejection (R27): `Vary` only; under `forbid` a 403 with the JSON
    /// body; a rejected preflight is a 403 either way.
    fn rejected(
        &self,
        name: &'static str,
        reason: Reason<'static>,
        preflight: bool,
        echo: bool,
        vary: FixedValue,
    ) -> Action {
        let forbid = self.policy.on_reject() == OnReject::Forbid;
        let mut headers = Vec::new();
        self.push(&mut headers, ResponseHeader::Vary, self.text(vary));
        let body = forbid.then(|| {
            self.push(
                &mut headers,
                ResponseHeader::ContentType,
                self.text(FixedValue::Json),
            );
            let rendered = ErrorBody::new(reason, echo.then_some(ORIGIN_PLACEHOLDER)).to_string();
            let placeholder = format!("\"{}\"", String::from_utf8_lossy(ORIGIN_PLACEHOLDER));
            let (before, after) = match rendered.split_once(&placeholder) {
                Some((b, a)) => (format!("{b}\""), format!("\"{a}")),
                None => (rendered.clone(), String::new()),
            };
            Body {
                code: ErrorBody::new(reason, None).code(),
                before,
                echo,
                after,
            }
        });
        Action {
            name,
            status: (preflight || forbid).then_some(403),
            headers,
            body,
        }
    }

    /// A rejection for the request itself (R14, R15): the origin is listed.
    fn bad_preflight(&self, name: &'static str, reason: Reason<'static>) -> Action {
        self.rejected(name, reason, true, true, self.preflight_vary())
    }

    /// The rules of `cors_runtime`'s `Policy::evaluate`, in its order.
    fn rules(&self) -> Vec<Rule> {
        let forbid = self.policy.on_reject() == OnReject::Forbid;
        let invalid = Reason::InvalidOrigin(OriginError::Empty);
        let unlisted = Reason::OriginNotAllowed;
        let rule = |state, action| Rule { state, action };
        vec![
            rule("^a", self.not_cors("no-origin", FixedValue::VaryOrigin)),
            // R1, R24: a malformed or repeated Origin varies on Origin even
            // in an any-origin policy.
            rule(
                "^[ri]-",
                self.rejected(
                    "reject-invalid-origin",
                    invalid,
                    false,
                    false,
                    FixedValue::VaryOrigin,
                ),
            ),
            rule(
                "^[ri]",
                self.rejected(
                    "reject-invalid-origin",
                    invalid,
                    true,
                    false,
                    FixedValue::VaryPreflight,
                ),
            ),
            rule(
                "^l[ri]",
                self.bad_preflight("reject-invalid-preflight", Reason::InvalidRequestMethod),
            ),
            rule(
                "^ln",
                self.bad_preflight("reject-method", Reason::MethodNotAllowed(b"")),
            ),
            rule(
                "^lyl",
                self.bad_preflight("reject-invalid-preflight", Reason::RequestHeadersTooLarge),
            ),
            rule(
                "^lyi",
                self.bad_preflight(
                    "reject-invalid-preflight",
                    Reason::InvalidRequestHeader(b""),
                ),
            ),
            rule(
                "^lyn",
                self.bad_preflight("reject-header", Reason::HeaderNotAllowed(b"")),
            ),
            rule("^ly", self.allowed(true)),
            rule("^l", self.allowed(false)),
            // R28: an unlisted tuple origin that is the server's own. Its
            // answer depends on Sec-Fetch-Site when a rejection would be
            // answered at the edge (a preflight, or `forbid`).
            rule(
                "^t-.s",
                self.not_cors(
                    "same-origin",
                    if forbid {
                        FixedValue::VaryOriginSite
                    } else {
                        FixedValue::VaryOrigin
                    },
                ),
            ),
            rule(
                "^t..s",
                self.not_cors("same-origin", FixedValue::VaryOriginSite),
            ),
            // R27: an unlisted origin.
            rule(
                "^n-",
                self.rejected(
                    "reject-origin",
                    unlisted,
                    false,
                    true,
                    FixedValue::VaryOrigin,
                ),
            ),
            rule(
                "^n",
                self.rejected(
                    "reject-origin",
                    unlisted,
                    true,
                    true,
                    FixedValue::VaryPreflight,
                ),
            ),
            rule(
                "^t-",
                self.rejected(
                    "reject-origin",
                    unlisted,
                    false,
                    true,
                    if forbid {
                        FixedValue::VaryOriginSite
                    } else {
                        FixedValue::VaryOrigin
                    },
                ),
            ),
            rule(
                "^",
                self.rejected(
                    "reject-origin",
                    unlisted,
                    true,
                    true,
                    FixedValue::VaryPreflightSite,
                ),
            ),
        ]
    }
}

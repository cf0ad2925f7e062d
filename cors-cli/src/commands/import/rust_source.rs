//! Reading CORS builder chains out of Rust source with `syn`: the
//! expressions peers' configurations are written in (string literals,
//! `HeaderValue::from_static`, `"…".parse().unwrap()`, arrays and `vec!`,
//! `Method::GET`, `header::CONTENT_TYPE`, `Any`, `Duration::from_secs`),
//! evaluated where they are constant and named (with their line) where
//! they are not.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, ExprMethodCall, Lit};

/// One call of a builder chain: `.name(args)`, at `line`.
pub(super) struct Call<'a> {
    pub(super) name: String,
    pub(super) args: Vec<&'a Expr>,
    pub(super) line: usize,
}

/// A chain rooted at a constructor the importer recognises.
pub(super) struct Chain<'a> {
    /// The constructor's last two path segments, e.g. `CorsLayer::new`.
    pub(super) root: String,
    pub(super) root_line: usize,
    pub(super) calls: Vec<Call<'a>>,
    /// The function the chain is in, if any (names the policy).
    pub(super) function: Option<String>,
    /// The line where the value is configured further after its own
    /// expression (`let cors = …; cors.allow_origin(…)`, a parenthesis, a
    /// branch): the importer reads one expression and must say so.
    pub(super) continued_at: Option<usize>,
}

/// The source as a file; a snippet (statements or one expression) is read
/// as the body of a function, on the same lines.
pub(super) fn parse(text: &str) -> Result<syn::File, String> {
    // The parser recurses once per level of nesting: refuse what no
    // configuration needs before it can run out of stack.
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => continue,
        }
        if depth > MAX_NESTING {
            let line = text[..i].bytes().filter(|b| *b == b'\n').count() + 1;
            return Err(format!(
                "nesting deeper than {MAX_NESTING} brackets (line {line}); no CORS configuration needs it"
            ));
        }
    }
    syn::parse_file(text)
        .or_else(|_| syn::parse_file(&format!("fn {SNIPPET}() {{ {text}\n}}")))
        .or_else(|_| syn::parse_file(&format!("fn {SNIPPET}() {{ let _ = {text}\n; }}")))
        .map_err(|e| {
            let at = e.span().start();
            format!("not Rust source (line {}: {e})", at.line)
        })
}

/// The function a snippet is wrapped in to parse it; it names no policy.
const SNIPPET: &str = "__corsc_snippet";

/// The chains found, with the snippet wrapper's name taken off.
fn unwrapped(mut found: Vec<Chain<'_>>) -> Vec<Chain<'_>> {
    for c in &mut found {
        if c.function.as_deref() == Some(SNIPPET) {
            c.function = None;
        }
    }
    found
}

/// Which found chain a variable `e` is bound to, the latest binding first.
fn bound(bindings: &[(String, usize)], e: &Expr) -> Option<usize> {
    let Expr::Path(p) = e else { return None };
    let ident = p.path.get_ident()?;
    bindings
        .iter()
        .rev()
        .find(|(n, _)| ident == n)
        .map(|(_, i)| *i)
}

/// How deep brackets may nest in an imported source.
const MAX_NESTING: usize = 256;

pub(super) fn line(span: Span) -> usize {
    span.start().line
}

/// Every outermost method chain whose root call's path ends with one of
/// `roots` (e.g. `["CorsLayer::new", "CorsLayer::permissive"]`), and where
/// a chain's value is configured further after its expression. Each
/// expression is walked once (linear in the source).
pub(super) fn chains<'a>(file: &'a syn::File, roots: &[&str]) -> Vec<Chain<'a>> {
    struct Finder<'a, 'r> {
        roots: &'r [&'r str],
        function: Option<String>,
        found: Vec<Chain<'a>>,
        /// Variables bound to a found chain's value, and which chain.
        bindings: Vec<(String, usize)>,
    }
    impl<'a> Finder<'a, '_> {
        /// The chain `e` is, or continues; visits everything else in it.
        fn chain_of(&mut self, e: &'a Expr) -> Option<usize> {
            let mut calls = Vec::new();
            let mut at = e;
            loop {
                match at {
                    Expr::MethodCall(m) => {
                        calls.push(m);
                        at = &m.receiver;
                    }
                    Expr::Paren(p) => at = &p.expr,
                    _ => break,
                }
            }
            let root = match at {
                Expr::Call(call) => path_tail(&call.func)
                    .filter(|p| self.roots.contains(&p.as_str()))
                    .map(|path| (path, line(call.span()))),
                _ => None,
            };
            if let Some((path, root_line)) = root {
                calls.reverse();
                self.found.push(Chain {
                    root: path,
                    root_line,
                    calls: calls
                        .iter()
                        .map(|m| Call {
                            name: m.method.to_string(),
                            args: m.args.iter().collect(),
                            line: line(m.method.span()),
                        })
                        .collect(),
                    function: self.function.clone(),
                    continued_at: None,
                });
                return Some(self.found.len() - 1);
            }
            // A found chain's variable with more calls on it.
            if let Some(index) = bound(&self.bindings, at) {
                if let Some(first) = calls.last() {
                    let continued = &mut self.found[index].continued_at;
                    continued.get_or_insert(line(first.method.span()));
                }
                for m in &calls {
                    m.args.iter().for_each(|a| self.visit_expr(a));
                }
                return Some(index);
            }
            for m in &calls {
                m.args.iter().for_each(|a| self.visit_expr(a));
            }
            if !calls.is_empty() || !matches!(at, Expr::MethodCall(_)) {
                syn::visit::visit_expr(self, at);
            }
            None
        }
    }
    impl<'a> Visit<'a> for Finder<'a, '_> {
        fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
            let outer = self.function.replace(f.sig.ident.to_string());
            syn::visit::visit_item_fn(self, f);
            self.function = outer;
        }
        fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
            let outer = self.function.replace(f.sig.ident.to_string());
            syn::visit::visit_impl_item_fn(self, f);
            self.function = outer;
        }
        fn visit_local(&mut self, local: &'a syn::Local) {
            let Some(init) = &local.init else {
                return syn::visit::visit_local(self, local);
            };
            let index = self.chain_of(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
            if let (Some(index), syn::Pat::Ident(p)) = (index, &local.pat) {
                self.bindings.push((p.ident.to_string(), index));
            }
        }
        fn visit_expr(&mut self, e: &'a Expr) {
            match e {
                Expr::MethodCall(_) | Expr::Paren(_) | Expr::Call(_) => {
                    self.chain_of(e);
                }
                _ => syn::visit::visit_expr(self, e),
            }
        }
    }
    let mut finder = Finder {
        roots,
        function: None,
        found: Vec::new(),
        bindings: Vec::new(),
    };
    finder.visit_file(file);
    unwrapped(finder.found)
}

/// A struct literal `Name { field: value, .. }` of a type the importer
/// recognises, read as a chain of one call per field (`field(value)`), and
/// where its variable is changed afterwards (`opts.field = …`, or a method
/// called on it).
pub(super) fn struct_literals<'a>(file: &'a syn::File, name: &str) -> Vec<Chain<'a>> {
    struct Finder<'a, 'n> {
        name: &'n str,
        function: Option<String>,
        found: Vec<Chain<'a>>,
        bindings: Vec<(String, usize)>,
    }
    impl<'a> Finder<'a, '_> {
        fn literal(&mut self, e: &'a Expr) -> Option<usize> {
            let Expr::Struct(e) = e else { return None };
            if e.path.segments.last().is_none_or(|s| s.ident != self.name) {
                return None;
            }
            self.found.push(Chain {
                root: format!("{}{{..}}", self.name),
                root_line: line(e.span()),
                calls: e
                    .fields
                    .iter()
                    .filter_map(|f| match &f.member {
                        syn::Member::Named(ident) => Some(Call {
                            name: ident.to_string(),
                            args: vec![&f.expr],
                            line: line(f.span()),
                        }),
                        syn::Member::Unnamed(_) => None,
                    })
                    .collect(),
                function: self.function.clone(),
                continued_at: None,
            });
            Some(self.found.len() - 1)
        }

        fn continued(&mut self, index: usize, at: usize) {
            self.found[index].continued_at.get_or_insert(at);
        }
    }
    impl<'a> Visit<'a> for Finder<'a, '_> {
        fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
            let outer = self.function.replace(f.sig.ident.to_string());
            syn::visit::visit_item_fn(self, f);
            self.function = outer;
        }
        fn visit_local(&mut self, local: &'a syn::Local) {
            if let Some(init) = &local.init
                && let Some(index) = self.literal(&init.expr)
            {
                if let syn::Pat::Ident(p) = &local.pat {
                    self.bindings.push((p.ident.to_string(), index));
                }
                return;
            }
            syn::visit::visit_local(self, local);
        }
        fn visit_expr(&mut self, e: &'a Expr) {
            if self.literal(e).is_some() {
                return;
            }
            match e {
                // `opts.allowed_origins = …`
                Expr::Assign(a) => {
                    if let Expr::Field(f) = &*a.left
                        && let Some(index) = bound(&self.bindings, &f.base)
                    {
                        self.continued(index, line(a.span()));
                    }
                }
                // `opts.allowed_origins(…)` and the like; finishing it
                // (`to_cors()`, `validate()`) or copying it changes nothing.
                Expr::MethodCall(m)
                    if !matches!(
                        m.method.to_string().as_str(),
                        "to_cors" | "validate" | "clone"
                    ) =>
                {
                    if let Some(index) = bound(&self.bindings, &m.receiver) {
                        self.continued(index, line(m.method.span()));
                    }
                }
                _ => {}
            }
            syn::visit::visit_expr(self, e);
        }
    }
    let mut finder = Finder {
        name,
        function: None,
        found: Vec::new(),
        bindings: Vec::new(),
    };
    finder.visit_file(file);
    unwrapped(finder.found)
}

/// The last two segments of a path expression (`tower_http::cors::CorsLayer::new`
/// → `CorsLayer::new`), or the only one.
pub(super) fn path_tail(e: &Expr) -> Option<String> {
    let Expr::Path(p) = e else { return None };
    let segments: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    Some(match segments.as_slice() {
        [.., a, b] => format!("{a}::{b}"),
        [a] => a.clone(),
        [] => return None,
    })
}

/// The last segment of a path expression (`Method::GET` → `GET`).
fn path_last(e: &Expr) -> Option<String> {
    let Expr::Path(p) = e else { return None };
    p.path.segments.last().map(|s| s.ident.to_string())
}

/// The segment before the last (`header::CONTENT_TYPE` → `header`).
fn path_parent(e: &Expr) -> Option<String> {
    let Expr::Path(p) = e else { return None };
    let n = p.path.segments.len();
    (n >= 2).then(|| p.path.segments[n - 2].ident.to_string())
}

/// The `http` crate's header-name constants a snippet names without their
/// module (`use http::header::CONTENT_TYPE;`); any other bare constant may
/// be the service's own list and is not guessed at.
const HEADER_CONSTANTS: &[&str] = &[
    "ACCEPT",
    "ACCEPT_ENCODING",
    "ACCEPT_LANGUAGE",
    "AUTHORIZATION",
    "CACHE_CONTROL",
    "CONTENT_DISPOSITION",
    "CONTENT_ENCODING",
    "CONTENT_LANGUAGE",
    "CONTENT_LENGTH",
    "CONTENT_TYPE",
    "COOKIE",
    "ETAG",
    "IF_MATCH",
    "IF_MODIFIED_SINCE",
    "IF_NONE_MATCH",
    "LAST_MODIFIED",
    "LINK",
    "LOCATION",
    "ORIGIN",
    "RANGE",
    "REFERER",
    "SET_COOKIE",
    "USER_AGENT",
    "X_REQUESTED_WITH",
];

/// HTTP method names as `http` (`GET`) and rocket (`Get`) spell them.
const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
];

/// `Any`, `cors::Any`, `AllowOrigin::any()` and the like.
pub(super) fn is_any(e: &Expr) -> bool {
    match e {
        Expr::Path(_) => path_last(e).as_deref() == Some("Any"),
        Expr::Call(c) => c.args.is_empty() && path_last(&c.func).as_deref() == Some("any"),
        Expr::Paren(p) => is_any(&p.expr),
        _ => false,
    }
}

/// A string the expression always evaluates to.
pub(super) fn string(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        Expr::Reference(r) => string(&r.expr),
        Expr::Paren(p) => string(&p.expr),
        // HeaderValue::from_static("…"), HeaderName::from_static, String::from
        Expr::Call(c) if c.args.len() == 1 => {
            let f = path_last(&c.func)?;
            matches!(f.as_str(), "from_static" | "from" | "from_str" | "new")
                .then(|| string(&c.args[0]))
                .flatten()
        }
        // "…".parse().unwrap(), "…".to_string(), "…".into(), try_from(…).unwrap()
        Expr::MethodCall(m) => match m.method.to_string().as_str() {
            "unwrap" | "expect" | "parse" | "to_string" | "to_owned" | "into" | "try_into" => {
                string(&m.receiver)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The elements of an array, slice, `vec!`, or a single value.
pub(super) fn elements(e: &Expr) -> Vec<Expr> {
    match e {
        Expr::Array(a) => a.elems.iter().cloned().collect(),
        Expr::Reference(r) => elements(&r.expr),
        Expr::Paren(p) => elements(&p.expr),
        // `vec![a, b]`; `vec![x; n]` is kept whole, and so read as nothing.
        Expr::Macro(m) if m.mac.path.is_ident("vec") => m
            .mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
            .map(|p| p.into_iter().collect())
            .unwrap_or_else(|_| vec![e.clone()]),
        // [..].into_iter().map(From::from).collect() and friends.
        Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "collect" | "into_iter" | "iter" | "map" | "cloned" | "copied" | "into" | "to_vec"
            ) =>
        {
            elements(&m.receiver)
        }
        other => vec![other.clone()],
    }
}

/// Strings for every element, or `None` when one is not constant.
pub(super) fn strings(e: &Expr) -> Option<Vec<String>> {
    elements(e).iter().map(string).collect()
}

/// A list argument: `Any`, or every element read by `item`; `None` when
/// one is not a constant.
pub(super) fn list(arg: &Expr, item: fn(&Expr) -> Option<String>) -> Option<super::List> {
    if is_any(arg) {
        return Some(super::List::Any);
    }
    elements(arg)
        .iter()
        .map(item)
        .collect::<Option<Vec<String>>>()
        .map(super::List::Items)
}

/// A method: `Method::GET`, `http::Method::POST`, rocket's `Method::Get`,
/// or a string.
pub(super) fn method(e: &Expr) -> Option<String> {
    if let Some(s) = string(e) {
        return Some(s);
    }
    if let Expr::Call(c) = e
        && c.args.len() == 1
        && path_last(&c.func).as_deref() == Some("from")
    {
        return method(&c.args[0]);
    }
    let name = path_last(e)?.to_ascii_uppercase();
    (METHODS.contains(&name.as_str())
        && (path_parent(e).as_deref() == Some("Method") || path_parent(e).is_none()))
    .then_some(name)
}

/// A header name: `header::CONTENT_TYPE`, `HeaderName::from_static("x")`,
/// or a string.
pub(super) fn header(e: &Expr) -> Option<String> {
    if let Some(s) = string(e) {
        return Some(s.to_ascii_lowercase());
    }
    let name = path_last(e)?;
    let constant = name
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    let from_http = path_parent(e).as_deref() == Some("header")
        || (path_parent(e).is_none() && HEADER_CONSTANTS.contains(&name.as_str()));
    (constant && from_http).then(|| name.to_ascii_lowercase().replace('_', "-"))
}

/// Seconds: `Duration::from_secs(n)`, `from_mins`, `from_hours`, or `n`.
pub(super) fn seconds(e: &Expr) -> Option<i64> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => i.base10_parse().ok(),
            _ => None,
        },
        Expr::Call(c) if c.args.len() == 1 => {
            let n = seconds(&c.args[0])?;
            match path_last(&c.func)?.as_str() {
                "from_secs" | "Some" => Some(n),
                "from_mins" => n.checked_mul(60),
                "from_hours" => n.checked_mul(3600),
                _ => None,
            }
        }
        Expr::Paren(p) => seconds(&p.expr),
        _ => None,
    }
}

/// `true` or `false`.
pub(super) fn boolean(e: &Expr) -> Option<bool> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Bool(b) => Some(b.value),
            _ => None,
        },
        _ => None,
    }
}

/// What a closure that decides origins lets through, when its body is a
/// recognisable string test: a note saying which look-alikes pass.
pub(super) fn predicate_effect(e: &Expr) -> String {
    struct Tests(Vec<(String, String)>);
    impl<'a> Visit<'a> for Tests {
        fn visit_expr_method_call(&mut self, m: &'a ExprMethodCall) {
            let test = m.method.to_string();
            if matches!(test.as_str(), "ends_with" | "starts_with" | "contains")
                && let Some(arg) = m.args.first()
            {
                let text = match arg {
                    Expr::Lit(l) => match &l.lit {
                        Lit::Str(s) => Some(s.value()),
                        Lit::ByteStr(b) => String::from_utf8(b.value()).ok(),
                        _ => None,
                    },
                    other => string(other),
                };
                if let Some(text) = text {
                    self.0.push((test, text));
                }
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let mut tests = Tests(Vec::new());
    tests.visit_expr(e);
    let effects: Vec<String> = tests
        .0
        .iter()
        .map(|(test, text)| {
            let bare = text.trim_start_matches('.').trim_start_matches("://");
            match test.as_str() {
                "ends_with" if !text.starts_with('.') => format!(
                    "`ends_with({text:?})` also allows `https://evil{bare}`, a domain anyone can register"
                ),
                "ends_with" => format!(
                    "`ends_with({text:?})` allows every subdomain of `{bare}` at any depth, and with any scheme and port"
                ),
                "starts_with" => format!(
                    "`starts_with({text:?})` also allows `{text}.evil.example`"
                ),
                _ => format!("`contains({text:?})` also allows `https://{bare}.evil.example`"),
            }
        })
        .collect();
    if effects.is_empty() {
        "a closure decides: what it allowed cannot be read from the code".to_string()
    } else {
        effects.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(text: &str) -> Expr {
        syn::parse_str(text).unwrap()
    }

    #[test]
    fn constant_values_are_read_and_others_are_not() {
        assert_eq!(
            string(&expr(r#"HeaderValue::from_static("https://a.example")"#)).as_deref(),
            Some("https://a.example")
        );
        assert_eq!(
            string(&expr(
                r#""https://a.example".parse::<HeaderValue>().unwrap()"#
            ))
            .as_deref(),
            Some("https://a.example")
        );
        assert_eq!(string(&expr("origin_from_config()")), None);
        assert_eq!(
            strings(&expr(r#"vec!["a", "b"]"#)),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(strings(&expr(r#"["a", x]"#)), None);
        assert_eq!(method(&expr("Method::GET")).as_deref(), Some("GET"));
        assert_eq!(method(&expr("Method::Get")).as_deref(), Some("GET"));
        assert_eq!(
            header(&expr("header::CONTENT_TYPE")).as_deref(),
            Some("content-type")
        );
        assert_eq!(
            header(&expr("AUTHORIZATION")).as_deref(),
            Some("authorization")
        );
        assert_eq!(
            header(&expr("MY_HEADERS")),
            None,
            "a service's own constant is not guessed"
        );
        assert_eq!(method(&expr("ALLOWED")), None);
        assert_eq!(
            header(&expr(r#"HeaderName::from_static("x-request-id")"#)).as_deref(),
            Some("x-request-id")
        );
        assert_eq!(seconds(&expr("Duration::from_secs(600)")), Some(600));
        assert_eq!(
            seconds(&expr("std::time::Duration::from_mins(2)")),
            Some(120)
        );
        assert!(
            is_any(&expr("Any"))
                && is_any(&expr("cors::Any"))
                && is_any(&expr("AllowOrigin::any()"))
        );
    }

    #[test]
    fn a_suffix_predicate_names_the_look_alike_it_lets_through() {
        let effect = predicate_effect(&expr(
            r#"|o: &HeaderValue, _| o.as_bytes().ends_with(b"example.com")"#,
        ));
        assert!(effect.contains("https://evilexample.com"), "{effect}");
    }
}

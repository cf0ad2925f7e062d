//! `cors import --from tower-http`: `CorsLayer` builder chains in Rust
//! source (`CorsLayer::new().allow_origin(…).allow_methods(…)…`,
//! `CorsLayer::permissive()`), one policy per chain.
//!
//! tower-http's defaults are carried as they behave: without
//! `allow_origin` no origin is allowed; without `allow_methods` the answer
//! names no method, so only what needs no preflight works (`GET`, `HEAD`,
//! `POST`); without `allow_headers` no request header is allowed.

use super::rust_source::{self, Chain};
use super::{Conversion, Imported, List};

const ROOTS: &[&str] = &[
    "CorsLayer::new",
    "CorsLayer::default",
    "CorsLayer::permissive",
    "CorsLayer::very_permissive",
];

pub(super) fn convert(text: &str) -> Result<Conversion, String> {
    let file = rust_source::parse(text)?;
    let chains = rust_source::chains(&file, ROOTS);
    if chains.is_empty() {
        return Err("no `CorsLayer` builder chain found (`CorsLayer::new()…`)".into());
    }
    Ok(super::from_chains(&chains, one))
}

fn one(chain: &Chain<'_>, notes: &mut Vec<String>) -> Imported {
    let mut p = Imported {
        origins: Some(List::Items(Vec::new())),
        methods: Some(List::Items(
            cors_policy::DEFAULT_METHODS.map(String::from).to_vec(),
        )),
        allow_headers: Some(List::Items(Vec::new())),
        ..Imported::default()
    };
    let at = chain.root_line;
    match chain.root.as_str() {
        "CorsLayer::permissive" => {
            p.origins = Some(List::Any);
            p.methods = Some(List::Any);
            p.allow_headers = Some(List::Any);
            p.expose_headers = Some(List::Any);
        }
        "CorsLayer::very_permissive" => {
            // Nothing is carried: the policy allows no origin until one is
            // listed.
            p.origins = Some(List::Items(Vec::new()));
            notes.push(format!(
                "line {at}: `CorsLayer::very_permissive()` mirrored every origin, method and header with credentials: any web site could read responses as the logged-in user; list the origins that need it"
            ));
        }
        _ => {}
    }
    for call in &chain.calls {
        let line = call.line;
        let arg = call.args.first().copied();
        let mut unread =
            |what: &str| notes.push(format!("line {line}: `.{}(…)`: {what}", call.name));
        let Some(arg) = arg else {
            unread("no argument");
            continue;
        };
        match call.name.as_str() {
            "allow_origin" => match origin(arg) {
                Ok(list) => p.origins = Some(list),
                Err(note) => {
                    p.origins = Some(List::Items(Vec::new()));
                    unread(&note);
                }
            },
            "allow_methods" => match rust_source::list(arg, rust_source::method) {
                Some(list) => p.methods = Some(list),
                None => unread("methods that are not constants"),
            },
            "allow_headers" => match rust_source::list(arg, rust_source::header) {
                Some(list) => p.allow_headers = Some(list),
                None => unread("header names that are not constants"),
            },
            "expose_headers" => match rust_source::list(arg, rust_source::header) {
                Some(list) => p.expose_headers = Some(list),
                None => unread("header names that are not constants"),
            },
            "allow_credentials" => match rust_source::boolean(arg) {
                Some(b) => p.credentials = Some(b),
                None => unread("not a constant `true` or `false`"),
            },
            "max_age" => match rust_source::seconds(arg) {
                Some(s) => p.max_age = Some(s),
                None => unread("not a constant duration"),
            },
            "allow_private_network" => unread(
                "Private Network Access is not part of a corsc policy; answer `Access-Control-Allow-Private-Network` in the service",
            ),
            "vary" => unread("corsc computes `Vary` from the policy (R24)"),
            other => unread(&format!(
                "`{other}` is not a `CorsLayer` setting corsc knows"
            )),
        }
    }
    p
}

/// An `allow_origin` argument: `Any`, one value, a list, `AllowOrigin::…`.
fn origin(arg: &syn::Expr) -> Result<List, String> {
    if rust_source::is_any(arg) {
        return Ok(List::Any);
    }
    if let syn::Expr::Call(c) = arg
        && let Some(f) = rust_source::path_tail(&c.func)
    {
        match f.as_str() {
            "AllowOrigin::exact" | "AllowOrigin::list" => {
                return c
                    .args
                    .first()
                    .and_then(rust_source::strings)
                    .map(List::Items)
                    .ok_or_else(|| "origins that are not constants".to_string());
            }
            "AllowOrigin::predicate" | "AllowOrigin::async_predicate" => {
                let effect = c
                    .args
                    .first()
                    .map(rust_source::predicate_effect)
                    .unwrap_or_default();
                return Err(format!(
                    "a predicate decided the origin, and a policy lists them: {effect}"
                ));
            }
            "AllowOrigin::mirror_request" => {
                return Err(
                    "`mirror_request()` allowed every origin (each request's own was echoed); list the origins"
                        .into(),
                );
            }
            _ => {}
        }
    }
    rust_source::strings(arg)
        .map(List::Items)
        .ok_or_else(|| "origins that are not constants".to_string())
}

//! `cors import --from actix-cors`: `Cors` builder chains in Rust source
//! (`Cors::default().allowed_origin(…).allowed_methods(…)…`,
//! `Cors::permissive()`), one policy per chain.
//!
//! actix-cors 0.7's defaults are carried as they behave: `Cors::default()`
//! allows no origin, method or header, and a request from another origin
//! passes to the service without CORS headers (`on_reject = "omit"`).

use super::rust_source::{self, Chain};
use super::{Conversion, Imported, List};

const ROOTS: &[&str] = &["Cors::default", "Cors::permissive"];

pub(super) fn convert(text: &str) -> Result<Conversion, String> {
    let file = rust_source::parse(text)?;
    let chains = rust_source::chains(&file, ROOTS);
    if chains.is_empty() {
        return Err("no actix-cors `Cors` builder chain found (`Cors::default()…`)".into());
    }
    Ok(super::from_chains(&chains, one))
}

fn add(list: &mut Option<List>, items: List) {
    match (list.as_mut(), items) {
        (Some(List::Items(have)), List::Items(more)) => {
            for item in more {
                if !have.contains(&item) {
                    have.push(item);
                }
            }
        }
        (_, items) => *list = Some(items),
    }
}

fn one(chain: &Chain<'_>, notes: &mut Vec<String>) -> Imported {
    let none = || Some(List::Items(Vec::new()));
    let mut p = Imported {
        origins: none(),
        methods: none(),
        allow_headers: none(),
        ..Imported::default()
    };
    let mut any_origin = false;
    let mut any_header = false;
    let mut credentials = false;
    if chain.root == "Cors::permissive" {
        notes.push(format!(
            "line {}: `Cors::permissive()` echoed every origin with credentials: any web site could read responses as the logged-in user; list the origins that need it",
            chain.root_line
        ));
        return p;
    }
    for call in &chain.calls {
        let line = call.line;
        let arg = call.args.first().copied();
        let mut note = |what: &str| notes.push(format!("line {line}: `.{}(…)`: {what}", call.name));
        match (call.name.as_str(), arg) {
            // After `allow_any_origin()`, actix-cors narrows to this origin.
            ("allowed_origin", Some(arg)) => {
                if std::mem::take(&mut any_origin) {
                    p.origins = Some(List::Items(Vec::new()));
                }
                match rust_source::string(arg) {
                    Some(o) => add(&mut p.origins, List::Items(vec![o])),
                    None => {
                        p.origins = Some(List::Items(Vec::new()));
                        note("an origin that is not a constant");
                    }
                }
            }
            ("allow_any_origin", None) => {
                any_origin = true;
                p.origins = Some(List::Any);
            }
            ("allowed_origin_fn", Some(arg)) => note(&format!(
                "a function decided the origin, and a policy lists them: {}",
                rust_source::predicate_effect(arg)
            )),
            ("allowed_methods", Some(arg)) => match rust_source::list(arg, rust_source::method) {
                Some(list) => add(&mut p.methods, list),
                None => note("methods that are not constants"),
            },
            // actix-cors's "any" is its set of standard methods, not every
            // token (CONNECT and TRACE, which browsers never send, aside).
            ("allow_any_method", None) => add(
                &mut p.methods,
                List::Items(
                    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
                        .map(String::from)
                        .to_vec(),
                ),
            ),
            ("allowed_header", Some(arg)) => match rust_source::header(arg) {
                Some(h) => add(&mut p.allow_headers, List::Items(vec![h])),
                None => note("a header name that is not a constant"),
            },
            ("allowed_headers", Some(arg)) => match rust_source::list(arg, rust_source::header) {
                Some(list) => add(&mut p.allow_headers, list),
                None => note("header names that are not constants"),
            },
            ("allow_any_header", None) => {
                any_header = true;
                p.allow_headers = Some(List::Any);
            }
            ("expose_headers", Some(arg)) => match rust_source::list(arg, rust_source::header) {
                Some(list) => add(&mut p.expose_headers, list),
                None => note("header names that are not constants"),
            },
            ("expose_any_header", None) => p.expose_headers = Some(List::Any),
            ("supports_credentials", None) => {
                credentials = true;
                p.credentials = Some(true);
            }
            ("max_age", Some(arg)) => match arg {
                syn::Expr::Path(path) if path.path.is_ident("None") => p.max_age = None,
                _ => match rust_source::seconds(arg) {
                    Some(s) => p.max_age = Some(s),
                    None => note("not a constant number of seconds"),
                },
            },
            ("block_on_origin_mismatch", Some(arg)) => match rust_source::boolean(arg) {
                // actix-cors answers 400, corsc's forbid 403: both refuse.
                Some(true) => p.on_reject = Some("forbid"),
                Some(false) => p.on_reject = Some("omit"),
                None => note("not a constant `true` or `false`"),
            },
            ("send_wildcard", None) => {} // corsc sends `*` for `origins = "*"` already
            ("disable_vary_header", None) => {
                note("corsc always sends the `Vary` its answers depend on (R24)")
            }
            ("disable_preflight", None) => note("corsc always answers preflights itself"),
            ("allow_private_network_access", None) => note(
                "Private Network Access is not part of a corsc policy; answer `Access-Control-Allow-Private-Network` in the service",
            ),
            (other, _) => note(&format!(
                "`{other}` is not an actix-cors setting corsc knows"
            )),
        }
    }
    super::refused_safelisted("actix-cors", chain.root_line, p.methods.as_ref(), notes);
    if any_origin && credentials {
        notes.push(format!(
            "line {}: `allow_any_origin()` with `supports_credentials()` echoed every origin with credentials: any web site could read responses as the logged-in user; list the origins",
            chain.root_line
        ));
        p.origins = none();
    }
    if any_header && credentials {
        notes.push(format!(
            "line {}: `allow_any_header()` echoed every requested header, `Authorization` included; with credentials corsc's `*` is literal: list the headers",
            chain.root_line
        ));
        p.allow_headers = none();
    }
    p
}

//! `cors import --from rocket_cors`: `CorsOptions` in Rust source, as a
//! struct literal (`CorsOptions { allowed_origins: …, ..Default::default() }`)
//! or a builder chain (`CorsOptions::default().allowed_origins(…)…`), one
//! policy each.
//!
//! rocket_cors 0.6's defaults are carried as they behave: every origin
//! (echoed), the methods `GET HEAD POST OPTIONS PUT PATCH DELETE`, every
//! request header (echoed, `Authorization` included), no credentials.

use super::rust_source::{self, Call, Chain};
use super::{Conversion, Imported, List};

pub(super) fn convert(text: &str) -> Result<Conversion, String> {
    let file = rust_source::parse(text)?;
    let mut found = rust_source::struct_literals(&file, "CorsOptions");
    found.extend(rust_source::chains(&file, &["CorsOptions::default"]));
    found.sort_by_key(|c| c.root_line);
    if found.is_empty() {
        return Err(
            "no rocket_cors `CorsOptions` found (`CorsOptions { … }` or `CorsOptions::default()…`)"
                .into(),
        );
    }
    Ok(super::from_chains(&found, one))
}

fn one(chain: &Chain<'_>, notes: &mut Vec<String>) -> Imported {
    let mut p = Imported {
        origins: Some(List::Any),
        methods: Some(List::Items(
            ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"]
                .map(String::from)
                .to_vec(),
        )),
        allow_headers: Some(List::Any),
        ..Imported::default()
    };
    let mut credentials = false;
    let mut every_header = true;
    for call in &chain.calls {
        field(call, &mut p, &mut credentials, &mut every_header, notes);
    }
    let at = chain.root_line;
    if p.origins == Some(List::Any) && credentials {
        notes.push(format!(
            "line {at}: every origin (`AllowedOrigins::all()`, the default) with `allow_credentials: true` echoed every origin with credentials: any web site could read responses as the logged-in user; list the origins"
        ));
        p.origins = Some(List::Items(Vec::new()));
    }
    if every_header {
        notes.push(format!(
            "line {at}: every request header (`AllowedHeaders::all()`, the default) was echoed, `Authorization` included; corsc's `*` does not cover `Authorization` (Fetch): list the headers pages send"
        ));
        if credentials {
            p.allow_headers = Some(List::Items(Vec::new()));
        }
    }
    super::refused_safelisted("rocket_cors", at, p.methods.as_ref(), notes);
    p
}

/// `Type::constructor(args…)`: its path's last two segments and arguments.
fn constructor(e: &syn::Expr) -> Option<(String, Vec<&syn::Expr>)> {
    match e {
        syn::Expr::Call(c) => rust_source::path_tail(&c.func).map(|f| (f, c.args.iter().collect())),
        _ => None,
    }
}

fn field(
    call: &Call<'_>,
    p: &mut Imported,
    credentials: &mut bool,
    every_header: &mut bool,
    notes: &mut Vec<String>,
) {
    let line = call.line;
    let mut note = |what: &str| notes.push(format!("line {line}: `{}`: {what}", call.name));
    let Some(arg) = call.args.first().copied() else {
        note("no value");
        return;
    };
    match call.name.as_str() {
        "allowed_origins" => match constructor(arg) {
            Some((f, _)) if f == "AllowedOrigins::all" => p.origins = Some(List::Any),
            Some((f, args)) if f == "AllowedOrigins::some_exact" => {
                match args.first().and_then(|a| rust_source::strings(a)) {
                    Some(list) => p.origins = Some(List::Items(list)),
                    None => {
                        p.origins = Some(List::Items(Vec::new()));
                        note("origins that are not constants");
                    }
                }
            }
            Some((f, args)) if f == "AllowedOrigins::some" => {
                let exact = args.first().and_then(|a| rust_source::strings(a));
                let regex = args
                    .get(1)
                    .and_then(|a| rust_source::strings(a))
                    .unwrap_or_default();
                p.origins = Some(List::Items(exact.unwrap_or_default()));
                if !regex.is_empty() {
                    note(&regex_note(&regex));
                }
            }
            Some((f, args)) if f == "AllowedOrigins::some_regex" => {
                p.origins = Some(List::Items(Vec::new()));
                let regex = args
                    .first()
                    .and_then(|a| rust_source::strings(a))
                    .unwrap_or_default();
                note(&regex_note(&regex));
            }
            Some((f, _)) if f == "AllowedOrigins::some_null" => {
                p.origins = Some(List::Items(vec!["null".into()]))
            }
            _ => {
                p.origins = Some(List::Items(Vec::new()));
                note("origins that are not constants");
            }
        },
        "allowed_methods" => match rust_source::list(arg, rust_source::method) {
            Some(List::Items(m)) => {
                p.methods = Some(List::Items(
                    m.iter().map(|m| m.to_ascii_uppercase()).collect(),
                ))
            }
            Some(List::Any) => p.methods = Some(List::Any),
            None => note("methods that are not constants"),
        },
        "allowed_headers" => match constructor(arg) {
            Some((f, _)) if f == "AllowedHeaders::all" => {
                *every_header = true;
                p.allow_headers = Some(List::Any);
            }
            Some((f, args)) if f == "AllowedHeaders::some" => {
                *every_header = false;
                match args.first().and_then(|a| rust_source::strings(a)) {
                    Some(h) => {
                        p.allow_headers = Some(List::Items(
                            h.iter().map(|h| h.to_ascii_lowercase()).collect(),
                        ))
                    }
                    None => note("header names that are not constants"),
                }
            }
            _ => {
                *every_header = false;
                p.allow_headers = Some(List::Items(Vec::new()));
                note("header names that are not constants");
            }
        },
        "allow_credentials" => match rust_source::boolean(arg) {
            Some(b) => {
                *credentials = b;
                p.credentials = Some(b);
            }
            None => note("not a constant `true` or `false`"),
        },
        "expose_headers" => match rust_source::strings(arg) {
            Some(h) => {
                p.expose_headers = Some(List::Items(
                    h.iter().map(|h| h.to_ascii_lowercase()).collect(),
                ))
            }
            None => note("header names that are not constants"),
        },
        "max_age" => match arg {
            syn::Expr::Path(path) if path.path.is_ident("None") => p.max_age = None,
            _ => match rust_source::seconds(arg) {
                Some(s) => p.max_age = Some(s),
                None => note("not a constant number of seconds"),
            },
        },
        "send_wildcard" => {} // `origins = "*"` without credentials is answered with `*` already
        "fairing_route_base" | "fairing_route_rank" => {
            note("corsc's fairing mounts its own route, `/__corsc/early-answer`")
        }
        other => note(&format!(
            "`{other}` is not a rocket_cors setting corsc knows"
        )),
    }
}

/// What regular-expression origins let through.
fn regex_note(regex: &[String]) -> String {
    let unanchored: Vec<&String> = regex
        .iter()
        .filter(|r| {
            !r.starts_with('^') || !r.ends_with('$') || r.contains(".*") || r.contains("(.+)")
        })
        .collect();
    if unanchored.is_empty() {
        format!(
            "regular expressions decided origins ({}); list them, or use `https://*.` patterns",
            regex.join(", ")
        )
    } else {
        format!(
            "regular expressions decided origins, and {} match more than a list would (an unanchored or `.*` pattern lets look-alikes such as `https://evilexample.com` in); write the hosts, or `https://*.example.com`",
            unanchored
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

//! `cors import`: another product's CORS configuration as a policy file,
//! linted. What cannot be expressed (regular expressions, functions,
//! reflection of whatever the browser asks) is named, never guessed.

mod actix_cors;
mod express;
mod origin_list;
mod rocket_cors;
mod rust_source;
mod s3;
mod tower_http;

use std::io::{Read, Write};

use cors_policy::{Renderer, Severity, Source};
use toml_edit::{Array, DocumentMut, Item, Table, value};

use super::EXIT_USAGE;
use crate::cli::{ImportArgs, ImportFormat};

/// A list key's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum List {
    Any,
    Items(Vec<String>),
}

/// One imported policy; `None` keys are left to the defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Imported {
    /// `[policies.<name>]`, when the input has several rules.
    pub(super) name: Option<String>,
    pub(super) origins: Option<List>,
    pub(super) methods: Option<List>,
    pub(super) allow_headers: Option<List>,
    pub(super) expose_headers: Option<List>,
    pub(super) credentials: Option<bool>,
    pub(super) max_age: Option<i64>,
    pub(super) preflight_status: Option<i64>,
    /// `omit` or `forbid`.
    pub(super) on_reject: Option<&'static str>,
}

/// What an importer produced.
#[derive(Debug, Default)]
pub(super) struct Conversion {
    pub(super) policies: Vec<Imported>,
    /// What could not be carried over, and what to do about it.
    pub(super) not_carried: Vec<String>,
}

/// The name of a policy read from a Rust builder chain: its function's
/// (`_2`, `_3`… for a function with several, or two functions of one name
/// under different `cfg`s), else its position.
fn policy_name(chain: &rust_source::Chain<'_>, index: usize, taken: &[Imported]) -> String {
    let base = chain
        .function
        .clone()
        .unwrap_or_else(|| format!("rule{}", index + 1));
    let used = |name: &str| taken.iter().any(|p| p.name.as_deref() == Some(name));
    if !used(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|name| !used(name))
        .unwrap_or(base)
}

/// The policies of Rust builder chains, each read by `one`, named, and
/// refused where the value is configured further than its expression.
fn from_chains(
    chains: &[rust_source::Chain<'_>],
    one: impl Fn(&rust_source::Chain<'_>, &mut Vec<String>) -> Imported,
) -> Conversion {
    let mut conversion = Conversion::default();
    let several = chains.len() > 1;
    for chain in chains {
        let mut policy = one(chain, &mut conversion.not_carried);
        if let Some(line) = chain.continued_at {
            conversion.not_carried.push(format!(
                "line {line}: the value built on line {} is configured further here (a later `let`, a branch, an assignment); only one expression is read, so nothing of it is carried: write the whole configuration in one expression",
                chain.root_line
            ));
            policy.origins = Some(List::Items(Vec::new()));
        }
        policy.name =
            several.then(|| policy_name(chain, conversion.policies.len(), &conversion.policies));
        conversion.policies.push(policy);
    }
    conversion
}

/// For peers that refuse a preflight whose method they do not list, even a
/// safelisted one: notes the safelisted methods `methods` leaves out, which
/// browsers (and corsc) let through a preflight without the server naming
/// them.
fn refused_safelisted(peer: &str, line: usize, methods: Option<&List>, notes: &mut Vec<String>) {
    let Some(List::Items(methods)) = methods else {
        return;
    };
    let missing: Vec<&str> = cors_policy::DEFAULT_METHODS
        .into_iter()
        .filter(|m| !methods.iter().any(|x| x.eq_ignore_ascii_case(m)))
        .collect();
    if !missing.is_empty() {
        notes.push(format!(
            "line {line}: {peer} refused preflights asking for {} (not in `allowed_methods`); corsc allows these safelisted methods in every preflight, as browsers do, so such a request with custom headers is allowed now",
            missing.join(", ")
        ));
    }
}

/// Runs an importer of Rust source on a thread with room for deep syntax
/// trees (the parser and visitors recurse; the source's nesting is bounded
/// by `rust_source::parse`).
fn with_stack(
    text: &str,
    convert: fn(&str) -> Result<Conversion, String>,
) -> Result<Conversion, String> {
    let text = text.to_string();
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || convert(&text))
        .map_err(|e| format!("cannot start the importer: {e}"))?
        .join()
        .unwrap_or_else(|_| Err("the importer failed on this input".to_string()))
}

/// Splits a comma-separated list, trimming entries and dropping empty ones.
pub(super) fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn list_item(list: &List) -> Item {
    match list {
        List::Any => value("*"),
        List::Items(items) => {
            let mut array: Array = items.iter().map(String::as_str).collect();
            if items.len() > 3 {
                for v in array.iter_mut() {
                    v.decor_mut().set_prefix("\n    ");
                }
                array.set_trailing("\n");
                array.set_trailing_comma(true);
            }
            Item::Value(array.into())
        }
    }
}

fn fill(table: &mut Table, policy: &Imported) {
    let lists = [
        ("origins", &policy.origins),
        ("methods", &policy.methods),
        ("allow_headers", &policy.allow_headers),
        ("expose_headers", &policy.expose_headers),
    ];
    for (key, list) in lists {
        if let Some(list) = list {
            table.insert(key, list_item(list));
        }
    }
    if let Some(c) = policy.credentials {
        table.insert("credentials", value(c));
    }
    if let Some(m) = policy.max_age {
        table.insert("max_age", value(m));
    }
    if let Some(s) = policy.preflight_status {
        table.insert("preflight_status", value(s));
    }
    if let Some(r) = policy.on_reject {
        table.insert("on_reject", value(r));
    }
}

/// The policy file for `conversion`.
pub(super) fn to_toml(conversion: &Conversion, from: &str) -> String {
    let mut document = DocumentMut::new();
    match conversion.policies.as_slice() {
        [single] if single.name.is_none() => fill(document.as_table_mut(), single),
        policies => {
            let mut all = Table::new();
            all.set_implicit(true);
            for (i, policy) in policies.iter().enumerate() {
                let name = policy
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("rule{}", i + 1));
                let mut table = Table::new();
                fill(&mut table, policy);
                all.insert(&name, Item::Table(table));
            }
            document.insert("policies", Item::Table(all));
        }
    }
    let mut header = format!("# Imported by `cors import --from {from}`.\n");
    if !conversion.not_carried.is_empty() {
        header.push_str("# Not carried over (see `cors import` output):\n");
        for note in &conversion.not_carried {
            header.push_str(&format!("#   - {note}\n"));
        }
    }
    header.push('\n');
    header + &document.to_string()
}

fn read_input(args: &ImportArgs) -> std::io::Result<String> {
    if args.file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(&args.file)
    }
}

pub(crate) fn run(args: &ImportArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let text = match read_input(args) {
        Ok(text) => text,
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {}: {e}", args.file.display());
            return EXIT_USAGE;
        }
    };
    let (from, converted) = match args.format {
        ImportFormat::OriginList => ("box", Ok(origin_list::convert(&text))),
        ImportFormat::S3 => ("s3", s3::convert(&text)),
        ImportFormat::Express => ("express", express::convert(&text)),
        ImportFormat::TowerHttp => ("tower-http", with_stack(&text, tower_http::convert)),
        ImportFormat::ActixCors => ("actix-cors", with_stack(&text, actix_cors::convert)),
        ImportFormat::RocketCors => ("rocket_cors", with_stack(&text, rocket_cors::convert)),
    };
    let conversion = match converted {
        Ok(c) => c,
        Err(message) => {
            let _ = writeln!(err, "error: {}: {message}", args.file.display());
            return EXIT_USAGE;
        }
    };
    let policy = to_toml(&conversion, from);
    let name = match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &policy) {
                let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
            path.display().to_string()
        }
        None => {
            if out.write_all(policy.as_bytes()).is_err() {
                return EXIT_USAGE;
            }
            "<imported policy>".to_string()
        }
    };
    for note in &conversion.not_carried {
        let _ = writeln!(err, "not carried over: {note}");
    }
    // Lint what was produced: the import is only as safe as the input.
    let report = cors_policy::check(&Source::new(name, policy));
    let _ = write!(err, "{}", report.render_with(&Renderer::plain()));
    let _ = writeln!(
        err,
        "lint: {}, {}",
        crate::render::plural(report.count(Severity::Error), "error"),
        crate::render::plural(report.count(Severity::Warning), "warning"),
    );
    if !report.diagnostics().is_empty() {
        let _ = writeln!(
            err,
            "`cors lint --fix FILE` rewrites what is mechanical (canonical forms, duplicates, paths); the rest needs a decision"
        );
    }
    if report.has_errors() { 1 } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_one_policy_or_named_policies() {
        let one = Conversion {
            policies: vec![Imported {
                origins: Some(List::Items(vec!["https://a.example".into()])),
                credentials: Some(true),
                ..Imported::default()
            }],
            not_carried: vec!["a regex".into()],
        };
        assert_eq!(
            to_toml(&one, "box"),
            "# Imported by `cors import --from box`.\n# Not carried over (see `cors import` output):\n#   - a regex\n\norigins = [\"https://a.example\"]\ncredentials = true\n"
        );
        let two = Conversion {
            policies: vec![
                Imported {
                    name: Some("web".into()),
                    origins: Some(List::Any),
                    ..Imported::default()
                },
                Imported {
                    origins: Some(List::Items(vec!["https://b.example".into()])),
                    ..Imported::default()
                },
            ],
            not_carried: vec![],
        };
        assert_eq!(
            to_toml(&two, "s3"),
            "# Imported by `cors import --from s3`.\n\n[policies.web]\norigins = \"*\"\n\n[policies.rule2]\norigins = [\"https://b.example\"]\n"
        );
    }
}

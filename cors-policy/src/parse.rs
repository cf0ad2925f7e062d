//! Stage 1, **parse**: a policy file read into its `FileAst` with `toml_edit`, which keeps
//! the byte span of every key and value.

use std::ops::Range;

use toml_edit::{Document, Item, TableLike, Value};

use cors_runtime::{LogLevel, OnReject};

use crate::ast::{
    Fields, FileAst, LintLevel, List, OriginEntry, Origins, PolicyAst, Problem, Profile, Spanned,
};
use crate::pattern;
use crate::schema::{NAMED_FILE_KEYS, POLICY_KEYS, PROFILE_KEYS};

/// Parses a policy file. Never fails: problems are in [`FileAst::problems`].
pub(crate) fn parse_file(text: &str) -> FileAst {
    let mut file = FileAst::default();
    let doc = match Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            file.problems.push(Problem::Syntax { span, message });
            return file;
        }
    };
    let root = doc.as_table();
    let whole = 0..text.len();
    let mut p = Parser {
        problems: Vec::new(),
        text,
    };

    if let Some((key, item)) = root.get_key_value("lints") {
        file.lints = p.lints(item, key_span(key));
    }
    if let Some((key, item)) = root.get_key_value("policies") {
        file.named = true;
        for (k, _) in root.iter() {
            if !NAMED_FILE_KEYS.contains(&k) {
                let span = root.key(k).and_then(|k| k.span()).unwrap_or(0..0);
                p.problems.push(Problem::InvalidValue {
                    span,
                    message: format!("`{k}` is at the top level of a file that uses [policies.<name>]"),
                    help: format!("move `{k}` into a policy (e.g. [policies.<name>]), or drop [policies] and keep one policy at the top level"),
                });
            }
        }
        match item.as_table_like() {
            Some(policies) if !policies.is_empty() => {
                for (name, policy_item) in policies.iter() {
                    let name_span = policies
                        .key(name)
                        .and_then(|k| k.span())
                        .unwrap_or_else(|| key_span(key));
                    match policy_item.as_table_like() {
                        Some(table) => {
                            let span = policy_item.span().unwrap_or(name_span.clone());
                            let name = Spanned::new(name.to_string(), name_span);
                            file.policies.push(p.policy(table, Some(name), span));
                        }
                        None => p.wrong_type(
                            policy_item,
                            &name_span,
                            &format!("policies.{name}"),
                            "a table of policy keys",
                        ),
                    }
                }
            }
            _ => p.problems.push(Problem::InvalidValue {
                span: item.span().unwrap_or_else(|| key_span(key)),
                message: "`policies` must hold at least one [policies.<name>] table".into(),
                help: "add a table such as [policies.api] with `origins = [...]`".into(),
            }),
        }
    } else {
        file.policies.push(p.policy(root, None, whole));
    }
    file.problems = p.problems;
    file
}

fn key_span(key: &toml_edit::Key) -> Range<usize> {
    key.span().unwrap_or(0..0)
}

/// A list key's value: `"*"` (where), or string entries with the offset of
/// their text when it maps back exactly.
enum Strings {
    Star(Range<usize>),
    Items(Vec<(Spanned<String>, Option<usize>)>),
}

struct Parser<'t> {
    problems: Vec<Problem>,
    text: &'t str,
}

impl Parser<'_> {
    fn policy(
        &mut self,
        table: &dyn TableLike,
        name: Option<Spanned<String>>,
        span: Range<usize>,
    ) -> PolicyAst {
        // At the top of a single-policy file, `lints` belongs to the file.
        let reserved: &[&str] = if name.is_none() { &["lints"] } else { &[] };
        let fields = self.fields(table, POLICY_KEYS, "policy", reserved);
        let mut profiles = Vec::new();
        if let Some((key, item)) = table.get_key_value("profiles") {
            match item.as_table_like() {
                Some(list) => {
                    for (pname, pitem) in list.iter() {
                        let pspan = list
                            .key(pname)
                            .and_then(|k| k.span())
                            .unwrap_or_else(|| key_span(key));
                        match pitem.as_table_like() {
                            Some(ptable) => profiles.push(Profile {
                                span: pitem.span().unwrap_or(pspan.clone()),
                                name: Spanned::new(pname.to_string(), pspan),
                                fields: self.fields(ptable, PROFILE_KEYS, "profile", &[]),
                            }),
                            None => self.wrong_type(
                                pitem,
                                &pspan,
                                &format!("profiles.{pname}"),
                                "a table of policy keys",
                            ),
                        }
                    }
                }
                None => self.wrong_type(
                    item,
                    &key_span(key),
                    "profiles",
                    "a table of [profiles.<name>] tables",
                ),
            }
        }
        if fields.origins.is_none() {
            self.problems.push(Problem::MissingOrigins {
                span: name.as_ref().map_or(0..0, |n| n.span.clone()),
                policy: name.as_ref().map(|n| n.value.clone()),
            });
        }
        PolicyAst {
            name,
            span,
            fields,
            profiles,
        }
    }

    fn fields(
        &mut self,
        table: &dyn TableLike,
        allowed: &'static [&'static str],
        place: &'static str,
        reserved: &[&str],
    ) -> Fields {
        let mut f = Fields::default();
        for (key, item) in table.iter() {
            let kspan = table.key(key).and_then(|k| k.span()).unwrap_or(0..0);
            if reserved.contains(&key) {
                continue;
            }
            let Some(schema_key) = allowed.iter().find(|k| **k == key) else {
                self.problems.push(Problem::UnknownKey {
                    span: kspan,
                    key: key.to_string(),
                    expected: allowed,
                    place,
                });
                continue;
            };
            f.keys.push(Spanned::new(*schema_key, kspan.clone()));
            let vspan = item.span().unwrap_or(kspan.clone());
            match key {
                "origins" => f.origins = self.origins(item, &kspan).map(|o| Spanned::new(o, vspan)),
                "extra_origins" => f.extra_origins = self.origins(item, &kspan).map(|o| Spanned::new(o, vspan)),
                "server_origins" => {
                    f.server_origins = self.origins(item, &kspan).map(|o| Spanned::new(o, vspan))
                }
                "methods" => f.methods = self.list(item, &kspan, key).map(|l| Spanned::new(l, vspan)),
                "allow_headers" => f.allow_headers = self.list(item, &kspan, key).map(|l| Spanned::new(l, vspan)),
                "expose_headers" => f.expose_headers = self.list(item, &kspan, key).map(|l| Spanned::new(l, vspan)),
                "extra_methods" => f.extra_methods = self.list(item, &kspan, key).map(|l| Spanned::new(l, vspan)),
                "extra_allow_headers" => {
                    f.extra_allow_headers = self.list(item, &kspan, key).map(|l| Spanned::new(l, vspan))
                }
                "extra_expose_headers" => {
                    f.extra_expose_headers = self.list(item, &kspan, key).map(|l| Spanned::new(l, vspan))
                }
                "credentials" => match item.as_bool() {
                    Some(b) => f.credentials = Some(Spanned::new(b, vspan)),
                    None => self.wrong_type(item, &kspan, key, "`true` or `false`"),
                },
                "max_age" => match item.as_integer() {
                    Some(n) if (0..=i64::from(u32::MAX)).contains(&n) => f.max_age = Some(Spanned::new(n, vspan)),
                    Some(n) => self.problems.push(Problem::InvalidValue {
                        span: vspan,
                        message: format!("max_age must be a number of seconds from 0 to {}, not {n}", u32::MAX),
                        help: "write `max_age = 600` (browsers cap it: Chrome at 7200, Safari at 600); `0` turns caching off"
                            .into(),
                    }),
                    None => self.wrong_type(item, &kspan, key, "a whole number of seconds"),
                },
                "preflight_status" => match item.as_integer() {
                    Some(n @ (200 | 204)) => f.preflight_status = Some(Spanned::new(n, vspan)),
                    Some(n) => self.problems.push(Problem::InvalidValue {
                        span: vspan,
                        message: format!("preflight_status must be 200 or 204, not {n}"),
                        help: "browsers accept any 2xx, but only 200 and 204 are used in practice: write `preflight_status = 204`"
                            .into(),
                    }),
                    None => self.wrong_type(item, &kspan, key, "200 or 204"),
                },
                "on_reject" => match item.as_str() {
                    Some("omit") => f.on_reject = Some(Spanned::new(OnReject::Omit, vspan)),
                    Some("forbid") => f.on_reject = Some(Spanned::new(OnReject::Forbid, vspan)),
                    Some(other) => self.problems.push(Problem::InvalidValue {
                        span: vspan,
                        message: format!("on_reject must be \"omit\" or \"forbid\", not {other:?}"),
                        help: "write `on_reject = \"omit\"` (no CORS headers) or `on_reject = \"forbid\"` (403)".into(),
                    }),
                    None => self.wrong_type(item, &kspan, key, "\"omit\" or \"forbid\""),
                },
                "report_only" => match item.as_bool() {
                    Some(b) => f.report_only = Some(Spanned::new(b, vspan)),
                    None => self.wrong_type(item, &kspan, key, "`true` or `false`"),
                },
                "fingerprint_header" => match item.as_bool() {
                    Some(b) => f.fingerprint_header = Some(Spanned::new(b, vspan)),
                    None => self.wrong_type(item, &kspan, key, "`true` or `false`"),
                },
                "log_rejections" => match item.as_str() {
                    Some(text) => match LogLevel::from_name(text) {
                        Some(level) => f.log_rejections = Some(Spanned::new(level, vspan)),
                        None => self.problems.push(Problem::InvalidValue {
                            span: vspan,
                            message: format!("log_rejections must be a level, not {text:?}"),
                            help: format!(
                                "write one of {} (`\"off\"` logs none)",
                                LogLevel::ALL.map(|l| format!("`\"{}\"`", l.as_str())).join(", ")
                            ),
                        }),
                    },
                    None => self.wrong_type(item, &kspan, key, "a level such as \"info\""),
                },
                _ => {} // `profiles` is read by the caller.
            }
        }
        f
    }

    fn strings(&mut self, item: &Item, kspan: &Range<usize>, key: &str) -> Option<Strings> {
        if let Some(s) = item.as_str() {
            let span = item.span().unwrap_or(kspan.clone());
            if s == "*" {
                return Some(Strings::Star(span));
            }
            self.problems.push(Problem::InvalidValue {
                span,
                message: format!("`{key}` must be an array of strings or \"*\""),
                help: format!("write `{key} = [{s:?}]`"),
            });
            return None;
        }
        let Some(array) = item.as_array() else {
            self.wrong_type(item, kspan, key, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        for v in array.iter() {
            let span = v.span().unwrap_or(kspan.clone());
            match v {
                Value::String(s) => {
                    let value = s.value().to_string();
                    // Sub-spans are exact only for a one-line string without
                    // escapes, whose text sits between its two quotes.
                    let raw = self.text.get(span.clone()).unwrap_or("");
                    let text_start = (raw.len() >= 2
                        && raw.get(1..raw.len() - 1) == Some(value.as_str()))
                    .then_some(span.start + 1);
                    out.push((Spanned::new(value, span), text_start));
                }
                other => self.problems.push(Problem::InvalidValue {
                    span,
                    message: format!("`{key}` entries must be strings, not {}", other.type_name()),
                    help: "quote the entry".into(),
                }),
            }
        }
        Some(Strings::Items(out))
    }

    fn list(&mut self, item: &Item, kspan: &Range<usize>, key: &str) -> Option<List> {
        match self.strings(item, kspan, key)? {
            Strings::Star(any) => Some(List {
                any: Some(any),
                items: Vec::new(),
            }),
            Strings::Items(entries) => {
                let mut list = List::default();
                for (s, _) in entries {
                    if s.value == "*" {
                        list.any = Some(s.span);
                    } else {
                        list.items.push(s);
                    }
                }
                Some(list)
            }
        }
    }

    fn origins(&mut self, item: &Item, kspan: &Range<usize>) -> Option<Origins> {
        match self.strings(item, kspan, "origins")? {
            Strings::Star(any) => Some(Origins {
                any: Some(any),
                entries: Vec::new(),
            }),
            Strings::Items(entries) => Some(Origins {
                any: None,
                entries: entries
                    .into_iter()
                    .map(|(raw, text_start)| OriginEntry {
                        parsed: pattern::parse(&raw.value),
                        raw,
                        text_start,
                    })
                    .collect(),
            }),
        }
    }

    fn lints(&mut self, item: &Item, kspan: Range<usize>) -> Vec<(Spanned<String>, LintLevel)> {
        let Some(table) = item.as_table_like() else {
            self.wrong_type(
                item,
                &kspan,
                "lints",
                "a table such as `[lints]` with `null-origin = \"allow\"`",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, value) in table.iter() {
            let span = table
                .key(name)
                .and_then(|k| k.span())
                .unwrap_or(kspan.clone());
            let level = match value.as_str() {
                Some("allow") => LintLevel::Allow,
                Some("warn") => LintLevel::Warn,
                Some("deny") => LintLevel::Deny,
                _ => {
                    self.problems.push(Problem::InvalidValue {
                        span: value.span().unwrap_or(span),
                        message: format!(
                            "the level of `{name}` must be \"allow\", \"warn\" or \"deny\""
                        ),
                        help: format!("write `{name} = \"warn\"`"),
                    });
                    continue;
                }
            };
            out.push((Spanned::new(name.to_string(), span), level));
        }
        out
    }

    fn wrong_type(&mut self, item: &Item, kspan: &Range<usize>, key: &str, expected: &str) {
        self.problems.push(Problem::InvalidValue {
            span: item.span().unwrap_or(kspan.clone()),
            message: format!("`{key}` must be {expected}, not {}", item.type_name()),
            help: format!("write `{key}` as {expected}"),
        });
    }
}

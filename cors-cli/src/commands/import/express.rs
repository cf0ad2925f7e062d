//! `--from express`: the options object of Express's `cors` middleware, as
//! JSON. Functions and regular expressions cannot be JSON; a string written
//! like a regex (`"/\\.example\\.com$/"`) is reported, not guessed.

use serde::Deserialize;
use serde_json::Value;

use super::{Conversion, Imported, List, split_list};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Options {
    origin: Option<Value>,
    methods: Option<Value>,
    allowed_headers: Option<Value>,
    headers: Option<Value>,
    exposed_headers: Option<Value>,
    credentials: Option<bool>,
    max_age: Option<i64>,
    options_success_status: Option<i64>,
    preflight_continue: Option<bool>,
}

/// A string or an array of strings, as the middleware accepts.
fn strings(value: &Value, key: &str) -> Result<Vec<String>, String> {
    match value {
        Value::String(s) => Ok(split_list(s)),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{key}` entries must be strings, not {i}"))
            })
            .collect(),
        other => Err(format!("`{key}` must be a string or an array, not {other}")),
    }
}

fn is_regex(s: &str) -> bool {
    s.len() > 1 && s.starts_with('/') && s.rfind('/').is_some_and(|i| i > 0)
}

pub(in crate::commands) fn convert(text: &str) -> Result<Conversion, String> {
    let options: Options = serde_json::from_str(text)
        .map_err(|e| format!("not a JSON object of cors() options ({e})"))?;
    let mut not_carried = Vec::new();
    let credentials = options.credentials.unwrap_or(false);
    let origins = match &options.origin {
        // The middleware's default is `*`.
        None => List::Any,
        Some(Value::String(s)) if s == "*" => List::Any,
        Some(Value::Bool(true)) => {
            not_carried.push(
                "`origin: true` reflects every origin (with credentials, any site can act as your users); list the origins your pages are served from"
                    .to_string(),
            );
            List::Items(Vec::new())
        }
        Some(Value::Bool(false)) => {
            not_carried.push("`origin: false` disables CORS: no policy is needed".to_string());
            List::Items(Vec::new())
        }
        Some(value) => {
            let mut kept = Vec::new();
            for entry in strings(value, "origin")? {
                if is_regex(&entry) {
                    not_carried.push(format!(
                        "the regular expression `{entry}`: write the origins it should match, or a `https://*.domain` wildcard"
                    ));
                } else {
                    kept.push(entry);
                }
            }
            List::Items(kept)
        }
    };
    let methods = options
        .methods
        .as_ref()
        .map(|m| strings(m, "methods"))
        .transpose()?
        // The middleware's default list.
        .unwrap_or_else(|| split_list("GET,HEAD,PUT,PATCH,POST,DELETE"));
    let allow_headers = match options
        .allowed_headers
        .as_ref()
        .or(options.headers.as_ref())
    {
        Some(h) => Some(List::Items(strings(h, "allowedHeaders")?)),
        None => {
            not_carried.push(
                "no `allowedHeaders`: the middleware echoes whatever headers the browser asks for; list the headers your pages send"
                    .to_string(),
            );
            None
        }
    };
    let expose_headers = options
        .exposed_headers
        .as_ref()
        .map(|h| strings(h, "exposedHeaders"))
        .transpose()?
        .map(List::Items);
    let preflight_status = match options.options_success_status {
        None | Some(204) => None,
        Some(200) => Some(200),
        Some(other) => {
            not_carried.push(format!(
                "`optionsSuccessStatus: {other}`: preflights are answered 204 (or 200 with `preflight_status = 200`)"
            ));
            None
        }
    };
    if options.preflight_continue == Some(true) {
        not_carried.push(
            "`preflightContinue: true`: the CORS layer answers preflights itself; routes do not see them"
                .to_string(),
        );
    }
    Ok(Conversion {
        policies: vec![Imported {
            name: None,
            origins: Some(origins),
            methods: Some(List::Items(methods)),
            allow_headers,
            expose_headers,
            credentials: options.credentials.map(|_| credentials),
            max_age: options.max_age,
            preflight_status,
            on_reject: None,
        }],
        not_carried,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_object() {
        let c = convert(
            r#"{"origin": ["https://app.example.com", "/\\.example\\.com$/"], "methods": "GET,POST",
                "allowedHeaders": ["Content-Type", "Authorization"], "exposedHeaders": "X-Total-Count",
                "credentials": true, "maxAge": 600, "optionsSuccessStatus": 200}"#,
        )
        .unwrap();
        let p = &c.policies[0];
        assert_eq!(
            p.origins,
            Some(List::Items(vec!["https://app.example.com".into()]))
        );
        assert_eq!(
            p.methods,
            Some(List::Items(vec!["GET".into(), "POST".into()]))
        );
        assert_eq!(
            p.expose_headers,
            Some(List::Items(vec!["X-Total-Count".into()]))
        );
        assert_eq!(p.credentials, Some(true));
        assert_eq!(p.preflight_status, Some(200));
        assert_eq!(c.not_carried.len(), 1, "the regex: {:?}", c.not_carried);
    }

    #[test]
    fn defaults_and_reflection() {
        let c = convert("{}").unwrap();
        assert_eq!(c.policies[0].origins, Some(List::Any));
        assert_eq!(c.not_carried.len(), 1, "allowedHeaders echo");
        let reflect =
            convert(r#"{"origin": true, "credentials": true, "allowedHeaders": []}"#).unwrap();
        assert_eq!(reflect.policies[0].origins, Some(List::Items(vec![])));
        assert!(reflect.not_carried[0].contains("reflects every origin"));
        assert!(convert("[1]").is_err());
        assert!(convert(r#"{"methods": 3}"#).is_err());
    }
}

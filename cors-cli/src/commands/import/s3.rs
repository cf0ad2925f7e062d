//! `--from s3`: an AWS S3 bucket CORS configuration, either as the API
//! returns it (`{"CORSRules": [...]}`) or as the console edits it (`[...]`).
//! Each rule becomes a named policy.

use serde::Deserialize;

use super::{Conversion, Imported, List};

#[derive(Deserialize)]
#[serde(untagged)]
enum Input {
    Wrapped {
        #[serde(rename = "CORSRules")]
        rules: Vec<Rule>,
    },
    Bare(Vec<Rule>),
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Rule {
    #[serde(rename = "ID")]
    id: Option<String>,
    allowed_origins: Vec<String>,
    allowed_methods: Vec<String>,
    #[serde(default)]
    allowed_headers: Vec<String>,
    #[serde(default)]
    expose_headers: Vec<String>,
    max_age_seconds: Option<i64>,
}

fn list(items: &[String]) -> List {
    if items.iter().any(|i| i == "*") {
        List::Any
    } else {
        List::Items(items.to_vec())
    }
}

pub(in crate::commands) fn convert(text: &str) -> Result<Conversion, String> {
    let input: Input = serde_json::from_str(text).map_err(|e| {
        format!("not an S3 CORS configuration ({e}); expected {{\"CORSRules\": [{{\"AllowedOrigins\": [...], \"AllowedMethods\": [...]}}]}}")
    })?;
    let rules = match input {
        Input::Wrapped { rules } | Input::Bare(rules) => rules,
    };
    if rules.is_empty() {
        return Err("the configuration has no CORS rules".into());
    }
    let several = rules.len() > 1;
    let mut conversion = Conversion::default();
    for (i, rule) in rules.into_iter().enumerate() {
        let label = rule.id.clone().unwrap_or_else(|| format!("rule{}", i + 1));
        let any_origin = rule.allowed_origins.iter().any(|o| o == "*");
        let name = several.then(|| {
            label
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect::<String>()
        });
        // S3 answers a matched, non-`*` origin with
        // `Access-Control-Allow-Credentials: true`; keep that behaviour
        // visible so the linter can judge it.
        let credentials = !any_origin;
        if credentials {
            conversion.not_carried.push(format!(
                "{label}: S3 sends `Access-Control-Allow-Credentials: true` to listed origins; kept as `credentials = true`; set it to false if your pages never send cookies"
            ));
        }
        let allow_headers = if rule.allowed_headers.is_empty() {
            None
        } else if rule.allowed_headers.iter().any(|h| h == "*") && !credentials {
            // S3's `*` allows every requested header, Authorization too;
            // a policy's `*` leaves Authorization out unless it is listed
            // (R15).
            Some(List::Items(vec!["*".into(), "authorization".into()]))
        } else if rule.allowed_headers.iter().any(|h| h == "*") {
            conversion.not_carried.push(format!(
                "{label}: AllowedHeaders `*` with listed origins allows any header on credentialed requests, which browsers do not accept from a `*`; list the headers your pages send"
            ));
            Some(List::Any)
        } else {
            Some(List::Items(rule.allowed_headers.clone()))
        };
        if rule
            .allowed_headers
            .iter()
            .chain(&rule.allowed_origins)
            .any(|h| h != "*" && h.matches('*').count() > 0 && !h.contains("://*."))
        {
            conversion.not_carried.push(format!(
                "{label}: S3 allows `*` anywhere in an entry; only `scheme://*.domain` subdomain wildcards carry over, the linter flags the rest"
            ));
        }
        conversion.policies.push(Imported {
            name,
            origins: Some(if any_origin {
                List::Any
            } else {
                list(&rule.allowed_origins)
            }),
            methods: Some(list(&rule.allowed_methods)),
            allow_headers,
            expose_headers: (!rule.expose_headers.is_empty()).then(|| list(&rule.expose_headers)),
            credentials: Some(credentials),
            max_age: rule.max_age_seconds,
            preflight_status: None,
            on_reject: None,
        });
    }
    Ok(conversion)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_and_console_forms() {
        let api = r#"{"CORSRules": [
            {"ID": "web app", "AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "PUT"],
             "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3000},
            {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}
        ]}"#;
        let c = convert(api).unwrap();
        assert_eq!(c.policies.len(), 2);
        assert_eq!(c.policies[0].name.as_deref(), Some("web-app"));
        assert_eq!(c.policies[0].credentials, Some(true));
        assert_eq!(c.policies[0].allow_headers, Some(List::Any));
        assert_eq!(c.policies[0].max_age, Some(3000));
        assert_eq!(c.policies[1].origins, Some(List::Any));
        assert_eq!(c.policies[1].credentials, Some(false));
        assert_eq!(c.not_carried.len(), 2);
        let console = r#"[{"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["GET"]}]"#;
        assert_eq!(convert(console).unwrap().policies[0].name, None);
        assert!(convert("{\"CORSRules\": []}").is_err());
        assert!(convert("[{\"AllowedOrigin\": []}]").is_err());
    }
}

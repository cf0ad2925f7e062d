//! What the three example services (axum, actix-web, rocket) share, so each
//! example is only its framework's routing and the CORS one-liner.
//!
//! ```
//! use example_support::{Options, Store};
//! let options = Options::from_args(["example", "--port", "9000", "--profile", "dev"]).unwrap();
//! assert_eq!(options.port, 9000);
//! let store = Store::default();
//! assert_eq!(store.put(7, r#"{"name":"seventh"}"#).unwrap(), r#"{"id":7,"name":"seventh"}"#);
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::sync::Mutex;

use clap::{Parser, ValueEnum};

/// Which profile of `examples/policies/api.toml` the service runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Profile {
    /// The base policy: only the production front-ends.
    Production,
    /// Adds `http://localhost:*`, for a front-end on a local dev server.
    Dev,
}

/// The example services' command line.
#[derive(Clone, Debug, Parser)]
#[command(about = "An example service behind a corsc-compiled CORS policy")]
pub struct Options {
    /// Port to listen on, at 127.0.0.1.
    #[arg(long, env = "PORT", default_value_t = 8080)]
    pub port: u16,
    /// Policy profile.
    #[arg(long, env = "CORS_PROFILE", value_enum, default_value_t = Profile::Production)]
    pub profile: Profile,
    /// Serve without any CORS layer: the baseline the load tests measure
    /// the layer's cost against.
    #[arg(long, conflicts_with = "tower_http")]
    pub without_cors: bool,
    /// Serve with tower-http's `CorsLayer` configured as the same policies
    /// instead of corsc's (the axum example; the load comparison).
    #[arg(long)]
    pub tower_http: bool,
    /// Serve the CORS counters for Prometheus at `/metrics` (the axum
    /// example).
    #[arg(long)]
    pub metrics: bool,
    /// Print the CORS layer's events at this level and above to stderr
    /// (the axum example): `info` shows rejections, `debug` preflights
    /// too, `trace` every request.
    #[arg(long, value_name = "LEVEL")]
    pub log: Option<String>,
}

impl Options {
    /// Parses the process's arguments and environment; exits with usage on
    /// error.
    pub fn parse_or_exit() -> Options {
        Options::parse()
    }

    /// Parses `args` (the first is the program name) and the environment.
    pub fn from_args<I, T>(args: I) -> Result<Options, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        Options::try_parse_from(args)
    }

    /// The policy profile to serve with, or `None` without CORS.
    pub fn cors(&self) -> Option<Profile> {
        (!self.without_cors).then_some(self.profile)
    }

    /// The line a service prints when it is ready.
    pub fn banner(&self, framework: &str) -> String {
        match self.cors() {
            Some(profile) => format!(
                "example-{framework} listening on http://127.0.0.1:{} (policy profile: {profile:?})",
                self.port
            ),
            None => format!(
                "example-{framework} listening on http://127.0.0.1:{} WITHOUT CORS (baseline)",
                self.port
            ),
        }
    }
}

/// The body of the route that always fails.
pub const FAILURE_BODY: &str = r#"{"error":"the item store is unavailable"}"#;

/// The body of `/public/stats`.
pub fn stats_body(store: &Store) -> String {
    format!(r#"{{"items":{}}}"#, store.len())
}

/// The session cookie `POST /api/session` sets. `SameSite=Lax` is enough:
/// the front-end and the API are cross-origin but same-site.
pub const SESSION_COOKIE: &str = "session=s3cr3t; Path=/; HttpOnly; SameSite=Lax";

/// The body of `GET /api/whoami`: the session cookie's value, if the browser
/// sent it.
pub fn whoami_body(cookie_header: Option<&str>) -> String {
    let session = cookie_header.and_then(|h| {
        h.split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == "session")
            .map(|(_, value)| value.to_string())
    });
    serde_json::json!({ "session": session }).to_string()
}

/// A small in-memory item store.
#[derive(Debug)]
pub struct Store {
    items: Mutex<BTreeMap<u32, String>>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            items: Mutex::new(BTreeMap::from([
                (1, "first".to_string()),
                (2, "second".to_string()),
            ])),
        }
    }
}

#[derive(serde::Deserialize)]
struct ItemInput {
    name: String,
}

impl Store {
    fn items(&self) -> std::sync::MutexGuard<'_, BTreeMap<u32, String>> {
        // A panic while holding the lock leaves the map consistent.
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items().len()
    }

    /// True when there are no items.
    pub fn is_empty(&self) -> bool {
        self.items().is_empty()
    }

    /// Every item as a JSON array.
    pub fn list_json(&self) -> String {
        let items: Vec<_> = self
            .items()
            .iter()
            .map(|(id, name)| serde_json::json!({ "id": id, "name": name }))
            .collect();
        serde_json::Value::Array(items).to_string()
    }

    /// Creates or renames item `id` from a JSON body `{"name": "..."}`;
    /// returns the item as JSON, or a message for a 400.
    pub fn put(&self, id: u32, body: &str) -> Result<String, String> {
        let input: ItemInput = serde_json::from_str(body).map_err(|e| {
            serde_json::json!({ "error": format!("expected {{\"name\": \"...\"}}: {e}") })
                .to_string()
        })?;
        self.items().insert(id, input.name.clone());
        Ok(serde_json::json!({ "id": id, "name": input.name }).to_string())
    }

    /// Deletes item `id`; false if there was none.
    pub fn delete(&self, id: u32) -> bool {
        self.items().remove(&id).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_comes_from_the_flag_then_the_default() {
        assert_eq!(Options::from_args(["x"]).unwrap().port, 8080);
        assert_eq!(
            Options::from_args(["x", "--port", "9001"]).unwrap().port,
            9001
        );
        assert!(Options::from_args(["x", "--port", "http"]).is_err());
    }

    #[test]
    fn store_round_trip() {
        let store = Store::default();
        assert_eq!(
            store.list_json(),
            r#"[{"id":1,"name":"first"},{"id":2,"name":"second"}]"#
        );
        assert!(store.put(2, "not json").is_err());
        assert!(store.delete(1));
        assert!(!store.delete(1));
        assert_eq!(stats_body(&store), r#"{"items":1}"#);
    }

    #[test]
    fn whoami_reads_the_session_cookie() {
        assert_eq!(
            whoami_body(Some("theme=dark; session=abc")),
            r#"{"session":"abc"}"#
        );
        assert_eq!(whoami_body(None), r#"{"session":null}"#);
    }
}

//! An API platform on axum: every registered application (tenant) has its
//! own allowed origins, kept in SQLite and added through an admin endpoint.
//!
//! - `GET` and `PUT /apps/{client_id}/items`: the API, under the tenant's CORS policy
//!   (the plan `standard` of `examples/policies/platform.toml`, with the
//!   tenant's origins); an origin the tenant did not register gets the
//!   platform's 403 body.
//! - `PUT /admin/apps/{client_id}/origins` with `{"origins": [...]}`: checks
//!   the list with the policy-file rules and saves it (200), or answers 422
//!   with the diagnostics as JSON. The index follows the database, so the
//!   next request sees the change.
//!
//! Run it: `cargo run -p example-multi-tenant -- --port 8080 --db tenants.db`.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use tower::ServiceExt;
//! let dir = tempfile::tempdir().unwrap();
//! let platform = example_multi_tenant::Platform::open(&dir.path().join("t.db")).unwrap();
//! let app = example_multi_tenant::app(platform);
//! let put = axum::http::Request::put("/admin/apps/acme/origins")
//!     .header("content-type", "application/json")
//!     .body(axum::body::Body::from(r#"{"origins": ["https://*.com"]}"#))
//!     .unwrap();
//! let refused = app.oneshot(put).await.unwrap();
//! assert_eq!(refused.status(), 422); // CORS104: a wildcard under a public suffix
//! # });
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use cors_runtime::ErrorFormat;
use cors_runtime::adapters::tower::CorsLayer;
use cors_tenants::source::sqlite::SqliteSource;
use cors_tenants::{Following, PathSegment, TenantCors, TenantIndex, TenantSpec};
use serde::Deserialize;

/// The plans, compiled into the binary.
const PLATFORM: &str = include_str!("../../policies/platform.toml");

/// The platform's state: the index, the database it follows, and the
/// thread that follows it.
#[derive(Debug, Clone)]
pub struct Platform {
    index: TenantIndex,
    writer: Arc<Mutex<SqliteSource>>,
    _following: Arc<Following>,
}

impl Platform {
    /// Opens (or creates) the tenant database at `db` and follows it.
    ///
    /// # Errors
    /// When the platform file or the database cannot be used.
    pub fn open(db: &Path) -> Result<Platform, cors_tenants::Error> {
        let plans = cors_tenants::Platform::new(
            &cors_policy::Source::new("platform.toml", PLATFORM),
            "standard",
        )?
        .with_error_format(ErrorFormat {
            origin_code: Some("cors_origin_not_whitelisted".into()),
            help_url: Some("https://developer.example.com/docs/cors".into()),
            request_id_header: Some("x-request-id".into()),
        });
        let mut source = SqliteSource::open(db)?;
        let (index, applied) = TenantIndex::from_source(plans, &mut source)?;
        for (id, error) in &applied.refused {
            eprintln!("tenant {id} refused: {error}");
        }
        let following = index.follow(Box::new(source), |batch| {
            if let Ok(applied) = batch {
                for (id, error) in &applied.refused {
                    eprintln!("tenant {id} refused: {error}");
                }
            }
        });
        Ok(Platform {
            index,
            writer: Arc::new(Mutex::new(SqliteSource::open(db)?)),
            _following: Arc::new(following),
        })
    }
}

#[derive(Deserialize)]
struct Origins {
    origins: Vec<String>,
}

/// `PUT /admin/apps/{client_id}/origins`.
async fn set_origins(
    State(platform): State<Platform>,
    UrlPath(client_id): UrlPath<String>,
    Json(body): Json<Origins>,
) -> Response {
    let spec = TenantSpec {
        id: client_id,
        origins: body.origins,
        plan: None,
    };
    if let Err(refusal) = platform.index.platform().check(&spec) {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(refusal.to_json())).into_response();
    }
    let saved = platform
        .writer
        .lock()
        .map_err(|_| "the database writer is poisoned".to_string())
        .and_then(|mut db| db.put(&spec).map_err(|e| e.to_string()));
    match saved {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"saved": spec.id}))).into_response(),
        Err(message) => (StatusCode::INTERNAL_SERVER_ERROR, message).into_response(),
    }
}

/// `GET /apps/{client_id}/items`.
async fn items(UrlPath(client_id): UrlPath<String>) -> Json<serde_json::Value> {
    Json(serde_json::json!([{"app": client_id, "id": 1}]))
}

/// The service: the API under each tenant's policy, the admin endpoint
/// without CORS (it is for the platform's own console, same-origin).
pub fn app(platform: Platform) -> Router {
    let cors = TenantCors::new(platform.index.clone(), PathSegment::after("/apps"))
        .expect("the path carries the tenant on preflights too");
    let api = Router::new()
        .route("/apps/{client_id}/items", get(items).put(items))
        .layer(CorsLayer::new(cors));
    let admin = Router::new()
        .route("/admin/apps/{client_id}/origins", put(set_origins))
        .with_state(platform);
    api.merge(admin)
}

/// Serves `app` on `listener` until the task is dropped.
///
/// # Errors
/// When serving fails.
pub async fn serve(listener: tokio::net::TcpListener, platform: Platform) -> std::io::Result<()> {
    axum::serve(listener, app(platform)).await
}

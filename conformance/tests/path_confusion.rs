//! Path confusion through each framework's real router: a loose policy on
//! `/` and a strict one (`forbid`) on `/admin`, and one request per spelling
//! of an admin path (empty and dot segments, percent-encoding, case, trailing
//! slashes, `;` parameters, encoded slashes). Whatever route the framework
//! picks, the policy of that route's scope must decide: if the admin handler
//! ran, the loose origin must have been refused by the strict policy.

use cors_runtime::Policy;

static LOOSE: Policy<'static> = cors_macros::cors_policy!(
    toml = r#"
origins = ["https://loose.example"]
credentials = true
"#
);
static STRICT: Policy<'static> = cors_macros::cors_policy!(
    toml = r#"
origins = ["https://app.example.com"]
credentials = true
on_reject = "forbid"
"#
);

const LOOSE_ORIGIN: &str = "https://loose.example";

/// Spellings of `/admin/users` (and neighbours) a router may or may not
/// send to the admin handler.
const PATHS: [&str; 16] = [
    "/admin/users",
    "//admin/users",
    "///admin/users",
    "/%61dmin/users",
    "/%61%64%6d%69%6e/users",
    "/admin/%75sers",
    "/admin//users",
    "/admin/./users",
    "/./admin/users",
    "/x/../admin/users",
    "/admin/users/",
    "/ADMIN/users",
    "/Admin/users",
    "/admin;x/users",
    "/admin%2Fusers",
    "/admin/users?x=1",
];

/// What one request showed: which handler ran, the status, and the
/// `Access-Control-Allow-Origin` it carried.
#[derive(Debug)]
struct Seen {
    path: &'static str,
    body: String,
    status: u16,
    allow_origin: Option<String>,
}

/// The invariant, for every spelling; returns the spellings that reached
/// the admin handler.
fn check(framework: &str, seen: &[Seen]) -> Vec<&'static str> {
    let mut admin = Vec::new();
    for s in seen {
        match s.body.as_str() {
            // The admin handler ran: the strict policy must have decided. It
            // refuses the loose origin, so the handler must not have run at
            // all under `forbid`...
            "admin" => {
                admin.push(s.path);
                panic!(
                    "{framework}: {} reached the admin handler with the loose origin (status {}, allow-origin {:?})",
                    s.path, s.status, s.allow_origin
                );
            }
            // ...and a 403 from the strict policy carries no CORS grant.
            _ if s.status == 403 => {
                assert_eq!(s.allow_origin, None, "{framework}: {s:?}");
                admin.push(s.path);
            }
            // Anything else was served outside the admin scope (the root
            // handler, or an error such as 404 or a guard's 422); the loose
            // policy may grant it.
            _ => assert!(
                s.body == "root" || s.status >= 400,
                "{framework}: unexpected answer {s:?}"
            ),
        }
    }
    admin
}

/// The canonical admin path must be refused (the strict policy is there at
/// all) and a root path granted (the loose one is).
fn check_controls(framework: &str, seen: &[Seen], root: &Seen) {
    let canonical = &seen[0];
    assert_eq!(canonical.status, 403, "{framework}: {canonical:?}");
    assert_eq!(root.body, "root", "{framework}: {root:?}");
    assert_eq!(
        root.allow_origin.as_deref(),
        Some(LOOSE_ORIGIN),
        "{framework}: {root:?}"
    );
}

mod axum_router {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use cors_runtime::adapters::tower::CorsLayer;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    fn app() -> Router {
        let admin = Router::new()
            .route("/users", get(|| async { "admin" }))
            .layer(CorsLayer::new(STRICT));
        let root = Router::new()
            .route("/", get(|| async { "root" }))
            .route("/{*rest}", get(|| async { "root" }))
            .layer(CorsLayer::new(LOOSE));
        Router::new().nest("/admin", admin).merge(root)
    }

    async fn send(path: &'static str) -> Seen {
        let uri = http::Uri::builder().path_and_query(path).build().unwrap();
        let request = http::Request::builder()
            .uri(uri)
            .header("origin", LOOSE_ORIGIN)
            .body(Body::empty())
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let allow_origin = response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Seen {
            path,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            status,
            allow_origin,
        }
    }

    #[tokio::test]
    async fn the_route_axum_picks_gets_its_scopes_policy() {
        let mut seen = Vec::new();
        for path in PATHS {
            seen.push(send(path).await);
        }
        check("axum", &seen);
        check_controls("axum", &seen, &send("/other").await);
    }
}

mod actix_router {
    use super::*;
    use actix_web::{App, HttpResponse, test, web};
    use cors_runtime::adapters::actix::Cors;

    #[actix_web::test]
    async fn the_route_actix_picks_gets_its_scopes_policy() {
        let app = test::init_service(
            App::new()
                .service(web::scope("/admin").wrap(Cors::new(STRICT)).route(
                    "/users",
                    web::get().to(|| async { HttpResponse::Ok().body("admin") }),
                ))
                .service(web::scope("").wrap(Cors::new(LOOSE)).route(
                    "/{tail:.*}",
                    web::get().to(|| async { HttpResponse::Ok().body("root") }),
                )),
        )
        .await;
        let mut seen = Vec::new();
        for path in PATHS.into_iter().chain(["/other"]) {
            let request = test::TestRequest::get()
                .uri(path)
                .insert_header(("origin", LOOSE_ORIGIN))
                .to_request();
            let response = test::call_service(&app, request).await;
            let status = response.status().as_u16();
            let allow_origin = response
                .headers()
                .get("access-control-allow-origin")
                .map(|v| v.to_str().unwrap().to_string());
            let body = test::read_body(response).await;
            seen.push(Seen {
                path,
                body: String::from_utf8_lossy(&body).into_owned(),
                status,
                allow_origin,
            });
        }
        let root = seen.pop().unwrap();
        check("actix-web", &seen);
        check_controls("actix-web", &seen, &root);
    }
}

mod rocket_router {
    use super::*;
    use cors_runtime::adapters::rocket::Cors;
    use rocket::http::Header;
    use rocket::local::asynchronous::Client;

    #[rocket::get("/users")]
    fn users() -> &'static str {
        "admin"
    }

    #[rocket::get("/<_path..>", rank = 20)]
    fn root(_path: std::path::PathBuf) -> &'static str {
        "root"
    }

    /// Sends a GET from the loose origin to each path and records what
    /// rocket answered.
    async fn send_all(client: &Client, paths: impl Iterator<Item = &'static str>) -> Vec<Seen> {
        let mut seen = Vec::new();
        for path in paths {
            let response = client
                .get(path)
                .header(Header::new("origin", LOOSE_ORIGIN))
                .dispatch()
                .await;
            let status = response.status().code;
            let allow_origin = response
                .headers()
                .get_one("access-control-allow-origin")
                .map(str::to_string);
            let body = response.into_string().await.unwrap_or_default();
            seen.push(Seen {
                path,
                body,
                status,
                allow_origin,
            });
        }
        seen
    }

    #[rocket::async_test]
    async fn the_route_rocket_picks_gets_its_scopes_policy() {
        let rocket = rocket::build()
            .attach(Cors::scoped().mount("/", LOOSE).mount("/admin", STRICT))
            .mount("/admin", rocket::routes![users])
            .mount("/", rocket::routes![root]);
        let client = Client::untracked(rocket.configure(rocket::Config::debug_default()))
            .await
            .unwrap();
        let mut seen = send_all(&client, PATHS.into_iter().chain(["/other"])).await;
        let root = seen.pop().unwrap();
        let refused = check("rocket", &seen);
        check_controls("rocket", &seen, &root);
        // The spellings of the review's finding do reach the admin routes in
        // rocket, so the strict policy must be the one refusing them.
        for spelling in ["//admin/users", "/%61dmin/users"] {
            assert!(
                refused.contains(&spelling),
                "rocket: {spelling} was not routed to /admin"
            );
        }
    }

    /// Mount bases written with `%XX`: rocket keeps a base's segments raw and
    /// compares them with the request's decoded segments, so
    /// `/my%2520admin/users` reaches a base written `/my%20admin`. The
    /// fairing must choose the same scope.
    #[rocket::async_test]
    async fn encoded_mount_bases_get_the_routes_policy() {
        let cases: [(&str, &[&'static str]); 3] = [
            (
                "/my%20admin",
                &[
                    "/my%20admin/users",
                    "/my%2520admin/users",
                    "/my+admin/users",
                ],
            ),
            (
                "/%61dmin",
                &["/%61dmin/users", "/%2561dmin/users", "/admin/users"],
            ),
            (
                "/%C3%A4dmin",
                &[
                    "/%C3%A4dmin/users",
                    "/%25C3%25A4dmin/users",
                    "/%c3%a4dmin/users",
                ],
            ),
        ];
        for (base, paths) in cases {
            let rocket = rocket::build()
                .attach(Cors::scoped().mount("/", LOOSE).mount(base, STRICT))
                .mount(base, rocket::routes![users])
                .mount("/", rocket::routes![root]);
            let client = Client::untracked(rocket.configure(rocket::Config::debug_default()))
                .await
                .unwrap();
            let seen = send_all(&client, paths.iter().copied()).await;
            let refused = check(&format!("rocket, base {base}"), &seen);
            // The spelling rocket routes to the base (double-encoded) is
            // refused by the strict policy.
            assert!(refused.contains(&paths[1]), "rocket, base {base}: {seen:?}");
        }
    }
}

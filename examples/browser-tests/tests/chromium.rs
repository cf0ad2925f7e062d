//! Headless Chromium calls each example service from a page on another
//! loopback origin and the tests assert what the browser let the page read
//! and what it blocked.
//!
//! The page is opened as `http://localhost:PAGE/` (allowed by the `dev`
//! profile's `http://localhost:*`) and as `http://127.0.0.1:PAGE/` (not
//! allowed); the service is always `http://localhost:SERVICE`. The two
//! `localhost` origins are cross-origin but same-site, so a `SameSite=Lax`
//! session cookie travels with `credentials: 'include'`.
//!
//! The same scenario runs against the axum example without its CORS layers
//! behind real nginx (Debian's, `.ci/install-servers`) enforcing the same
//! policies from the configuration `cors emit --target nginx` writes.

use browser_tests::{Browser, Error, Fetched, PageServer, free_port, wait_for_port};
use example_support::Profile;
use serde_json::{Value, json};

/// One expectation that failed, with the rules it checks.
struct Failures(Vec<String>);

impl Failures {
    fn check(&mut self, name: &str, rules: &str, ok: bool, got: &Fetched) {
        if !ok {
            self.0
                .push(format!("{name} ({rules}): the browser gave {got:?}"));
        }
    }
}

async fn fetch(browser: &Browser, url: String, init: Value) -> Result<Fetched, Error> {
    browser.fetch(&url, init).await
}

/// The scenario every example service must pass.
/// One browser scenario at a time: three Chromiums started at once on a
/// 2-core machine just after a build made the first run of the suite flaky.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn scenario(framework: &str, service_port: u16) -> Result<(), Error> {
    let _turn = ONE_AT_A_TIME.lock().await;
    let page = PageServer::start().await?;
    let browser = Browser::start().await?;
    let api = |path: &str| format!("http://localhost:{service_port}{path}");
    let mut failures = Failures(Vec::new());

    browser
        .open(&format!("http://localhost:{}/", page.port()))
        .await?;

    let got = fetch(&browser, api("/api/items"), json!({})).await?;
    failures.check(
        "simple GET is readable, exposed headers only",
        "R7, R18, R19, R21",
        got.status() == Some(200)
            && got.body() == Some(r#"[{"id":1,"name":"first"},{"id":2,"name":"second"}]"#)
            && got.header("x-total-count") == Some("2")
            && got.header("content-type") == Some("application/json")
            && got.header("x-internal-trace").is_none(),
        &got,
    );

    let got = fetch(
        &browser,
        api("/api/items"),
        json!({ "headers": { "X-Request-Id": "e2e-1" } }),
    )
    .await?;
    failures.check(
        "GET with a custom header is preflighted, then readable",
        "R8, R15, R21",
        got.status() == Some(200) && got.header("x-request-id") == Some("e2e-1"),
        &got,
    );

    let got = fetch(
        &browser,
        api("/api/items/2"),
        json!({
            "method": "PUT",
            "headers": { "Content-Type": "application/json", "X-Request-Id": "e2e-2" },
            "body": r#"{"name":"renamed"}"#,
        }),
    )
    .await?;
    failures.check(
        "PUT with JSON and a custom header passes its preflight",
        "R8, R13, R14, R15",
        got.status() == Some(200) && got.body() == Some(r#"{"id":2,"name":"renamed"}"#),
        &got,
    );

    let got = fetch(&browser, api("/api/items/1"), json!({ "method": "DELETE" })).await?;
    failures.check(
        "DELETE passes its preflight",
        "R8, R14",
        got.status() == Some(204),
        &got,
    );

    let got = fetch(&browser, api("/api/fail"), json!({})).await?;
    failures.check(
        "a 500 and its error body are readable",
        "R20",
        got.status() == Some(500) && got.body() == Some(example_support::FAILURE_BODY),
        &got,
    );

    let got = fetch(
        &browser,
        api("/api/session"),
        json!({ "method": "POST", "credentials": "include" }),
    )
    .await?;
    failures.check(
        "a credentialed POST is readable; Set-Cookie never is",
        "R7, R19, R22",
        got.status() == Some(204) && got.header("set-cookie").is_none(),
        &got,
    );

    let got = fetch(
        &browser,
        api("/api/whoami"),
        json!({ "credentials": "include" }),
    )
    .await?;
    failures.check(
        "the cookie set cross-origin is sent back with credentials: include",
        "R19, R22",
        got.body() == Some(r#"{"session":"s3cr3t"}"#),
        &got,
    );

    let got = fetch(
        &browser,
        api("/api/whoami"),
        json!({ "credentials": "omit" }),
    )
    .await?;
    failures.check(
        "no cookie with credentials: omit",
        "R22",
        got.body() == Some(r#"{"session":null}"#),
        &got,
    );

    let got = fetch(
        &browser,
        api("/api/items/2"),
        json!({
            "method": "PUT",
            "headers": { "Content-Type": "application/json", "X-Debug": "1" },
            "body": r#"{"name":"debugged"}"#,
        }),
    )
    .await?;
    failures.check(
        "a header the policy does not allow fails the preflight",
        "R15",
        got.is_blocked(),
        &got,
    );

    let got = fetch(&browser, api("/public/stats"), json!({})).await?;
    failures.check(
        "the public policy's route is readable, its exposed header too",
        "R18, R21",
        got.status() == Some(200)
            && got.body() == Some(r#"{"items":1}"#)
            && got.header("x-total-count") == Some("1"),
        &got,
    );

    let got = fetch(
        &browser,
        api("/public/stats"),
        json!({ "credentials": "include" }),
    )
    .await?;
    failures.check(
        "`*` does not work with credentials: include",
        "R18, R19",
        got.is_blocked(),
        &got,
    );

    // Another origin: same page, opened through 127.0.0.1.
    browser
        .open(&format!("http://127.0.0.1:{}/", page.port()))
        .await?;

    let got = fetch(&browser, api("/api/items"), json!({})).await?;
    failures.check(
        "a disallowed origin cannot read",
        "R18, R27",
        got.is_blocked(),
        &got,
    );

    let got = fetch(
        &browser,
        api("/api/items/2"),
        json!({
            "method": "PUT",
            "headers": { "Content-Type": "application/json" },
            "body": r#"{"name":"hacked"}"#,
        }),
    )
    .await?;
    failures.check(
        "a disallowed origin's PUT is stopped at the preflight",
        "R8, R12, R27",
        got.is_blocked(),
        &got,
    );

    let got = fetch(&browser, api("/public/stats"), json!({})).await?;
    failures.check(
        "the public route is readable from any origin",
        "R18",
        got.status() == Some(200),
        &got,
    );

    // Back on the allowed origin: the blocked PUT never reached the service.
    browser
        .open(&format!("http://localhost:{}/", page.port()))
        .await?;
    let got = fetch(&browser, api("/api/items"), json!({})).await?;
    failures.check(
        "the disallowed PUT changed nothing",
        "R8, R12",
        got.body() == Some(r#"[{"id":2,"name":"renamed"}]"#),
        &got,
    );

    browser.close().await?;
    assert!(
        failures.0.is_empty(),
        "{framework}: {} expectation(s) failed in Chromium:\n{}",
        failures.0.len(),
        failures.0.join("\n")
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_example_in_chromium() -> Result<(), Error> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let server = tokio::spawn(example_axum::serve(listener, Some(Profile::Dev)));
    let result = scenario("axum", port).await;
    server.abort();
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actix_example_in_chromium() -> Result<(), Error> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let (handle_tx, handle_rx) = std::sync::mpsc::channel();
    // actix runs on its own single-threaded runtime.
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = example_actix::server(listener, Some(Profile::Dev), 1)?;
            let _ = handle_tx.send(server.handle());
            server.await
        })
    });
    let handle = handle_rx.recv()?;
    let result = scenario("actix-web", port).await;
    handle.stop(false).await;
    thread.join().expect("the actix thread does not panic")?;
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rocket_example_in_chromium() -> Result<(), Error> {
    let port = free_port()?;
    let rocket = example_rocket::rocket(Some(Profile::Dev), example_rocket::config(port))
        .ignite()
        .await?;
    let shutdown = rocket.shutdown();
    let server = tokio::spawn(rocket.launch());
    wait_for_port(port).await?;
    let result = scenario("rocket", port).await;
    shutdown.notify();
    let _ = server.await;
    result
}

/// nginx in front of the axum example served without CORS: `/api/` and
/// `/public/` each go through a server block holding the snippet `cors
/// emit --target nginx` writes for their policy (`api` with the `dev`
/// profile, and `public`), which proxies to the service; the front server
/// only routes. `enforce = false` leaves the snippets out (to show the
/// scenario fails without them). Stopped when the process is dropped.
fn nginx_in_front(
    service_port: u16,
    enforce: bool,
) -> Result<cors_conformance::live::Process, Error> {
    use cors_conformance::live::{Process, binary};
    use cors_policy::emit::target::Target;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../policies/api.toml");
    let text = std::fs::read_to_string(path)?;
    let source = cors_policy::Source::new("api.toml", text);
    let snippet = |policy: &str, profile: Option<&str>| -> Result<String, Error> {
        if !enforce {
            return Ok(String::new());
        }
        let selection = cors_policy::Selection {
            policy: Some(policy.to_string()),
            profile: profile.map(str::to_string),
        };
        let compiled = cors_policy::compile(&source, &selection).map_err(|r| r.to_string())?;
        Ok(Target::Nginx.emit(&compiled, "api.toml", None)?)
    };
    let front = free_port()?;
    let (api, public) = (free_port()?, free_port()?);
    let dir = tempfile::tempdir()?;
    std::fs::create_dir(dir.path().join("tmp"))?;
    let mut conf = format!(
        "daemon off;\npid tmp/nginx.pid;\nerror_log stderr;\nevents {{ worker_connections 64; }}\n\
         http {{\n access_log off;\n client_body_temp_path tmp;\n proxy_temp_path tmp;\n\
         fastcgi_temp_path tmp;\n uwsgi_temp_path tmp;\n scgi_temp_path tmp;\n\
         server {{\n  listen 127.0.0.1:{front};\n\
         location /public/ {{ proxy_pass http://127.0.0.1:{public}; }}\n\
         location / {{ proxy_pass http://127.0.0.1:{api}; }}\n }}\n"
    );
    for (port, text) in [
        (api, snippet("api", Some("dev"))?),
        (public, snippet("public", None)?),
    ] {
        conf.push_str(&format!(
            " server {{\n  listen 127.0.0.1:{port};\n{text}\n  location / {{ proxy_pass http://127.0.0.1:{service_port}; }}\n }}\n"
        ));
    }
    conf.push_str("}\n");
    let file = dir.path().join("nginx.conf");
    std::fs::write(&file, conf)?;
    let mut command = std::process::Command::new(binary("nginx"));
    command.arg("-p").arg(dir.path()).arg("-c").arg(&file);
    Ok(Process::spawn(
        command,
        ([127, 0, 0, 1], front).into(),
        dir,
    )?)
}

/// The scenario through nginx in front of the axum example (served without
/// CORS), once enforcing the policies and once without them.
async fn behind_nginx(enforce: bool) -> Result<(), Error> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let server = tokio::spawn(example_axum::serve(listener, None));
    let nginx = nginx_in_front(port, enforce)?;
    let result = scenario("axum behind nginx", nginx.addr.port()).await;
    drop(nginx);
    server.abort();
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_behind_nginx_in_chromium() -> Result<(), Error> {
    behind_nginx(true).await
}

/// Without the emitted snippets the same scenario fails, so the test above
/// passes because nginx enforces the policies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_behind_nginx_without_the_snippets_fails_in_chromium() {
    let failed = tokio::spawn(behind_nginx(false))
        .await
        .map_or(true, |r| r.is_err());
    assert!(failed, "the scenario passed without any CORS at the edge");
}

/// Sends `PUT path` with a JSON body to 127.0.0.1:`port` and returns the
/// status (the platform's admin endpoint, called as its console would).
async fn admin_put(port: u16, path: &str, body: &str) -> Result<u16, Error> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let request = format!(
        "PUT {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no status line")?;
    Ok(status)
}

/// The multi-tenant platform example in Chromium: application A's page
/// reads A's API and is blocked on B's; once A's admin adds a second
/// origin, a page there reads A's API without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_tenant_platform_in_chromium() -> Result<(), Error> {
    let _turn = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir()?;
    let platform = example_multi_tenant::Platform::open(&dir.path().join("tenants.db"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let server = tokio::spawn(example_multi_tenant::serve(listener, platform));
    let (page_a, page_b, page_a2) = (
        PageServer::start().await?,
        PageServer::start().await?,
        PageServer::start().await?,
    );
    let origin = |page: &PageServer| format!("http://localhost:{}", page.port());
    for (app, page) in [("app-a", &page_a), ("app-b", &page_b)] {
        let body = format!(r#"{{"origins": ["{}"]}}"#, origin(page));
        assert_eq!(
            admin_put(port, &format!("/admin/apps/{app}/origins"), &body).await?,
            200
        );
    }
    // A list the rules refuse is not saved.
    let refused = admin_put(
        port,
        "/admin/apps/app-a/origins",
        r#"{"origins": ["https://*.com"]}"#,
    );
    assert_eq!(refused.await?, 422);

    let browser = Browser::start().await?;
    let api = |app: &str| format!("http://127.0.0.1:{port}/apps/{app}/items");
    let init = json!({ "credentials": "include", "method": "PUT", "headers": {"content-type": "application/json"} });
    let mut failures = Failures(Vec::new());
    browser.open(&format!("{}/", origin(&page_a))).await?;
    // The admin saves through SQLite; the index follows it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut got = fetch(&browser, api("app-a"), init.clone()).await?;
    while got.is_blocked() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        got = fetch(&browser, api("app-a"), init.clone()).await?;
    }
    failures.check(
        "A's page reads A's API (credentialed PUT, preflighted)",
        "R12, R18",
        got.status() == Some(200),
        &got,
    );
    let got = fetch(&browser, api("app-b"), init.clone()).await?;
    failures.check(
        "A's page is blocked on B's API",
        "R27",
        got.is_blocked(),
        &got,
    );
    let got = fetch(&browser, api("unknown"), init.clone()).await?;
    failures.check(
        "an unknown application is blocked",
        "R27",
        got.is_blocked(),
        &got,
    );

    browser.open(&format!("{}/", origin(&page_a2))).await?;
    let got = fetch(&browser, api("app-a"), init.clone()).await?;
    failures.check(
        "a page A has not registered is blocked",
        "R27",
        got.is_blocked(),
        &got,
    );
    let body = format!(
        r#"{{"origins": ["{}", "{}"]}}"#,
        origin(&page_a),
        origin(&page_a2)
    );
    assert_eq!(
        admin_put(port, "/admin/apps/app-a/origins", &body).await?,
        200
    );
    let added = std::time::Instant::now();
    let mut got = fetch(&browser, api("app-a"), init.clone()).await?;
    while got.is_blocked() && added.elapsed() < std::time::Duration::from_secs(5) {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        got = fetch(&browser, api("app-a"), init.clone()).await?;
    }
    eprintln!(
        "the added origin's page succeeded {:?} after the admin call",
        added.elapsed()
    );
    failures.check(
        "the added origin's page reads A's API",
        "R12, R18",
        got.status() == Some(200),
        &got,
    );
    browser.close().await?;
    server.abort();
    assert!(
        failures.0.is_empty(),
        "multi-tenant: {} expectation(s) failed in Chromium:\n{}",
        failures.0.len(),
        failures.0.join("\n")
    );
    Ok(())
}

//! Harness for the real-browser tests: Debian's headless Chromium driven over
//! WebDriver (`chromedriver` + the `fantoccini` client), and a page server
//! that gives the page its own origin.
//!
//! Nothing here talks to anything but loopback. Every process started is
//! put in its own process group and killed, with its children, when its
//! handle drops — also when a test panics.
//!
//! The browser must be installed (`.ci/install-browser` does it with
//! apt-get); a missing browser is an error, not a skip.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Chromium, as Debian installs it.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// ChromeDriver, as Debian installs it.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long to wait for a process to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A failure of the harness (not of a CORS expectation).
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A free port on 127.0.0.1, for servers that must be told their port.
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

/// Waits until something accepts connections on `127.0.0.1:port`.
pub async fn wait_for_port(port: u16) -> Result<(), Error> {
    let deadline = Instant::now() + START_TIMEOUT;
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    loop {
        if tokio::net::TcpStream::connect(address).await.is_ok() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("nothing listens on {address} after {START_TIMEOUT:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A child process in its own process group, killed with every process it
/// started when dropped.
#[derive(Debug)]
struct ProcessGroup {
    child: Child,
}

impl ProcessGroup {
    fn spawn(command: &mut Command) -> std::io::Result<ProcessGroup> {
        let child = command.process_group(0).spawn()?;
        Ok(ProcessGroup { child })
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        // The group id is the child's pid; `kill -- -PGID` signals all of it
        // (chromedriver, Chromium and Chromium's helpers).
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headless Chromium driven through ChromeDriver.
#[derive(Debug)]
pub struct Browser {
    client: Option<fantoccini::Client>,
    // Dropped after the client: kills ChromeDriver and Chromium.
    _driver: ProcessGroup,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts ChromeDriver and a fresh headless Chromium session with an
    /// empty profile.
    pub async fn start() -> Result<Browser, Error> {
        for program in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(program).exists() {
                return Err(format!(
                    "{program} is missing: run `.ci/install-browser` (apt-get install chromium chromium-driver)"
                )
                .into());
            }
        }
        let port = free_port()?;
        let driver = ProcessGroup::spawn(
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .arg("--allowed-ips=127.0.0.1")
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        wait_for_port(port).await?;
        let profile = tempfile::tempdir()?;
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal");
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = fantoccini::ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await?;
        Ok(Browser {
            client: Some(client),
            _driver: driver,
            _profile: profile,
        })
    }

    fn client(&self) -> &fantoccini::Client {
        self.client
            .as_ref()
            .expect("the session is open until close")
    }

    /// Loads `url` in the current tab.
    pub async fn open(&self, url: &str) -> Result<(), Error> {
        self.client().goto(url).await?;
        Ok(())
    }

    /// Runs `fetch(url, init)` in the current page and reports what the page
    /// could read.
    pub async fn fetch(&self, url: &str, init: Value) -> Result<Fetched, Error> {
        let result = self
            .client()
            .execute(
                "return window.probe(arguments[0], arguments[1]);",
                vec![json!(url), init],
            )
            .await?;
        Ok(serde_json::from_value(result)?)
    }

    /// Ends the WebDriver session (Chromium exits); the processes are killed
    /// on drop in any case.
    pub async fn close(mut self) -> Result<(), Error> {
        if let Some(client) = self.client.take() {
            client.close().await?;
        }
        Ok(())
    }
}

/// What a page's `fetch()` gave it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Fetched {
    /// The browser let the page read the response.
    Read {
        /// Status.
        status: u16,
        /// Body text.
        body: String,
        /// The headers the page asked about ([`PROBED_HEADERS`]); `null`
        /// when the page may not read them.
        headers: std::collections::BTreeMap<String, Option<String>>,
    },
    /// The browser blocked it: `fetch()` rejected with this error.
    Blocked {
        /// `TypeError: Failed to fetch`, typically.
        error: String,
    },
}

impl Fetched {
    /// The status, if the page could read the response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Fetched::Read { status, .. } => Some(*status),
            Fetched::Blocked { .. } => None,
        }
    }

    /// The body, if the page could read the response.
    pub fn body(&self) -> Option<&str> {
        match self {
            Fetched::Read { body, .. } => Some(body),
            Fetched::Blocked { .. } => None,
        }
    }

    /// A response header as the page sees it: `None` when it is not exposed
    /// (or the response was blocked).
    pub fn header(&self, name: &str) -> Option<&str> {
        match self {
            Fetched::Read { headers, .. } => headers.get(name).and_then(|v| v.as_deref()),
            Fetched::Blocked { .. } => None,
        }
    }

    /// True when the browser blocked the response.
    pub fn is_blocked(&self) -> bool {
        matches!(self, Fetched::Blocked { .. })
    }
}

/// The response headers the page tries to read after every fetch.
pub const PROBED_HEADERS: [&str; 5] = [
    "content-type",
    "x-total-count",
    "x-request-id",
    "x-internal-trace",
    "set-cookie",
];

/// The test page: defines `window.probe(url, init)`.
pub fn page_html() -> String {
    let headers = serde_json::to_string(&PROBED_HEADERS).expect("static list");
    format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>corsc browser test</title></head>
<body>
<script>
window.probe = async (url, init) => {{
  try {{
    const response = await fetch(url, init);
    const body = await response.text();
    const headers = {{}};
    for (const name of {headers}) headers[name] = response.headers.get(name);
    return {{ outcome: "read", status: response.status, body, headers }};
  }} catch (error) {{
    return {{ outcome: "blocked", error: `${{error.name}}: ${{error.message}}` }};
  }}
}};
</script>
</body></html>"#
    )
}

/// Serves [`page_html`] at `/` on 127.0.0.1, so the page can be opened as
/// `http://localhost:PORT/` (one origin) or `http://127.0.0.1:PORT/` (another).
#[derive(Debug)]
pub struct PageServer {
    port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl PageServer {
    /// Starts the page server on a free port.
    pub async fn start() -> Result<PageServer, Error> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let port = listener.local_addr()?.port();
        let html = page_html();
        let app = axum::Router::new().route(
            "/",
            axum::routing::get(move || {
                let html = html.clone();
                async move { axum::response::Html(html) }
            }),
        );
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(PageServer { port, task })
    }

    /// The page's port.
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for PageServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

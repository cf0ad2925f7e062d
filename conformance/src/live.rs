//! The corpus over real HTTP: every case of `testdata/` sent as one
//! HTTP/1.1 request on loopback to a live server — a proxy running an
//! emitted configuration, or a Rust service — and the response's status,
//! CORS headers and error body compared with the case's expectation.
//!
//! Requests are written byte for byte (header names, order and repeated
//! lines as the case has them), so the server's own parser reads them.
//! What a server cannot see as the runtime does is declared by its
//! [`HeaderLines`]: the harness computes the request the server reads
//! (one line of a repeated header, an empty line dropped, lines joined),
//! and where the runtime decides that request differently from the case,
//! the case is a *documented exclusion* — compared with the runtime's
//! answer to what the server read, and listed, so a test can assert that
//! the exclusions are exactly the documented ones.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use cors_policy::emit::target::{HeaderLines, Repeated};
use cors_runtime::{PolicySource, ResponseHeader, SimpleRequest};

use crate::{Case, CaseFile, Delivered, Observed, SERVED_BY, Select, corpus, observe};

/// The headers whose lines the edge reads; the others pass untouched.
const READ: [&str; 4] = [
    "origin",
    "access-control-request-method",
    "access-control-request-headers",
    "sec-fetch-site",
];

/// The path of a server's binary: on `PATH`, or in `/usr/sbin` where
/// Debian installs nginx, HAProxy and Apache httpd.
pub fn binary(name: &str) -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/usr/bin".into()])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| name.into())
}

/// A free TCP port on loopback (bound, then released for the server).
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// The stand-in service behind a proxy: answers every request `200` with
/// [`SERVED_BY`]` : upstream`, so a forwarded request is told apart from
/// an answer the edge gave itself. Stops when dropped.
#[derive(Debug)]
pub struct Upstream {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Upstream {
    /// Starts it on a free loopback port.
    pub fn start() -> io::Result<Upstream> {
        Upstream::start_with("")
    }

    /// Starts one whose every response also carries `headers` (raw lines,
    /// each ending in `\r\n`): a service that sets CORS headers itself.
    pub fn start_with(headers: &'static str) -> io::Result<Upstream> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(stream) = stream {
                    thread::spawn(move || {
                        let _ = serve_one(stream, headers);
                    });
                }
            }
        });
        Ok(Upstream { addr, stop })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.addr);
    }
}

/// Reads requests on one connection and answers each.
fn serve_one(stream: TcpStream, headers: &str) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let mut length = 0usize;
        let mut first = true;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            if line == "\r\n" || line == "\n" {
                break;
            }
            if !first
                && let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
            first = false;
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let text = "upstream";
        write!(
            writer,
            "HTTP/1.1 200 OK\r\n{SERVED_BY}: upstream\r\n{headers}content-type: text/plain\r\ncontent-length: {}\r\n\r\n{text}",
            text.len()
        )?;
        writer.flush()?;
    }
}

/// Sends one request and reads the whole response (`Connection: close`).
/// A `Host` header is added unless the request has one.
pub fn send(
    addr: SocketAddr,
    method: &str,
    headers: &[(String, Vec<u8>)],
) -> io::Result<Delivered> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut request = format!("{method} / HTTP/1.1\r\n").into_bytes();
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        request.extend_from_slice(format!("Host: {addr}\r\n").as_bytes());
    }
    for (name, value) in headers {
        request.extend_from_slice(name.as_bytes());
        request.extend_from_slice(b": ");
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    stream.write_all(&request)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw).ok_or_else(|| {
        io::Error::other(format!(
            "not an HTTP response: {:?}",
            String::from_utf8_lossy(&raw[..raw.len().min(300)])
        ))
    })
}

/// Parses an HTTP/1.1 response: status, header lines, body (chunked or not).
fn parse_response(raw: &[u8]) -> Option<Delivered> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body)?;
    }
    Some(Delivered {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// A server process started by a test: killed, and its directory removed,
/// when dropped.
#[derive(Debug)]
pub struct Process {
    child: Child,
    /// The server's address.
    pub addr: SocketAddr,
    /// Where its files are (its log among them).
    pub dir: tempfile::TempDir,
    log: std::path::PathBuf,
}

impl Process {
    /// Runs `command` (its output to `dir/server.log`) and waits until it
    /// accepts connections on `addr`.
    pub fn spawn(
        mut command: Command,
        addr: SocketAddr,
        dir: tempfile::TempDir,
    ) -> Result<Process, String> {
        let log = dir.path().join("server.log");
        let out = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        // Its own process group, so that stopping it reaches its workers.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {command:?}: {e} (run .ci/install-servers)"))?;
        let mut process = Process {
            child,
            addr,
            dir,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if TcpStream::connect(addr).is_ok() {
                // A server that forked into the background is out of the
                // process group and would outlive the test.
                if let Ok(Some(status)) = process.child.try_wait() {
                    return Err(format!(
                        "{command:?} exited ({status}) but something listens on {addr}: \
                         the server went into the background; run it in the foreground"
                    ));
                }
                return Ok(process);
            }
            if let Ok(Some(status)) = process.child.try_wait() {
                return Err(format!("{command:?} exited ({status}):\n{}", process.log()));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{command:?} did not listen on {addr}:\n{}",
                    process.log()
                ));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// The server's output so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Process {
    /// The server's process id, which is also its process group's: the
    /// server and every worker it forks are in that group.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// Sends `signal` to every process of group `group`.
fn signal_group(signal: &str, group: u32) {
    let _ = Command::new("kill")
        .args([signal, "--", &format!("-{group}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// True while some process is in group `group`.
pub fn group_alive(group: u32) -> bool {
    Command::new("kill")
        .args(["-0", "--", &format!("-{group}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Stops the server and everything it forked: `SIGTERM` to its process
/// group (nginx, HAProxy, Apache httpd and Caddy stop their workers on it),
/// then `SIGKILL` to what is left after 5 s. Killing the parent alone left
/// nginx's and Apache's workers running.
impl Drop for Process {
    fn drop(&mut self) {
        let group = self.child.id();
        signal_group("-TERM", group);
        let deadline = Instant::now() + Duration::from_secs(5);
        while group_alive(group) && Instant::now() < deadline {
            let _ = self.child.try_wait();
            thread::sleep(Duration::from_millis(20));
        }
        signal_group("-KILL", group);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The request's header lines as a server reads them: values trimmed of
/// spaces and tabs (HTTP/1.1 parsers do), then the lines of the headers
/// the edge reads as `lines` says.
pub fn as_read(headers: &[(String, Vec<u8>)], lines: HeaderLines) -> Vec<(String, Vec<u8>)> {
    let trim = |v: &[u8]| {
        let start = v
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t'))
            .unwrap_or(v.len());
        let end = v
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t'))
            .map_or(start, |e| e + 1);
        v[start..end].to_vec()
    };
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, value) in headers {
        let value = trim(value);
        let read = READ.iter().any(|r| name.eq_ignore_ascii_case(r));
        if read && lines.empty_is_absent && value.is_empty() {
            continue;
        }
        let mode = if name.eq_ignore_ascii_case("access-control-request-headers") {
            lines.repeated_list
        } else {
            lines.repeated
        };
        let earlier = out.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name));
        match (read, mode, earlier) {
            (true, Repeated::FirstLineOnly, Some(_)) => {}
            (true, Repeated::LastLineOnly, Some((_, kept))) => *kept = value,
            (true, Repeated::Joined(sep), Some((_, first))) => {
                first.extend_from_slice(sep.as_bytes());
                first.extend_from_slice(&value);
            }
            _ => out.push((name.clone(), value)),
        }
    }
    out
}

/// A server the corpus is sent to: a proxy [`Process`], or a service
/// running in the test.
pub trait LiveServer {
    /// Where it listens.
    fn addr(&self) -> SocketAddr;
    /// Its output so far, for failure messages.
    fn log(&self) -> String;
    /// The fingerprint its own answers (preflights, rejections it gives
    /// itself) always carry as `x-corsc-policy`, whatever the policy's
    /// `fingerprint_header` says: an edge configuration's.
    fn answers_fingerprint(&self) -> Option<&str> {
        None
    }
}

impl LiveServer for Process {
    fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn log(&self) -> String {
        Process::log(self)
    }
}

/// A running server for one policy of the corpus.
pub type Start<'a> =
    dyn FnMut(&CaseFile, &Select, &Upstream) -> Result<Box<dyn LiveServer>, String> + 'a;

/// What the corpus did through a live server.
#[derive(Debug, Default)]
pub struct LiveReport {
    /// Cases sent.
    pub cases: usize,
    /// Cases the server reads differently from the runtime (its
    /// [`HeaderLines`]), as `file: case`: compared with the runtime's
    /// answer to what the server read.
    pub exclusions: Vec<String>,
    /// Cases whose answer differed, with the difference.
    pub failures: Vec<String>,
}

/// The answer a case's response must carry, for a server that reads
/// `lines`: the case's expectation, or — when the server reads another
/// request and the runtime decides that one differently — the runtime's
/// answer to it (and `true`).
fn expectation(file: &CaseFile, case: &Case, lines: HeaderLines) -> (Observed, bool) {
    let expected = Observed {
        kind: case.expect.kind.clone(),
        status: case.expect.status,
        headers: case.expect.headers.clone(),
        body_code: case.expect.body_code.clone(),
    };
    let read = as_read(&case.header_pairs(), lines);
    let owned = file.runtime_policy(&case.select);
    let request = SimpleRequest::new(case.method.as_bytes(), &read);
    let seen = observe(&owned.policy().evaluate(&request));
    let same = (&seen.status, &seen.headers, &seen.body_code)
        == (&expected.status, &expected.headers, &expected.body_code);
    if same {
        (expected, false)
    } else {
        (seen, true)
    }
}

/// Runs every corpus case through servers `start` makes, one per policy
/// and profile of each file, behind one [`Upstream`].
pub fn run_live(lines: HeaderLines, start: &mut Start<'_>) -> LiveReport {
    let upstream = Upstream::start().expect("the stand-in upstream starts");
    let mut report = LiveReport::default();
    for file in corpus() {
        let mut selects: Vec<Select> = file.cases.iter().map(|c| c.select.clone()).collect();
        selects.sort();
        selects.dedup();
        for select in selects {
            let server = match start(&file, &select, &upstream) {
                Ok(server) => server,
                Err(e) => {
                    report
                        .failures
                        .push(format!("{} {select:?}: {e}", file.file));
                    continue;
                }
            };
            for case in file.cases.iter().filter(|c| c.select == select) {
                report.cases += 1;
                let (mut expected, excluded) = expectation(&file, case, lines);
                if let (Some(fingerprint), Some(_)) =
                    (server.answers_fingerprint(), expected.status)
                {
                    expected.headers.push([
                        ResponseHeader::PolicyFingerprint.as_str().to_string(),
                        fingerprint.to_string(),
                    ]);
                }
                if excluded {
                    report
                        .exclusions
                        .push(format!("{}: {}", file.file, case.name));
                }
                let result = send(server.addr(), &case.method, &case.header_pairs())
                    .map_err(|e| e.to_string())
                    .and_then(|d| delivered_matches(&expected, &d));
                if let Err(e) = result {
                    report.failures.push(format!(
                        "{}: case `{}`: {e}\n  server log: {}",
                        file.file,
                        case.name,
                        server.log().lines().last().unwrap_or("")
                    ));
                }
            }
        }
    }
    report
}

/// `Vary` as its list of names, joined by `, `: servers write the same
/// list differently (httpd joins every `Vary` line with `,`).
fn vary_as_list(observed: &mut Observed) {
    let names: Vec<String> = observed
        .headers
        .iter()
        .filter(|[n, _]| n == "vary")
        .flat_map(|[_, v]| {
            v.split(',')
                .map(|t| t.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty())
        .collect();
    let at = observed.headers.iter().position(|[n, _]| n == "vary");
    observed.headers.retain(|[n, _]| n != "vary");
    if let Some(at) = at {
        observed
            .headers
            .insert(at, ["vary".into(), names.join(", ")]);
    }
}

/// Compares a delivered response with an expected answer, as
/// [`Case::check_delivered`] does (with `Vary` compared as a list).
fn delivered_matches(expected: &Observed, delivered: &Delivered) -> Result<(), String> {
    let mut observed = delivered.observed(&expected.kind);
    vary_as_list(&mut observed);
    if (&observed.status, &observed.headers, &observed.body_code)
        == (&expected.status, &expected.headers, &expected.body_code)
    {
        Ok(())
    } else {
        Err(format!(
            "\n  expected {expected:?}\n  observed {observed:?}"
        ))
    }
}

impl LiveReport {
    /// Panics unless every case passed and the exclusions are exactly
    /// `documented`.
    pub fn assert_passed(&self, target: &str, documented: &[&str]) {
        assert!(
            self.cases > 100,
            "{target}: only {} cases ran:\n{}",
            self.cases,
            self.failures.join("\n")
        );
        assert!(
            self.failures.is_empty(),
            "{target}: {} of {} cases failed:\n{}",
            self.failures.len(),
            self.cases,
            self.failures.join("\n")
        );
        let mut documented: Vec<String> = documented.iter().map(|s| s.to_string()).collect();
        documented.sort();
        let mut found = self.exclusions.clone();
        found.sort();
        assert_eq!(
            found, documented,
            "{target}: the cases it reads differently are not the documented exclusions"
        );
    }
}

//! The real proxies, each started with the complete configuration `cors
//! emit --listen … --upstream …` writes ([`Target::emit`], the function the
//! command calls): on a free loopback port, from a temporary directory
//! that holds its configuration, log and state, and stopped when the
//! returned [`Process`] is dropped. The servers are Debian's packages,
//! installed by `.ci/install-servers`.

use std::process::Command;

use cors_policy::Compiled;
use cors_policy::emit::target::{Full, Target};

use crate::live::{LiveReport, LiveServer, Process, Upstream, binary, free_port, run_live};

/// Starts `target` enforcing `compiled` (from the file named `source`),
/// forwarding what it does not answer itself to `upstream`.
///
/// # Errors
/// The emitter's refusal, or why the server did not start (with its log).
pub fn serve(
    target: Target,
    compiled: &Compiled,
    source: &str,
    upstream: &str,
) -> Result<Process, String> {
    serve_edited(target, compiled, source, upstream, |text| text)
}

/// [`serve`] with the emitted configuration passed through `edit` first:
/// a hand-broken deployment, for the tests of `cors probe`.
///
/// # Errors
/// As [`serve`].
pub fn serve_edited(
    target: Target,
    compiled: &Compiled,
    source: &str,
    upstream: &str,
    edit: impl FnOnce(String) -> String,
) -> Result<Process, String> {
    let port = free_port();
    let full = Full {
        listen: format!("127.0.0.1:{port}"),
        upstream: upstream.to_string(),
    };
    let text = edit(
        target
            .emit(compiled, source, Some(&full))
            .map_err(|e| e.to_string())?,
    );
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path();
    let write = |name: &str| {
        let conf = path.join(name);
        std::fs::write(&conf, &text).map_err(|e| e.to_string())?;
        Ok::<_, String>(conf)
    };
    let command = match target {
        Target::Nginx => {
            std::fs::create_dir(path.join("tmp")).map_err(|e| e.to_string())?;
            let conf = write("nginx.conf")?;
            let mut c = Command::new(binary("nginx"));
            c.arg("-p").arg(path).arg("-c").arg(conf);
            c
        }
        Target::Caddy => {
            let conf = write("Caddyfile")?;
            let mut c = Command::new(binary("caddy"));
            // Caddy's home, so nothing is written outside the directory.
            c.env("HOME", path)
                .env("XDG_CONFIG_HOME", path)
                .env("XDG_DATA_HOME", path)
                .args(["run", "--adapter", "caddyfile", "--config"])
                .arg(conf);
            c
        }
        Target::Haproxy => {
            let conf = write("haproxy.cfg")?;
            let mut c = Command::new(binary("haproxy"));
            c.arg("-f").arg(conf).arg("-db");
            c
        }
        Target::S3 | Target::Gcs => {
            return Err(format!("{target:?} is a bucket, not a server"));
        }
        Target::Apache => {
            let conf = write("httpd.conf")?;
            let mut c = Command::new(binary("apache2"));
            c.env("APACHE_RUN_DIR", path)
                .arg("-f")
                .arg(conf)
                .arg("-DFOREGROUND");
            c
        }
    };
    Process::spawn(command, ([127, 0, 0, 1], port).into(), dir)
}

/// Every corpus case through `target`, one server per policy and profile.
pub fn run_corpus(target: Target) -> LiveReport {
    let Some(lines) = target.capabilities().lines else {
        panic!("{target:?} is a bucket, not a server");
    };
    run_live(lines, &mut |file, select, upstream: &Upstream| {
        let compiled = file.compiled(select);
        serve(target, &compiled, &file.file, &upstream.url()).map(|process| {
            Box::new(Edge {
                process,
                fingerprint: compiled.fingerprint(),
            }) as Box<dyn LiveServer>
        })
    })
}

/// A proxy serving an emitted configuration: its own answers carry the
/// policy's fingerprint.
struct Edge {
    process: Process,
    fingerprint: String,
}

impl LiveServer for Edge {
    fn addr(&self) -> std::net::SocketAddr {
        self.process.addr()
    }

    fn log(&self) -> String {
        self.process.log()
    }

    fn answers_fingerprint(&self) -> Option<&str> {
        Some(&self.fingerprint)
    }
}

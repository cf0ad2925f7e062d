//! The corpus over real HTTP against a Rust service: for each policy of
//! the corpus, an axum server on a loopback port with the tower
//! `CorsLayer` over the policy `cors_policy!`-style code generation made
//! (`CaseFile::static_policy`), behind hyper's own HTTP/1.1 parser; every
//! case is sent by the same harness that drives the proxies
//! (`cors_conformance::live`). hyper reads header lines as the runtime
//! expects, so there are no exclusions.

use std::net::SocketAddr;
use std::thread::JoinHandle;

use axum::Router;
use axum::http::HeaderValue;
use axum::response::IntoResponse;
use cors_conformance::SERVED_BY;
use cors_conformance::live::{LiveServer, run_live};
use cors_policy::emit::target::{HeaderLines, Repeated};
use cors_runtime::Policy;
use cors_runtime::adapters::tower::CorsLayer;

/// An axum service answering everything `200` with [`SERVED_BY`], behind
/// the policy's layer; stopped when dropped.
struct Service {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Service {
    fn start(policy: Policy<'static>) -> Result<Service, String> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let app = Router::new()
                    .fallback(|| async {
                        (
                            [(SERVED_BY, HeaderValue::from_static("service"))],
                            "service",
                        )
                            .into_response()
                    })
                    .layer(CorsLayer::new(policy));
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Ok(Service {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl LiveServer for Service {
    fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn log(&self) -> String {
        String::new()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[test]
fn an_axum_service_passes_the_corpus_over_http() {
    // hyper keeps every line, empty ones too, as the runtime reads them.
    let lines = HeaderLines {
        repeated: Repeated::EachLine,
        repeated_list: Repeated::EachLine,
        empty_is_absent: false,
    };
    let report = run_live(lines, &mut |file, select, _upstream| {
        Service::start(file.static_policy(select)).map(|s| Box::new(s) as Box<dyn LiveServer>)
    });
    report.assert_passed("axum", &[]);
}

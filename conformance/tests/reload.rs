//! Replacing a run-time-built policy under concurrent load: every response
//! comes entirely from the old policy or entirely from the new one, and an
//! invalid policy is refused with its diagnostics while the old one keeps
//! serving.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use cors_runtime::adapters::reload::ReloadableHttpCors;
use cors_runtime::adapters::tower::CorsLayer;
use http::{Request, Response};
use tower::{Layer, Service, service_fn};

/// Policy A allows only X; B allows only Y. Each has header values no other
/// version has, so a response mixing the two is detectable.
const A: &str = r#"
origins = ["https://x.example"]
methods = ["GET", "PUT"]
max_age = 100
"#;
const B: &str = r#"
origins = ["https://y.example"]
methods = ["GET", "DELETE"]
max_age = 200
"#;

fn ready<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the service is always ready"),
    }
}

fn preflight(origin: &str) -> Request<()> {
    Request::options("/items")
        .header("origin", origin)
        .header("access-control-request-method", "PUT")
        .body(())
        .unwrap()
}

/// Which policy answered, or a description of the tear.
fn version(response: &Response<impl Sized>) -> Result<Option<char>, String> {
    let get = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    match (
        get("access-control-allow-origin").as_deref(),
        get("access-control-max-age").as_deref(),
        get("access-control-allow-methods").as_deref(),
        response.status().as_u16(),
    ) {
        (Some("https://x.example"), Some("100"), Some("GET, PUT"), 204) => Ok(Some('A')),
        // Y asks for PUT, which B does not allow: a rejection of B's.
        (None, None, None, 403) => Ok(None),
        other => Err(format!("torn or unexpected response: {other:?}")),
    }
}

#[test]
fn reload_under_load_never_tears_a_decision() {
    let cors = Arc::new(ReloadableHttpCors::new(cors_policy::load(A).unwrap()));
    let inner = service_fn(|_req: Request<()>| async {
        Ok::<_, std::convert::Infallible>(Response::new(String::new()))
    });
    let service = CorsLayer::reloadable(Arc::clone(&cors)).layer(inner);
    let stop = Arc::new(AtomicBool::new(false));
    let checked = Arc::new(AtomicUsize::new(0));
    let (policy_a, policy_b) = (cors_policy::load(A).unwrap(), cors_policy::load(B).unwrap());

    let workers: Vec<_> = (0..3)
        .map(|i| {
            let mut service = service.clone();
            let stop = Arc::clone(&stop);
            let checked = Arc::clone(&checked);
            std::thread::spawn(move || -> Result<(), String> {
                let origin = if i % 2 == 0 {
                    "https://x.example"
                } else {
                    "https://y.example"
                };
                while !stop.load(Ordering::Relaxed) {
                    let response = ready(service.call(preflight(origin))).unwrap();
                    let v = version(&response)?;
                    // X is allowed only by A; Y (asking for PUT) never.
                    if origin == "https://y.example" && v.is_some() {
                        return Err("Y allowed".into());
                    }
                    checked.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();

    let mut swaps = 0;
    while checked.load(Ordering::Relaxed) < 200_000 {
        cors.store(if swaps % 2 == 0 {
            policy_b.clone()
        } else {
            policy_a.clone()
        });
        swaps += 1;
    }
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().expect("no panic").expect("no torn decision");
    }
    assert!(
        swaps > 100,
        "the policy was swapped {swaps} times during the load"
    );
}

#[test]
fn invalid_policy_is_refused_and_the_old_one_keeps_serving() {
    let cors = Arc::new(ReloadableHttpCors::new(cors_policy::load(A).unwrap()));
    let inner = service_fn(|_req: Request<()>| async {
        Ok::<_, std::convert::Infallible>(Response::new(String::new()))
    });
    let mut service = CorsLayer::reloadable(Arc::clone(&cors)).layer(inner);
    let invalid = "origins = \"*\"\ncredentials = true\n";
    let report = match cors_policy::load(invalid) {
        Ok(_) => panic!("an invalid policy compiled"),
        Err(report) => report.to_string(),
    };
    assert!(
        report.contains("CORS201"),
        "diagnostics explain the refusal: {report}"
    );
    // Nothing was stored: A still answers.
    let response = ready(service.call(preflight("https://x.example"))).unwrap();
    assert_eq!(version(&response), Ok(Some('A')));
}

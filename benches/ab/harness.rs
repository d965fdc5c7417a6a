//! Two builds of the layer in one binary (`scripts/ab-layer.sh` makes the crate this is
//! built in: the library at two revisions, as packages `a` and `b`): each round runs `N`
//! requests through the bare router, the router under each build's `ApiErrorLayer` (their
//! order alternating by round) and under tower-http's three layers, and takes the ratio of
//! `b`'s overhead over the bare router to `a`'s. Prints the median of those ratios, and of
//! each build's ratio to tower-http's.
//! `harness <with-id|no-id> [N] [ROUNDS]`; `BENCH_ID` and `BENCH_HEADERS` as in
//! `examples/layer_overhead.rs`.

use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use std::convert::Infallible;

type App = tower::util::BoxCloneSyncService<Request<Body>, axum::response::Response, Infallible>;

fn app(which: &str) -> App {
    let ok = Router::new().route(request::PATH, get(|| async { "ok" }));
    let app = match which {
        "a" => ok.layer(a::axum::ApiErrorLayer::new()),
        "b" => ok.layer(b::axum::ApiErrorLayer::new()),
        "tower" => {
            use tower_http::catch_panic::CatchPanicLayer;
            use tower_http::request_id::{
                MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer,
            };
            ok.layer(CatchPanicLayer::new())
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        }
        _ => ok,
    };
    App::new(app.with_state(()))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let with_id = args.get(1).map_or("with-id", String::as_str) == "with-id";
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let rounds: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(201);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| unreachable!("{e}"));
    let incoming = request::Incoming::from_env();
    let apps: Vec<App> = ["bare", "a", "b", "tower"].iter().map(|w| app(w)).collect();
    let (mut ra, mut rb, mut rba) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let mut t = [0.0f64; 4];
        let order = if round % 2 == 0 {
            [0, 1, 2, 3]
        } else {
            [0, 2, 1, 3]
        };
        for i in order {
            let start = std::time::Instant::now();
            std::hint::black_box(incoming.run(&rt, &apps[i], with_id, n));
            t[i] = start.elapsed().as_nanos() as f64 / n as f64;
        }
        ra.push((t[1] - t[0]) / (t[3] - t[0]));
        rb.push((t[2] - t[0]) / (t[3] - t[0]));
        rba.push((t[2] - t[0]) / (t[1] - t[0]));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    println!(
        "a/tower {:.3}  b/tower {:.3}  b/a {:.3}",
        median(&mut ra),
        median(&mut rb),
        median(&mut rba)
    );
}

#[path = "request.rs"]
mod request;

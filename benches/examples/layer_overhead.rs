//! Runs N requests through one axum app, for instruction counting under
//! `valgrind --tool=callgrind` (or cache misses under `--tool=cachegrind --cache-sim=yes`):
//! `cargo run --release -p api-error-benches --example layer_overhead -- <APP>
//! <with-id|no-id> [N]`, where APP is `bare`, `noop` (a layer that does nothing), `noop3`,
//! `floor` (`benches/support/floor.rs`), `layer` (`ApiErrorLayer`), `tower` (tower-http's
//! three layers, each with `Router::layer`), `tower-sb` (the same as one `ServiceBuilder`),
//! or `layer-outer` / `tower-outer` (around the whole router instead of its routes), or
//! `error-bare` / `error-layer` (a handler returning a derived 401, without and with the
//! layer).
//! Or times them, interleaved round by round with the bare router and a no-op layer:
//! `... -- time <with-id|no-id> [N] [ROUNDS] [OURS=layer] [THEIRS=tower]`.
//! The incoming id is `req_8fZ2kQ`, or `BENCH_ID` when set (a UUID, as a load balancer or
//! tower-http's `MakeRequestUuid` upstream sends); the request has no other header, or the
//! seven an API client typically sends with `BENCH_HEADERS=typical`.
#![allow(missing_docs)]

use api_error_core::axum::ApiErrorLayer;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use std::convert::Infallible;

type App = tower::util::BoxCloneSyncService<Request<Body>, axum::response::Response, Infallible>;

/// The tower-http stack of SPEC §10 as one `ServiceBuilder`.
macro_rules! tower_stack {
    () => {{
        use tower_http::catch_panic::CatchPanicLayer;
        use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
        tower::ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(CatchPanicLayer::new())
    }};
}

/// The error of the `error-*` apps: a derived 401 with a literal message.
#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
#[error("Invalid API key provided")]
#[api_error(status = 401, code = "invalid_api_key")]
struct InvalidApiKey;

/// Every app behind one box, so all variants are called the same way.
fn app(which: &str) -> App {
    use tower::Layer;
    // The error path: a handler returning a derived error, bare or under the layer.
    let error =
        || Router::new().route(request::PATH, get(|| async { Err::<(), _>(InvalidApiKey) }));
    match which {
        "error-bare" => return App::new(error().with_state(())),
        "error-layer" => return App::new(error().layer(ApiErrorLayer::new()).with_state(())),
        _ => {}
    }
    let ok = Router::new().route(request::PATH, get(|| async { "ok" }));
    // Around the whole router (as `axum::serve(listener, layer.layer(router))` runs it).
    match which {
        "layer-outer" => return App::new(ApiErrorLayer::new().layer(ok.with_state(()))),
        "tower-outer" => {
            // The stack's response body into axum's (what `Router::layer` does for it).
            let stack = tower::ServiceBuilder::new()
                .map_response(|r: axum::response::Response<_>| r.map(Body::new))
                .layer(tower_stack!());
            return App::new(stack.service(ok.with_state(())));
        }
        _ => {}
    }
    let app = match which {
        // The stack as one `Router::layer` (a `ServiceBuilder`, as axum's docs suggest).
        "tower-sb" => ok.layer(tower_stack!()),
        "layer" => ok.layer(ApiErrorLayer::new()),
        "tower" => {
            use tower_http::catch_panic::CatchPanicLayer;
            use tower_http::request_id::{
                MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer,
            };
            ok.layer(CatchPanicLayer::new())
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        }
        // A layer that does nothing: what wrapping the routes costs by itself.
        "noop" => ok.layer(tower::util::MapRequestLayer::new(|r: Request<Body>| r)),
        "noop3" => ok
            .layer(tower::util::MapRequestLayer::new(|r: Request<Body>| r))
            .layer(tower::util::MapRequestLayer::new(|r: Request<Body>| r))
            .layer(tower::util::MapRequestLayer::new(|r: Request<Body>| r)),
        "floor" => ok.layer(floor::FloorLayer),
        _ => ok,
    };
    App::new(app.with_state(()))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map_or("bare", String::as_str);
    let with_id = args.get(2).map_or("with-id", String::as_str) == "with-id";
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| unreachable!("{e}"));
    // The id as hyper hands it over: a slice of a shared buffer (support/request.rs).
    let incoming = request::Incoming::from_env();
    if which != "time" {
        println!("{}", incoming.run(&rt, &app(which), with_id, n));
        return;
    }
    // Interleaved timing: every round runs `n` requests through each app in turn; the
    // ratio of overheads over the bare router is taken per round, then its median.
    let names = [
        "bare",
        "noop",
        args.get(5).map_or("layer", String::as_str),
        args.get(6).map_or("tower", String::as_str),
    ];
    let apps: Vec<App> = names.iter().map(|w| app(w)).collect();
    let rounds: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(30);
    let mut times = vec![Vec::new(); names.len()];
    let mut ratios = Vec::new();
    for _ in 0..rounds {
        let mut t = [0.0f64; 4];
        for (i, app) in apps.iter().enumerate() {
            let start = std::time::Instant::now();
            std::hint::black_box(incoming.run(&rt, app, with_id, n));
            t[i] = start.elapsed().as_nanos() as f64 / n as f64;
            times[i].push(t[i]);
        }
        ratios.push((t[2] - t[0]) / (t[3] - t[0]));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    for (i, name) in names.iter().enumerate() {
        let med = median(&mut times[i]);
        let min = times[i].first().copied().unwrap_or_default();
        println!("{name:6} median {med:8.1} ns  min {min:8.1} ns");
    }
    println!(
        "layer/tower overhead ratio, median of rounds: {:.3}",
        median(&mut ratios)
    );
}

#[path = "../support/floor.rs"]
mod floor;
#[path = "../support/request.rs"]
mod request;

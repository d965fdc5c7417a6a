//! Runs N requests through one axum router (for instruction counting under
//! `valgrind --tool=callgrind`): `cargo run --release -p api-error-benches --example
//! layer_overhead -- <bare|layer|tower|noop|noop3> <with-id|no-id> [N]`.
#![allow(missing_docs)]

use api_error_core::axum::ApiErrorLayer;
use axum::body::{to_bytes, Body};
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map_or("bare", String::as_str);
    let with_id = args.get(2).map_or("with-id", String::as_str) == "with-id";
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let ok = Router::new().route("/", get(|| async { "ok" }));
    let app = match which {
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
        _ => ok,
    };
    let app: Router = app.with_state(());
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| unreachable!("{e}"));
    let mut total = 0;
    for _ in 0..n {
        total += rt.block_on(async {
            let mut req = Request::builder().uri("/");
            if with_id {
                req = req.header("x-request-id", "req_8fZ2kQ");
            }
            let req = req.body(Body::empty()).unwrap_or_default();
            let res = match app.clone().oneshot(req).await {
                Ok(res) => res,
                Err(e) => match e {},
            };
            to_bytes(res.into_body(), usize::MAX)
                .await
                .map_or(0, |b| b.len())
        });
    }
    println!("{total}");
}

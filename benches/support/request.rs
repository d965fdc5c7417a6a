//! The request every axum case sends, built as hyper hands one to the app.
//!
//! hyper parses a request head out of its read buffer and makes each header value a slice of
//! that buffer (`Bytes` with a shared, reference-counted owner): cloning one, as a
//! request-id layer does to send it back, is a reference-count increment. A value built with
//! `Request::builder().header(name, "…")` is instead a copy in its own `Vec`, whose first
//! clone allocates a shared owner for it (and frees it with the request): about 250
//! instructions per request, added to every layer that clones the id, ours and
//! tower-http's alike, that no server request pays.

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, Request, Uri};
use std::convert::Infallible;

/// The path every case routes and requests: not `/`, which `http` keeps in a static string
/// whatever buffer it was parsed from.
pub const PATH: &str = "/v1/items";

/// The incoming request id and path, in buffers shared as hyper's read buffer is.
pub struct Incoming {
    id: bytes::Bytes,
    path: bytes::Bytes,
    typical: bool,
}

impl Incoming {
    pub fn new(id: &str) -> Incoming {
        // `split` makes the buffer shared (reference-counted), as hyper's `split_to` does.
        let shared = |text: &str| bytes::BytesMut::from(text.as_bytes()).split().freeze();
        Incoming {
            id: shared(id),
            path: shared(PATH),
            typical: false,
        }
    }

    /// The request of the timing harnesses (`examples/layer_overhead.rs`,
    /// `benches/ab/harness.rs`): the id `req_8fZ2kQ`, or `BENCH_ID` when set; the typical
    /// headers too with `BENCH_HEADERS=typical`.
    // The divan benchmark that shares this file uses neither this nor `run`.
    #[allow(dead_code)]
    pub fn from_env() -> Incoming {
        let id = std::env::var("BENCH_ID").unwrap_or_else(|_| "req_8fZ2kQ".to_owned());
        let incoming = Incoming::new(&id);
        if std::env::var("BENCH_HEADERS").is_ok_and(|h| h == "typical") {
            incoming.with_typical_headers()
        } else {
            incoming
        }
    }

    /// Sends `n` of these requests through `app` one by one, each body read to its end:
    /// the bytes read.
    #[allow(dead_code)]
    pub fn run<S>(&self, rt: &tokio::runtime::Runtime, app: &S, with_id: bool, n: usize) -> usize
    where
        S: tower::Service<Request<Body>, Response = axum::response::Response, Error = Infallible>
            + Clone,
    {
        use tower::ServiceExt;
        let mut total = 0;
        for _ in 0..n {
            total += rt.block_on(async {
                let res = match app.clone().oneshot(self.request(with_id)).await {
                    Ok(res) => res,
                    Err(e) => match e {},
                };
                axum::body::to_bytes(res.into_body(), usize::MAX)
                    .await
                    .map_or(0, |b| b.len())
            });
        }
        total
    }

    /// Requests that also carry the seven headers an API client typically sends (`host`,
    /// `user-agent`, `accept: application/json`, `accept-encoding`, `accept-language`,
    /// `authorization`, `connection`).
    pub fn with_typical_headers(mut self) -> Incoming {
        self.typical = true;
        self
    }

    /// A `GET` request of [`PATH`] (a URI parsed from a shared buffer, as hyper parses the
    /// request line: cloning its path touches a reference count), with the id in
    /// `x-request-id` if `with_id`. Its header map is
    /// made with room for every header, as hyper makes it (`HeaderMap::reserve` with the
    /// count it parsed): growing it one header at a time, as `Request::builder()` does,
    /// reallocates it on every request, which no server request pays and which changes
    /// where glibc's allocator finds memory for everything after it.
    pub fn request(&self, with_id: bool) -> Request<Body> {
        let mut req = Request::new(Body::empty());
        *req.uri_mut() = Uri::from_maybe_shared(self.path.clone()).unwrap_or_default();
        let headers = req.headers_mut();
        headers.reserve(usize::from(self.typical) * 7 + usize::from(with_id));
        if self.typical {
            for (name, value) in [
                (header::HOST, "api.example.com"),
                (header::USER_AGENT, "example-sdk/1.4.2 (rust; linux x86_64)"),
                (header::ACCEPT, "application/json"),
                (header::ACCEPT_ENCODING, "gzip, deflate, br"),
                (header::ACCEPT_LANGUAGE, "en-US,en;q=0.9"),
                (
                    header::AUTHORIZATION,
                    "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc",
                ),
                (header::CONNECTION, "keep-alive"),
            ] {
                headers.append(name, HeaderValue::from_static(value));
            }
        }
        if with_id {
            if let Ok(value) = HeaderValue::from_maybe_shared(self.id.clone()) {
                headers.append(HeaderName::from_static("x-request-id"), value);
            }
        }
        req
    }
}

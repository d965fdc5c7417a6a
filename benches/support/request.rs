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
use axum::http::{HeaderValue, Request};

/// The incoming request id, in a buffer shared as hyper's read buffer is.
pub struct Incoming {
    id: bytes::Bytes,
    typical: bool,
}

impl Incoming {
    pub fn new(id: &str) -> Incoming {
        // `split` makes the buffer shared (reference-counted), as hyper's `split_to` does.
        let mut buf = bytes::BytesMut::from(id.as_bytes());
        Incoming {
            id: buf.split().freeze(),
            typical: false,
        }
    }

    /// Requests that also carry the seven headers an API client typically sends (`host`,
    /// `user-agent`, `accept: application/json`, `accept-encoding`, `accept-language`,
    /// `authorization`, `connection`).
    // Used by `examples/layer_overhead.rs`; the divan benchmark that shares this file does not.
    #[allow(dead_code)]
    pub fn with_typical_headers(mut self) -> Incoming {
        self.typical = true;
        self
    }

    /// A `GET /` request, with the id in `x-request-id` if `with_id`.
    pub fn request(&self, with_id: bool) -> Request<Body> {
        let mut req = Request::builder().uri("/");
        if self.typical {
            req = req
                .header("host", "api.example.com")
                .header("user-agent", "example-sdk/1.4.2 (rust; linux x86_64)")
                .header("accept", "application/json")
                .header("accept-encoding", "gzip, deflate, br")
                .header("accept-language", "en-US,en;q=0.9")
                .header("authorization", "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc")
                .header("connection", "keep-alive");
        }
        if with_id {
            if let Ok(value) = HeaderValue::from_maybe_shared(self.id.clone()) {
                req = req.header("x-request-id", value);
            }
        }
        req.body(Body::empty()).unwrap_or_default()
    }
}

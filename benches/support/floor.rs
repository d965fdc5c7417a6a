//! A reference point, not a usable layer: about the least a request-id + panic-catching
//! layer can do (one header lookup and clone, a `catch_unwind` per poll, one response
//! header insert; no id validation, no request context, no error handling).

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::http::{HeaderName, HeaderValue, Request};
use axum::response::Response;

#[derive(Clone)]
pub struct FloorLayer;
#[derive(Clone)]
pub struct Floor<S>(S);
impl<S> tower::Layer<S> for FloorLayer {
    type Service = Floor<S>;
    fn layer(&self, s: S) -> Floor<S> {
        Floor(s)
    }
}
const H: HeaderName = HeaderName::from_static("x-request-id");
impl<S, B> tower::Service<Request<B>> for Floor<S>
where
    S: tower::Service<Request<B>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Fut<S::Future>;
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }
    fn call(&mut self, req: Request<B>) -> Self::Future {
        let id = req.headers().get(&H).cloned();
        Fut {
            inner: Box::pin(self.0.call(req)),
            id,
        }
    }
}
pub struct Fut<F> {
    inner: Pin<Box<F>>,
    id: Option<HeaderValue>,
}
impl<F: Future<Output = Result<Response, E>>, E> Future for Fut<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let inner = &mut this.inner;
        match catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(Poll::Ready(Ok(mut res))) => {
                if let Some(id) = this.id.take() {
                    res.headers_mut().insert(H, id);
                }
                Poll::Ready(Ok(res))
            }
            Ok(other) => other,
            Err(_) => Poll::Ready(Ok(Response::new(axum::body::Body::empty()))),
        }
    }
}

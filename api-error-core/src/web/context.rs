//! The request context: what rendering needs to know about the request being handled (its
//! id, and the span its logs go to), available while the request runs.
//!
//! `ApiErrorLayer` and `ApiErrorMiddleware` set it in a thread-local for the duration of
//! every poll of the request's future (as `tracing::Instrumented` enters its span on every
//! poll) and restore what was there before when the poll returns, or unwinds. A handler's
//! `Err(MyError)` becomes a response inside that poll, so `IntoResponse` / `ResponseError`
//! render the final body, request id included, in one pass: nothing patches a body later.
//! It works on any executor (tokio, actix's), needs no allocation per poll, and an error
//! rendered outside any request (a test, a background task) simply sees no context and
//! renders `"request_id":null`.

use std::cell::Cell;
use std::mem::ManuallyDrop;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::guard::Panic;
use crate::request_id::RequestId;
use crate::ErrorFormat;

/// Per-request values rendering reads.
#[derive(Clone)]
pub(crate) struct RequestContext {
    pub id: RequestId,
    /// The format errors of this request are rendered in (configured, or negotiated).
    pub format: ErrorFormat,
    #[cfg(feature = "tracing")]
    pub span: tracing::Span,
}

impl RequestContext {
    /// The context of the request with this id; with `tracing`, a `request` span carrying it.
    pub fn new(id: RequestId, format: ErrorFormat) -> RequestContext {
        RequestContext {
            // Inside another layer's request with this id (nested layers): its span, not a
            // second `request` span with the same id.
            #[cfg(feature = "tracing")]
            span: with_current(|ctx| ctx.filter(|c| c.id == id).map(|c| c.span.clone()))
                .unwrap_or_else(|| crate::log::request_span(id.as_str())),
            id,
            format,
        }
    }

    /// Runs `f` with this context current (and its span entered), then restores the previous
    /// one, also when `f` unwinds.
    pub fn scope<R>(&self, f: impl FnOnce() -> R) -> R {
        let _restore = Restore {
            previous: CURRENT
                .try_with(|c| c.replace(Some(self.clone())))
                .ok()
                .flatten(),
        };
        #[cfg(feature = "tracing")]
        return self.span.in_scope(f);
        #[cfg(not(feature = "tracing"))]
        f()
    }

    /// Runs `f` (the inner service's call, or one poll of its future) with the context the
    /// caller keeps in `slot` current (and its span entered), catching a panic. The context
    /// is swapped into the thread-local and back, not cloned or moved through a temporary
    /// (this runs on every poll of every request): two swaps, no drop. As nothing unwinds
    /// out of the catch, the swap back needs no drop guard.
    #[inline]
    pub fn run_in<R>(slot: &mut Option<RequestContext>, f: impl FnOnce() -> R) -> Result<R, Panic> {
        #[cfg(feature = "tracing")]
        let span = slot.as_ref().map(|ctx| ctx.span.clone());
        let slot = Cell::from_mut(slot);
        // The thread-local holds this request's context and `slot` the one it held before
        // (none, unless requests nest), until the second swap.
        let swapped = CURRENT.try_with(|c| c.swap(slot)).is_ok();
        #[cfg(feature = "tracing")]
        let out = catch_unwind(AssertUnwindSafe(|| match &span {
            Some(span) => span.in_scope(f),
            None => f(),
        }));
        #[cfg(not(feature = "tracing"))]
        let out = catch_unwind(AssertUnwindSafe(f));
        if swapped {
            let _ = CURRENT.try_with(|c| c.swap(slot));
        }
        out
    }
}

thread_local! {
    // A `Cell`, not a `RefCell`: no borrow is ever held, so nothing here can panic, even if
    // rendering runs user code that polls another request's future. In a `ManuallyDrop`,
    // so the thread-local has no destructor: reaching it is one address, with no check of
    // the thread's state and no registration on first use (a context is here only while a
    // scope or a poll runs, which a thread never exits in: nothing is left to drop).
    static CURRENT: ManuallyDrop<Cell<Option<RequestContext>>> =
        const { ManuallyDrop::new(Cell::new(None)) };
    // Set while an error is rendered again only to read its text (its first rendering was
    // logged): rendering logs nothing then.
    #[cfg(feature = "tracing")]
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with rendering not logging (with `tracing`): for an error's response made again
/// only to read it, whose first rendering was logged.
#[cfg_attr(not(feature = "actix-web"), allow(dead_code))]
pub(crate) fn quietly<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(feature = "tracing")]
    {
        struct Reset(bool);
        impl Drop for Reset {
            fn drop(&mut self) {
                let _ = QUIET.try_with(|q| q.set(self.0));
            }
        }
        let _reset = Reset(QUIET.try_with(|q| q.replace(true)).unwrap_or(false));
        f()
    }
    #[cfg(not(feature = "tracing"))]
    f()
}

/// Whether rendering is not to log (see [`quietly`]).
#[cfg(feature = "tracing")]
pub(crate) fn is_quiet() -> bool {
    QUIET.try_with(Cell::get).unwrap_or(false)
}

/// Puts the previous context back when a scope ends, also when it unwinds.
struct Restore {
    previous: Option<RequestContext>,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // `try_with`: never panic, even while the thread's locals are being destroyed.
        let _ = CURRENT.try_with(|c| c.replace(previous));
    }
}

/// The id of the request being handled on this thread, if any ([`RequestId::current`]; the
/// axum extractor reads it, actix-web's the request's extensions).
pub(crate) fn current_request_id() -> Option<RequestId> {
    with_current(|ctx| ctx.map(|ctx| ctx.id.clone()))
}

/// The id and format of the request being handled on this thread: none and flat outside
/// any request.
pub(crate) fn current() -> (Option<RequestId>, ErrorFormat) {
    with_current(|ctx| match ctx {
        Some(ctx) => (Some(ctx.id.clone()), ctx.format.clone()),
        None => (None, ErrorFormat::FLAT),
    })
}

fn with_current<R>(f: impl FnOnce(Option<&RequestContext>) -> R) -> R {
    let ctx = CURRENT.try_with(|c| c.take()).ok().flatten();
    let out = f(ctx.as_ref());
    let _ = CURRENT.try_with(|c| c.set(ctx));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_and_restored() {
        assert!(current_request_id().is_none());
        let outer = RequestContext::new(RequestId::generate(), ErrorFormat::FLAT);
        let inner = RequestContext::new(RequestId::generate(), ErrorFormat::FLAT);
        outer.scope(|| {
            assert_eq!(current_request_id().as_ref(), Some(&outer.id));
            inner.scope(|| assert_eq!(current_request_id().as_ref(), Some(&inner.id)));
            assert_eq!(current_request_id().as_ref(), Some(&outer.id));
            let unwound = catch_unwind(AssertUnwindSafe(|| inner.scope(|| panic!("in a handler"))));
            assert!(unwound.is_err());
            assert_eq!(current_request_id().as_ref(), Some(&outer.id));
        });
        assert!(current_request_id().is_none());
    }

    /// `run_in` swaps the context in and back: nested runs see their own, a panic is caught
    /// with the previous context restored, and each slot gets its context back.
    #[test]
    fn run_in_swaps_and_restores() {
        let outer_id = RequestId::generate();
        let inner_id = RequestId::generate();
        let mut outer = Some(RequestContext::new(outer_id.clone(), ErrorFormat::FLAT));
        let mut inner = Some(RequestContext::new(inner_id.clone(), ErrorFormat::FLAT));
        let out = RequestContext::run_in(&mut outer, || {
            assert_eq!(current_request_id().as_ref(), Some(&outer_id));
            let nested = RequestContext::run_in(&mut inner, || {
                assert_eq!(current_request_id().as_ref(), Some(&inner_id));
                7
            });
            assert!(matches!(nested, Ok(7)));
            assert_eq!(current_request_id().as_ref(), Some(&outer_id));
            let panicked = RequestContext::run_in(&mut inner, || panic!("in a handler"));
            assert!(panicked.is_err());
            assert_eq!(current_request_id().as_ref(), Some(&outer_id));
        });
        assert!(out.is_ok());
        assert!(current_request_id().is_none());
        assert_eq!(outer.map(|c| c.id), Some(outer_id));
        assert_eq!(inner.map(|c| c.id), Some(inner_id));
    }
}

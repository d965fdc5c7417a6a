//! The inner service's call and future, run in the request's context with panics caught: the
//! one place both integrations catch handler panics (tower-http's `CatchPanic` pattern, a
//! named future rather than a boxed one).

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::context::RequestContext;

/// A panic caught while a handler ran.
pub(crate) type Panic = Box<dyn Any + Send>;

/// What a poll after completion is answered with, as a panic (a 500, its text only logged).
pub(crate) const COMPLETED: &str = "request future polled after completion";

pin_project! {
    /// Resolves to the inner future's output, or to the payload of a panic raised by the
    /// call or by any poll. Every poll runs in the request's [`RequestContext`], and so does
    /// the inner future's drop when the request is cancelled before it is done (a client
    /// gone): what its destructors log or render has the request's id.
    pub(crate) struct Guarded<F> {
        #[pin]
        state: State<F>,
        // Moved into the thread-local for each poll (and, for actix-web, the call), and
        // back (see `RequestContext::run_in`).
        ctx: Option<RequestContext>,
    }

    impl<F> PinnedDrop for Guarded<F> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            if let StateProj::Running { .. } = this.state.as_mut().project() {
                drop_running(this.state, this.ctx);
            }
        }
    }
}

/// Drops an inner future that is still running (the request was cancelled, or the future
/// panicked) in the request's context; a destructor's panic goes no further.
#[cold]
#[inline(never)]
fn drop_running<F>(mut state: Pin<&mut State<F>>, ctx: &mut Option<RequestContext>) {
    let dropped = RequestContext::run_in(ctx, || state.set(State::Panicked { panic: None }));
    if let Err(panic) = dropped {
        drop_payload(panic);
    }
}

pin_project! {
    /// The inner future while it runs; then the panic its call raised, if any (taken by
    /// the first poll).
    #[project = StateProj]
    enum State<F> {
        Running {
            #[pin]
            fut: F,
        },
        Panicked {
            panic: Option<Panic>,
        },
    }
}

impl<F: Future> Guarded<F> {
    /// Calls the inner service (`call`), catching a panic. The context is set for every
    /// poll, not for the call: for axum's routes the call only builds the future (a route
    /// calls its service when first polled), and a scope around it costs about 80 ns a
    /// request. (With `tracing`, the call runs in the request's context and span too.)
    #[inline]
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    pub fn call(ctx: RequestContext, call: impl FnOnce() -> F) -> Guarded<F> {
        // The request's span is entered for the call too (not held past it): a span an inner
        // layer opens in its `call` (tower-http's `TraceLayer` under one `ServiceBuilder`)
        // is then the request span's child, and events in it have the request id.
        // The whole context, not only the span: a second `ApiErrorLayer` reached from this
        // call (one `ServiceBuilder`) then runs in this request's span, not a second one.
        #[cfg(feature = "tracing")]
        return Self::call_in_context(ctx, call);
        #[cfg(not(feature = "tracing"))]
        Self::from_call(Some(ctx), catch_unwind(AssertUnwindSafe(call)))
    }

    /// [`call`](Self::call) in the request's context: for actix-web, whose middleware often
    /// answer from `call` itself (`req.error_response(..)` in a ready future), so an error
    /// rendered there has the request's id and format too.
    #[cfg_attr(not(any(feature = "actix-web", feature = "tracing")), allow(dead_code))]
    pub fn call_in_context(ctx: RequestContext, call: impl FnOnce() -> F) -> Guarded<F> {
        let mut ctx = Some(ctx);
        let called = RequestContext::run_in(&mut ctx, call);
        Self::from_call(ctx, called)
    }

    fn from_call(ctx: Option<RequestContext>, called: Result<F, Panic>) -> Guarded<F> {
        match called {
            Ok(fut) => Guarded {
                state: State::Running { fut },
                ctx,
            },
            Err(panic) => Guarded {
                state: State::Panicked { panic: Some(panic) },
                ctx,
            },
        }
    }

    /// The request's context, to take once the future is done (`None` only if the
    /// thread-local was gone while it was polled, as the thread was being torn down).
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    pub fn context(self: Pin<&mut Self>) -> &mut Option<RequestContext> {
        self.project().ctx
    }

    /// Polls the inner future in the request's context, putting its output in `out` when it
    /// is ready: `Ready(None)` then, `Ready(Some(panic))` for a panic. The output is written
    /// once, where the caller wants it, rather than passed up through the catch and two
    /// wrapping enums (a response is about 150 bytes, and this runs on every request).
    #[inline]
    pub fn poll_into(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut Option<F::Output>,
    ) -> Poll<Option<Panic>> {
        let mut this = self.project();
        let ready = match this.state.as_mut().project() {
            StateProj::Running { fut } => RequestContext::run_in(this.ctx, || match fut.poll(cx) {
                Poll::Ready(output) => {
                    *out = Some(output);
                    true
                }
                Poll::Pending => false,
            }),
            StateProj::Panicked { panic } => return Poll::Ready(Some(take_panic(panic))),
        };
        let panic = match ready {
            Ok(false) => return Poll::Pending,
            Ok(true) => None,
            Err(panic) => Some(panic),
        };
        // The inner future is done (or broken by its panic): drop it now, catching a
        // panicking destructor too; after a panic, in the request's context (what a
        // combinator still holds, `join`'s other half, is dropped there).
        let mut state = this.state;
        if panic.is_some() {
            drop_running(state, this.ctx);
        } else if let Err(again) = catch_unwind(AssertUnwindSafe(|| {
            state.set(State::Panicked { panic: None })
        })) {
            drop_payload(again);
        }
        Poll::Ready(panic)
    }
}

/// Drops a panic's payload, which is the handler's own value (`panic_any`): its destructor
/// may panic too, and would then unwind out of the layer with no response sent. Such a
/// payload is dropped in a `catch_unwind`; the payload of that second panic is leaked (it
/// could only be dropped by risking a third).
#[cold]
pub(crate) fn drop_payload(panic: Panic) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(panic))) {
        std::mem::forget(again);
    }
}

/// The panic the call raised (or, for a poll after completion, a stand-in): out of the hot
/// path.
#[cold]
#[inline(never)]
fn take_panic(panic: &mut Option<Panic>) -> Panic {
    panic.take().unwrap_or_else(|| Box::new(COMPLETED))
}

impl<F: Future> Future for Guarded<F> {
    type Output = Result<F::Output, Panic>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut out = None;
        match std::task::ready!(self.poll_into(cx, &mut out)) {
            Some(panic) => Poll::Ready(Err(panic)),
            // Never: a ready poll without a panic has put its output there.
            None => Poll::Ready(out.ok_or_else(|| -> Panic { Box::new(COMPLETED) })),
        }
    }
}

pin_project! {
    /// Resolves to the inner future's output, or to the payload of a panic raised by any
    /// poll: for the middleware's own work on a response, which calls user code (an error's
    /// `Display`, its `error_response()`).
    pub(crate) struct Unwinding<F> {
        #[pin]
        fut: F,
    }
}

impl<F: Future> Unwinding<F> {
    pub fn new(fut: F) -> Unwinding<F> {
        Unwinding { fut }
    }
}

impl<F: Future> Future for Unwinding<F> {
    type Output = Result<F::Output, Panic>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = self.project().fut;
        match catch_unwind(AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(out)) => Poll::Ready(Ok(out)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

//! Web plumbing shared by the axum and actix-web integrations, so both send byte-identical
//! bodies and the same headers:
//!
//! - [`accept`]: which wire format a request's `Accept` header asks for;
//! - [`context`]: the per-request context rendering reads (request id, log span);
//! - [`guard`]: the inner service run in that context with panics caught;
//! - [`response`]: an [`ApiError`](crate::ApiError) as status, headers and body, and the
//!   header rules both integrations follow;
//! - [`rejection`]: the standard body for a framework's own errors, bare statuses and panics;
//! - [`params`]: which request parameter a framework's error text is about.

pub(crate) mod accept;
pub(crate) mod context;
pub(crate) mod guard;
pub(crate) mod params;
pub(crate) mod rejection;
pub(crate) mod response;

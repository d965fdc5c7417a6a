//! Prints the error-code reference of an example payments API, generated from its error enums.
//!
//! ```text
//! cargo run --example catalog            # Markdown
//! cargo run --example catalog -- --json  # JSON
//! ```

use api_error_core::catalog::Catalog;
use api_error_core::ApiError;

/// Authentication and authorization errors, shared by every endpoint.
#[derive(Debug, thiserror::Error, ApiError)]
pub enum AuthError {
    /// The API key is missing, revoked or malformed. Check the `Authorization` header.
    #[error("Invalid API key provided")]
    #[api_error(status = 401, code = "invalid_api_key")]
    InvalidApiKey,

    /// The API key is valid but lacks the permission this request needs.
    #[error("This API key cannot {action}")]
    #[api_error(status = 403, code = "permission_denied")]
    PermissionDenied {
        /// What the key tried to do.
        action: String,
    },
}

/// Errors of the payments endpoints.
#[derive(Debug, thiserror::Error, ApiError)]
pub enum PaymentError {
    /// No customer has this id. Check the id, and that it belongs to this account.
    #[error("No such customer: {id}")]
    #[api_error(status = 404, code = "resource_missing", param = "customer")]
    CustomerNotFound {
        /// The id the request named.
        id: String,
    },

    /// The idempotency key was already used with different parameters. Use a new key for a
    /// new request.
    #[error("Idempotency key {key} was reused with different parameters")]
    #[api_error(status = 409, code = "idempotency_key_reused")]
    IdempotencyConflict {
        /// The reused key.
        key: String,
    },

    /// An amount must be a positive integer in the currency's smallest unit.
    #[error("{field} must be positive")]
    #[api_error(status = 422, code = "invalid_amount")]
    InvalidAmount {
        /// The offending parameter.
        #[api_error(param)]
        field: String,
    },

    /// Too many requests hit the API too quickly. Retry after the delay in `Retry-After`.
    #[error("Too many requests")]
    #[api_error(status = 429, code = "rate_limited")]
    RateLimited {
        /// How long to wait.
        #[api_error(retry_after)]
        wait: std::time::Duration,
    },

    /// The database is unavailable; the request can be retried.
    #[error("database unavailable: {0}")]
    #[api_error(status = 503, code = "database_unavailable")]
    Database(#[source] std::io::Error),

    /// Authentication errors.
    #[error(transparent)]
    #[api_error(transparent)]
    Auth(AuthError),
}

fn main() {
    let catalog = Catalog::of::<PaymentError>().with_title("Payments API errors");
    if std::env::args().skip(1).any(|arg| arg == "--json") {
        println!("{}", catalog.to_json());
    } else {
        print!("{}", catalog.to_markdown());
    }
}

//! Shared fixtures for the integration tests and examples: the payments API of the README.

pub mod payments {
    //! A payments-style API's errors, as in SPEC §1.
    use api_error_core::ApiError;

    /// Errors of the authentication layer, wrapped transparently by [`PaymentError`].
    #[derive(Debug, thiserror::Error, ApiError)]
    pub enum AuthError {
        /// The API key has expired; create a new one in the dashboard.
        #[error("Your API key expired on {expired_on}")]
        #[api_error(
            status = 401,
            code = "api_key_expired",
            header("WWW-Authenticate", "Bearer realm=\"api\"")
        )]
        KeyExpired {
            /// The day the key expired.
            expired_on: String,
        },
        /// The key is valid but lacks a permission.
        #[error("This API key cannot {action}")]
        #[api_error(status = FORBIDDEN, code = "insufficient_permissions", message = "This API key cannot {action}")]
        Forbidden {
            /// What was attempted.
            action: String,
        },
    }

    /// The errors of the payments API.
    #[derive(Debug, thiserror::Error, ApiError)]
    pub enum PaymentError {
        /// The API key is missing, revoked or malformed.
        #[error("Invalid API key provided")]
        #[api_error(
            status = 401,
            code = "invalid_api_key",
            header("WWW-Authenticate", "Bearer realm=\"api\"")
        )]
        InvalidApiKey,

        /// The customer does not exist.
        #[error("No such customer: {id}")]
        #[api_error(status = 404, code = "resource_missing", param = "customer")]
        CustomerNotFound {
            /// The customer id that was asked for.
            id: String,
        },

        /// The idempotency key was already used for a request with other parameters.
        #[error("Idempotency key {key} was reused with different parameters")]
        #[api_error(status = 409, code = "idempotency_key_reused")]
        IdempotencyConflict {
            /// The reused key.
            key: String,
        },

        /// An amount must be positive.
        #[error("{field} must be positive")]
        #[api_error(status = 422, code = "invalid_amount")]
        InvalidAmount {
            /// The offending parameter.
            #[api_error(param)]
            field: String,
        },

        /// Too many requests hit the API too quickly; back off.
        #[error("Too many requests")]
        #[api_error(status = 429, code = "rate_limited")]
        RateLimited {
            /// How long to wait.
            #[api_error(retry_after)]
            wait: std::time::Duration,
        },

        /// The database could not be reached; safe to retry.
        #[error("database unavailable: {0}")]
        #[api_error(status = 503, code = "database_unavailable")]
        Database(#[source] std::io::Error),

        /// Authentication failed.
        #[error(transparent)]
        #[api_error(transparent)]
        Auth(AuthError),
    }
}

/// Every Rust example in README.md compiles and runs (`cargo test --doc -p api-error-tests`).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

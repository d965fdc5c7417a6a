//! The first thing to run: `cargo run --example quickstart`.
//!
//! Prints, for each error of a payments-style API, the HTTP status, the headers an
//! integration would send and the JSON body.

use api_error_core::ApiError;
use api_error_tests::payments::{AuthError, PaymentError};

fn main() {
    let errors = [
        PaymentError::InvalidApiKey,
        PaymentError::CustomerNotFound {
            id: "cus_123".into(),
        },
        PaymentError::IdempotencyConflict {
            key: "idem_42".into(),
        },
        PaymentError::InvalidAmount {
            field: "amount".into(),
        },
        PaymentError::RateLimited {
            wait: std::time::Duration::from_millis(1500),
        },
        PaymentError::Database(std::io::Error::other(
            "connection refused: db-primary.internal:5432 (password=hunter2)",
        )),
        PaymentError::Auth(AuthError::KeyExpired {
            expired_on: "2026-01-31".into(),
        }),
    ];
    for err in &errors {
        let mut body = Vec::new();
        err.write_json(Some("req_8fZ2kQ"), &mut body);
        println!("{:?}", err);
        // The headers the axum and actix-web integrations send with it.
        print!(
            "  -> {}\n     content-type: application/json, x-should-retry: {}",
            err.status(),
            err.is_retryable()
        );
        if let Some(wait) = err.retry_after() {
            // Both rounded up: 1.5 s is `Retry-After: 2` and `retry-after-ms: 1500`.
            let ms = wait.as_nanos().div_ceil(1_000_000);
            print!(", retry-after: {}, retry-after-ms: {ms}", ms.div_ceil(1000));
        }
        for (name, value) in err.headers() {
            print!(", {name}: {value}");
        }
        println!();
        println!("     {}", String::from_utf8_lossy(&body));
    }
}

//! A small Rust SDK for the payments API of the `axum_server` example, built on
//! `send_with_retry` (feature `reqwest`): typed errors, retries that honour the server,
//! idempotency keys on every POST.
//!
//! ```sh
//! cargo run --example axum_server    # in one terminal
//! cargo run --example client         # in another
//! ```
//!
//! The server is expected on `127.0.0.1:3000` (`$API_ERROR_EXAMPLE_ADDR` overrides it).
//! Without it, the first call fails with a transport error after its retries and the example
//! says how to start it. Retries are logged at debug (the `tracing` feature).

use std::fmt;
use std::time::{Duration, Instant};

use api_error_core::client::{send_with_retry, ClientError, RetryPolicy};
use api_error_tests::payments::PaymentError;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// The SDK
// ---------------------------------------------------------------------------------------------

/// The SDK's error: one of the API's own errors when the response is recognisable as one,
/// else the raw error (transport failure, a proxy's 502 after retries, ...).
#[derive(Debug)]
pub enum Error {
    /// A documented error of the API, rebuilt from the response.
    Payment(PaymentError),
    /// Any other failure; `error_response()` has the status, code and request id if the API
    /// answered.
    Other(ClientError),
    /// The API answered 2xx with a body that is not JSON.
    Decode(serde_json::Error),
}

impl From<ClientError> for Error {
    fn from(error: ClientError) -> Self {
        match error.to_typed::<PaymentError>() {
            Some(payment) => Error::Payment(payment),
            None => Error::Other(error),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Payment(e) => write!(f, "payment error: {e}"),
            Error::Other(e) => write!(f, "{e}"),
            Error::Decode(e) => write!(f, "unexpected response body: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// The client of the payments API.
pub struct Payments {
    http: reqwest::Client,
    base: String,
    api_key: String,
    policy: RetryPolicy,
}

impl Payments {
    /// A client for the API at `base` (`http://127.0.0.1:3000`), default retry policy.
    pub fn new(base: impl Into<String>, api_key: impl Into<String>) -> Payments {
        Payments {
            http: reqwest::Client::new(),
            base: base.into(),
            api_key: api_key.into(),
            policy: RetryPolicy::default(),
        }
    }

    /// `GET /v1/customers/{id}`.
    pub async fn customer(&self, id: &str) -> Result<Value, Error> {
        self.send(self.http.get(self.url(&format!("/v1/customers/{id}"))))
            .await
    }

    /// `POST /v1/charges`. Safe to retry: `send_with_retry` gives it an idempotency key.
    pub async fn create_charge(&self, amount: i64, currency: &str) -> Result<Value, Error> {
        self.send(self.charge_request(amount, currency)).await
    }

    /// `POST /v1/charges` with the caller's own idempotency key (kept as is).
    pub async fn create_charge_with_key(
        &self,
        amount: i64,
        currency: &str,
        idempotency_key: &str,
    ) -> Result<Value, Error> {
        let request = self
            .charge_request(amount, currency)
            .header("idempotency-key", idempotency_key);
        self.send(request).await
    }

    /// `GET /v1/rate_limited`: always a 429 asking for 1.5 s.
    pub async fn rate_limited(&self) -> Result<Value, Error> {
        self.send(self.http.get(self.url("/v1/rate_limited"))).await
    }

    /// `GET /v1/database`: always a 503.
    pub async fn database(&self) -> Result<Value, Error> {
        self.send(self.http.get(self.url("/v1/database"))).await
    }

    fn charge_request(&self, amount: i64, currency: &str) -> reqwest::RequestBuilder {
        let body = json!({ "amount": amount, "currency": currency }).to_string();
        self.http
            .post(self.url("/v1/charges"))
            .header("content-type", "application/json")
            .body(body)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Every call goes through here: authentication, retries, typed errors, JSON.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, Error> {
        let request = request.bearer_auth(&self.api_key);
        let response = send_with_retry(request, &self.policy).await?;
        let body = response
            .bytes()
            .await
            .map_err(|e| Error::Other(ClientError::Transport(e)))?;
        serde_json::from_slice(&body).map_err(Error::Decode)
    }
}

// ---------------------------------------------------------------------------------------------
// Using it
// ---------------------------------------------------------------------------------------------

const SERVER: &str = "127.0.0.1:3000";

fn main() -> std::io::Result<()> {
    // The retries (debug, from api_error_core); everything else from info up.
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::filter::Targets::new()
        .with_target("api_error_core", tracing::Level::DEBUG)
        .with_default(tracing::Level::INFO);
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_target(false))
        .with(filter)
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run());
    Ok(())
}

async fn run() {
    let server = std::env::var("API_ERROR_EXAMPLE_ADDR").unwrap_or_else(|_| SERVER.to_owned());
    let sdk = Payments::new(format!("http://{server}"), "sk_test_123");
    println!("retry policy: {:?}\n", sdk.policy);

    let started = Instant::now();
    match sdk.customer("cus_123").await {
        Ok(customer) => report("customer(cus_123)", started, &Ok(customer)),
        Err(Error::Other(ClientError::Transport(e))) => {
            println!(
                "http://{server} not reachable after {} ({});\nstart the server with `cargo run --example axum_server`",
                secs(started.elapsed()),
                chain(&e)
            );
            return;
        }
        Err(e) => report("customer(cus_123)", started, &Err(e)),
    }

    let started = Instant::now();
    let result = sdk.customer("cus_404").await;
    report("customer(cus_404): 404, final", started, &result);

    let started = Instant::now();
    let result = sdk.create_charge(-5, "usd").await;
    report("create_charge(-5): 422, typed", started, &result);

    let started = Instant::now();
    let result = sdk.create_charge(5, "usd").await;
    report("create_charge(5): idempotency key added", started, &result);

    let started = Instant::now();
    let result = sdk.create_charge_with_key(5, "usd", "reused").await;
    report(
        "create_charge_with_key(reused): 409, x-should-retry: false",
        started,
        &result,
    );

    let started = Instant::now();
    let result = sdk.rate_limited().await;
    report(
        "rate_limited(): 429, retry-after-ms: 1500, retried twice",
        started,
        &result,
    );

    let started = Instant::now();
    let result = sdk.database().await;
    report("database(): 503, backoff with jitter", started, &result);
}

fn report(call: &str, started: Instant, result: &Result<Value, Error>) {
    println!("== {call} ({})", secs(started.elapsed()));
    match result {
        Ok(value) => println!("ok:      {value}"),
        Err(Error::Payment(e)) => println!("typed:   PaymentError::{e:?}\n         {e}"),
        Err(Error::Other(e)) => {
            println!("error:   {e}");
            if let Some(response) = e.error_response() {
                println!(
                    "         code {}, retryable {}, request id {}",
                    response.code(),
                    response.is_retryable(),
                    response.request_id().unwrap_or("-")
                );
            }
        }
        Err(e @ Error::Decode(_)) => println!("error:   {e}"),
    }
    println!();
}

/// An error and its causes: `error sending request ...: client error (Connect): ...`.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

//! The `reqwest` feature: read error responses and send requests with retries (SPEC §13).

use std::fmt;

use http::header::{HeaderName, HeaderValue};
use http::{Method, StatusCode};

use super::retry::random_u64;
use super::{ErrorResponse, FromErrorResponse, RetryPolicy, MAX_JSON_BODY_LEN};

/// The header carrying the idempotency key that [`send_with_retry`] adds to `POST` and
/// `PATCH` requests: `Idempotency-Key` (the Stripe/OpenAI name, IETF
/// draft-ietf-httpapi-idempotency-key-header).
///
/// ```
/// use api_error_core::client::IDEMPOTENCY_KEY;
///
/// assert_eq!(IDEMPOTENCY_KEY.as_str(), "idempotency-key");
/// ```
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

impl ErrorResponse {
    /// Reads an error response from reqwest (feature `reqwest`): status, headers and at most
    /// [`MAX_JSON_BODY_LEN`] bytes of body, then [`from_parts`](ErrorResponse::from_parts).
    /// Never fails.
    ///
    /// The body is read chunk by chunk and reading stops at the bound, whatever
    /// `content-length` claims: a 10 MiB (or endless) error page costs at most 1 MiB of
    /// memory, and the rest is never waited for. A JSON body over the bound is parsed as far
    /// as the bound, as `from_parts` does (a 422 with tens of thousands of field errors keeps
    /// its code and its first ones). A read error (connection reset, timeout) keeps the
    /// status and headers and whatever part of the body arrived.
    ///
    /// ```no_run
    /// use api_error_core::client::ErrorResponse;
    ///
    /// # async fn run() -> Result<(), reqwest::Error> {
    /// let response = reqwest::Client::new()
    ///     .get("http://127.0.0.1:3000/v1/customers/cus_404")
    ///     .send()
    ///     .await?;
    /// if !response.status().is_success() {
    ///     let error = ErrorResponse::from_reqwest(response).await;
    ///     eprintln!("{error}"); // 404 not_found_error (resource_missing): No such customer: cus_404 [request_id: req_…]
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn from_reqwest(mut response: reqwest::Response) -> ErrorResponse {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let (body, broken) = read_bounded(&mut response, MAX_JSON_BODY_LEN).await;
        // Reading stopped at the bound, or the body broke off: a message running up to the
        // end of what arrived is cut there, as in a longer body given to `from_parts` (the
        // rest was not read, so it cannot tell).
        let cut = broken || body.len() >= MAX_JSON_BODY_LEN;
        ErrorResponse::from_read(status, &headers, &body, cut)
    }
}

/// At most `limit` bytes of the body (the rest is never waited for), and whether a read
/// error stopped it first (what arrived is kept).
async fn read_bounded(response: &mut reqwest::Response, limit: usize) -> (Vec<u8>, bool) {
    let capacity = response
        .content_length()
        .and_then(|len| usize::try_from(len).ok())
        .unwrap_or(0)
        .min(limit);
    let mut body = Vec::with_capacity(capacity);
    // Not one more chunk asked for once the bound is reached: a body that stops exactly
    // there (or stalls after it) is not waited on.
    while body.len() < limit {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(_) => return (body, true),
        };
        let room = limit.saturating_sub(body.len());
        if chunk.len() > room {
            body.extend_from_slice(chunk.get(..room).unwrap_or_default());
            break;
        }
        body.extend_from_slice(&chunk);
    }
    (body, false)
}

/// The error of [`send_with_retry`]: the API's final error response, or a failure without a
/// response (feature `reqwest`).
///
/// `std::error::Error + Send + Sync + 'static`; its `Display` is that of the inner error
/// (and its `source()` that of the inner error's), so it can be an SDK's error type as is.
///
/// ```
/// use api_error_core::client::{ClientError, ErrorResponse};
/// use api_error_core::ApiError;
///
/// #[derive(Debug, PartialEq, thiserror::Error, ApiError)]
/// enum PaymentError {
///     #[error("Invalid API key provided")]
///     #[api_error(status = 401, code = "invalid_api_key")]
///     InvalidApiKey,
/// }
///
/// let error = ClientError::Api(ErrorResponse::from_parts(
///     http::StatusCode::UNAUTHORIZED,
///     &http::HeaderMap::new(),
///     br#"{"message":"Invalid API key provided","type":"authentication_error","code":"invalid_api_key"}"#,
/// ));
/// assert_eq!(error.status(), Some(http::StatusCode::UNAUTHORIZED));
/// assert_eq!(error.to_typed::<PaymentError>(), Some(PaymentError::InvalidApiKey));
/// assert_eq!(error.to_string(), "401 authentication_error (invalid_api_key): Invalid API key provided");
/// ```
#[derive(Debug)]
pub enum ClientError {
    /// The API answered with an error status (400 or above) and this body: the last answer,
    /// when the request was retried.
    Api(ErrorResponse),
    /// No response: the request could not be built or sent, the connection failed or was
    /// closed before a response, or it timed out.
    Transport(reqwest::Error),
}

impl ClientError {
    /// The API's error response, for [`ClientError::Api`].
    ///
    /// ```
    /// use api_error_core::client::{ClientError, ErrorResponse};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let error = ClientError::Api(ErrorResponse::from_parts(
    ///     StatusCode::CONFLICT,
    ///     &HeaderMap::new(),
    ///     br#"{"message":"Key reused","type":"conflict_error","code":"idempotency_key_reused"}"#,
    /// ));
    /// assert_eq!(error.error_response().map(ErrorResponse::code), Some("idempotency_key_reused"));
    /// ```
    pub fn error_response(&self) -> Option<&ErrorResponse> {
        match self {
            ClientError::Api(response) => Some(response),
            ClientError::Transport(_) => None,
        }
    }

    /// Consumes the error and returns the API's error response, for [`ClientError::Api`].
    ///
    /// ```
    /// use api_error_core::client::{ClientError, ErrorResponse};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let error = ClientError::Api(ErrorResponse::from_parts(
    ///     StatusCode::CONFLICT,
    ///     &HeaderMap::new(),
    ///     br#"{"message":"Key reused","type":"conflict_error","code":"idempotency_key_reused"}"#,
    /// ));
    /// let response = error.into_error_response().unwrap();
    /// assert_eq!(response.message(), "Key reused");
    /// ```
    pub fn into_error_response(self) -> Option<ErrorResponse> {
        match self {
            ClientError::Api(response) => Some(response),
            ClientError::Transport(_) => None,
        }
    }

    /// The HTTP status of the API's error response, for [`ClientError::Api`].
    ///
    /// ```
    /// use api_error_core::client::{ClientError, ErrorResponse};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let error = ClientError::Api(ErrorResponse::from_parts(
    ///     StatusCode::CONFLICT,
    ///     &HeaderMap::new(),
    ///     br#"{"message":"Key reused","type":"conflict_error","code":"idempotency_key_reused"}"#,
    /// ));
    /// assert_eq!(error.status(), Some(StatusCode::CONFLICT));
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        self.error_response().map(ErrorResponse::status)
    }

    /// The API's error recognised as one of your own error types (derived with
    /// `#[derive(ApiError)]`, or any [`FromErrorResponse`]); `None` for a transport failure or
    /// an error that is not one of `E`'s. See [`ErrorResponse::to_typed`].
    ///
    /// ```
    /// use api_error_core::client::{ClientError, ErrorResponse};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let error = ClientError::Api(ErrorResponse::from_parts(
    ///     StatusCode::CONFLICT,
    ///     &HeaderMap::new(),
    ///     br#"{"message":"Key reused","type":"conflict_error","code":"idempotency_key_reused"}"#,
    /// ));
    /// use api_error_core::ApiError;
    ///
    /// #[derive(Debug, PartialEq, thiserror::Error, ApiError)]
    /// enum KeyError {
    ///     #[error("Key reused")]
    ///     #[api_error(status = 409, code = "idempotency_key_reused")]
    ///     Reused,
    /// }
    /// assert_eq!(error.to_typed::<KeyError>(), Some(KeyError::Reused));
    /// ```
    pub fn to_typed<E: FromErrorResponse>(&self) -> Option<E> {
        self.error_response().and_then(ErrorResponse::to_typed)
    }
}

impl fmt::Display for ClientError {
    /// The inner error's `Display`; with `{:#}`, a transport error's causes follow it
    /// (`error sending request for url (http://127.0.0.1:1/v1/charges): client error
    /// (Connect): tcp connect error: Connection refused (os error 111)`), as reqwest's own
    /// message names only the URL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Api(response) => fmt::Display::fmt(response, f),
            ClientError::Transport(error) if f.alternate() => {
                write!(f, "{error}")?;
                let mut source = std::error::Error::source(error);
                // Bounded: a chain is a handful of links.
                for _ in 0..8 {
                    let Some(cause) = source else { break };
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
            ClientError::Transport(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Api(response) => std::error::Error::source(response),
            ClientError::Transport(error) => std::error::Error::source(error),
        }
    }
}

impl From<ErrorResponse> for ClientError {
    fn from(response: ErrorResponse) -> Self {
        ClientError::Api(response)
    }
}

impl From<reqwest::Error> for ClientError {
    /// Takes the URL's query out of the error (an API key is often sent as one, `?key=`,
    /// and an error is logged): its `Display` and `Debug` name the scheme, host and path.
    fn from(mut error: reqwest::Error) -> Self {
        if let Some(url) = error.url_mut() {
            url.set_query(None);
            url.set_fragment(None);
        }
        ClientError::Transport(error)
    }
}

/// Sends a request, retrying as `policy` says, the way the official SDKs of the large HTTP
/// APIs do (feature `reqwest`, SPEC §13).
///
/// - A response below 400 is returned as is (redirects are reqwest's business, per its
///   client's redirect policy).
/// - An error response is read with [`ErrorResponse::from_reqwest`] (bounded) and retried
///   after [`RetryPolicy::delay_within_cap`]: only when retryable (`x-should-retry` when the
///   server sent it, else 408, 429 and 5xx), after `retry-after-ms` / `Retry-After` when
///   sent, else after jittered exponential backoff. A server delay beyond the policy's cap
///   is not waited for: the error is returned at once. The last one is returned as
///   [`ClientError::Api`].
/// - A failure without a response — connect error, timeout, connection closed before a
///   response — is retried after [`RetryPolicy::transport_delay`]; others (an invalid URL,
///   a redirect loop, an `https` URL with a reqwest built without TLS) are not. The last one
///   is returned as [`ClientError::Transport`], the URL's query taken out of it (an API key
///   is often one); `{:#}` prints it with its causes.
/// - A `POST` or `PATCH` without an [`IDEMPOTENCY_KEY`] header gets one: 128 random bits as
///   32 lowercase hex digits, the same on every attempt, so a server that honours it runs
///   the request once however often it arrives. A key the caller set on the request is
///   kept; one in the client's `default_headers` is not seen (reqwest does not expose
///   them) and the fresh key wins, so set keys on the request. Other methods
///   get none.
/// - A request whose body cannot be cloned (a stream) is sent once.
/// - Waiting is `tokio::time::sleep`: no thread is blocked. It needs a tokio runtime with the
///   time driver (`enable_time`, or `enable_all`, as `#[tokio::main]` builds it); on one
///   without it the first retry cannot wait, and the error is returned instead (tokio's
///   panic hook prints why; the panic does not propagate, unless the build aborts on panic,
///   `panic = "abort"`, where nothing can catch it).
/// - With the `tracing` feature, each retry is logged at `debug` with its number and delay,
///   and a server delay beyond the cap is logged when it stops the retries.
///
/// ```no_run
/// use api_error_core::client::{send_with_retry, ClientError, RetryPolicy};
/// use api_error_core::ApiError;
///
/// #[derive(Debug, thiserror::Error, ApiError)]
/// enum PaymentError {
///     #[error("{field} must be positive")]
///     #[api_error(status = 422, code = "invalid_amount")]
///     InvalidAmount { #[api_error(param)] field: String },
/// }
///
/// # async fn run() -> Result<(), ClientError> {
/// let client = reqwest::Client::new();
/// let policy = RetryPolicy::default();
/// let request = client
///     .post("http://127.0.0.1:3000/v1/charges")
///     .bearer_auth("sk_test_123")
///     .header("content-type", "application/json")
///     .body(r#"{"amount":-5,"currency":"usd"}"#);
/// match send_with_retry(request, &policy).await {
///     Ok(response) => println!("charged: {}", response.status()),
///     Err(error) => match error.to_typed::<PaymentError>() {
///         Some(PaymentError::InvalidAmount { field }) => println!("fix {field}"),
///         None => return Err(error), // transport failure, 5xx after retries, ...
///     },
/// }
/// # Ok(())
/// # }
/// ```
pub async fn send_with_retry(
    request: reqwest::RequestBuilder,
    policy: &RetryPolicy,
) -> Result<reqwest::Response, ClientError> {
    let (client, request) = request.build_split();
    let mut request = request.map_err(ClientError::from)?;
    let method = request.method().clone();
    if (method == Method::POST || method == Method::PATCH)
        && !request.headers().contains_key(IDEMPOTENCY_KEY)
    {
        if let Some(key) = new_idempotency_key() {
            request.headers_mut().insert(IDEMPOTENCY_KEY, key);
        }
    }

    let mut attempt: u32 = 0;
    loop {
        // Cloned before sending: `execute` consumes the request. `None` for a streamed body.
        let next = request.try_clone();
        let (delay, error) = match client.execute(request).await {
            Ok(response) if response.status().as_u16() < 400 => return Ok(response),
            Ok(response) => {
                let error = ErrorResponse::from_reqwest(response).await;
                let delay = policy.delay_within_cap(attempt, &error);
                // Logged only when the cap is what stops the retries.
                #[cfg(feature = "tracing")]
                if delay.is_none() && policy.delay(attempt, &error).is_some() {
                    if let Some(requested) = error.retry_after() {
                        tracing::debug!(
                            %method,
                            status = error.status().as_u16(),
                            requested_ms = millis(requested),
                            cap_ms = millis(policy.retry_after_cap()),
                            "not retrying: the server asked for a delay beyond the policy's cap"
                        );
                    }
                }
                (delay, ClientError::Api(error))
            }
            Err(error) => {
                let delay = if is_transport_failure(&error) {
                    policy.transport_delay(attempt)
                } else {
                    None
                };
                (delay, ClientError::from(error))
            }
        };
        let (Some(delay), Some(next)) = (delay, next) else {
            return Err(error);
        };
        #[cfg(feature = "tracing")]
        tracing::debug!(
            %method,
            retry = attempt.saturating_add(1),
            delay_ms = millis(delay),
            cause = %Cause(&error),
            "retrying request"
        );
        // A runtime without the time driver cannot sleep: `sleep` panics on it. The panic is
        // caught (the hook still prints it, naming `enable_time`) and no retry is made.
        let Ok(sleep) = std::panic::catch_unwind(|| tokio::time::sleep(delay)) else {
            return Err(error);
        };
        sleep.await;
        request = next;
        attempt = attempt.saturating_add(1);
    }
}

/// Whether a reqwest error is a failure to get a response that a retry may fix: connect
/// errors, timeouts and errors while sending (among them a connection closed before a
/// response). Builder, redirect, body and decode errors are not.
fn is_transport_failure(error: &reqwest::Error) -> bool {
    (error.is_connect() || error.is_timeout() || error.is_request())
        && !is_unsupported_scheme(error)
        && !is_malformed_response(error)
}

/// Whether the server did answer, with bytes that are not an HTTP response (a head too
/// large, an invalid status line or header, another protocol): a retry gets the same answer,
/// and would repeat a request the server may have acted on.
fn is_malformed_response(error: &reqwest::Error) -> bool {
    any_cause(error, |cause| {
        cause
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_parse)
    })
}

/// Whether a connect error is the connector refusing the URL's scheme (`https` with a
/// reqwest built without TLS: "invalid URL, scheme is not http"): no retry changes that.
fn is_unsupported_scheme(error: &reqwest::Error) -> bool {
    any_cause(error, |cause| {
        cause.to_string().contains("scheme is not http")
    })
}

/// Whether one of the first eight causes of `error` (its `source()` chain) is `what`.
fn any_cause(
    error: &reqwest::Error,
    what: impl Fn(&(dyn std::error::Error + 'static)) -> bool,
) -> bool {
    let mut source = std::error::Error::source(error);
    for _ in 0..8 {
        let Some(cause) = source else { break };
        if what(cause) {
            return true;
        }
        source = cause.source();
    }
    false
}

/// A fresh idempotency key: 128 random bits as 32 lowercase hex digits (always a valid
/// header value, so never `None` in practice).
fn new_idempotency_key() -> Option<HeaderValue> {
    let key = format!("{:016x}{:016x}", random_u64(), random_u64());
    HeaderValue::try_from(key).ok()
}

/// A duration in whole milliseconds, for logs.
#[cfg(feature = "tracing")]
fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// What a retry follows, for logs: the status, or the transport error with its causes.
#[cfg(feature = "tracing")]
struct Cause<'a>(&'a ClientError);

#[cfg(feature = "tracing")]
impl fmt::Display for Cause<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ClientError::Api(response) => write!(f, "status {}", response.status().as_u16()),
            // reqwest's own message names only the URL; the cause is in the chain.
            ClientError::Transport(_) => write!(f, "{:#}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_128_bit_hex_and_unique() {
        let keys: std::collections::HashSet<_> = (0..1000)
            .map(|_| {
                let key = new_idempotency_key().unwrap();
                let key = key.to_str().unwrap().to_owned();
                assert_eq!(key.len(), 32, "{key}");
                assert!(key
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
                key
            })
            .collect();
        assert_eq!(keys.len(), 1000);
    }
}

//! The `reqwest` feature (SPEC §13): `send_with_retry`, `ErrorResponse::from_reqwest` and
//! `ClientError`, against real servers on 127.0.0.1 that script their answers in order.
//!
//! Each scripted server runs on its own thread and runtime with the real clock, so the tests
//! that wait (backoff, `retry-after-ms`) can run their client on tokio's paused clock: a
//! sleep of seconds completes at once, and the virtual time elapsed is exactly what the
//! client waited. Tests about timeouts and "returns at once" use the real clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::VecDeque;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use api_error_core::client::{
    send_with_retry, ClientError, ErrorResponse, RetryPolicy, IDEMPOTENCY_KEY,
    MAX_FALLBACK_MESSAGE_LEN, MAX_JSON_BODY_LEN, UNKNOWN_CODE,
};
use api_error_core::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The errors of the scripted API, shared by "server" and "SDK" as in a real project.
#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
enum SdkError {
    #[error("Idempotency key was reused with different parameters")]
    #[api_error(status = 409, code = "idempotency_key_reused")]
    IdempotencyKeyReused,

    #[error("{field} must be positive")]
    #[api_error(status = 422, code = "invalid_amount")]
    InvalidAmount {
        #[api_error(param)]
        field: String,
    },
}

// ---------------------------------------------------------------------------------------------
// The scripted server
// ---------------------------------------------------------------------------------------------

/// One scripted answer: sent after `delay` (real time, on the server's runtime).
struct Answer {
    delay: Duration,
    response: Response,
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: Method,
    /// Every `Idempotency-Key` value it carried.
    keys: Vec<String>,
    body: Vec<u8>,
}

#[derive(Default)]
struct Script {
    answers: Mutex<VecDeque<Answer>>,
    seen: Mutex<Vec<Seen>>,
}

struct Server {
    base: String,
    script: Arc<Script>,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn seen(&self) -> Vec<Seen> {
        self.script.seen.lock().unwrap().clone()
    }

    fn answers_left(&self) -> usize {
        self.script.answers.lock().unwrap().len()
    }
}

/// Starts a server that answers every request with the next of `answers`, in order (then
/// `418 script exhausted`, not retryable).
fn serve(answers: Vec<Answer>) -> Server {
    let script = Arc::new(Script {
        answers: Mutex::new(answers.into()),
        seen: Mutex::default(),
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let state = Arc::clone(&script);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = Router::new().fallback(scripted).with_state(state);
            axum::serve(listener, app).await.unwrap();
        });
    });
    Server {
        base: format!("http://{addr}"),
        script,
    }
}

async fn scripted(
    State(script): State<Arc<Script>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let keys = headers
        .get_all("idempotency-key")
        .iter()
        .map(|k| k.to_str().unwrap().to_owned())
        .collect();
    script.seen.lock().unwrap().push(Seen {
        method,
        keys,
        body: body.to_vec(),
    });
    let next = script.answers.lock().unwrap().pop_front();
    match next {
        Some(answer) => {
            if !answer.delay.is_zero() {
                tokio::time::sleep(answer.delay).await;
            }
            answer.response
        }
        None => (
            StatusCode::IM_A_TEAPOT,
            [("x-should-retry", "false")],
            "script exhausted",
        )
            .into_response(),
    }
}

/// An answer with a status, headers and a body.
fn answer(status: u16, headers: &[(&str, &str)], body: impl Into<Body>) -> Answer {
    let mut response = Response::new(body.into());
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    for (name, value) in headers {
        response.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    Answer {
        delay: Duration::ZERO,
        response,
    }
}

fn ok(body: &'static str) -> Answer {
    answer(200, &[], body)
}

/// What nginx sends when the upstream is down.
const NGINX_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

fn bad_gateway() -> Answer {
    answer(502, &[("content-type", "text/html")], NGINX_502)
}

/// A client without a connection pool: every attempt opens its own connection, and no pool
/// timer runs beside the retry sleeps (which matters on the paused clock).
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

/// The default policy without jitter: retry delays 0.5 s, 1 s.
fn policy() -> RetryPolicy {
    RetryPolicy::default().jitter(false)
}

/// A port nothing listens on (bound, then released).
fn refused_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

fn api_error(result: Result<reqwest::Response, ClientError>) -> ErrorResponse {
    match result {
        Err(ClientError::Api(error)) => error,
        Err(ClientError::Transport(e)) => panic!("expected an API error, got transport: {e}"),
        Ok(r) => panic!("expected an API error, got {}", r.status()),
    }
}

// ---------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn rate_limited_then_unavailable_then_ok_with_one_idempotency_key() {
    let server = serve(vec![
        answer(
            429,
            &[
                ("content-type", "application/json"),
                ("retry-after-ms", "1500"),
                ("retry-after", "2"),
            ],
            r#"{"message":"Too many requests","type":"rate_limit_error","code":"rate_limited","param":null,"request_id":"req_1"}"#,
        ),
        answer(
            503,
            &[("content-type", "text/plain")],
            "upstream connect error",
        ),
        ok(r#"{"id":"ch_1"}"#),
    ]);
    let request = client()
        .post(server.url("/v1/charges"))
        .header("content-type", "application/json")
        .body(r#"{"amount":5,"currency":"usd"}"#);

    let started = tokio::time::Instant::now();
    let response = send_with_retry(request, &policy()).await.unwrap();
    let waited = started.elapsed();

    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), r#"{"id":"ch_1"}"#);
    // 1.5 s asked by the 429 (retry-after-ms wins over Retry-After), then backoff(1) = 1 s.
    assert!(
        waited >= Duration::from_millis(2500) && waited < Duration::from_millis(2600),
        "{waited:?}"
    );

    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let key = &seen[0].keys;
    assert_eq!(key.len(), 1, "exactly one key header: {key:?}");
    assert_eq!(key[0].len(), 32);
    assert!(key[0].bytes().all(|b| b.is_ascii_hexdigit()));
    for request in &seen {
        assert_eq!(request.method, Method::POST);
        assert_eq!(&request.keys, key, "the same key on every attempt");
        assert_eq!(request.body, br#"{"amount":5,"currency":"usd"}"#);
    }
}

#[tokio::test(start_paused = true)]
async fn every_post_gets_its_own_key() {
    let server = serve(vec![ok("a"), ok("b")]);
    for _ in 0..2 {
        let request = client().post(server.url("/v1/charges")).body("{}");
        send_with_retry(request, &policy()).await.unwrap();
    }
    let seen = server.seen();
    assert_eq!(seen[0].keys.len(), 1);
    assert_eq!(seen[1].keys.len(), 1);
    assert_ne!(seen[0].keys, seen[1].keys);
}

#[tokio::test(start_paused = true)]
async fn a_callers_own_idempotency_key_is_kept() {
    let server = serve(vec![answer(503, &[], ""), ok("done")]);
    let request = client()
        .post(server.url("/v1/charges"))
        .header("Idempotency-Key", "order-42-attempt")
        .body("{}");
    let response = send_with_retry(request, &policy()).await.unwrap();
    assert_eq!(response.status(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for request in seen {
        assert_eq!(request.keys, ["order-42-attempt"]);
    }
}

#[tokio::test(start_paused = true)]
async fn only_post_and_patch_get_a_key() {
    let server = serve(vec![
        answer(500, &[], ""),
        ok("got"),
        ok("patched"),
        ok("put"),
        ok("deleted"),
    ]);
    let c = client();
    send_with_retry(c.get(server.url("/v1/charges")), &policy())
        .await
        .unwrap();
    send_with_retry(
        c.patch(server.url("/v1/charges/ch_1")).body("{}"),
        &policy(),
    )
    .await
    .unwrap();
    send_with_retry(c.put(server.url("/v1/charges/ch_1")).body("{}"), &policy())
        .await
        .unwrap();
    send_with_retry(c.delete(server.url("/v1/charges/ch_1")), &policy())
        .await
        .unwrap();

    let seen = server.seen();
    let methods: Vec<_> = seen.iter().map(|s| s.method.as_str()).collect();
    assert_eq!(methods, ["GET", "GET", "PATCH", "PUT", "DELETE"]);
    assert!(
        seen[0].keys.is_empty() && seen[1].keys.is_empty(),
        "GET: no key"
    );
    assert_eq!(seen[2].keys.len(), 1, "PATCH: a key");
    assert!(seen[3].keys.is_empty() && seen[4].keys.is_empty());
}

#[tokio::test(start_paused = true)]
async fn conflict_with_should_retry_false_is_final_and_typed() {
    let server = serve(vec![
        Answer {
            delay: Duration::ZERO,
            response: SdkError::IdempotencyKeyReused.into_response(),
        },
        ok("never sent"),
    ]);
    let request = client().post(server.url("/v1/charges")).body("{}");
    let started = tokio::time::Instant::now();
    let error = send_with_retry(request, &policy()).await.unwrap_err();

    assert_eq!(started.elapsed(), Duration::ZERO, "no wait");
    assert_eq!(server.seen().len(), 1, "one attempt");
    assert_eq!(error.status(), Some(StatusCode::CONFLICT));
    assert_eq!(
        error.to_typed::<SdkError>(),
        Some(SdkError::IdempotencyKeyReused)
    );
    let response = error.error_response().unwrap();
    assert!(!response.is_retryable());
    assert_eq!(response.code(), "idempotency_key_reused");
    assert_eq!(
        error.to_string(),
        "409 conflict_error (idempotency_key_reused): Idempotency key was reused with different parameters"
    );
    // An error type an SDK can return or box.
    let boxed: Box<dyn std::error::Error + Send + Sync + 'static> = Box::new(error);
    assert!(boxed.to_string().starts_with("409"));
}

#[tokio::test(start_paused = true)]
async fn x_should_retry_overrides_the_status() {
    // A 503 the server says not to retry: one attempt.
    let server = serve(vec![
        answer(503, &[("x-should-retry", "false")], ""),
        ok("no"),
    ]);
    let error = api_error(send_with_retry(client().get(server.url("/a")), &policy()).await);
    assert_eq!(error.status(), 503);
    assert_eq!(server.seen().len(), 1);

    // A 409 the server says to retry: retried (here, to success).
    let server = serve(vec![
        answer(409, &[("x-should-retry", "true")], ""),
        ok("yes"),
    ]);
    let response = send_with_retry(client().get(server.url("/b")), &policy())
        .await
        .unwrap();
    assert_eq!(response.text().await.unwrap(), "yes");
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn an_html_502_from_a_proxy_is_retried_a_bounded_number_of_times() {
    let server = serve((0..10).map(|_| bad_gateway()).collect());
    let policy = policy().max_retries(3);
    let started = tokio::time::Instant::now();
    let error = api_error(send_with_retry(client().get(server.url("/v1/charges")), &policy).await);

    assert_eq!(server.seen().len(), 4, "1 attempt + 3 retries");
    assert_eq!(server.answers_left(), 6);
    // 0.5 + 1 + 2 s of backoff.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(3500) && waited < Duration::from_millis(3600),
        "{waited:?}"
    );
    assert_eq!(error.status(), 502);
    assert_eq!(error.error_type(), "api_error");
    assert_eq!(error.code(), UNKNOWN_CODE);
    assert!(
        error.message().contains("<h1>502 Bad Gateway</h1>"),
        "{}",
        error.message()
    );
}

#[tokio::test]
async fn retry_after_beyond_the_cap_returns_at_once() {
    let server = serve(vec![
        answer(503, &[("retry-after", "3600")], "maintenance"),
        ok("never sent"),
    ]);
    let started = std::time::Instant::now();
    let error = api_error(send_with_retry(client().get(server.url("/x")), &policy()).await);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.seen().len(), 1);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(error.message(), "maintenance");

    // Within a larger cap, the same answer is waited for (on the paused clock below).
    let server = serve(vec![answer(503, &[("retry-after", "90")], ""), ok("back")]);
    tokio::time::pause();
    let started = tokio::time::Instant::now();
    let policy = policy().max_retry_after(Duration::from_secs(120));
    let response = send_with_retry(client().get(server.url("/y")), &policy)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() >= Duration::from_secs(90));
}

/// The policy's cap is its `max_delay` (SPEC §9, §13: "8 s max"; "a server delay longer than
/// the policy's cap is not waited for"): by default a `Retry-After: 30` is returned at once,
/// and so is a `Retry-After: 3` under a 1 s `max_delay`; one within the cap is waited.
#[tokio::test]
async fn the_policys_cap_is_its_max_delay() {
    for (policy, after) in [
        (policy(), "30"),
        (policy().max_delay(Duration::from_secs(1)), "3"),
    ] {
        let server = serve(vec![
            answer(429, &[("retry-after", after)], "slow down"),
            ok("never sent"),
        ]);
        let started = std::time::Instant::now();
        let error = api_error(send_with_retry(client().get(server.url("/c")), &policy).await);
        assert!(started.elapsed() < Duration::from_secs(1), "{after}");
        assert_eq!(server.seen().len(), 1, "{after}");
        assert_eq!(error.status(), 429);
        assert_eq!(policy.delay_within_cap(0, &error), None);
    }
    let server = serve(vec![
        answer(429, &[("retry-after-ms", "200")], ""),
        ok("ok"),
    ]);
    let started = std::time::Instant::now();
    let response = send_with_retry(
        client().get(server.url("/w")),
        &policy().max_delay(Duration::from_secs(1)),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

/// A delay past an hour is reported as sent and compared with the cap as sent: beyond a
/// one-hour cap it is not waited for (no early retry after an hour), within a one-day cap it
/// is waited in full.
#[tokio::test(start_paused = true)]
async fn a_delay_past_an_hour_is_neither_cut_to_an_hour_nor_retried_early() {
    let hour = Duration::from_secs(3600);
    let server = serve(vec![
        answer(503, &[("retry-after", "7200")], "maintenance"),
        ok("too early"),
    ]);
    let started = tokio::time::Instant::now();
    let policy_hour = policy().max_retry_after(hour);
    let error = api_error(send_with_retry(client().get(server.url("/h")), &policy_hour).await);
    assert_eq!(server.seen().len(), 1);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error.retry_after(), Some(2 * hour), "reported as sent");
    assert_eq!(
        policy_hour.delay(0, &error),
        Some(hour),
        "`delay` waits the cap"
    );
    assert_eq!(policy_hour.delay_within_cap(0, &error), None);

    let day = policy().max_retry_after(Duration::from_secs(24 * 3600));
    assert_eq!(day.delay(0, &error), Some(Duration::from_secs(7200)));
    let server = serve(vec![
        answer(503, &[("retry-after-ms", "7200000")], ""),
        ok("back"),
    ]);
    let started = tokio::time::Instant::now();
    let response = send_with_retry(client().get(server.url("/d")), &day)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.seen().len(), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(7200),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn connection_refused_is_retried_then_transport() {
    let addr = refused_addr();
    let started = tokio::time::Instant::now();
    let error = send_with_retry(client().get(format!("http://{addr}/")), &policy())
        .await
        .unwrap_err();
    // Two retries: 0.5 s + 1 s of backoff were waited.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_millis(1600),
        "{waited:?}"
    );
    let ClientError::Transport(e) = &error else {
        panic!("expected a transport error, got {error}");
    };
    assert!(e.is_connect(), "{e:?}");
    assert!(error.error_response().is_none());
    assert_eq!(error.to_typed::<SdkError>(), None);
    assert!(std::error::Error::source(&error).is_some());

    // Not retried when the policy says so.
    let started = tokio::time::Instant::now();
    let no_transport_retries = policy().retry_transport_errors(false);
    let error = send_with_retry(
        client().get(format!("http://{addr}/")),
        &no_transport_retries,
    )
    .await
    .unwrap_err();
    assert!(matches!(error, ClientError::Transport(_)));
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn an_invalid_request_is_not_retried() {
    let started = tokio::time::Instant::now();
    let error = send_with_retry(client().get("not a url"), &policy())
        .await
        .unwrap_err();
    let ClientError::Transport(e) = &error else {
        panic!("{error}");
    };
    assert!(e.is_builder(), "{e:?}");
    assert_eq!(started.elapsed(), Duration::ZERO);
}

/// A server that answers the `n`th connection (from 1) with `answer(n)`'s bytes, then closes
/// it (`None`: closes without answering); with the count of connections it took.
async fn raw_server(
    answer: impl Fn(usize) -> Option<Vec<u8>> + Send + 'static,
) -> (SocketAddr, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(Mutex::new(0));
    let count = Arc::clone(&connections);
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let n = {
                let mut c = count.lock().unwrap();
                *c += 1;
                *c
            };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf).await;
            if let Some(bytes) = answer(n) {
                let _ = stream.write_all(&bytes).await;
            }
            drop(stream);
        }
    });
    (addr, connections)
}

#[tokio::test]
async fn a_connection_closed_before_a_response_is_retried() {
    // First connection: read the request, close without answering. Second: answer 200.
    let (addr, connections) = raw_server(|n| {
        (n > 1).then(|| {
            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".to_vec()
        })
    })
    .await;
    let policy = policy().initial_delay(Duration::from_millis(10));
    let request = client()
        .post(format!("http://{addr}/v1/charges"))
        .body("{}");
    let response = send_with_retry(request, &policy).await.unwrap();
    assert_eq!(response.text().await.unwrap(), "ok");
    assert_eq!(*connections.lock().unwrap(), 2);
}

#[tokio::test]
async fn a_response_that_is_not_http_is_not_retried() {
    // The server answers, with bytes that are not an HTTP response: a head too large, an
    // invalid version, an invalid header. Retrying would get the same answer and repeat a
    // request the server may have acted on.
    for answer in [
        format!(
            "HTTP/1.1 503 Service Unavailable\r\nx-junk: {}\r\ncontent-length: 0\r\n\r\n",
            "j".repeat(600_000)
        ),
        "SSH-2.0-OpenSSH_9.6\r\n".to_owned(),
        "HTTP/1.1 503 Service Unavailable\r\ncontent-length: abc\r\n\r\n".to_owned(),
    ] {
        let (addr, connections) = raw_server(move |_| Some(answer.clone().into_bytes())).await;
        let policy = policy().initial_delay(Duration::from_millis(10));
        let request = client()
            .post(format!("http://{addr}/v1/charges"))
            .body("{}");
        let result = send_with_retry(request, &policy).await;
        assert!(
            matches!(result, Err(ClientError::Transport(_))),
            "{result:?}"
        );
        assert_eq!(*connections.lock().unwrap(), 1);
    }
}

#[tokio::test]
async fn a_timeout_is_retried() {
    let mut slow = ok("slow");
    slow.delay = Duration::from_secs(30);
    let server = serve(vec![slow, ok("fast")]);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let policy = policy().initial_delay(Duration::from_millis(10));
    let started = std::time::Instant::now();
    let response = send_with_retry(client.get(server.url("/slow")), &policy)
        .await
        .unwrap();
    assert_eq!(response.text().await.unwrap(), "fast");
    assert_eq!(server.seen().len(), 2);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test(start_paused = true)]
async fn a_body_that_cannot_be_cloned_is_sent_once() {
    let server = serve(vec![answer(503, &[], ""), ok("never sent")]);
    // `Body::wrap` makes a streaming body: `try_clone()` is `None`.
    let body = reqwest::Body::wrap(String::from(r#"{"amount":5}"#));
    let request = client().post(server.url("/v1/charges")).body(body);
    assert!(request.try_clone().is_none());
    let error = api_error(send_with_retry(request, &policy()).await);
    assert_eq!(error.status(), 503);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body, br#"{"amount":5}"#);
    assert_eq!(seen[0].keys.len(), 1, "still gets a key");
}

#[tokio::test(start_paused = true)]
async fn non_error_statuses_are_returned() {
    let server = serve(vec![
        answer(204, &[], ""),
        answer(304, &[], ""),
        answer(399, &[], ""),
    ]);
    for want in [204, 304, 399] {
        let response = send_with_retry(client().get(server.url("/")), &policy())
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), want);
    }
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn the_last_error_is_returned_and_typed() {
    let server = serve(vec![
        answer(503, &[], ""),
        Answer {
            delay: Duration::ZERO,
            response: SdkError::InvalidAmount {
                field: "amount".into(),
            }
            .into_response(),
        },
    ]);
    let error = send_with_retry(
        client().post(server.url("/v1/charges")).body("{}"),
        &policy(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_typed::<SdkError>(),
        Some(SdkError::InvalidAmount {
            field: "amount".into()
        })
    );
    assert_eq!(error.into_error_response().unwrap().param(), Some("amount"));
}

// ---------------------------------------------------------------------------------------------
// Bounded reads
// ---------------------------------------------------------------------------------------------

/// A body of `total` bytes of `x` in 64 KiB chunks that then never ends (the connection stays
/// open, no final chunk): a client that reads to the end hangs.
fn endless_body(total: usize) -> Body {
    const CHUNK: usize = 64 * 1024;
    let chunks = (0..total.div_ceil(CHUNK)).map(move |i| {
        let len = CHUNK.min(total - i * CHUNK);
        Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; len]))
    });
    Body::from_stream(futures_util::StreamExt::chain(
        futures_util::stream::iter(chunks),
        futures_util::stream::pending(),
    ))
}

#[tokio::test]
async fn a_10_mib_error_body_is_read_bounded() {
    const TEN_MIB: usize = 10 * 1024 * 1024;
    // Chunked (no length), then with a content-length that announces 10 MiB; both are
    // 10 MiB of `x` that never finish. Each is retried twice: every attempt reads bounded.
    let mut with_length = answer(500, &[("content-type", "text/html")], endless_body(TEN_MIB));
    with_length
        .response
        .headers_mut()
        .insert("content-length", TEN_MIB.to_string().parse().unwrap());
    let server = serve(vec![
        answer(500, &[("content-type", "text/html")], endless_body(TEN_MIB)),
        answer(500, &[("content-type", "text/html")], endless_body(TEN_MIB)),
        with_length,
    ]);
    let policy = policy().initial_delay(Duration::from_millis(1));
    let result = tokio::time::timeout(
        Duration::from_secs(30),
        send_with_retry(client().get(server.url("/big")), &policy),
    )
    .await
    .expect("the body is not read to its (never coming) end");
    let error = api_error(result);
    assert_eq!(server.seen().len(), 3);
    assert_eq!(error.status(), 500);
    assert_eq!(error.code(), UNKNOWN_CODE);
    assert_eq!(error.message().len(), MAX_FALLBACK_MESSAGE_LEN);
    assert!(error.message().bytes().all(|b| b == b'x'));

    // With a length announced (10 MiB): read as far as the bound all the same.
    let mut with_length = answer(500, &[], endless_body(TEN_MIB));
    with_length
        .response
        .headers_mut()
        .insert("content-length", TEN_MIB.to_string().parse().unwrap());
    let server = serve(vec![with_length]);
    let response = client().get(server.url("/big")).send().await.unwrap();
    assert_eq!(response.content_length(), Some(TEN_MIB as u64));
    let error = tokio::time::timeout(
        Duration::from_secs(30),
        ErrorResponse::from_reqwest(response),
    )
    .await
    .unwrap();
    assert_eq!(error.message().len(), MAX_FALLBACK_MESSAGE_LEN);
}

/// A body that stops at exactly the bound and then stalls (a length announced beyond it, or
/// none): the bound is reached, so nothing more is waited for.
#[tokio::test]
async fn a_body_stalling_exactly_at_the_bound_is_not_waited_on() {
    for announced in [true, false] {
        let mut stalled = answer(502, &[], endless_body(MAX_JSON_BODY_LEN));
        if announced {
            stalled.response.headers_mut().insert(
                "content-length",
                (10 * MAX_JSON_BODY_LEN).to_string().parse().unwrap(),
            );
        }
        let server = serve(vec![stalled]);
        let response = client().get(server.url("/")).send().await.unwrap();
        let error = tokio::time::timeout(
            Duration::from_secs(10),
            ErrorResponse::from_reqwest(response),
        )
        .await
        .unwrap_or_else(|_| panic!("waited past the bound (length announced: {announced})"));
        assert_eq!(error.status(), 502);
        assert_eq!(error.message().len(), MAX_FALLBACK_MESSAGE_LEN);
    }
}

/// A JSON error body of exactly `len` bytes, padded with a filler field.
fn json_body_of_len(len: usize) -> Vec<u8> {
    let mut body = br#"{"message":"big","type":"api_error","code":"big","filler":""#.to_vec();
    body.resize(len - 2, b'x');
    body.extend_from_slice(b"\"}");
    body
}

#[tokio::test]
async fn from_reqwest_parses_up_to_the_bound_and_no_further() {
    for chunked in [false, true] {
        // Past the bound, the body is cut there: its filler is lost, the fields before it
        // are read as from a truncated body.
        for len in [
            MAX_JSON_BODY_LEN,
            MAX_JSON_BODY_LEN + 1,
            3 * MAX_JSON_BODY_LEN,
        ] {
            let bytes = json_body_of_len(len);
            let body = if chunked {
                let chunks: Vec<_> = bytes
                    .chunks(100_000)
                    .map(|c| Ok::<_, std::io::Error>(Bytes::copy_from_slice(c)))
                    .collect();
                Body::from_stream(futures_util::stream::iter(chunks))
            } else {
                Body::from(bytes)
            };
            let server = serve(vec![answer(500, &[("x-request-id", "req_big")], body)]);
            let response = client().get(server.url("/")).send().await.unwrap();
            assert_eq!(response.content_length().is_some(), !chunked);
            let error = ErrorResponse::from_reqwest(response).await;
            let case = format!("len {len}, chunked {chunked}");
            assert_eq!(error.status(), 500, "{case}");
            assert_eq!(error.request_id(), Some("req_big"), "{case}");
            assert_eq!(error.code(), "big", "{case}");
            assert_eq!(error.message(), "big", "{case}");
        }
    }
    // A 422 with 20,000 field errors (1.2 MB): its code and first thousand field errors.
    let errors: api_error_core::FieldErrors = (0..20_000)
        .map(|i| api_error_core::FieldError::new(format!("items[{i}].name"), "length", "too short"))
        .collect();
    let mut bytes = Vec::new();
    errors.write_json(Some("req_422"), &mut bytes);
    assert!(bytes.len() > MAX_JSON_BODY_LEN);
    let server = serve(vec![answer(422, &[], Body::from(bytes))]);
    let response = client().get(server.url("/")).send().await.unwrap();
    let error = ErrorResponse::from_reqwest(response).await;
    assert_eq!(error.code(), "validation_failed");
    assert_eq!(error.request_id(), Some("req_422"));
    assert_eq!(
        error.field_errors().len(),
        api_error_core::client::MAX_FIELD_ERRORS
    );
}

/// A message running past the bound (one echoing a 2 MiB input: after the other fields, or
/// first, or a problem's `detail`) is kept as far as the bound by `from_reqwest`, which
/// stops reading there, as by `from_parts`, given the whole body.
#[tokio::test]
async fn from_reqwest_keeps_a_message_cut_by_the_bound_as_from_parts_does() {
    let long = "y".repeat(2 * MAX_JSON_BODY_LEN);
    let bodies = [
        (
            "application/json",
            format!(r#"{{"code":"too_long","type":"invalid_request_error","message":"{long}"}}"#),
        ),
        (
            "application/json",
            format!(r#"{{"message":"{long}","code":"c"}}"#),
        ),
        (
            "application/problem+json",
            format!(
                r#"{{"type":"https://example.com/errors/too_long","title":"Too long","status":400,"detail":"{long}"}}"#
            ),
        ),
    ];
    for (content_type, body) in bodies {
        let expected =
            ErrorResponse::from_parts(StatusCode::BAD_REQUEST, &HeaderMap::new(), body.as_bytes());
        assert!(expected.message().starts_with("yyyy"), "{}", &body[..40]);
        let server = serve(vec![answer(
            400,
            &[("content-type", content_type)],
            Body::from(body.clone()),
        )]);
        let response = client().get(server.url("/")).send().await.unwrap();
        let error = ErrorResponse::from_reqwest(response).await;
        assert_eq!(error.code(), expected.code(), "{}", &body[..40]);
        assert_eq!(error.message(), expected.message(), "{}", &body[..40]);
    }
}

#[tokio::test]
async fn from_reqwest_keeps_status_and_headers_when_the_body_breaks() {
    // Announces 1000 bytes, sends 15, closes.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf).await;
        stream
            .write_all(
                b"HTTP/1.1 429 Too Many Requests\r\ncontent-length: 1000\r\nx-request-id: req_cut\r\nretry-after: 7\r\n\r\n{\"code\":\"rate_limited\",\"message\":\"To",
            )
            .await
            .unwrap();
    });
    let response = client()
        .get(format!("http://{addr}/"))
        .send()
        .await
        .unwrap();
    let error = ErrorResponse::from_reqwest(response).await;
    assert_eq!(error.status(), 429);
    assert_eq!(error.request_id(), Some("req_cut"));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(error.error_type(), "rate_limit_error");
    assert!(error.is_retryable());
    // The message as far as it arrived, as for a body cut by the bound (not the raw JSON).
    assert_eq!(error.code(), "rate_limited");
    assert_eq!(error.message(), "To");
}

// ---------------------------------------------------------------------------------------------
// tracing
// ---------------------------------------------------------------------------------------------

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn each_retry_is_logged_at_debug_with_its_number_and_delay() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let writer = Arc::clone(&log);
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || Capture(Arc::clone(&writer)))
        .finish();
    // Thread-local: the test's current-thread runtime runs the whole request here.
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = serve(vec![
        answer(429, &[("retry-after-ms", "1500")], ""),
        bad_gateway(),
        answer(503, &[("retry-after", "3600")], ""),
    ]);
    let policy = policy().max_retries(3);
    let error = api_error(send_with_retry(client().get(server.url("/")), &policy).await);
    assert_eq!(error.status(), 503);
    assert_eq!(server.seen().len(), 3);

    let log = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    let retries: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("retrying request"))
        .collect();
    assert_eq!(retries.len(), 2, "{log}");
    assert!(retries[0].contains("DEBUG"), "{log}");
    assert!(
        retries[0].contains("retry=1") && retries[0].contains("delay_ms=1500"),
        "{log}"
    );
    assert!(retries[0].contains("cause=status 429"), "{log}");
    assert!(
        retries[1].contains("retry=2") && retries[1].contains("delay_ms=1000"),
        "{log}"
    );
    assert!(
        log.lines()
            .any(|l| l.contains("beyond the policy's cap") && l.contains("requested_ms=3600000")),
        "{log}"
    );
}

#[test]
fn the_header_name_is_idempotency_key() {
    assert_eq!(IDEMPOTENCY_KEY.as_str(), "idempotency-key");
}

/// A transport error keeps no query (an API key is often sent as `?key=`): neither its
/// `Display` nor its `Debug` carries it; `{:#}` adds the causes reqwest's message leaves out.
#[tokio::test(start_paused = true)]
async fn a_transport_error_names_no_query_and_shows_its_causes() {
    let addr = refused_addr();
    let url = format!("http://{addr}/v1/charges?key=sk_live_QUERYSECRET#frag");
    let error = send_with_retry(client().get(url), &RetryPolicy::never())
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?} {error:#}");
    assert!(!shown.contains("QUERYSECRET"), "{shown}");
    assert!(!shown.contains("frag"), "{shown}");
    assert!(error.to_string().contains("/v1/charges"), "{error}");
    let plain = error.to_string();
    let chained = format!("{error:#}");
    assert!(
        chained.starts_with(&plain) && chained.len() > plain.len(),
        "{chained}"
    );
    // One the request could not even be built with (no scheme: no host), the same.
    let error = send_with_retry(
        client().get("localhost:3000/v1/charges?key=sk_live_BUILDSECRET#frag"),
        &policy(),
    )
    .await
    .unwrap_err();
    let shown = format!("{error} {error:?} {error:#}");
    assert!(
        !shown.contains("BUILDSECRET") && !shown.contains("frag"),
        "{shown}"
    );
    // A reqwest error converted by hand is redacted the same way.
    let raw = client()
        .get(format!("http://{addr}/x?token=t0ps3cret"))
        .send()
        .await
        .unwrap_err();
    let converted = ClientError::from(raw);
    assert!(!format!("{converted:?}").contains("t0ps3cret"));
}

/// An `https` URL with a reqwest built without TLS (this suite's): the connector refuses the
/// scheme, which no retry changes, so it is returned at once.
#[tokio::test(start_paused = true)]
async fn an_https_url_without_tls_is_not_retried() {
    let started = tokio::time::Instant::now();
    let error = send_with_retry(client().get("https://127.0.0.1:1/"), &policy())
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Transport(_)), "{error:#}");
    assert_eq!(started.elapsed(), Duration::ZERO, "{error:#}");
}

/// On a runtime without the time driver, the first retry cannot wait: the last error is
/// returned, and nothing panics out of `send_with_retry`.
#[test]
fn a_runtime_without_timers_returns_the_error_instead_of_retrying() {
    let server = serve(vec![bad_gateway(), ok("never")]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let result = runtime.block_on(send_with_retry(client().get(server.url("/")), &policy()));
    let error = api_error(result);
    assert_eq!(error.status().as_u16(), 502);
    assert_eq!(server.answers_left(), 1);
}

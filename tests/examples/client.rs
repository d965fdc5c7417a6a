//! An SDK's view of errors: parse any error response and decide whether to retry.
//!
//! ```sh
//! cargo run --example client
//! ```
//!
//! If the axum example server is running on `127.0.0.1:3000` (or `$API_ERROR_EXAMPLE_ADDR`), it is asked for a customer that
//! does not exist (plain `std::net`, HTTP/1.1, 1 s timeouts) and its error is parsed. Then a
//! set of canned responses shows the shapes real APIs and proxies send, and the retry
//! decisions of the default [`RetryPolicy`] for attempts 0 to 3.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use api_error_core::client::{ErrorResponse, RetryPolicy};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

/// Where the axum example server listens; `API_ERROR_EXAMPLE_ADDR` overrides it.
const SERVER: &str = "127.0.0.1:3000";
const PATH: &str = "/v1/customers/cus_missing";

fn main() {
    let policy = RetryPolicy::default();
    println!("retry policy: {policy:?}\n");

    let server = std::env::var("API_ERROR_EXAMPLE_ADDR").unwrap_or_else(|_| SERVER.to_owned());
    match fetch(&server, PATH) {
        Ok((status, headers, body)) => {
            println!("== live: GET http://{server}{PATH} -> {status}");
            report(&ErrorResponse::from_parts(status, &headers, &body), &policy);
        }
        Err(e) => println!("== live: http://{server} not reachable ({e}); canned responses only\n"),
    }

    for (name, status, headers, body) in canned() {
        println!("== {name}");
        let headers = header_map(headers);
        report(
            &ErrorResponse::from_parts(status, &headers, body.as_bytes()),
            &policy,
        );
    }
}

/// Prints a parsed error and what the policy does with it.
fn report(error: &ErrorResponse, policy: &RetryPolicy) {
    println!("error:       {error}");
    println!("type/code:   {} / {}", error.error_type(), error.code());
    if let Some(param) = error.param() {
        println!("param:       {param}");
    }
    if let Some(request_id) = error.request_id() {
        println!("request id:  {request_id}");
    }
    if let Some(after) = error.retry_after() {
        println!("retry after: {after:?}");
    }
    println!("retryable:   {}", error.is_retryable());
    for attempt in 0..=3 {
        match policy.delay(attempt, error) {
            Some(delay) => println!("  attempt {attempt}: retry in {delay:?}"),
            None => println!("  attempt {attempt}: give up"),
        }
    }
    println!();
}

type Canned = (
    &'static str,
    StatusCode,
    &'static [(&'static str, &'static str)],
    &'static str,
);

fn canned() -> Vec<Canned> {
    vec![
        (
            "flat body (this crate's servers)",
            StatusCode::NOT_FOUND,
            &[("content-type", "application/json"), ("x-request-id", "req_8fZ2kQ"), ("x-should-retry", "false")],
            r#"{"message":"No such customer: cus_missing","type":"not_found_error","code":"resource_missing","param":"customer","request_id":"req_8fZ2kQ"}"#,
        ),
        (
            "enveloped body (OpenAI / Stripe style)",
            StatusCode::CONFLICT,
            &[("content-type", "application/json"), ("x-should-retry", "false")],
            r#"{"error":{"message":"Idempotency key idem_1 was reused with different parameters","type":"conflict_error","code":"idempotency_key_reused","param":null}}"#,
        ),
        (
            "HTML 502 from a proxy",
            StatusCode::BAD_GATEWAY,
            &[("content-type", "text/html")],
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><h1>502 Bad Gateway</h1><hr>nginx</body>\r\n</html>\r\n",
        ),
        (
            "empty 504 from a gateway, with Retry-After",
            StatusCode::GATEWAY_TIMEOUT,
            &[("retry-after", "3")],
            "",
        ),
        (
            "429 with retry-after-ms",
            StatusCode::TOO_MANY_REQUESTS,
            &[("content-type", "application/json"), ("retry-after-ms", "1250"), ("retry-after", "2"), ("x-should-retry", "true")],
            r#"{"message":"Too many requests","type":"rate_limit_error","code":"rate_limited","param":null,"request_id":"req_rl"}"#,
        ),
    ]
}

fn header_map(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            map.append(name, value);
        }
    }
    map
}

/// A minimal HTTP/1.1 GET with `Connection: close`: status, headers and the raw body.
fn fetch(addr: &str, path: &str) -> std::io::Result<(StatusCode, HeaderMap, Vec<u8>)> {
    let timeout = Duration::from_secs(1);
    let addr: SocketAddr = addr.parse().map_err(std::io::Error::other)?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nUser-Agent: api-error-example\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.take(8 * 1024 * 1024).read_to_end(&mut raw)?;
    parse_response(&raw).ok_or_else(|| std::io::Error::other("malformed HTTP response"))
}

fn parse_response(raw: &[u8]) -> Option<(StatusCode, HeaderMap, Vec<u8>)> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(raw.get(..split)?).ok()?;
    let body = raw.get(split + 4..)?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse::<u16>().ok()?;
    let status = StatusCode::from_u16(status).ok()?;

    let mut headers = HeaderMap::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(value.trim()),
        ) {
            headers.append(name, value);
        }
    }
    let chunked = headers
        .get(http::header::TRANSFER_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_vec()
    };
    Some((status, headers, body))
}

/// Decodes a `Transfer-Encoding: chunked` body.
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_line = std::str::from_utf8(rest.get(..line_end)?).ok()?;
        let size_hex = size_line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        rest = rest.get(line_end + 2..)?;
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

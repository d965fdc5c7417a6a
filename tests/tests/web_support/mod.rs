//! Shared by the web integration tests: a tiny blocking HTTP/1.1 client over `TcpStream`
//! (raw header bytes, so tests can send what a strict client library would refuse) and
//! checks of the standard error response.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One HTTP response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }
}

/// Sends one request (`Connection: close`) and reads the whole response.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &[u8])],
    body: Option<&[u8]>,
) -> Resp {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut req = Vec::new();
    req.extend_from_slice(
        format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n").as_bytes(),
    );
    for (name, value) in headers {
        req.extend_from_slice(name.as_bytes());
        req.extend_from_slice(b": ");
        req.extend_from_slice(value);
        req.extend_from_slice(b"\r\n");
    }
    if let Some(body) = body {
        req.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    req.extend_from_slice(b"\r\n");
    if let Some(body) = body {
        req.extend_from_slice(body);
    }
    stream.write_all(&req).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Resp {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    Resp {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

pub fn fetch(addr: SocketAddr, path: &str) -> Resp {
    request(addr, "GET", path, &[], None)
}

pub fn fetch_with(addr: SocketAddr, path: &str, headers: &[(&str, &[u8])]) -> Resp {
    request(addr, "GET", path, headers, None)
}

pub fn post_json(addr: SocketAddr, path: &str, body: &str) -> Resp {
    request(
        addr,
        "POST",
        path,
        &[("content-type", b"application/json")],
        Some(body.as_bytes()),
    )
}

/// Checks a standard error response and returns its body: status, `content-type`, the five
/// keys in order, `type`, `code`, `x-should-retry`, and (`with_id`) that the body's
/// `request_id` is the `header` value, or (`!with_id`) that it is `null`.
pub fn check_error(
    resp: &Resp,
    status: u16,
    r#type: &str,
    code: &str,
    header: Option<&str>,
) -> serde_json::Value {
    let retry = api_error_core::status::is_retryable(http::StatusCode::from_u16(status).unwrap());
    check_error_retry(resp, status, r#type, code, header, retry)
}

/// [`check_error`] with an explicit `x-should-retry`.
pub fn check_error_retry(
    resp: &Resp,
    status: u16,
    r#type: &str,
    code: &str,
    header: Option<&str>,
    retry: bool,
) -> serde_json::Value {
    assert_eq!(resp.status, status, "status of {}", resp.text());
    assert_eq!(
        resp.header("content-type"),
        Some("application/json"),
        "{resp:?}"
    );
    let text = resp.text();
    assert!(text.starts_with("{\"message\":"), "{text}");
    let body = resp.json();
    let obj = body.as_object().unwrap();
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        ["code", "message", "param", "request_id", "type"],
        "{text}"
    );
    for (a, b) in [
        "\"message\":",
        "\"type\":",
        "\"code\":",
        "\"param\":",
        "\"request_id\":",
    ]
    .windows(2)
    .map(|w| (w[0], w[1]))
    {
        assert!(text.find(a) < text.find(b), "key order in {text}");
    }
    assert_eq!(body["type"], r#type, "{text}");
    assert_eq!(body["code"], code, "{text}");
    assert_eq!(
        resp.header("x-should-retry"),
        Some(if retry { "true" } else { "false" }),
        "{resp:?}"
    );
    match header {
        Some(name) => {
            let id = resp
                .header(name)
                .unwrap_or_else(|| panic!("no {name} in {resp:?}"));
            assert_eq!(body["request_id"], id, "{text}");
        }
        None => assert!(body["request_id"].is_null(), "{text}"),
    }
    body
}

/// Request ids a client must not get echoed back.
pub const UNSAFE_IDS: &[&[u8]] = &[
    b"has space",
    b"semi;colon",
    b"\"quoted\"",
    b"it's",
    b"<script>",
    "n\u{f6}n-ascii".as_bytes(),
];

pub fn long_id() -> Vec<u8> {
    vec![b'a'; 200]
}

/// Whether `id` looks like a generated id.
pub fn is_generated(id: &str) -> bool {
    id.starts_with("req_") && id.len() == 26 && id[4..].bytes().all(|b| b.is_ascii_alphanumeric())
}

//! The client side (SPEC §9): `ErrorResponse::from_parts` on real-world response shapes, the
//! retry headers, `RetryPolicy`, and property tests over arbitrary bytes and headers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use api_error_core::client::{
    ErrorResponse, FromErrorResponse, RetryPolicy, MAX_FALLBACK_MESSAGE_LEN, MAX_FIELD_LEN,
    MAX_JSON_BODY_LEN, MAX_RETRY_AFTER, UNKNOWN_CODE,
};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use proptest::prelude::*;

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap()
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn parse(code: u16, body: &[u8]) -> ErrorResponse {
    ErrorResponse::from_parts(status(code), &HeaderMap::new(), body)
}

fn with_headers(code: u16, pairs: &[(&str, &str)]) -> ErrorResponse {
    ErrorResponse::from_parts(status(code), &headers(pairs), b"")
}

// ---------------------------------------------------------------------------------------------
// Body shapes
// ---------------------------------------------------------------------------------------------

/// One expected parse: message, type, code, param, request_id.
struct Expect {
    message: &'static str,
    r#type: &'static str,
    code: &'static str,
    param: Option<&'static str>,
    request_id: Option<&'static str>,
}

const fn expect(message: &'static str, r#type: &'static str, code: &'static str) -> Expect {
    Expect {
        message,
        r#type,
        code,
        param: None,
        request_id: None,
    }
}

impl Expect {
    const fn param(mut self, param: &'static str) -> Self {
        self.param = Some(param);
        self
    }
    const fn request_id(mut self, request_id: &'static str) -> Self {
        self.request_id = Some(request_id);
        self
    }
}

#[test]
fn real_world_body_shapes() {
    let cases: Vec<(&str, u16, &[u8], Expect)> = vec![
        (
            "flat, exactly our format",
            404,
            br#"{"message":"No such customer: cus_123","type":"not_found_error","code":"resource_missing","param":"customer","request_id":"req_8fZ2kQ"}"#,
            expect("No such customer: cus_123", "not_found_error", "resource_missing")
                .param("customer")
                .request_id("req_8fZ2kQ"),
        ),
        (
            "flat, nulls",
            401,
            br#"{"message":"Invalid API key provided","type":"authentication_error","code":"invalid_api_key","param":null,"request_id":null}"#,
            expect("Invalid API key provided", "authentication_error", "invalid_api_key"),
        ),
        (
            "enveloped (OpenAI / Stripe style)",
            429,
            br#"{"error":{"message":"Rate limit reached","type":"rate_limit_error","code":"rate_limited","param":null}}"#,
            expect("Rate limit reached", "rate_limit_error", "rate_limited"),
        ),
        (
            "enveloped, request id outside the envelope, whitespace and newlines",
            400,
            b"\n  {\n  \"error\": {\"message\": \"Missing amount\", \"type\": \"invalid_request_error\", \"code\": \"parameter_missing\", \"param\": \"amount\"},\n  \"request_id\": \"req_outer\"\n}\n",
            expect("Missing amount", "invalid_request_error", "parameter_missing")
                .param("amount")
                .request_id("req_outer"),
        ),
        (
            "envelope wins over top-level keys",
            400,
            br#"{"message":"outer","code":"outer_code","error":{"message":"inner","code":"inner_code"}}"#,
            expect("inner", "invalid_request_error", "inner_code"),
        ),
        (
            "extra keys of every JSON type are ignored",
            422,
            br#"{"doc_url":"https://x.test/e","message":"Amount must be positive","nested":{"a":[1,2,{"b":null}]},"type":"validation_error","status":422,"code":"invalid_amount","ok":false,"param":"amount","list":[],"ratio":1.5e3}"#,
            expect("Amount must be positive", "validation_error", "invalid_amount").param("amount"),
        ),
        (
            "missing type comes from the status table",
            409,
            br#"{"message":"Idempotency key reused","code":"idempotency_key_reused"}"#,
            expect("Idempotency key reused", "conflict_error", "idempotency_key_reused"),
        ),
        (
            "missing code",
            403,
            br#"{"message":"Forbidden for this key","type":"permission_error"}"#,
            expect("Forbidden for this key", "permission_error", UNKNOWN_CODE),
        ),
        (
            "missing message: the status reason",
            404,
            br#"{"type":"not_found_error","code":"resource_missing"}"#,
            expect("Not Found", "not_found_error", "resource_missing"),
        ),
        (
            "only a code",
            500,
            br#"{"error":{"code":"internal"}}"#,
            expect("Internal Server Error", "api_error", "internal"),
        ),
        (
            "wrong JSON types count as missing: nothing left, so the raw text",
            404,
            br#"{"message":42,"type":null,"code":["resource_missing"],"param":{"name":"customer"},"request_id":true}"#,
            expect(
                r#"{"message":42,"type":null,"code":["resource_missing"],"param":{"name":"customer"},"request_id":true}"#,
                "not_found_error",
                UNKNOWN_CODE,
            ),
        ),
        (
            "wrong types mixed with good keys",
            400,
            br#"{"message":"Bad request","type":7,"code":"bad_thing","param":false}"#,
            expect("Bad request", "invalid_request_error", "bad_thing"),
        ),
        (
            "blank strings count as missing, ids are trimmed",
            502,
            br#"{"message":"  ","type":"","code":" upstream_failed ","param":null,"request_id":" req_1 "}"#,
            expect("Bad Gateway", "api_error", "upstream_failed").request_id("req_1"),
        ),
        (
            "a lone surrogate escape (a string cut inside an emoji by JS or Python) is U+FFFD",
            400,
            br#"{"message":"Name \ud83d is invalid","type":"invalid_request_error","code":"bad_name","param":"name","request_id":"req_1"}"#,
            expect("Name \u{fffd} is invalid", "invalid_request_error", "bad_name")
                .param("name")
                .request_id("req_1"),
        ),
        (
            "a lone low surrogate in an envelope, a problem's detail too",
            400,
            br#"{"error":{"message":"x \udc00 y","code":"bad"},"detail":"\udc00","request_id":"req_2"}"#,
            expect("x \u{fffd} y", "invalid_request_error", "bad").request_id("req_2"),
        ),
        (
            "a surrogate pair and an escaped backslash before a u stay as they are",
            400,
            br#"{"message":"ok \ud83d\ude00 \\ud800","code":"fine","param":"p"}"#,
            expect("ok \u{1F600} \\ud800", "invalid_request_error", "fine").param("p"),
        ),
        (
            "bytes that are not UTF-8 (a Latin-1 server) are U+FFFD, the rest is read",
            409,
            b"{\"message\":\"caf\xe9 closed\",\"type\":\"invalid_request_error\",\"code\":\"closed\",\"request_id\":\"req_3\"}",
            expect("caf\u{fffd} closed", "invalid_request_error", "closed").request_id("req_3"),
        ),
        (
            "a raw line break or control character inside a string (a template's) is read as escaped",
            400,
            b"{\n  \"message\": \"Line one\nline\ttwo\x01\",\n  \"code\": \"bad_lines\",\n  \"request_id\": \"req_4\"\n}",
            expect("Line one\nline\ttwo\u{1}", "invalid_request_error", "bad_lines").request_id("req_4"),
        ),
        (
            "a param is trimmed, and an empty one is what a param field holding \"\" sent",
            400,
            br#"{"message":"Bad","type":"invalid_request_error","code":"bad","param":"  "}"#,
            expect("Bad", "invalid_request_error", "bad").param(""),
        ),
        (
            "a field error with a blank code has the default code and message",
            422,
            br#"{"errors":[{"param":"a","code":"   "}]}"#,
            expect("Unprocessable Entity", "validation_error", UNKNOWN_CODE),
        ),
        (
            "an errors key without a field error does not make an error body",
            502,
            br#"{"message":5,"errors":[]}"#,
            expect(r#"{"message":5,"errors":[]}"#, "api_error", UNKNOWN_CODE),
        ),
        (
            "field errors alone make an error body",
            422,
            br#"{"errors":[{"param":"a","code":"required","message":"is required"}]}"#,
            expect("Unprocessable Entity", "validation_error", UNKNOWN_CODE),
        ),
        (
            "error that is not an object is ignored",
            500,
            br#"{"error":[1,2],"message":"Boom"}"#,
            expect("Boom", "api_error", UNKNOWN_CODE),
        ),
        (
            "duplicate keys: last string wins",
            400,
            br#"{"message":"first","message":"second","code":"c"}"#,
            expect("second", "invalid_request_error", "c"),
        ),
        (
            "escapes and unicode are decoded",
            400,
            br#"{"message":"Caf\u00e9 \"quoted\" \ud83d\ude00","code":"c\u0061fe"}"#,
            expect("Café \"quoted\" 😀", "invalid_request_error", "cafe"),
        ),
        (
            "RFC 9457 problem details",
            404,
            br#"{"type":"about:blank","title":"Not Found","status":404,"detail":"Customer cus_1 does not exist"}"#,
            expect("Customer cus_1 does not exist", "not_found_error", UNKNOWN_CODE),
        ),
        (
            "RFC 9457 problem details with a type URI ending in the code",
            402,
            br#"{"type":"https://docs.example.com/errors/card_declined","title":"Payment Required","status":402,"detail":"Your card was declined."}"#,
            expect("Your card was declined.", "invalid_request_error", "card_declined"),
        ),
        (
            "OAuth 2 error",
            400,
            br#"{"error":"invalid_grant","error_description":"The authorization code has expired"}"#,
            expect("The authorization code has expired", "invalid_request_error", "invalid_grant"),
        ),
        (
            "RFC 9457's own example: a kebab-case type, kept as the code",
            403,
            br#"{"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","detail":"Your current balance is 30, but that costs 50.","instance":"/account/12345/msgs/abc","balance":30}"#,
            expect(
                "Your current balance is 30, but that costs 50.",
                "permission_error",
                "out-of-credit",
            ),
        ),
        (
            "a problem with a relative type: a URI reference, not a category",
            409,
            br#"{"type":"insufficient-funds","title":"Insufficient funds","status":409,"detail":"Balance too low"}"#,
            expect("Balance too low", "conflict_error", "insufficient-funds"),
        ),
        (
            "a flat body with a title beside its message keeps its type as the category",
            402,
            br#"{"message":"Your card was declined.","title":"Payment failed","type":"card_error","code":"card_declined"}"#,
            expect("Your card was declined.", "card_error", "card_declined"),
        ),
        (
            "Paddle: a detail beside a category type is no problem document",
            404,
            br#"{"error":{"type":"request_error","code":"entity_not_found","detail":"Entity pro_01 not found"}}"#,
            expect("Entity pro_01 not found", "request_error", "entity_not_found"),
        ),
        (
            "Spring: a one-word reason phrase under `error` is the message, not a code",
            401,
            br#"{"timestamp":"2026-12-02T10:00:00Z","status":401,"error":"Unauthorized","path":"/v1/x"}"#,
            expect("Unauthorized", "authentication_error", UNKNOWN_CODE),
        ),
        (
            "AWS: `message` wins over `Message`",
            400,
            br#"{"Message":"upper","message":"lower"}"#,
            expect("lower", "invalid_request_error", UNKNOWN_CODE),
        ),
        (
            "NestJS / Spring: a reason phrase under `error` is not a code",
            404,
            br#"{"statusCode":404,"message":"Cannot GET /v1/x","error":"Not Found"}"#,
            expect("Cannot GET /v1/x", "not_found_error", UNKNOWN_CODE),
        ),
        (
            "Rails: a sentence under `error` is the message",
            422,
            br#"{"error":"Validation failed: Email has already been taken"}"#,
            expect(
                "Validation failed: Email has already been taken",
                "validation_error",
                UNKNOWN_CODE,
            ),
        ),
        (
            "AWS JSON protocol: `Message`",
            400,
            br#"{"__type":"com.amazon.coral.validate#ValidationException","Message":"1 validation error detected"}"#,
            expect("1 validation error detected", "invalid_request_error", UNKNOWN_CODE),
        ),
        (
            "UTF-8 byte order mark",
            400,
            b"\xEF\xBB\xBF{\"message\":\"With BOM\",\"code\":\"bom\"}",
            expect("With BOM", "invalid_request_error", "bom"),
        ),
        (
            "truncated JSON keeps the fields read so far",
            404,
            br#"{"message":"No such customer","type":"not_found_error","code":"resource_mis"#,
            expect("No such customer", "not_found_error", UNKNOWN_CODE),
        ),
        (
            "trailing garbage after the object",
            400,
            br#"{"message":"ok","code":"c"} trailing"#,
            expect("ok", "invalid_request_error", "c"),
        ),
        (
            "HTML 502 from a proxy",
            502,
            b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
            expect(
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                "api_error",
                UNKNOWN_CODE,
            ),
        ),
        (
            "empty 504 from a gateway",
            504,
            b"",
            expect("Gateway Timeout", "api_error", UNKNOWN_CODE),
        ),
        (
            "whitespace-only 503",
            503,
            b" \r\n\t ",
            expect("Service Unavailable", "api_error", UNKNOWN_CODE),
        ),
        (
            "plain text",
            429,
            b"Too Many Requests\n",
            expect("Too Many Requests\n", "rate_limit_error", UNKNOWN_CODE),
        ),
        (
            "invalid UTF-8 is decoded lossily",
            500,
            b"bad \xff\xfe bytes \xc3(",
            expect("bad \u{FFFD}\u{FFFD} bytes \u{FFFD}(", "api_error", UNKNOWN_CODE),
        ),
        (
            "invalid UTF-8 inside a JSON string: read as U+FFFD",
            400,
            b"{\"message\":\"\xff\"}",
            expect("\u{FFFD}", "invalid_request_error", UNKNOWN_CODE),
        ),
        (
            "JSON array",
            400,
            br#"[{"message":"x"}]"#,
            expect(r#"[{"message":"x"}]"#, "invalid_request_error", UNKNOWN_CODE),
        ),
        (
            "JSON string",
            500,
            br#""internal error""#,
            expect(r#""internal error""#, "api_error", UNKNOWN_CODE),
        ),
        (
            "JSON null",
            500,
            b"null",
            expect("null", "api_error", UNKNOWN_CODE),
        ),
        (
            "object with nothing we know: raw text",
            418,
            br#"{"foo":"bar","status":418}"#,
            expect(r#"{"foo":"bar","status":418}"#, "invalid_request_error", UNKNOWN_CODE),
        ),
        (
            "empty object",
            400,
            b"{}",
            expect("{}", "invalid_request_error", UNKNOWN_CODE),
        ),
        (
            "broken JSON with nothing salvageable",
            500,
            b"{ this is not json",
            expect("{ this is not json", "api_error", UNKNOWN_CODE),
        ),
        (
            "deeply nested JSON is not a problem",
            400,
            &*Box::leak(
                format!(r#"{{"message":"deep","x":{}{}}}"#, "[".repeat(10_000), "]".repeat(10_000))
                    .into_bytes()
                    .into_boxed_slice(),
            ),
            expect("deep", "invalid_request_error", UNKNOWN_CODE),
        ),
        (
            "Google's envelope: the numeric code is the HTTP status, the status string the code",
            404,
            br#"{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND","details":[]}}"#,
            expect("Requested entity was not found.", "not_found_error", "NOT_FOUND"),
        ),
        (
            "Twilio: a numeric code that says more than the status is the code",
            404,
            br#"{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}"#,
            expect("The requested resource was not found", "not_found_error", "20404"),
        ),
        (
            "a numeric code equal to the status says nothing",
            409,
            br#"{"code":409,"message":"Conflict on the name"}"#,
            expect("Conflict on the name", "conflict_error", UNKNOWN_CODE),
        ),
        (
            "a string code wins over a numeric one and a status",
            400,
            br#"{"error":{"code":"bad_name","message":"m","status":"INVALID_ARGUMENT"},"code":7}"#,
            expect("m", "invalid_request_error", "bad_name"),
        ),
        (
            "JSend: a top-level status is not a code",
            400,
            br#"{"status":"fail","message":"Title is required"}"#,
            expect("Title is required", "invalid_request_error", UNKNOWN_CODE),
        ),
        (
            "a numeric code equal to the status alone is not an error body: the raw text stays",
            404,
            br#"{"code":404,"hint":"user 7 not found"}"#,
            expect(r#"{"code":404,"hint":"user 7 not found"}"#, "not_found_error", UNKNOWN_CODE),
        ),
        (
            "msg is a message (a numeric code beside it)",
            400,
            br#"{"code":40001,"msg":"invalid token"}"#,
            expect("invalid token", "invalid_request_error", "40001"),
        ),
        (
            "a cut body gives no numeric code (its digits may be cut too)",
            404,
            br#"{"message":"x","code":2040"#,
            expect("x", "not_found_error", UNKNOWN_CODE),
        ),
        (
            "an envelope status that is a number, a reason phrase or a word is not a code",
            401,
            br#"{"error":{"status":"Unauthorized","message":"no key"}}"#,
            expect("no key", "authentication_error", UNKNOWN_CODE),
        ),
        (
            "an envelope status \"404\" is not a code either",
            404,
            br#"{"error":{"status":"404","code":404,"message":"m"}}"#,
            expect("m", "not_found_error", UNKNOWN_CODE),
        ),
        (
            "nor is an envelope status \"error\"",
            500,
            br#"{"error":{"status":"error","message":"m"}}"#,
            expect("m", "api_error", UNKNOWN_CODE),
        ),
        (
            "a numeric code alone makes an error body",
            502,
            br#"{"code":1042}"#,
            expect("Bad Gateway", "api_error", "1042"),
        ),
        (
            "a status without a canonical reason",
            599,
            b"",
            expect("HTTP status 599", "api_error", UNKNOWN_CODE),
        ),
    ];

    for (name, code, body, want) in cases {
        let got = parse(code, body);
        assert_eq!(got.status().as_u16(), code, "{name}");
        assert_eq!(got.message(), want.message, "{name}: message");
        assert_eq!(got.error_type(), want.r#type, "{name}: type");
        assert_eq!(got.code(), want.code, "{name}: code");
        assert_eq!(got.param(), want.param, "{name}: param");
        assert_eq!(got.request_id(), want.request_id, "{name}: request_id");
        // The accessors and the body agree.
        let body = got.body();
        assert_eq!(body.message, got.message(), "{name}");
        assert_eq!(body.r#type, got.error_type(), "{name}");
        assert_eq!(body.code, got.code(), "{name}");
        assert_eq!(body.param.as_deref(), got.param(), "{name}");
    }
}

/// Every member of a problem is optional (RFC 9457): labelled `application/problem+json`, a
/// body with only a relative `type` and a `detail` is one; unlabelled, it reads as a flat
/// body whose `type` is its category (as Paddle's envelope sends a `detail` beside one).
#[test]
fn the_problem_media_type_makes_any_object_a_problem() {
    let headers_of = headers;
    let body = br#"{"type":"insufficient-funds","detail":"Balance too low"}"#;
    for content_type in [
        "application/problem+json",
        "Application/Problem+JSON; charset=utf-8",
    ] {
        let headers = headers(&[("content-type", content_type)]);
        let e = ErrorResponse::from_parts(status(403), &headers, body);
        assert_eq!(e.message(), "Balance too low", "{content_type}");
        assert_eq!(e.error_type(), "permission_error", "{content_type}");
        assert_eq!(e.code(), "insufficient-funds", "{content_type}");
    }
    let headers = headers(&[("content-type", "application/json")]);
    let e = ErrorResponse::from_parts(status(403), &headers, body);
    assert_eq!(e.error_type(), "insufficient-funds");
    assert_eq!(e.code(), UNKNOWN_CODE);
    // A problem with none of the members read: the status says it all.
    let problem = headers_of(&[("content-type", "application/problem+json")]);
    for body in [&b"{}"[..], br#"{"status":404,"instance":"/orders/1"}"#] {
        let e = ErrorResponse::from_parts(status(404), &problem, body);
        assert_eq!(e.message(), "Not Found");
        assert_eq!(e.error_type(), "not_found_error");
        assert_eq!(e.code(), UNKNOWN_CODE);
    }
}

#[test]
fn long_string_fields_are_bounded() {
    let long = "é".repeat(MAX_FIELD_LEN); // twice the bound, in bytes
    let body = serde_json::json!({
        "message": long,
        "type": "x".repeat(MAX_FIELD_LEN + 1),
        "code": "c",
        "param": "p".repeat(3 * MAX_FIELD_LEN),
    });
    let got = parse(400, &serde_json::to_vec(&body).unwrap());
    assert_eq!(got.message().len(), MAX_FIELD_LEN);
    assert!(got.message().chars().all(|c| c == 'é'));
    assert_eq!(got.error_type().len(), MAX_FIELD_LEN);
    assert_eq!(got.param().map(str::len), Some(MAX_FIELD_LEN));
    assert_eq!(got.code(), "c");
}

#[test]
fn long_fallback_text_is_bounded_on_a_char_boundary() {
    // 3-byte characters: the bound (65536) is not a multiple of 3.
    let body = "€".repeat(30_000);
    let got = parse(502, body.as_bytes());
    assert!(got.message().len() <= MAX_FALLBACK_MESSAGE_LEN);
    assert!(got.message().len() > MAX_FALLBACK_MESSAGE_LEN - 4);
    assert!(
        got.message().chars().all(|c| c == '€'),
        "no U+FFFD at the cut"
    );

    // The text is the message as sent, whitespace included; blank is no text.
    let page = "\r\n<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n</html>\r\n";
    assert_eq!(parse(502, page.as_bytes()).message(), page);
    assert_eq!(parse(502, b" \r\n\t ").message(), "Bad Gateway");
    let body = format!("{}{}", " ".repeat(1_000), "a".repeat(100_000));
    let got = parse(502, body.as_bytes());
    assert_eq!(got.message(), &body[..MAX_FALLBACK_MESSAGE_LEN]);
}

/// A Latin-1 server's message cut by the parse bound is kept as far as the bound too, its
/// bytes that are not UTF-8 replaced (not lost with everything after the first of them).
#[test]
fn a_latin_1_message_cut_by_the_bound_is_kept() {
    let mut body =
        b"{\"code\":\"invalid_parameter\",\"message\":\"Param\xe8tre invalide: ".to_vec();
    body.resize(2 * MAX_JSON_BODY_LEN, b'a');
    let got = parse(400, &body);
    assert_eq!(got.code(), "invalid_parameter");
    assert!(
        got.message().starts_with("Param\u{fffd}tre invalide: aaa"),
        "{:?}",
        got.message().chars().take(40).collect::<String>()
    );
    assert_eq!(got.message().len(), MAX_FIELD_LEN);

    // Repaired bytes grow (a raw control character is six bytes escaped) and are cut at the
    // bound again, inside an escape here: the message ends before it.
    for pad in 0..6 {
        let mut body = b"{\"message\":\"".to_vec();
        body.extend(std::iter::repeat_n(b'a', pad));
        body.resize(2 * MAX_JSON_BODY_LEN, 1);
        let got = parse(400, &body);
        assert!(got.message().len() > 1000, "{pad}: {:?}", got.message());
        assert!(got.message()[pad..].chars().all(|c| c == '\u{1}'), "{pad}");
    }
}

#[test]
fn a_4_mib_body_is_cheap_and_bounded() {
    // A JSON body larger than the parse bound: read as far as the bound, as a truncated
    // one (the fields before the cut are kept), never copied in full.
    let mut body = br#"{"message":"huge","code":"huge","filler":""#.to_vec();
    body.resize(4 * 1024 * 1024, b'x');
    body.extend_from_slice(b"\"}");
    assert!(body.len() > MAX_JSON_BODY_LEN);

    let got = parse(500, &body);
    assert_eq!(got.code(), "huge");
    assert_eq!(got.message(), "huge");
    assert_eq!(got.error_type(), "api_error");
    // What it keeps of the body as received is the first MiB too.
    assert_eq!(got.raw_body(), &body[..MAX_JSON_BODY_LEN]);

    // Text that large: its first 64 KiB are the message.
    let mut body = b"<html>".to_vec();
    body.resize(4 * 1024 * 1024, b'x');
    let got = parse(502, &body);
    assert_eq!(got.code(), UNKNOWN_CODE);
    assert_eq!(got.message().len(), MAX_FALLBACK_MESSAGE_LEN);
    assert_eq!(got.raw_body().len(), MAX_JSON_BODY_LEN);
}

/// An AWS `Message` cut by the parse bound is kept as far as the bound, as a `message` is.
#[test]
fn an_aws_message_cut_by_the_bound_is_kept() {
    let long = "y".repeat(2 * MAX_JSON_BODY_LEN);
    let body = format!(r#"{{"__type":"ValidationException","Message":"{long}"}}"#);
    let got = parse(400, body.as_bytes());
    assert!(
        got.message().starts_with("yyyy"),
        "{}",
        got.message().chars().take(40).collect::<String>()
    );
}

/// The headers and the body as received are kept, for what the accessors do not read.
#[test]
fn the_response_as_received_is_kept() {
    let body = br#"{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","doc_url":"https://stripe.com/docs/error-codes/card-declined","message":"Your card has insufficient funds."}}"#;
    let got = ErrorResponse::from_parts(
        status(402),
        &headers(&[("stripe-should-retry", "false"), ("request-id", "req_s1")]),
        body,
    );
    assert_eq!(got.code(), "card_declined");
    assert_eq!(got.request_id(), Some("req_s1"));
    assert_eq!(got.headers()["stripe-should-retry"], "false");
    assert_eq!(got.raw_body(), body);
    let raw: serde_json::Value = serde_json::from_slice(got.raw_body()).unwrap();
    assert_eq!(raw["error"]["decline_code"], "insufficient_funds");
    // Debug names the headers and the body's length, not their values (a log of `{:?}`
    // must not carry a response's cookie).
    let debug = format!("{got:?}");
    assert!(debug.contains(&format!("{} bytes", body.len())), "{debug}");
    assert!(debug.contains("stripe-should-retry"), "{debug}");
    let got = ErrorResponse::from_parts(
        status(401),
        &headers(&[("set-cookie", "session=s3cr3t")]),
        b"",
    );
    assert!(!format!("{got:?}").contains("s3cr3t"));
    // Equality is of what was read: another `date` header does not make two errors differ.
    let at =
        |date: &str| ErrorResponse::from_parts(status(404), &headers(&[("date", date)]), b"{}");
    assert_eq!(
        at("Wed, 02 Dec 2026 10:00:00 GMT"),
        at("Wed, 02 Dec 2026 10:00:01 GMT")
    );
}

/// A 422 the servers render with far more field errors than fit the parse bound, in every
/// format: its code, message and param are read, and the field errors before the bound (at
/// most `MAX_FIELD_ERRORS`) are kept, where the whole body used to be dropped.
#[test]
fn a_422_past_the_parse_bound_keeps_its_code_and_first_field_errors() {
    use api_error_core::client::MAX_FIELD_ERRORS;
    use api_error_core::{ErrorFormat, FieldError, FieldErrors, WireFormat};
    let errors: FieldErrors = (0..20_000)
        .map(|i| FieldError::new(format!("items[{i}].name"), "length", "must not be empty"))
        .collect();
    for wire in [WireFormat::Flat, WireFormat::Enveloped, WireFormat::Problem] {
        let mut body = Vec::new();
        ErrorFormat::new(wire).write(&errors, Some("req_big"), &mut body);
        assert!(body.len() > MAX_JSON_BODY_LEN, "{wire:?}");
        let got = parse(422, &body);
        assert_eq!(got.code(), "validation_failed", "{wire:?}");
        assert_eq!(got.error_type(), "validation_error", "{wire:?}");
        assert_eq!(got.request_id(), Some("req_big"), "{wire:?}");
        assert_eq!(
            got.body().param.as_deref(),
            Some("items[0].name"),
            "{wire:?}"
        );
        assert_eq!(got.field_errors().len(), MAX_FIELD_ERRORS, "{wire:?}");
        assert_eq!(got.field_errors()[999].param, "items[999].name", "{wire:?}");
        assert_eq!(
            got.to_typed::<FieldErrors>().map(|e| e.len()),
            Some(MAX_FIELD_ERRORS)
        );
    }
    // Cut inside the array before a thousand: the entries before the cut.
    let mut body = Vec::new();
    api_error_core::ApiError::write_json(&errors, None, &mut body);
    let cut = body.len() / 2000 * 7;
    let got = parse(422, &body[..cut]);
    assert_eq!(got.code(), "validation_failed");
    assert!((1..MAX_FIELD_ERRORS).contains(&got.field_errors().len()));

    // An array cut before its first entry does not replace field errors read before it: a
    // second `errors`, or the envelope's own after the outer one.
    let one = r#"[{"param":"a","code":"required","message":"is required"}]"#;
    for body in [
        format!(r#"{{"message":"m","code":"c","errors":{one},"errors":[{{"par"#),
        format!(r#"{{"errors":{one},"error":{{"message":"m","code":"c","errors":[{{"par"#),
    ] {
        let got = parse(422, body.as_bytes());
        assert_eq!(got.code(), "c", "{body}");
        assert_eq!(got.field_errors().len(), 1, "{body}");
    }
}

// ---------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------

/// `t` as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn imf_fixdate(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // H. Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        day,
        MONTHS[(month - 1) as usize],
        year,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[test]
fn the_test_date_formatter_is_right() {
    assert_eq!(
        imf_fixdate(UNIX_EPOCH + Duration::from_secs(784_111_777)),
        "Sun, 06 Nov 1994 08:49:37 GMT"
    );
}

/// A named case: headers and the expected `retry_after()`.
type RetryAfterCase = (
    &'static str,
    &'static [(&'static str, &'static str)],
    Option<Duration>,
);

#[test]
fn retry_after_forms() {
    let secs = Duration::from_secs;
    let ms = Duration::from_millis;
    let cases: Vec<RetryAfterCase> = vec![
        ("none", &[], None),
        ("delta-seconds", &[("retry-after", "120")], Some(secs(120))),
        (
            "delta-seconds, spaces",
            &[("retry-after", " 7 ")],
            Some(secs(7)),
        ),
        ("zero", &[("retry-after", "0")], Some(Duration::ZERO)),
        ("decimal seconds", &[("retry-after", "1.5")], Some(ms(1500))),
        (
            "a day, as sent",
            &[("retry-after", "86400")],
            Some(secs(86400)),
        ),
        (
            "more digits than a u64",
            &[("retry-after", "99999999999999999999999999")],
            Some(MAX_RETRY_AFTER),
        ),
        (
            "past HTTP-date",
            &[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")],
            Some(Duration::ZERO),
        ),
        (
            "far-future HTTP-date",
            &[("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")],
            Some(MAX_RETRY_AFTER),
        ),
        ("garbage word", &[("retry-after", "soon")], None),
        ("negative", &[("retry-after", "-5")], None),
        ("inf", &[("retry-after", "inf")], None),
        ("NaN", &[("retry-after", "NaN")], None),
        ("exponent", &[("retry-after", "1e3")], None),
        ("empty", &[("retry-after", "")], None),
        (
            "broken date",
            &[("retry-after", "Sun, 06 Nov 1994 25:49:37 GMT")],
            None,
        ),
        (
            "retry-after-ms integer",
            &[("retry-after-ms", "1500")],
            Some(ms(1500)),
        ),
        (
            "retry-after-ms decimal",
            &[("retry-after-ms", "250.5")],
            Some(Duration::from_micros(250_500)),
        ),
        (
            "retry-after-ms wins",
            &[("retry-after", "30"), ("retry-after-ms", "100")],
            Some(ms(100)),
        ),
        (
            "bad retry-after-ms falls back",
            &[("retry-after", "30"), ("retry-after-ms", "-1")],
            Some(secs(30)),
        ),
        (
            "retry-after-ms NaN falls back",
            &[("retry-after", "2"), ("retry-after-ms", "NaN")],
            Some(secs(2)),
        ),
        (
            "retry-after-ms exponent rejected",
            &[("retry-after-ms", "1e300")],
            None,
        ),
        (
            "retry-after-ms huge",
            &[("retry-after-ms", "99999999999999999999999")],
            Some(MAX_RETRY_AFTER),
        ),
        (
            "retry-after-ms with upper-case name",
            &[("Retry-After-Ms", "10")],
            Some(ms(10)),
        ),
    ];
    for (name, pairs, want) in cases {
        assert_eq!(with_headers(429, pairs).retry_after(), want, "{name}");
    }
    // Past an f64 (some 309 digits): still a number, clamped like any huge one.
    let nines = "9".repeat(400);
    let decimal = format!("{nines}.5");
    for (name, value) in [("retry-after-ms", &nines), ("retry-after", &decimal)] {
        let resp = with_headers(429, &[(name, value.as_str())]);
        assert_eq!(resp.retry_after(), Some(MAX_RETRY_AFTER), "{name}");
    }

    // Retry-After as an HTTP-date 30 s ahead (second precision, measured at parse time).
    let date = imf_fixdate(SystemTime::now() + Duration::from_secs(30));
    let got = with_headers(503, &[("retry-after", &date)])
        .retry_after()
        .unwrap();
    assert!(got > secs(27) && got <= secs(30), "{got:?}");

    // The obsolete forms parse too.
    for date in [
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "sun, 06 nov 1994 08:49:37 gmt",
        "Sun, 06 Nov 1994 08:49:37 UTC",
    ] {
        assert_eq!(
            with_headers(503, &[("retry-after", date)]).retry_after(),
            Some(Duration::ZERO),
            "{date}"
        );
    }

    // RFC 850 two-digit years follow RFC 9110's 50-year rule: `70` is 2070 (a Wednesday),
    // not 1970, until 2120.
    let year = secs(365 * 24 * 3600);
    let got = with_headers(503, &[("retry-after", "Wednesday, 01-Jan-70 00:00:00 GMT")])
        .retry_after()
        .unwrap();
    assert!(got > year * 40 && got < year * 45, "{got:?}");

    // A header value that is not visible ASCII is ignored.
    let mut map = HeaderMap::new();
    map.insert("retry-after", HeaderValue::from_bytes(b"1\xff").unwrap());
    assert_eq!(
        ErrorResponse::from_parts(status(503), &map, b"").retry_after(),
        None
    );
}

#[test]
fn x_should_retry_overrides_the_status_table() {
    let cases: Vec<(u16, Option<&str>, bool)> = vec![
        (400, None, false),
        (404, None, false),
        (409, None, false),
        (408, None, true),
        (429, None, true),
        (500, None, true),
        (503, None, true),
        (599, None, true),
        (409, Some("false"), false),
        (409, Some("true"), true),
        (400, Some("TRUE"), true),
        (503, Some("false"), false),
        (500, Some(" False "), false),
        (429, Some("no"), true), // unrecognised: the table
        (404, Some("yes"), false),
        (404, Some(""), false),
    ];
    for (code, header, want) in cases {
        let pairs: Vec<(&str, &str)> = header.map(|h| ("x-should-retry", h)).into_iter().collect();
        assert_eq!(
            with_headers(code, &pairs).is_retryable(),
            want,
            "{code} x-should-retry: {header:?}"
        );
    }
}

#[test]
fn a_field_error_read_back_is_never_blank() {
    let body = br#"{"errors":[{"param":"a","code":"   "},{"param":"b","code":" ","message":" "}]}"#;
    let got = ErrorResponse::from_parts(StatusCode::UNPROCESSABLE_ENTITY, &HeaderMap::new(), body);
    use api_error_core::FieldError;
    let a = FieldError::new("a", "invalid", "is invalid");
    assert_eq!(
        got.field_errors(),
        [a, FieldError::new("b", "invalid", "is invalid")]
    );
}

#[test]
fn request_id_from_body_else_header() {
    let body = br#"{"message":"m","code":"c","request_id":"req_body"}"#;
    let h = headers(&[("x-request-id", "req_header")]);
    let got = ErrorResponse::from_parts(status(500), &h, body);
    assert_eq!(got.request_id(), Some("req_body"));

    let got = ErrorResponse::from_parts(status(500), &h, br#"{"message":"m","code":"c"}"#);
    assert_eq!(got.request_id(), Some("req_header"));
    assert_eq!(got.body().request_id, None, "body() stays as sent");

    let got = ErrorResponse::from_parts(status(502), &h, b"<html>");
    assert_eq!(got.request_id(), Some("req_header"));

    let uuid = "0b9c7a3e-8f5d-4a1b-9c2e-3d4f5a6b7c8d";
    assert_eq!(
        with_headers(500, &[("x-request-id", uuid)]).request_id(),
        Some(uuid)
    );
    assert_eq!(
        with_headers(500, &[("x-request-id", "  req_1 ")]).request_id(),
        Some("req_1")
    );

    for bad in ["", "   ", "two words", &"a".repeat(257)] {
        assert_eq!(
            with_headers(500, &[("x-request-id", bad)]).request_id(),
            None,
            "{bad:?}"
        );
    }
    let mut map = HeaderMap::new();
    map.insert(
        "x-request-id",
        HeaderValue::from_bytes(b"req_\xe9").unwrap(),
    );
    assert_eq!(
        ErrorResponse::from_parts(status(500), &map, b"").request_id(),
        None
    );
    // A server that sends its id in Stripe's `request-id` (`request_id_header`): a response
    // without a body still names it; `x-request-id` wins when both are there.
    assert_eq!(
        with_headers(503, &[("request-id", "req_stripe")]).request_id(),
        Some("req_stripe")
    );
    assert_eq!(
        with_headers(503, &[("request-id", "req_b"), ("x-request-id", "req_a")]).request_id(),
        Some("req_a")
    );
}

// ---------------------------------------------------------------------------------------------
// The value
// ---------------------------------------------------------------------------------------------

#[test]
fn error_response_is_send_sync_static_error() {
    fn assert_traits<T: std::error::Error + Send + Sync + Clone + 'static>() {}
    assert_traits::<ErrorResponse>();
    fn assert_policy<T: Send + Sync + Clone + Default + std::fmt::Debug + 'static>() {}
    assert_policy::<RetryPolicy>();

    // Boxes into the usual SDK error types.
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(parse(404, b""));
    assert_eq!(
        boxed.to_string(),
        "404 not_found_error (unknown): Not Found"
    );
}

#[test]
fn display() {
    let got = parse(
        404,
        br#"{"message":"No such customer","type":"not_found_error","code":"resource_missing"}"#,
    );
    assert_eq!(
        got.to_string(),
        "404 not_found_error (resource_missing): No such customer"
    );

    let got = ErrorResponse::from_parts(status(503), &headers(&[("x-request-id", "req_9")]), b"");
    assert_eq!(
        got.to_string(),
        "503 api_error (unknown): Service Unavailable [request_id: req_9]"
    );

    // What a hostile server sends stays one line: control characters escaped, the rest kept.
    let got = parse(
        400,
        br#"{"message":"bad\n2026-12-02 ERROR forged \u001b[31mred\u001b[0m","type":"x\ry","code":"c\u0000d"}"#,
    );
    assert_eq!(
        got.message(),
        "bad\n2026-12-02 ERROR forged \u{1b}[31mred\u{1b}[0m"
    );
    assert_eq!(
        got.to_string(),
        r"400 x\ry (c\0d): bad\n2026-12-02 ERROR forged \u{1b}[31mred\u{1b}[0m"
    );

    // So do the characters that break a line or reorder it without being control
    // characters (line and paragraph separators, bidirectional controls); other text,
    // accents and combining marks included, is kept as sent.
    let got = parse(
        400,
        "{\"message\":\"ok\u{2028}FAKE 200\u{2029}x \u{202e}gnp.exe\u{202c} \u{2066}\u{200f}\u{061c} cafe\u{301} déjà\"}".as_bytes(),
    );
    assert_eq!(
        got.to_string(),
        "400 invalid_request_error (unknown): ok\\u{2028}FAKE 200\\u{2029}x \\u{202e}gnp.exe\\u{202c} \\u{2066}\\u{200f}\\u{61c} cafe\u{301} déjà"
    );
}

#[test]
fn from_http_response() {
    let response = http::Response::builder()
        .status(422)
        .header("x-request-id", "req_r")
        .body(br#"{"message":"m","type":"validation_error","code":"invalid_amount","param":"amount"}"#.to_vec())
        .unwrap();
    let got = ErrorResponse::from_response(&response);
    assert_eq!(got.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(got.code(), "invalid_amount");
    assert_eq!(got.param(), Some("amount"));
    assert_eq!(got.request_id(), Some("req_r"));
    assert_eq!(ErrorResponse::from(&response), got);

    let response = http::Response::builder()
        .status(502)
        .body("bad gateway")
        .unwrap();
    assert_eq!(ErrorResponse::from(&response).message(), "bad gateway");

    let body = got.clone().into_body();
    assert_eq!(&body, got.body());
}

#[derive(Debug, PartialEq)]
enum PaymentError {
    InvalidApiKey,
    CustomerNotFound { message: String },
    InvalidAmount { field: String },
}

impl FromErrorResponse for PaymentError {
    fn from_error_response(response: &ErrorResponse) -> Option<Self> {
        match response.code() {
            "invalid_api_key" => Some(PaymentError::InvalidApiKey),
            "resource_missing" => Some(PaymentError::CustomerNotFound {
                message: response.message().to_owned(),
            }),
            "invalid_amount" => Some(PaymentError::InvalidAmount {
                field: response.param()?.to_owned(),
            }),
            _ => None,
        }
    }
}

#[test]
fn typed_round_trip_with_a_hand_written_impl() {
    let got = parse(
        401,
        br#"{"error":{"message":"m","type":"authentication_error","code":"invalid_api_key"}}"#,
    );
    assert_eq!(
        got.to_typed::<PaymentError>(),
        Some(PaymentError::InvalidApiKey)
    );

    let got = parse(
        404,
        br#"{"message":"No such customer: cus_1","code":"resource_missing"}"#,
    );
    assert_eq!(
        got.to_typed(),
        Some(PaymentError::CustomerNotFound {
            message: "No such customer: cus_1".into()
        })
    );

    // The param field cannot be rebuilt: not recognised.
    let got = parse(422, br#"{"message":"m","code":"invalid_amount"}"#);
    assert_eq!(got.to_typed::<PaymentError>(), None);

    assert_eq!(parse(502, b"<html>").to_typed::<PaymentError>(), None);
}

// ---------------------------------------------------------------------------------------------
// Retry policy
// ---------------------------------------------------------------------------------------------

fn unavailable() -> ErrorResponse {
    parse(503, b"")
}

#[test]
fn default_policy() {
    let policy = RetryPolicy::default().jitter(false);
    let e = unavailable();
    assert_eq!(policy.delay(0, &e), Some(Duration::from_millis(500)));
    assert_eq!(policy.delay(1, &e), Some(Duration::from_secs(1)));
    assert_eq!(policy.delay(2, &e), None, "2 retries by default");
    assert_eq!(
        policy.backoff(10),
        Duration::from_secs(8),
        "8 s max by default"
    );

    // With the default (random) jitter every delay is within [0, backoff].
    let policy = RetryPolicy::default();
    for _ in 0..200 {
        for attempt in 0..2 {
            let d = policy.delay(attempt, &e).unwrap();
            assert!(d <= policy.backoff(attempt), "{d:?}");
        }
    }
    assert!(format!("{policy:?}").contains("max_retries: 2"));
}

/// A zero server delay (`Retry-After: 0`, `retry-after-ms: 0`, a date already past by this
/// clock) is honoured as sent: a retry at once, as SPEC §9 asks of the policy.
#[test]
fn a_zero_server_delay_is_honoured() {
    let policy = RetryPolicy::default().jitter(false);
    let past = imf_fixdate(SystemTime::now() - Duration::from_secs(3600));
    for (name, value) in [
        ("retry-after", "0"),
        ("retry-after-ms", "0"),
        ("retry-after", past.as_str()),
    ] {
        let e = with_headers(503, &[(name, value)]);
        assert_eq!(e.retry_after(), Some(Duration::ZERO), "{name}: {value}");
        assert_eq!(policy.delay(0, &e), Some(Duration::ZERO), "{name}: {value}");
    }
}

#[test]
fn backoff_grows_monotonically_and_respects_the_cap() {
    let policy = RetryPolicy::default()
        .max_retries(u32::MAX)
        .initial_delay(Duration::from_millis(100))
        .max_delay(Duration::from_secs(5))
        .jitter(false);
    let e = unavailable();
    let delays: Vec<Duration> = [0, 1, 2, 3, 4, 5, 6, 10, 31, 32, 63, 64, 1000, u32::MAX - 1]
        .iter()
        .map(|&attempt| policy.delay(attempt, &e).unwrap())
        .collect();
    assert_eq!(
        delays[..6],
        [100, 200, 400, 800, 1600, 3200].map(Duration::from_millis)
    );
    assert!(delays.windows(2).all(|w| w[0] <= w[1]), "{delays:?}");
    assert!(delays.iter().all(|&d| d <= Duration::from_secs(5)));
    assert_eq!(*delays.last().unwrap(), Duration::from_secs(5));

    // Extreme settings never overflow.
    let policy = RetryPolicy::default()
        .max_retries(u32::MAX)
        .initial_delay(Duration::MAX)
        .max_delay(Duration::MAX);
    for attempt in [0, 1, 40, u32::MAX - 1] {
        assert!(policy.delay(attempt, &e).is_some());
    }
    let policy = policy.jitter(false);
    assert_eq!(policy.delay(3, &e), Some(Duration::MAX));
}

#[test]
fn attempts_run_out() {
    let e = unavailable();
    for max in [0u32, 1, 2, 5] {
        let policy = RetryPolicy::default().max_retries(max).jitter(false);
        let retried = (0..10).filter(|&a| policy.delay(a, &e).is_some()).count();
        assert_eq!(retried, max as usize);
        assert_eq!(policy.delay(max, &e), None);
    }
    assert_eq!(RetryPolicy::never().delay(0, &e), None);
}

#[test]
fn retry_after_is_honoured_and_capped() {
    let policy = RetryPolicy::default().jitter_source(|| 0.0);
    let limited = |pairs: &[(&str, &str)]| with_headers(429, pairs);

    // Honoured as-is, without jitter, up to the policy's cap (`max_delay`, 8 s).
    assert_eq!(
        policy.delay(0, &limited(&[("retry-after", "5")])),
        Some(Duration::from_secs(5))
    );
    assert_eq!(
        policy.delay(0, &limited(&[("retry-after", "20")])),
        Some(Duration::from_secs(8))
    );
    assert_eq!(
        policy
            .clone()
            .max_retry_after(Duration::from_secs(60))
            .delay(0, &limited(&[("retry-after", "20")])),
        Some(Duration::from_secs(20))
    );
    assert_eq!(
        policy.delay(1, &limited(&[("retry-after-ms", "1234")])),
        Some(Duration::from_millis(1234))
    );
    assert_eq!(
        policy.delay(0, &limited(&[("retry-after", "0")])),
        Some(Duration::ZERO)
    );
    // Capped at the default 8 s.
    assert_eq!(
        policy.delay(0, &limited(&[("retry-after", "600")])),
        Some(Duration::from_secs(8))
    );
    // The cap is the larger of max_retry_after and max_delay.
    let policy2 = policy.clone().max_retry_after(Duration::from_secs(10));
    assert_eq!(
        policy2.delay(0, &limited(&[("retry-after", "600")])),
        Some(Duration::from_secs(10))
    );
    let policy3 = policy2.max_delay(Duration::from_secs(30));
    assert_eq!(
        policy3.delay(0, &limited(&[("retry-after", "600")])),
        Some(Duration::from_secs(30))
    );
    // Attempts still run out.
    assert_eq!(policy.delay(2, &limited(&[("retry-after", "1")])), None);
    // Garbage Retry-After: backoff (here jittered down to zero).
    assert_eq!(
        policy.delay(0, &limited(&[("retry-after", "later")])),
        Some(Duration::ZERO)
    );
    // An HTTP-date.
    let date = imf_fixdate(SystemTime::now() + Duration::from_secs(10));
    let d = policy
        .delay(0, &limited(&[("retry-after", &date)]))
        .unwrap();
    assert!(
        d > Duration::from_secs(7) && d <= Duration::from_secs(10),
        "{d:?}"
    );
}

#[test]
fn non_retryable_errors_are_never_retried() {
    let policy = RetryPolicy::default().max_retries(100);
    for code in [400, 401, 403, 404, 409, 410, 413, 422, 451] {
        let e = ErrorResponse::from_parts(status(code), &headers(&[("retry-after", "1")]), b"");
        for attempt in 0..100 {
            assert_eq!(policy.delay(attempt, &e), None, "{code}");
        }
    }
    // x-should-retry: false beats a retryable status and a Retry-After.
    let e = with_headers(503, &[("x-should-retry", "false"), ("retry-after", "1")]);
    assert_eq!(policy.delay(0, &e), None);
    // x-should-retry: true makes a 409 retryable.
    let e = with_headers(409, &[("x-should-retry", "true")]);
    assert!(policy.delay(0, &e).is_some());
    // Statuses that are not errors are not retried either.
    assert_eq!(policy.delay(0, &parse(200, b"")), None);
}

#[test]
fn jitter_is_deterministic_with_an_injected_source() {
    let e = unavailable();
    let policy = RetryPolicy::default()
        .max_retries(10)
        .jitter_source(|| 0.25);
    assert_eq!(policy.delay(0, &e), Some(Duration::from_millis(125)));
    assert_eq!(policy.delay(1, &e), Some(Duration::from_millis(250)));
    assert_eq!(policy.delay(6, &e), Some(Duration::from_secs(2))); // 0.25 * 8 s cap

    // A sequence source: the policy draws one value per delay.
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let values = [0.0, 0.5, 0.999];
    let policy = RetryPolicy::default()
        .max_retries(3)
        .jitter_source(move || values[seen.fetch_add(1, Ordering::SeqCst) % 3]);
    let delays: Vec<_> = (0..3).map(|a| policy.delay(a, &e).unwrap()).collect();
    assert_eq!(delays[0], Duration::ZERO);
    assert_eq!(delays[1], Duration::from_millis(500));
    assert!(delays[2] < Duration::from_secs(2) && delays[2] > Duration::from_millis(1990));
    assert_eq!(calls.load(Ordering::SeqCst), 3);

    // Out-of-range sources are clamped, NaN means no jitter.
    for (value, want) in [(-3.0, 0), (7.0, 500), (f64::INFINITY, 500), (f64::NAN, 500)] {
        let policy = RetryPolicy::default().jitter_source(move || value);
        assert_eq!(
            policy.delay(0, &e),
            Some(Duration::from_millis(want)),
            "{value}"
        );
    }

    // jitter(false) turns an injected source off again.
    let policy = RetryPolicy::default().jitter_source(|| 0.0).jitter(false);
    assert_eq!(policy.delay(0, &e), Some(Duration::from_millis(500)));
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

fn any_status() -> impl Strategy<Value = StatusCode> {
    prop_oneof![
        4 => 400u16..=599,
        1 => 100u16..=999,
    ]
    .prop_map(|code| StatusCode::from_u16(code).unwrap())
}

/// Bodies: arbitrary bytes, arbitrary text, and JSON objects with our keys holding arbitrary
/// values (to get past the parser's front door).
fn any_body() -> impl Strategy<Value = Vec<u8>> {
    let key = prop_oneof![
        Just("message".to_owned()),
        Just("type".to_owned()),
        Just("code".to_owned()),
        Just("param".to_owned()),
        Just("request_id".to_owned()),
        Just("error".to_owned()),
        Just("detail".to_owned()),
        ".{0,8}",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
        "\\s{0,3}".prop_map(serde_json::Value::from),
    ];
    let value = leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("message".to_owned()),
                    Just("code".to_owned()),
                    ".{0,6}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    let object = prop::collection::vec((key, value), 0..6).prop_map(|pairs| {
        serde_json::to_vec(&serde_json::Value::Object(pairs.into_iter().collect())).unwrap()
    });
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2048),
        ".{0,200}".prop_map(String::into_bytes),
        object.clone(),
        // Truncated and corrupted JSON.
        (object.clone(), any::<prop::sample::Index>())
            .prop_map(|(bytes, at)| bytes[..at.index(bytes.len() + 1)].to_vec()),
        (object, any::<prop::sample::Index>(), any::<u8>()).prop_map(|(mut bytes, at, b)| {
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            bytes
        }),
    ]
}

/// Header values: arbitrary bytes (kept if `HeaderValue` accepts them) and plausible values.
fn any_header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..40),
        "[ -~]{0,40}".prop_map(String::into_bytes),
        "[0-9.\\-]{0,12}".prop_map(String::into_bytes),
        (0u64..=u64::MAX).prop_map(|n| n.to_string().into_bytes()),
        any::<f64>().prop_map(|f| f.to_string().into_bytes()),
        (0u64..400_000_000_000).prop_map(|s| {
            imf_fixdate(UNIX_EPOCH + Duration::from_secs(s % 253_402_300_799)).into_bytes()
        }),
        prop_oneof![Just("true"), Just("false"), Just("TRUE"), Just("yes")]
            .prop_map(|s| s.as_bytes().to_vec()),
    ]
}

fn any_headers() -> impl Strategy<Value = HeaderMap> {
    let name = prop_oneof![
        Just("retry-after"),
        Just("retry-after-ms"),
        Just("x-should-retry"),
        Just("x-request-id"),
        Just("content-type"),
    ];
    prop::collection::vec((name, any_header_value()), 0..6).prop_map(|pairs| {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            if let Ok(value) = HeaderValue::from_bytes(&value) {
                map.append(name, value);
            }
        }
        map
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_stays_bounded(
        status in any_status(),
        headers in any_headers(),
        body in any_body(),
    ) {
        let got = ErrorResponse::from_parts(status, &headers, &body);

        prop_assert_eq!(got.status(), status);
        prop_assert!(!got.error_type().is_empty());
        prop_assert!(!got.code().is_empty());
        prop_assert!(!got.message().is_empty());
        prop_assert!(got.message().len() <= MAX_FIELD_LEN);
        prop_assert!(got.error_type().len() <= MAX_FIELD_LEN);
        if !body.trim_ascii_start().starts_with(b"{") && !body.starts_with(b"\xEF\xBB\xBF") {
            prop_assert!(got.message().len() <= MAX_FALLBACK_MESSAGE_LEN);
            prop_assert_eq!(got.code(), UNKNOWN_CODE);
        }
        if let Some(id) = got.request_id() {
            prop_assert!(!id.is_empty());
        }
        if let Some(after) = got.retry_after() {
            prop_assert!(after <= MAX_RETRY_AFTER);
        }
        let _ = got.to_string();

        let policy = RetryPolicy::default();
        for attempt in [0, 1, 2, u32::MAX] {
            if let Some(delay) = policy.delay(attempt, &got) {
                prop_assert!(got.is_retryable());
                prop_assert!(attempt < 2);
                prop_assert!(delay <= RetryPolicy::DEFAULT_MAX_DELAY);
            }
        }
    }

    #[test]
    fn long_bodies_stay_bounded(status in any_status(), byte in any::<u8>(), len in 0usize..200_000) {
        let body = vec![byte; len];
        let got = ErrorResponse::from_parts(status, &HeaderMap::new(), &body);
        prop_assert!(got.message().len() <= MAX_FALLBACK_MESSAGE_LEN);
        prop_assert!(!got.message().is_empty());
    }

    #[test]
    fn policy_never_panics(
        max_retries in any::<u32>(),
        initial_ms in any::<u64>(),
        max_ms in any::<u64>(),
        jitter in any::<f64>(),
        attempt in any::<u32>(),
        headers in any_headers(),
    ) {
        let policy = RetryPolicy::default()
            .max_retries(max_retries)
            .initial_delay(Duration::from_millis(initial_ms))
            .max_delay(Duration::from_millis(max_ms))
            .jitter_source(move || jitter);
        let error = ErrorResponse::from_parts(StatusCode::SERVICE_UNAVAILABLE, &headers, b"");
        if let Some(delay) = policy.delay(attempt, &error) {
            prop_assert!(attempt < max_retries);
            prop_assert!(delay <= Duration::from_millis(max_ms));
        }
    }
}

/// A first value that runs past the parse bound (a message echoing a 2 MiB input) is kept as
/// far as the bound, and cut at its field bound, not shown as raw JSON; a cut escape or
/// character is left out. A cut anywhere else keeps the raw text, as before.
#[test]
fn a_first_value_past_the_parse_bound_is_kept_as_far_as_it_was_read() {
    let big = "x".repeat(2 * MAX_JSON_BODY_LEN);
    for body in [
        format!(r#"{{"message":"{big}","type":"invalid_request_error","code":"too_long"}}"#),
        format!(r#"{{ "error" : {{ "message" : "{big}", "code": "too_long"}}}}"#),
        format!(r#"{{"detail":"{big}","status":400}}"#),
    ] {
        let got = parse(400, body.as_bytes());
        assert_eq!(got.message(), &big[..MAX_FIELD_LEN], "{}", &body[..30]);
        assert_eq!(
            (got.error_type(), got.code()),
            ("invalid_request_error", UNKNOWN_CODE)
        );
    }
    // Cut inside an escape (`\"` pairs, the bound falls between `\` and `"`), or inside a
    // two-byte character: what is whole is kept.
    let pairs = r#"\""#.repeat(MAX_JSON_BODY_LEN);
    let body = format!(r#"{{"message":"{pairs}"}}"#);
    let got = parse(400, body.as_bytes());
    assert!(!got.message().is_empty() && got.message().chars().all(|c| c == '"'));
    let accents = "é".repeat(MAX_JSON_BODY_LEN);
    let body = format!(r#"{{"message":"a{accents}"}}"#);
    let got = parse(400, body.as_bytes());
    assert!(got.message().starts_with("aé") && got.message().chars().skip(1).all(|c| c == 'é'));
    // A cut anywhere but in a message's text (here a code: `rate_limited_by_upstream` cut
    // would be `rate_limited`, another code), inside a key, or deeper than the envelope:
    // the raw text, as before.
    let pad = "p".repeat(MAX_JSON_BODY_LEN - 30);
    let body = format!(r#"{{"input":"{pad}","code":"rate_limited_by_upstream"}}"#);
    let got = parse(429, body.as_bytes());
    assert_eq!(got.code(), UNKNOWN_CODE);
    assert!(got.message().starts_with(r#"{"input":"ppp"#));
    let body = format!(r#"{{"{big}":"x"}}"#);
    assert!(parse(400, body.as_bytes())
        .message()
        .starts_with(r#"{"xxx"#));
    let body = format!(r#"{{"errors":[{{"param":"{big}"}}]}}"#);
    let got = parse(422, body.as_bytes());
    assert!(got.message().starts_with(r#"{"errors""#) && got.field_errors().is_empty());
}

/// A message cut by the parse bound after other fields were read: problem details, as this
/// crate sends them, put `detail` after `type`, `title` and `status`, and a flat body may
/// put `code` first. The message is kept as far as the bound (not the title), with every
/// field before it.
#[test]
fn a_message_after_other_fields_past_the_parse_bound_is_kept() {
    let big = "d".repeat(2 * MAX_JSON_BODY_LEN);
    let body = format!(
        r#"{{"type":"https://docs.example.com/errors/too_big","title":"Bad Request","status":400,"detail":"{big}","code":"too_big","param":null,"request_id":"req_1","error_type":"invalid_request_error"}}"#
    );
    let got = parse(400, body.as_bytes());
    assert_eq!(got.code(), "too_big");
    assert_eq!(got.message(), &big[..MAX_FIELD_LEN]);
    let body = format!(r#"{{"code":"too_big","type":"invalid_request_error","message":"{big}"}}"#);
    let got = parse(400, body.as_bytes());
    assert_eq!(
        (got.code(), got.error_type()),
        ("too_big", "invalid_request_error")
    );
    assert_eq!(got.message(), &big[..MAX_FIELD_LEN]);
}

/// The code at the end of a problem type URI, with a trailing slash or a query string too.
#[test]
fn the_code_of_a_problem_type_uri_with_a_slash_or_a_query() {
    for uri in [
        "https://docs.example.com/errors/resource_missing",
        "https://docs.example.com/errors/resource_missing/",
        "https://docs.example.com/errors/resource_missing?lang=en",
        "https://docs.example.com/errors/resource_missing/?lang=en",
        "https://docs.example.com/errors#resource_missing",
    ] {
        let body = format!(
            r#"{{"type":"{uri}","title":"Not Found","status":404,"detail":"No such customer"}}"#
        );
        assert_eq!(
            parse(404, body.as_bytes()).code(),
            "resource_missing",
            "{uri}"
        );
    }
    for uri in [
        "about:blank",
        "https://docs.example.com/",
        "https://docs.example.com/errors/Not-Snake",
    ] {
        let body = format!(r#"{{"type":"{uri}","title":"Not Found","status":404}}"#);
        assert_eq!(parse(404, body.as_bytes()).code(), UNKNOWN_CODE, "{uri}");
    }
}

//! Shared by the OpenAPI tests (utoipa, aide): structural checks of a generated document.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use serde_json::Value;

/// Collects every `$ref` value in the document.
pub fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref" {
                    if let Some(s) = v.as_str() {
                        out.push(s);
                    }
                }
                refs(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// OpenAPI 3.1 structure: version, info, non-empty paths whose operations all have
/// responses keyed by a status code
/// (or range, or `default`), each with a description; `example` and `examples` never
/// together, every named example with a value; every `$ref` local and resolving.
pub fn check_openapi_31_structure(doc: &Value) {
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].is_string());
    assert!(doc["info"]["version"].is_string());
    let paths = doc["paths"].as_object().unwrap();
    assert!(!paths.is_empty());
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{method} {path}");
            for (status, response) in responses {
                // A status code, a range (`4XX`) or `default`.
                let b = status.as_bytes();
                assert!(
                    status == "default"
                        || (b.len() == 3
                            && (b'1'..=b'5').contains(&b[0])
                            && (b[1..].iter().all(u8::is_ascii_digit) || &b[1..] == b"XX")),
                    "{status}"
                );
                assert!(
                    response["description"].is_string(),
                    "{method} {path} {status}"
                );
                if let Some(content) = response.get("content") {
                    for media in content.as_object().unwrap().values() {
                        // `example` and `examples` are mutually exclusive.
                        assert!(media.get("example").is_none() || media.get("examples").is_none());
                        if let Some(examples) = media.get("examples") {
                            for example in examples.as_object().unwrap().values() {
                                assert!(example.get("value").is_some());
                            }
                        }
                    }
                }
            }
        }
    }
    let mut all = Vec::new();
    refs(doc, &mut all);
    for r in all {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external $ref {r}"));
        assert!(doc.pointer(pointer).is_some(), "unresolved $ref {r}");
    }
}

/// The `ErrorBody` schema: an object with the five keys, all required and described,
/// `param` and `request_id` nullable strings, and the optional `errors` array of
/// `{param, code, message}` objects.
pub fn check_error_body_schema(schema: &Value) {
    assert_eq!(schema["type"], "object");
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        required,
        BTreeSet::from(["message", "type", "code", "param", "request_id"])
    );
    let props = schema["properties"].as_object().unwrap();
    assert_eq!(props.len(), 6);
    let errors = &props["errors"];
    assert_eq!(errors["type"], "array");
    assert_eq!(errors["items"]["type"], "object");
    assert_eq!(
        errors["items"]["required"],
        serde_json::json!(["param", "code", "message"])
    );
    for key in ["param", "code", "message"] {
        assert_eq!(
            errors["items"]["properties"][key]["type"], "string",
            "{key}"
        );
    }
    for key in ["message", "type", "code"] {
        assert_eq!(props[key]["type"], "string", "{key}");
    }
    for key in ["param", "request_id"] {
        assert_eq!(
            props[key]["type"],
            serde_json::json!(["string", "null"]),
            "{key}"
        );
    }
    for (key, prop) in props {
        assert!(
            prop["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{key} has no description"
        );
    }
}

/// The examples of `response` (JSON): name -> value.
pub fn examples(response: &Value) -> serde_json::Map<String, Value> {
    examples_of(response, "application/json")
}

/// The names of the examples of `response` (JSON), sorted (in the document they are in
/// the catalog's order with serde_json's `preserve_order`, else sorted).
pub fn example_names(response: &Value) -> Vec<String> {
    let mut names: Vec<String> = examples(response).keys().cloned().collect();
    names.sort_unstable();
    names
}

/// The problem-details examples of `response` (`application/problem+json`): name -> value.
pub fn problem_examples(response: &Value) -> serde_json::Map<String, Value> {
    examples_of(response, "application/problem+json")
}

/// Every error response documents problem details too, one example per code, each the same
/// error as the JSON example, as the servers render it (`ProblemDetails` schema).
pub fn check_problem_examples(doc: &Value) {
    let mut seen = 0;
    for path in doc["paths"].as_object().unwrap().values() {
        for operation in path.as_object().unwrap().values() {
            let Some(responses) = operation["responses"].as_object() else {
                continue;
            };
            for (status, response) in responses {
                // Ours: an error response whose JSON body has examples (an app may
                // document others its own way).
                let ours = response["content"]["application/json"]["examples"].is_object();
                if !status.starts_with(['4', '5']) || !ours {
                    continue;
                }
                let problem = &response["content"]["application/problem+json"];
                assert!(problem["schema"].is_object(), "{status}: {response}");
                let (json, problems) = (examples(response), problem_examples(response));
                assert_eq!(
                    json.keys().collect::<Vec<_>>(),
                    problems.keys().collect::<Vec<_>>(),
                    "{status}"
                );
                for (code, flat) in &json {
                    let p = &problems[code];
                    assert_eq!(p["type"], "about:blank");
                    assert_eq!(p["status"].to_string(), *status);
                    assert_eq!(p["detail"], flat["message"]);
                    assert_eq!(p["code"], flat["code"]);
                    assert_eq!(p["param"], flat["param"]);
                    assert_eq!(p["error_type"], flat["type"]);
                    assert_eq!(p.get("errors"), flat.get("errors"));
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 0, "no error response documented");
}

fn examples_of(response: &Value, media: &str) -> serde_json::Map<String, Value> {
    response["content"][media]["examples"]
        .as_object()
        .unwrap_or_else(|| panic!("no examples in {response}"))
        .iter()
        .map(|(name, example)| (name.clone(), example["value"].clone()))
        .collect()
}

/// How many responses of `doc`'s operations document a header `name`; and that none of
/// them still documents `x-request-id` (after `document_request_id_header(doc, name)`).
pub fn request_id_headers_named(doc: &Value, name: &str) -> usize {
    let mut named = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(responses) = operation["responses"].as_object() else {
                continue;
            };
            for (status, response) in responses {
                let headers = &response["headers"];
                assert!(
                    headers["x-request-id"].is_null(),
                    "{method} {path} {status}: {headers}"
                );
                named += usize::from(headers[name].is_object());
            }
        }
    }
    named
}

/// The status keys of an operation's responses, in document order.
pub fn statuses(operation: &Value) -> Vec<String> {
    operation["responses"]
        .as_object()
        .unwrap_or_else(|| panic!("no responses in {operation}"))
        .keys()
        .cloned()
        .collect()
}

/// Errors with a delay and static headers (what their responses document beyond the body).
#[derive(Debug, thiserror::Error, api_error_core::ApiError)]
pub enum GateError {
    #[error("slow down")]
    #[api_error(status = 429, code = "rate_limited")]
    RateLimited {
        #[api_error(retry_after)]
        wait: std::time::Duration,
    },
    #[error("who are you")]
    #[api_error(
        status = 401,
        code = "unauthenticated",
        header("WWW-Authenticate", "Bearer realm=\"api\"")
    )]
    Unauthenticated,
    #[error("expired")]
    #[api_error(
        status = 401,
        code = "token_expired",
        header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
    )]
    TokenExpired,
}

/// `document_format` (utoipa's or aide's, as `rewrite`) on a document with error responses
/// (`before`, flat and without a type base, as generated): flat without a base changes
/// nothing (the document also survives its round trip); enveloped wraps every JSON example
/// as `{"error": ...}` under the envelope schema; problem with a base drops
/// `application/json` and gives every problem example the base joined with its code. Other
/// responses are left as they are.
pub fn check_document_format(
    before: &Value,
    rewrite: impl Fn(&api_error_core::ErrorFormat) -> Value,
) {
    use api_error_core::{ErrorFormat, WireFormat};
    const BASE: &str = "https://docs.example.com/errors/";
    assert_eq!(rewrite(&ErrorFormat::new(WireFormat::Flat)), *before);

    let enveloped = rewrite(&ErrorFormat::new(WireFormat::Enveloped));
    let problem = rewrite(&ErrorFormat::new(WireFormat::Problem).problem_type_base(BASE));
    let mut seen = 0;
    for (path, item) in before["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(responses) = operation["responses"].as_object() else {
                continue;
            };
            for (status, response) in responses {
                let at = |doc: &Value| doc["paths"][path][method]["responses"][status].clone();
                let ours = response["content"]["application/problem+json"].is_object()
                    && response["content"]["application/json"]["examples"].is_object();
                if !ours {
                    assert_eq!(at(&enveloped), *response, "{path} {method} {status}");
                    assert_eq!(at(&problem), *response, "{path} {method} {status}");
                    continue;
                }
                let wrapped = at(&enveloped);
                let media = &wrapped["content"]["application/json"];
                assert_eq!(media["schema"]["title"], "ErrorEnvelope", "{wrapped}");
                for (code, flat) in examples(response) {
                    assert_eq!(
                        media["examples"][&code]["value"],
                        serde_json::json!({ "error": flat }),
                        "{path} {method} {status} {code}"
                    );
                }
                assert_eq!(
                    wrapped["content"]["application/problem+json"],
                    response["content"]["application/problem+json"]
                );

                let problems = at(&problem);
                assert!(
                    problems["content"]["application/json"].is_null(),
                    "{problems}"
                );
                for (code, mut expected) in problem_examples(response) {
                    expected["type"] = format!("{BASE}{code}").into();
                    assert_eq!(
                        problems["content"]["application/problem+json"]["examples"][&code]["value"],
                        expected,
                        "{path} {method} {status}"
                    );
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 0, "no error response documented");
}

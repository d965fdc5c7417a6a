//! What the OpenAPI integrations (utoipa, aide) share, so both describe errors the same way:
//! the body's schema and headers, a catalog as one response per status with one example per
//! code, and the errors the layer / middleware send on their own. Generator-independent:
//! each integration only turns these descriptions into its own types.

use std::borrow::Cow;
use std::fmt::Write as _;

use http::StatusCode;
use serde_json::{Map, Value};

use super::{Catalog, CatalogEntry, ResponseHint};
use crate::status;

/// The body schema's name and title.
pub(crate) const BODY_TITLE: &str = "ErrorBody";

/// The body schema's description.
pub(crate) const BODY_DESCRIPTION: &str =
    "The standard error body: every error response of this API carries it.";

/// The body's keys in wire order: name, whether it may be `null`, description.
pub(crate) const BODY_KEYS: [(&str, bool, &str); 5] = [
    (
        "message",
        false,
        "Human-readable description of the error, safe to show to the API's user.",
    ),
    (
        "type",
        false,
        "The error category, snake_case: invalid_request_error, authentication_error, \
         permission_error, not_found_error, conflict_error, validation_error, \
         rate_limit_error or api_error.",
    ),
    (
        "code",
        false,
        "Machine-readable error code, snake_case, stable across releases.",
    ),
    (
        "param",
        true,
        "The request parameter the error is about; null when none.",
    ),
    (
        "request_id",
        true,
        "Identifies the request for support (same as the x-request-id header); null when \
         unknown.",
    ),
];

/// The body's optional sixth key: name and description (an array of `FieldError`s).
pub(crate) const ERRORS_KEY: (&str, &str) = (
    "errors",
    "Every invalid input of the request, in order; present only when there are some \
     (code validation_failed and errors that carry field errors), absent otherwise.",
);

/// The schema name and title of one item of `errors`.
pub(crate) const FIELD_ERROR_TITLE: &str = "FieldError";

/// The description of one item of `errors`.
pub(crate) const FIELD_ERROR_DESCRIPTION: &str =
    "One invalid input of the request: which one, the rule it broke, and what is wrong.";

/// The keys of one item of `errors`, in wire order, all required strings: name, description.
pub(crate) const FIELD_ERROR_KEYS: [(&str, &str); 3] = [
    (
        "param",
        "The input's path: amount, address.city, items[0].amount; empty when the error is \
         about the request as a whole.",
    ),
    (
        "code",
        "The rule the input broke, snake_case: required, length, range, email, ...",
    ),
    (
        "message",
        "What is wrong with the input, safe to show to the API's user.",
    ),
];

/// The JSON Schema of one item of `errors`.
#[cfg_attr(not(feature = "aide"), allow(dead_code))]
pub(crate) fn field_error_schema() -> Map<String, Value> {
    let mut properties = Map::new();
    for (name, description) in FIELD_ERROR_KEYS {
        properties.insert(
            name.to_owned(),
            serde_json::json!({ "type": "string", "description": description }),
        );
    }
    let mut schema = Map::new();
    schema.insert("title".into(), FIELD_ERROR_TITLE.into());
    schema.insert("description".into(), FIELD_ERROR_DESCRIPTION.into());
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert(
        "required".into(),
        FIELD_ERROR_KEYS
            .iter()
            .map(|(name, _)| Value::from(*name))
            .collect(),
    );
    schema
}

/// Every error response's headers: name and description (both are strings).
pub(crate) const REQUEST_ID_HEADER: (&str, &str) = (
    "x-request-id",
    "Identifies the request for support; the same value as the body's request_id.",
);
/// The header name a document gives the request id under instead of `x-request-id`
/// (`document_request_id_header`): `name` as a header name is written (lower case), or
/// `None` when it is not a valid one or is `x-request-id` itself.
pub(crate) fn request_id_header_name(name: &str) -> Option<String> {
    let name = http::HeaderName::from_bytes(name.as_bytes()).ok()?;
    (name.as_str() != REQUEST_ID_HEADER.0).then(|| name.as_str().to_owned())
}

/// What the layer and the middleware add to every error they answer a request with: the
/// body's format follows the request's `Accept` (RFC 9110 §12.5.5).
pub(crate) const VARY_HEADER: (&str, &str) = (
    "vary",
    "Includes `accept`: the body is problem details when the request's Accept prefers them.",
);
pub(crate) const SHOULD_RETRY_HEADER: (&str, &str) = (
    "x-should-retry",
    "Whether the client may retry the request.",
);

/// The `x-should-retry` values of a response once another's examples are merged into it:
/// those of either header schema (as JSON: `{"type":"string","enum":[...]}`), in the
/// documented order.
pub(crate) fn merged_should_retry(schemas: [Option<&Value>; 2]) -> Vec<&'static str> {
    let has = |value: &str| {
        schemas.iter().flatten().any(|schema| {
            schema
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|values| values.iter().any(|v| v == value))
        })
    };
    ["true", "false"].into_iter().filter(|v| has(v)).collect()
}

/// The media type of every error response.
pub(crate) const JSON: &str = "application/json";

pub(crate) use crate::format::PROBLEM_JSON;

/// The body's JSON Schema (valid as OpenAPI 3.1 and as JSON Schema draft 7): an object with
/// the five keys, all required, `param` and `request_id` of type `["string", "null"]`, and
/// the optional `errors` array.
pub(crate) fn body_schema() -> Map<String, Value> {
    let mut properties = Map::new();
    for (name, nullable, description) in BODY_KEYS {
        let ty = if nullable {
            serde_json::json!(["string", "null"])
        } else {
            Value::from("string")
        };
        properties.insert(
            name.to_owned(),
            serde_json::json!({ "type": ty, "description": description }),
        );
    }
    let (errors, errors_description) = ERRORS_KEY;
    properties.insert(
        errors.to_owned(),
        serde_json::json!({
            "type": "array",
            "description": errors_description,
            "items": Value::Object(field_error_schema()),
        }),
    );
    let mut schema = Map::new();
    schema.insert("title".into(), BODY_TITLE.into());
    schema.insert("description".into(), BODY_DESCRIPTION.into());
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert(
        "required".into(),
        BODY_KEYS
            .iter()
            .map(|(name, _, _)| Value::from(*name))
            .collect(),
    );
    schema
}

/// The RFC 9457 problem body's schema name and title.
#[cfg_attr(not(any(feature = "utoipa", feature = "aide")), allow(dead_code))]
pub(crate) const PROBLEM_TITLE: &str = "ProblemDetails";

/// The enveloped body's schema name and title.
#[cfg_attr(not(feature = "utoipa"), allow(dead_code))]
pub(crate) const ENVELOPE_TITLE: &str = "ErrorEnvelope";

/// The schema of the body in [`WireFormat::Problem`](crate::WireFormat::Problem)
/// (`application/problem+json`): RFC 9457 members, then this crate's extensions.
#[cfg_attr(not(any(feature = "utoipa", feature = "aide")), allow(dead_code))]
pub(crate) fn problem_schema() -> Map<String, Value> {
    let string =
        |description: &str| serde_json::json!({ "type": "string", "description": description });
    let nullable = |description: &str| serde_json::json!({ "type": ["string", "null"], "description": description });
    let properties = serde_json::json!({
        "type": {
            "type": "string",
            "format": "uri-reference",
            "description": "Identifies the problem type: the API's documentation base joined with the code, or about:blank.",
        },
        "title": string("The HTTP status's reason phrase."),
        "status": {
            "type": "integer",
            "minimum": 400,
            "maximum": 599,
            "description": "The HTTP status code.",
        },
        "detail": string(BODY_KEYS[0].2),
        "code": string(BODY_KEYS[2].2),
        "param": nullable(BODY_KEYS[3].2),
        "request_id": nullable(BODY_KEYS[4].2),
        ERRORS_KEY.0: {
            "type": "array",
            "description": ERRORS_KEY.1,
            "items": Value::Object(field_error_schema()),
        },
        "error_type": string(BODY_KEYS[1].2),
    });
    let mut schema = Map::new();
    schema.insert("title".into(), PROBLEM_TITLE.into());
    schema.insert(
        "description".into(),
        "An error as RFC 9457 problem details (application/problem+json).".into(),
    );
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), properties);
    schema.insert(
        "required".into(),
        serde_json::json!([
            "type",
            "title",
            "status",
            "detail",
            "code",
            "param",
            "request_id",
            "error_type"
        ]),
    );
    schema
}

/// The schema of the body in [`WireFormat::Enveloped`](crate::WireFormat::Enveloped):
/// `{"error": <the flat body>}`, the flat body inlined.
pub(crate) fn envelope_schema() -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert("title".into(), ENVELOPE_TITLE.into());
    schema.insert(
        "description".into(),
        "An error wrapped as {\"error\": {...}}, as the OpenAI API sends it.".into(),
    );
    schema.insert("type".into(), "object".into());
    schema.insert(
        "properties".into(),
        serde_json::json!({ "error": Value::Object(body_schema()) }),
    );
    schema.insert("required".into(), serde_json::json!(["error"]));
    schema
}

/// Whether a serialized schema is the body's: a `$ref` to a schema named `ErrorBody`, or an
/// inline schema titled `ErrorBody`.
pub(crate) fn is_body_schema(schema: &Value) -> bool {
    // schemars names a second schema `ErrorBody2` when an app has one of that name.
    let ours = |name: &str| {
        name.strip_prefix(BODY_TITLE)
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    };
    let by_ref = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .is_some_and(ours);
    by_ref || schema.get("title").and_then(Value::as_str) == Some(BODY_TITLE)
}

/// One documented response: its description, the values `x-should-retry` takes, the
/// headers some of its codes add, and one example per code.
pub(crate) struct ResponseDoc {
    pub description: String,
    /// `"true"` and/or `"false"`.
    pub should_retry: Vec<&'static str>,
    /// Beyond `x-request-id` and `x-should-retry`.
    pub headers: Vec<HeaderDoc>,
    pub examples: Vec<ExampleDoc>,
}

/// A header that some codes of a response add.
pub(crate) struct HeaderDoc {
    pub name: &'static str,
    pub description: String,
    /// `integer` for the retry delays, `string` for static headers.
    pub integer: bool,
    /// A static header's values (one per distinct value its codes send).
    pub values: Vec<Cow<'static, str>>,
}

/// The retry-delay headers the integrations send for an error with a delay.
const RETRY_HEADERS: [(&str, &str); 2] = [
    (
        "retry-after",
        "Seconds to wait before retrying (RFC 9110), sent with an error that carries a delay",
    ),
    (
        "retry-after-ms",
        "Milliseconds to wait before retrying, sent with an error that carries a delay",
    ),
];

/// The headers that the codes `codes` add to their response, by `hints`.
fn headers_of(codes: &[&str], hints: &ResponseHints) -> Vec<HeaderDoc> {
    let of_codes = || {
        hints
            .iter()
            .filter(|(code, _)| codes.contains(code))
            .map(|(code, hint)| (*code, *hint))
    };
    let mut headers: Vec<HeaderDoc> = Vec::new();
    let delayed: Vec<&str> = of_codes()
        .filter(|(_, hint)| *hint == ResponseHint::RetryAfter)
        .map(|(code, _)| code)
        .collect();
    if !delayed.is_empty() {
        for (name, description) in RETRY_HEADERS {
            headers.push(HeaderDoc {
                name,
                description: format!("{description} ({}).", code_list(&delayed)),
                integer: true,
                values: Vec::new(),
            });
        }
    }
    // Static headers: one per name, with each value and the codes that send it.
    let mut statics: Vec<(&'static str, Vec<&'static str>, Vec<&str>)> = Vec::new();
    for (code, hint) in of_codes() {
        let ResponseHint::Header(name, value) = hint else {
            continue;
        };
        let at = statics
            .iter()
            .position(|(n, ..)| n.eq_ignore_ascii_case(name));
        let (_, values, senders) = match at {
            Some(i) => &mut statics[i],
            None => {
                statics.push((name, Vec::new(), Vec::new()));
                let last = statics.len() - 1;
                &mut statics[last]
            }
        };
        if !values.contains(&value) {
            values.push(value);
        }
        if !senders.contains(&code) {
            senders.push(code);
        }
    }
    headers.extend(statics.into_iter().map(|(name, values, senders)| {
        let mut description = format!("Sent with {}.", code_list(&senders));
        // An error's own `Vary` replaces the standard one here, and the integrations still
        // add `accept` to it on the wire.
        // The field is sent as two lines, which a client reads as one list (RFC 9110 §5.3):
        // each value is documented as that list.
        let mut values: Vec<Cow<'static, str>> = values.into_iter().map(Cow::Borrowed).collect();
        if name.eq_ignore_ascii_case(VARY_HEADER.0) {
            for value in &mut values {
                let lists_accept = value
                    .split(',')
                    .any(|v| v.trim().eq_ignore_ascii_case("accept"));
                if !lists_accept {
                    *value = Cow::Owned(format!("{value}, accept"));
                }
            }
            // The codes of this response without a `Vary` of their own send the standard one.
            let standard = codes.iter().any(|code| !senders.contains(code));
            if standard && !values.iter().any(|v| v.eq_ignore_ascii_case("accept")) {
                values.push(Cow::Borrowed("accept"));
            }
            description.push_str(
                " The integrations add `accept`: the body's format follows the request's Accept.",
            );
        }
        HeaderDoc {
            name,
            description,
            integer: false,
            values,
        }
    }));
    headers
}

/// `` `a`, `b` ``.
fn code_list(codes: &[&str]) -> String {
    let mut out = String::new();
    for (i, code) in codes.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "`{code}`");
    }
    out
}

/// One code's example: named after the code, its value the body with the public message.
pub(crate) struct ExampleDoc {
    pub code: &'static str,
    pub summary: String,
    /// The whole doc comment, when it says more than the summary.
    pub description: Option<&'static str>,
    pub value: Value,
    /// The same error as problem details (`application/problem+json`, no type base), as the
    /// servers render it for a client whose `Accept` prefers them.
    pub problem: Value,
}

/// What fields of a type's errors give, by code (see [`ResponseHint`]).
pub(crate) type ResponseHints = [(&'static str, ResponseHint)];

/// The catalog as one response per status, ascending.
pub(crate) fn by_status(catalog: &Catalog) -> Vec<(u16, ResponseDoc)> {
    by_status_of(&catalog.documented_entries(), &[])
}

/// A type's entries as one response per status, ascending. As in a merged [`Catalog`], a
/// code may appear under two statuses: inner types behind transparent variants can use one
/// code for different errors, and each status a type can send is documented. Within one
/// status, a code listed twice keeps its first entry.
pub(crate) fn by_status_of(
    entries: &[CatalogEntry],
    hints: &ResponseHints,
) -> Vec<(u16, ResponseDoc)> {
    let mut groups: std::collections::BTreeMap<u16, Vec<&CatalogEntry>> =
        std::collections::BTreeMap::new();
    for e in entries {
        groups.entry(e.status).or_default().push(e);
    }
    groups
        .into_iter()
        .map(|(status, entries)| {
            let reason = StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason());
            let heading = match reason {
                Some(reason) => reason.to_owned(),
                None => format!("Status {status}"),
            };
            (status, response_doc(&heading, &entries, false, hints))
        })
        .collect()
}

/// The whole catalog as one response (every code, its status in the description).
#[cfg_attr(not(feature = "aide"), allow(dead_code))]
pub(crate) fn all_in_one(catalog: &Catalog) -> ResponseDoc {
    all_in_one_of(&catalog.documented_entries(), &catalog.response_hints())
}

/// [`all_in_one`] of a type's own entries.
#[cfg_attr(not(feature = "aide"), allow(dead_code))]
pub(crate) fn all_in_one_of(entries: &[CatalogEntry], hints: &ResponseHints) -> ResponseDoc {
    // All of them: `response_doc` lists each code (with its status) once, and takes the
    // retry values of every entry.
    let entries: Vec<&CatalogEntry> = entries.iter().collect();
    response_doc("Error", &entries, true, hints)
}

/// `heading. Codes: `a`, `b`.` (with each code's status when `with_status`: then a code
/// under two statuses is listed twice), the retry values, and the examples (named by code:
/// a code listed twice keeps its first entry's).
fn response_doc(
    heading: &str,
    entries: &[&CatalogEntry],
    with_status: bool,
    hints: &ResponseHints,
) -> ResponseDoc {
    let mut seen: Vec<&str> = Vec::with_capacity(entries.len());
    let mut unique: Vec<&CatalogEntry> = Vec::with_capacity(entries.len());
    let mut listed: Vec<&CatalogEntry> = Vec::with_capacity(entries.len());
    for e in entries {
        if !seen.contains(&e.code) {
            seen.push(e.code);
            unique.push(e);
        }
        let again = |l: &&CatalogEntry| l.code == e.code && (!with_status || l.status == e.status);
        if !listed.iter().any(again) {
            listed.push(e);
        }
    }

    let mut description = String::from(heading);
    description.push_str(". Codes: ");
    for (i, e) in listed.iter().enumerate() {
        if i > 0 {
            description.push_str(", ");
        }
        description.push('`');
        description.push_str(e.code);
        description.push('`');
        if with_status {
            let _ = write!(description, " ({})", e.status);
        }
    }
    description.push('.');

    // Every value the codes send: of all the entries, not only the first of each code (two
    // variants of one code may differ in retryability, which a client's retry follows).
    let mut should_retry = Vec::new();
    if entries.iter().any(|e| e.retryable) {
        should_retry.push("true");
    }
    if entries.iter().any(|e| !e.retryable) {
        should_retry.push("false");
    }

    ResponseDoc {
        description,
        should_retry,
        headers: headers_of(&seen, hints),
        examples: unique
            .iter()
            .map(|e| {
                let of_code = hints.iter().filter(|(code, _)| *code == e.code);
                example(e, of_code.map(|(_, hint)| *hint))
            })
            .collect(),
    }
}

/// One code's example. The summary is the doc comment's first paragraph on one line (else
/// the message, else the code); the whole doc comment is the description when it says more.
/// [`FieldErrors`](crate::FieldErrors)' own entry shows a body with field errors.
/// `hints` say what fields of the error give: a param field shows as `"{field}"`, as the
/// message shows its template; field errors as a sample list (whose first `param` is the
/// body's, unless something else gives it).
fn example(e: &CatalogEntry, hints: impl Iterator<Item = ResponseHint>) -> ExampleDoc {
    let value = if is_field_errors(e) {
        field_errors_example()
    } else {
        let (mut param_field, mut field_errors) = (None, false);
        for hint in hints {
            match hint {
                ResponseHint::Param(field) => param_field = Some(field),
                ResponseHint::FieldErrors => field_errors = true,
                ResponseHint::RetryAfter | ResponseHint::Header(..) => {}
            }
        }
        let sample = field_errors.then(sample_field_errors);
        let param = match (param_field, e.param, &sample) {
            (Some(field), _, _) => Value::String(format!("{{{field}}}")),
            (None, Some(p), _) => Value::String(p.to_owned()),
            (None, None, Some(sample)) => sample
                .first()
                .map_or(Value::Null, |f| Value::String(f.param.to_string())),
            (None, None, None) => Value::Null,
        };
        let mut value = serde_json::json!({
            "message": e.message,
            "type": e.error_type,
            "code": e.code,
            "param": param,
            "request_id": null,
        });
        if let (Some(sample), Some(object)) = (sample, value.as_object_mut()) {
            object.insert(
                "errors".to_owned(),
                serde_json::to_value(sample).unwrap_or(Value::Null),
            );
        }
        value
    };
    let first_paragraph = first_paragraph(e.doc);
    let summary = if !first_paragraph.is_empty() {
        first_paragraph
    } else if !e.message.is_empty() {
        e.message.to_owned()
    } else {
        e.code.to_owned()
    };
    let doc = e.doc.trim();
    let description = (!doc.is_empty() && doc != summary).then_some(doc);
    ExampleDoc {
        code: e.code,
        summary,
        description,
        problem: problem_example(e.status, &value),
        value,
    }
}

/// A flat example body as problem details, written by the renderer the servers use.
fn problem_example(status: u16, flat: &Value) -> Value {
    example_in(
        &crate::ErrorFormat::new(crate::WireFormat::Problem),
        status,
        flat,
    )
}

/// A flat example body in `format`, written by the renderer the servers use.
fn example_in(format: &crate::ErrorFormat, status: u16, flat: &Value) -> Value {
    use crate::format::{write_fields, Fields};
    let Ok(body) = serde_json::from_value::<crate::ErrorBody<'static>>(flat.clone()) else {
        return Value::Null;
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut out = Vec::new();
    write_fields(format, &Fields::from_body(status, &body, None), &mut out);
    serde_json::from_slice(&out).unwrap_or(Value::Null)
}

/// Rewrites the content (media types) of one response of an OpenAPI document (utoipa's or
/// aide's types) to say what a server configured with `format` sends, if this crate wrote
/// it (its `application/json` body is the `ErrorBody`, beside `application/problem+json`);
/// any other response stays as it is. Through JSON, so one rewrite serves both generators;
/// only the content is read back, and only when it changed: this crate's media types
/// round-trip, where a whole response (an app's header with an any-JSON schema) or document
/// may not, as utoipa cannot read back some schemas it writes.
///
/// - `application/json` becomes the envelope (`Enveloped`), or goes (`Problem`: such a
///   server sends problem details to every client);
/// - `application/problem+json` (sent to a client whose `Accept` prefers it, whatever the
///   format) keeps its schema; its examples take the problem type base.
///
/// Examples are rendered again from the flat ones by the servers' own renderer.
pub(crate) fn content_in_format<C>(content: &mut C, format: &crate::ErrorFormat)
where
    C: serde::Serialize + serde::de::DeserializeOwned,
{
    let Ok(before) = serde_json::to_value(&*content) else {
        return;
    };
    let mut response = Map::new();
    response.insert("content".into(), before.clone());
    let mut response = Value::Object(response);
    response_in(&mut response, format);
    let after = response["content"].take();
    if after != before {
        if let Ok(rewritten) = serde_json::from_value(after) {
            *content = rewritten;
        }
    }
}

/// [`content_in_format`] on a response as JSON.
fn response_in(response: &mut Value, format: &crate::ErrorFormat) {
    use crate::WireFormat;
    let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    let (Some(json), Some(problem)) = (content.get(JSON), content.get(PROBLEM_JSON)) else {
        return;
    };
    if !is_body_schema(&json["schema"]) {
        return;
    }
    // Each code's flat example, and its status (its problem example says it).
    let flat: Vec<(String, u16, Value)> = json["examples"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(code, example)| {
            let status = problem["examples"][code]["value"]["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())?;
            let value = example.get("value").filter(|v| v.is_object())?;
            Some((code.clone(), status, value.clone()))
        })
        .collect();
    let problem = format.with_wire(WireFormat::Problem);
    // Only an example object that has a value is rewritten (not a `$ref`, nothing an app
    // shaped otherwise), and only with a body the renderer wrote.
    let examples_in = |media: &mut Value, format: &crate::ErrorFormat| {
        for (code, status, value) in &flat {
            let rendered = example_in(format, *status, value);
            let example = media
                .pointer_mut(&format!("/examples/{}", pointer_escape(code)))
                .and_then(Value::as_object_mut);
            if let Some(example) = example.filter(|e| e.contains_key("value")) {
                if rendered.is_object() {
                    example.insert("value".into(), rendered);
                }
            }
        }
    };
    if let Some(media) = content.get_mut(PROBLEM_JSON) {
        examples_in(media, &problem);
    }
    match format.wire_format() {
        WireFormat::Flat => {}
        WireFormat::Problem => {
            content.remove(JSON);
        }
        WireFormat::Enveloped => {
            if let Some(media) = content.get_mut(JSON) {
                if let Some(object) = media.as_object_mut() {
                    object.insert("schema".into(), Value::Object(envelope_schema()));
                }
                examples_in(media, format);
            }
        }
    }
}

/// A JSON Pointer token (RFC 6901): `~` and `/` escaped.
fn pointer_escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Whether the entry is [`FieldErrors`](crate::FieldErrors)' own (through a transparent
/// variant, or a handler's error), not a variant of another type that uses its code: that
/// one's body is its own, with its own message.
fn is_field_errors(e: &CatalogEntry) -> bool {
    let own = <crate::FieldErrors as crate::ErrorCatalog>::catalog();
    own.iter().any(|f| {
        (f.variant, f.code, f.error_type, f.message) == (e.variant, e.code, e.error_type, e.message)
    })
}

/// The body of a `validation_failed` error with two field errors, as the server renders it.
fn field_errors_example() -> Value {
    use crate::{ApiError, FieldErrors};
    let errors: FieldErrors = sample_field_errors().into_iter().collect();
    serde_json::to_value(errors.to_body()).unwrap_or(Value::Null)
}

/// The field errors examples show, in the words of the validation crate the build has
/// (validator's when it has both, or neither).
fn sample_field_errors() -> Vec<crate::FieldError> {
    use crate::FieldError;
    let (length, range) = if cfg!(all(feature = "garde", not(feature = "validator"))) {
        ("length is lower than 2", "lower than 1")
    } else {
        ("must be at least 2 characters long", "must be at least 1")
    };
    vec![
        FieldError::new("name", "length", length),
        FieldError::new("items[1].amount", "range", range),
    ]
}

/// The first paragraph of a doc comment, its lines joined by spaces.
fn first_paragraph(doc: &str) -> String {
    doc.lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Adds `code` to a description written by [`response_doc`] (`... Codes: `a`, `b`.`);
/// leaves any other description as it is.
pub(crate) fn add_code(description: &mut String, code: &str) {
    if description.contains(". Codes: `") && description.ends_with("`.") {
        description.pop();
        let _ = write!(description, ", `{code}`.");
    }
}

/// What an operation takes that the layer (axum) and the middleware (actix-web) check, as
/// the framework's extractors do, before its handler runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Inputs {
    /// The request body, if the operation takes one.
    pub body: Option<BodyKind>,
    /// Query parameters.
    pub query: bool,
    /// Path parameters.
    pub path: bool,
}

/// The method of an operation, as far as what the extractors check depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verb {
    Get,
    Head,
    Other,
}

impl Inputs {
    /// The inputs of an operation with a request body of this kind, query parameters and
    /// path parameters. axum's `Form` on a `GET` reads the query string (aide documents it
    /// as a body): its errors are the query's; on a `HEAD` it reads the body, and a body of
    /// the wrong shape is a 400 there (not the 422 of other methods).
    pub fn of(verb: Verb, body: Option<BodyKind>, query: bool, path: bool) -> Inputs {
        let form = body == Some(BodyKind::Form);
        let query_form = verb == Verb::Get && form;
        Inputs {
            body: match body {
                _ if query_form => None,
                Some(BodyKind::Form) if verb == Verb::Head => Some(BodyKind::FormOnHead),
                other => other,
            },
            query: query || query_form,
            path,
        }
    }
}

/// Whether an OpenAPI path template has parameters (`/v1/customers/{id}`).
pub(crate) fn has_path_params(template: &str) -> bool {
    template
        .split_once('{')
        .is_some_and(|(_, rest)| rest.contains('}'))
}

/// What a request body is read as, which decides the errors its extractor sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum BodyKind {
    /// JSON (`Json<T>`): declared as `application/json` or `application/*+json`, or not
    /// declared at all (a referenced body).
    Json,
    /// A form (`Form<T>`): declared, and only as `application/x-www-form-urlencoded`.
    Form,
    /// A form read on a `HEAD` (see [`Inputs::of`]).
    FormOnHead,
    /// Text (`String`): declared only as `text/*`; its size is checked, and that it is UTF-8.
    Text,
    /// A multipart upload (`Multipart`): declared only as `multipart/*`; its size is
    /// checked, and that its content type has a boundary.
    Multipart,
    /// Anything else (`Bytes`): only its size is checked.
    Other,
}

impl BodyKind {
    /// The kind of a body declared with these media types.
    pub fn of<'a>(media_types: impl IntoIterator<Item = &'a str>) -> BodyKind {
        let essences: Vec<&str> = media_types
            .into_iter()
            .map(|m| m.split(';').next().unwrap_or(m).trim())
            .collect();
        let is = |essence: &&str, wanted: &str| essence.eq_ignore_ascii_case(wanted);
        if essences.is_empty() {
            BodyKind::Json
        } else if essences
            .iter()
            .all(|e| is(e, "application/x-www-form-urlencoded"))
        {
            BodyKind::Form
        } else if essences
            .iter()
            .all(|e| e.get(..5).is_some_and(|t| t.eq_ignore_ascii_case("text/")))
        {
            BodyKind::Text
        } else if essences.iter().all(|e| {
            e.get(..10)
                .is_some_and(|t| t.eq_ignore_ascii_case("multipart/"))
        }) {
            BodyKind::Multipart
        } else if essences.iter().any(|e| {
            let lower = e.to_ascii_lowercase();
            lower == "application/json"
                || (lower.starts_with("application/") && lower.ends_with("+json"))
        }) {
            BodyKind::Json
        } else {
            BodyKind::Other
        }
    }
}

/// The errors the layer and the middleware send on their own for an operation taking
/// `inputs`, as they send them: a malformed JSON body (400 `invalid_json`), a JSON or form
/// body without its content type (415 `unsupported_media_type`), a body over the size limit
/// (413 `payload_too_large`), a JSON or form body of the wrong shape
/// (422 `invalid_body`, `param` naming the field when serde does), a query string or a path
/// parameter that does not deserialize (400 `invalid_query`, `invalid_path`), and a handler
/// panic (500 `internal_error`, never the panic's text), one response per status.
pub(crate) fn layer_responses(inputs: Inputs) -> Vec<(u16, ResponseDoc)> {
    let entry = |status: StatusCode,
                 code: &'static str,
                 message: &'static str,
                 param: Option<&'static str>,
                 doc: &'static str| CatalogEntry {
        variant: "",
        status: status.as_u16(),
        error_type: status::default_type(status),
        code,
        message,
        param,
        retryable: status::is_retryable(status),
        doc,
    };
    let mut entries = Vec::new();
    let (json, form) = (
        inputs.body == Some(BodyKind::Json),
        matches!(inputs.body, Some(BodyKind::Form | BodyKind::FormOnHead)),
    );
    if json {
        entries.push(entry(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "Failed to parse the request body as JSON: EOF while parsing a value at line 1 \
             column 13.",
            None,
            "The request body is not valid JSON. The message carries the parser's text.",
        ));
    }
    if inputs.body == Some(BodyKind::Text) {
        entries.push(entry(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "Request body didn't contain valid UTF-8: incomplete utf-8 byte sequence from index \
             3.",
            None,
            "The request body is not UTF-8 text. The message carries the framework's text.",
        ));
    }
    if inputs.body == Some(BodyKind::Multipart) {
        entries.push(entry(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Invalid `boundary` for `multipart/form-data` request.",
            None,
            "The request is not `multipart/form-data` with a boundary. The message carries \
             the framework's text.",
        ));
    }
    if inputs.query {
        entries.push(entry(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "Failed to deserialize query string: limit: invalid digit found in string.",
            Some("limit"),
            "A query parameter does not deserialize into its type. With axum, `param` names \
             it when serde does, else it is null.",
        ));
    }
    if inputs.path {
        entries.push(entry(
            StatusCode::BAD_REQUEST,
            "invalid_path",
            "Invalid URL: Cannot parse `abc` to a `u32`.",
            Some("id"),
            "A path parameter does not deserialize into its type. `param` names it when it \
             is known, else it is null.",
        ));
    }
    if form {
        entries.push(entry(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Form requests must have `Content-Type: application/x-www-form-urlencoded`.",
            None,
            "The request body is not declared as a form \
             (`Content-Type: application/x-www-form-urlencoded`).",
        ));
    } else if json {
        entries.push(entry(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Expected request with `Content-Type: application/json`.",
            None,
            "The request body is not declared as JSON (`Content-Type: application/json`).",
        ));
    }
    if let Some(kind) = inputs.body {
        entries.push(entry(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Failed to buffer the request body: length limit exceeded.",
            None,
            match kind {
                BodyKind::Form | BodyKind::FormOnHead => {
                    "The request body is larger than the server accepts (axum's default \
                     limit is 2 MB, actix-web's `FormConfig` 16 KB). The message carries the \
                     framework's text."
                }
                BodyKind::Json => {
                    "The request body is larger than the server accepts (axum's default \
                     limit is 2 MB, actix-web's `JsonConfig` 2 MB). The message carries the \
                     framework's text."
                }
                BodyKind::Text | BodyKind::Multipart | BodyKind::Other => {
                    "The request body is larger than the server accepts (axum's default \
                     limit is 2 MB, actix-web's `PayloadConfig` 256 KB). The message carries \
                     the framework's text."
                }
            },
        ));
    }
    if inputs.body == Some(BodyKind::FormOnHead) {
        entries.push(entry(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "Failed to deserialize form: missing field `amount`.",
            Some("amount"),
            "The form body has the wrong shape: a missing field, a field of the wrong type. \
             `param` names the field when it is known, else it is null.",
        ));
    } else if json || form {
        entries.push(if form {
            entry(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                // A mistake both frameworks name the field of (actix-web's form errors carry no
                // path to a field of the wrong type).
                "Failed to deserialize form body: missing field `amount`.",
                Some("amount"),
                "The form body has the wrong shape: a missing field, a field of the wrong \
                 type. `param` names the field when it is known, else it is null.",
            )
        } else {
            entry(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "Failed to deserialize the JSON body into the target type: missing field \
                 `amount` at line 1 column 18.",
                Some("amount"),
                "The request body is JSON of the wrong shape: a missing field, a field of the \
                 wrong type. `param` names the field when it is known, else it is null.",
            )
        });
    }
    entries.push(entry(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        status::generic_message(StatusCode::INTERNAL_SERVER_ERROR),
        None,
        "The handler panicked. The panic's message is logged, never sent.",
    ));
    by_status(&Catalog::new().with_entries(entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_listed_once_and_first_entry_wins() {
        let e = |code: &'static str, message: &'static str| CatalogEntry {
            variant: "V",
            status: 404,
            error_type: "not_found_error",
            code,
            message,
            param: None,
            retryable: false,
            doc: "",
        };
        let catalog = Catalog::new().with_entries([e("a", "first"), e("b", "b"), e("a", "x")]);
        let docs = by_status(&catalog);
        assert_eq!(docs.len(), 1);
        let (status, doc) = &docs[0];
        assert_eq!(*status, 404);
        assert_eq!(doc.description, "Not Found. Codes: `a`, `b`.");
        assert_eq!(doc.examples.len(), 2);
        assert_eq!(doc.examples[0].value["message"], "first");
        assert_eq!(doc.should_retry, ["false"]);

        let all = all_in_one(&catalog);
        assert_eq!(all.description, "Error. Codes: `a` (404), `b` (404).");
    }

    /// Two variants of one code and status that differ in retryability: the retry header
    /// documents both values (the example stays the first variant's).
    #[test]
    fn retry_values_come_from_every_entry_of_a_code() {
        let e = |variant: &'static str, retryable| CatalogEntry {
            variant,
            status: 409,
            error_type: "conflict_error",
            code: "busy",
            message: "Busy",
            param: None,
            retryable,
            doc: "",
        };
        let entries = [e("BusyFinal", false), e("BusyRetry", true)];
        let no_hints: &ResponseHints = &[];
        let docs = by_status_of(&entries, no_hints);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].1.should_retry, ["true", "false"]);
        assert_eq!(docs[0].1.examples.len(), 1);
        assert_eq!(
            all_in_one_of(&entries, no_hints).should_retry,
            ["true", "false"]
        );
        // The same through a merged `Catalog`, which lists the code once.
        let catalog = Catalog::new().with_entries(entries);
        assert_eq!(catalog.len(), 1);
        assert_eq!(by_status(&catalog)[0].1.should_retry, ["true", "false"]);
        assert_eq!(by_status(&catalog)[0].1.examples.len(), 1);
        assert_eq!(all_in_one(&catalog).should_retry, ["true", "false"]);
    }

    /// A variant of another type with `FieldErrors`' code and type is shown with its own
    /// message, not `FieldErrors`' sample.
    #[test]
    fn only_field_errors_itself_shows_the_field_errors_sample() {
        let own = CatalogEntry {
            variant: "OwnValidation",
            status: 422,
            error_type: crate::FieldErrors::TYPE,
            code: crate::FieldErrors::CODE,
            message: "Order validation failed",
            param: None,
            retryable: false,
            doc: "",
        };
        let value = example(&own, std::iter::empty()).value;
        assert_eq!(value["message"], "Order validation failed");
        assert!(value.get("errors").is_none());
        let field_errors = <crate::FieldErrors as crate::ErrorCatalog>::catalog();
        let sample = field_errors
            .first()
            .map(|e| example(e, std::iter::empty()).value);
        assert!(sample.is_some_and(|v| v["errors"].is_array()));
    }

    /// One code under two statuses (inner types behind transparent variants) is two errors:
    /// the one response for them all names both; its examples stay one per code.
    #[test]
    fn all_in_one_names_a_code_under_each_of_its_statuses() {
        let e = |status: u16, retryable: bool| CatalogEntry {
            variant: "V",
            status,
            error_type: "card_error",
            code: "card_declined",
            message: "Declined",
            param: None,
            retryable,
            doc: "",
        };
        let catalog = Catalog::new().with_entries([e(402, false), e(409, true), e(402, false)]);
        let all = all_in_one(&catalog);
        assert_eq!(
            all.description,
            "Error. Codes: `card_declined` (402), `card_declined` (409)."
        );
        assert_eq!(all.should_retry, ["true", "false"]);
        assert_eq!(all.examples.len(), 1);
    }

    #[test]
    fn add_code_only_touches_generated_descriptions() {
        let mut d = String::from("Bad Request. Codes: `a`.");
        add_code(&mut d, "b");
        assert_eq!(d, "Bad Request. Codes: `a`, `b`.");
        let mut d = String::from("The user's own text.");
        add_code(&mut d, "b");
        assert_eq!(d, "The user's own text.");
    }

    #[test]
    fn layer_responses_match_what_the_layer_sends() {
        let statuses = |inputs: Inputs| -> Vec<(u16, Vec<&'static str>)> {
            layer_responses(inputs)
                .iter()
                .map(|(s, doc)| (*s, doc.examples.iter().map(|e| e.code).collect()))
                .collect()
        };
        let all = Inputs {
            body: Some(BodyKind::Json),
            query: true,
            path: true,
        };
        assert_eq!(
            statuses(all),
            [
                (400, vec!["invalid_json", "invalid_query", "invalid_path"]),
                (413, vec!["payload_too_large"]),
                (415, vec!["unsupported_media_type"]),
                (422, vec!["invalid_body"]),
                (500, vec!["internal_error"]),
            ]
        );
        assert_eq!(statuses(Inputs::default()), [(500, vec!["internal_error"])]);
        // A form body: no JSON to be malformed.
        let form = Inputs {
            body: Some(BodyKind::Form),
            ..Inputs::default()
        };
        assert_eq!(
            statuses(form),
            [
                (413, vec!["payload_too_large"]),
                (415, vec!["unsupported_media_type"]),
                (422, vec!["invalid_body"]),
                (500, vec!["internal_error"]),
            ]
        );
        // A form's limits are a form's.
        let too_large = |inputs: Inputs| {
            layer_responses(inputs)
                .iter()
                .find(|(s, _)| *s == 413)
                .and_then(|(_, doc)| doc.examples.first())
                .map(|e| format!("{} {}", e.summary, e.description.unwrap_or_default()))
                .unwrap_or_default()
        };
        // Text: its size and that it is UTF-8.
        let text = Inputs {
            body: Some(BodyKind::Text),
            ..Inputs::default()
        };
        assert_eq!(
            statuses(text),
            [
                (400, vec!["invalid_body"]),
                (413, vec!["payload_too_large"]),
                (500, vec!["internal_error"]),
            ]
        );
        // Bytes: only the size is checked, against actix-web's payload limit.
        let other = Inputs {
            body: Some(BodyKind::Other),
            ..Inputs::default()
        };
        assert_eq!(
            statuses(other),
            [
                (413, vec!["payload_too_large"]),
                (500, vec!["internal_error"]),
            ]
        );
        assert!(too_large(form).contains("`FormConfig` 16 KB"));
        assert!(too_large(all).contains("`JsonConfig` 2 MB"));
        assert!(too_large(other).contains("`PayloadConfig` 256 KB"));
        let kind = |types: &[&str]| BodyKind::of(types.iter().copied());
        assert_eq!(kind(&["application/x-www-form-urlencoded"]), BodyKind::Form);
        assert_eq!(
            kind(&["Application/X-WWW-Form-Urlencoded; charset=utf-8"]),
            BodyKind::Form
        );
        assert_eq!(
            kind(&["application/x-www-form-urlencoded", "application/json"]),
            BodyKind::Json
        );
        assert_eq!(kind(&["application/merge-patch+json"]), BodyKind::Json);
        assert_eq!(kind(&["Application/JSON; charset=utf-8"]), BodyKind::Json);
        assert_eq!(kind(&["text/plain"]), BodyKind::Text);
        assert_eq!(kind(&["Text/CSV; charset=utf-8"]), BodyKind::Text);
        assert_eq!(kind(&["application/octet-stream"]), BodyKind::Other);
        assert_eq!(kind(&["multipart/form-data"]), BodyKind::Multipart);
        assert_eq!(kind(&["Multipart/Mixed"]), BodyKind::Multipart);
        assert_eq!(kind(&[]), BodyKind::Json);
        assert!(has_path_params("/v1/customers/{id}"));
        assert!(has_path_params("/{a}/{b}"));
        assert!(!has_path_params("/v1/customers"));
        assert!(!has_path_params("/v1/{unclosed"));
        let query = Inputs {
            query: true,
            ..Inputs::default()
        };
        assert_eq!(
            statuses(query),
            [(400, vec!["invalid_query"]), (500, vec!["internal_error"])]
        );
        for (status, doc) in &layer_responses(all) {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::IM_A_TEAPOT);
            for example in &doc.examples {
                let value = &example.value;
                assert_eq!(value["type"], status::default_type(status));
                assert_eq!(value.as_object().map(Map::len), Some(5));
            }
        }
    }

    /// Documents shaped otherwise than this crate writes them (an app's own responses, a
    /// hand-edited one) are never a panic, and what is not a rendered example stays.
    #[test]
    fn document_format_takes_any_document() {
        use crate::{ErrorFormat, WireFormat};
        let odd = serde_json::json!({
            "paths": {
                "/a": {
                    "parameters": [],
                    "get": { "responses": {
                        "400": { "content": {
                            "application/json": {
                                "schema": { "$ref": "#/components/schemas/ErrorBody" },
                                "examples": {
                                    "text": "not an example object",
                                    "ref": { "$ref": "#/components/examples/x" },
                                    "no_value": { "summary": "s" },
                                    "odd": { "value": 5 },
                                }
                            },
                            "application/problem+json": { "examples": {
                                "text": { "value": { "status": 400 } },
                                "ref": { "value": { "status": 400 } },
                                "no_value": { "value": { "status": 400 } },
                                "odd": { "value": { "status": 400 } },
                            } }
                        } },
                        "401": { "content": {
                            "application/json": { "schema": { "title": "ErrorBody" } },
                            "application/problem+json": "text",
                        } },
                        "402": { "content": "text" },
                        "403": { "content": {
                            "application/json": "text",
                            "application/problem+json": {},
                        } },
                        "404": { "$ref": "#/components/responses/NotFound" },
                    } },
                    "post": "text",
                },
                "/b": 5,
            },
            "components": { "responses": { "NotFound": [] } },
        });
        for format in [
            ErrorFormat::new(WireFormat::Flat).problem_type_base("https://x/"),
            ErrorFormat::new(WireFormat::Enveloped),
            ErrorFormat::new(WireFormat::Problem),
        ] {
            let mut doc = odd.clone();
            if let Some(responses) = doc
                .pointer_mut("/paths/~1a/get/responses")
                .and_then(Value::as_object_mut)
            {
                responses.values_mut().for_each(|r| response_in(r, &format));
            }
            let examples = &doc["paths"]["/a"]["get"]["responses"]["400"]["content"];
            let problem = &examples[PROBLEM_JSON]["examples"];
            // None of these is a flat example: nothing is rendered over them.
            assert_eq!(
                problem,
                &odd["paths"]["/a"]["get"]["responses"]["400"]["content"][PROBLEM_JSON]["examples"]
            );
            for status in ["402", "404"] {
                assert_eq!(
                    doc["paths"]["/a"]["get"]["responses"][status],
                    odd["paths"]["/a"]["get"]["responses"][status]
                );
            }
        }
    }

    #[test]
    fn the_field_errors_example_shows_field_errors() {
        let catalog =
            Catalog::new().with_entries(<crate::FieldErrors as crate::ErrorCatalog>::catalog());
        let docs = by_status(&catalog);
        let value = &docs[0].1.examples[0].value;
        assert_eq!(value["code"], "validation_failed");
        assert_eq!(value["param"], "name");
        assert_eq!(value["errors"].as_array().map(Vec::len), Some(2));
        assert_eq!(value["errors"][1]["param"], "items[1].amount");
    }

    #[test]
    fn body_schema_and_detection() {
        let schema = Value::Object(body_schema());
        assert!(is_body_schema(&schema));
        assert!(is_body_schema(
            &serde_json::json!({"$ref": "#/components/schemas/ErrorBody"})
        ));
        assert!(!is_body_schema(
            &serde_json::json!({"$ref": "#/components/schemas/Customer"})
        ));
        // schemars' name for it when an app has a schema named `ErrorBody` too.
        assert!(is_body_schema(
            &serde_json::json!({"$ref": "#/components/schemas/ErrorBody2"})
        ));
        assert!(!is_body_schema(
            &serde_json::json!({"$ref": "#/components/schemas/ErrorBodyV2"})
        ));
        assert_eq!(schema["required"].as_array().map(Vec::len), Some(5));
        assert_eq!(schema["properties"]["errors"]["type"], "array");
        assert_eq!(
            schema["properties"]["errors"]["items"]["required"],
            serde_json::json!(["param", "code", "message"])
        );
    }
}

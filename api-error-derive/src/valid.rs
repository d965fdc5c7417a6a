//! Rules across attributes, fields and variants. One function per rule; the comment above
//! each states it. Every rule reports to the collector and goes on, so all mistakes in one
//! input are reported together. `expand` runs only when all of them passed.

use std::collections::BTreeMap;

use proc_macro2::Span;

use crate::ast::{Input, Kind, Variant};
use crate::case::{is_snake_case, to_snake_case};
use crate::ctxt::Ctxt;
use crate::fmt;
use crate::symbol::*;

pub fn check(cx: &Ctxt, input: &Input) {
    check_not_empty(cx, input);
    check_snake_case(cx, &input.defaults);
    check_default_message(cx, input);
    check_default_message_fields(cx, input);
    for v in &input.variants {
        check_status_present(cx, input, v);
        check_snake_case(cx, &v.attrs);
        check_default_code(cx, input, v);
        check_transparent(cx, v);
        check_param(cx, input, v);
        check_retry_after(cx, v);
        check_field_errors(cx, input, v);
        check_one_role_per_field(cx, v);
        check_field_attrs_in_transparent(cx, v);
        check_message_fields(cx, input, v);
        check_expose(cx, input, v);
    }
    check_unique_codes(cx, input);
}

// An enum needs at least one variant: an uninhabited error can never be returned.
fn check_not_empty(cx: &Ctxt, input: &Input) {
    if input.kind == Kind::Enum && input.variants.is_empty() {
        cx.error_spanned_by(
            input.ident,
            "#[derive(ApiError)] needs at least one variant; an empty enum can never be returned",
        );
    }
}

// Every non-transparent variant has a status, its own or the enum's.
fn check_status_present(cx: &Ctxt, input: &Input, v: &Variant) {
    // A status that was written but not understood (or put on a field) has its own error.
    let written = v.attrs.status_invalid
        || input.defaults.status_invalid
        || v.fields.iter().any(|f| f.attrs.status_invalid);
    if v.attrs.transparent.is_some() || written {
        return;
    }
    if v.attrs.status.is_none() && input.defaults.status.is_none() {
        let msg = match input.kind {
            Kind::Enum => {
                "missing #[api_error(status = ...)] on this variant; add one here or on the enum"
            }
            Kind::Struct => {
                "missing #[api_error(status = ...)] on this struct, e.g. #[api_error(status = 404)]"
            }
        };
        cx.error_spanned_by(v.ident, msg);
    }
}

/// The status a variant answers, when it is known: not for a transparent variant, nor for
/// one whose status (its own, or the container's it would take) was written but not
/// understood. Rules that depend on the status skip such a variant: it has its error
/// already, and judging it by a status the user did not mean would add a wrong one.
fn known_status(input: &Input, v: &Variant) -> Option<u16> {
    if v.attrs.transparent.is_some() {
        return None;
    }
    // The variant's own status, understood, is known whatever a field says.
    if let Some(status) = v.attrs.status {
        return Some(status.code);
    }
    if v.attrs.status_invalid
        || v.fields.iter().any(|f| f.attrs.status_invalid)
        || input.defaults.status_invalid
    {
        return None;
    }
    input.defaults.status.map(|s| s.code)
}

// `code` and `type` are `[a-z][a-z0-9_]*`; a static `param` is a non-empty name.
fn check_snake_case(cx: &Ctxt, attrs: &crate::attr::Attrs) {
    for (key, lit) in [(CODE, &attrs.code), (TYPE, &attrs.r#type)] {
        if let Some(lit) = lit {
            let value = lit.value();
            if !is_snake_case(&value) {
                cx.error_spanned_by(
                    lit,
                    format!(
                        "{key} must be snake_case ([a-z][a-z0-9_]*), e.g. `{key} = \"{}\"`",
                        suggest_snake(&value, key)
                    ),
                );
            }
        }
    }
    if let Some(lit) = &attrs.param {
        let value = lit.value();
        if value.trim().is_empty() || value.chars().any(char::is_control) {
            cx.error_spanned_by(
                lit,
                "param must name a request parameter, e.g. `param = \"customer\"`",
            );
        }
    }
}

/// `value` in snake_case, when that keeps its letters; else an example of a `key`.
fn suggest_snake(value: &str, key: &str) -> String {
    let example = if key == TYPE {
        "invalid_request_error"
    } else {
        "resource_missing"
    };
    // `été` would become `t`: no suggestion beats a mangled one.
    if value.chars().any(|c| c.is_alphabetic() && !c.is_ascii()) {
        return example.to_owned();
    }
    let s: String = to_snake_case(value.trim())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_matches('_').to_owned();
    if is_snake_case(&s) {
        s
    } else {
        example.to_owned()
    }
}

// The code derived from a variant name (when no `code` is given) must itself be valid.
fn check_default_code(cx: &Ctxt, input: &Input, v: &Variant) {
    if v.attrs.code.is_some() || v.attrs.transparent.is_some() {
        return;
    }
    let code = to_snake_case(&syn::ext::IdentExt::unraw(v.ident).to_string());
    if !is_snake_case(&code) {
        let what = if input.kind == Kind::Enum {
            "variant"
        } else {
            "struct"
        };
        cx.error_spanned_by(
            v.ident,
            format!("the code derived from this {what} name, `{code}`, is not snake_case ([a-z][a-z0-9_]*); set one with #[api_error(code = \"...\")]"),
        );
    }
}

// `transparent` takes no other key and exactly one field.
fn check_transparent(cx: &Ctxt, v: &Variant) {
    let Some(span) = v.attrs.transparent else {
        return;
    };
    for (key, key_span) in &v.attrs.keys {
        // `no_integrations` is about the type's impls, not its body: a transparent struct
        // with an `IntoResponse` of its own needs it as much as any type.
        if *key != TRANSPARENT && *key != NO_INTEGRATIONS {
            cx.error_at(
                *key_span,
                format!("`{key}` cannot be combined with `transparent`, which takes everything from the inner error; remove `{key}`"),
            );
        }
    }
    if v.fields.len() != 1 {
        cx.error_at(
            span,
            format!(
                "#[api_error(transparent)] needs exactly one field, the inner ApiError; this has {}",
                v.fields.len()
            ),
        );
    }
}

// Field attributes mean nothing in a transparent variant.
fn check_field_attrs_in_transparent(cx: &Ctxt, v: &Variant) {
    if v.attrs.transparent.is_none() {
        return;
    }
    for f in &v.fields {
        for (key, span) in &f.attrs.keys {
            cx.error_at(
                *span,
                format!("`{key}` has no effect in a transparent variant, which takes everything from the inner error; remove it"),
            );
        }
    }
}

// The param is given once: `param = "..."` on the variant or `#[api_error(param)]` on one field.
//
// A param field is a value known only at run time: a 5xx sends no details (unless `expose`),
// so it takes none from its fields (a static `param = "..."` is the developer's own text).
fn check_param(cx: &Ctxt, input: &Input, v: &Variant) {
    let mut first = v.attrs.param.as_ref().map(|lit| lit.span());
    let status = known_status(input, v).unwrap_or(0);
    for f in &v.fields {
        if let Some(span) = f.attrs.param_field {
            if status >= 500 && v.attrs.expose.is_none() && !v.attrs.expose_typo {
                cx.error_at(
                    span,
                    format!("this variant answers {status}, and a 5xx sends no details, but a param field would send its value; name the parameter with `param = \"...\"` on the variant, give it a 4xx status, or add `expose` if the value is safe to show"),
                );
            }
            if first.is_some() {
                cx.error_at(
                    span,
                    "param given twice; keep either `param = \"...\"` on the variant or one #[api_error(param)] field",
                );
            }
            first = first.or(Some(span));
        }
    }
}

// At most one field carries the retry delay, of a type that can say one.
fn check_retry_after(cx: &Ctxt, v: &Variant) {
    let mut seen = false;
    for f in &v.fields {
        if let Some(span) = f.attrs.retry_after {
            if seen {
                cx.error_at(
                    span,
                    "retry_after given twice; mark only one field with #[api_error(retry_after)]",
                );
            }
            check_retry_after_type(cx, f.ty);
            seen = true;
        }
    }
}

// The types that are plainly not a delay, known by name, reported here with the other
// mistakes of the input (the trait bound the expansion relies on otherwise reports them
// only once every attribute is right). Only names that cannot be the user's own: a
// primitive or `String` written alone, or any of them by its full `std`/`core`/`alloc`
// path (`std::time::Instant`); `clock::Instant` may be an alias of `u64`, and is left to
// the bound, as are all other types.
fn check_retry_after_type(cx: &Ctxt, ty: &syn::Type) {
    let mut inner = ty;
    loop {
        inner = match inner {
            syn::Type::Reference(r) => &r.elem,
            syn::Type::Paren(p) => &p.elem,
            syn::Type::Group(g) => &g.elem,
            other => match crate::ast::option_inner(other) {
                Some(t) => t,
                None => break,
            },
        };
    }
    let syn::Type::Path(p) = inner else { return };
    if p.qself.is_some() || p.path.segments.iter().any(|s| !s.arguments.is_none()) {
        return;
    }
    let names: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let name = match names.as_slice() {
        [one @ ("String" | "str" | "bool" | "char" | "f32" | "f64")] => *one,
        ["std" | "core", "primitive", one @ ("str" | "bool" | "char" | "f32" | "f64")]
        | ["std" | "alloc", "string", one @ "String"]
        | ["std", "time", one @ ("SystemTime" | "Instant")] => *one,
        _ => return,
    };
    cx.error_spanned_by(
        inner,
        format!("#[api_error(retry_after)] needs a `std::time::Duration` or an integer number of seconds, not `{name}`: change the field to `std::time::Duration` or an integer of seconds (`u64`, `u32`, ...), optionally in an `Option`"),
    );
}

// A field plays one part: the param, the retry delay or the field errors (a number marked
// both `param` and `retry_after` would send the delay as the param).
fn check_one_role_per_field(cx: &Ctxt, v: &Variant) {
    for f in &v.fields {
        let roles = [
            (f.attrs.param_field, "param"),
            (f.attrs.retry_after, "retry_after"),
            (f.attrs.field_errors, "field_errors"),
        ];
        let mut marked = roles
            .iter()
            .filter_map(|(span, name)| Some((span.as_ref()?, *name)));
        let Some((_, first)) = marked.next() else {
            continue;
        };
        for (span, second) in marked {
            cx.error_at(
                *span,
                format!("this field is already the {first}; a field plays one part, so mark another field with #[api_error({second})]"),
            );
        }
    }
}

// At most one field carries the field errors, and only on a 4xx: a 5xx's details never reach
// the wire, and field errors are all details.
fn check_field_errors(cx: &Ctxt, input: &Input, v: &Variant) {
    let mut seen = false;
    // A missing or misspelt status, or a transparent variant, has its own error already.
    let status = known_status(input, v).unwrap_or(0);
    for f in &v.fields {
        if let Some(span) = f.attrs.field_errors {
            if status >= 500 && !seen {
                cx.error_at(
                    span,
                    format!("field errors describe what was wrong with the request, but this variant answers {status}, and a 5xx sends no details; give it a 4xx status, like `status = 422`"),
                );
            }
            if seen {
                cx.error_at(
                    span,
                    "field_errors given twice; mark only one field with #[api_error(field_errors)] and merge the lists into it",
                );
            }
            seen = true;
        }
    }
}

// A container `message` applies to every variant: it may only name fields they all have.
fn check_default_message(cx: &Ctxt, input: &Input) {
    if let Some(lit) = &input.defaults.message {
        if let Err(msg) = fmt::parse(&lit.value()) {
            cx.error_spanned_by(lit, msg);
        }
    }
}

// Every `{field}` / `{0}` in a message names a field of the variant.
fn check_message_fields(cx: &Ctxt, input: &Input, v: &Variant) {
    if v.attrs.transparent.is_some() {
        return;
    }
    let Some(lit) = &v.attrs.message else {
        return;
    };
    let parsed = match fmt::parse(&lit.value()) {
        Ok(m) => m,
        Err(msg) => {
            cx.error_spanned_by(lit, msg);
            return;
        }
    };
    let whose = match input.kind {
        Kind::Enum => "this variant",
        Kind::Struct => "this struct",
    };
    for arg in &parsed.args {
        if !v.fields.iter().any(|f| f.name() == arg.name) {
            cx.error_spanned_by(
                lit,
                format!(
                    "message refers to `{{{}}}`, but {whose} has no such field; {}",
                    arg.name,
                    fields_of(v)
                ),
            );
        }
    }
}

// A container `message` names only fields that every variant taking it has: one error per
// missing field, naming every variant without it.
fn check_default_message_fields(cx: &Ctxt, input: &Input) {
    let Some(lit) = &input.defaults.message else {
        return;
    };
    // A message that does not parse has its error already (`check_default_message`).
    let Ok(parsed) = fmt::parse(&lit.value()) else {
        return;
    };
    // `expose` overrides the container's message: it does not apply to such a variant.
    let takers: Vec<&Variant> = input
        .variants
        .iter()
        .filter(|v| {
            v.attrs.transparent.is_none() && v.attrs.message.is_none() && v.attrs.expose.is_none()
        })
        .collect();
    let mut reported: Vec<&str> = Vec::new();
    for arg in &parsed.args {
        if reported.contains(&arg.name.as_str()) {
            continue;
        }
        reported.push(&arg.name);
        let without: Vec<&Variant> = takers
            .iter()
            .copied()
            .filter(|v| !v.fields.iter().any(|f| f.name() == arg.name))
            .collect();
        let msg = match without.as_slice() {
            [] => continue,
            [v] => format!(
                "message refers to `{{{}}}`, but variant `{}` has no such field; {}",
                arg.name,
                v.ident,
                fields_of(v)
            ),
            several => {
                let names: Vec<String> = several.iter().map(|v| format!("`{}`", v.ident)).collect();
                format!(
                    "message refers to `{{{}}}`, but variants {} have no such field; give them a `message` of their own, or the field",
                    arg.name,
                    names.join(", ")
                )
            }
        };
        cx.error_spanned_by(lit, msg);
    }
    // A 5xx sends a generic message: a container message that formats fields would send
    // the fields of a 5xx variant that takes it (a variant's own `message` is its choice).
    if input.kind == Kind::Enum && !parsed.args.is_empty() {
        // A variant missing one of the fields has its error above already.
        let has_all = |v: &Variant| {
            parsed
                .args
                .iter()
                .all(|arg| v.fields.iter().any(|f| f.name() == arg.name))
        };
        let server: Vec<String> = takers
            .iter()
            .filter(|v| {
                known_status(input, v).is_some_and(|s| s >= 500)
                    && has_all(v)
                    && !v.attrs.expose_typo
            })
            .map(|v| format!("`{}`", v.ident))
            .collect();
        if !server.is_empty() {
            cx.error_spanned_by(
                lit,
                format!(
                    "this message formats fields, and {} would send them to clients though {} a 5xx, whose details stay in the logs; give {} a `message` of {} own (or `expose`, to send the Display)",
                    server.join(", "),
                    if server.len() == 1 { "it answers" } else { "they answer" },
                    if server.len() == 1 { "it" } else { "them" },
                    if server.len() == 1 { "its" } else { "their" },
                ),
            );
        }
    }
}

/// `its fields are `{a}`, `{b}``, or `it has no fields`.
fn fields_of(v: &Variant) -> String {
    let names: Vec<String> = v
        .fields
        .iter()
        .map(|f| format!("`{{{}}}`", f.name()))
        .collect();
    if names.is_empty() {
        "it has no fields".to_owned()
    } else {
        format!("its fields are {}", names.join(", "))
    }
}

// `expose` publishes a 5xx's Display; it conflicts with `message` and means nothing on a 4xx.
fn check_expose(cx: &Ctxt, input: &Input, v: &Variant) {
    let Some(span) = v.attrs.expose else {
        return;
    };
    // A blank message has its own error already.
    if v.attrs
        .message
        .as_ref()
        .is_some_and(|m| !m.value().trim().is_empty())
    {
        cx.error_at(span, "`expose` sends the error's Display as the message, but this variant also sets `message`; keep one of them");
    }
    if let Some(status) = known_status(input, v) {
        if status < 500 {
            cx.error_at(span, "`expose` only applies to 5xx statuses (4xx messages already use Display); remove it");
        }
    }
}

// One code means one status and one type: two variants may share a code only if both agree.
fn check_unique_codes(cx: &Ctxt, input: &Input) {
    let mut seen: BTreeMap<String, (&syn::Ident, u16, String)> = BTreeMap::new();
    for v in &input.variants {
        let Some(status) = known_status(input, v) else {
            continue;
        };
        let code = v.attrs.code.as_ref().map_or_else(
            || to_snake_case(&syn::ext::IdentExt::unraw(v.ident).to_string()),
            syn::LitStr::value,
        );
        let ty = v
            .attrs
            .r#type
            .as_ref()
            .or(input.defaults.r#type.as_ref())
            .map_or_else(|| default_type(status).to_owned(), syn::LitStr::value);
        // A code or type that is not snake_case has its error already.
        if !is_snake_case(&code) || !is_snake_case(&ty) {
            continue;
        }
        let span: Span = v
            .attrs
            .code
            .as_ref()
            .map_or(v.ident.span(), syn::LitStr::span);
        match seen.get(&code) {
            Some((other, s, t)) if *s != status || *t != ty => cx.error_at(
                span,
                format!("code `{code}` is already used by `{other}` with status {s} and type `{t}`; one code must mean one status and type, so pick another code or match them"),
            ),
            Some(_) => {}
            None => {
                seen.insert(code, (v.ident, status, ty));
            }
        }
    }
}

/// The status table's default type (mirrors `api_error_core::status::default_type`; a test
/// in the tests crate checks they agree).
pub fn default_type(status: u16) -> &'static str {
    match status {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        409 => "conflict_error",
        422 => "validation_error",
        429 => "rate_limit_error",
        500..=599 => "api_error",
        _ => "invalid_request_error",
    }
}

/// Retryable by the status table (mirrors `api_error_core::status::is_retryable`).
pub fn default_retryable(status: u16) -> bool {
    matches!(status, 408 | 429 | 500..=599)
}

/// The fixed message of a redacted 5xx (mirrors `api_error_core::status::generic_message`).
pub fn generic_message(status: u16) -> &'static str {
    match status {
        502 => "The server received an invalid response from an upstream service.",
        503 => "The service is temporarily unavailable.",
        504 => "The server timed out waiting for an upstream service.",
        _ => "An internal error occurred.",
    }
}

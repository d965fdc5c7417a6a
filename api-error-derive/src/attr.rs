//! `#[api_error(...)]` -> [`Attrs`]. Never returns early: a bad key or value is reported to
//! the collector and skipped, and parsing goes on with the next key.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::ParseStream;
use syn::{Attribute, LitBool, LitInt, LitStr, Token};

use crate::case::nearest;
use crate::ctxt::Ctxt;
use crate::symbol::*;

/// A checked HTTP status (400..=599).
#[derive(Clone, Copy)]
pub struct Status {
    pub code: u16,
}

/// Everything an `#[api_error(...)]` list can hold, with the span of each key for errors.
#[derive(Default)]
pub struct Attrs {
    pub status: Option<Status>,
    /// A `status = ...` was written but was invalid, or a key could not be understood
    /// (already reported): later checks stay quiet rather than cascade.
    pub status_invalid: bool,
    /// A misspelt `expose` (`exose`): the rules its absence decides skip this item.
    pub expose_typo: bool,
    pub r#type: Option<LitStr>,
    pub code: Option<LitStr>,
    pub message: Option<LitStr>,
    pub param: Option<LitStr>,
    pub retryable: Option<LitBool>,
    pub transparent: Option<Span>,
    pub expose: Option<Span>,
    /// `#[api_error(header("name", "value"))]`, any number, in order: (lowercased name,
    /// value).
    pub headers: Vec<(String, String)>,
    /// Container: `#[api_error(no_integrations)]`.
    pub no_integrations: Option<Span>,
    /// Field position: `#[api_error(param)]`.
    pub param_field: Option<Span>,
    /// Field position: `#[api_error(retry_after)]`.
    pub retry_after: Option<Span>,
    /// Field position: `#[api_error(field_errors)]`.
    pub field_errors: Option<Span>,
    /// Every key written, in order, with its span (duplicates and `transparent` checks).
    pub keys: Vec<(&'static str, Span)>,
}

impl Attrs {
    fn seen(&self, key: &str) -> bool {
        self.keys.iter().any(|(k, _)| *k == key)
    }
}

/// Parses every `#[api_error(...)]` among `attrs` for an item at `pos`.
pub fn parse(cx: &Ctxt, attrs: &[Attribute], pos: Position) -> Attrs {
    let mut out = Attrs::default();
    for attr in attrs {
        if !attr.path().is_ident(API_ERROR) {
            continue;
        }
        if let syn::Meta::Path(path) = &attr.meta {
            out.status_invalid = true;
            cx.error_spanned_by(
                path,
                format!(
                    "expected `#[api_error(...)]` with one of: {}",
                    pos.keys().join(", ")
                ),
            );
            continue;
        }
        // `#[api_error[...]]`, `#[api_error{...}]`: read as if in parentheses, so nothing
        // else is reported for what it says.
        if let syn::Meta::List(list) = &attr.meta {
            if !matches!(list.delimiter, syn::MacroDelimiter::Paren(_)) {
                cx.error_spanned_by(
                    attr,
                    "write the attribute with parentheses: `#[api_error(...)]`",
                );
            }
        }
        if matches!(&attr.meta, syn::Meta::List(list) if list.tokens.is_empty()) {
            cx.error_spanned_by(
                attr,
                format!(
                    "empty #[api_error()]; remove it, or give it one of: {}",
                    pos.keys().join(", ")
                ),
            );
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            let Some(ident) = meta.path.get_ident() else {
                out.status_invalid = true;
                cx.error_spanned_by(&meta.path, "expected an api_error attribute key");
                return skip_value(meta.input);
            };
            // `r#type`, as a Rust field would be written, is `type`.
            let name = syn::ext::IdentExt::unraw(ident).to_string();
            let span = ident.span();
            let Some(key) = pos.keys().iter().copied().find(|k| *k == name) else {
                // A misspelt key whose absence other rules judge stands for that key, and
                // only those rules skip the item: a misspelt `status` or `transparent`
                // (`stauts = 404`, `status_code = 404`, `trasparent`: no "missing status"),
                // a misspelt `expose` (`exose`: no "`expose` only applies to 5xx", no "a 5xx
                // param field needs expose"). Only keys that this item may carry count; on a
                // field, a status put there stands for the variant's. Any other unknown key
                // (`parm`, `cod`) leaves every rule to report what else is wrong.
                let near = |key: &str| {
                    (pos == Position::Field || pos.keys().contains(&key))
                        && crate::case::distance(&name, key) <= 2
                };
                if near(STATUS)
                    || names_status(&name)
                    || OTHER_NAMES.contains(&(name.as_str(), STATUS))
                    || (pos != Position::Field && near(TRANSPARENT))
                {
                    out.status_invalid = true;
                }
                if pos != Position::Field && near(EXPOSE) {
                    out.expose_typo = true;
                }
                // thiserror's named argument (`message = "bad {name}", name = id`): one
                // error, and the message's `{name}` is not also "no such field".
                let names_it = out.message.as_ref().is_some_and(|m| {
                    crate::fmt::parse(&m.value())
                        .is_ok_and(|m| m.args.iter().any(|a| a.name == name))
                });
                if names_it && meta.input.peek(Token![=]) {
                    out.message = out.message.as_ref().map(reported_message);
                    cx.error_at(span, format!("`{name} = ...`: {NO_FORMAT_ARGUMENTS}"));
                    return skip_value(meta.input);
                }
                cx.error_at(span, unknown_key_message(&name, pos));
                return skip_value(meta.input);
            };
            // `header(...)` may repeat: one per header.
            if out.seen(key) && key != HEADER {
                cx.error_at(
                    span,
                    format!("duplicate api_error attribute `{key}`; remove one of them"),
                );
                return skip_value(meta.input);
            }
            out.keys.push((key, span));
            parse_value(cx, &mut out, key, span, meta.input, pos)
        });
        if let Err(err) = result {
            // The rest of the list went unread (maybe a status): no follow-on "missing
            // status". syn's own words get the list's shape added.
            out.status_invalid = true;
            cx.error_at(
                err.span(),
                format!("{err}: write `#[api_error(key = value, ...)]`, keys separated by `,`"),
            );
        }
    }
    // A status that was understood is known, whatever else in the list was misspelt or
    // malformed, in whatever order.
    if out.status.is_some() {
        out.status_invalid = false;
    }
    out
}

fn parse_value(
    cx: &Ctxt,
    out: &mut Attrs,
    key: &'static str,
    key_span: Span,
    input: ParseStream,
    pos: Position,
) -> syn::Result<()> {
    match key {
        // #[api_error(status = 404)] or #[api_error(status = NOT_FOUND)]
        STATUS => {
            match expect_eq(cx, input, key, key_span, "404") {
                true => parse_status(cx, out, input, key_span)?,
                false => out.status_invalid = true,
            }
            Ok(())
        }
        // #[api_error(type = "invalid_request_error")]
        TYPE => {
            out.r#type = parse_str(cx, input, key, key_span, "\"invalid_request_error\"")?;
            Ok(())
        }
        // #[api_error(code = "resource_missing")]
        CODE => {
            // `code = 404`, as people say "error code 404": a status, which this one error
            // stands for (no "missing status" on top).
            if input.peek(Token![=]) && input.peek2(LitInt) {
                input.parse::<Token![=]>()?;
                let lit: LitInt = input.parse()?;
                let rest = take_value(input);
                out.status_invalid = true;
                cx.error_spanned_by(
                    quote::quote!(#lit #rest),
                    format!(
                        "a number here is an HTTP status: write `status = {}`; `code` is a snake_case string, like `code = \"resource_missing\"`",
                        lit.base10_digits()
                    ),
                );
                return Ok(());
            }
            // `code = NOT_FOUND`, `code = StatusCode::CONFLICT`: a status constant, likewise.
            if input.peek(Token![=]) && (input.peek2(syn::Ident) || input.peek2(Token![::])) {
                let fork = input.fork();
                let _ = fork.parse::<Token![=]>();
                let name = fork
                    .parse::<syn::Path>()
                    .ok()
                    .filter(|_| fork.is_empty() || fork.peek(Token![,]))
                    .and_then(|path| {
                        let last = path.segments.last()?.ident.to_string();
                        status_by_name(&last).map(|_| (path, last))
                    });
                if let Some((path, last)) = name {
                    input.parse::<Token![=]>()?;
                    let _ = input.parse::<syn::Path>()?;
                    out.status_invalid = true;
                    cx.error_spanned_by(
                        &path,
                        format!(
                            "`{last}` is an HTTP status: write `status = {last}`; `code` is a snake_case string, like `code = \"resource_missing\"`"
                        ),
                    );
                    return Ok(());
                }
            }
            out.code = parse_str(cx, input, key, key_span, "\"resource_missing\"")?;
            Ok(())
        }
        // #[api_error(message = "No such customer: {id}")]
        MESSAGE => {
            out.message = parse_str(cx, input, key, key_span, "\"No such customer: {id}\"")?;
            // thiserror's positional arguments after the string (`.0`, `.field`): one error
            // for all of them, and the message's `{}` they were for is not reported again.
            if input.peek(Token![,]) && input.peek2(Token![.]) {
                let mut args = TokenStream::new();
                while input.peek(Token![,]) && input.peek2(Token![.]) {
                    let comma: Token![,] = input.parse()?;
                    args.extend(quote::quote!(#comma));
                    args.extend(take_value(input));
                }
                out.message = out.message.as_ref().map(reported_message);
                cx.error_spanned_by(args, NO_FORMAT_ARGUMENTS);
                return Ok(());
            }
            if let Some(lit) = out.message.as_ref().filter(|m| m.value().trim().is_empty()) {
                // Reported once: the rules about a message that is there skip a blank one.
                cx.error_spanned_by(
                    lit,
                    "message must say what went wrong, e.g. `message = \"No such customer: {id}\"`; or remove it for the default message",
                );
            }
            Ok(())
        }
        // #[api_error(param = "customer")] on a variant, #[api_error(param)] on a field
        PARAM if pos == Position::Field => {
            out.param_field = Some(key_span);
            flag_only(cx, input, key)
        }
        PARAM => {
            if input.peek(Token![=]) {
                out.param = parse_str(cx, input, key, key_span, "\"customer\"")?;
            } else {
                cx.error_at(
                    key_span,
                    "expected `param = \"name\"` here, or `#[api_error(param)]` on the field that holds the parameter",
                );
                return skip_value(input);
            }
            Ok(())
        }
        // #[api_error(retryable = false)] or #[api_error(retryable)]
        RETRYABLE => {
            if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                if input.peek(LitBool) {
                    out.retryable = Some(input.parse()?);
                } else {
                    let bad = take_value(input);
                    report_value(
                        cx,
                        bad,
                        key_span,
                        "expected `retryable = true` or `retryable = false`",
                    );
                }
            } else {
                out.retryable = Some(LitBool::new(true, key_span));
            }
            Ok(())
        }
        // #[api_error(transparent)]
        TRANSPARENT => {
            out.transparent = Some(key_span);
            flag_only(cx, input, key)
        }
        // #[api_error(expose)]
        EXPOSE => {
            out.expose = Some(key_span);
            flag_only(cx, input, key)
        }
        // #[api_error(header("WWW-Authenticate", "Bearer realm=\"api\""))]
        HEADER => parse_header(cx, out, input, key_span),
        // #[api_error(no_integrations)] on an enum or struct
        NO_INTEGRATIONS => {
            out.no_integrations = Some(key_span);
            flag_only(cx, input, key)
        }
        // #[api_error(retry_after)] on a field
        RETRY_AFTER => {
            out.retry_after = Some(key_span);
            flag_only(cx, input, key)
        }
        // #[api_error(field_errors)] on a field
        FIELD_ERRORS => {
            out.field_errors = Some(key_span);
            flag_only(cx, input, key)
        }
        _ => skip_value(input),
    }
}

/// A message whose mistake was reported, standing in for it: a literal, so the rules about
/// a message's fields stay quiet, and still the variant's own (not the container's).
fn reported_message(lit: &LitStr) -> LitStr {
    LitStr::new("message", lit.span())
}

/// What a status that is neither a number nor a constant's name is told.
const STATUS_FORMS: &str = "status must be a number or a StatusCode constant name; write `status = 404` or `status = NOT_FOUND`";

/// What format arguments after a message (thiserror's `.0`, `name = expr`) are told.
const NO_FORMAT_ARGUMENTS: &str = "`message` takes no format arguments; name the variant's fields in the string: `{0}` for thiserror's `.0`, `{field}` for `.field`";

/// The names other error crates give a key (`msg`, `error_type`), too far from ours for a
/// misspelling, with the key they stand for.
const OTHER_NAMES: &[(&str, &str)] = &[
    ("msg", MESSAGE),
    ("text", MESSAGE),
    ("error_message", MESSAGE),
    ("description", MESSAGE),
    ("error_type", TYPE),
    ("kind", TYPE),
    ("category", TYPE),
    ("error_code", CODE),
    ("http_code", STATUS),
    ("retry", RETRYABLE),
];

/// Whether an unknown key says "status" in any case (`status_code`, `httpStatus`,
/// `StatusCode`).
fn names_status(name: &str) -> bool {
    name.to_ascii_lowercase().contains(STATUS)
}

fn unknown_key_message(name: &str, pos: Position) -> String {
    if pos == Position::Enum && name == CODE {
        return "`code` cannot be set on an enum: each variant has its own; put #[api_error(code = \"...\")] on the variants".to_owned();
    }
    if ALL.contains(&name) {
        let hint = match name {
            RETRY_AFTER => "put #[api_error(retry_after)] on the field that holds the delay",
            FIELD_ERRORS => {
                "put #[api_error(field_errors)] on the field that holds the field errors (a `FieldErrors` or `Vec<FieldError>`)"
            }
            NO_INTEGRATIONS => "it is a container attribute: put #[api_error(no_integrations)] on the enum or struct",
            HEADER => "put #[api_error(header(\"Name\", \"value\"))] on the variant, the enum or the struct",
            PARAM | TRANSPARENT | EXPOSE if pos == Position::Enum => "put it on the variants",
            STATUS | TYPE | CODE | MESSAGE | RETRYABLE | TRANSPARENT | EXPOSE => {
                "put it on the variant (or struct), not on a field"
            }
            _ => "it is not allowed here",
        };
        return format!("`{name}` is not allowed on {}; {hint}", pos.name());
    }
    // `status_code`, `http_status`, `httpStatus`, `StatusCode`: the key is `status` (on a
    // field, it has its own hint).
    let status = (names_status(name) && pos.keys().contains(&STATUS)).then_some(STATUS);
    let other = OTHER_NAMES
        .iter()
        .find(|(other, key)| *other == name && pos.keys().contains(key))
        .map(|(_, key)| *key);
    match status.or(other).or_else(|| nearest(name, pos.keys())) {
        Some(s) => format!("unknown api_error attribute `{name}`; did you mean `{s}`?"),
        None => format!(
            "unknown api_error attribute `{name}`; expected one of: {}",
            pos.keys().join(", ")
        ),
    }
}

/// Consumes `=`; reports and skips the rest when it is missing.
fn expect_eq(cx: &Ctxt, input: ParseStream, key: &str, key_span: Span, example: &str) -> bool {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>().is_ok()
    } else {
        let _ = skip_value(input);
        cx.error_at(key_span, format!("expected a value: `{key} = {example}`"));
        false
    }
}

/// `key = "literal"`.
fn parse_str(
    cx: &Ctxt,
    input: ParseStream,
    key: &str,
    key_span: Span,
    example: &str,
) -> syn::Result<Option<LitStr>> {
    if !expect_eq(cx, input, key, key_span, example) {
        return Ok(None);
    }
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        // `"x"suffix`: the suffix would be dropped without a word (the value is still taken,
        // so nothing else is reported for its absence).
        if !lit.suffix().is_empty() {
            cx.error_spanned_by(
                &lit,
                format!(
                    "a string here takes no suffix; remove `{}`: `{key} = {:?}`",
                    lit.suffix(),
                    lit.value()
                ),
            );
        }
        return Ok(Some(lit));
    }
    let bad = take_value(input);
    report_value(
        cx,
        bad,
        key_span,
        &format!("expected a string literal: `{key} = {example}`"),
    );
    Ok(None)
}

/// Reports a value that is not what its key takes, on the value; on the key when there is
/// no value at all (`status = ,`), instead of on the derive.
fn report_value(cx: &Ctxt, bad: TokenStream, key_span: Span, message: &str) {
    if bad.is_empty() {
        cx.error_at(key_span, format!("missing value: {message}"));
    } else {
        cx.error_spanned_by(bad, message);
    }
}

/// `header("name", "value")`: a static header every response of the variant carries. The
/// name must be an RFC 9110 token, the value visible ASCII, spaces and tabs (no line breaks),
/// so the integrations can send both without a run-time check.
fn parse_header(cx: &Ctxt, out: &mut Attrs, input: ParseStream, key_span: Span) -> syn::Result<()> {
    const EXAMPLE: &str = "`header(\"WWW-Authenticate\", \"Bearer realm=\\\"api\\\"\")`";
    if !input.peek(syn::token::Paren) {
        cx.error_at(
            key_span,
            format!("expected a header name and value: {EXAMPLE}"),
        );
        return skip_value(input);
    }
    let content;
    syn::parenthesized!(content in input);
    let parsed = (|| -> syn::Result<(LitStr, LitStr)> {
        let name: LitStr = content.parse()?;
        content.parse::<Token![,]>()?;
        let value: LitStr = content.parse()?;
        let _ = content.parse::<Option<Token![,]>>()?;
        if !content.is_empty() {
            return Err(content.error("unexpected tokens after the header value"));
        }
        Ok((name, value))
    })();
    let (name, value) = match parsed {
        Ok(pair) => pair,
        Err(err) => {
            cx.error_at(
                err.span(),
                format!("expected a header name and value: {EXAMPLE}"),
            );
            // The rest of the parentheses is part of this one mistake.
            let _ = content.parse::<TokenStream>();
            return Ok(());
        }
    };
    let n = name.value();
    let is_tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if n.is_empty() || !n.chars().all(is_tchar) {
        cx.error_spanned_by(
            &name,
            format!("`{n}` is not a valid header name; use letters, digits and `-` (RFC 9110 token characters), like {EXAMPLE}"),
        );
        return Ok(());
    }
    let v = value.value();
    let visible = |c: char| c == ' ' || c == '\t' || ('!'..='~').contains(&c);
    if !v.chars().all(visible) || v.starts_with([' ', '\t']) || v.ends_with([' ', '\t']) {
        cx.error_spanned_by(
            &value,
            "header value must be visible ASCII, with spaces or tabs only between words (no line breaks, control or non-ASCII characters)",
        );
        return Ok(());
    }
    let lower = n.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "content-type" | "content-length" | "x-should-retry" | "retry-after" | "retry-after-ms"
    ) {
        cx.error_spanned_by(
            &name,
            format!("`{n}` is set by the integrations from the error itself; remove it (use `retry_after` on a field for a delay)"),
        );
        return Ok(());
    }
    if matches!(
        lower.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-connection"
            | "upgrade"
            | "te"
            | "trailer"
            | "host"
            | "date"
            | "server"
    ) {
        cx.error_spanned_by(
            &name,
            format!("`{n}` belongs to the connection and the server, not to an error; remove it"),
        );
        return Ok(());
    }
    if out.headers.iter().any(|(seen, _)| *seen == lower) {
        cx.error_spanned_by(
            &name,
            format!("header `{n}` is given twice (names are case-insensitive); keep one, with the value to send"),
        );
        return Ok(());
    }
    if matches!(lower.as_str(), "x-request-id" | "request-id") {
        cx.error_spanned_by(
            &name,
            format!("`{n}` is the request's id, which the integrations set on every response; remove it"),
        );
        return Ok(());
    }
    if matches!(
        lower.as_str(),
        "content-encoding"
            | "transfer-encoding"
            | "content-range"
            | "etag"
            | "last-modified"
            | "content-digest"
            | "repr-digest"
            | "digest"
            | "content-md5"
    ) {
        cx.error_spanned_by(
            &name,
            format!("`{n}` describes the body, which the integrations write (plain JSON, whole); remove it"),
        );
        return Ok(());
    }
    out.headers.push((lower, v));
    Ok(())
}

/// `status = 404`, `status = NOT_FOUND`, `status = StatusCode::NOT_FOUND`.
fn parse_status(cx: &Ctxt, out: &mut Attrs, input: ParseStream, key_span: Span) -> syn::Result<()> {
    // `-404`: spanned on all of it (syn reads it as one literal spanned on the `-`).
    if input.peek(Token![-]) {
        out.status_invalid = true;
        cx.error_spanned_by(
            take_value(input),
            "status must be an HTTP error status between 400 and 599",
        );
        return Ok(());
    }
    if input.peek(LitInt) {
        let lit: LitInt = input.parse()?;
        // `404 as u16`, `400 + 4`: one error for the whole expression.
        let rest = take_value(input);
        if !rest.is_empty() {
            out.status_invalid = true;
            cx.error_spanned_by(quote::quote!(#lit #rest), STATUS_FORMS);
            return Ok(());
        }
        if !matches!(lit.suffix(), "" | "u16") {
            out.status_invalid = true;
            cx.error_spanned_by(
                &lit,
                format!(
                    "a status is a plain number; write `status = {}`",
                    lit.base10_digits()
                ),
            );
            return Ok(());
        }
        match lit.base10_parse::<u16>() {
            Ok(code) if (400..=599).contains(&code) => out.status = Some(Status { code }),
            _ => {
                out.status_invalid = true;
                cx.error_spanned_by(
                    &lit,
                    "status must be an HTTP error status between 400 and 599",
                );
            }
        }
        return Ok(());
    }
    if input.peek(syn::Ident) || input.peek(Token![::]) {
        out.status_invalid = true;
        let path: syn::Path = input.parse()?;
        // A call, a macro or an expression (`StatusCode::from_u16(404)`, `concat!(..)`):
        // one error for all of it.
        let rest = take_value(input);
        if !rest.is_empty() {
            cx.error_spanned_by(quote::quote!(#path #rest), STATUS_FORMS);
            return Ok(());
        }
        let Some(last) = path.segments.last() else {
            return Ok(());
        };
        let name = last.ident.to_string();
        // Only `NAME`, `StatusCode::NAME` or a path ending `...::StatusCode::NAME`.
        let owner = path
            .segments
            .iter()
            .rev()
            .nth(1)
            .map(|s| s.ident.to_string());
        if owner.is_some_and(|o| o != "StatusCode") {
            cx.error_spanned_by(
                &path,
                format!("a status constant is `{name}` or `StatusCode::{name}` (http::StatusCode's); write `status = {name}`"),
            );
            return Ok(());
        }
        match status_by_name(&name) {
            Some(code) if (400..=599).contains(&code) => {
                out.status = Some(Status { code });
            }
            Some(code) => cx.error_spanned_by(
                &path,
                format!("`{name}` is {code}, not an error; status must be an HTTP error status between 400 and 599"),
            ),
            None => {
                let names: Vec<&str> = STATUS_NAMES.iter().map(|(n, _)| *n).collect();
                // `NotFound`, `not_found`: the constant in its own case.
                let upper = crate::case::to_snake_case(&name).to_ascii_uppercase();
                let same_in_caps = names.iter().copied().find(|n| *n == upper);
                let hint = match same_in_caps.or_else(|| nearest(&name, &names)) {
                    Some(n) => format!("; did you mean `{n}`?"),
                    None => "; write the number instead, e.g. `status = 404`".to_owned(),
                };
                cx.error_spanned_by(
                    &path,
                    format!("`{name}` is not an http::StatusCode constant{hint}"),
                );
            }
        }
        return Ok(());
    }
    out.status_invalid = true;
    let bad = take_value(input);
    report_value(
        cx,
        bad,
        key_span,
        "status must be an integer literal like `404` or a StatusCode constant name like `NOT_FOUND`",
    );
    Ok(())
}

/// A flag key (`transparent`, `expose`, field `param`): reports and skips any value.
fn flag_only(cx: &Ctxt, input: ParseStream, key: &str) -> syn::Result<()> {
    if input.peek(Token![,]) || input.is_empty() {
        return Ok(());
    }
    let bad = take_value(input);
    cx.error_spanned_by(
        bad,
        format!("`{key}` takes no value; write `#[api_error({key})]`"),
    );
    Ok(())
}

/// Skips whatever follows a key up to the next top-level `,`.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    let _ = take_value(input);
    Ok(())
}

fn take_value(input: ParseStream) -> TokenStream {
    let mut tokens = TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        match input.parse::<TokenTree>() {
            Ok(tt) => tokens.extend([tt]),
            Err(_) => break,
        }
    }
    tokens
}

/// Every `http::StatusCode` constant name: the 4xx and 5xx ones are accepted, the others
/// are known so the error can say why they are rejected.
const STATUS_NAMES: &[(&str, u16)] = &[
    ("CONTINUE", 100),
    ("SWITCHING_PROTOCOLS", 101),
    ("PROCESSING", 102),
    ("EARLY_HINTS", 103),
    ("OK", 200),
    ("CREATED", 201),
    ("ACCEPTED", 202),
    ("NON_AUTHORITATIVE_INFORMATION", 203),
    ("NO_CONTENT", 204),
    ("RESET_CONTENT", 205),
    ("PARTIAL_CONTENT", 206),
    ("MULTI_STATUS", 207),
    ("ALREADY_REPORTED", 208),
    ("IM_USED", 226),
    ("MULTIPLE_CHOICES", 300),
    ("MOVED_PERMANENTLY", 301),
    ("FOUND", 302),
    ("SEE_OTHER", 303),
    ("NOT_MODIFIED", 304),
    ("USE_PROXY", 305),
    ("TEMPORARY_REDIRECT", 307),
    ("PERMANENT_REDIRECT", 308),
    ("BAD_REQUEST", 400),
    ("UNAUTHORIZED", 401),
    ("PAYMENT_REQUIRED", 402),
    ("FORBIDDEN", 403),
    ("NOT_FOUND", 404),
    ("METHOD_NOT_ALLOWED", 405),
    ("NOT_ACCEPTABLE", 406),
    ("PROXY_AUTHENTICATION_REQUIRED", 407),
    ("REQUEST_TIMEOUT", 408),
    ("CONFLICT", 409),
    ("GONE", 410),
    ("LENGTH_REQUIRED", 411),
    ("PRECONDITION_FAILED", 412),
    ("PAYLOAD_TOO_LARGE", 413),
    ("URI_TOO_LONG", 414),
    ("UNSUPPORTED_MEDIA_TYPE", 415),
    ("RANGE_NOT_SATISFIABLE", 416),
    ("EXPECTATION_FAILED", 417),
    ("IM_A_TEAPOT", 418),
    ("MISDIRECTED_REQUEST", 421),
    ("UNPROCESSABLE_ENTITY", 422),
    ("LOCKED", 423),
    ("FAILED_DEPENDENCY", 424),
    ("TOO_EARLY", 425),
    ("UPGRADE_REQUIRED", 426),
    ("PRECONDITION_REQUIRED", 428),
    ("TOO_MANY_REQUESTS", 429),
    ("REQUEST_HEADER_FIELDS_TOO_LARGE", 431),
    ("UNAVAILABLE_FOR_LEGAL_REASONS", 451),
    ("INTERNAL_SERVER_ERROR", 500),
    ("NOT_IMPLEMENTED", 501),
    ("BAD_GATEWAY", 502),
    ("SERVICE_UNAVAILABLE", 503),
    ("GATEWAY_TIMEOUT", 504),
    ("HTTP_VERSION_NOT_SUPPORTED", 505),
    ("VARIANT_ALSO_NEGOTIATES", 506),
    ("INSUFFICIENT_STORAGE", 507),
    ("LOOP_DETECTED", 508),
    ("NOT_EXTENDED", 510),
    ("NETWORK_AUTHENTICATION_REQUIRED", 511),
];

fn status_by_name(name: &str) -> Option<u16> {
    STATUS_NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, code)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table names every `http::StatusCode` constant (their names are their reason
    /// phrases in capitals), with its number.
    #[test]
    fn status_names_are_http_constants() {
        let mut known = 0;
        for code in 100..=999 {
            let Some(reason) = http::StatusCode::from_u16(code)
                .ok()
                .and_then(|s| s.canonical_reason())
            else {
                continue;
            };
            let name: String = reason
                .chars()
                .filter(|c| *c != '\'')
                .map(|c| match c {
                    ' ' | '-' => '_',
                    c => c.to_ascii_uppercase(),
                })
                .collect();
            assert_eq!(status_by_name(&name), Some(code), "{name}");
            known += 1;
        }
        assert_eq!(known, STATUS_NAMES.len());
    }
}

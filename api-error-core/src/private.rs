//! Everything generated code needs from this crate, and nothing a user should name.
//! Not public API: may change in any release.

use core::fmt::Display;
use std::borrow::Cow;
use std::time::Duration;

pub use core;
pub use http;
pub use http::StatusCode;

pub use crate::ErrorFormat;
pub use serde;
pub use serde_json;
pub use std;

use crate::catalog::CatalogEntry;
pub use crate::catalog::ResponseHint;
pub use crate::fields::private::{errors_param, FieldErrorsField};
use crate::format::{write_fields, Fields, Param, Text};
use crate::json;
use crate::{ApiError, FieldError, WireFormat};

/// Everything static about one variant, computed at compile time by the derive: its status,
/// its flags, and where its strings lie in its type's one text. The derive emits, per type,
/// one string constant with every string of every variant, and one byte string with every
/// variant's row of integers: two literals, however many variants (for an enum of
/// hundreds, a struct literal of string constants per variant was one of the largest costs
/// of compiling the derive's output). This is a view of one row, with the text it indexes.
#[derive(Clone, Copy, Debug)]
pub struct Meta {
    text: &'static str,
    /// The row: [`Meta::ROW`] integers, each a `u32`, little-endian: the status, the flags
    /// ([`Meta::LITERAL`], [`Meta::RETRYABLE`], [`Meta::PARAM_FIELD`]), then where the
    /// variant's strings lie in `text`: the `i`th (in the order of [`Meta::part`]'s indexes)
    /// is `text[row[2 + i]..row[3 + i]]`.
    row: &'static [u8; Meta::ROW * 4],
    /// The doc when it is a macro's text (`#[doc = include_str!(..)]`), which the derive
    /// cannot put in the text; else `""`, and the doc is in the text.
    macro_doc: &'static str,
}

impl Meta {
    /// The integers in a row.
    pub const ROW: usize = 11;

    /// The message is the fixed text of the [`Meta::TEMPLATE`] part (already JSON-escaped
    /// into the [`Meta::JSON_HEAD`] part); otherwise it is the error's own `Display` (4xx
    /// default, or `expose`), or a format string, expanded in place by the derive.
    pub const LITERAL: u32 = 1;
    /// The variant is retryable.
    pub const RETRYABLE: u32 = 2;
    /// A field gives the param (rendered between the [`Meta::JSON_TAIL`] part and the
    /// request id).
    pub const PARAM_FIELD: u32 = 4;

    /// The indexes of [`Meta::part`]: the variant's name, its type, its code, the catalog's
    /// message template, its static param (`""` when there is none: an empty param is
    /// rejected by the derive), its doc, then `{"message":"` plus, for a literal message,
    /// the escaped literal, then `","type":"…","code":"…","param":` and, unless a field
    /// gives the param, the static param (or `null`) and `,"request_id":`.
    pub const VARIANT: usize = 0;
    pub const ERROR_TYPE: usize = 1;
    pub const CODE: usize = 2;
    pub const TEMPLATE: usize = 3;
    pub const PARAM: usize = 4;
    pub const DOC: usize = 5;
    pub const JSON_HEAD: usize = 6;
    pub const JSON_TAIL: usize = 7;

    /// The `i`th variant of a type: its row in `rows`, its strings in `text`, and its doc in
    /// `docs` when some doc of the type is a macro's text (`docs` is empty otherwise).
    #[inline]
    pub fn new(
        text: &'static str,
        rows: &'static [u8],
        docs: &'static [&'static str],
        i: usize,
    ) -> Meta {
        const BYTES: usize = Meta::ROW * 4;
        Meta {
            text,
            row: i
                .checked_mul(BYTES)
                .and_then(|at| rows.get(at..))
                .and_then(<[u8]>::first_chunk)
                .unwrap_or(&[0; BYTES]),
            macro_doc: docs.get(i).copied().unwrap_or(""),
        }
    }

    /// The row's `k`th integer.
    #[inline]
    fn int(&self, k: usize) -> u32 {
        row_int(self.row, k)
    }

    /// Where the variant's `i`th string lies in the text.
    #[inline]
    fn range(&self, i: usize) -> std::ops::Range<usize> {
        self.int(i.saturating_add(2)) as usize..self.int(i.saturating_add(3)) as usize
    }

    /// The variant's `i`th string (`""` if the derive had laid them out wrong, which the
    /// tests rule out).
    #[inline]
    pub fn part(&self, i: usize) -> &'static str {
        self.text.get(self.range(i)).unwrap_or("")
    }

    /// [`Meta::part`] as bytes (no check that it starts and ends on characters: what is
    /// copied into a body as it is).
    #[inline]
    fn bytes(&self, i: usize) -> &'static [u8] {
        self.text.as_bytes().get(self.range(i)).unwrap_or_default()
    }

    /// The status (500 if it were ever out of range, which the derive rules out).
    #[inline]
    pub fn status(&self) -> StatusCode {
        u16::try_from(self.int(0))
            .ok()
            .and_then(|status| StatusCode::from_u16(status).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    #[inline]
    pub fn error_type(&self) -> &'static str {
        self.part(Meta::ERROR_TYPE)
    }

    #[inline]
    pub fn code(&self) -> &'static str {
        self.part(Meta::CODE)
    }

    #[inline]
    pub fn literal(&self) -> bool {
        self.int(1) & Meta::LITERAL != 0
    }

    #[inline]
    pub fn retryable(&self) -> bool {
        self.int(1) & Meta::RETRYABLE != 0
    }

    #[inline]
    pub fn param_field(&self) -> bool {
        self.int(1) & Meta::PARAM_FIELD != 0
    }

    /// The doc comment, as the derive found it (the catalog trims it).
    pub fn doc(&self) -> &'static str {
        match self.macro_doc {
            "" => self.part(Meta::DOC),
            doc => doc,
        }
    }

    /// The static param, if any.
    #[inline]
    pub fn param(&self) -> Option<&'static str> {
        let param = self.part(Meta::PARAM);
        (!param.is_empty()).then_some(param)
    }
}

/// What one value of a derived type is: a variant described by static data, or a
/// transparent wrapper around another error.
pub enum Resolved<'a> {
    Static(Meta),
    Inner(&'a dyn ApiError),
}

impl Resolved<'_> {
    #[inline]
    pub fn status(&self) -> StatusCode {
        match self {
            Resolved::Static(m) => m.status(),
            Resolved::Inner(e) => e.status(),
        }
    }

    #[inline]
    pub fn error_type(&self) -> &'static str {
        match self {
            Resolved::Static(m) => m.error_type(),
            Resolved::Inner(e) => e.error_type(),
        }
    }

    #[inline]
    pub fn code(&self) -> &'static str {
        match self {
            Resolved::Static(m) => m.code(),
            Resolved::Inner(e) => e.code(),
        }
    }

    #[inline]
    pub fn is_retryable(&self) -> bool {
        match self {
            Resolved::Static(m) => m.retryable(),
            Resolved::Inner(e) => e.is_retryable(),
        }
    }

    #[inline]
    pub fn headers(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            // Variants with headers have an arm of their own in the generated `headers`.
            Resolved::Static(_) => &[],
            Resolved::Inner(e) => e.headers(),
        }
    }

    #[inline]
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Resolved::Static(_) => None,
            Resolved::Inner(e) => e.retry_after(),
        }
    }
}

impl<'a> Resolved<'a> {
    /// The message of a variant without a format string; `this` is the whole error (taken as
    /// an `ApiError`, whose `Display` comes with it: a type without `Display` is then one
    /// error, at the derive's impl, not one more here).
    pub fn message<T: ApiError>(self, this: &'a T) -> Cow<'a, str> {
        match self {
            Resolved::Static(m) if m.literal() => Cow::Borrowed(m.part(Meta::TEMPLATE)),
            Resolved::Static(_) => Cow::Owned(format(format_args!("{this}"))),
            Resolved::Inner(e) => e.message(),
        }
    }

    /// The field errors of a variant without a field errors field.
    #[inline]
    pub fn field_errors(self) -> &'a [FieldError] {
        match self {
            Resolved::Static(_) => &[],
            Resolved::Inner(e) => e.field_errors(),
        }
    }

    /// The param of a variant without a param field.
    pub fn param(self) -> Option<Cow<'a, str>> {
        match self {
            Resolved::Static(m) => m.param().map(Cow::Borrowed),
            Resolved::Inner(e) => e.param(),
        }
    }

    /// `write_body` of a variant without a format string or param field.
    pub fn write_body<T: ApiError>(
        self,
        this: &T,
        format: &ErrorFormat,
        request_id: Option<&str>,
        out: &mut Vec<u8>,
    ) {
        match self {
            Resolved::Static(m) => {
                let message: Option<&dyn Display> = (!m.literal()).then_some(as_display(this));
                write_body(&m, format, out, request_id, message, None);
            }
            Resolved::Inner(e) => format.write(e, request_id, out),
        }
    }
}

/// The error as its `Display` (through `ApiError`'s supertraits: see [`Resolved::message`]).
#[inline]
pub fn as_display<T: ApiError>(this: &T) -> &dyn Display {
    this
}

/// A path field shown with `{path}` in a message: `Path` and `PathBuf` through their
/// `display()` (they have no `Display`), any other type (a type of that name with a
/// `Display` of its own) through its `Display`, picked by autoref as thiserror does:
/// `field.__api_error_as_display()` with `field: &PathBuf` finds the `PathBuf` impl, with
/// `field: &T` the one for `&T`.
pub trait AsDisplay<'a> {
    /// What is formatted.
    type Target: Display;
    fn __api_error_as_display(&'a self) -> Self::Target;
}

impl<'a, T: Display + ?Sized + 'a> AsDisplay<'a> for &T {
    type Target = &'a T;
    #[inline]
    fn __api_error_as_display(&'a self) -> &'a T {
        self
    }
}

impl<'a> AsDisplay<'a> for std::path::Path {
    type Target = std::path::Display<'a>;
    #[inline]
    fn __api_error_as_display(&'a self) -> std::path::Display<'a> {
        self.display()
    }
}

impl<'a> AsDisplay<'a> for std::path::PathBuf {
    type Target = std::path::Display<'a>;
    #[inline]
    fn __api_error_as_display(&'a self) -> std::path::Display<'a> {
        self.display()
    }
}

/// A transparent variant's inner error (a function so a missing impl is reported at the
/// field's type).
#[inline]
pub fn inner<T: InnerError + ?Sized>(e: &T) -> Resolved<'_> {
    Resolved::Inner(e.as_api_error())
}

/// What a transparent variant's field may be: an [`ApiError`] (`Box<T>` of one included),
/// or a boxed `dyn ApiError`, which is not itself one (`std`'s `Error` for `Box<T>` needs a
/// sized `T`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an `ApiError`, so a transparent variant cannot take everything from it",
    label = "this field is the inner error of `#[api_error(transparent)]`",
    note = "derive `ApiError` for it, or make the field a `Box<dyn ApiError + Send + Sync>`; a variant that is not transparent takes a status instead"
)]
pub trait InnerError {
    /// The field as the error it stands for.
    fn as_api_error(&self) -> &dyn ApiError;
}

impl<T: ApiError> InnerError for T {
    #[inline]
    fn as_api_error(&self) -> &dyn ApiError {
        self
    }
}

/// `Box<dyn ApiError>` with any of the auto traits a boxed error is usually given.
macro_rules! boxed_dyn_inner {
    ($($t:ty),*) => {$(
        impl InnerError for Box<$t> {
            #[inline]
            fn as_api_error(&self) -> &dyn ApiError {
                &**self
            }
        }
    )*};
}
boxed_dyn_inner!(
    dyn ApiError,
    dyn ApiError + Send,
    dyn ApiError + Sync,
    dyn ApiError + Send + Sync
);

/// Renders one variant's body in `format`: the static parts are pre-rendered JSON, copied
/// as they are; `message` (when not a literal) and `param` (when a field gives it) are
/// escaped straight into `out`.
#[inline]
pub fn write_body(
    meta: &Meta,
    format: &ErrorFormat,
    out: &mut Vec<u8>,
    request_id: Option<&str>,
    message: Option<&dyn Display>,
    param: Option<ParamValue<'_>>,
) {
    write_body_with_errors(meta, format, out, request_id, message, param, &[]);
}

/// [`write_body`] of a variant with a `field_errors` field: `errors` after the request id.
pub fn write_body_with_errors(
    meta: &Meta,
    format: &ErrorFormat,
    out: &mut Vec<u8>,
    request_id: Option<&str>,
    message: Option<&dyn Display>,
    param: Option<ParamValue<'_>>,
    errors: &[FieldError],
) {
    match format.wire_format() {
        WireFormat::Flat => write_flat(meta, out, request_id, message, param, errors),
        WireFormat::Enveloped => {
            out.extend_from_slice(b"{\"error\":");
            write_flat(meta, out, request_id, message, param, errors);
            out.push(b'}');
        }
        WireFormat::Problem => {
            // The pieces of the pre-rendered flat body, sliced, never escaped again:
            // `{"message":"<message>` and `","type":"T","code":"C","param":<param>,"request_id":`.
            // The derive lays the pieces out this way (`expand.rs`); the byte-identity tests
            // compare every format with serde's, and debug builds check the layout here.
            const HEAD: usize = "{\"message\":\"".len();
            let (json_head, json_tail) = (meta.part(Meta::JSON_HEAD), meta.part(Meta::JSON_TAIL));
            let (error_type, code) = (meta.error_type(), meta.code());
            debug_assert!(json_head.starts_with("{\"message\":\""));
            debug_assert!(json_tail.starts_with("\",\"type\":\""));
            debug_assert!(meta.param_field() || json_tail.ends_with(",\"request_id\":"));
            let text = match message {
                Some(m) => Text::Display(m),
                None => Text::Escaped(json_head.get(HEAD..).unwrap_or_default()),
            };
            let param = if meta.param_field() {
                match param {
                    Some(ParamValue::Str(s)) => Param::Text(Text::Raw(s)),
                    Some(ParamValue::Display(d)) => Param::Text(Text::Display(d)),
                    None => Param::Json("null"),
                }
            } else {
                // Type and code are snake_case: escaping leaves them as they are.
                let start = "\",\"type\":\"\",\"code\":\"\",\"param\":".len()
                    + error_type.len()
                    + code.len();
                let end = json_tail.len() - ",\"request_id\":".len().min(json_tail.len());
                Param::Json(json_tail.get(start..end).unwrap_or("null"))
            };
            let fields = Fields {
                status: meta.status(),
                message: text,
                error_type: Text::Escaped(error_type),
                code: Text::Escaped(code),
                param,
                request_id,
                errors,
            };
            write_fields(format, &fields, out);
        }
    }
}

/// The flat body: the pre-rendered head and tail around the dynamic parts.
fn write_flat(
    meta: &Meta,
    out: &mut Vec<u8>,
    request_id: Option<&str>,
    message: Option<&dyn Display>,
    param: Option<ParamValue<'_>>,
    errors: &[FieldError],
) {
    out.extend_from_slice(meta.bytes(Meta::JSON_HEAD));
    if let Some(message) = message {
        json::escape_fmt(out, format_args!("{message}"));
    }
    out.extend_from_slice(meta.bytes(Meta::JSON_TAIL));
    if meta.param_field() {
        match param {
            Some(p) => {
                out.push(b'"');
                match p {
                    ParamValue::Str(s) => json::escape_into(out, s),
                    ParamValue::Display(d) => json::escape_fmt(out, format_args!("{d}")),
                }
                out.extend_from_slice(b"\",\"request_id\":");
            }
            None => out.extend_from_slice(b"null,\"request_id\":"),
        }
    }
    json::write_opt_string(out, request_id);
    json::write_field_errors(out, errors);
    out.push(b'}');
}

/// A param field's value: borrowed through `AsRef<str>` when the field type has it (no
/// allocation for `String`, `&str`, `Cow<str>`, ...), else formatted through `Display`.
#[derive(Clone, Copy)]
pub enum ParamValue<'a> {
    Str(&'a str),
    Display(&'a dyn Display),
}

/// Picks a param field's [`ParamValue`] by deref specialization:
/// `param_of((&&&ParamRef(field)).__api_error_param())` resolves to [`ParamAsStr`] when the
/// field is `AsRef<str>`, else to [`ParamDisplay`] when it is `Display`, else to
/// [`ParamNeither`], whose [`NotAParam`] `param_of` refuses with a message that says what to
/// write (not an unsatisfied method naming these types).
pub struct ParamRef<'a, T: ?Sized>(pub &'a T);

pub trait ParamAsStr<'a> {
    fn __api_error_param(&self) -> ParamValue<'a>;
}

impl<'a, T: AsRef<str> + ?Sized> ParamAsStr<'a> for &&ParamRef<'a, T> {
    #[inline]
    fn __api_error_param(&self) -> ParamValue<'a> {
        ParamValue::Str(self.0.as_ref())
    }
}

pub trait ParamDisplay<'a> {
    fn __api_error_param(&self) -> ParamValue<'a>;
}

impl<'a, T: Display> ParamDisplay<'a> for &ParamRef<'a, T> {
    #[inline]
    fn __api_error_param(&self) -> ParamValue<'a> {
        ParamValue::Display(self.0)
    }
}

pub trait ParamNeither {
    fn __api_error_param(&self) -> NotAParam;
}

impl<T: ?Sized> ParamNeither for ParamRef<'_, T> {
    fn __api_error_param(&self) -> NotAParam {
        NotAParam
    }
}

/// What a param field of a type that is neither `AsRef<str>` nor `Display` gives: refused
/// by [`param_of`].
pub struct NotAParam;

/// A param field's value, or the derive's error for a field that cannot be one.
#[diagnostic::on_unimplemented(
    message = "`#[api_error(param)]` needs a field that is `AsRef<str>` or `Display`, and this one is neither",
    label = "this field's type is neither `AsRef<str>` nor `Display`",
    note = "implement `Display` for the type (a type of another crate: wrap it in one of yours), mark a field that holds the parameter's name, or name it with `param = \"...\"` on the variant",
    note = "an optional parameter is written `Option<...>` on the field itself: an `Option` behind a type alias is not seen as one"
)]
pub trait IntoParam<'a> {
    fn into_param(self) -> ParamValue<'a>;
}

impl<'a> IntoParam<'a> for ParamValue<'a> {
    #[inline]
    fn into_param(self) -> ParamValue<'a> {
        self
    }
}

/// See [`IntoParam`].
#[inline]
pub fn param_of<'a, V: IntoParam<'a>>(value: V) -> ParamValue<'a> {
    value.into_param()
}

/// [`param_of`] for a second use of the same field (the `param()` method): a field that
/// cannot be a param gives `None` here, so its error is reported once, by `param_of`.
pub trait ParamAgain<'a> {
    fn param_again(self) -> Option<ParamValue<'a>>;
}

impl<'a> ParamAgain<'a> for ParamValue<'a> {
    #[inline]
    fn param_again(self) -> Option<ParamValue<'a>> {
        Some(self)
    }
}

impl<'a> ParamAgain<'a> for NotAParam {
    #[inline]
    fn param_again(self) -> Option<ParamValue<'a>> {
        None
    }
}

/// See [`ParamAgain`].
#[inline]
pub fn param_again<'a, V: ParamAgain<'a>>(value: V) -> Option<ParamValue<'a>> {
    value.param_again()
}

/// `args` as a `String`, like `std::fmt::format`, but never panicking: a `Display` impl
/// that reports an error (where `format!` and `to_string` panic) ends the text where it
/// failed, exactly where `write_json` ends it (see `json::escape_fmt`), so the two
/// renderings stay byte-identical. Generated `message()`s format through it.
pub fn format(args: core::fmt::Arguments<'_>) -> String {
    match args.as_str() {
        Some(s) => s.to_owned(),
        None => {
            let mut out = String::new();
            let _ = core::fmt::Write::write_fmt(&mut out, args);
            out
        }
    }
}

/// A `message` field's value in a received message: what lies between the literal text of
/// the variant's message template (`"Payment failed: {message}"`); `None` when the message
/// does not have that frame (it was not made from this template).
pub fn message_field<'a>(message: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    message.strip_prefix(prefix)?.strip_suffix(suffix)
}

/// A param field's value as a string (borrowed when it can be).
pub fn param_string(p: Option<ParamValue<'_>>) -> Option<Cow<'_, str>> {
    p.map(|p| match p {
        ParamValue::Str(s) => Cow::Borrowed(s),
        ParamValue::Display(d) => Cow::Owned(format(format_args!("{d}"))),
    })
}

/// A row's `k`th integer (0 past its end, which the derive rules out).
#[inline]
fn row_int(row: &[u8], k: usize) -> u32 {
    match k.checked_mul(4).and_then(|at| row.get(at..)) {
        Some(&[a, b, c, d, ..]) => u32::from_le_bytes([a, b, c, d]),
        _ => 0,
    }
}

/// The index of the first of a type's variants (its `text` and `rows`, as [`Meta::new`]
/// takes them) with the code and status of a received error (one code has one status), or
/// `usize::MAX`: what a derived `from_error_response` matches on, an integer (a match on
/// strings costs the compiler far more to check and lower). Each row's status is compared
/// first, as an integer, and only then its code.
pub fn variant_of(
    text: &'static str,
    rows: &'static [u8],
    response: &crate::client::ErrorResponse,
) -> usize {
    let (code, status) = (response.code(), usize::from(response.status().as_u16()));
    rows.chunks_exact(Meta::ROW * 4)
        .position(|row| {
            let int = |k| row_int(row, k) as usize;
            int(0) == status
                && text
                    .as_bytes()
                    .get(int(2 + Meta::CODE)..int(3 + Meta::CODE))
                    == Some(code.as_bytes())
        })
        .unwrap_or(usize::MAX)
}

/// Appends the catalog entries of a type's variants `from..to` (`meta` gives each).
pub fn push_entries(out: &mut Vec<CatalogEntry>, meta: fn(usize) -> Meta, from: usize, to: usize) {
    out.extend((from..to).map(meta).map(|m| CatalogEntry {
        variant: m.part(Meta::VARIANT),
        status: m.status().as_u16(),
        error_type: m.error_type(),
        code: m.code(),
        message: m.part(Meta::TEMPLATE),
        param: m.param(),
        retryable: m.retryable(),
        // A doc from a macro (`include_str!`) keeps the text around it: trimmed here.
        doc: m.doc().trim(),
    }));
}

/// Runs `f` for the type `T` (its catalog, its field hints, its typed parsing through its
/// transparent variants), unless `T` is already being walked on this thread: then
/// `skipped`. A transparent variant whose inner type is, or holds, the type itself
/// (`Nested(Box<Self>)`, or two types that wrap each other) would otherwise recurse until
/// the stack overflows, in the catalog, in OpenAPI generation and in a client parsing a
/// code it does not know.
///
/// A type is known by `site`, a static the derive emits once per type definition, with its
/// `type_name` for the instantiation of a generic one: neither needs `'static`, and two types
/// that share a name (two versions of one crate, two items named alike) stay apart. (Two
/// instantiations of one generic type over such same-named types share a key: the inner one
/// is then skipped.)
///
/// The list lives in a fixed array of plain cells: a thread-local with nothing to drop is
/// never destroyed, so it works from other thread-locals' destructors too, and the nesting
/// it records is bounded (deeper walks are skipped).
pub fn walk<T: ?Sized, R>(site: &'static WalkSite, skipped: R, f: impl FnOnce() -> R) -> R {
    use std::cell::Cell;
    type Key = (&'static WalkSite, &'static str);
    /// Nested walks recorded at most: far beyond any real nesting of transparent types.
    const DEPTH: usize = 32;
    thread_local! {
        static WALKING: [Cell<Option<Key>>; DEPTH] = const { [const { Cell::new(None) }; DEPTH] };
        static LEN: Cell<usize> = const { Cell::new(0) };
    }
    /// Takes the type off the list when its walk ends, also when it unwinds.
    struct Leave(usize);
    impl Drop for Leave {
        fn drop(&mut self) {
            let _ = LEN.try_with(|len| len.set(self.0));
        }
    }
    let key: Key = (site, core::any::type_name::<T>());
    let same = |k: Option<Key>| k.is_some_and(|k| core::ptr::eq(k.0, key.0) && k.1 == key.1);
    let entered = LEN.try_with(|len| {
        let depth = len.get();
        let seen = WALKING
            .try_with(|w| w.iter().take(depth).filter(|k| same(k.get())).count())
            .unwrap_or(DEPTH);
        let slot = WALKING.try_with(|w| w.get(depth).map(|slot| slot.set(Some(key))));
        (seen == 0 && matches!(slot, Ok(Some(())))).then(|| {
            len.set(depth + 1);
            depth
        })
    });
    match entered {
        Ok(Some(depth)) => {
            let _leave = Leave(depth);
            f()
        }
        _ => skipped,
    }
}

/// What the derive emits once per type, for [`walk`] to know the type by its address (never
/// zero-sized: distinct statics then have distinct addresses).
pub struct WalkSite(pub u8);

/// A catalog with its transparent parts spliced in, without the entries it already has (two
/// transparent variants over one inner type list its errors once).
pub fn dedup_entries(mut entries: Vec<CatalogEntry>) -> Vec<CatalogEntry> {
    let mut seen = 0;
    for at in 0..entries.len() {
        let is_new = entries
            .get(at)
            .is_some_and(|entry| !entries.get(..seen).is_some_and(|kept| kept.contains(entry)));
        if is_new {
            entries.swap(seen, at);
            seen += 1;
        }
    }
    entries.truncate(seen);
    entries
}

/// Asks a transparent variant's inner type for what it optionally provides (its catalog,
/// its typed client parsing) by autoref specialization: `(&Probe::<T>::new()).method()`
/// resolves to the `Has*` impl when `T` implements the trait and to the `No*` fallback
/// otherwise. So a hand-written `ApiError` without `ErrorCatalog` or `FromErrorResponse`
/// still works as a transparent inner type; it just contributes nothing there.
pub struct Probe<T: ?Sized>(core::marker::PhantomData<fn() -> *const T>);

impl<T: ?Sized> Probe<T> {
    #[inline]
    pub const fn new() -> Self {
        Probe(core::marker::PhantomData)
    }
}

impl<T: ?Sized> Default for Probe<T> {
    fn default() -> Self {
        Self::new()
    }
}

pub trait HasCatalog {
    fn __api_error_catalog(&self, out: &mut Vec<CatalogEntry>);
    fn __api_error_field_hints(&self, out: &mut Vec<(&'static str, ResponseHint)>);
}

impl<T: crate::ErrorCatalog + ?Sized> HasCatalog for Probe<T> {
    fn __api_error_catalog(&self, out: &mut Vec<CatalogEntry>) {
        out.extend(T::catalog());
    }
    fn __api_error_field_hints(&self, out: &mut Vec<(&'static str, ResponseHint)>) {
        <T as crate::ErrorCatalog>::response_hints(out);
    }
}

pub trait NoCatalog {
    fn __api_error_catalog(&self, out: &mut Vec<CatalogEntry>);
    fn __api_error_field_hints(&self, out: &mut Vec<(&'static str, ResponseHint)>);
}

impl<T: ?Sized> NoCatalog for &Probe<T> {
    fn __api_error_catalog(&self, _: &mut Vec<CatalogEntry>) {}
    fn __api_error_field_hints(&self, _: &mut Vec<(&'static str, ResponseHint)>) {}
}

/// A type's catalog with what its fields give, by code (see [`ResponseHint`]): what its
/// OpenAPI responses are built from.
#[cfg(any(feature = "utoipa", feature = "aide"))]
pub fn documented<T: crate::ErrorCatalog + ?Sized>(
) -> (Vec<CatalogEntry>, Vec<(&'static str, ResponseHint)>) {
    let mut hints = Vec::new();
    <T as crate::ErrorCatalog>::response_hints(&mut hints);
    (T::catalog(), hints)
}

pub trait HasFromResponse<T> {
    fn __api_error_from_response(&self, response: &crate::client::ErrorResponse) -> Option<T>;
}

impl<T: crate::client::FromErrorResponse> HasFromResponse<T> for Probe<T> {
    fn __api_error_from_response(&self, response: &crate::client::ErrorResponse) -> Option<T> {
        T::from_error_response(response)
    }
}

/// Rebuilds a typed client's `String` field from received text: only std's `String` (a
/// field whose type is written `String` may be another type of that name, which the
/// received text then does not give back).
pub trait HasOwnedStr<T> {
    fn __api_error_owned(&self, text: &str) -> Option<T>;
}

impl HasOwnedStr<String> for Probe<String> {
    fn __api_error_owned(&self, text: &str) -> Option<String> {
        Some(text.to_owned())
    }
}

pub trait NoOwnedStr<T> {
    fn __api_error_owned(&self, text: &str) -> Option<T>;
}

impl<T> NoOwnedStr<T> for &Probe<T> {
    fn __api_error_owned(&self, _: &str) -> Option<T> {
        None
    }
}

pub trait NoFromResponse<T> {
    fn __api_error_from_response(&self, response: &crate::client::ErrorResponse) -> Option<T>;
}

impl<T> NoFromResponse<T> for &Probe<T> {
    fn __api_error_from_response(&self, _: &crate::client::ErrorResponse) -> Option<T> {
        None
    }
}

/// Field types accepted by `#[api_error(retry_after)]`.
#[diagnostic::on_unimplemented(
    message = "`#[api_error(retry_after)]` needs a `std::time::Duration` or an integer number of seconds, not `{Self}`",
    label = "unsupported type for retry_after",
    note = "change the field to `std::time::Duration` or an integer of seconds (`u64`, `u32`, ...), optionally in an `Option`"
)]
pub trait RetryAfterField {
    fn retry_after(&self) -> Option<Duration>;
}

impl RetryAfterField for Duration {
    fn retry_after(&self) -> Option<Duration> {
        Some(*self)
    }
}

impl<T: RetryAfterField> RetryAfterField for Option<T> {
    fn retry_after(&self) -> Option<Duration> {
        self.as_ref().and_then(RetryAfterField::retry_after)
    }
}

impl<T: RetryAfterField + ?Sized> RetryAfterField for &T {
    fn retry_after(&self) -> Option<Duration> {
        (**self).retry_after()
    }
}

macro_rules! retry_after_unsigned {
    ($($t:ty)*) => {$(
        impl RetryAfterField for $t {
            fn retry_after(&self) -> Option<Duration> {
                Some(Duration::from_secs(u64::from(*self)))
            }
        }
    )*};
}
retry_after_unsigned!(u8 u16 u32 u64);

macro_rules! retry_after_other_int {
    ($($t:ty)*) => {$(
        impl RetryAfterField for $t {
            /// Negative values mean "no delay known".
            fn retry_after(&self) -> Option<Duration> {
                u64::try_from(*self).ok().map(Duration::from_secs)
            }
        }
    )*};
}
retry_after_other_int!(usize i8 i16 i32 i64 isize u128 i128);

/// What the generated axum `IntoResponse` impls call.
#[cfg(feature = "axum")]
pub mod axum {
    pub use ::axum::response::{IntoResponse, Response};

    /// `IntoResponse::into_response` of every generated impl.
    #[inline]
    pub fn into_response(err: &dyn crate::ApiError) -> Response {
        crate::axum::error_response(err)
    }
}

/// What the generated actix-web `ResponseError` impls call.
#[cfg(feature = "actix-web")]
pub mod actix {
    pub use ::actix_web::http::StatusCode;
    pub use ::actix_web::{HttpResponse, ResponseError};

    /// `ResponseError::status_code` of every generated impl.
    #[inline]
    pub fn status_code(err: &dyn crate::ApiError) -> StatusCode {
        crate::actix::convert_status(err.status())
    }

    /// `ResponseError::error_response` of every generated impl.
    #[inline]
    pub fn error_response(err: &dyn crate::ApiError) -> HttpResponse {
        crate::actix::error_response(err)
    }
}

/// What the generated utoipa `IntoResponses` impls call.
#[cfg(feature = "utoipa")]
pub mod utoipa {
    pub use ::utoipa::IntoResponses;

    /// `IntoResponses::responses` of every generated impl.
    pub fn responses<T: crate::ErrorCatalog + ?Sized>() -> crate::utoipa::Responses {
        let (entries, hints) = super::documented::<T>();
        crate::utoipa::catalog_responses(&entries, &hints)
    }
}

/// What the generated aide `OperationOutput` impls call.
#[cfg(feature = "aide")]
pub mod aide {
    pub use ::aide::generate;
    pub use ::aide::openapi;
    pub use ::aide::OperationOutput;

    /// `OperationOutput::operation_response` of every generated impl.
    pub fn response<T: crate::ErrorCatalog + ?Sized>(
        ctx: &mut generate::GenContext,
    ) -> Option<openapi::Response> {
        let (entries, hints) = super::documented::<T>();
        crate::aide::catalog_response(ctx, &entries, &hints)
    }

    /// `OperationOutput::inferred_responses` of every generated impl.
    pub fn responses<T: crate::ErrorCatalog + ?Sized>(
        ctx: &mut generate::GenContext,
    ) -> Vec<(Option<u16>, openapi::Response)> {
        let (entries, hints) = super::documented::<T>();
        crate::aide::catalog_responses(ctx, &entries, &hints)
    }
}

/// Runs every enabled integration's impl for a derived type. The derive emits
/// `::api_error_core::__private::integrations! { [impl generics] [type] [where clause] }`
/// (this macro, re-exported here so generated code names only `__private`); each
/// integration macro expands to nothing when its feature is off, so a disabled integration
/// costs nothing.
#[doc(hidden)]
#[macro_export]
macro_rules! __integrations {
    ($($t:tt)*) => {
        $crate::__impl_axum! { $($t)* }
        $crate::__impl_actix! { $($t)* }
        $crate::__openapi_integrations! { $($t)* }
    };
}

/// The OpenAPI integrations alone (utoipa `IntoResponses`, aide `OperationOutput`, both read
/// from the type's catalog); see [`impl_openapi!`](crate::impl_openapi).
#[doc(hidden)]
#[macro_export]
macro_rules! __openapi_integrations {
    ($($t:tt)*) => {
        $crate::__impl_utoipa! { $($t)* }
        $crate::__impl_aide! { $($t)* }
    };
}

#[cfg(not(feature = "axum"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_axum {
    ($($t:tt)*) => {};
}

#[cfg(not(feature = "actix-web"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_actix {
    ($($t:tt)*) => {};
}

#[cfg(not(feature = "utoipa"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_utoipa {
    ($($t:tt)*) => {};
}

#[cfg(not(feature = "aide"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_aide {
    ($($t:tt)*) => {};
}

pub use crate::__integrations as integrations;

#[cfg(test)]
mod tests {
    use super::*;

    const TAIL: &str = r#"","type":"api_error","code":"boom","param":null,"request_id":"#;

    /// A text and rows laid out as the derive lays them out, for two variants: the strings
    /// one after another, a row of integers per variant.
    fn table() -> (&'static str, &'static [u8]) {
        let variants: [(u32, u32, [&str; 8]); 2] = [
            (
                500,
                Meta::RETRYABLE,
                [
                    "A",
                    "api_error",
                    "boom",
                    "Boom.",
                    "é",
                    "Doc",
                    r#"{"message":""#,
                    TAIL,
                ],
            ),
            (
                404,
                Meta::LITERAL,
                ["B", "not_found_error", "missing", "Gone.", "", "", "", ""],
            ),
        ];
        let (mut text, mut rows) = (String::new(), Vec::new());
        for (status, flags, parts) in variants {
            let mut row = vec![status, flags, text.len() as u32];
            for part in parts {
                text.push_str(part);
                row.push(text.len() as u32);
            }
            rows.extend(row.iter().flat_map(|n| n.to_le_bytes()));
        }
        (text.leak(), rows.leak())
    }

    #[test]
    fn a_row_reads_back_its_parts() {
        let (text, rows) = table();
        let m = Meta::new(text, rows, &[], 0);
        assert_eq!(m.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(m.part(Meta::VARIANT), "A");
        assert_eq!(m.error_type(), "api_error");
        assert_eq!(m.code(), "boom");
        assert_eq!(m.part(Meta::TEMPLATE), "Boom.");
        assert_eq!(m.param(), Some("é"));
        assert_eq!(m.doc(), "Doc");
        assert_eq!(m.bytes(Meta::JSON_HEAD), br#"{"message":""#);
        assert_eq!(m.bytes(Meta::JSON_TAIL), TAIL.as_bytes());
        assert!(m.retryable() && !m.literal() && !m.param_field());
        let m = Meta::new(text, rows, &["", "from a macro"], 1);
        assert_eq!((m.status(), m.code()), (StatusCode::NOT_FOUND, "missing"));
        assert_eq!((m.param(), m.doc()), (None, "from a macro"));
        assert!(m.literal() && !m.retryable());
    }

    /// Out of range, a row describes nothing rather than panic: an index past the table, a
    /// part past the row, offsets past the text or inside a character.
    #[test]
    fn out_of_range_reads_nothing() {
        let (text, rows) = table();
        for m in [
            Meta::new(text, rows, &[], 2),
            Meta::new(text, rows, &[], usize::MAX),
            Meta::new(text, &rows[..40], &[], 0),
        ] {
            assert_eq!((m.code(), m.part(Meta::JSON_TAIL)), ("", ""));
            assert_eq!(m.status(), StatusCode::INTERNAL_SERVER_ERROR);
        }
        let m = Meta::new(text, rows, &[], 0);
        assert_eq!((m.part(8), m.part(usize::MAX - 3)), ("", ""));
        assert_eq!(m.bytes(9), b"");
        // `é` is two bytes: an offset between them is not a `str` boundary.
        let mut inside = rows.to_vec();
        let param_start = 4 * (2 + Meta::PARAM);
        let middle = 1 + text.find('é').unwrap_or_default() as u32;
        inside[param_start..param_start + 4].copy_from_slice(&middle.to_le_bytes());
        let m = Meta::new(text, inside.leak(), &[], 0);
        assert_eq!(m.part(Meta::PARAM), "");
        let past = Meta::new("short", rows, &[], 1);
        assert_eq!((past.code(), past.bytes(Meta::JSON_TAIL)), ("", &b""[..]));
    }

    #[test]
    fn variant_of_matches_code_and_status() {
        let (text, rows) = table();
        let response = |status: StatusCode, code: &str| {
            let body = format!(r#"{{"message":"m","type":"t","code":"{code}"}}"#);
            let headers = http::HeaderMap::new();
            crate::client::ErrorResponse::from_parts(status, &headers, body.as_bytes())
        };
        let find = |rows, status, code| variant_of(text, rows, &response(status, code));
        assert_eq!(find(rows, StatusCode::NOT_FOUND, "missing"), 1);
        assert_eq!(find(rows, StatusCode::INTERNAL_SERVER_ERROR, "boom"), 0);
        // One code has one status: another status is another error.
        assert_eq!(find(rows, StatusCode::NOT_FOUND, "boom"), usize::MAX);
        assert_eq!(find(rows, StatusCode::NOT_FOUND, "gone"), usize::MAX);
        // A truncated table: whole rows only.
        assert_eq!(
            find(&rows[..50], StatusCode::NOT_FOUND, "missing"),
            usize::MAX
        );
    }
}

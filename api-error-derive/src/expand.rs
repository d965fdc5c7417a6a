//! Code generation. Runs only after validation found nothing wrong, so it may assume every
//! variant has a status, every message names existing fields, and so on.
//!
//! Everything static about a variant goes into one `static` table of descriptors, built at
//! compile time (including the pre-rendered JSON around the dynamic parts): a row of
//! integers per variant, indexing one string constant with every variant's strings. One
//! match maps a value to its descriptor (or to its inner error, for `transparent`). The trait
//! methods read from it, and only the variants that really have something dynamic (a
//! formatted message, a param field, a retry delay) get arms of their own. Less code per
//! variant keeps the derive cheap to compile for large enums: integers are the cheapest
//! thing for the compiler to check, evaluate and emit.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Ident, LitStr};

use crate::ast::{is_option, mentions_param, Doc, Field, Input, Variant};
use crate::case::to_snake_case;
use crate::fmt;
use crate::valid::{default_retryable, default_type, generic_message};

/// Where a variant's public message comes from.
enum Msg {
    Literal(String),
    Display,
    Format(fmt::Message, Span),
}

/// One variant with every default applied.
struct Plan<'a> {
    v: &'a Variant<'a>,
    /// Index into the descriptor table; `None` for transparent variants.
    index: Option<usize>,
    status: u16,
    ty: String,
    code: String,
    msg: Msg,
    template: String,
    param: Option<String>,
    param_field: Option<&'a Field<'a>>,
    retry_after: Option<&'a Field<'a>>,
    /// The `#[api_error(field_errors)]` field.
    field_errors: Option<&'a Field<'a>>,
    retryable: bool,
    transparent: Option<&'a Field<'a>>,
    /// Static headers: the container's, then the variant's (which win on the same name).
    headers: Vec<(String, String)>,
}

impl Plan<'_> {
    /// Whether the param is the first field error's: a field errors field, and no param
    /// of the variant's own (static or a param field).
    fn param_from_errors(&self) -> bool {
        self.field_errors.is_some() && self.param.is_none() && self.param_field.is_none()
    }
}

fn plan<'a>(input: &'a Input<'a>) -> Vec<Plan<'a>> {
    let d = &input.defaults;
    let mut next = 0;
    input
        .variants
        .iter()
        .map(|v| {
            let a = &v.attrs;
            let transparent = a.transparent.and_then(|_| v.fields.first());
            let index = if transparent.is_some() {
                None
            } else {
                next += 1;
                Some(next - 1)
            };
            let status = a.status.or(d.status).map_or(500, |s| s.code);
            // A variant's `expose` (its Display as the message) overrides the container's
            // default `message`, as its own `message` would. A transparent variant takes
            // none: its message is its inner error's (redacted there if a 5xx).
            let lit = if transparent.is_some() {
                None
            } else {
                a.message
                    .as_ref()
                    .or_else(|| d.message.as_ref().filter(|_| a.expose.is_none()))
            };
            let msg = match lit {
                _ if transparent.is_some() => Msg::Display,
                Some(lit) => match fmt::parse(&lit.value()) {
                    Ok(m) => match m.literal {
                        Some(text) => Msg::Literal(text),
                        None => Msg::Format(m, lit.span()),
                    },
                    Err(_) => Msg::Display,
                },
                None if status >= 500 && a.expose.is_none() => {
                    Msg::Literal(generic_message(status).to_owned())
                }
                // `#[error("text")]` with no arguments is exactly what Display prints:
                // render it at compile time instead of formatting at run time.
                None => match (&v.error_text, v.error_text_alone) {
                    (Some(text), true) => match fmt::parse(text) {
                        Ok(fmt::Message {
                            literal: Some(text),
                            ..
                        }) => Msg::Literal(text),
                        _ => Msg::Display,
                    },
                    _ => Msg::Display,
                },
            };
            let template = match (&msg, lit) {
                (Msg::Literal(text), _) => text.clone(),
                (_, Some(lit)) => lit.value(),
                _ => v.error_text.clone().unwrap_or_default(),
            };
            Plan {
                v,
                index,
                status,
                ty: a
                    .r#type
                    .as_ref()
                    .or(d.r#type.as_ref())
                    .map_or_else(|| default_type(status).to_owned(), LitStr::value),
                code: a.code.as_ref().map_or_else(
                    || to_snake_case(&syn::ext::IdentExt::unraw(v.ident).to_string()),
                    LitStr::value,
                ),
                msg,
                template,
                param: a.param.as_ref().map(LitStr::value),
                param_field: v.fields.iter().find(|f| f.attrs.param_field.is_some()),
                retry_after: v.fields.iter().find(|f| f.attrs.retry_after.is_some()),
                field_errors: v.fields.iter().find(|f| f.attrs.field_errors.is_some()),
                retryable: a
                    .retryable
                    .as_ref()
                    .or(d.retryable.as_ref())
                    .map_or_else(|| default_retryable(status), |b| b.value),
                transparent,
                headers: {
                    let own = &a.headers;
                    d.headers
                        .iter()
                        .filter(|(n, _)| !own.iter().any(|(m, _)| m == n))
                        .chain(own)
                        .cloned()
                        .collect()
                },
            }
        })
        .collect()
}

pub fn derive(input: &Input) -> TokenStream {
    let plans = plan(input);
    let ident = input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let type_params: Vec<&Ident> = input.generics.type_params().map(|p| &p.ident).collect();

    // Bounds: a generic field that is formatted (or a generic param field) needs
    // Display/Debug, a generic transparent field needs ApiError (and, for the catalog and
    // client impls, ErrorCatalog / FromErrorResponse: those impls then exist exactly when
    // the inner type has them), a generic retry_after field needs RetryAfterField. Concrete
    // types need no bound: they are checked where used, spanned at the field's type.
    let mut api_bounds: Vec<TokenStream> = Vec::new();
    let mut catalog_bounds: Vec<TokenStream> = Vec::new();
    let mut client_bounds: Vec<TokenStream> = Vec::new();
    for p in &plans {
        let generic = |f: &Field| mentions_param(f.ty, &type_params);
        if let Some(f) = p.transparent.filter(|f| generic(f)) {
            let ty = f.ty;
            api_bounds.push(quote!(#ty: ::api_error_core::ApiError));
            catalog_bounds.push(quote!(#ty: ::api_error_core::ErrorCatalog));
            client_bounds.push(quote!(#ty: ::api_error_core::client::FromErrorResponse));
        }
        if let Some(f) = p.param_field.filter(|f| generic(f)) {
            let ty = display_target(f);
            api_bounds.push(quote!(#ty: ::core::fmt::Display));
        }
        if let Some(f) = p.retry_after.filter(|f| generic(f)) {
            let ty = f.ty;
            api_bounds.push(quote!(#ty: ::api_error_core::__private::RetryAfterField));
        }
        if let Some(f) = p.field_errors.filter(|f| generic(f)) {
            let ty = f.ty;
            api_bounds.push(quote!(#ty: ::api_error_core::__private::FieldErrorsField));
            client_bounds.push(quote!(#ty: ::api_error_core::__private::FieldErrorsField));
        }
        if let Msg::Format(m, _) = &p.msg {
            for arg in &m.args {
                if let Some(f) = p
                    .v
                    .fields
                    .iter()
                    .find(|f| f.name() == arg.name && generic(f))
                    .filter(|f| !(arg.format_trait == "Display" && shows_as_path(f, &type_params)))
                {
                    let ty = f.ty;
                    let bound = Ident::new(arg.format_trait, Span::call_site());
                    api_bounds.push(quote!(#ty: ::core::fmt::#bound));
                }
            }
        }
    }
    // A generic type is an error only where its own `Error` impl holds (thiserror's has
    // `where Self: Debug`, so `enum E<T> { A(T) }` is one only for `T: Debug`): the impls
    // hold exactly there, instead of demanding it for every `T`. (A type without generics
    // keeps the plain supertrait check: deferring it would let a type with no `Error` impl
    // at all derive in silence; a missing `Debug` is then reported twice.)
    if !type_params.is_empty() {
        api_bounds.insert(0, quote!(#ident #ty_generics: ::core::error::Error));
    }
    let api_where = where_clause(input.generics, &api_bounds);
    let catalog_where = where_clause(input.generics, &catalog_bounds);
    let codes: Vec<Option<crate::client::Recognised>> = plans
        .iter()
        .map(|p| {
            p.index.map(|index| crate::client::Recognised {
                index,
                code: p.code.clone(),
                message: match p.msg {
                    Msg::Literal(_) => crate::client::Message::Fixed,
                    Msg::Format(..) => crate::client::Message::Template(p.template.clone()),
                    Msg::Display if p.v.error_text_alone => {
                        crate::client::Message::Template(p.template.clone())
                    }
                    Msg::Display => crate::client::Message::Opaque,
                },
            })
        })
        .collect();
    let from_response =
        crate::client::derive(input, &codes, &where_clause(input.generics, &client_bounds));

    // `__resolve` borrows `this` for an explicit lifetime, so types with lifetime parameters
    // of their own do not make the elided return lifetime ambiguous.
    let mut resolve_generics = input.generics.clone();
    resolve_generics.params.insert(
        0,
        syn::GenericParam::Lifetime(syn::LifetimeParam::new(syn::Lifetime::new(
            "'__api_error",
            Span::call_site(),
        ))),
    );
    let (resolve_impl_generics, _, _) = resolve_generics.split_for_impl();
    // `__resolve` is a free function: the user's `Self` (`where Self: Send`) is the type.
    let self_ty = quote!(#ident #ty_generics);
    let resolve_impl_generics = replace_self(quote!(#resolve_impl_generics), &self_ty);
    let resolve_where = replace_self(api_where.clone(), &self_ty);

    // The descriptors: one string constant with every variant's strings, and one byte
    // string with every variant's row of integers (each a `u32`, little-endian): two tokens
    // for the compiler, whatever the number of variants (a literal per integer was some
    // 11,000 tokens for a 500-variant enum, costly to hand over and to check).
    let (mut text, mut rows) = (String::new(), Vec::new());
    let docs: Vec<Option<TokenStream>> = plans
        .iter()
        .filter(|p| p.index.is_some())
        .map(|p| describe(p, &mut text, &mut rows))
        .collect();
    let meta_len = docs.len();
    let rows = proc_macro2::Literal::byte_string(&rows);
    // Docs that are a macro's text, when there are any: then every variant's, in a table.
    let docs = if docs.iter().any(Option::is_some) {
        let docs = docs.iter().map(|d| d.clone().unwrap_or_else(|| quote!("")));
        quote!([#(#docs),*])
    } else {
        quote!([])
    };

    // fn __resolve: the one match every method goes through. Its arms are integer literals,
    // the index of the variant's descriptor (the cheapest arms to type-check and borrow-check:
    // this match has one arm per variant); transparent variants return early.
    let ret = (meta_len > 0).then(|| quote!(return));
    let resolve_arms = plans.iter().map(|p| match (p.index, p.transparent) {
        (None, Some(f)) => {
            let b = binding(f);
            let pat = pattern(input, p.v, &[f]);
            // A free function: the user's `Self` (`Nested(Box<Self>)`) is the type.
            let ty = f.ty;
            let ty = replace_self(quote!(#ty), &self_ty);
            let inner = quote_spanned!(ty_span(f)=> ::api_error_core::__private::inner::<#ty>(#b));
            quote!(#pat => #ret #inner,)
        }
        (i, _) => {
            let pat = pattern(input, p.v, &[]);
            let i = i.unwrap_or(0);
            quote!(#pat => #i,)
        }
    });
    let resolve_body = if meta_len > 0 {
        quote!(::api_error_core::__private::Resolved::Static(__api_error_meta(match __api_error_this { #(#resolve_arms)* })))
    } else {
        quote!(match __api_error_this { #(#resolve_arms)* })
    };

    let message = method_match(
        &plans,
        |p| match &p.msg {
            Msg::Format(m, span) => {
                let pat = pattern(input, p.v, &format_fields(p, m));
                let args = format_args(p, m, *span, &type_params);
                Some(
                    quote!(#pat => ::api_error_core::__private::std::borrow::Cow::Owned(::api_error_core::__private::format(#args)),),
                )
            }
            _ => None,
        },
        quote!(__resolve(self).message(self)),
    );

    let param = method_match(
        &plans,
        |p| {
            let f = p
                .param_field
                .or(p.field_errors.filter(|_| p.param_from_errors()))?;
            let pat = pattern(input, p.v, &[f]);
            let value = if p.param_from_errors() {
                errors_param(f)
            } else {
                // `write_json` reports a field that cannot be a param: not twice.
                param_value(f, Use::Again)
            };
            Some(quote!(#pat => ::api_error_core::__private::param_string(#value),))
        },
        quote!(__resolve(self).param()),
    );

    let has_headers = plans
        .iter()
        .any(|p| !p.headers.is_empty() || p.transparent.is_some());
    // Only the variants that declare headers get an arm: nothing per variant otherwise.
    let headers = has_headers.then(|| {
        let body = method_match(
            &plans,
            |p| {
                if p.headers.is_empty() || p.transparent.is_some() {
                    return None;
                }
                let pat = pattern(input, p.v, &[]);
                let pairs = p.headers.iter().map(|(n, v)| quote!((#n, #v)));
                Some(quote!(#pat => &[#(#pairs),*],))
            },
            quote!(__resolve(self).headers()),
        );
        quote! {
            fn headers(&self) -> &'static [(&'static ::core::primitive::str, &'static ::core::primitive::str)] { #body }
        }
    });

    // fn field_errors: only when some variant has them (its own field, or a transparent
    // inner error that may).
    let has_field_errors = plans
        .iter()
        .any(|p| p.field_errors.is_some() || p.transparent.is_some());
    let field_errors = has_field_errors.then(|| {
        let body = method_match(
            &plans,
            |p| {
                let f = p.field_errors?;
                let pat = pattern(input, p.v, &[f]);
                let errors = field_errors_of(f);
                Some(quote!(#pat => #errors,))
            },
            quote!(__resolve(self).field_errors()),
        );
        quote! {
            fn field_errors(&self) -> &[::api_error_core::FieldError] { #body }
        }
    });

    let has_retry = plans
        .iter()
        .any(|p| p.retry_after.is_some() || p.transparent.is_some());
    let retry_after = has_retry.then(|| {
        let body = method_match(
            &plans,
            |p| {
                let f = p.retry_after?;
                let pat = pattern(input, p.v, &[f]);
                let b = binding(f);
                let ty = f.ty;
                let call = quote_spanned!(ty_span(f)=> <#ty as ::api_error_core::__private::RetryAfterField>::retry_after(#b));
                Some(quote!(#pat => #call,))
            },
            quote!(__resolve(self).retry_after()),
        );
        quote! {
            #[inline]
            fn retry_after(&self) -> ::core::option::Option<::api_error_core::__private::std::time::Duration> { #body }
        }
    });

    let write_json = method_match(
        &plans,
        |p| {
            let format = match &p.msg {
                Msg::Format(m, span) => Some((m, *span)),
                _ => None,
            };
            if format.is_none() && p.param_field.is_none() && p.field_errors.is_none() {
                return None;
            }
            let i = p.index?;
            let mut fields = format.map(|(m, _)| format_fields(p, m)).unwrap_or_default();
            fields.extend(p.param_field);
            fields.extend(p.field_errors);
            let pat = pattern(input, p.v, &fields);
            let message = match (&p.msg, format) {
                (_, Some((m, span))) => {
                    let args = format_args(p, m, span, &type_params);
                    quote!(::core::option::Option::Some(&#args as &dyn ::core::fmt::Display))
                }
                (Msg::Display, None) => quote!(::core::option::Option::Some(
                    ::api_error_core::__private::as_display(self)
                )),
                _ => quote!(::core::option::Option::None),
            };
            let param = match (p.param_field, p.field_errors) {
                (Some(f), _) => param_value(f, Use::First),
                (None, Some(f)) if p.param_from_errors() => errors_param(f),
                _ => quote!(::core::option::Option::None),
            };
            // Most arms pass no field errors: a call without them keeps each arm small.
            Some(match p.field_errors {
                Some(f) => {
                    let errors = field_errors_of(f);
                    quote! {
                        #pat => ::api_error_core::__private::write_body_with_errors(&__api_error_meta(#i), __api_error_format, __api_error_out, __api_error_request_id, #message, #param, #errors),
                    }
                }
                None => quote! {
                    #pat => ::api_error_core::__private::write_body(&__api_error_meta(#i), __api_error_format, __api_error_out, __api_error_request_id, #message, #param),
                },
            })
        },
        quote!(__resolve(self).write_body(
            self,
            __api_error_format,
            __api_error_request_id,
            __api_error_out
        )),
    );

    // The catalog: descriptor ranges in order, inner catalogs spliced in for transparent.
    let mut catalog_parts = Vec::new();
    let (mut start, mut end) = (0, 0);
    for p in &plans {
        if p.index.is_some() {
            end += 1;
        } else if let Some(f) = p.transparent {
            if end > start {
                catalog_parts.push(quote!(::api_error_core::__private::push_entries(&mut __api_error_entries, __api_error_meta, #start, #end);));
            }
            start = end;
            let ty = f.ty;
            catalog_parts.push(quote! {
                {
                    use ::api_error_core::__private::{HasCatalog as _, NoCatalog as _};
                    (&::api_error_core::__private::Probe::<#ty>::new()).__api_error_catalog(&mut __api_error_entries);
                }
            });
        }
    }
    if meta_len > start {
        catalog_parts.push(quote!(::api_error_core::__private::push_entries(&mut __api_error_entries, __api_error_meta, #start, #meta_len);));
    }

    // What fields give the body, by code (for OpenAPI examples), with the inner types'
    // behind transparent variants; only emitted when there is any.
    let mut hint_parts = Vec::new();
    for p in &plans {
        if let Some(f) = p.transparent {
            let ty = f.ty;
            hint_parts.push(quote! {
                {
                    use ::api_error_core::__private::{HasCatalog as _, NoCatalog as _};
                    (&::api_error_core::__private::Probe::<#ty>::new()).__api_error_field_hints(__api_error_hints);
                }
            });
            continue;
        }
        let code = &p.code;
        if let Some(f) = p.param_field {
            let name = f.name();
            hint_parts.push(
                quote!(__api_error_hints.push((#code, ::api_error_core::__private::ResponseHint::Param(#name)));),
            );
        }
        if p.field_errors.is_some() {
            hint_parts.push(
                quote!(__api_error_hints.push((#code, ::api_error_core::__private::ResponseHint::FieldErrors));),
            );
        }
        if p.retry_after.is_some() {
            hint_parts.push(
                quote!(__api_error_hints.push((#code, ::api_error_core::__private::ResponseHint::RetryAfter));),
            );
        }
        for (name, value) in &p.headers {
            hint_parts.push(quote!(__api_error_hints.push((#code, ::api_error_core::__private::ResponseHint::Header(#name, #value)));));
        }
    }
    // Through transparent variants, a type may reach itself (`Nested(Box<Self>)`): its
    // catalog and hints are then walked once (`__private::walk`), and the catalog keeps
    // one copy of each entry.
    let has_transparent = plans.iter().any(|p| p.transparent.is_some());
    let walk_site = has_transparent.then(|| {
        quote!(
            static __API_ERROR_WALK: ::api_error_core::__private::WalkSite =
                ::api_error_core::__private::WalkSite(0);
        )
    });
    let hints = quote!(#(#hint_parts)*);
    let hints = if has_transparent {
        quote!(::api_error_core::__private::walk::<Self, _>(&__API_ERROR_WALK, (), || { #hints });)
    } else {
        hints
    };
    let param_fields = (!hint_parts.is_empty()).then(|| {
        quote! {
            fn response_hints(__api_error_hints: &mut ::api_error_core::__private::std::vec::Vec<(&'static ::core::primitive::str, ::api_error_core::__private::ResponseHint)>) {
                #hints
            }
        }
    });
    let catalog_body = quote! {
        let mut __api_error_entries = ::api_error_core::__private::std::vec::Vec::with_capacity(#meta_len);
        #(#catalog_parts)*
    };
    let catalog_body = if has_transparent {
        quote! {
            ::api_error_core::__private::walk::<Self, _>(&__API_ERROR_WALK, ::api_error_core::__private::std::vec::Vec::new(), || {
                #catalog_body
                ::api_error_core::__private::dedup_entries(__api_error_entries)
            })
        }
    } else {
        quote!(#catalog_body __api_error_entries)
    };

    // #[api_error(no_integrations)]: the type writes its own integration impls.
    let opted_out = input.defaults.no_integrations.is_some()
        || input
            .variants
            .iter()
            .any(|v| v.attrs.no_integrations.is_some());
    let integrations = (!opted_out).then(|| {
        quote! {
            ::api_error_core::__private::integrations! { [#impl_generics] [#ident #ty_generics] [#api_where] }
        }
    });

    quote! {
        // Only lints the output may trip and no crate forbids in practice (an `allow` of a
        // forbidden lint is an error): `unused_qualifications` for the absolute paths,
        // `deprecated` for deprecated variants, clippy's own.
        #[allow(
            unused_qualifications,
            deprecated,
            clippy::all,
            clippy::pedantic,
            clippy::nursery
        )]
        const _: () = {
            static __API_ERROR_TEXT: &::core::primitive::str = #text;
            static __API_ERROR_ROWS: &[::core::primitive::u8] = #rows;
            static __API_ERROR_DOCS: &[&::core::primitive::str] = &#docs;
            #[inline]
            fn __api_error_meta(__api_error_index: ::core::primitive::usize) -> ::api_error_core::__private::Meta {
                ::api_error_core::__private::Meta::new(__API_ERROR_TEXT, __API_ERROR_ROWS, __API_ERROR_DOCS, __api_error_index)
            }
            #walk_site

            #[inline]
            fn __resolve #resolve_impl_generics (__api_error_this: &'__api_error #ident #ty_generics) -> ::api_error_core::__private::Resolved<'__api_error> #resolve_where {
                #resolve_body
            }

            #[automatically_derived]
            impl #impl_generics ::api_error_core::ApiError for #ident #ty_generics #api_where {
                #[inline]
                fn status(&self) -> ::api_error_core::__private::StatusCode { __resolve(self).status() }
                #[inline]
                fn error_type(&self) -> &'static ::core::primitive::str { __resolve(self).error_type() }
                #[inline]
                fn code(&self) -> &'static ::core::primitive::str { __resolve(self).code() }
                fn message(&self) -> ::api_error_core::__private::std::borrow::Cow<'_, ::core::primitive::str> { #message }
                fn param(&self) -> ::core::option::Option<::api_error_core::__private::std::borrow::Cow<'_, ::core::primitive::str>> { #param }
                #retry_after
                #headers
                #[inline]
                fn is_retryable(&self) -> ::core::primitive::bool { __resolve(self).is_retryable() }
                #field_errors
                fn write_body(&self, __api_error_format: &::api_error_core::__private::ErrorFormat, __api_error_request_id: ::core::option::Option<&::core::primitive::str>, __api_error_out: &mut ::api_error_core::__private::std::vec::Vec<::core::primitive::u8>) { #write_json }
            }

            #[automatically_derived]
            impl #impl_generics ::api_error_core::ErrorCatalog for #ident #ty_generics #catalog_where {
                fn catalog() -> ::api_error_core::__private::std::vec::Vec<::api_error_core::CatalogEntry> {
                    #catalog_body
                }
                #param_fields
            }

            #from_response

            #integrations
        };
    }
}

/// `match self { <arms> _ => fallback }`, or just the fallback when no variant needs an arm;
/// the `_` arm is left out when every variant has one.
fn method_match<'a>(
    plans: &'a [Plan<'a>],
    arm: impl Fn(&'a Plan<'a>) -> Option<TokenStream>,
    fallback: TokenStream,
) -> TokenStream {
    let arms: Vec<TokenStream> = plans.iter().filter_map(arm).collect();
    if arms.is_empty() {
        return fallback;
    }
    let rest = (arms.len() < plans.len()).then(|| quote!(_ => #fallback,));
    quote!(match self { #(#arms)* #rest })
}

/// The pattern of a variant binding `fields` (and ignoring the rest).
fn pattern(input: &Input, v: &Variant, fields: &[&Field]) -> TokenStream {
    let path = input.variant_path(v);
    let mut seen: Vec<String> = Vec::new();
    let binds = fields
        .iter()
        .filter(|f| {
            let name = f.name();
            let first = !seen.contains(&name);
            seen.push(name);
            first
        })
        .map(|f| {
            let m = &f.member;
            let b = binding(f);
            quote!(#m: #b,)
        });
    quote!(#path { #(#binds)* .. })
}

fn binding(f: &Field) -> Ident {
    Ident::new(&fmt::binding(&f.name()), Span::call_site())
}

fn ty_span(f: &Field) -> Span {
    syn::spanned::Spanned::span(f.ty)
}

/// The span of the type a value of `ty` is: the `T` of an `Option<T>`, the last segment of a
/// path (`PathBuf` in `std::path::PathBuf`, `Vec` in `Vec<u8>`), else the type's first token.
fn named_type_span(ty: &syn::Type) -> Span {
    if let Some(inner) = crate::ast::option_inner(ty) {
        return named_type_span(inner);
    }
    match crate::ast::ungrouped(ty) {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(|| syn::spanned::Spanned::span(ty), |s| s.ident.span()),
        _ => syn::spanned::Spanned::span(ty),
    }
}

/// The fields a format string reads.
fn format_fields<'a>(p: &Plan<'a>, m: &fmt::Message) -> Vec<&'a Field<'a>> {
    m.args
        .iter()
        .filter_map(|a| p.v.fields.iter().find(|f| f.name() == a.name))
        .collect()
}

/// `::core::format_args!("...{__api_error_id}...", __api_error_id = __api_error_id)`. A
/// path field (`PathBuf`, `&Path`, `Box<Path>`, ...) shown with `{path}` is shown as its
/// `display()`, as thiserror does: its own binding, so `{path:?}` beside it stays `Debug`.
fn format_args(p: &Plan<'_>, m: &fmt::Message, span: Span, type_params: &[&Ident]) -> TokenStream {
    let shows_path = |a: &fmt::Arg| {
        a.format_trait == "Display"
            && p.v
                .fields
                .iter()
                .any(|f| f.name() == a.name && shows_as_path(f, type_params))
    };
    let name = |a: &fmt::Arg| {
        if shows_path(a) {
            fmt::display_binding(&a.name)
        } else {
            fmt::binding(&a.name)
        }
    };
    let lit = LitStr::new(&m.rewritten(name), span);
    let mut args: Vec<(String, &fmt::Arg)> = m.args.iter().map(|a| (name(a), a)).collect();
    args.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    args.dedup_by(|a, b| a.0 == b.0);
    // Call-site hygiene (the pattern binds these names there), located at the literal, so
    // a missing trait is reported on the message.
    let ident = |name: &str| Ident::new(name, Span::call_site().located_at(span));
    let args = args.iter().map(|(name, a)| {
        let b = ident(name);
        if shows_path(a) {
            // Spanned at the message too: a type of that name that is not `Display` either
            // is reported there.
            let field = ident(&fmt::binding(&a.name));
            quote_spanned! {span=>
                #b = {
                    use ::api_error_core::__private::AsDisplay as _;
                    #field.__api_error_as_display()
                }
            }
        } else {
            quote!(#b = #b)
        }
    });
    quote!(::core::format_args!(#lit, #(#args),*))
}

/// Whether a field is shown through `Path::display()`: its type is path-like and names no
/// type parameter (a parameter called `Path` is whatever the caller picks, `Display` bound).
fn shows_as_path(f: &Field, type_params: &[&Ident]) -> bool {
    is_path_like(f.ty) && !mentions_param(f.ty, type_params)
}

/// Whether a field's type, as written, is a path that has no `Display` but a `display()`:
/// `Path` or `PathBuf` (any module path), behind references, or in a `Box`, `Rc`, `Arc` or
/// `Cow`. (A type of that name with a `Display` of its own keeps it.)
fn is_path_like(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) => is_path_like(&r.elem),
        syn::Type::Paren(p) => is_path_like(&p.elem),
        syn::Type::Group(g) => is_path_like(&g.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            match (last.ident.to_string().as_str(), &last.arguments) {
                ("Path" | "PathBuf", syn::PathArguments::None) => true,
                ("Box" | "Rc" | "Arc" | "Cow", syn::PathArguments::AngleBracketed(args)) => {
                    args.args.iter().any(|arg| match arg {
                        syn::GenericArgument::Type(inner) => is_path_like(inner),
                        _ => false,
                    })
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// The type that must be Display for a param field (`T` of `Option<T>`).
fn display_target(f: &Field) -> TokenStream {
    let ty = f.ty;
    if is_option(ty) {
        quote!(<#ty as ::core::iter::IntoIterator>::Item)
    } else {
        quote!(#ty)
    }
}

/// Which use of a param field the expansion is: the one that reports a field that cannot
/// be a param, or another one, which stays quiet about it (one mistake, one error).
#[derive(Clone, Copy)]
enum Use {
    First,
    Again,
}

/// `Option<ParamValue>` of a param field: `AsRef<str>` borrowed, else `Display` (picked by
/// autoref specialization); an `Option` field maps `None` to `null`. Spanned at the field's
/// type, so a type with neither trait is reported there (by its [`Use::First`]).
fn param_value(f: &Field, used: Use) -> TokenStream {
    let b = binding(f);
    let span = named_type_span(f.ty);
    let value = |v: &TokenStream| {
        let param = quote_spanned!(span=> (&&&::api_error_core::__private::ParamRef(#v)).__api_error_param());
        match used {
            Use::First => {
                quote_spanned!(span=> ::core::option::Option::Some(::api_error_core::__private::param_of(#param)))
            }
            Use::Again => quote_spanned!(span=> ::api_error_core::__private::param_again(#param)),
        }
    };
    let expr = if is_option(f.ty) {
        let v = quote!(__api_error_v);
        let some = value(&v);
        quote! {
            match #b {
                ::core::option::Option::Some(#v) => #some,
                ::core::option::Option::None => ::core::option::Option::None,
            }
        }
    } else {
        value(&quote!(#b))
    };
    quote! {{
        use ::api_error_core::__private::{ParamAsStr as _, ParamDisplay as _, ParamNeither as _};
        #expr
    }}
}

/// `&[FieldError]` of a field errors field, spanned at its type so an unsupported type is
/// reported there.
fn field_errors_of(f: &Field) -> TokenStream {
    let b = binding(f);
    let ty = f.ty;
    quote_spanned!(ty_span(f)=> <#ty as ::api_error_core::__private::FieldErrorsField>::field_errors(#b))
}

/// `Option<ParamValue>` of a variant whose param is its first field error's.
fn errors_param(f: &Field) -> TokenStream {
    let errors = field_errors_of(f);
    quote!(::api_error_core::__private::errors_param(#errors))
}

/// One variant's descriptor: its row of integers (see `__private::Meta`) appended to `rows`, its
/// strings (pre-rendered) appended to `text`, the type's one string constant, in the order of
/// `Meta::part`'s indexes; its doc when that is a macro's text (unknown here).
fn describe(p: &Plan, text: &mut String, rows: &mut Vec<u8>) -> Option<TokenStream> {
    // `r#loop` is the variant `loop`.
    let variant = syn::ext::IdentExt::unraw(p.v.ident).to_string();
    let (ty, code) = (&p.ty, &p.code);
    let (literal, head) = match &p.msg {
        Msg::Literal(literal) => (true, format!("{{\"message\":\"{}", json_escape(literal))),
        _ => (false, "{\"message\":\"".to_owned()),
    };
    let mut tail = format!(
        "\",\"type\":\"{}\",\"code\":\"{}\",\"param\":",
        json_escape(ty),
        json_escape(code)
    );
    let param_field = p.param_field.is_some() || p.param_from_errors();
    if !param_field {
        match &p.param {
            Some(param) => tail.push_str(&format!("\"{}\",", json_escape(param))),
            None => tail.push_str("null,"),
        }
        tail.push_str("\"request_id\":");
    }
    // `""`: no static param (validation rejects an empty `param = ""`).
    let param = p.param.as_deref().unwrap_or("");
    let (doc, macro_doc) = match &p.v.doc {
        Doc::Text(doc) => (doc.as_str(), None),
        Doc::Expr(expr) => ("", Some(expr.clone())),
    };
    let parts = [
        variant.as_str(),
        ty,
        code,
        &p.template,
        param,
        doc,
        &head,
        &tail,
    ];
    // The flags as `Meta::LITERAL`, `Meta::RETRYABLE` and `Meta::PARAM_FIELD` read them.
    let flags = u32::from(literal) | u32::from(p.retryable) << 1 | u32::from(param_field) << 2;
    // Offsets saturate past 4 GiB of text: such a type's later strings would read as empty.
    let offset = |text: &String| u32::try_from(text.len()).unwrap_or(u32::MAX);
    let mut row = vec![u32::from(p.status), flags, offset(text)];
    for part in parts {
        text.push_str(part);
        row.push(offset(text));
    }
    rows.extend(row.iter().flat_map(|n| n.to_le_bytes()));
    macro_doc
}

/// JSON string escaping, identical to serde_json's (and to the runtime's own escaping).
fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The input's where clause plus `extra` predicates.
/// `tokens` with every `Self` replaced by the type `ty` (in an invisible group, so it stays
/// one type wherever it goes): for the user's bounds copied onto a free function.
fn replace_self(tokens: TokenStream, ty: &TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, Group, TokenTree};
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Ident(ident) if ident == "Self" => {
                let mut group = Group::new(Delimiter::None, ty.clone());
                group.set_span(ident.span());
                TokenTree::Group(group)
            }
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), replace_self(g.stream(), ty));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other,
        })
        .collect()
}

pub fn where_clause(generics: &syn::Generics, extra: &[TokenStream]) -> TokenStream {
    let existing = generics.where_clause.as_ref().map(|w| {
        let preds = w.predicates.iter();
        quote!(#(#preds,)*)
    });
    if existing.is_none() && extra.is_empty() {
        return TokenStream::new();
    }
    quote!(where #existing #(#extra,)*)
}

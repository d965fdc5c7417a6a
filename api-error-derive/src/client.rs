//! `FromErrorResponse` for derived types: recognise a received error body as one of the
//! type's own variants by its `code`, so one error enum serves a server and its Rust SDK.
//!
//! A variant qualifies when every field can be rebuilt from the body: unit variants, and
//! variants whose fields are only the `#[api_error(param)]` field and/or a field named
//! `message` (taken out of the received message when the variant's message shows it once,
//! plainly, between literal text: `"Payment failed: {message}"`; not when the message is
//! fixed, redacted, or shows it with a format spec or beside other fields), each of type
//! `String` or `Option<String>`, and/or the `#[api_error(field_errors)]` field (from the
//! body's `errors`). Transparent variants ask their inner type. Other variants (a source
//! error, a duration, ...) are never produced. Of several variants with one code, the first
//! that the body rebuilds is produced (a required field the body lacks, or a message
//! without the variant's frame, moves on to the next).

use proc_macro2::TokenStream;
use quote::quote;
use syn::Type;

use crate::ast::{is_option, option_inner, ungrouped, Field, Input, Variant};

/// What a field is rebuilt from.
enum Source {
    Param,
    Message,
    FieldErrors,
}

fn source(f: &Field) -> Option<Source> {
    if f.attrs.field_errors.is_some() {
        return Some(Source::FieldErrors);
    }
    let src = if f.attrs.param_field.is_some() {
        Source::Param
    } else if f.name() == "message" {
        Source::Message
    } else {
        return None;
    };
    is_string_or_option(f.ty).then_some(src)
}

/// `String` or `Option<String>`, as written.
fn is_string_or_option(ty: &Type) -> bool {
    let last = |ty: &Type| match ungrouped(ty) {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    match option_inner(ty) {
        Some(inner) => last(inner).as_deref() == Some("String"),
        None => !is_option(ty) && last(ty).as_deref() == Some("String"),
    }
}

/// The literal text around a lone `{message}` in a variant's message template (its
/// `message`, or the `#[error]` text that its Display prints), unescaped: what surrounds the
/// field's value in a received message (both empty for `"{message}"`). `None` when the
/// template does not show the field exactly once, without a format spec and beside no other
/// field: then the received message does not give the field's value back.
fn message_frame(template: &str) -> Option<(String, String)> {
    let (mut prefix, mut suffix, mut seen) = (String::new(), String::new(), false);
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        let out = if seen { &mut suffix } else { &mut prefix };
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                if name != "message" || seen {
                    return None;
                }
                seen = true;
            }
            '}' => return None,
            c => out.push(c),
        }
    }
    seen.then_some((prefix, suffix))
}

/// What the typed client needs of a variant that is not transparent: its descriptor, its
/// final code, and how its message is made.
pub struct Recognised {
    /// The index of the variant's descriptor in the type's table.
    pub index: usize,
    pub code: String,
    pub message: Message,
}

/// How a variant's message is made, as far as the received message can give a `message`
/// field back.
pub enum Message {
    /// Fixed text (a literal, or the generic message of a redacted 5xx): no field in it.
    Fixed,
    /// Formatted from the fields with this template (by the derive, or by thiserror's
    /// Display from the `#[error]` text alone).
    Template(String),
    /// A Display the derive cannot see: the whole message is taken as the field's value.
    Opaque,
}

/// A qualifying variant, as statements that return it from `from_error_response`.
struct Candidate {
    /// `return Some(..)`, inside a labeled block whose `let .. else` break out of it when a
    /// field is not in the received body (then the next candidate is tried).
    tokens: TokenStream,
    /// Whether it can fail: a required field the body may lack.
    fallible: bool,
}

/// The candidate of a variant, `None` if the variant does not qualify.
fn construct(input: &Input, v: &Variant, message: &Message) -> Option<Candidate> {
    let path = input.variant_path(v);
    let mut lets = Vec::new();
    let mut inits = Vec::new();
    for (i, f) in v.fields.iter().enumerate() {
        let m = &f.member;
        let getter = match source(f)? {
            Source::FieldErrors => {
                // Spanned like the derive's other uses of the trait, so an unsupported
                // type is reported once, at the field's type.
                let ty = f.ty;
                let span = syn::spanned::Spanned::span(ty);
                let value = quote::quote_spanned!(span=> <#ty as ::api_error_core::__private::FieldErrorsField>::from_field_errors(
                    ::api_error_core::client::ErrorResponse::field_errors(__api_error_response),
                ));
                inits.push(quote!(#m: #value,));
                continue;
            }
            Source::Param => quote!(::api_error_core::client::ErrorResponse::param(
                __api_error_response
            )),
            Source::Message => {
                let frame = match message {
                    Message::Fixed => return None,
                    Message::Template(template) => Some(message_frame(template)?),
                    Message::Opaque => None,
                };
                match frame {
                    Some((prefix, suffix)) if !(prefix.is_empty() && suffix.is_empty()) => {
                        quote!(::api_error_core::__private::message_field(
                            ::api_error_core::client::ErrorResponse::message(__api_error_response),
                            #prefix,
                            #suffix,
                        ))
                    }
                    _ => quote!(::core::option::Option::Some(
                        ::api_error_core::client::ErrorResponse::message(__api_error_response)
                    )),
                }
            }
        };
        // The text as the field's `String`: std's only (`owned`), not another type of that
        // name, which then leaves an `Option` field empty and the variant unrecognised.
        let owned = |ty: &Type, text: TokenStream| {
            quote! {{
                use ::api_error_core::__private::{HasOwnedStr as _, NoOwnedStr as _};
                (&::api_error_core::__private::Probe::<#ty>::new()).__api_error_owned(#text)
            }}
        };
        if let Some(inner) = option_inner(f.ty) {
            let text = quote!(__api_error_text);
            let owned = owned(inner, text.clone());
            inits.push(quote!(#m: ::core::option::Option::and_then(#getter, |#text| #owned),));
        } else {
            let var = quote::format_ident!("__api_error_field_{}", i);
            let owned = owned(f.ty, quote!(#var));
            lets.push(quote! {
                let ::core::option::Option::Some(#var) = #getter else {
                    break '__api_error_candidate;
                };
                let ::core::option::Option::Some(#var) = (#owned) else {
                    break '__api_error_candidate;
                };
            });
            inits.push(quote!(#m: #var,));
        }
    }
    let ret = quote!(return ::core::option::Option::Some(#path { #(#inits)* }););
    Some(if lets.is_empty() {
        Candidate {
            tokens: ret,
            fallible: false,
        }
    } else {
        Candidate {
            tokens: quote!('__api_error_candidate: { #(#lets)* #ret }),
            fallible: true,
        }
    })
}

/// The impl; `codes` has each variant's [`Recognised`] (`None` for transparent variants)
/// and `bounds` the extra where-clause predicates for generic transparent fields. A variant
/// is recognised by its code and status together: two inner types behind transparent
/// variants may use one code with different statuses.
pub fn derive(
    input: &Input,
    codes: &[Option<Recognised>],
    where_clause: &TokenStream,
) -> TokenStream {
    let ident = input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    // Per code, in order: the index of the first descriptor with it (what
    // `__private::variant_of` finds for a body with this code and status: one code has one
    // status), its candidates, and whether one cannot fail (then those after it are never
    // tried). Variants that share a code (same status and type) are tried in declaration
    // order: the first that the body rebuilds wins.
    let mut by_code: Vec<(&str, usize, Vec<TokenStream>, bool)> = Vec::new();
    let mut inner = Vec::new();
    for (v, code) in input.variants.iter().zip(codes) {
        match code {
            Some(Recognised {
                index,
                code,
                message,
            }) => {
                let at = match by_code.iter().position(|(c, ..)| *c == code.as_str()) {
                    Some(at) => at,
                    None => {
                        by_code.push((code, *index, Vec::new(), false));
                        by_code.len() - 1
                    }
                };
                let Some(candidate) = construct(input, v, message) else {
                    continue;
                };
                if let Some((_, _, candidates, closed)) = by_code.get_mut(at) {
                    if !*closed {
                        candidates.push(candidate.tokens);
                        *closed = !candidate.fallible;
                    }
                }
            }
            None => {
                let Some(f) = v.fields.first() else { continue };
                let ty = f.ty;
                let m = &f.member;
                let path = input.variant_path(v);
                let call = quote! {{
                    use ::api_error_core::__private::{HasFromResponse as _, NoFromResponse as _};
                    (&::api_error_core::__private::Probe::<#ty>::new()).__api_error_from_response(__api_error_response)
                }};
                inner.push(quote! {
                    if let ::core::option::Option::Some(__api_error_inner) = #call {
                        return ::core::option::Option::Some(#path { #m: __api_error_inner });
                    }
                });
            }
        }
    }
    // Integer arms: a match on strings costs the compiler far more to check and lower (a
    // chain of comparisons): for 167 codes, the whole impl cost rustc 136M instructions,
    // now 61M.
    let arms: Vec<TokenStream> = by_code
        .iter()
        .filter(|(.., candidates, _)| !candidates.is_empty())
        .map(|(_, index, candidates, _)| quote!(#index => { #(#candidates)* }))
        .collect();
    // A variant is its code with its status; a code whose status differs, or whose
    // candidates the body does not rebuild, goes on to the inner types (one of them may use
    // the same code with another status).
    let direct = if arms.is_empty() {
        // Nothing to match: the parameter is still "used", for `deny(warnings)` users.
        quote!(let _ = __api_error_response;)
    } else {
        quote! {
            match ::api_error_core::__private::variant_of(__API_ERROR_TEXT, __API_ERROR_ROWS, __api_error_response) {
                #(#arms)*
                _ => {}
            }
        }
    };
    // The inner types, once per type: through them a type may reach itself
    // (`Nested(Box<Self>)`), and a code none of them knows would recurse forever.
    let inner = if inner.is_empty() {
        quote!(::core::option::Option::None)
    } else {
        quote! {
            ::api_error_core::__private::walk::<Self, _>(&__API_ERROR_WALK, ::core::option::Option::None, || {
                #(#inner)*
                ::core::option::Option::None
            })
        }
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics ::api_error_core::client::FromErrorResponse for #ident #ty_generics #where_clause {
            fn from_error_response(__api_error_response: &::api_error_core::client::ErrorResponse) -> ::core::option::Option<Self> {
                #direct
                #inner
            }
        }
    }
}

//! What the derive emits when the input has mistakes: the errors, plus stub impls of the
//! traits (the client's `FromErrorResponse` included) and of the enabled framework
//! integrations (for a union too), so that one mistake does not cascade
//! into "ApiError is not implemented" or axum's "`Handler` is not implemented" at every
//! place the type is used.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

pub fn expand(input: &syn::DeriveInput, error: &syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    let ident = &input.ident;
    let (impl_generics, ty_generics, plain_where) = input.generics.split_for_impl();
    // The stand-ins hold where the type is an error, as the real impls do for a generic type.
    // The bound is higher-ranked so that rustc defers it even for a type without generics:
    // a type that is no `Error` yet (a union, a type whose `Error` derive is being fixed)
    // gets no error from the stand-ins on top of the one reported.
    let bounds = [quote!(for<'__api_error> #ident #ty_generics: ::core::error::Error)];
    let api_where = crate::expand::where_clause(&input.generics, &bounds);
    let integrations = (!opts_out(input)).then(|| {
        quote! {
            ::api_error_core::__private::integrations! { [#impl_generics] [#ident #ty_generics] [#api_where] }
        }
    });
    quote! {
        #errors
        #[allow(unused_qualifications, deprecated, clippy::all, clippy::pedantic, clippy::nursery)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics ::api_error_core::ApiError for #ident #ty_generics #api_where {
                fn status(&self) -> ::api_error_core::__private::StatusCode {
                    ::api_error_core::__private::StatusCode::INTERNAL_SERVER_ERROR
                }
                fn error_type(&self) -> &'static ::core::primitive::str { "" }
                fn code(&self) -> &'static ::core::primitive::str { "" }
                fn message(&self) -> ::api_error_core::__private::std::borrow::Cow<'_, ::core::primitive::str> { ::api_error_core::__private::std::borrow::Cow::Borrowed("") }
                fn param(&self) -> ::core::option::Option<::api_error_core::__private::std::borrow::Cow<'_, ::core::primitive::str>> {
                    ::core::option::Option::None
                }
            }
            #[automatically_derived]
            impl #impl_generics ::api_error_core::ErrorCatalog for #ident #ty_generics #plain_where {
                fn catalog() -> ::api_error_core::__private::std::vec::Vec<::api_error_core::CatalogEntry> {
                    ::api_error_core::__private::std::vec::Vec::new()
                }
            }
            #[automatically_derived]
            impl #impl_generics ::api_error_core::client::FromErrorResponse for #ident #ty_generics #plain_where {
                fn from_error_response(
                    _: &::api_error_core::client::ErrorResponse,
                ) -> ::core::option::Option<Self> {
                    ::core::option::Option::None
                }
            }
            #integrations
        };
    }
}

/// Whether `#[api_error(no_integrations)]` is written anywhere (read from the raw tokens:
/// the attributes may be the very thing that failed to parse), also misspelt or misplaced
/// (on a variant or a field): the type likely has framework impls of its own, which stubs
/// would collide with.
fn opts_out(input: &syn::DeriveInput) -> bool {
    fn mentions(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            TokenTree::Ident(i) => {
                let name = i.to_string();
                name == crate::symbol::NO_INTEGRATIONS
                    || crate::case::distance(&name, crate::symbol::NO_INTEGRATIONS) <= 3
            }
            TokenTree::Group(g) => mentions(g.stream()),
            _ => false,
        })
    }
    let says = |attrs: &[syn::Attribute]| {
        attrs.iter().any(|a| {
            a.path().is_ident(crate::symbol::API_ERROR)
                && matches!(&a.meta, syn::Meta::List(list) if mentions(list.tokens.clone()))
        })
    };
    let fields = |fields: &syn::Fields| fields.iter().any(|f| says(&f.attrs));
    says(&input.attrs)
        || match &input.data {
            syn::Data::Enum(e) => e
                .variants
                .iter()
                .any(|v| says(&v.attrs) || fields(&v.fields)),
            syn::Data::Struct(s) => fields(&s.fields),
            syn::Data::Union(u) => u.fields.named.iter().any(|f| says(&f.attrs)),
        }
}

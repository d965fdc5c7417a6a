//! What the derive emits when the input has mistakes: the errors, plus a stub impl of the
//! traits so that one mistake does not cascade into "ApiError is not implemented" at every
//! place the type is used.

use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(input: &syn::DeriveInput, error: &syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    if matches!(input.data, syn::Data::Union(_)) {
        return errors;
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #errors
        #[allow(unused_qualifications)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics ::api_error_core::ApiError for #ident #ty_generics #where_clause {
                fn status(&self) -> ::api_error_core::__private::StatusCode {
                    ::api_error_core::__private::StatusCode::INTERNAL_SERVER_ERROR
                }
                fn error_type(&self) -> &'static str { "" }
                fn code(&self) -> &'static str { "" }
                fn message(&self) -> ::std::borrow::Cow<'_, str> { ::std::borrow::Cow::Borrowed("") }
                fn param(&self) -> ::core::option::Option<::std::borrow::Cow<'_, str>> {
                    ::core::option::Option::None
                }
            }
            #[automatically_derived]
            impl #impl_generics ::api_error_core::ErrorCatalog for #ident #ty_generics #where_clause {
                fn catalog() -> ::std::vec::Vec<::api_error_core::CatalogEntry> {
                    ::std::vec::Vec::new()
                }
            }
        };
    }
}

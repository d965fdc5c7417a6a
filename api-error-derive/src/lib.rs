//! stub
use proc_macro::TokenStream;
#[proc_macro_derive(ApiError, attributes(api_error))]
pub fn derive_api_error(_input: TokenStream) -> TokenStream { TokenStream::new() }

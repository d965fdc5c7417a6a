//! `#[derive(ApiError)]`: the proc-macro half of `api-error`. Use it through
//! [`api-error-core`](https://docs.rs/api-error-core), which re-exports it and documents the
//! attributes; generated code names only `::api_error_core::...`.
//!
//! The pipeline, one module per phase: `attr` parses `#[api_error(...)]`, `ast` builds the
//! input model, `valid` checks the rules across it, `expand` generates code (`client` the
//! typed client parsing), and `fallback` stands in when there were errors. `ctxt` collects
//! errors from every phase so they are all reported at once.
#![forbid(unsafe_code)]
#![allow(missing_docs)]

mod ast;
mod attr;
mod case;
mod client;
mod ctxt;
mod expand;
mod fallback;
mod fmt;
mod symbol;
mod valid;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `api_error_core::ApiError` and `api_error_core::ErrorCatalog`; see the
/// `api-error-core` documentation for the attributes.
#[proc_macro_derive(ApiError, attributes(api_error))]
pub fn derive_api_error(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(&input).into()
}

fn derive(input: &DeriveInput) -> proc_macro2::TokenStream {
    let cx = ctxt::Ctxt::default();
    let ast = ast::Input::from_syn(&cx, input);
    if let Some(ast) = &ast {
        valid::check(&cx, ast);
    }
    match (cx.check(), ast) {
        (Ok(()), Some(ast)) => expand::derive(&ast),
        (Err(err), _) => fallback::expand(input, &err),
        (Ok(()), None) => proc_macro2::TokenStream::new(),
    }
}

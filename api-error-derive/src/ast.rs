//! The input as this derive sees it: an enum of variants or a struct (one variant), each
//! with its parsed attributes, fields, doc comment and `#[error("...")]` text.

use proc_macro2::Span;
use syn::{Attribute, DeriveInput, Ident, Member, Type};

use crate::attr::{self, Attrs};
use crate::ctxt::Ctxt;
use crate::symbol::Position;

pub struct Input<'a> {
    pub ident: &'a Ident,
    pub generics: &'a syn::Generics,
    pub kind: Kind,
    /// The enum's own attributes (defaults); empty for a struct.
    pub defaults: Attrs,
    pub variants: Vec<Variant<'a>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Enum,
    Struct,
}

pub struct Variant<'a> {
    pub ident: &'a Ident,
    pub attrs: Attrs,
    pub fields: Vec<Field<'a>>,
    /// The doc comment (see `doc_comment`).
    pub doc: Doc,
    /// The literal of a thiserror `#[error("...")]`, used as the catalog template.
    pub error_text: Option<String>,
    /// Whether that attribute is the literal alone (`#[error("text")]`, no format
    /// arguments after it): then it is exactly what `Display` prints.
    pub error_text_alone: bool,
    /// Whether the variant has an `#[error(...)]` of its own (`transparent` included).
    has_error_attr: bool,
}

pub struct Field<'a> {
    pub member: Member,
    pub ty: &'a Type,
    pub attrs: Attrs,
}

impl<'a> Input<'a> {
    /// `None` when the input cannot be derived at all (a union, already reported).
    pub fn from_syn(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        match &input.data {
            syn::Data::Enum(data) => {
                let defaults = attr::parse(cx, &input.attrs, Position::Enum);
                // thiserror's enum-level `#[error("...")]` is the Display of every variant
                // without one of its own.
                let enum_text = error_text(&input.attrs).flatten();
                let variants = data
                    .variants
                    .iter()
                    .map(|v| {
                        let mut v =
                            Variant::from_syn(cx, &v.ident, &v.attrs, &v.fields, Position::Variant);
                        if !v.has_error_attr {
                            if let Some((text, alone)) = &enum_text {
                                v.error_text = Some(text.clone());
                                v.error_text_alone = *alone;
                            }
                        }
                        v
                    })
                    .collect();
                Some(Input {
                    ident: &input.ident,
                    generics: &input.generics,
                    kind: Kind::Enum,
                    defaults,
                    variants,
                })
            }
            syn::Data::Struct(data) => {
                let variant = Variant::from_syn(
                    cx,
                    &input.ident,
                    &input.attrs,
                    &data.fields,
                    Position::Struct,
                );
                Some(Input {
                    ident: &input.ident,
                    generics: &input.generics,
                    kind: Kind::Struct,
                    defaults: Attrs::default(),
                    variants: vec![variant],
                })
            }
            syn::Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "#[derive(ApiError)] works on enums and structs, not unions; wrap the union in a struct and derive on that",
                );
                None
            }
        }
    }
}

impl<'a> Variant<'a> {
    fn from_syn(
        cx: &Ctxt,
        ident: &'a Ident,
        attrs: &'a [Attribute],
        fields: &'a syn::Fields,
        pos: Position,
    ) -> Self {
        let fields = fields
            .iter()
            .enumerate()
            .map(|(i, f)| Field {
                member: match &f.ident {
                    Some(id) => Member::Named(id.clone()),
                    None => Member::Unnamed(syn::Index {
                        index: u32::try_from(i).unwrap_or(u32::MAX),
                        span: Span::call_site(),
                    }),
                },
                ty: &f.ty,
                attrs: attr::parse(cx, &f.attrs, Position::Field),
            })
            .collect();
        let text = error_text(attrs);
        let has_error_attr = text.is_some();
        let text = text.flatten();
        Variant {
            ident,
            attrs: attr::parse(cx, attrs, pos),
            fields,
            doc: doc_comment(attrs),
            error_text: text.as_ref().map(|(text, _)| text.clone()),
            error_text_alone: text.is_some_and(|(_, alone)| alone),
            has_error_attr,
        }
    }
}

impl Input<'_> {
    /// The path of a variant in expressions and patterns: `Enum::Variant`, or the struct.
    pub fn variant_path(&self, v: &Variant) -> proc_macro2::TokenStream {
        let ty = self.ident;
        match self.kind {
            Kind::Enum => {
                let vi = v.ident;
                quote::quote!(#ty::#vi)
            }
            Kind::Struct => quote::quote!(#ty),
        }
    }
}

impl Field<'_> {
    /// The field's name as written in a format string: `id` or `0`.
    pub fn name(&self) -> String {
        match &self.member {
            Member::Named(id) => id.to_string().trim_start_matches("r#").to_owned(),
            Member::Unnamed(i) => i.index.to_string(),
        }
    }
}

/// A variant's doc comment.
pub enum Doc {
    /// `/// text` lines joined with newlines, each trimmed once, the whole trimmed.
    Text(String),
    /// A `&'static str` expression: when a line is a macro
    /// (`#[doc = include_str!("errors/missing.md")]`, `#[doc = concat!(..)]`), a `concat!`
    /// of the lines (the catalog trims what the macro's text leaves around it).
    Expr(proc_macro2::TokenStream),
}

/// The doc comment: text, or an expression when a line is a macro (see [`Doc`]).
fn doc_comment(attrs: &[Attribute]) -> Doc {
    enum Line {
        Text(String),
        Macro(syn::Expr),
    }
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        let syn::Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => {
                let value = s.value();
                let mut text = Vec::new();
                if value.contains('\n') {
                    block_lines(&value, &mut text);
                } else {
                    text.push(
                        value
                            .strip_prefix(' ')
                            .unwrap_or(&value)
                            .trim_end()
                            .to_owned(),
                    );
                }
                lines.extend(text.into_iter().map(Line::Text));
            }
            // What rustdoc accepts besides a literal: a macro that expands to one.
            value @ syn::Expr::Macro(_) => lines.push(Line::Macro(value.clone())),
            _ => {}
        }
    }
    if lines.iter().all(|l| matches!(l, Line::Text(_))) {
        let text: Vec<String> = lines
            .into_iter()
            .filter_map(|l| match l {
                Line::Text(t) => Some(t),
                Line::Macro(_) => None,
            })
            .collect();
        return Doc::Text(text.join("\n").trim().to_owned());
    }
    let mut parts = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            parts.push(quote::quote!("\n"));
        }
        parts.push(match line {
            Line::Text(t) => quote::quote!(#t),
            Line::Macro(m) => quote::quote!(#m),
        });
    }
    Doc::Expr(quote::quote!(::core::concat!(#(#parts),*)))
}

/// The lines of a `/** ... */` block doc comment, as rustdoc shows them: the first as it is
/// (text may follow `/**` directly), the others without the `*` that starts each of them
/// (when every one has it), else without their common indent.
fn block_lines(value: &str, lines: &mut Vec<String>) {
    let mut all = value.lines();
    if let Some(first) = all.next() {
        lines.push(first.trim().to_owned());
    }
    let rest: Vec<&str> = all.collect();
    let content = || rest.iter().filter(|l| !l.trim().is_empty());
    let starred = content().all(|l| l.trim_start().starts_with('*'));
    let indent = content()
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    for line in rest {
        let line = if starred {
            let rest = line.trim_start().strip_prefix('*').unwrap_or(line);
            rest.strip_prefix(' ').unwrap_or(rest)
        } else {
            line.get(indent..).unwrap_or(line.trim_start())
        };
        lines.push(line.trim_end().to_owned());
    }
}

/// The string of thiserror's `#[error("...")]`, if there is one (not `transparent`), and
/// whether nothing follows it.
/// The text of the first thiserror `#[error(...)]` among `attrs` and whether it is alone:
/// `None` without one, `Some(None)` when it has no literal (`#[error(transparent)]`).
fn error_text(attrs: &[Attribute]) -> Option<Option<(String, bool)>> {
    let attr = attrs.iter().find(|a| a.path().is_ident("error"))?;
    Some(
        attr.parse_args_with(|input: syn::parse::ParseStream| {
            let s: syn::LitStr = input.parse()?;
            let rest: proc_macro2::TokenStream = input.parse()?;
            Ok((s.value(), rest.is_empty()))
        })
        .ok(),
    )
}

/// Whether `ty` mentions any of `params` (a generic type parameter).
pub fn mentions_param(ty: &Type, params: &[&Ident]) -> bool {
    fn walk(tokens: proc_macro2::TokenStream, params: &[&Ident]) -> bool {
        tokens.into_iter().any(|tt| match tt {
            proc_macro2::TokenTree::Ident(id) => params.iter().any(|p| **p == id),
            proc_macro2::TokenTree::Group(g) => walk(g.stream(), params),
            _ => false,
        })
    }
    !params.is_empty() && walk(quote::ToTokens::to_token_stream(ty), params)
}

/// `ty` without the invisible groups a `macro_rules!` `$t:ty` puts around it, or
/// parentheses: `Option<String>` passed through a macro is still `Option<String>`.
pub fn ungrouped(mut ty: &Type) -> &Type {
    loop {
        ty = match ty {
            Type::Group(g) => &g.elem,
            Type::Paren(p) => &p.elem,
            _ => return ty,
        };
    }
}

/// `Option<T>` written as such (last path segment `Option` with one type argument).
pub fn is_option(ty: &Type) -> bool {
    if let Type::Path(p) = ungrouped(ty) {
        if let Some(last) = p.path.segments.last() {
            return last.ident == "Option"
                && matches!(&last.arguments, syn::PathArguments::AngleBracketed(a) if a.args.len() == 1);
        }
    }
    false
}

/// `T` of an `Option<T>`, as written.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    if !is_option(ty) {
        return None;
    }
    let Type::Path(p) = ungrouped(ty) else {
        return None;
    };
    match p.path.segments.last().map(|s| &s.arguments) {
        Some(syn::PathArguments::AngleBracketed(a)) => match a.args.first() {
            Some(syn::GenericArgument::Type(inner)) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

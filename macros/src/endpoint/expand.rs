//! Writes `impl Endpoint` plus `impl RestEndpoint` or `impl WsEndpoint` for a valid contract.
//!
//! Each parameter write is spanned on the field's type, so a type without `ToParam` is reported
//! at that type, not at the derive.

use super::{Contract, Param, Route};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::Ident;

pub(super) fn expand(name: &Ident, c: &Contract, params: &[Param]) -> TokenStream {
    let rt = quote!(::binance_runtime);
    let name_str = name.to_string();
    let security = &c.security;
    let response = &c.response;
    let kind = &c.weight.kind;
    let weight = weight_expr(c, params);
    let orders = c.weight.orders.iter().map(|o| {
        let (interval, num, value) = (&o.interval, o.interval_num, o.value);
        quote!(#rt::OrderCount { interval: #rt::Interval::#interval, interval_num: #num, value: #value })
    });
    let recv_window = params.iter().find(|p| p.wire == "recvWindow").map(recv_window);
    let writes = params.iter().filter(|p| p.wire != "recvWindow").map(|p| write_param(&rt, p));
    let transport = match &c.route {
        Route::Http { method, path } => quote! {
            impl #rt::RestEndpoint for #name {
                const METHOD: #rt::HttpMethod = #rt::HttpMethod::#method;
                const PATH: &'static str = #path;
            }
        },
        Route::Ws { method } => quote! {
            impl #rt::WsEndpoint for #name {
                const METHOD: &'static str = #method;
            }
        },
    };
    quote! {
        impl #rt::Endpoint for #name {
            type Response = #response;
            const NAME: &'static str = #name_str;
            const SECURITY: #rt::Security = #rt::Security::#security;
            fn weight(&self) -> #rt::Weight {
                #rt::Weight { kind: #rt::WeightKind::#kind, value: #weight, orders: &[ #( #orders ),* ] }
            }
            #recv_window
            fn write_params<W: #rt::ParamWriter + ?::core::marker::Sized>(&self, out: &mut W) {
                #( #writes )*
            }
        }
        #transport
    }
}

/// `<Type as ToParam>::write_param(&self.field, "wireName", out);`, spanned from the first to
/// the last token of the field's type: a type without `ToParam` is reported there.
fn write_param(rt: &TokenStream, p: &Param) -> TokenStream {
    let ty = &p.ty;
    let mut tokens = ty.to_token_stream().into_iter().map(|t| t.span());
    let first = tokens.next().unwrap_or_else(Span::call_site);
    let last = tokens.last().unwrap_or(first);
    let mut field = p.ident.clone();
    field.set_span(last);
    let wire = &p.wire;
    let open = quote_spanned!(first=> <);
    quote_spanned! {last=> #open #ty as #rt::ToParam>::write_param(&self.#field, #wire, out); }
}

/// `if self.symbol.is_some() { 1 } else { 40 }`: rules in order, the first that matches wins.
/// A rule with `at_most` (a row of a `limit` table) matches when the field is set and its value
/// is at most the bound.
fn weight_expr(c: &Contract, params: &[Param]) -> TokenStream {
    let base = c.weight.value;
    c.weight.rules.iter().rev().fold(quote!(#base), |otherwise, rule| {
        let (field, value) = (&rule.field, rule.value);
        match (params.iter().find(|p| p.ident == *field), rule.at_most) {
            (Some(p), Some(bound)) => {
                let check =
                    quote_spanned!(p.ty.span()=> ::binance_runtime::params::AtMost::is_at_most(&self.#field, #bound));
                quote!(if #check { #value } else { #otherwise })
            }
            (Some(p), None) if p.optional => quote!(if self.#field.is_some() { #value } else { #otherwise }),
            // A required field is always sent, so its rule always applies.
            _ => quote!(#value),
        }
    })
}

/// The runtime appends `recvWindow` itself (after the other parameters, before `timestamp`).
fn recv_window(p: &Param) -> TokenStream {
    let field = &p.ident;
    let value = if p.optional {
        quote!(::core::option::Option::map(self.#field, ::core::convert::Into::into))
    } else {
        quote!(::core::option::Option::Some(::core::convert::Into::into(self.#field)))
    };
    quote_spanned! {p.ty.span()=>
        fn recv_window(&self) -> ::core::option::Option<u64> {
            #value
        }
    }
}

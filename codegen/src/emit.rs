//! Turns the [`ir`](crate::ir) into Rust source: data types carrying derives, and one thin
//! client method per REST endpoint that hands the request to the runtime's generic executor.
//!
//! All paths are fully qualified (`::binance_runtime::…`) so the output compiles wherever it is
//! included; serde is reached through the runtime so users need no direct serde dependency.

use crate::ir::{Endpoint, Enum, Field, FieldType, Model, ParamType, Product, Transport};
use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream};
use quote::{format_ident, quote, ToTokens, TokenStreamExt};
use std::cell::Cell;

mod pretty;

/// What to emit besides the data types and the REST `Client`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Emit `WsClient` for the product's WebSocket API endpoints. It wraps the runtime's
    /// `WsApiClient`, which exists only with the runtime's `ws` feature; without it the
    /// WebSocket request types and models are still emitted.
    pub ws_client: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { ws_client: true }
    }
}

/// The formatted body of one product module.
pub fn product_module(product: &Product, options: Options) -> Result<String, syn::Error> {
    pretty::format_parts(&parts(product, options), |part| part_tokens(product, part))
}

/// The body of one product module as plain token text: the same code as [`product_module`],
/// without the cost of parsing and pretty-printing it (about half of generation time).
pub fn product_module_unformatted(product: &Product, options: Options) -> String {
    pretty::plain_parts(&parts(product, options), |part| part_tokens(product, part))
}

fn unsuffixed(n: u32) -> proc_macro2::Literal {
    proc_macro2::Literal::u32_unsuffixed(n)
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = " line"]` attributes, one per line, so prettyplease prints `/// line`.
fn doc_lines(text: &str) -> Doc {
    Doc(text.to_string())
}

/// Doc text that `quote!` writes as `#[doc = " line"]` attributes straight into the tokens around
/// it: docs are a large share of the output, and an interpolated `TokenStream` would be copied.
struct Doc(String);

impl ToTokens for Doc {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        for line in self.0.lines() {
            let mut text = String::with_capacity(line.len() + 1);
            if !line.is_empty() {
                text.push(' ');
                text.push_str(line);
            }
            let mut attr = TokenStream::new();
            attr.append(ident("doc"));
            attr.append(Punct::new('=', Spacing::Alone));
            attr.append(Literal::string(&text));
            tokens.append(Punct::new('#', Spacing::Alone));
            tokens.append(Group::new(Delimiter::Bracket, attr));
        }
    }
}

/// The items of a `#( … )*` repetition, moved into the surrounding tokens: `quote!` copies an
/// interpolated `TokenStream` token by token (identifiers are heap strings), which at every
/// level of nesting cost as much as building the tokens. Each item is interpolated once.
fn moved(items: impl Iterator<Item = TokenStream>) -> impl Iterator<Item = Moved> {
    items.map(|tokens| Moved(Cell::new(tokens)))
}

/// One item of [`moved`].
struct Moved(Cell<TokenStream>);

impl ToTokens for Moved {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(self.0.take());
    }
}

fn opt_str(value: &Option<String>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// One top-level piece of a product module (an item, or a type with its `impl`), built and
/// formatted on its own; see [`pretty`].
#[derive(Clone, Copy)]
enum Part<'a> {
    Product,
    Client,
    WsClient,
    Request(&'a Endpoint),
    Model(&'a Model),
    Enum(&'a Enum),
}

/// The parts of a product module in output order.
fn parts(p: &Product, options: Options) -> Vec<Part<'_>> {
    let mut parts = Vec::with_capacity(3 + p.endpoints.len() + p.models.len() + p.enums.len());
    parts.extend([Part::Product, Part::Client]);
    if options.ws_client {
        parts.push(Part::WsClient);
    }
    parts.extend(p.endpoints.iter().map(Part::Request));
    parts.extend(p.models.iter().map(Part::Model));
    parts.extend(p.enums.iter().map(Part::Enum));
    parts
}

fn part_tokens(p: &Product, part: &Part<'_>) -> TokenStream {
    match *part {
        Part::Product => {
            let spec_file = p.source.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            product_static(p, &spec_file)
        }
        Part::Client => client(p),
        Part::WsClient => ws_client(p),
        Part::Request(e) => request(e),
        Part::Model(m) => model(m),
        Part::Enum(e) => enumeration(e),
    }
}

fn product_static(p: &Product, spec_file: &str) -> TokenStream {
    let doc = doc_lines(&format!("Base URLs and default rate limits of {}, from `{spec_file}`.", p.title));
    let (name, title) = (&p.module, &p.title);
    let urls = [&p.rest_url, &p.rest_testnet_url, &p.ws_api_url, &p.ws_api_testnet_url, &p.time_path].map(opt_str);
    let [rest, rest_testnet, ws, ws_testnet, time_path] = urls;
    let limits = p.rate_limits.iter().map(|rl| {
        let (t, k, i) = (ident(rl.limit_type), ident(rl.kind), ident(rl.interval));
        let (n, limit) = (unsuffixed(rl.interval_num), unsuffixed(rl.limit));
        quote! {
            ::binance_runtime::RateLimit {
                limit_type: ::binance_runtime::RateLimitType::#t,
                kind: ::binance_runtime::LimitKind::#k,
                interval: ::binance_runtime::Interval::#i,
                interval_num: #n,
                limit: #limit,
            }
        }
    });
    let errors = p.errors.iter().map(|e| {
        let (code, name) = (Literal::i64_unsuffixed(e.code), &e.name);
        quote!(::binance_runtime::ApiErrorCode { code: #code, name: #name })
    });
    quote! {
        #doc
        pub static PRODUCT: ::binance_runtime::Product = ::binance_runtime::Product {
            name: #name,
            title: #title,
            rest_url: #rest,
            rest_testnet_url: #rest_testnet,
            ws_api_url: #ws,
            ws_api_testnet_url: #ws_testnet,
            time_path: #time_path,
            rate_limits: &[ #( #limits ),* ],
            error_codes: &[ #( #errors ),* ],
        };
    }
}

fn response_type(e: &Endpoint) -> TokenStream {
    let model = ident(&e.response);
    if e.response_list {
        quote!(::std::vec::Vec<#model>)
    } else {
        quote!(#model)
    }
}

fn client(p: &Product) -> TokenStream {
    let doc = doc_lines(&format!(
        "Client for {}: one method per REST endpoint of the spec.\n\nEvery method signs, \
         rate-limits and decodes through the runtime's one generic executor.",
        p.title
    ));
    let methods = p.endpoints.iter().filter(|e| matches!(e.transport, Transport::Http { .. })).map(|e| {
        let name = ident(&e.method_name);
        let request = ident(&e.request_type);
        let response = response_type(e);
        let doc = doc_lines(&format!("{}\n\nSee [`{}`] for weight, security and docs.", e.title, e.request_type));
        quote! {
            #doc
            pub async fn #name(&self, request: &#request) -> ::binance_runtime::Result<#response> {
                self.rest.execute(request).await
            }
        }
    });
    let methods = moved(methods);
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub struct Client {
            rest: ::binance_runtime::RestClient,
        }

        impl Client {
            /// Wraps a runtime client built for [`PRODUCT`].
            pub fn new(rest: ::binance_runtime::RestClient) -> Self {
                Client { rest }
            }

            /// A builder preset with this product's base URL and rate limits.
            pub fn builder() -> ::binance_runtime::ClientBuilder {
                ::binance_runtime::ClientBuilder::new(&PRODUCT)
            }

            /// The runtime client, for endpoints defined outside the spec.
            pub fn rest(&self) -> &::binance_runtime::RestClient {
                &self.rest
            }

            #( #methods )*
        }
    }
}

/// `WsClient`, one method per WebSocket API endpoint; nothing for a product without any.
fn ws_client(p: &Product) -> TokenStream {
    let methods: Vec<TokenStream> = p
        .endpoints
        .iter()
        .filter(|e| matches!(e.transport, Transport::Ws { .. }))
        .map(|e| {
            let name = ident(&e.method_name);
            let request = ident(&e.request_type);
            let response = response_type(e);
            let doc = doc_lines(&format!(
                "{}\n\nReturns the typed `result` with the server's `rateLimits`. See [`{}`] for weight, \
                 security and docs.",
                e.title, e.request_type
            ));
            quote! {
                #doc
                pub async fn #name(
                    &self,
                    request: &#request,
                ) -> ::binance_runtime::Result<::binance_runtime::WsReply<#response>> {
                    self.ws.call(request).await
                }
            }
        })
        .collect();
    if methods.is_empty() {
        return quote!();
    }
    let methods = moved(methods.into_iter());
    let doc = doc_lines(&format!(
        "WebSocket API client for {}: one method per WebSocket endpoint of the spec.\n\nAll calls share \
         one connection; see [`::binance_runtime::ws_api`] for signing, reconnects and weight.",
        p.title
    ));
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub struct WsClient {
            ws: ::binance_runtime::WsApiClient,
        }

        impl WsClient {
            /// Wraps a runtime WebSocket API client built for [`PRODUCT`].
            pub fn new(ws: ::binance_runtime::WsApiClient) -> Self {
                WsClient { ws }
            }

            /// A builder preset with this product's WebSocket API URL and rate limits.
            pub fn builder() -> ::binance_runtime::WsApiBuilder {
                ::binance_runtime::WsApiBuilder::new(&PRODUCT)
            }

            /// The runtime client, for methods defined outside the spec.
            pub fn ws(&self) -> &::binance_runtime::WsApiClient {
                &self.ws
            }

            #( #methods )*
        }
    }
}

fn request_doc(e: &Endpoint) -> String {
    let mut doc = e.title.clone();
    if let Some(d) = &e.description {
        doc.push_str(&format!("\n\n{d}"));
    }
    for note in &e.notes {
        doc.push_str(&format!("\n\nNote: {note}"));
    }
    let route = match &e.transport {
        Transport::Http { method, path } => format!("`{method} {path}`"),
        Transport::Ws { method } => format!("WebSocket API `{method}`"),
    };
    let mut weight = format!("{} ({})", e.weight, e.weight_kind);
    for r in &e.weight_rules {
        weight.push_str(&format!("; {} when `{}` is set", r.value, r.binance_name));
    }
    doc.push_str(&format!(
        "\n\n* Request: {route}\n* Weight: {weight}\n* Security: `{}`\n* Docs: <{}>",
        e.security, e.docs
    ));
    doc
}

fn param_type(ty: &ParamType) -> TokenStream {
    match ty {
        ParamType::Long => quote!(i64),
        ParamType::Int => quote!(i32),
        ParamType::RecvWindow => quote!(u64),
        ParamType::String => quote!(::std::string::String),
        ParamType::Decimal => quote!(::binance_runtime::Decimal),
        ParamType::Boolean => quote!(bool),
        ParamType::Enum(name) | ParamType::Model(name) => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

fn request(e: &Endpoint) -> TokenStream {
    let doc = doc_lines(&request_doc(e));
    let name = ident(&e.request_type);
    let route = match &e.transport {
        Transport::Http { method, path } => {
            let route = format!("{method} {path}");
            quote!(http = #route)
        }
        Transport::Ws { method } => quote!(ws = #method),
    };
    let security = &e.security;
    let kind = format_ident!("{}", e.weight_kind.to_lowercase());
    let weight = unsuffixed(e.weight);
    let rules = e.weight_rules.iter().map(|r| {
        let field = ident(&r.rust_name);
        let w = unsuffixed(r.value);
        quote!(, if_present(#field = #w))
    });
    let response = response_type(e);
    let fields = moved(e.params.iter().map(|p| {
        let default_doc = match p.ty {
            ParamType::RecvWindow => "`recvWindow`: how many milliseconds after `timestamp` the request stays valid \
                                      (at most 60000); the client's default applies when unset."
                .to_string(),
            _ => format!("`{}`", p.binance_name),
        };
        let doc = doc_lines(p.doc.as_deref().unwrap_or(&default_doc));
        let field = ident(&p.rust_name);
        let ty = param_type(&p.ty);
        let ty = if p.required { ty } else { quote!(::core::option::Option<#ty>) };
        let rename = if p.needs_rename {
            let n = &p.binance_name;
            quote!(#[endpoint(rename = #n)])
        } else {
            quote!()
        };
        quote! { #doc #rename pub #field: #ty, }
    }));
    let required: Vec<_> = e.params.iter().filter(|p| p.required).collect();
    let (default, constructor) = if required.is_empty() {
        (quote!(Default,), quote!())
    } else {
        let args = required.iter().map(|p| {
            let f = ident(&p.rust_name);
            let ty = param_type(&p.ty);
            quote!(#f: #ty)
        });
        let inits = e.params.iter().map(|p| {
            let f = ident(&p.rust_name);
            if p.required {
                quote!(#f)
            } else {
                quote!(#f: ::core::option::Option::None)
            }
        });
        let ctor = quote! {
            impl #name {
                /// Creates the request from its mandatory parameters; optional ones start unset.
                pub fn new(#( #args ),*) -> Self {
                    #name { #( #inits ),* }
                }
            }
        };
        (quote!(), ctor)
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default ::binance_runtime::Endpoint)]
        #[endpoint(#route, security = #security, weight(#kind = #weight #( #rules )*), response = #response)]
        pub struct #name {
            #( #fields )*
        }
        #constructor
    }
}

fn field_type(f: &Field) -> TokenStream {
    let base = match &f.ty {
        FieldType::Decimal => quote!(::binance_runtime::Decimal),
        FieldType::String => quote!(::std::string::String),
        FieldType::Int => quote!(i32),
        FieldType::Long | FieldType::Timestamp => quote!(i64),
        FieldType::Boolean => quote!(bool),
        FieldType::Model(n) | FieldType::Enum(n) => {
            let n = ident(n);
            quote!(#n)
        }
    };
    let base = if f.list { quote!(::std::vec::Vec<#base>) } else { base };
    if f.optional {
        quote!(::core::option::Option<#base>)
    } else {
        base
    }
}

fn field(f: &Field) -> TokenStream {
    let mut doc = f.doc.clone().unwrap_or_else(|| format!("`{}`", f.binance_name));
    if f.ty == FieldType::Timestamp {
        doc.push_str("\n\nMilliseconds since the Unix epoch.");
    }
    let doc = doc_lines(&doc);
    let name = ident(&f.rust_name);
    let ty = field_type(f);
    // `#[model]` gives decimal fields the runtime's lenient codec; only renames are left here.
    let attr = f.needs_rename.then(|| {
        let n = &f.binance_name;
        quote!(#[serde(rename = #n)])
    });
    quote! { #doc #attr pub #name: #ty, }
}

fn model(m: &Model) -> TokenStream {
    let doc = doc_lines(m.doc.as_deref().unwrap_or(&format!("The `{}` object.", m.name)));
    let name = ident(&m.name);
    let fields = moved(m.fields.iter().map(field));
    quote! {
        #doc
        #[::binance_runtime::model]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #( #fields )*
        }
    }
}

fn enumeration(e: &Enum) -> TokenStream {
    let doc = doc_lines(e.doc.as_deref().unwrap_or(&format!("The `{}` values.", e.name)));
    let name = ident(&e.name);
    let variants = moved(e.variants.iter().map(|(wire, variant, vdoc)| {
        let doc = doc_lines(vdoc.as_deref().unwrap_or(&format!("`{wire}`")));
        let variant = ident(variant);
        quote! { #doc #[wire(#wire)] #variant, }
    }));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, ::binance_runtime::WireEnum)]
        pub enum #name {
            #( #variants )*
            /// A value this client does not know yet, kept exactly as Binance sent it.
            Other(::std::string::String),
        }
    }
}

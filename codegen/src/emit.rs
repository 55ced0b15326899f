//! Turns the [`ir`](crate::ir) into Rust source: data types carrying derives, and one thin
//! client method per REST endpoint that hands the request to the runtime's generic executor.
//!
//! All paths are fully qualified (`::binance_runtime::…`) so the output compiles wherever it is
//! included; serde is reached through the runtime so users need no direct serde dependency.

use crate::ir::{Endpoint, Enum, Field, FieldType, Model, ParamType, Product, Transport};
use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream};
use quote::{format_ident, quote, ToTokens, TokenStreamExt};
use std::cell::Cell;
use std::collections::HashSet;

mod pretty;
mod streams;

/// What to emit besides the data types and the REST `Client`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Emit `WsClient` for the product's WebSocket API endpoints. It wraps the runtime's
    /// `WsApiClient`, which exists only with the runtime's `ws` feature; without it the
    /// WebSocket request types and models are still emitted.
    pub ws_client: bool,
    /// Attributes the user adds to generated types and fields.
    pub hooks: Hooks,
}

impl Default for Options {
    fn default() -> Self {
        Options { ws_client: true, hooks: Hooks::default() }
    }
}

/// Attributes added to generated types and fields, in the manner of prost-build's
/// `type_attribute` / `field_attribute`. Each entry is `(path, attribute)`, the attribute as
/// Rust source (`#[derive(serde::Serialize)]`), checked by `Config` before generation.
///
/// Type paths: `.` (every request type, model and enum), `Name` (that type in every product) or
/// `product.Name`. Field paths: `Name.field` or `product.Name.field`, the field by its Binance
/// name (`timeInForce`) or its Rust name (`time_in_force`); request parameters are fields of
/// the request type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hooks {
    /// `(type path, attribute)`.
    pub type_attributes: Vec<(String, String)>,
    /// `(field path, attribute)`.
    pub field_attributes: Vec<(String, String)>,
}

impl Hooks {
    /// The attributes for type `ty` of product `module`.
    fn for_type(&self, module: &str, ty: &str) -> TokenStream {
        let matches = |path: &str| path == "." || path == ty || path.split_once('.') == Some((module, ty));
        attrs(self.type_attributes.iter().filter(|(path, _)| matches(path)))
    }

    /// The attributes for field `rust`/`binance` of type `ty` of product `module`.
    fn for_field(&self, module: &str, ty: &str, rust: &str, binance: &str) -> TokenStream {
        if self.field_attributes.is_empty() {
            return TokenStream::new();
        }
        let matches = |path: &str| {
            let path = path.strip_prefix(module).and_then(|p| p.strip_prefix('.')).unwrap_or(path);
            matches!(path.split_once('.'), Some((t, f)) if t == ty && (f == rust || f == binance))
        };
        attrs(self.field_attributes.iter().filter(|(path, _)| matches(path)))
    }
}

/// Parses attribute texts; `Config` has already rejected any that does not parse.
fn attrs<'a>(entries: impl Iterator<Item = &'a (String, String)>) -> TokenStream {
    entries.filter_map(|(_, attr)| attr.parse::<TokenStream>().ok()).collect()
}

/// The formatted body of one product module.
pub fn product_module(product: &Product, options: &Options) -> Result<String, syn::Error> {
    pretty::format_parts(&parts(product, options), |part| part_tokens(product, &options.hooks, part))
}

/// The body of one product module as plain token text: the same code as [`product_module`],
/// without the cost of parsing and pretty-printing it (about half of generation time).
pub fn product_module_unformatted(product: &Product, options: &Options) -> String {
    pretty::plain_parts(&parts(product, options), |part| part_tokens(product, &options.hooks, part))
}

fn unsuffixed(n: u32) -> proc_macro2::Literal {
    proc_macro2::Literal::u32_unsuffixed(n)
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = " line"]` attributes, one per line, so prettyplease prints `/// line`.
/// Text taken from a doc page, made safe for rustdoc: a Markdown link `[text](url)` stays a
/// link, other brackets (`Valid limits:[1000]`) are escaped so they are not read as intra-doc
/// links, and a bare URL is put in `<…>` so it is a link rather than a lint.
fn page_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '[' {
            if let Some(link) = markdown_link(rest) {
                out.push_str(&rest[..link]);
                rest = &rest[link..];
                continue;
            }
        }
        if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest.find(|ch: char| ch.is_whitespace() || ch == '<' || ch == '>').unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        if c == '[' || c == ']' {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of the Markdown link `[text](url)` at the start of `text`, if there is one.
fn markdown_link(text: &str) -> Option<usize> {
    let close = text.find(']')?;
    if text[1..close].contains('[') || !text[close + 1..].starts_with('(') {
        return None;
    }
    let end = text[close + 1..].find(')')?;
    Some(close + 1 + end + 1)
}

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
    ErrorCode,
    Request(&'a Endpoint),
    Model(&'a Model, ModelUse),
    Enum(&'a Enum),
    Streams,
}

/// Where a model is used, beyond being decoded from responses.
#[derive(Clone, Copy)]
struct ModelUse {
    /// Sent as a parameter (or inside one): it also gets the parameter impls.
    as_param: bool,
    /// A market stream's payload or inside one: decoded at stream rates (a busy depth or trade
    /// stream sends thousands a second), so it gets the decoder that is faster to run and
    /// slower to compile (`#[model(stream)]`). User-data events, a few per order, keep the
    /// generic visitor, whose code models share.
    streamed: bool,
}

/// The parts of a product module in output order.
fn parts<'a>(p: &'a Product, options: &Options) -> Vec<Part<'a>> {
    let mut parts = Vec::with_capacity(3 + p.endpoints.len() + p.models.len() + p.enums.len());
    parts.extend([Part::Product, Part::Client]);
    if options.ws_client {
        parts.push(Part::WsClient);
    }
    parts.push(Part::ErrorCode);
    parts.extend(p.endpoints.iter().map(Part::Request));
    // Models sent as parameters also get the parameter impls; one pass over the parameters.
    let as_params: HashSet<&str> = p
        .endpoints
        .iter()
        .flat_map(|e| &e.params)
        .filter_map(|param| match &param.ty {
            ParamType::Model(m) => Some(m.as_str()),
            _ => None,
        })
        .collect();
    let as_params = with_nested_models(p, as_params);
    let streamed = with_nested_models(p, p.streams.market.iter().map(|s| s.payload.as_str()).collect());
    parts.extend(p.models.iter().map(|m| {
        let name = m.name.as_str();
        Part::Model(m, ModelUse { as_param: as_params.contains(name), streamed: streamed.contains(name) })
    }));
    parts.extend(p.enums.iter().map(Part::Enum));
    if !p.streams.market.is_empty() || !p.streams.events.is_empty() {
        parts.push(Part::Streams);
    }
    parts
}

/// `roots` plus every model their fields reach: a model sent as a parameter writes its nested
/// models as JSON too. Each model is visited once.
fn with_nested_models<'a>(p: &'a Product, roots: HashSet<&'a str>) -> HashSet<&'a str> {
    let by_name: std::collections::HashMap<&str, &Model> = p.models.iter().map(|m| (m.name.as_str(), m)).collect();
    let mut seen = roots.clone();
    let mut todo: Vec<&str> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        for f in by_name.get(name).map(|m| m.fields.as_slice()).unwrap_or_default() {
            if let FieldType::Model(nested) = &f.ty {
                if seen.insert(nested.as_str()) {
                    todo.push(nested.as_str());
                }
            }
        }
    }
    seen
}

fn part_tokens(p: &Product, hooks: &Hooks, part: &Part<'_>) -> TokenStream {
    let module = p.module.as_str();
    match *part {
        Part::Product => {
            let spec_file = p.source.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            product_static(p, &spec_file)
        }
        Part::Client => client(p),
        Part::WsClient => ws_client(p),
        Part::ErrorCode => error_code(p, hooks.for_type(module, "ErrorCode")),
        Part::Request(e) => request(
            e,
            |field| hooks.for_field(module, &e.request_type, &field.rust_name, &field.binance_name),
            hooks.for_type(module, &e.request_type),
        ),
        Part::Model(m, uses) => model(
            m,
            uses,
            |field| hooks.for_field(module, &m.name, &field.rust_name, &field.binance_name),
            hooks.for_type(module, &m.name),
        ),
        Part::Enum(e) => enumeration(e, hooks.for_type(module, &e.name)),
        Part::Streams => streams::streams_module(&p.title, &p.streams),
    }
}

fn product_static(p: &Product, spec_file: &str) -> TokenStream {
    let doc = doc_lines(&format!("Base URLs and default rate limits of {}, from `{spec_file}`.", p.title));
    let (name, title) = (&p.module, &p.title);
    let urls = [&p.rest_url, &p.rest_testnet_url, &p.ws_api_url, &p.ws_api_testnet_url, &p.time_path].map(opt_str);
    let [rest, rest_testnet, ws, ws_testnet, time_path] = urls;
    let limits = p.rate_limits.iter().map(|rl| {
        let (t, k, i) = (ident(rl.limit_type.variant()), ident(rl.kind.variant()), ident(rl.interval.variant()));
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
    if e.response_object_too {
        quote!(::binance_runtime::OneOrMany<#model>)
    } else if e.response_list {
        quote!(::std::vec::Vec<#model>)
    } else {
        quote!(#model)
    }
}

fn client(p: &Product) -> TokenStream {
    let doc = doc_lines(&format!(
        "Client for {}: one method per REST endpoint of the spec.\n\nEvery method returns a \
         future to await; it signs, rate-limits and decodes through the runtime's one executor, \
         compiled in the library rather than in the calling crate.",
        p.title
    ));
    let methods = p.endpoints.iter().filter(|e| matches!(e.transport, Transport::Http { .. })).map(|e| {
        let name = ident(&e.method_name);
        let request = ident(&e.request_type);
        let response = response_type(e);
        let doc =
            doc_lines(&format!("{}\n\nSee [`{}`] for weight, security and docs.", page_text(&e.title), e.request_type));
        quote! {
            #doc
            pub fn #name(&self, request: &#request) -> ::binance_runtime::ResponseFuture<#response> {
                self.rest.execute(request)
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
    let mut doc = page_text(&e.title);
    if let Some(d) = &e.description {
        doc.push_str(&format!("\n\n{}", page_text(d)));
    }
    for note in &e.notes {
        doc.push_str(&format!("\n\nNote: {}", page_text(note)));
    }
    let route = match &e.transport {
        Transport::Http { method, path } => format!("`{method} {path}`"),
        Transport::Ws { method } => format!("WebSocket API `{method}`"),
    };
    let mut weight = format!("{} ({})", e.weight, e.weight_kind.as_str());
    for r in &e.weight_rules {
        match r.at_most {
            Some(bound) => weight.push_str(&format!("; {} when `{}` is at most {bound}", r.value, r.binance_name)),
            None => weight.push_str(&format!("; {} when `{}` is set", r.value, r.binance_name)),
        }
    }
    for o in &e.orders {
        let unit = o.interval.variant().to_lowercase();
        let plural = if o.interval_num == 1 { String::new() } else { "s".to_string() };
        weight.push_str(&format!("; counts {} against the orders per {} {unit}{plural}", o.value, o.interval_num));
    }
    doc.push_str(&format!(
        "\n\n* Request: {route}\n* Weight: {weight}\n* Security: `{}`\n* Docs: <{}>",
        e.security.as_str(),
        e.docs
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

/// The Rust type of a parameter's value (a `Vec` for a list parameter), without `Option`.
fn param_value_type(p: &crate::ir::Param) -> TokenStream {
    let ty = param_type(&p.ty);
    if p.list {
        quote!(::std::vec::Vec<#ty>)
    } else {
        ty
    }
}

/// What `new` and a setter take for a parameter: integers and booleans as themselves (an
/// `impl Into<u64>` would not accept a bare literal such as `5000`, which defaults to `i32`),
/// anything else as `impl Into<…>` (`&str` for strings, `"BUY"` or `Side::Buy` for enums,
/// arrays for lists, integers for decimals).
fn setter_type(p: &crate::ir::Param) -> TokenStream {
    let ty = param_value_type(p);
    if takes_plain(p) {
        ty
    } else {
        quote!(impl ::core::convert::Into<#ty>)
    }
}

/// The argument `f` of type [`setter_type`] as the field's value type.
fn converted(p: &crate::ir::Param, f: &Ident) -> TokenStream {
    if takes_plain(p) {
        quote!(#f)
    } else {
        quote!(#f.into())
    }
}

/// Integers and booleans are taken as themselves; see [`setter_type`].
fn takes_plain(p: &crate::ir::Param) -> bool {
    !p.list && matches!(p.ty, ParamType::Long | ParamType::Int | ParamType::RecvWindow | ParamType::Boolean)
}

/// `#[endpoint(http = "…", security = "…", weight(…), response = …)]`.
fn endpoint_attr(e: &Endpoint) -> TokenStream {
    let route = match &e.transport {
        Transport::Http { method, path } => {
            let route = format!("{method} {path}");
            quote!(http = #route)
        }
        Transport::Ws { method } => quote!(ws = #method),
    };
    let security = e.security.as_str();
    let kind = format_ident!("{}", e.weight_kind.as_str().to_lowercase());
    let weight = unsuffixed(e.weight);
    let rules = e.weight_rules.iter().map(|r| {
        let field = ident(&r.rust_name);
        let w = unsuffixed(r.value);
        match r.at_most {
            Some(bound) => {
                let bound = Literal::u64_unsuffixed(bound);
                quote!(, if_present(#field = #w, at_most = #bound))
            }
            None => quote!(, if_present(#field = #w)),
        }
    });
    let orders = (!e.orders.is_empty()).then(|| {
        let counts = e.orders.iter().map(|o| {
            let window = format_ident!("{}{}", o.interval.variant().to_lowercase(), o.interval_num);
            let value = unsuffixed(o.value);
            quote!(#window = #value)
        });
        quote!(, orders( #( #counts ),* ))
    });
    let response = response_type(e);
    quote!(#[endpoint(#route, security = #security, weight(#kind = #weight #( #rules )* #orders), response = #response)])
}

fn request(
    e: &Endpoint,
    field_hooks: impl Fn(&crate::ir::Param) -> TokenStream,
    type_hooks: TokenStream,
) -> TokenStream {
    let doc = doc_lines(&request_doc(e));
    let name = ident(&e.request_type);
    let attr = endpoint_attr(e);
    let fields = moved(e.params.iter().map(|p| {
        let default_doc = match p.ty {
            ParamType::RecvWindow => "`recvWindow`: how many milliseconds after `timestamp` the request stays valid \
                                      (at most 60000); the client's default applies when unset."
                .to_string(),
            _ if p.list => format!("`{}`, sent as a JSON array.", p.binance_name),
            ParamType::Model(_) => format!("`{}`, sent as a JSON object.", p.binance_name),
            _ => format!("`{}`", p.binance_name),
        };
        let doc = doc_lines(&p.doc.as_deref().map_or(default_doc, page_text));
        let field = ident(&p.rust_name);
        let ty = param_value_type(p);
        let ty = if p.required { ty } else { quote!(::core::option::Option<#ty>) };
        let rename = if p.needs_rename {
            let n = &p.binance_name;
            quote!(#[endpoint(rename = #n)])
        } else {
            quote!()
        };
        let hooks = field_hooks(p);
        quote! { #doc #rename #hooks pub #field: #ty, }
    }));
    let required: Vec<_> = e.params.iter().filter(|p| p.required).collect();
    let default = if required.is_empty() { quote!(Default,) } else { quote!() };
    let args = required.iter().map(|p| {
        let f = ident(&p.rust_name);
        let ty = setter_type(p);
        quote!(#f: #ty)
    });
    let inits = e.params.iter().map(|p| {
        let f = ident(&p.rust_name);
        if p.required && takes_plain(p) {
            // Field-init shorthand: `f: f` is what clippy's `redundant_field_names` flags.
            quote!(#f)
        } else if p.required {
            let value = converted(p, &f);
            quote!(#f: #value)
        } else {
            quote!(#f: ::core::option::Option::None)
        }
    });
    let setters = moved(e.params.iter().filter(|p| !p.required).map(|p| {
        let f = ident(&p.rust_name);
        let ty = setter_type(p);
        let value = converted(p, &f);
        let doc = doc_lines(&format!("Sets [`{0}`](Self::{0}).", p.rust_name));
        quote! {
            #doc
            #[must_use]
            pub fn #f(mut self, #f: #ty) -> Self {
                self.#f = ::core::option::Option::Some(#value);
                self
            }
        }
    }));
    let new_doc = doc_lines(if required.is_empty() {
        "A request with every parameter unset; set them with the methods below."
    } else {
        "Creates the request from its mandatory parameters; optional ones start unset."
    });
    quote! {
        #doc
        // `non_exhaustive`: a parameter added to the spec is a new field, which must not break
        // code that builds requests with `new` and the setters.
        #[derive(Debug, Clone, PartialEq, Eq, #default ::binance_runtime::Endpoint)]
        #[non_exhaustive]
        #attr
        #type_hooks
        pub struct #name {
            #( #fields )*
        }

        impl #name {
            #new_doc
            pub fn new(#( #args ),*) -> Self {
                #name { #( #inits ),* }
            }

            #( #setters )*
        }
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

fn field(f: &Field, hooks: TokenStream) -> TokenStream {
    let mut doc = f.doc.as_deref().map_or_else(|| format!("`{}`", f.binance_name), page_text);
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
    quote! { #doc #attr #hooks pub #name: #ty, }
}

/// Whether a field's type implements `Eq` and `Hash`. Every type the spec can name does today
/// (`Decimal` included; no field is a float), so every model derives both; a float type added
/// later must answer `false` here.
fn field_allows_eq(ty: &FieldType) -> bool {
    match ty {
        FieldType::Decimal
        | FieldType::String
        | FieldType::Int
        | FieldType::Long
        | FieldType::Timestamp
        | FieldType::Boolean
        | FieldType::Enum(_)
        // Models: the same rule, applied to their own fields.
        | FieldType::Model(_) => true,
    }
}

fn model(
    m: &Model,
    uses: ModelUse,
    field_hooks: impl Fn(&Field) -> TokenStream,
    type_hooks: TokenStream,
) -> TokenStream {
    let doc = doc_lines(&m.doc.as_deref().map_or_else(|| format!("The `{}` object.", m.name), page_text));
    let name = ident(&m.name);
    let eq = if m.fields.iter().all(|f| field_allows_eq(&f.ty)) { quote!(Eq, Hash,) } else { quote!() };
    let fields = moved(m.fields.iter().map(|f| field(f, field_hooks(f))));
    let attr = match (m.tuple, uses.streamed) {
        (true, _) => quote!(#[::binance_runtime::model(tuple)]),
        (false, true) => quote!(#[::binance_runtime::model(stream)]),
        (false, false) => quote!(#[::binance_runtime::model]),
    };
    let param_impls = uses.as_param.then(|| {
        let json_fields = m.fields.iter().map(|f| {
            let (field, wire) = (ident(&f.rust_name), &f.binance_name);
            if f.optional {
                quote!(object.optional(#wire, &self.#field);)
            } else {
                quote!(object.field(#wire, &self.#field);)
            }
        });
        let builder = model_builder(m);
        quote! {
            #builder
            impl ::binance_runtime::ToParam for #name {
                fn write_param<W: ::binance_runtime::ParamWriter + ?::core::marker::Sized>(&self, name: &str, out: &mut W) {
                    ::binance_runtime::params::write_json_param(self, name, out);
                }
            }
            impl ::binance_runtime::params::JsonParam for #name {
                fn write_json(&self, out: &mut ::std::string::String) {
                    let mut object = ::binance_runtime::params::JsonObject::begin(out);
                    #( #json_fields )*
                    object.end();
                }
            }
        }
    });
    quote! {
        #doc
        #attr
        #[derive(Debug, Clone, PartialEq, #eq)]
        // `non_exhaustive`: a field Binance adds is a new field here, not a breaking change.
        #[non_exhaustive]
        #type_hooks
        pub struct #name {
            #( #fields )*
        }
        #param_impls
    }
}

/// `new(required…)` and setters for a model users build to send as a parameter: the model is
/// `#[non_exhaustive]`, so outside this module it cannot be written as a struct literal.
/// `new` lists every field the spec declares; a field that `#[model]` adds to the struct
/// itself must be initialised here too.
fn model_builder(m: &Model) -> TokenStream {
    // Integers and booleans are taken as themselves (see `setter_type`), the rest via `Into`.
    let plain = |f: &Field| {
        !f.list && matches!(f.ty, FieldType::Int | FieldType::Long | FieldType::Timestamp | FieldType::Boolean)
    };
    let arg = |f: &Field| -> (TokenStream, TokenStream) {
        let name = ident(&f.rust_name);
        let base = field_type(&Field { optional: false, ..f.clone() });
        if plain(f) {
            (quote!(#base), quote!(#name))
        } else {
            (quote!(impl ::core::convert::Into<#base>), quote!(#name.into()))
        }
    };
    let required: Vec<&Field> = m.fields.iter().filter(|f| !f.optional).collect();
    let args = required.iter().map(|f| {
        let name = ident(&f.rust_name);
        let (ty, _) = arg(f);
        quote!(#name: #ty)
    });
    let inits = m.fields.iter().map(|f| {
        let name = ident(&f.rust_name);
        if f.optional {
            quote!(#name: ::core::option::Option::None)
        } else {
            // Field-init shorthand where nothing is converted (clippy's `redundant_field_names`).
            if plain(f) {
                quote!(#name)
            } else {
                let (_, value) = arg(f);
                quote!(#name: #value)
            }
        }
    });
    let setters = moved(m.fields.iter().filter(|f| f.optional).map(|f| {
        let name = ident(&f.rust_name);
        let (ty, value) = arg(f);
        let doc = doc_lines(&format!("Sets [`{0}`](Self::{0}).", f.rust_name));
        quote! {
            #doc
            #[must_use]
            pub fn #name(mut self, #name: #ty) -> Self {
                self.#name = ::core::option::Option::Some(#value);
                self
            }
        }
    }));
    let name = ident(&m.name);
    quote! {
        impl #name {
            /// Creates the object from its required fields; optional ones start unset.
            pub fn new(#( #args ),*) -> Self {
                // `unknown_fields` is added by `#[model]`; a new object has none.
                #name { #( #inits, )* unknown_fields: ::core::default::Default::default() }
            }

            #( #setters )*
        }
    }
}

/// `ErrorCode`: the product's documented error codes by name, anything else as `Other(code)`.
fn error_code(p: &Product, type_hooks: TokenStream) -> TokenStream {
    let doc = doc_lines(&format!(
        "The documented API error codes of {}: what `code` in an error reply means.\n\n\
         Codes not listed (yet) are kept as [`ErrorCode::Other`]. The same table is \
         [`PRODUCT`]`.error_codes`.",
        p.title
    ));
    let variants = moved(p.errors.iter().map(|e| {
        let text = match &e.msg {
            Some(msg) => format!("`{}` {}: {}", e.code, e.name, page_text(msg)),
            None => format!("`{}` {}", e.code, e.name),
        };
        let doc = doc_lines(&text);
        let v = ident(&e.variant);
        quote!(#doc #v,)
    }));
    let arms = p.errors.iter().map(|e| {
        let (v, code) = (ident(&e.variant), Literal::i64_unsuffixed(e.code));
        quote!(#code => ErrorCode::#v,)
    });
    // Without documented codes a `match` would have its catch-all arm only (clippy's
    // `match_single_binding`).
    let from = if p.errors.is_empty() {
        quote!(ErrorCode::Other(code))
    } else {
        quote! {
            match code {
                #( #arms )*
                other => ErrorCode::Other(other),
            }
        }
    };
    let code = p.errors.iter().map(|e| {
        let (v, code) = (ident(&e.variant), Literal::i64_unsuffixed(e.code));
        quote!(ErrorCode::#v => #code,)
    });
    let name = p.errors.iter().map(|e| {
        let (v, name) = (ident(&e.variant), &e.name);
        quote!(ErrorCode::#v => ::core::option::Option::Some(#name),)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        // `non_exhaustive`: a code added to the spec is a new variant, not a breaking change.
        #[non_exhaustive]
        #type_hooks
        pub enum ErrorCode {
            #( #variants )*
            /// A code this client does not know by name.
            Other(i64),
        }

        impl ::core::convert::From<i64> for ErrorCode {
            fn from(code: i64) -> Self {
                #from
            }
        }

        impl ErrorCode {
            /// The numeric code Binance sends.
            pub fn code(self) -> i64 {
                match self {
                    #( #code )*
                    ErrorCode::Other(code) => code,
                }
            }

            /// Binance's name for the code (`BAD_SYMBOL`), if it is documented.
            pub fn name(self) -> ::core::option::Option<&'static str> {
                match self {
                    #( #name )*
                    ErrorCode::Other(_) => ::core::option::Option::None,
                }
            }
        }
    }
}

fn enumeration(e: &Enum, type_hooks: TokenStream) -> TokenStream {
    let doc = doc_lines(&e.doc.as_deref().map_or_else(|| format!("The `{}` values.", e.name), page_text));
    let name = ident(&e.name);
    let variants = moved(e.variants.iter().map(|(wire, variant, vdoc)| {
        let doc = doc_lines(&vdoc.as_deref().map_or_else(|| format!("`{wire}`"), page_text));
        let variant = ident(variant);
        quote! { #doc #[wire(#wire)] #variant, }
    }));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, ::binance_runtime::WireEnum)]
        // `non_exhaustive`: a value added to the spec is a new variant, not a breaking change.
        #[non_exhaustive]
        #type_hooks
        pub enum #name {
            #( #variants )*
            /// A value this client does not know yet, kept exactly as Binance sent it.
            Other(::std::string::String),
        }
    }
}

#[cfg(test)]
mod page_text_tests {
    use super::page_text;

    #[test]
    fn page_text_keeps_links_and_escapes_other_brackets() {
        assert_eq!(page_text("Valid limits:[5, 1000]"), r"Valid limits:\[5, 1000\]");
        assert_eq!(page_text("see [rules](https://x.test/a) now"), "see [rules](https://x.test/a) now");
        assert_eq!(page_text("at https://x.test/a."), "at <https://x.test/a>.");
        assert_eq!(page_text("[a"), r"\[a");
        assert_eq!(page_text("已 [x]"), r"已 \[x\]");
    }
}

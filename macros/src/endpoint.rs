//! `#[derive(Endpoint)]`: parse the attributes into [`EndpointAttrs`], validate them against
//! the struct's fields, then expand into the runtime trait implementations.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Error, Fields, Ident, LitInt, LitStr, Result, Type};

enum Route {
    Http { method: Ident, path: String },
    Ws { method: String },
}

struct Rule {
    field: Ident,
    value: u32,
}

struct EndpointAttrs {
    route: Option<(Route, Span)>,
    security: Option<Ident>,
    weight: Option<(Ident, u32)>,
    rules: Vec<Rule>,
    response: Option<Type>,
}

struct Param {
    ident: Ident,
    ty: Type,
    wire: String,
    optional: bool,
}

const SECURITY: &[(&str, &str)] = &[
    ("NONE", "None"),
    ("MARKET_DATA", "MarketData"),
    ("USER_STREAM", "UserStream"),
    ("USER_DATA", "UserData"),
    ("TRADE", "Trade"),
];

pub(crate) fn derive(input: &DeriveInput) -> Result<TokenStream> {
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => named.named.iter().collect::<Vec<_>>(),
            Fields::Unit => Vec::new(),
            Fields::Unnamed(f) => {
                return Err(Error::new_spanned(f, "Endpoint needs named fields: each field is a parameter with a name"))
            }
        },
        Data::Enum(e) => return Err(Error::new_spanned(e.enum_token, "Endpoint can only be derived for structs")),
        Data::Union(u) => return Err(Error::new_spanned(u.union_token, "Endpoint can only be derived for structs")),
    };
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(&input.generics, "Endpoint does not support generic request types"));
    }
    let attrs = parse_container(input)?;
    let mut params = Vec::new();
    for f in fields {
        // Named fields always have an ident.
        let Some(ident) = f.ident.clone() else { continue };
        let wire = parse_field(f)?.unwrap_or_else(|| lower_camel(&ident.to_string()));
        params.push(Param { optional: is_option(&f.ty), ty: f.ty.clone(), ident, wire });
    }
    validate(input, &attrs, &params)?;
    Ok(expand(input, &attrs, &params))
}

fn parse_container(input: &DeriveInput) -> Result<EndpointAttrs> {
    let mut a = EndpointAttrs { route: None, security: None, weight: None, rules: Vec::new(), response: None };
    let mut seen_attr = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("endpoint")) {
        seen_attr = true;
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            match key.as_str() {
                "http" | "ws" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    if let Some((_, first)) = &a.route {
                        let mut e = Error::new(
                            meta.path.span(),
                            if key == "ws" || matches!(a.route, Some((Route::Ws { .. }, _))) {
                                "an endpoint is either `http` or `ws`, not both"
                            } else {
                                "duplicate `http` key"
                            },
                        );
                        e.combine(Error::new(*first, "first given here"));
                        return Err(e);
                    }
                    a.route = Some((parse_route(&key, &lit)?, meta.path.span()));
                }
                "security" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    once(&meta, a.security.is_some())?;
                    let Some((_, variant)) = SECURITY.iter().find(|(w, _)| *w == lit.value()) else {
                        let all: Vec<&str> = SECURITY.iter().map(|(w, _)| *w).collect();
                        return Err(Error::new_spanned(
                            lit,
                            format!("unknown security; expected one of {}", all.join(", ")),
                        ));
                    };
                    a.security = Some(Ident::new(variant, lit.span()));
                }
                "weight" => {
                    once(&meta, a.weight.is_some())?;
                    let mut base = None;
                    meta.parse_nested_meta(|w| {
                        let wkey = w.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                        match wkey.as_str() {
                            "ip" | "uid" => {
                                if base.is_some() {
                                    return Err(
                                        w.error("the weight kind is given twice; use one of `ip = N` or `uid = N`")
                                    );
                                }
                                let n = positive(&w.value()?.parse::<LitInt>()?)?;
                                let kind = if wkey == "ip" { "Ip" } else { "Uid" };
                                base = Some((Ident::new(kind, w.path.span()), n));
                            }
                            "if_present" => {
                                w.parse_nested_meta(|r| {
                                    let Some(field) = r.path.get_ident().cloned() else {
                                        return Err(r.error("expected `if_present(field = N)`"));
                                    };
                                    let value = positive(&r.value()?.parse::<LitInt>()?)?;
                                    a.rules.push(Rule { field, value });
                                    Ok(())
                                })
                                .map_err(|e| {
                                    Error::new(
                                        e.span(),
                                        format!("malformed weight rule: {e}; expected `if_present(field = N)`"),
                                    )
                                })?;
                            }
                            _ => {
                                return Err(w.error(
                                    "unknown weight kind; expected `ip = N`, `uid = N` or `if_present(field = N)`",
                                ))
                            }
                        }
                        Ok(())
                    })?;
                    match base {
                        Some(b) => a.weight = Some(b),
                        None => {
                            return Err(
                                meta.error("weight needs a kind and value: `weight(ip = N)` or `weight(uid = N)`")
                            )
                        }
                    }
                }
                "response" => {
                    once(&meta, a.response.is_some())?;
                    a.response = Some(meta.value()?.parse()?);
                }
                _ => {
                    return Err(meta.error(
                        "unknown endpoint attribute; expected `http`, `ws`, `security`, `weight` or `response`",
                    ))
                }
            }
            Ok(())
        })?;
    }
    if !seen_attr {
        return Err(Error::new_spanned(
            &input.ident,
            "missing `#[endpoint(...)]`: give at least `http = \"GET /path\"` or `ws = \"method\"`, `security`, `weight` and `response`",
        ));
    }
    Ok(a)
}

fn once(meta: &ParseNestedMeta<'_>, seen: bool) -> Result<()> {
    if seen {
        let name = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
        return Err(meta.error(format!("duplicate `{name}` key")));
    }
    Ok(())
}

fn positive(lit: &LitInt) -> Result<u32> {
    match lit.base10_parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(Error::new_spanned(lit, "a weight must be a positive integer")),
    }
}

fn parse_route(key: &str, lit: &LitStr) -> Result<Route> {
    let text = lit.value();
    if key == "ws" {
        if text.is_empty() || text.contains(char::is_whitespace) {
            return Err(Error::new_spanned(lit, "expected a WebSocket method such as \"account.status\""));
        }
        return Ok(Route::Ws { method: text });
    }
    let Some((method, path)) = text.split_once(' ') else {
        return Err(Error::new_spanned(lit, "expected \"METHOD /path\", e.g. \"GET /fapi/v3/account\""));
    };
    let variant = match method {
        "GET" => "Get",
        "POST" => "Post",
        "PUT" => "Put",
        "DELETE" => "Delete",
        _ => {
            return Err(Error::new_spanned(
                lit,
                format!("unknown HTTP method `{method}`; expected GET, POST, PUT or DELETE"),
            ))
        }
    };
    if !path.starts_with('/') || path.contains(char::is_whitespace) {
        return Err(Error::new_spanned(lit, "the path must start with `/` and contain no spaces"));
    }
    Ok(Route::Http { method: Ident::new(variant, lit.span()), path: path.to_string() })
}

fn parse_field(f: &syn::Field) -> Result<Option<String>> {
    let mut rename = None;
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("endpoint")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                once(&meta, rename.is_some())?;
                let lit: LitStr = meta.value()?.parse()?;
                if lit.value().is_empty() {
                    return Err(Error::new_spanned(lit, "the parameter name must not be empty"));
                }
                rename = Some(lit.value());
                Ok(())
            } else {
                Err(meta.error("unknown field attribute; expected `rename = \"binanceName\"`"))
            }
        })?;
    }
    Ok(rename)
}

fn validate(input: &DeriveInput, a: &EndpointAttrs, params: &[Param]) -> Result<()> {
    let missing = |what: &str| Error::new_spanned(&input.ident, format!("missing `{what}` in `#[endpoint(...)]`"));
    if a.route.is_none() {
        return Err(missing("http = \"METHOD /path\"` or `ws = \"method\""));
    }
    if a.security.is_none() {
        return Err(missing("security"));
    }
    if a.weight.is_none() {
        return Err(missing("weight"));
    }
    if a.response.is_none() {
        return Err(missing("response"));
    }
    for rule in &a.rules {
        if !params.iter().any(|p| p.ident == rule.field) {
            return Err(Error::new_spanned(
                &rule.field,
                format!("no field `{}` on this request for the weight rule", rule.field),
            ));
        }
    }
    for (i, p) in params.iter().enumerate() {
        if params[..i].iter().any(|q| q.wire == p.wire) {
            return Err(Error::new_spanned(&p.ident, format!("parameter name `{}` is used by two fields", p.wire)));
        }
        if ["timestamp", "signature"].contains(&p.wire.as_str()) {
            return Err(Error::new_spanned(
                &p.ident,
                format!("`{}` is added by the runtime when it signs; remove this field", p.wire),
            ));
        }
    }
    Ok(())
}

fn expand(input: &DeriveInput, a: &EndpointAttrs, params: &[Param]) -> TokenStream {
    let name = &input.ident;
    let name_str = name.to_string();
    let rt = quote!(::binance_runtime);
    let (kind, base) =
        a.weight.as_ref().map(|(k, n)| (k.clone(), *n)).unwrap_or((Ident::new("Ip", Span::call_site()), 1));
    let security = &a.security;
    let response = &a.response;
    let weight_expr = a.rules.iter().rev().fold(quote!(#base), |otherwise, rule| {
        let field = &rule.field;
        let value = rule.value;
        let present = match params.iter().find(|p| p.ident == *field) {
            Some(p) if p.optional => quote!(self.#field.is_some()),
            _ => quote!(true),
        };
        quote!(if #present { #value } else { #otherwise })
    });
    let recv_window = params.iter().find(|p| p.wire == "recvWindow").map(|p| {
        let f = &p.ident;
        let value = if p.optional { quote!(self.#f) } else { quote!(::core::option::Option::Some(self.#f)) };
        quote_spanned! {p.ty.span()=>
            fn recv_window(&self) -> ::core::option::Option<u64> {
                #value
            }
        }
    });
    let writes = params.iter().filter(|p| p.wire != "recvWindow").map(|p| {
        let f = &p.ident;
        let wire = &p.wire;
        quote_spanned! {p.ty.span()=> #rt::ToParam::write_param(&self.#f, #wire, out); }
    });
    let transport = match &a.route {
        Some((Route::Http { method, path }, _)) => quote! {
            impl #rt::RestEndpoint for #name {
                const METHOD: #rt::HttpMethod = #rt::HttpMethod::#method;
                const PATH: &'static str = #path;
            }
        },
        Some((Route::Ws { method }, _)) => quote! {
            impl #rt::WsEndpoint for #name {
                const METHOD: &'static str = #method;
            }
        },
        None => quote!(),
    };
    quote! {
        impl #rt::Endpoint for #name {
            type Response = #response;
            const NAME: &'static str = #name_str;
            const SECURITY: #rt::Security = #rt::Security::#security;
            fn weight(&self) -> #rt::Weight {
                #rt::Weight { kind: #rt::WeightKind::#kind, value: #weight_expr }
            }
            #recv_window
            fn write_params<W: #rt::ParamWriter + ?Sized>(&self, out: &mut W) {
                #( #writes )*
            }
        }
        #transport
    }
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// `recv_window` → `recvWindow`.
fn lower_camel(ident: &str) -> String {
    let ident = ident.strip_prefix("r#").unwrap_or(ident).trim_end_matches('_');
    let mut out = String::new();
    let mut upper = false;
    for c in ident.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

//! `#[derive(WireEnum)]`: parse → validate → expand.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Error, Fields, Ident, LitStr, Result};

struct WireVariant {
    ident: Ident,
    wire: String,
}

pub(crate) fn derive(input: &DeriveInput) -> Result<TokenStream> {
    let Data::Enum(data) = &input.data else {
        return Err(Error::new_spanned(&input.ident, "WireEnum can only be derived for enums"));
    };
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(&input.generics, "WireEnum does not support generic enums"));
    }
    let mut known = Vec::new();
    let mut catch_all: Option<Ident> = None;
    let mut errors: Option<Error> = None;
    let mut push_err = |e: Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    for v in &data.variants {
        match &v.fields {
            Fields::Unit => {
                let mut wire = None;
                for attr in v.attrs.iter().filter(|a| a.path().is_ident("wire")) {
                    if wire.is_some() {
                        push_err(Error::new_spanned(attr, "duplicate `wire` attribute"));
                        continue;
                    }
                    match attr.parse_args::<LitStr>() {
                        Ok(lit) if !lit.value().is_empty() => wire = Some(lit.value()),
                        Ok(lit) => push_err(Error::new_spanned(lit, "the wire value must not be empty")),
                        Err(e) => push_err(Error::new(e.span(), "expected `#[wire(\"VALUE\")]`")),
                    }
                }
                let wire = wire.unwrap_or_else(|| screaming_snake(&v.ident.to_string()));
                if known.iter().any(|k: &WireVariant| k.wire == wire) {
                    push_err(Error::new_spanned(&v.ident, format!("wire value `{wire}` is used by two variants")));
                }
                known.push(WireVariant { ident: v.ident.clone(), wire });
            }
            Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                if catch_all.is_some() {
                    push_err(Error::new_spanned(&v.ident, "only one catch-all variant is allowed"));
                }
                catch_all = Some(v.ident.clone());
            }
            _ => push_err(Error::new_spanned(
                &v.ident,
                "WireEnum variants are unit variants, plus one catch-all `Other(String)`",
            )),
        }
    }
    if let Some(e) = errors {
        return Err(e);
    }
    let Some(other) = catch_all else {
        return Err(Error::new_spanned(
            &input.ident,
            "WireEnum needs a catch-all variant such as `Other(String)` so unknown values never fail decoding",
        ));
    };
    Ok(expand(&input.ident, &known, &other))
}

fn expand(name: &Ident, known: &[WireVariant], other: &Ident) -> TokenStream {
    let idents: Vec<&Ident> = known.iter().map(|k| &k.ident).collect();
    let wires: Vec<&str> = known.iter().map(|k| k.wire.as_str()).collect();
    let rt = quote!(::binance_runtime);
    let serde = quote!(::binance_runtime::__private::serde);
    quote! {
        impl #rt::WireEnum for #name {
            fn from_wire(value: &str) -> Self {
                match value {
                    #( #wires => #name::#idents, )*
                    other => #name::#other(::std::string::String::from(other)),
                }
            }
            fn as_wire(&self) -> &str {
                match self {
                    #( #name::#idents => #wires, )*
                    #name::#other(value) => value,
                }
            }
            fn is_unknown(&self) -> bool {
                ::core::matches!(self, #name::#other(_))
            }
        }
        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                #rt::__private::serialize_wire(self, serializer)
            }
        }
        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                #rt::__private::deserialize_wire(deserializer)
            }
        }
        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(#rt::WireEnum::as_wire(self))
            }
        }
        impl ::core::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                #rt::WireEnum::from_wire(value)
            }
        }
        impl #rt::ToParam for #name {
            fn write_param<W: #rt::ParamWriter + ?Sized>(&self, name: &str, out: &mut W) {
                out.str(name, #rt::WireEnum::as_wire(self));
            }
        }
    }
}

/// `MarginCall` → `MARGIN_CALL`.
fn screaming_snake(ident: &str) -> String {
    let mut out = String::new();
    for (i, c) in ident.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_uppercase());
    }
    out
}

//! `#[model]`: the serde plumbing every response model needs, written once.
//!
//! It adds `Serialize`/`Deserialize` through the runtime's serde (users need no serde
//! dependency), `rename_all = "camelCase"`, and the runtime's lenient, lossless codec on every
//! `Decimal`, `Option<Decimal>`, `Vec<Decimal>` and `Option<Vec<Decimal>>` field. Decoding stays
//! serde's; this only removes the attributes a generator or a user would otherwise repeat.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::parse::Parser;
use syn::{Attribute, Error, Fields, GenericArgument, Item, PathArguments, Result, Type};

const SERDE: &str = "::binance_runtime::__private::serde";

/// How a field holds decimals, and the runtime codec module for it.
fn codec(ty: &Type) -> Result<Option<(&'static str, bool)>> {
    if is_decimal(ty) {
        return Ok(Some(("::binance_runtime::decimal", false)));
    }
    if let Some(inner) = only_arg(ty, "Option") {
        if is_decimal(inner) {
            return Ok(Some(("::binance_runtime::decimal::option", true)));
        }
        if only_arg(inner, "Vec").is_some_and(is_decimal) {
            return Ok(Some(("::binance_runtime::decimal::option_vec", true)));
        }
    }
    if only_arg(ty, "Vec").is_some_and(is_decimal) {
        return Ok(Some(("::binance_runtime::decimal::vec", false)));
    }
    if mentions_decimal(quote!(#ty)) {
        return Err(Error::new_spanned(
            ty,
            "unsupported decimal field; use `Decimal`, `Option<Decimal>`, `Vec<Decimal>` or \
             `Option<Vec<Decimal>>`, or give the field its own `#[serde(with = \"...\")]`",
        ));
    }
    Ok(None)
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> Result<TokenStream> {
    if let Some(first) = args.into_iter().next() {
        return Err(Error::new_spanned(first, "`#[model]` takes no arguments"));
    }
    let mut item: syn::ItemStruct = match syn::parse2::<Item>(item)? {
        Item::Struct(s) => s,
        Item::Enum(e) => {
            return Err(Error::new_spanned(
                e.enum_token,
                "`#[model]` is for structs; give enums `#[derive(WireEnum)]` and a catch-all `Other(String)`",
            ))
        }
        other => return Err(Error::new_spanned(other, "`#[model]` is for structs")),
    };
    let named = matches!(item.fields, Fields::Named(_));
    if matches!(item.fields, Fields::Unit) {
        return Err(Error::new_spanned(&item.ident, "`#[model]` needs a struct with fields"));
    }
    let mut errors = crate::errors::Errors::default();
    for field in item.fields.iter_mut() {
        if serde_keys(&field.attrs).iter().any(|k| k.ends_with("with")) {
            continue; // The field chose its own codec.
        }
        if let Some((module, optional)) = errors.ok(codec(&field.ty)).flatten() {
            let attr =
                if optional { quote!(#[serde(default, with = #module)]) } else { quote!(#[serde(with = #module)]) };
            field.attrs.extend(Attribute::parse_outer.parse2(attr)?);
        }
    }
    errors.finish()?;
    let rename_all = (named && !serde_keys(&item.attrs).iter().any(|k| k == "rename_all"))
        .then(|| quote!(#[serde(rename_all = "camelCase")]));
    let serde: syn::Path = syn::parse_str(SERDE)?;
    Ok(quote! {
        #[derive(#serde::Serialize, #serde::Deserialize)]
        #[serde(crate = #SERDE)]
        #rename_all
        #item
    })
}

/// The top-level keys of a list of `#[serde(...)]` attributes (`with`, `rename_all`, …).
fn serde_keys(attrs: &[Attribute]) -> Vec<String> {
    let mut keys = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        if let syn::Meta::List(list) = &attr.meta {
            let mut expect_key = true;
            for tt in list.tokens.clone() {
                match &tt {
                    TokenTree::Ident(i) if expect_key => {
                        keys.push(i.to_string());
                        expect_key = false;
                    }
                    TokenTree::Punct(p) if p.as_char() == ',' => expect_key = true,
                    _ => {}
                }
            }
        }
    }
    keys
}

fn is_decimal(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "Decimal" && s.arguments.is_none()))
}

/// `T` of `Name<T>` (matching the last path segment).
fn only_arg<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last().filter(|s| s.ident == name)?;
    let PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match (args.args.len(), args.args.first()) {
        (1, Some(GenericArgument::Type(t))) => Some(t),
        _ => None,
    }
}

fn mentions_decimal(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == "Decimal",
        TokenTree::Group(g) => mentions_decimal(g.stream()),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(item: TokenStream) -> String {
        expand(TokenStream::new(), item).map(|t| t.to_string()).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn decimal_fields_get_the_lenient_codec_and_others_stay_plain() {
        let out = expanded(quote! {
            pub struct Balance {
                pub asset: String,
                pub free: Decimal,
                pub locked: Option<::binance_runtime::Decimal>,
                pub history: Vec<Decimal>,
                pub bands: Option<Vec<Decimal>>,
                #[serde(rename = "uniMMR")]
                pub uni_mmr: Decimal,
                #[serde(deserialize_with = "custom")]
                pub custom: Decimal,
            }
        });
        // free, locked, history, bands, uni_mmr; `custom` keeps its own codec.
        assert_eq!(out.matches("with = \"::binance_runtime::decimal").count(), 5, "{out}");
        assert!(out.contains("with = \"::binance_runtime::decimal::option\""), "{out}");
        assert!(out.contains("default , with = \"::binance_runtime::decimal::option_vec\""), "{out}");
        assert!(out.contains("with = \"::binance_runtime::decimal::vec\""), "{out}");
        assert!(out.contains("rename_all = \"camelCase\""), "{out}");
        assert!(out.contains("deserialize_with = \"custom\""), "{out}");
    }

    #[test]
    fn user_rename_all_wins_and_tuple_structs_get_none() {
        let out = expanded(quote! { #[serde(rename_all = "snake_case")] struct A { a_b: u8 } });
        assert_eq!(out.matches("rename_all").count(), 1, "{out}");
        let out = expanded(quote! { struct Level(Decimal, Decimal); });
        assert!(!out.contains("rename_all"), "{out}");
        assert_eq!(out.matches("with = \"::binance_runtime::decimal\"").count(), 2, "{out}");
    }

    #[test]
    fn rejects_what_it_cannot_encode() {
        assert!(expanded(quote! { struct Book { bids: Vec<Vec<Decimal>> } }).starts_with("error: unsupported decimal"));
        assert!(expanded(quote! { enum E { A } }).starts_with("error: `#[model]` is for structs"));
        assert!(expanded(quote! { struct U; }).starts_with("error: `#[model]` needs"));
        let args = expand(quote!(strict), quote! { struct A { a: u8 } });
        assert!(args.is_err());
    }
}

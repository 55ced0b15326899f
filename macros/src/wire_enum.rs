//! `#[derive(WireEnum)]`: parse → validate → expand.

use crate::errors::Errors;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Data, DeriveInput, Error, Fields, Ident, LitStr, Result, Type};

struct WireVariant {
    ident: Ident,
    wire: String,
}

pub(crate) fn derive(input: &DeriveInput) -> Result<TokenStream> {
    let data = match &input.data {
        Data::Enum(data) => data,
        Data::Struct(s) => return Err(Error::new_spanned(s.struct_token, "WireEnum can only be derived for enums")),
        Data::Union(u) => return Err(Error::new_spanned(u.union_token, "WireEnum can only be derived for enums")),
    };
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(&input.generics, "WireEnum does not support generic enums"));
    }
    let mut known: Vec<WireVariant> = Vec::new();
    let mut catch_all: Option<Ident> = None;
    let mut errors = Errors::default();
    for v in &data.variants {
        let wire_attr = wire_attr(&v.attrs, &mut errors);
        match &v.fields {
            Fields::Unit => {
                // Errors point at the `#[wire("...")]` literal when given, else at the variant.
                let (wire, wire_span) = match wire_attr {
                    Some(lit) => (lit.value(), lit.span()),
                    None => (screaming_snake(&v.ident.to_string()), v.ident.span()),
                };
                if let Some(first) = known.iter().find(|k| k.wire == wire) {
                    errors.push(Error::new(
                        wire_span,
                        format!("wire value `{wire}` is already used by variant `{}`", first.ident),
                    ));
                }
                known.push(WireVariant { ident: v.ident.clone(), wire });
            }
            Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                if let Some(lit) = wire_attr {
                    errors.push(Error::new_spanned(lit, "the catch-all variant holds any value; remove `#[wire]`"));
                }
                if let Some(field) = f.unnamed.first() {
                    if !is_string(&field.ty) {
                        errors.push(Error::new_spanned(
                            &field.ty,
                            "the catch-all variant must hold a `String`: the unknown value, as sent",
                        ));
                    }
                }
                match &catch_all {
                    Some(first) => errors.push(Error::new_spanned(
                        &v.ident,
                        format!("only one catch-all variant is allowed; `{first}` is already one"),
                    )),
                    None => catch_all = Some(v.ident.clone()),
                }
            }
            _ => errors.push(Error::new_spanned(
                &v.fields,
                "WireEnum variants are unit variants, plus one catch-all `Other(String)`",
            )),
        }
    }
    errors.finish()?;
    let Some(other) = catch_all else {
        return Err(Error::new_spanned(
            &input.ident,
            "WireEnum needs a catch-all variant `Other(String)` so that a value Binance adds later still decodes",
        ));
    };
    Ok(expand(&input.ident, &known, &other))
}

/// The value of `#[wire("VALUE")]`, if given once and well formed.
fn wire_attr(attrs: &[Attribute], errors: &mut Errors) -> Option<LitStr> {
    let mut found: Option<LitStr> = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("wire")) {
        let lit = match attr.parse_args::<LitStr>() {
            Ok(lit) => lit,
            Err(e) => {
                errors.push(Error::new(e.span(), "expected `#[wire(\"VALUE\")]`"));
                continue;
            }
        };
        if lit.value().is_empty() {
            errors.push(Error::new_spanned(&lit, "the wire value must not be empty"));
        } else if found.is_some() {
            errors.push(Error::new_spanned(&lit, "a second `#[wire]` on this variant; keep one"));
        } else {
            found = Some(lit);
        }
    }
    found
}

fn is_string(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "String" && s.arguments.is_none()))
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
        impl #name {
            /// The value as Binance sends it: the documented wire value, or the unknown value
            /// exactly as received.
            pub fn as_str(&self) -> &str {
                #rt::WireEnum::as_wire(self)
            }
        }
        impl ::core::str::FromStr for #name {
            type Err = ::core::convert::Infallible;
            /// Never fails: an undocumented value becomes the catch-all variant.
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(#rt::WireEnum::from_wire(value))
            }
        }
        impl #rt::params::JsonParam for #name {
            fn write_json(&self, out: &mut ::std::string::String) {
                #rt::params::JsonParam::write_json(#rt::WireEnum::as_wire(self), out)
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

#[cfg(test)]
mod tests {
    use super::{derive, screaming_snake};

    fn derive_str(src: &str) -> Result<String, String> {
        let input: syn::DeriveInput = syn::parse_str(src).map_err(|e| format!("test input: {e}"))?;
        derive(&input).map(|t| t.to_string()).map_err(|e| e.to_string())
    }

    #[test]
    fn default_wire_values_are_screaming_snake_case() {
        assert_eq!(screaming_snake("MarginCall"), "MARGIN_CALL");
        assert_eq!(screaming_snake("Both"), "BOTH");
        let out = derive_str("enum E { MarginCall, #[wire(\"PM_1\")] Pm1, Other(String) }").unwrap();
        assert!(out.contains("\"MARGIN_CALL\" => E :: MarginCall"), "{out}");
        assert!(out.contains("\"PM_1\" => E :: Pm1"), "{out}");
    }

    /// Malformed input of every shape is an error, never a panic, and never silently accepted.
    #[test]
    fn malformed_enums_are_errors_not_panics() {
        let bad = [
            "enum E { A }",
            "enum E { #[wire] A, Other(String) }",
            "enum E { #[wire(1)] A, Other(String) }",
            "enum E { #[wire(\"\")] A, Other(String) }",
            "enum E { #[wire(\"X\")] #[wire(\"Y\")] A, Other(String) }",
            "enum E { A { x: u8 }, Other(String) }",
            "enum E { A(u8, u8), Other(String) }",
            "enum E { A, Other(String), Unknown(String) }",
            "enum E { A, #[wire(\"X\")] Other(String) }",
            "enum E { A, Other(Box<str>) }",
            "enum E<T> { A, Other(String), B(T) }",
            "struct E { a: u8 }",
            "union E { a: u8 }",
        ];
        for src in bad {
            assert!(derive_str(src).is_err(), "accepted: {src}");
        }
    }
}

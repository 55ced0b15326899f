//! `#[model]` / `#[model(tuple)]`: the serde plumbing every response model needs, written once.
//!
//! A struct with named fields whose only serde attribute is a field's `rename` (everything the
//! generator emits) gets lean hand-written `Serialize` / `Deserialize` impls: each is one call
//! into the runtime (`__private::model`) naming the fields as one tuple type (a codec per field
//! to decode, a reference per field to encode); the visitor, the key loop and the field rules
//! are compiled once there, so a model costs the compiler little to type-check. Names are
//! camelCase of the field (as serde's `rename_all = "camelCase"`), and the errors are serde's
//! ("missing field `x`", "duplicate field `x`"). Such a struct also gets a field
//! `pub unknown_fields: binance_runtime::UnknownFields`: keys the model does not declare are
//! kept there verbatim (and reported as drift), and written back when it is encoded.
//! `Decimal`, `Option<Decimal>`, `Vec<Decimal>` and `Option<Vec<Decimal>>` fields use the
//! runtime's lenient, lossless codec; every other `Option<T>` reads absent, `null` and `""` as
//! `None`. With `tuple`, the JSON is an array read by position, in declaration order.
//!
//! Anything else (tuple structs, generics, other serde attributes) keeps serde's derives with
//! the same names and codecs added as attributes, so it decodes the same, only compiles slower
//! (and has no unknown-field store: serde's derive skips unknown keys).

use proc_macro2::{TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::parse::Parser;
use syn::{Attribute, Error, Fields, GenericArgument, Item, ItemStruct, LitStr, PathArguments, Result, Type};

const SERDE: &str = "::binance_runtime::__private::serde";

/// How a field holds decimals: each kind has a runtime codec module (serde path) and a
/// runtime seed (lean path).
#[derive(Clone, Copy)]
enum Codec {
    Decimal,
    OptionDecimal,
    VecDecimal,
    OptionVecDecimal,
}

impl Codec {
    fn of(ty: &Type) -> Result<Option<Codec>> {
        if is_decimal(ty) {
            return Ok(Some(Codec::Decimal));
        }
        if let Some(inner) = only_arg(ty, "Option") {
            if is_decimal(inner) {
                return Ok(Some(Codec::OptionDecimal));
            }
            if only_arg(inner, "Vec").is_some_and(is_decimal) {
                return Ok(Some(Codec::OptionVecDecimal));
            }
        }
        if only_arg(ty, "Vec").is_some_and(is_decimal) {
            return Ok(Some(Codec::VecDecimal));
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

    /// The serde-derive attribute for this codec.
    fn attribute(self) -> TokenStream {
        match self {
            Codec::Decimal => quote!(#[serde(with = "::binance_runtime::decimal")]),
            Codec::OptionDecimal => quote!(#[serde(default, with = "::binance_runtime::decimal::option")]),
            Codec::VecDecimal => quote!(#[serde(with = "::binance_runtime::decimal::vec")]),
            Codec::OptionVecDecimal => quote!(#[serde(default, with = "::binance_runtime::decimal::option_vec")]),
        }
    }

    /// The runtime seed that decodes this codec's type.
    fn seed(self) -> TokenStream {
        match self {
            Codec::Decimal => quote!(__m::Dec),
            Codec::OptionDecimal => quote!(__m::OptDec),
            Codec::VecDecimal => quote!(__m::VecDec),
            Codec::OptionVecDecimal => quote!(__m::OptVecDec),
        }
    }
}

/// The name of the field `#[model]` adds for unknown fields.
const UNKNOWN_FIELDS: &str = "unknown_fields";

/// What a model's JSON is, and how its decoder is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `#[model]`: an object, decoded by the runtime's generic visitor (cheap to compile).
    Object,
    /// `#[model(tuple)]`: an array read by position.
    Tuple,
    /// `#[model(stream)]`: an object decoded at stream rates, whose visitor is written out
    /// per model as serde's derive does (a `match` on the key, a local per field): about 10 %
    /// faster to decode than the generic visitor, for more code to compile. The generator
    /// gives it to market-stream payloads and the models inside them.
    Stream,
}

/// `#[model]`, `#[model(tuple)]` or `#[model(stream)]`.
fn parse_args(args: TokenStream) -> Result<Shape> {
    let mut tokens = args.into_iter();
    match (tokens.next(), tokens.next()) {
        (None, _) => Ok(Shape::Object),
        (Some(TokenTree::Ident(i)), None) if i == "tuple" => Ok(Shape::Tuple),
        (Some(TokenTree::Ident(i)), None) if i == "stream" => Ok(Shape::Stream),
        (Some(first), _) => Err(Error::new_spanned(
            first,
            "`#[model]` takes no argument but `tuple` (`#[model(tuple)]`: a JSON array read by position) \
             or `stream` (`#[model(stream)]`: an object decoded at stream rates)",
        )),
    }
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> Result<TokenStream> {
    let shape = parse_args(args)?;
    let tuple = shape == Shape::Tuple;
    let item: ItemStruct = match syn::parse2::<Item>(item)? {
        Item::Struct(s) => s,
        Item::Enum(e) => {
            return Err(Error::new_spanned(
                e.enum_token,
                "`#[model]` is for structs; give enums `#[derive(WireEnum)]` and a catch-all `Other(String)`",
            ))
        }
        other => return Err(Error::new_spanned(other, "`#[model]` is for structs")),
    };
    if matches!(item.fields, Fields::Unit) {
        return Err(Error::new_spanned(
            &item.ident,
            "`#[model]` needs a struct with braces; write `struct Empty {}` for a response `{}`",
        ));
    }
    let mut errors = crate::errors::Errors::default();
    let codecs: Vec<Option<Codec>> = item
        .fields
        .iter()
        .map(|field| {
            if serde_keys(&field.attrs).iter().any(|k| k.ends_with("with")) {
                None // The field chose its own codec.
            } else {
                errors.ok(Codec::of(&field.ty)).flatten()
            }
        })
        .collect();
    if let Fields::Named(named) = &item.fields {
        for field in named.named.iter().filter(|f| f.ident.as_ref().is_some_and(|i| i == UNKNOWN_FIELDS)) {
            errors.push(Error::new_spanned(
                field,
                "`#[model]` adds a field `unknown_fields` (the keys the model does not declare); \
                 rename this field and keep its wire name with `#[serde(rename = \"unknownFields\")]`",
            ));
        }
    }
    errors.finish()?;
    match lean_fields(&item, &codecs) {
        Some(fields) => Ok(lean(item, &fields, shape)),
        None if tuple => Err(Error::new_spanned(
            &item.ident,
            "`#[model(tuple)]` needs a struct with named fields, no generics and no serde attribute \
             but `rename`",
        )),
        None => serde_derive(item, &codecs),
    }
}

/// The serde-derive route: serde's derives, `rename_all` and the codec attributes.
fn serde_derive(mut item: ItemStruct, codecs: &[Option<Codec>]) -> Result<TokenStream> {
    for (field, codec) in item.fields.iter_mut().zip(codecs) {
        if let Some(codec) = codec {
            field.attrs.extend(Attribute::parse_outer.parse2(codec.attribute())?);
        } else if only_arg(&field.ty, "Option").is_some()
            && !serde_keys(&field.attrs).iter().any(|k| k.ends_with("with"))
        {
            // `null` and `""` are `None`, as on the lean route.
            field.attrs.extend(Attribute::parse_outer.parse2(
                quote!(#[serde(default, deserialize_with = "::binance_runtime::__private::model::optional")]),
            )?);
        }
    }
    let named = matches!(item.fields, Fields::Named(_));
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

/// One field of a lean model.
struct LeanField {
    ident: syn::Ident,
    ty: Type,
    wire: String,
    codec: Option<Codec>,
}

/// The fields, when the struct needs nothing the lean impls lack: named fields, no generics,
/// no struct-level serde attribute, and at most a `rename = "..."` per field.
fn lean_fields(item: &ItemStruct, codecs: &[Option<Codec>]) -> Option<Vec<LeanField>> {
    let Fields::Named(named) = &item.fields else { return None };
    if !item.generics.params.is_empty() || item.attrs.iter().any(|a| a.path().is_ident("serde")) {
        return None;
    }
    named
        .named
        .iter()
        .zip(codecs)
        .map(|(field, codec)| {
            let ident = field.ident.clone()?;
            let wire = match only_rename(&field.attrs)? {
                Some(rename) => rename,
                None => binance_spec::protocol::camel_case(&ident.unraw().to_string()),
            };
            Some(LeanField { ident, ty: field.ty.clone(), wire, codec: *codec })
        })
        .collect()
}

/// `Some(rename)` when the field's serde attributes are at most one `rename = "..."`;
/// `None` when they hold anything else.
fn only_rename(attrs: &[Attribute]) -> Option<Option<String>> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") && rename.is_none() {
                rename = Some(meta.value()?.parse::<LitStr>()?.value());
                Ok(())
            } else {
                Err(meta.error("not supported by the lean impls"))
            }
        })
        .ok()?;
    }
    Some(rename)
}

/// How many elements a tuple of the runtime's `Slots` / `SerFields` may have
/// (`model_support::MAX_TUPLE`).
const MAX_TUPLE: usize = 8;

/// `(a, b, ...)`, nested in tuples of at most [`MAX_TUPLE`] for longer lists. The slot types,
/// the pattern binding the decoded values and the encoded values are nested alike.
fn nest(items: Vec<TokenStream>) -> TokenStream {
    if items.len() <= MAX_TUPLE {
        return quote!((#(#items,)*));
    }
    nest(items.chunks(MAX_TUPLE).map(|chunk| nest(chunk.to_vec())).collect())
}

/// The struct without its serde attributes plus its unknown-field store, and its `Serialize` /
/// `Deserialize` impls: each one call into the runtime, which gets the fields as one nested
/// tuple type (codecs for decoding, references for encoding). The key loop and the field rules
/// are compiled once in the runtime instead of being type-checked for every model.
fn lean(mut item: ItemStruct, fields: &[LeanField], shape: Shape) -> TokenStream {
    for field in item.fields.iter_mut() {
        field.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    if let Fields::Named(named) = &mut item.fields {
        let unknown: syn::FieldsNamed = syn::parse_quote!({
            /// Fields of the response that this model does not declare, kept verbatim (spec
            /// drift: they are also reported through `binance_runtime::drift`).
            pub unknown_fields: ::binance_runtime::UnknownFields
        });
        named.named.extend(unknown.named);
    }
    let name = &item.ident;
    let name_str = name.unraw().to_string();
    let expecting = format!("struct {name_str}");
    let wires = fields.iter().map(|f| f.wire.as_str());
    let idents = fields.iter().map(|f| &f.ident);
    let vars: Vec<syn::Ident> = (0..fields.len()).map(|i| format_ident!("__f{}", i)).collect();
    let codecs: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let ty = &f.ty;
            match (f.codec, only_arg(ty, "Option")) {
                (Some(codec), _) => codec.seed(),
                (None, Some(inner)) => quote!(__m::Opt<#inner>),
                (None, None) => quote!(__m::Plain<#ty>),
            }
        })
        .collect();
    let values = nest(
        fields
            .iter()
            .map(|f| {
                let ident = &f.ident;
                if f.codec.is_some() {
                    quote!(__m::DecimalText(&self.#ident))
                } else if only_arg(&f.ty, "Option").is_some() {
                    quote!(__m::OptField(&self.#ident))
                } else {
                    quote!(__m::Field(&self.#ident))
                }
            })
            .collect(),
    );
    let encode = if shape == Shape::Tuple { quote!(serialize_tuple) } else { quote!(serialize) };
    let deserialize_body = match shape {
        Shape::Stream => stream_visitor(name, &expecting, fields, &codecs),
        Shape::Tuple => tuple_visitor(name, &expecting, fields, &codecs),
        Shape::Object => {
            let slots = nest(codecs);
            let pattern = nest(vars.iter().map(|v| quote!(#v)).collect());
            quote! {
                let (#pattern, __unknown) = __m::deserialize::<__D, #slots>(__d, &__INFO)?;
                ::core::result::Result::Ok(#name { #(#idents: #vars,)* unknown_fields: __unknown })
            }
        }
    };
    quote! {
        #item

        const _: () = {
            use ::binance_runtime::__private::{model as __m, serde as __serde};

            static __INFO: __m::ModelInfo = __m::ModelInfo {
                expecting: #expecting,
                path: ::core::concat!(::core::module_path!(), "::", #name_str),
                fields: &[#(#wires),*],
            };

            #[automatically_derived]
            impl<'de> __serde::Deserialize<'de> for #name {
                fn deserialize<__D: __serde::Deserializer<'de>>(__d: __D) -> ::core::result::Result<Self, __D::Error> {
                    #deserialize_body
                }
            }

            #[automatically_derived]
            impl __serde::Serialize for #name {
                fn serialize<__S: __serde::Serializer>(&self, __s: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    __m::#encode(__s, &__INFO, &#values, &self.unknown_fields)
                }
            }
        };
    }
}

/// The body of `Deserialize::deserialize` for `#[model(stream)]`: a visitor of its own with a
/// `match` on the key and a local per field, as serde's derive writes, with the runtime's
/// codecs and field rules (`__m::fill`, `__m::take`, `__m::raw_value`, `__m::keep_key`).
fn stream_visitor(name: &syn::Ident, expecting: &str, fields: &[LeanField], codecs: &[TokenStream]) -> TokenStream {
    let count = fields.len();
    let wires: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    let indices = 0..count;
    let vars: Vec<syn::Ident> = (0..count).map(|i| format_ident!("__f{}", i)).collect();
    let idents = fields.iter().map(|f| &f.ident);
    let fills = vars.iter().zip(codecs).zip(&wires).enumerate().map(|(i, ((var, codec), wire))| {
        quote!(::core::option::Option::Some(__m::Key::Known(#i)) => __m::fill::<_, #codec>(&mut #var, &mut __map, #wire)?,)
    });
    let takes =
        vars.iter().zip(codecs).zip(&wires).map(|((var, codec), wire)| quote!(__m::take::<#codec, _>(#var, #wire)?));
    let visit_map = quote! {
        fn visit_map<__A: __serde::de::MapAccess<'de>>(self, mut __map: __A) -> ::core::result::Result<#name, __A::Error> {
            #(let mut #vars = ::core::option::Option::None;)*
            let mut __unknown = ::binance_runtime::UnknownFields::new();
            let __lookup = |__key: &str| match __key {
                #(#wires => ::core::option::Option::Some(#indices),)*
                _ => ::core::option::Option::None,
            };
            loop {
                match __m::next_key(&mut __map, __lookup, #count)? {
                    #(#fills)*
                    ::core::option::Option::Some(__key) => {
                        let __raw = __m::raw_value(&mut __map)?;
                        __m::keep_key(&mut __unknown, &__INFO, __key, __raw);
                    }
                    ::core::option::Option::None => break,
                }
            }
            ::core::result::Result::Ok(#name { #(#idents: #takes,)* unknown_fields: __unknown })
        }
    };
    // A map, as the runtime's visitor asks for (see `__m::deserialize`).
    visitor(name, expecting, visit_map, quote!(__serde::Deserializer::deserialize_map(__d, __Visitor)))
}

/// The body of `Deserialize::deserialize` for `#[model(tuple)]`: a visitor of its own reading
/// the array's elements in order straight into the struct (few models are tuples, and depth
/// levels are decoded by the thousand), with elements past the declared fields kept by
/// position (`__m::element`, `__m::rest_of_seq`).
fn tuple_visitor(name: &syn::Ident, expecting: &str, fields: &[LeanField], codecs: &[TokenStream]) -> TokenStream {
    let count = fields.len();
    let expecting = format!("{expecting} as an array");
    let idents = fields.iter().map(|f| &f.ident);
    let elements = codecs.iter().zip(fields).map(|(codec, f)| {
        let wire = &f.wire;
        quote!(__m::element::<_, #codec>(&mut __seq, &mut __ended, #wire)?)
    });
    let visit_seq = quote! {
        fn visit_seq<__A: __serde::de::SeqAccess<'de>>(self, mut __seq: __A) -> ::core::result::Result<#name, __A::Error> {
            let mut __ended = false;
            ::core::result::Result::Ok(#name {
                #(#idents: #elements,)*
                unknown_fields: if __ended {
                    ::binance_runtime::UnknownFields::new()
                } else {
                    __m::rest_of_seq(&mut __seq, &__INFO, #count)?
                },
            })
        }
    };
    let all_decimals = fields.iter().all(|f| matches!(f.codec, Some(Codec::Decimal)));
    let entry = if all_decimals && !fields.is_empty() {
        // A depth level and its like: read in one pass from the row's text (see the runtime's
        // `decimal_row`), the visitor above for anything else.
        let idents: Vec<_> = fields.iter().map(|f| &f.ident).collect();
        quote! {
            __m::decimal_row(__d, __Visitor, |[#(#idents),*]: [::binance_runtime::Decimal; #count]| #name {
                #(#idents,)*
                unknown_fields: ::binance_runtime::UnknownFields::new(),
            })
        }
    } else {
        quote!(__serde::Deserializer::deserialize_seq(__d, __Visitor))
    };
    visitor(name, &expecting, visit_seq, entry)
}

/// A visitor `__Visitor` of `name` with one `visit_*` method (inlined into the deserializer: one
/// call site per model), and `entry`, the expression that hands it to the deserializer `__d`.
fn visitor(name: &syn::Ident, expecting: &str, visit: TokenStream, entry: TokenStream) -> TokenStream {
    quote! {
        struct __Visitor;

        impl<'de> __serde::de::Visitor<'de> for __Visitor {
            type Value = #name;

            fn expecting(&self, __f: &mut ::core::fmt::Formatter) -> ::core::fmt::Result {
                __f.write_str(#expecting)
            }

            #[inline]
            #visit
        }

        #entry
    }
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
    fn generated_models_get_lean_impls_with_binance_names_and_decimal_seeds() {
        let out = expanded(quote! {
            pub struct Balance {
                pub asset: String,
                pub free: Decimal,
                pub locked: Option<::binance_runtime::Decimal>,
                pub history: Vec<Decimal>,
                pub bands: Option<Vec<Decimal>>,
                #[serde(rename = "uniMMR")]
                pub uni_mmr: Decimal,
                pub r#type: u8,
                pub can_trade: Option<bool>,
            }
        });
        assert!(!out.contains("# [derive"), "{out}");
        assert!(!out.contains("# [serde"), "the rename attribute must be consumed: {out}");
        assert!(
            out.contains(
                r#"fields : & ["asset" , "free" , "locked" , "history" , "bands" , "uniMMR" , "type" , "canTrade"]"#
            ),
            "{out}"
        );
        // The fields as one tuple type each way: a codec per field to decode, a reference to encode.
        assert!(
            out.contains(
                "__m :: deserialize :: < __D , (__m :: Plain < String > , __m :: Dec , __m :: OptDec , \
                 __m :: VecDec , __m :: OptVecDec , __m :: Dec , __m :: Plain < u8 > , __m :: Opt < bool > ,) >"
            ),
            "{out}"
        );
        assert_eq!(out.matches("__m :: DecimalText (& self .").count(), 5, "{out}");
        assert_eq!(out.matches("__m :: Field (& self .").count(), 2, "{out}");
        assert_eq!(out.matches("__m :: OptField (& self .").count(), 1, "{out}");
        // The unknown-field store is added, filled and written back.
        assert!(out.contains("pub unknown_fields : :: binance_runtime :: UnknownFields"), "{out}");
        assert!(out.contains("unknown_fields : __unknown"), "{out}");
        assert!(out.contains("& self . unknown_fields"), "{out}");
        assert!(out.contains("__m :: serialize (__s"), "{out}");
    }

    #[test]
    fn tuple_models_read_arrays_and_empty_models_work() {
        let out = expand(quote!(tuple), quote! { pub struct Level { pub price: Decimal, pub qty: Decimal } })
            .map(|t| t.to_string())
            .unwrap_or_else(|e| format!("error: {e}"));
        // Its own visitor reads the elements in order, then keeps any extra ones; a row of
        // decimals only is first read in one pass.
        assert!(
            out.contains(
                "__m :: decimal_row (__d , __Visitor , | [price , qty] : [:: binance_runtime :: Decimal ; 2usize] |"
            ),
            "{out}"
        );
        let mixed = expand(quote!(tuple), quote! { pub struct Kline { pub open_time: i64, pub open: Decimal } })
            .map(|t| t.to_string())
            .unwrap_or_else(|e| format!("error: {e}"));
        assert!(mixed.contains("__serde :: Deserializer :: deserialize_seq (__d , __Visitor)"), "{mixed}");
        assert!(!mixed.contains("decimal_row"), "{mixed}");
        assert!(
            out.contains("price : __m :: element :: < _ , __m :: Dec > (& mut __seq , & mut __ended , \"price\") ?"),
            "{out}"
        );
        assert!(
            out.contains("qty : __m :: element :: < _ , __m :: Dec > (& mut __seq , & mut __ended , \"qty\") ?"),
            "{out}"
        );
        assert!(out.contains("__m :: rest_of_seq (& mut __seq , & __INFO , 2usize)"), "{out}");
        assert!(out.contains("__m :: serialize_tuple (__s"), "{out}");
        let out = expanded(quote! { #[non_exhaustive] #[derive(Eq, Hash)] pub struct Empty {} });
        assert!(out.contains("__m :: deserialize :: < __D , () >"), "{out}");
        assert!(out.contains("# [non_exhaustive]"), "{out}");
        let err = expand(quote!(tuple), quote! { struct Level(Decimal, Decimal); }).unwrap_err().to_string();
        assert!(err.contains("`#[model(tuple)]` needs a struct with named fields"), "{err}");
    }

    #[test]
    fn stream_models_get_a_visitor_of_their_own_with_a_match_on_the_key() {
        let out = expand(
            quote!(stream),
            quote! { pub struct Trade { #[serde(rename = "p")] pub price: Decimal, #[serde(rename = "s")] pub symbol: Option<String> } },
        )
        .map(|t| t.to_string())
        .unwrap_or_else(|e| format!("error: {e}"));
        assert!(out.contains("__serde :: Deserializer :: deserialize_map (__d , __Visitor)"), "{out}");
        assert!(out.contains(r#"match __key { "p" => :: core :: option :: Option :: Some (0usize) , "s" => :: core :: option :: Option :: Some (1usize) , _ => :: core :: option :: Option :: None , }"#), "{out}");
        assert!(out.contains(r#"__m :: fill :: < _ , __m :: Dec > (& mut __f0 , & mut __map , "p") ?"#), "{out}");
        assert!(
            out.contains(r#"__m :: fill :: < _ , __m :: Opt < String > > (& mut __f1 , & mut __map , "s") ?"#),
            "{out}"
        );
        assert!(out.contains("let __raw = __m :: raw_value (& mut __map) ? ;"), "{out}");
        assert!(out.contains("__m :: keep_key (& mut __unknown , & __INFO , __key , __raw) ;"), "{out}");
        assert!(out.contains(r#"price : __m :: take :: < __m :: Dec , _ > (__f0 , "p") ?"#), "{out}");
        // Encoding stays the runtime's.
        assert!(out.contains("__m :: serialize (__s"), "{out}");
        let err = expand(quote!(fast), quote! { struct A { a: u8 } }).unwrap_err().to_string();
        assert!(err.contains("or `stream`"), "{err}");
    }

    #[test]
    fn a_field_named_like_the_store_is_a_clear_error() {
        let out = expanded(quote! { struct A { unknown_fields: u8 } });
        assert!(out.starts_with("error: `#[model]` adds a field `unknown_fields`"), "{out}");
    }

    #[test]
    fn many_fields_nest_in_tuples_of_at_most_eight() {
        let fields = (0..10_usize).map(|i| format_ident!("f{}", i));
        let out = expanded(quote! { pub struct Wide { #(pub #fields: u8,)* } });
        let slot = "__m :: Plain < u8 > ,";
        let group_of_8 = format!("({})", [slot; 8].join(" "));
        let group_of_2 = format!("({})", [slot; 2].join(" "));
        assert!(out.contains(&format!("({group_of_8} , {group_of_2} ,)")), "{out}");
        assert!(
            out.contains(
                "let (((__f0 , __f1 , __f2 , __f3 , __f4 , __f5 , __f6 , __f7 ,) , (__f8 , __f9 ,) ,) , __unknown)"
            ),
            "{out}"
        );
    }

    #[test]
    fn other_serde_attributes_keep_the_serde_derive_with_codecs() {
        let out = expanded(quote! {
            pub struct Balance {
                pub free: Decimal,
                pub locked: Option<Decimal>,
                pub history: Vec<Decimal>,
                pub bands: Option<Vec<Decimal>>,
                #[serde(deserialize_with = "custom")]
                pub custom: Decimal,
            }
        });
        assert!(out.contains("# [derive"), "{out}");
        // free, locked, history, bands; `custom` keeps its own codec.
        assert_eq!(out.matches("with = \"::binance_runtime::decimal").count(), 4, "{out}");
        assert!(out.contains("default , with = \"::binance_runtime::decimal::option\""), "{out}");
        assert!(out.contains("default , with = \"::binance_runtime::decimal::option_vec\""), "{out}");
        assert!(out.contains("with = \"::binance_runtime::decimal::vec\""), "{out}");
        assert!(out.contains("rename_all = \"camelCase\""), "{out}");
        assert!(out.contains("deserialize_with = \"custom\""), "{out}");
        let out = expanded(quote! { struct A { #[serde(rename = "a", alias = "b")] a: u8 } });
        assert!(out.contains("# [derive"), "{out}");
        let out = expanded(quote! { struct A { #[serde(rename = "a")] #[serde(rename = "b")] a: u8 } });
        assert!(out.contains("# [derive"), "a duplicate rename is serde's error to report: {out}");
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

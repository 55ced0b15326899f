//! The `streams` module of a product: one descriptor type per market stream name pattern
//! (`AggregateTrade { symbol }` → `"btcusdt@aggTrade"`, payload `AggregateTradeEvent`) and the
//! `UserDataEvent` enum over the user-data events' `"e"`.

use super::{doc_lines, ident, page_text};
use crate::ir::streams::{MarketStream, StreamPattern, Streams};
use binance_spec::protocol::CASE_KEPT_PLACEHOLDERS;
use proc_macro2::TokenStream;
use quote::quote;

/// The `pub mod streams { … }` item, or nothing when the product has no streams.
pub(super) fn streams_module(title: &str, s: &Streams) -> TokenStream {
    if s.market.is_empty() && s.events.is_empty() {
        return quote!();
    }
    let descriptors = s.market.iter().flat_map(|m| m.patterns.iter().map(move |p| descriptor(m, p)));
    let events = user_data_event(s);
    // The module's doc is read in the parent module: links name `streams::…`.
    let events_line = if s.events.is_empty() {
        String::new()
    } else {
        " User-data events decode as [`streams::UserDataEvent`].".to_string()
    };
    let doc = doc_lines(&format!(
        "{title} market streams and user-data events.\n\nEach market stream name pattern is a descriptor \
         type: subscribe to it with `binance_runtime::stream::StreamClient` (feature `ws`) and get its \
         typed payload.{events_line}"
    ));
    quote! {
        #doc
        pub mod streams {
            #( #descriptors )*
            #events
        }
    }
}

fn descriptor(m: &MarketStream, p: &StreamPattern) -> TokenStream {
    let name = ident(&p.type_name);
    let pattern = &p.pattern;
    let payload = ident(&m.payload);
    let event = if m.payload_list { quote!(::std::vec::Vec<super::#payload>) } else { quote!(super::#payload) };
    let speed = m.update_speed.as_deref().map(|s| format!(" Update speed: {s}.")).unwrap_or_default();
    let text = format!(
        "{}: `{}`.{speed}\n\n{}\n\nPayload: [`super::{}`]{}. [Docs]({})",
        m.title,
        pattern,
        m.description.as_deref().map(page_text).unwrap_or_default(),
        m.payload,
        if m.payload_list { " (a list)" } else { "" },
        m.docs
    );
    let doc = doc_lines(&text);
    let fields: Vec<_> = p.params.iter().map(|f| ident(f)).collect();
    let wires: Vec<String> = pattern_placeholders(pattern);
    let (def, ctor) = if fields.is_empty() {
        (quote!(pub struct #name;), quote!())
    } else {
        let field_docs = wires.iter().map(|w| {
            if CASE_KEPT_PLACEHOLDERS.contains(&w.as_str()) {
                format!(" The `<{w}>` of the name, sent as given: its case is its meaning (`1m`, `1M`).")
            } else {
                format!(" The `<{w}>` of the name (lower-cased when sent).")
            }
        });
        let ctor_doc = format!(" The stream `{pattern}` for these values.");
        (
            quote!(pub struct #name { #( #[doc = #field_docs] pub #fields: ::std::string::String, )* }),
            quote! {
                impl #name {
                    #[doc = #ctor_doc]
                    pub fn new(#( #fields: impl ::core::convert::Into<::std::string::String> ),*) -> Self {
                        #name { #( #fields: #fields.into() ),* }
                    }
                }
            },
        )
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #def
        #ctor
        impl ::binance_runtime::stream::StreamDescriptor for #name {
            type Event = #event;
            const PATTERN: &'static str = #pattern;
            fn name(&self) -> ::std::string::String {
                ::binance_runtime::stream::stream_name(Self::PATTERN, &[ #( (#wires, self.#fields.as_str()) ),* ])
            }
            fn decode(json: &str) -> ::core::result::Result<Self::Event, ::binance_runtime::stream::DecodeError> {
                ::binance_runtime::stream::decode_json(json)
            }
        }
    }
}

/// The placeholders of a validated pattern, as written (`<contractType>` → `contractType`).
fn pattern_placeholders(pattern: &str) -> Vec<String> {
    pattern.split('<').skip(1).filter_map(|s| s.split_once('>').map(|(n, _)| n.to_string())).collect()
}

fn user_data_event(s: &Streams) -> TokenStream {
    if s.events.is_empty() {
        return quote!();
    }
    let variants = s.events.iter().map(|e| {
        let v = ident(&e.variant);
        let payload = ident(&e.payload);
        let doc = doc_lines(&format!(
            "`{}`: {}\n\n[Docs]({})",
            e.event_type,
            e.description.as_deref().map(page_text).unwrap_or_else(|| e.title.clone()),
            e.docs
        ));
        quote!(#doc #v(super::#payload),)
    });
    let arms = s.events.iter().map(|e| {
        let v = ident(&e.variant);
        let t = &e.event_type;
        quote!(#t => raw.decode().map(UserDataEvent::#v),)
    });
    let types = s.events.iter().map(|e| {
        let v = ident(&e.variant);
        let t = &e.event_type;
        quote!(UserDataEvent::#v(_) => #t,)
    });
    quote! {
        /// One user-data stream event, by its event type `"e"`.
        ///
        /// An event type this version does not know decodes as `Unknown`, which keeps the raw
        /// JSON: a new event never breaks the stream and is never silently lost.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum UserDataEvent {
            #( #variants )*
            /// An event type not in the spec, kept as sent.
            Unknown(::binance_runtime::stream::RawEvent),
        }

        impl UserDataEvent {
            /// The event type, e.g. `ACCOUNT_UPDATE`.
            pub fn event_type(&self) -> &str {
                match self {
                    #( #types )*
                    UserDataEvent::Unknown(raw) => raw.event_type(),
                }
            }
        }

        impl ::binance_runtime::stream::EventSet for UserDataEvent {
            fn decode_event(raw: ::binance_runtime::stream::RawEvent) -> ::core::result::Result<Self, ::binance_runtime::stream::DecodeError> {
                match raw.event_type() {
                    #( #arms )*
                    _ => ::core::result::Result::Ok(UserDataEvent::Unknown(raw)),
                }
            }
        }
    }
}

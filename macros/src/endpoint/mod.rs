//! `#[derive(Endpoint)]`: [`parse`] the attributes, validate them against the struct's fields
//! here, then [`expand`] into the runtime trait implementations.

mod expand;
mod parse;

use crate::errors::Errors;
use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Error, Fields, Ident, Result, Type};

enum Route {
    Http { method: Ident, path: String },
    Ws { method: String },
}

/// `if_present(field = value)`, or with `at_most = bound` one row of a `limit` table.
struct Rule {
    field: Ident,
    value: u32,
    at_most: Option<u64>,
}

/// `second10 = 1` in `orders(...)`: the runtime `Interval` variant, the window's length in
/// units, and what one request counts.
struct OrderCountAttr {
    interval: Ident,
    interval_num: u32,
    value: u32,
}

struct WeightAttr {
    kind: Ident,
    value: u32,
    rules: Vec<Rule>,
    orders: Vec<OrderCountAttr>,
}

/// What the struct's `#[endpoint(...)]` attributes said. A key whose value was invalid is
/// `Some(None)`: present (so not also reported missing), its error already recorded.
#[derive(Default)]
struct EndpointAttrs {
    /// The `endpoint` of the first `#[endpoint(...)]`, where "missing key" errors point.
    attr_span: Option<Span>,
    /// An attribute stopped at a syntax error, so absent keys may just be unread.
    incomplete: bool,
    route: Option<(Option<Route>, Span)>,
    security: Option<Option<Ident>>,
    weight: Option<WeightAttr>,
    response: Option<Type>,
}

/// A fully valid endpoint, ready to expand.
struct Contract {
    route: Route,
    security: Ident,
    weight: WeightAttr,
    response: Type,
}

/// One field = one request parameter.
struct Param {
    ident: Ident,
    ty: Type,
    wire: String,
    /// The rename literal when given, else the field name: where wire-name errors point.
    wire_span: Span,
    optional: bool,
}

/// Parameters the runtime adds when it signs; a field for them would send them twice.
use binance_spec::protocol::RUNTIME_PARAMS;

pub(crate) fn derive(input: &DeriveInput) -> Result<TokenStream> {
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => named.named.iter().collect::<Vec<_>>(),
            Fields::Unit => Vec::new(),
            Fields::Unnamed(f) => {
                return Err(Error::new_spanned(
                    f,
                    "Endpoint needs a struct with named fields: each field is a parameter sent under its name",
                ))
            }
        },
        Data::Enum(e) => {
            return Err(Error::new_spanned(e.enum_token, "Endpoint can only be derived for structs, not enums"))
        }
        Data::Union(u) => {
            return Err(Error::new_spanned(u.union_token, "Endpoint can only be derived for structs, not unions"))
        }
    };
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(&input.generics, "Endpoint does not support generic request types"));
    }
    let mut errors = Errors::default();
    let attrs = parse::container(&input.attrs, &mut errors);
    let params: Vec<Param> = fields.iter().filter_map(|f| param(f, &mut errors)).collect();
    let contract = validate(input, attrs, &params, &mut errors);
    errors.finish()?;
    match contract {
        Some(c) => Ok(expand::expand(&input.ident, &c, &params)),
        // Unreachable: every missing piece was reported above.
        None => Err(Error::new_spanned(&input.ident, "incomplete `#[endpoint(...)]`")),
    }
}

fn param(f: &syn::Field, errors: &mut Errors) -> Option<Param> {
    let ident = f.ident.clone()?;
    let rename = parse::field_rename(&f.attrs, errors);
    let (wire, wire_span) = match rename {
        Some(lit) => (lit.value(), lit.span()),
        None => (binance_spec::protocol::camel_case(&ident.unraw().to_string()), ident.span()),
    };
    Some(Param { optional: is_option(&f.ty), ty: f.ty.clone(), ident, wire, wire_span })
}

fn validate(input: &DeriveInput, a: EndpointAttrs, params: &[Param], errors: &mut Errors) -> Option<Contract> {
    let missing: Vec<&str> = [
        (a.route.is_none(), "`http = \"METHOD /path\"` or `ws = \"method\"`"),
        (a.security.is_none(), "`security = \"NONE\"` (or MARKET_DATA, USER_STREAM, USER_DATA, TRADE)"),
        (a.weight.is_none(), "`weight(ip = N)`"),
        (a.response.is_none(), "`response = Type`"),
    ]
    .into_iter()
    .filter_map(|(absent, what)| absent.then_some(what))
    .collect();
    match a.attr_span {
        None => errors.push(Error::new_spanned(
            &input.ident,
            "missing `#[endpoint(...)]`; add one such as \
             `#[endpoint(http = \"GET /path\", security = \"NONE\", weight(ip = 1), response = Type)]`",
        )),
        Some(span) if !missing.is_empty() && !a.incomplete => {
            errors.push(Error::new(span, format!("`#[endpoint(...)]` is missing {}", missing.join(", "))))
        }
        Some(_) => {}
    }
    if let Some(w) = &a.weight {
        check_rules(&w.rules, params, errors);
    }
    check_params(params, errors);
    Some(Contract { route: a.route?.0?, security: a.security??, weight: a.weight?, response: a.response? })
}

fn check_rules(rules: &[Rule], params: &[Param], errors: &mut Errors) {
    for (i, rule) in rules.iter().enumerate() {
        if rules.iter().take(i).any(|r| r.field == rule.field && r.at_most.is_none()) {
            // An earlier rule without a bound always matches when the field is set.
            errors.push(Error::new_spanned(&rule.field, format!("a second rule for `{}`; keep one", rule.field)));
        } else if !params.iter().any(|p| p.ident == rule.field) {
            let hint = match params.iter().find(|p| rule.field == p.wire) {
                Some(p) => format!("; rules name the Rust field, here `{}`", p.ident),
                None => "; a rule must name a field of this struct".to_string(),
            };
            errors
                .push(Error::new_spanned(&rule.field, format!("no field `{}` for this weight rule{hint}", rule.field)));
        }
    }
}

fn check_params(params: &[Param], errors: &mut Errors) {
    for (i, p) in params.iter().enumerate() {
        if let Some(first) = params.iter().take(i).find(|q| q.wire == p.wire) {
            errors.push(Error::new(
                p.wire_span,
                format!("parameter `{}` is already sent by field `{}`", p.wire, first.ident),
            ));
        }
        if p.wire.is_empty() {
            errors.push(Error::new(
                p.wire_span,
                "this field name gives an empty parameter name; add `#[endpoint(rename = \"name\")]`",
            ));
        }
        if RUNTIME_PARAMS.contains(&p.wire.as_str()) {
            errors.push(Error::new(
                p.wire_span,
                format!("`{}` is added by the client when it signs the request; remove this field", p.wire),
            ));
        }
    }
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

#[cfg(test)]
mod tests {
    use super::derive;
    use binance_spec::protocol::camel_case;

    fn derive_str(src: &str) -> Result<String, String> {
        let input: syn::DeriveInput = syn::parse_str(src).map_err(|e| format!("test input: {e}"))?;
        derive(&input).map(|t| t.to_string()).map_err(|e| e.to_string())
    }

    /// Malformed input of every shape is an error, never a panic, and never silently accepted.
    #[test]
    fn malformed_attributes_are_errors_not_panics() {
        let ok = r#"http = "GET /p", security = "NONE", weight(ip = 1), response = ()"#;
        let bad_containers = [
            "#[endpoint]",
            "#[endpoint = 1]",
            "#[endpoint(http)]",
            "#[endpoint(http = 5)]",
            r#"#[endpoint(http = "")]"#,
            r#"#[endpoint(http = "GET /p q")]"#,
            r#"#[endpoint(http = "GET /p?x=1")]"#,
            r#"#[endpoint(ws = "")]"#,
            "#[endpoint(weight)]",
            "#[endpoint(weight = 5)]",
            "#[endpoint(weight())]",
            "#[endpoint(weight(ip))]",
            "#[endpoint(weight(ip = 99999999999))]",
            "#[endpoint(weight(ip = 5u8))]",
            "#[endpoint(weight(ip = 1.5))]",
            "#[endpoint(weight(if_present = 1))]",
            "#[endpoint(weight(ip = 1, if_present()))]",
            "#[endpoint(weight(ip = 1, if_present(a::b = 1)))]",
            "#[endpoint(response)]",
            "#[endpoint(a::b = 1)]",
        ];
        for attr in bad_containers {
            let src = format!("{attr} #[endpoint({ok})] struct R {{ a: Option<u8> }}");
            assert!(derive_str(&src).is_err(), "accepted: {attr}");
        }
        let bad_fields = ["#[endpoint(rename)]", r#"#[endpoint(rename = "")]"#, "#[endpoint(rename = 1)]"];
        for attr in bad_fields {
            let src = format!("#[endpoint({ok})] struct R {{ {attr} a: u8 }}");
            assert!(derive_str(&src).is_err(), "accepted field attribute: {attr}");
        }
        for item in ["struct R<T> { a: T }", "union R { a: u8 }", "struct R { __: u8 }"] {
            assert!(derive_str(&format!("#[endpoint({ok})] {item}")).is_err(), "accepted: {item}");
        }
    }

    #[test]
    fn weight_rules_apply_in_order_and_required_fields_always_match() {
        let out = derive_str(
            r#"#[endpoint(http = "GET /p", security = "TRADE", weight(uid = 40, if_present(a = 1), if_present(b = 2), if_present(c = 3)), response = ())]
               struct R { a: Option<u8>, b: u8, c: Option<u8> }"#,
        )
        .unwrap();
        assert!(out.contains("WeightKind :: Uid"), "{out}");
        assert!(out.contains("if self . a . is_some () { 1u32 } else { 2u32 }"), "{out}");
        assert!(!out.contains("3u32") && !out.contains("40u32"), "rules after an always-true rule are dead: {out}");
    }

    #[test]
    fn limit_tables_and_order_counts_expand() {
        let out = derive_str(
            r#"#[endpoint(http = "POST /p", security = "TRADE",
                 weight(ip = 0, if_present(limit = 2, at_most = 50), if_present(limit = 5, at_most = 100),
                        orders(second10 = 1, minute1 = 1)), response = ())]
               struct R { limit: Option<u16> }"#,
        )
        .unwrap();
        assert!(out.contains("is_at_most (& self . limit , 50u64) { 2u32 } else { if"), "{out}");
        assert!(out.contains("is_at_most (& self . limit , 100u64) { 5u32 } else { 0u32 }"), "{out}");
        assert!(out.contains("Interval :: Second , interval_num : 10u32 , value : 1u32"), "{out}");
        assert!(out.contains("Interval :: Minute , interval_num : 1u32 , value : 1u32"), "{out}");
        for bad in [
            "orders()",
            "orders(second = 1)",
            "orders(week1 = 1)",
            "orders(second10 = 1, second10 = 2)",
            "orders(second10 = -1)",
            "if_present(limit = 1, at_most = x)",
            "if_present(limit = 1, other = 2)",
            "if_present(limit = 1, at_most = 2, at_most = 3)",
        ] {
            let src = format!(
                r#"#[endpoint(http = "GET /p", security = "NONE", weight(ip = 1, {bad}), response = ())] struct R {{ limit: Option<u16> }}"#
            );
            assert!(derive_str(&src).is_err(), "accepted: {bad}");
        }
    }

    #[test]
    fn field_names_become_binance_names() {
        assert_eq!(camel_case("recv_window"), "recvWindow");
        assert_eq!(camel_case("type_"), "type");
        assert_eq!(camel_case("order_id_"), "orderId");
        assert_eq!(camel_case("symbol"), "symbol");
    }
}

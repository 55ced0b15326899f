//! Parses `#[endpoint(...)]` on the struct and on its fields. Syntax errors stop the
//! attribute; value errors (unknown security, bad weight, bad route) are collected so one
//! build reports all of them.

use super::{EndpointAttrs, OrderCountAttr, Route, Rule, WeightAttr};
use crate::errors::Errors;
use binance_spec::protocol::Security;
use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Error, Expr, ExprLit, Ident, Lit, LitStr, Result, Token};

const HTTP_METHODS: &[(&str, &str)] = &[("GET", "Get"), ("POST", "Post"), ("PUT", "Put"), ("DELETE", "Delete")];

const KEYS: &str = "`http`, `ws`, `security`, `weight` or `response`";

/// Reads every `#[endpoint(...)]` attribute of the struct.
pub(super) fn container(attrs: &[Attribute], errors: &mut Errors) -> EndpointAttrs {
    let mut a = EndpointAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("endpoint")) {
        a.attr_span.get_or_insert(key_span(attr.path()));
        let parsed = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            match key.as_str() {
                "http" | "ws" => route(&meta, &key, &mut a, errors),
                "security" => {
                    once(&meta, a.security.is_some())?;
                    let lit: LitStr = meta.value()?.parse()?;
                    a.security = Some(errors.ok(security(&lit)));
                    Ok(())
                }
                "weight" => {
                    once(&meta, a.weight.is_some())?;
                    a.weight = Some(weight(&meta, errors)?);
                    Ok(())
                }
                "response" => {
                    once(&meta, a.response.is_some())?;
                    a.response = Some(meta.value()?.parse()?);
                    Ok(())
                }
                _ => Err(meta.error(format!("unknown endpoint attribute `{key}`; expected {KEYS}"))),
            }
        });
        if errors.ok(parsed).is_none() {
            // The rest of this attribute went unread: keys after the error are not "missing".
            a.incomplete = true;
        }
    }
    a
}

/// The wire name from a field's `#[endpoint(rename = "...")]`, with the literal for spans.
pub(super) fn field_rename(attrs: &[Attribute], errors: &mut Errors) -> Option<LitStr> {
    let mut rename: Option<LitStr> = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("endpoint")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if !meta.path.is_ident("rename") {
                let key = key_of(&meta);
                return Err(meta.error(format!("unknown field attribute `{key}`; expected `rename = \"binanceName\"`")));
            }
            once(&meta, rename.is_some())?;
            let lit: LitStr = meta.value()?.parse()?;
            if lit.value().is_empty() {
                return Err(Error::new_spanned(lit, "the parameter name must not be empty"));
            }
            rename = Some(lit);
            Ok(())
        });
        errors.ok(parsed);
    }
    rename
}

fn key_of(meta: &ParseNestedMeta<'_>) -> String {
    match meta.path.get_ident() {
        Some(i) => i.to_string(),
        None => quote::ToTokens::to_token_stream(&meta.path).to_string().replace(' ', ""),
    }
}

fn once(meta: &ParseNestedMeta<'_>, seen: bool) -> Result<()> {
    if seen {
        return Err(meta.error(format!("duplicate `{}` key; give it once", key_of(meta))));
    }
    Ok(())
}

fn route(meta: &ParseNestedMeta<'_>, key: &str, a: &mut EndpointAttrs, errors: &mut Errors) -> Result<()> {
    if let Some((first, first_span)) = &a.route {
        let both = key == "ws" || matches!(first, Some(Route::Ws { .. }));
        let mut e = meta.error(if both {
            "an endpoint is either REST (`http = \"GET /path\"`) or WebSocket (`ws = \"method\"`), not both"
        } else {
            "duplicate `http` key; give it once"
        });
        e.combine(Error::new(*first_span, "first route given here"));
        return Err(e);
    }
    let lit: LitStr = meta.value()?.parse()?;
    let parsed = if key == "ws" { ws_route(&lit) } else { http_route(&lit) };
    a.route = Some((errors.ok(parsed), key_span(&meta.path)));
    Ok(())
}

/// The span of a key such as `http`: its last identifier.
fn key_span(path: &syn::Path) -> Span {
    path.segments.last().map_or_else(Span::call_site, |s| s.ident.span())
}

fn ws_route(lit: &LitStr) -> Result<Route> {
    let method = lit.value();
    if method.is_empty() || method.contains(char::is_whitespace) || method.starts_with('/') {
        return Err(Error::new_spanned(lit, "expected a WebSocket API method such as \"account.status\""));
    }
    Ok(Route::Ws { method })
}

fn http_route(lit: &LitStr) -> Result<Route> {
    let text = lit.value();
    let (method, path) = match text.split_once(' ') {
        Some((m, p)) => (m, p.trim_start()),
        None if text.starts_with('/') => {
            return Err(Error::new_spanned(lit, "missing HTTP method: write \"GET /path\" (or POST, PUT, DELETE)"))
        }
        None => {
            return Err(Error::new_spanned(lit, "missing path: write \"METHOD /path\", e.g. \"GET /fapi/v3/account\""))
        }
    };
    let Some((_, variant)) = HTTP_METHODS.iter().find(|(m, _)| *m == method) else {
        return Err(Error::new_spanned(
            lit,
            format!("unknown HTTP method `{method}`; expected GET, POST, PUT or DELETE"),
        ));
    };
    if path.is_empty() {
        return Err(Error::new_spanned(lit, "missing path: write \"METHOD /path\", e.g. \"GET /fapi/v3/account\""));
    }
    if !path.starts_with('/') || path.contains(char::is_whitespace) || path.contains('?') {
        return Err(Error::new_spanned(lit, "the path must start with `/` and have no spaces or query string"));
    }
    Ok(Route::Http { method: Ident::new(variant, lit.span()), path: path.to_string() })
}

fn security(lit: &LitStr) -> Result<Ident> {
    let value = lit.value();
    match Security::from_word(&value) {
        Some(security) => Ok(Ident::new(security.variant(), lit.span())),
        None => {
            let all: Vec<&str> = Security::ALL.iter().map(|s| s.as_str()).collect();
            Err(Error::new_spanned(lit, format!("unknown security `{value}`; expected one of {}", all.join(", "))))
        }
    }
}

/// `weight(ip = N)` / `weight(uid = N)`, then `if_present(field = N)` rules in order (with
/// `at_most = M` for a row of a `limit` table) and `orders(second10 = 1, minute1 = 1)`.
fn weight(meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> Result<WeightAttr> {
    let mut base: Option<(Ident, u32)> = None;
    let mut rules = Vec::new();
    let mut orders: Option<Vec<OrderCountAttr>> = None;
    meta.parse_nested_meta(|w| {
        let key = key_of(&w);
        match key.as_str() {
            "ip" | "uid" => {
                if let Some((kind, _)) = &base {
                    let mut e = w.error("the weight kind is given twice; use one of `ip = N` or `uid = N`");
                    e.combine(Error::new(kind.span(), "first given here"));
                    return Err(e);
                }
                let value = errors.ok(whole(&w)).unwrap_or(1);
                let kind = if key == "ip" { "Ip" } else { "Uid" };
                base = Some((Ident::new(kind, key_span(&w.path)), value));
                Ok(())
            }
            "if_present" => if_present(&w, &mut rules, errors),
            "orders" => {
                once(&w, orders.is_some())?;
                orders = Some(order_counts(&w, errors)?);
                Ok(())
            }
            _ => Err(w.error(format!(
                "unknown weight kind `{key}`; expected `ip = N`, `uid = N`, `if_present(field = N)` or \
                 `orders(second10 = N, minute1 = N)`"
            ))),
        }
    })?;
    match base {
        Some((kind, value)) => Ok(WeightAttr { kind, value, rules, orders: orders.unwrap_or_default() }),
        None => Err(meta.error("the weight needs its kind and value: `weight(ip = N)` or `weight(uid = N)`")),
    }
}

/// `if_present(field = N)` or `if_present(field = N, at_most = M)`.
fn if_present(w: &ParseNestedMeta<'_>, rules: &mut Vec<Rule>, errors: &mut Errors) -> Result<()> {
    if !w.input.peek(syn::token::Paren) {
        return Err(w.error("expected a rule such as `if_present(symbol = 1)`"));
    }
    let mut rule: Option<Rule> = None;
    w.parse_nested_meta(|r| {
        let Some(key) = r.path.get_ident().cloned() else {
            return Err(r.error("expected a field name, as in `if_present(symbol = 1)`"));
        };
        if let Some(rule) = rule.as_mut() {
            if key != "at_most" {
                return Err(Error::new_spanned(
                    &key,
                    "a rule names one field; write `if_present(field = N)` or `if_present(limit = N, at_most = M)`",
                ));
            }
            if rule.at_most.is_some() {
                return Err(r.error("duplicate `at_most` key; give it once"));
            }
            let expr: Expr = r.value()?.parse()?;
            rule.at_most = Some(int_lit::<u64>(&expr, "`at_most` must be a whole number such as `100`")?);
            return Ok(());
        }
        if !r.input.peek(Token![=]) {
            return Err(Error::new_spanned(
                &key,
                format!("the rule needs the weight that applies when `{key}` is set: `if_present({key} = N)`"),
            ));
        }
        let value = errors.ok(whole(&r)).unwrap_or(1);
        rule = Some(Rule { field: key, value, at_most: None });
        Ok(())
    })?;
    match rule {
        Some(rule) => {
            rules.push(rule);
            Ok(())
        }
        None => Err(w.error("empty rule; write `if_present(field = N)`")),
    }
}

/// `orders(second10 = 1, minute1 = 1)`: the window as unit and count, the count per request.
fn order_counts(w: &ParseNestedMeta<'_>, errors: &mut Errors) -> Result<Vec<OrderCountAttr>> {
    const UNITS: &[(&str, &str)] = &[("second", "Second"), ("minute", "Minute"), ("hour", "Hour"), ("day", "Day")];
    let mut out: Vec<OrderCountAttr> = Vec::new();
    w.parse_nested_meta(|o| {
        let key = key_of(&o);
        let window = UNITS.iter().find_map(|(unit, variant)| {
            let num = key.strip_prefix(unit)?.parse::<u32>().ok().filter(|n| *n > 0)?;
            Some((*variant, num))
        });
        let Some((unit, interval_num)) = window else {
            return Err(o.error(format!(
                "unknown order-count window `{key}`; write the unit and count, e.g. `second10 = 1` or `minute1 = 1`"
            )));
        };
        if out.iter().any(|c| c.interval == unit && c.interval_num == interval_num) {
            return Err(o.error(format!("duplicate window `{key}`; give it once")));
        }
        let expr: Expr = o.value()?.parse()?;
        let value = errors.ok(int_lit::<u32>(&expr, "an order count must be a whole number such as `1`")).unwrap_or(1);
        out.push(OrderCountAttr { interval: Ident::new(unit, key_span(&o.path)), interval_num, value });
        Ok(())
    })?;
    if out.is_empty() {
        return Err(w.error("empty order counts; write `orders(second10 = 1, minute1 = 1)`"));
    }
    Ok(out)
}

/// `= N` with N a whole number (0 included) that fits in `u32`.
fn whole(meta: &ParseNestedMeta<'_>) -> Result<u32> {
    let expr: Expr = meta.value()?.parse()?;
    int_lit(&expr, "a weight must be a whole number such as `5` (0 for none)")
}

/// An unsuffixed integer literal that fits `T`, or `message` at the expression.
fn int_lit<T: std::str::FromStr>(expr: &Expr, message: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) if int.suffix().is_empty() => {
            int.base10_parse::<T>().map_err(|_| Error::new_spanned(expr, message))
        }
        _ => Err(Error::new_spanned(expr, message)),
    }
}

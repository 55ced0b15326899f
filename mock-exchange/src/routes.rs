//! The routes the mock serves, built from the spec's products plus routes a test adds.

use crate::weights::{Budget, WeightKind};
use binance_codegen::ir::{Product, Transport};
use std::collections::HashMap;
use std::time::Duration;

/// Who may call a route and what they must prove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Security {
    /// Anyone.
    None,
    /// `X-MBX-APIKEY` of a configured key (`MARKET_DATA`, `USER_STREAM`).
    ApiKey,
    /// API key, `timestamp` and a valid `signature` (`USER_DATA`, `TRADE`).
    Signed,
}

impl Security {
    /// From the spec's word; an unknown word is treated as signed, the strictest.
    pub(crate) fn from_spec(word: &str) -> Security {
        match word {
            "NONE" => Security::None,
            "MARKET_DATA" | "USER_STREAM" => Security::ApiKey,
            _ => Security::Signed,
        }
    }
}

/// What a route answers when the request passes every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// The documented examples; the first unless a test selects another.
    Examples(Vec<String>),
    /// `{"serverTime": <ms>}` from the mock's (possibly skewed) clock.
    ServerTime,
}

/// One served route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    /// Host family the weight is counted in: the path's first segment (`fapi`, `papi`, `sapi`, `api`).
    pub(crate) family: String,
    /// IP or UID weight.
    pub(crate) kind: WeightKind,
    /// Weight when no rule applies.
    pub(crate) weight: u32,
    /// (Binance parameter name, weight): the first rule whose parameter is sent wins.
    pub(crate) weight_rules: Vec<(String, u32)>,
    /// Access rule.
    pub(crate) security: Security,
    /// Binance names of mandatory parameters (besides `timestamp`/`signature`).
    pub(crate) required: Vec<String>,
    /// The answer.
    pub(crate) answer: Answer,
}

/// Routes by (upper-case method, path).
pub(crate) type RouteTable = HashMap<(String, String), Route>;

/// The host family of a path: its first segment, which is how Binance separates the weight
/// pools of `/fapi`, `/papi`, `/sapi` and `/api`.
pub(crate) fn family_of(path: &str) -> String {
    path.trim_start_matches('/').split('/').next().unwrap_or_default().to_owned()
}

/// Every REST endpoint and time endpoint of `products`.
pub(crate) fn from_products(products: &[Product]) -> RouteTable {
    let mut table = RouteTable::new();
    for product in products {
        if let Some(time_path) = &product.time_path {
            let route = Route {
                family: family_of(time_path),
                kind: WeightKind::Ip,
                weight: 1,
                weight_rules: Vec::new(),
                security: Security::None,
                required: Vec::new(),
                answer: Answer::ServerTime,
            };
            table.insert(("GET".to_owned(), time_path.clone()), route);
        }
        for endpoint in &product.endpoints {
            // The mock speaks REST only; WebSocket API methods are not served.
            let Transport::Http { method, path } = &endpoint.transport else { continue };
            let examples = if endpoint.examples.is_empty() {
                vec![if endpoint.response_list { "[]" } else { "{}" }.to_owned()]
            } else {
                endpoint.examples.clone()
            };
            let route = Route {
                family: family_of(path),
                kind: WeightKind::from_spec(&endpoint.weight_kind),
                weight: endpoint.weight,
                weight_rules: endpoint.weight_rules.iter().map(|r| (r.binance_name.clone(), r.value)).collect(),
                security: Security::from_spec(&endpoint.security),
                required: endpoint
                    .params
                    .iter()
                    .filter(|p| p.required && p.binance_name != "timestamp" && p.binance_name != "signature")
                    .map(|p| p.binance_name.clone())
                    .collect(),
                answer: Answer::Examples(examples),
            };
            table.insert((method.to_ascii_uppercase(), path.clone()), route);
        }
    }
    table
}

/// The declared `REQUEST_WEIGHT` budgets: each product's limits apply to the families of its
/// REST endpoints. When several limits of one kind are declared, the first is enforced.
pub(crate) fn budgets(products: &[Product]) -> HashMap<(String, WeightKind), Budget> {
    let mut budgets = HashMap::new();
    for product in products {
        let mut families: Vec<String> = product
            .endpoints
            .iter()
            .filter_map(|e| match &e.transport {
                Transport::Http { path, .. } => Some(family_of(path)),
                Transport::Ws { .. } => None,
            })
            .collect();
        families.sort();
        families.dedup();
        for limit in product.rate_limits.iter().filter(|l| l.limit_type == "RequestWeight") {
            let kind = match limit.kind {
                "Uid" => WeightKind::Uid,
                "Ip" => WeightKind::Ip,
                _ => continue,
            };
            let (unit_secs, letter) = match limit.interval {
                "Second" => (1, 'S'),
                "Hour" => (3600, 'H'),
                "Day" => (86_400, 'D'),
                _ => (60, 'M'),
            };
            let budget = Budget {
                limit: Some(limit.limit),
                interval_label: format!("{}{letter}", limit.interval_num),
                spec_window: Duration::from_secs(unit_secs * u64::from(limit.interval_num)),
            };
            for family in &families {
                budgets.entry((family.clone(), kind)).or_insert_with(|| budget.clone());
            }
        }
    }
    budgets
}

impl Route {
    /// The weight of a request that sent parameters for which `sent` is true.
    pub(crate) fn weight_for(&self, sent: impl Fn(&str) -> bool) -> u32 {
        self.weight_rules.iter().find(|(name, _)| sent(name)).map_or(self.weight, |(_, w)| *w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_is_the_first_path_segment() {
        assert_eq!(family_of("/fapi/v3/account"), "fapi");
        assert_eq!(family_of("/sapi/v1/portfolio/account"), "sapi");
        assert_eq!(family_of("/"), "");
    }

    #[test]
    fn first_weight_rule_whose_parameter_is_sent_wins() {
        let route = Route {
            family: "fapi".into(),
            kind: WeightKind::Ip,
            weight: 40,
            weight_rules: vec![("symbol".into(), 1), ("pair".into(), 2)],
            security: Security::None,
            required: vec![],
            answer: Answer::ServerTime,
        };
        assert_eq!(route.weight_for(|_| false), 40);
        assert_eq!(route.weight_for(|name| name == "pair"), 2);
        assert_eq!(route.weight_for(|_| true), 1);
    }
}

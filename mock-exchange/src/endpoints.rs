//! What the mock serves, built once from the spec's products for REST and the WebSocket API
//! alike: access rule, weight (with its parameter rules), order counts, mandatory parameters
//! and the answer.

use crate::error::MockError;
use crate::weights::WeightKind;
use binance_spec::ir::{Endpoint, ParamType, Product, Transport};
use serde_json::Value;
use std::collections::HashMap;

pub use binance_spec::protocol::Security;

/// How an endpoint is reached.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EndpointRoute {
    /// REST: upper-case method and path.
    Rest {
        /// `GET`, `POST`, `PUT` or `DELETE`.
        method: String,
        /// Path starting with `/`.
        path: String,
    },
    /// WebSocket API method, e.g. `order.place`.
    Ws {
        /// The method name.
        method: String,
    },
}

/// "The weight is `value` when `param` is sent (and its integer value is at most `at_most`)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightRuleInfo {
    /// Binance name of the parameter.
    pub param: String,
    /// Inclusive bound on the parameter's value, for `limit` tables.
    pub at_most: Option<u64>,
    /// The weight when the rule matches.
    pub value: u32,
}

/// What one request counts against one ORDERS window of its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCountInfo {
    /// The window as Binance's headers name it: `10S`, `1M`, ...
    pub window: String,
    /// The window's length in seconds (before the mock's minute scaling).
    pub window_secs: u64,
    /// How much one request counts.
    pub value: u32,
}

/// One endpoint the mock serves, as [`RunningMock::endpoints`](crate::RunningMock::endpoints) lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointInfo {
    /// The product's module name (`usds_futures`, ...); empty for routes a test added.
    pub product: String,
    /// The endpoint's spec name; for the server-time route, `server_time`.
    pub name: String,
    /// REST method and path, or WebSocket API method.
    pub route: EndpointRoute,
    /// Access rule.
    pub security: Security,
    /// IP or UID weight.
    pub weight_kind: WeightKind,
    /// Weight when no rule applies.
    pub weight: u32,
    /// Parameter-dependent weights; the first rule that matches wins.
    pub weight_rules: Vec<WeightRuleInfo>,
    /// ORDERS counts.
    pub orders: Vec<OrderCountInfo>,
    /// Binance names of the mandatory parameters (besides `timestamp` and `signature`).
    pub required: Vec<String>,
}

impl EndpointInfo {
    /// The weight of a request whose parameter `name` has the value `sent(name)` (`None`: not sent).
    pub fn weight_for<'a>(&self, sent: impl Fn(&str) -> Option<&'a str>) -> u32 {
        for rule in &self.weight_rules {
            let Some(value) = sent(&rule.param) else { continue };
            match rule.at_most {
                None => return rule.value,
                // A value that is not an integer matches no bound: Binance would reject it anyway.
                Some(max) if value.trim().parse::<u64>().is_ok_and(|n| n <= max) => return rule.value,
                Some(_) => {}
            }
        }
        self.weight
    }
}

/// What an endpoint answers when the request passes every check.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// REST: the documented examples; the first unless a test selects another.
    Examples(Vec<String>),
    /// REST: `{"serverTime": <ms>}` from the mock's (possibly skewed) clock.
    ServerTime,
    /// WebSocket API: the `result` of the first example envelope.
    WsResult(Value),
}

/// One served endpoint.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Served {
    pub(crate) info: EndpointInfo,
    /// Host family the weight is counted in: the path's first segment (`fapi`, `papi`, `sapi`),
    /// and for WebSocket methods the family of the product's REST API (weights are shared).
    pub(crate) family: String,
    /// Parameters whose value must be JSON (lists and objects).
    pub(crate) json_params: Vec<String>,
    pub(crate) answer: Answer,
}

/// The host family of a path: its first segment, which is how Binance separates the weight
/// pools of `/fapi`, `/papi`, `/sapi` and `/api`.
pub(crate) fn family_of(path: &str) -> String {
    path.trim_start_matches('/').split('/').next().unwrap_or_default().to_owned()
}

/// Everything a product serves, REST by (method, path) and WebSocket API by method.
#[derive(Debug, Default)]
pub(crate) struct Table {
    pub(crate) rest: HashMap<(String, String), Served>,
    pub(crate) ws: HashMap<String, Served>,
    /// The family the WebSocket handshake is counted in.
    pub(crate) ws_family: String,
}

impl Table {
    /// Every endpoint and time route of `products`; an IR word the mock does not know is an error.
    pub(crate) fn from_products(products: &[Product]) -> Result<Table, MockError> {
        let mut table = Table::default();
        for product in products {
            let family = product_family(product);
            for endpoint in &product.endpoints {
                let served = served(product, endpoint, &family)?;
                match &endpoint.transport {
                    Transport::Http { method, path } => {
                        table.rest.insert((method.to_ascii_uppercase(), path.clone()), served);
                    }
                    Transport::Ws { method } => {
                        if table.ws_family.is_empty() {
                            table.ws_family.clone_from(&family);
                        }
                        table.ws.insert(method.clone(), served);
                    }
                }
            }
            // The clock route answers the mock's (possibly skewed) clock, not the example's
            // fixed `serverTime`, whether or not the spec lists it as an endpoint: clients sync
            // their clocks from it.
            if let Some(time_path) = &product.time_path {
                let key = ("GET".to_owned(), time_path.clone());
                match table.rest.get_mut(&key) {
                    Some(served) => served.answer = Answer::ServerTime,
                    None => {
                        let info = simple_info(&product.module, "server_time", "GET", time_path, 1, Security::None);
                        let family = family_of(time_path);
                        table
                            .rest
                            .insert(key, Served { info, family, json_params: Vec::new(), answer: Answer::ServerTime });
                    }
                }
            }
        }
        if table.ws_family.is_empty() {
            // No WebSocket method in the spec: handshakes count where Binance's ws-fapi does.
            table.ws_family = "fapi".to_owned();
        }
        Ok(table)
    }

    /// Every endpoint, REST first, each sorted by route.
    pub(crate) fn infos(&self) -> Vec<EndpointInfo> {
        let mut infos: Vec<EndpointInfo> =
            self.rest.values().chain(self.ws.values()).map(|served| served.info.clone()).collect();
        infos.sort_by(|a, b| a.route.cmp(&b.route));
        infos
    }
}

/// The REST family of a product: its time path's, else its first REST endpoint's; a product
/// with neither (WebSocket only) counts in a family of its own, named after its module.
fn product_family(product: &Product) -> String {
    let first_rest = product.endpoints.iter().find_map(|e| match &e.transport {
        Transport::Http { path, .. } => Some(path.as_str()),
        Transport::Ws { .. } => None,
    });
    match product.time_path.as_deref().or(first_rest).map(family_of) {
        Some(family) if !family.is_empty() => family,
        _ => product.module.clone(),
    }
}

/// The description of a route with no rules: the time route and routes a test adds.
pub(crate) fn simple_info(
    product: &str,
    name: &str,
    method: &str,
    path: &str,
    weight: u32,
    security: Security,
) -> EndpointInfo {
    EndpointInfo {
        product: product.to_owned(),
        name: name.to_owned(),
        route: EndpointRoute::Rest { method: method.to_owned(), path: path.to_owned() },
        security,
        weight_kind: WeightKind::Ip,
        weight,
        weight_rules: Vec::new(),
        orders: Vec::new(),
        required: Vec::new(),
    }
}

fn served(product: &Product, endpoint: &Endpoint, product_family: &str) -> Result<Served, MockError> {
    let security = endpoint.security;
    let weight_kind = endpoint.weight_kind;
    let mut orders = Vec::new();
    for count in &endpoint.orders {
        orders.push(OrderCountInfo {
            window: count.interval.window_label(count.interval_num),
            window_secs: count.interval.window(count.interval_num).as_secs(),
            value: count.value,
        });
    }
    let (route, family, answer) = match &endpoint.transport {
        Transport::Http { method, path } => {
            let examples = if endpoint.examples.is_empty() {
                vec![if endpoint.response_list { "[]" } else { "{}" }.to_owned()]
            } else {
                endpoint.examples.clone()
            };
            let route = EndpointRoute::Rest { method: method.to_ascii_uppercase(), path: path.clone() };
            (route, family_of(path), Answer::Examples(examples))
        }
        Transport::Ws { method } => {
            let route = EndpointRoute::Ws { method: method.clone() };
            (route, product_family.to_owned(), Answer::WsResult(ws_result(endpoint)))
        }
    };
    let info = EndpointInfo {
        product: product.module.clone(),
        name: endpoint.name.clone(),
        route,
        security,
        weight_kind,
        weight: endpoint.weight,
        weight_rules: endpoint
            .weight_rules
            .iter()
            .map(|r| WeightRuleInfo { param: r.binance_name.clone(), at_most: r.at_most, value: r.value })
            .collect(),
        orders,
        required: endpoint
            .params
            .iter()
            .filter(|p| p.required && p.binance_name != "timestamp" && p.binance_name != "signature")
            .map(|p| p.binance_name.clone())
            .collect(),
    };
    let json_params = endpoint
        .params
        .iter()
        .filter(|p| p.list || matches!(p.ty, ParamType::Model(_)))
        .map(|p| p.binance_name.clone())
        .collect();
    Ok(Served { info, family, json_params, answer })
}

/// The `result` of a WebSocket endpoint's first example (examples are whole envelopes; one
/// without `result` is served whole), `{}`/`[]` when it has none.
fn ws_result(endpoint: &Endpoint) -> Value {
    let example = endpoint.examples.first().and_then(|e| serde_json::from_str::<Value>(e).ok());
    match example {
        Some(Value::Object(mut envelope)) if envelope.contains_key("result") => {
            envelope.remove("result").unwrap_or(Value::Null)
        }
        Some(other) => other,
        None if endpoint.response_list => Value::Array(Vec::new()),
        None => Value::Object(serde_json::Map::new()),
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

    fn info(rules: Vec<WeightRuleInfo>) -> EndpointInfo {
        EndpointInfo { weight_rules: rules, ..simple_info("p", "n", "GET", "/fapi/x", 40, Security::None) }
    }

    #[test]
    fn first_matching_weight_rule_wins() {
        let rule = |param: &str, at_most, value| WeightRuleInfo { param: param.into(), at_most, value };
        let presence = info(vec![rule("symbol", None, 1), rule("pair", None, 2)]);
        assert_eq!(presence.weight_for(|_| None), 40);
        assert_eq!(presence.weight_for(|name| (name == "pair").then_some("BTCUSD")), 2);
        assert_eq!(presence.weight_for(|_| Some("x")), 1);

        let table =
            info(vec![rule("limit", Some(100), 5), rule("limit", Some(500), 10), rule("limit", Some(1000), 20)]);
        assert_eq!(table.weight_for(|_| Some("100")), 5);
        assert_eq!(table.weight_for(|_| Some("101")), 10);
        assert_eq!(table.weight_for(|_| Some("1000")), 20);
        // Above every bound, or not a number: no rule applies.
        assert_eq!(table.weight_for(|_| Some("5000")), 40);
        assert_eq!(table.weight_for(|_| Some("-1")), 40);
        assert_eq!(table.weight_for(|_| None), 40);
    }
}

//! A WebSocket API method: the same parameters, written as JSON values.

use binance_runtime::params::JsonParams;
use binance_runtime::{Endpoint, Security, WeightKind, WsEndpoint};

#[derive(Debug, Default, Endpoint)]
#[endpoint(ws = "account.status", security = "USER_DATA", weight(uid = 5), response = serde_json::Value)]
struct AccountStatusRequest {
    recv_window: Option<u32>,
    limit: Option<u16>,
    symbol: Option<String>,
}

fn main() {
    assert_eq!(<AccountStatusRequest as WsEndpoint>::METHOD, "account.status");
    assert_eq!(AccountStatusRequest::SECURITY, Security::UserData);
    let req = AccountStatusRequest { recv_window: Some(3000), limit: Some(7), symbol: Some("BTCUSDT".into()) };
    assert_eq!(req.weight().kind, WeightKind::Uid);
    assert_eq!(req.weight().value, 5);
    assert_eq!(req.recv_window(), Some(3000));
    let mut params = JsonParams::default();
    req.write_params(&mut params);
    assert_eq!(serde_json::to_string(&params.map).unwrap(), r#"{"limit":7,"symbol":"BTCUSDT"}"#);
    let mut empty = JsonParams::default();
    AccountStatusRequest::default().write_params(&mut empty);
    assert!(empty.map.is_empty(), "unset optional parameters are not sent");
}

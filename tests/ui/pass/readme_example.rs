//! The hand-written endpoint shown in the README compiles as written.

use binance_runtime::{model, Credentials, Decimal, Endpoint};

/// `GET /papi/v1/balance`: signed, weight 20; every asset, or one with `asset`.
#[derive(Debug, Clone, Default, Endpoint)]
#[endpoint(http = "GET /papi/v1/balance", security = "USER_DATA", weight(ip = 20), response = Vec<Balance>)]
pub struct BalanceRequest {
    pub asset: Option<String>,
    pub recv_window: Option<u64>,
}

#[model]
#[derive(Debug, Clone, PartialEq)]
pub struct Balance {
    pub asset: String,
    pub total_wallet_balance: Decimal,
    #[serde(rename = "umUnrealizedPNL")]
    pub um_unrealized_pnl: Decimal,
    pub negative_balance: Option<Decimal>,
    pub update_time: i64,
}

async fn usdt_balance() -> binance_runtime::Result<Vec<Balance>> {
    let rest = binance_client::portfolio_margin::Client::builder()
        .credentials(Credentials::hmac("api-key", "secret")?)
        .build()?;
    rest.execute(&BalanceRequest { asset: Some("USDT".into()), ..Default::default() }).await
}

fn main() {
    // Compiling is the test; nothing is sent.
    drop(usdt_balance());
    assert_eq!(BalanceRequest::default().weight().value, 20);
}

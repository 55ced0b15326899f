use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v3/account", security = "USER_DATA", weight(ip = 5), response = ())]
#[endpoint(security = "TRADE")]
struct AccountRequest {}

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v3/account", security = "USER_DATA", weight(ip = 5, uid = 5), response = ())]
struct TwoKindsRequest {}

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v1/ticker/price", security = "NONE", weight(ip = 1), response = ())]
struct RenamedTwiceRequest {
    #[endpoint(rename = "symbol")]
    pair: Option<String>,
    symbol: Option<String>,
}

fn main() {}

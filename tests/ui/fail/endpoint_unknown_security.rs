use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v3/account", security = "SIGNED", weight(ip = 5), response = ())]
struct AccountRequest {}

fn main() {}

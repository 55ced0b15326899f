use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v3/account", security = "USER_DATA", weight(account = 5), response = ())]
struct AccountRequest {}

fn main() {}

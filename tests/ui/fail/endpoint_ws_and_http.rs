use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v3/account", ws = "account.status", security = "USER_DATA", weight(ip = 5), response = ())]
struct AccountRequest {}

fn main() {}

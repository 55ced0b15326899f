use binance_runtime::Endpoint;

#[derive(Endpoint)]
#[endpoint(http = "GET /fapi/v3/account", security = "USER_DATA", weight(ip = 5), response = ())]
struct AccountRequest {
    recv_window: Option<u64>,
    timestamp: u64,
}

fn main() {}

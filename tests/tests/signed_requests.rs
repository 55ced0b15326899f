//! For each REST seed endpoint: the exact request the generated client builds.

use binance_client::runtime::{Credentials, HttpMethod, PreparedRequest, WeightKind};
use binance_client::{portfolio_margin, portfolio_margin_pro, usds_futures};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const KEY: &str = "test-api-key";
const SECRET: &str = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
const TS: u64 = 1_591_702_613_943;

/// Checks the signature is the last parameter and is HMAC-SHA256 over every byte before it.
fn assert_signed(prepared: &PreparedRequest) -> String {
    let (payload, signature) = prepared.query.rsplit_once("&signature=").expect("signature is the last parameter");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(payload.as_bytes());
    assert_eq!(signature, hex::encode(mac.finalize().into_bytes()), "signature does not verify");
    assert_eq!(prepared.api_key.as_deref(), Some(KEY));
    payload.to_string()
}

fn credentials() -> Credentials {
    Credentials::hmac(KEY, SECRET).unwrap()
}

#[test]
fn account_information_v3() {
    let client = usds_futures::Client::new(usds_futures::Client::builder().credentials(credentials()).build().unwrap());
    let request = usds_futures::AccountInformationV3Request::new().recv_window(5000);
    let prepared = client.rest().prepare_at(&request, TS).unwrap();
    assert_eq!(prepared.method, HttpMethod::Get);
    assert_eq!(prepared.url, "https://fapi.binance.com/fapi/v3/account");
    assert_eq!(assert_signed(&prepared), "recvWindow=5000&timestamp=1591702613943");
    assert_eq!((prepared.weight.kind, prepared.weight.value), (WeightKind::Ip, 5));
}

#[test]
fn classic_portfolio_margin_account_information() {
    let client = usds_futures::Client::new(
        usds_futures::Client::builder().base_url("http://127.0.0.1:9/").credentials(credentials()).build().unwrap(),
    );
    let request = usds_futures::ClassicPortfolioMarginAccountInformationRequest::new("BTC");
    let prepared = client.rest().prepare_at(&request, TS).unwrap();
    assert_eq!(prepared.url, "http://127.0.0.1:9/fapi/v1/pmAccountInfo");
    assert_eq!(assert_signed(&prepared), "asset=BTC&timestamp=1591702613943");
}

#[test]
fn portfolio_margin_account_information_uses_the_client_default_recv_window() {
    let client = portfolio_margin::Client::new(
        portfolio_margin::Client::builder().credentials(credentials()).recv_window(10_000).build().unwrap(),
    );
    let prepared = client.rest().prepare_at(&portfolio_margin::AccountInformationRequest::default(), TS).unwrap();
    assert_eq!(prepared.url, "https://papi.binance.com/papi/v1/account");
    assert_eq!(assert_signed(&prepared), "recvWindow=10000&timestamp=1591702613943");
    assert_eq!(prepared.weight.value, 20);
}

#[test]
fn portfolio_margin_pro_weight_is_uid() {
    let client = portfolio_margin_pro::Client::new(
        portfolio_margin_pro::Client::builder().credentials(credentials()).build().unwrap(),
    );
    let request = portfolio_margin_pro::PortfolioMarginProAccountInformationRequest::new().recv_window(60_000);
    let prepared = client.rest().prepare_at(&request, TS).unwrap();
    assert_eq!(prepared.url, "https://api.binance.com/sapi/v1/portfolio/account");
    assert_eq!(assert_signed(&prepared), "recvWindow=60000&timestamp=1591702613943");
    assert_eq!((prepared.weight.kind, prepared.weight.value), (WeightKind::Uid, 5));
}

#[test]
fn values_are_percent_encoded_before_signing() {
    let client = usds_futures::Client::new(usds_futures::Client::builder().credentials(credentials()).build().unwrap());
    let request = usds_futures::ClassicPortfolioMarginAccountInformationRequest::new("A B&C=D");
    let prepared = client.rest().prepare_at(&request, TS).unwrap();
    assert_eq!(assert_signed(&prepared), "asset=A%20B%26C%3DD&timestamp=1591702613943");
}

#[test]
fn recv_window_above_60000_is_refused_before_sending() {
    let client = usds_futures::Client::new(usds_futures::Client::builder().credentials(credentials()).build().unwrap());
    let request = usds_futures::AccountInformationV3Request::new().recv_window(60_001);
    let err = client.rest().prepare_at(&request, TS).unwrap_err();
    assert!(err.to_string().contains("recvWindow 60001"), "{err}");
}

#[test]
fn signed_endpoint_without_credentials_is_a_config_error() {
    let client = usds_futures::Client::new(usds_futures::Client::builder().build().unwrap());
    let err = client.rest().prepare_at(&usds_futures::AccountInformationV3Request::default(), TS).unwrap_err();
    assert!(err.to_string().contains("set credentials"), "{err}");
}

#[test]
fn debug_output_hides_the_api_key() {
    let client = usds_futures::Client::new(usds_futures::Client::builder().credentials(credentials()).build().unwrap());
    let prepared = client.rest().prepare_at(&usds_futures::AccountInformationV3Request::default(), TS).unwrap();
    for shown in [format!("{client:?}"), format!("{prepared:?}")] {
        assert!(!shown.contains(KEY) && !shown.contains(SECRET), "{shown}");
    }
}

//! Golden: every response example stored in the spec decodes into its generated model and
//! re-encodes with no value lost; and decoding survives what the wire really sends.

use binance_client::runtime::ws::WsResponse;
use binance_client::{portfolio_margin, portfolio_margin_pro, usds_futures};
use binance_codegen::{ir::Transport, Config};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::path::Path;
use std::str::FromStr;

/// Decodes `json` as `T`, re-encodes it, and checks nothing was lost.
fn round_trip<T: DeserializeOwned + Serialize>(label: &str, json: &str) {
    let original: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{label}: example is not JSON: {e}"));
    let decoded: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("{label}: does not decode: {e}"));
    let reencoded = serde_json::to_value(&decoded).unwrap();
    assert_lossless(label, "$", &original, &reencoded);
}

fn is_empty(v: &Value) -> bool {
    v.is_null() || v.as_str() == Some("")
}

fn as_decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => binance_client::runtime::decimal::parse(s).ok(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

/// Every value of `original` is in `reencoded`: equal, or the same decimal with the same scale,
/// or an empty value (`""`/`null`) that became absent or `null`.
fn assert_lossless(label: &str, at: &str, original: &Value, reencoded: &Value) {
    match (original, reencoded) {
        (Value::Object(o), Value::Object(r)) => {
            for (k, ov) in o {
                let path = format!("{at}.{k}");
                match r.get(k) {
                    Some(rv) => assert_lossless(label, &path, ov, rv),
                    None => assert!(is_empty(ov), "{label}: {path} = {ov} was dropped"),
                }
            }
        }
        (Value::Array(o), Value::Array(r)) => {
            assert_eq!(o.len(), r.len(), "{label}: {at} array length changed");
            for (i, (ov, rv)) in o.iter().zip(r).enumerate() {
                assert_lossless(label, &format!("{at}[{i}]"), ov, rv);
            }
        }
        (o, r) if o == r => {}
        (o, r) if is_empty(o) && is_empty(r) => {}
        (o, r) => match (as_decimal(o), as_decimal(r)) {
            (Some(a), Some(b)) if a == b && a.scale() == b.scale() => {}
            _ => panic!("{label}: {at} changed from {o} to {r}"),
        },
    }
}

#[test]
fn every_example_decodes_and_reencodes_without_loss() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let products = Config::new().spec_dir(spec).validate().unwrap();
    let mut checked = 0;
    for product in &products {
        for endpoint in &product.endpoints {
            assert!(!endpoint.examples.is_empty(), "{}: no examples in the spec", endpoint.name);
            for (i, json) in endpoint.examples.iter().enumerate() {
                let label = format!("{}.{} example {i}", product.module, endpoint.name);
                match (product.module.as_str(), endpoint.name.as_str()) {
                    ("usds_futures", "account_information_v3") => {
                        round_trip::<usds_futures::AccountInformationV3>(&label, json)
                    }
                    ("usds_futures", "classic_portfolio_margin_account_information") => {
                        round_trip::<usds_futures::ClassicPortfolioMarginAccountInformation>(&label, json)
                    }
                    ("usds_futures", "account_status") => {
                        assert!(matches!(endpoint.transport, Transport::Ws { .. }));
                        round_trip::<WsResponse<usds_futures::AccountStatusResult>>(&label, json)
                    }
                    ("portfolio_margin", "account_information") => {
                        round_trip::<portfolio_margin::AccountInformation>(&label, json)
                    }
                    ("portfolio_margin_pro", "portfolio_margin_pro_account_information") => {
                        round_trip::<portfolio_margin_pro::PortfolioMarginProAccountInformation>(&label, json)
                    }
                    (p, e) => panic!("{p}.{e}: new endpoint in the spec; add its model to this golden test"),
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 7, "only {checked} examples checked");
}

#[test]
fn the_checker_itself_notices_loss() {
    let original: Value = serde_json::from_str(r#"{"a":"1.10","b":[1,2],"c":"x"}"#).unwrap();
    for changed in [r#"{"a":"1.1","b":[1,2],"c":"x"}"#, r#"{"a":"1.10","b":[1],"c":"x"}"#, r#"{"a":"1.10","b":[1,2]}"#]
    {
        let changed: Value = serde_json::from_str(changed).unwrap();
        let outcome = std::panic::catch_unwind(|| assert_lossless("t", "$", &original, &changed));
        assert!(outcome.is_err(), "loss not noticed: {changed}");
    }
}

#[test]
fn decoding_survives_what_the_wire_sends() {
    use portfolio_margin_pro::{AccountStatus, AccountType, PortfolioMarginProAccountInformation as Pm};
    // Numbers instead of strings, a thousands separator, a new enum value and a new field.
    let json = r#"{"uniMMR": 5167.92171923, "accountEquity": "122607.35137903", "actualEquity": "1",
        "accountMaintMargin": "23.72469206", "accountInitialMargin": "", "totalAvailableBalance": "1,000.5",
        "accountStatus": "SOMETHING_NEW", "accountType": "PM_3", "brandNewField": {"x": 1}}"#;
    let pm: Pm = serde_json::from_str(json).unwrap();
    assert_eq!(pm.uni_mmr, Decimal::from_str("5167.92171923").unwrap());
    assert_eq!(pm.account_initial_margin, None);
    assert_eq!(pm.total_available_balance, Some(Decimal::from_str("1000.5").unwrap()));
    assert_eq!(pm.account_status, AccountStatus::Other("SOMETHING_NEW".into()));
    assert_eq!(pm.account_type, AccountType::Pm3);
    // The unknown value is sent back as received.
    assert_eq!(serde_json::to_value(&pm.account_status).unwrap(), "SOMETHING_NEW");
}

#[test]
fn empty_strings_on_optional_decimals_are_none() {
    let json = r#"{"uniMMR":"1","accountEquity":"1","actualEquity":"1","accountInitialMargin":"1",
        "accountMaintMargin":"1","accountStatus":"NORMAL","virtualMaxWithdrawAmount":"1",
        "totalAvailableBalance":"","totalMarginOpenLoss":"","updateTime":1657707212154}"#;
    let account: portfolio_margin::AccountInformation = serde_json::from_str(json).unwrap();
    assert_eq!(account.total_available_balance, None);
    assert_eq!(account.total_margin_open_loss, None);
    assert_eq!(account.update_time, 1657707212154);
}

#[test]
fn a_missing_required_field_is_a_clear_decode_error() {
    let err = serde_json::from_str::<usds_futures::ClassicPortfolioMarginAccountInformation>(r#"{"asset":"BTC"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field `maxWithdrawAmountUSD`"), "{err}");
}

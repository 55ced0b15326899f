//! The protocol rules are written once, in `binance_spec::protocol`; the runtime, the derives'
//! users and the mock use those very items, not copies. These checks fail to compile (or fail)
//! if a crate grows its own copy again.

use binance_spec::protocol::{self, Interval, LimitKind, RateLimitType, Security, WeightKind};

/// Accepts only the protocol's own types.
fn same_types(_: Security, _: WeightKind, _: Interval, _: LimitKind, _: RateLimitType) {}

#[test]
fn runtime_and_mock_use_the_protocol_types() {
    same_types(
        binance_runtime::Security::Trade,
        binance_runtime::WeightKind::Uid,
        binance_runtime::Interval::Minute,
        binance_runtime::LimitKind::Ip,
        binance_runtime::RateLimitType::Orders,
    );
    same_types(
        binance_mock::Security::UserData,
        binance_mock::WeightKind::Ip,
        Interval::Second,
        LimitKind::Account,
        RateLimitType::RequestWeight,
    );
    assert_eq!(binance_runtime::MAX_RECV_WINDOW_MS, protocol::MAX_RECV_WINDOW_MS);
}

/// The generated client's field names read back as Binance's names by the derives' rule, or
/// carry an explicit rename: the validator decides with the same `camel_case` the derives use.
#[test]
fn validator_rename_decisions_follow_the_derives_rule() {
    let products = binance_spec::Specs::new().dir(binance_client::SPEC_DIR).validate().unwrap();
    let mut checked = 0;
    for field in products.iter().flat_map(|p| p.models.iter()).flat_map(|m| m.fields.iter()) {
        assert_eq!(field.needs_rename, protocol::camel_case(&field.rust_name) != field.binance_name, "{field:?}");
        checked += 1;
    }
    assert!(checked > 1000, "only {checked} fields checked");
}

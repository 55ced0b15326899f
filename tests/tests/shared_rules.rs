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

/// Accepts only the protocol's rate limit.
fn protocol_rate_limits(limits: &[protocol::RateLimit]) -> &[protocol::RateLimit] {
    limits
}

/// One `RateLimit`: the spec's typed IR, the generated `PRODUCT` statics and the runtime's
/// governor share it, and the window arithmetic (`window`, the `1M` header label) with it.
#[test]
fn the_spec_the_generated_client_and_the_runtime_share_one_rate_limit() {
    let products = binance_spec::Specs::new().dir(binance_client::SPEC_DIR).validate().unwrap();
    let usds = products.iter().find(|p| p.module == "usds_futures").unwrap();
    let from_spec: &[binance_spec::ir::RateLimit] = &usds.rate_limits;
    let generated: &[binance_runtime::RateLimit] = binance_client::usds_futures::PRODUCT.rate_limits;
    assert_eq!(protocol_rate_limits(from_spec), protocol_rate_limits(generated));
    let weight = generated.iter().find(|l| l.limit_type == RateLimitType::RequestWeight).unwrap();
    assert_eq!((weight.window(), weight.window_label().as_str()), (std::time::Duration::from_secs(60), "1M"));
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

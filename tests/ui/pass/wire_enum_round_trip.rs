//! A wire enum decodes known and unknown values and encodes both back unchanged.

use binance_runtime::WireEnum;

#[derive(Debug, Clone, PartialEq, Eq, Hash, WireEnum)]
enum AccountStatus {
    Normal,
    #[wire("MARGIN_CALL")]
    MarginCall,
    #[wire("PM_1")]
    Pm1,
    Other(String),
}

fn main() {
    let decoded: Vec<AccountStatus> = serde_json::from_str(r#"["NORMAL","MARGIN_CALL","PM_1","NEW_STATE"]"#).unwrap();
    assert_eq!(
        decoded,
        [
            AccountStatus::Normal,
            AccountStatus::MarginCall,
            AccountStatus::Pm1,
            AccountStatus::Other("NEW_STATE".into())
        ]
    );
    assert!(decoded[3].is_unknown() && !decoded[0].is_unknown());
    assert_eq!(serde_json::to_string(&decoded).unwrap(), r#"["NORMAL","MARGIN_CALL","PM_1","NEW_STATE"]"#);
    assert_eq!(AccountStatus::MarginCall.to_string(), "MARGIN_CALL");
    assert_eq!(AccountStatus::from("PM_1"), AccountStatus::Pm1);
    assert_eq!(AccountStatus::from_wire("normal"), AccountStatus::Other("normal".into()), "wire values are exact");
}

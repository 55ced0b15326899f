//! Names the importer gives: endpoint names (stable, from the page URL) and enum names (from
//! the parameter or field name, the same on every page so that enums merge across pages).

use heck::{ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};

/// One concept, one enum name on every page: a parameter or field name → its enum. Names not
/// listed get the PascalCase of the name.
const ENUM_NAMES: &[(&str, &str)] = &[
    ("side", "OrderSide"),
    ("positionSide", "PositionSide"),
    ("type", "OrderType"),
    ("origType", "OrderType"),
    ("orderType", "OrderType"),
    ("timeInForce", "TimeInForce"),
    ("status", "OrderStatus"),
    ("workingType", "WorkingType"),
    ("newOrderRespType", "ResponseType"),
    ("interval", "KlineInterval"),
    ("period", "Period"),
    ("contractType", "ContractType"),
    ("marginType", "MarginType"),
    ("selfTradePreventionMode", "SelfTradePreventionMode"),
    ("priceMatch", "PriceMatch"),
    ("sideEffectType", "SideEffectType"),
    ("strategyType", "StrategyType"),
    ("autoCloseType", "AutoCloseType"),
    ("algoType", "AlgoType"),
    ("algoStatus", "AlgoStatus"),
    ("stopLimitTimeInForce", "TimeInForce"),
    ("strategyStatus", "StrategyStatus"),
];

/// The shared enum a parameter or field of this name takes (`side` → `OrderSide`), if it is
/// one of the concepts every page shares.
pub fn canonical_enum(name: &str) -> Option<&'static str> {
    ENUM_NAMES.iter().find(|(n, _)| *n == name).map(|(_, e)| *e)
}

/// The shared enum a value list's title names: `Order Type` → `OrderType`, `Side` → `OrderSide`,
/// `Time in force` → `TimeInForce`, `Order Status` → `OrderStatus`; `None` for other titles
/// (`Execution Type`).
pub fn shared_enum_titled(title: &str) -> Option<&'static str> {
    let title = title.trim().trim_end_matches(':').trim();
    canonical_enum(&title.to_lower_camel_case()).or_else(|| {
        let t = type_name(title);
        ENUM_NAMES.iter().map(|(_, e)| *e).find(|e| *e == t)
    })
}

/// A type name that is not one of the shared enums' names (`OrderStatus` is the enum, so the
/// response of a page named "Order Status" is `OrderStatusResponse`).
pub fn model_name(name: &str) -> String {
    let t = type_name(name);
    if ENUM_NAMES.iter().any(|(_, e)| *e == t) {
        format!("{t}Response")
    } else {
        t
    }
}

/// The name of an enum that is not a shared concept (a loan record's `status`, a convert
/// order's `orderStatus`): the PascalCase of the field, prefixed with its model's name when
/// that would be one of the shared enums' names.
pub fn own_enum_name(field: &str, model: &str) -> String {
    let t = type_name(field);
    if ENUM_NAMES.iter().any(|(_, e)| *e == t) {
        format!("{model}{t}")
    } else {
        t
    }
}

/// The enum name for parameter or field `name`: `side` → `OrderSide`, `positionSide` →
/// `PositionSide`, anything else → its PascalCase (`accountType` → `AccountType`).
pub fn enum_name(name: &str) -> String {
    ENUM_NAMES.iter().find(|(n, _)| *n == name).map(|(_, e)| e.to_string()).unwrap_or_else(|| type_name(name))
}

/// A PascalCase type name that does not start with a digit: `24hr_ticker` → `Ticker24hr`.
pub fn type_name(name: &str) -> String {
    snake_ident(name).to_upper_camel_case()
}

/// A snake_case identifier that does not start with a digit: leading number words move to the
/// end (`24hr_ticker_price_change_statistics` → `ticker_price_change_statistics_24hr`);
/// characters other than ASCII letters and digits separate words.
pub fn snake_ident(name: &str) -> String {
    let cleaned: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    let snake = cleaned.split_whitespace().map(|w| w.to_snake_case()).collect::<Vec<_>>().join("_");
    let mut words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    let lead = words.iter().take_while(|w| w.starts_with(|c: char| c.is_ascii_digit())).count();
    if lead == words.len() {
        return if words.is_empty() { "endpoint".to_string() } else { format!("n_{}", words.join("_")) };
    }
    words.rotate_left(lead);
    words.join("_")
}

/// The endpoint's stable name: the WebSocket method (`v2/account.status` →
/// `v2_account_status`), else the page URL's last segment (`…/Order-Book` → `order_book`)
/// when it names a page (it has a capital letter), else the title (a section's landing page,
/// e.g. `…/rest-api`, holds its first endpoint).
pub fn endpoint_name(ws_method: Option<&str>, docs_url: &str, title: &str) -> String {
    if let Some(m) = ws_method {
        return snake_ident(m);
    }
    let segment = docs_url.split(['#', '?']).next().unwrap_or("").rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
    if segment.chars().any(|c| c.is_ascii_uppercase()) || !title.is_ascii() || title.trim().is_empty() {
        snake_ident(segment)
    } else {
        snake_ident(title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_start_with_a_digit() {
        assert_eq!(snake_ident("24hr_ticker_price_change_statistics"), "ticker_price_change_statistics_24hr");
        assert_eq!(snake_ident("24hr-Ticker-Price-Change-Statistics"), "ticker_price_change_statistics_24hr");
        assert_eq!(snake_ident("v2/account.status"), "v2_account_status");
        assert_eq!(snake_ident("123"), "n_123");
        assert_eq!(snake_ident(""), "endpoint");
        assert_eq!(type_name("24hr_ticker"), "Ticker24hr");
    }

    #[test]
    fn endpoint_names_come_from_the_url() {
        let url =
            "https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Order-Book";
        assert_eq!(endpoint_name(None, url, "Whatever Title"), "order_book");
        let landing = "https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api";
        assert_eq!(endpoint_name(None, landing, "Test Connectivity"), "test_connectivity");
        assert_eq!(endpoint_name(Some("v2/account.status"), url, "x"), "v2_account_status");
    }

    #[test]
    fn enum_names_are_shared_by_concept() {
        assert_eq!(enum_name("side"), "OrderSide");
        assert_eq!(enum_name("origType"), "OrderType");
        assert_eq!(enum_name("type"), "OrderType");
        assert_eq!(enum_name("accountType"), "AccountType");
        assert_eq!(model_name("order_status"), "OrderStatusResponse");
        assert_eq!(own_enum_name("status", "LoanRecordRow"), "Status");
        assert_eq!(own_enum_name("orderStatus", "AcceptQuote"), "AcceptQuoteOrderStatus");
        assert_eq!(own_enum_name("accountStatus", "Account"), "AccountStatus");
        assert_eq!(model_name("order_book"), "OrderBook");
    }
}

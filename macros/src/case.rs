//! The one naming rule the macros share: serde's `rename_all = "camelCase"`.

/// serde's `rename_all = "camelCase"` for a field: `max_withdraw_amount` → `maxWithdrawAmount`.
pub(crate) fn camel_case(field: &str) -> String {
    let mut pascal = String::with_capacity(field.len());
    let mut capitalize = true;
    for ch in field.chars() {
        if ch == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(ch.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(ch);
        }
    }
    let mut chars = pascal.chars();
    chars.next().map(|first| first.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::camel_case;

    #[test]
    fn camel_case_matches_serde() {
        assert_eq!(camel_case("max_withdraw_amount"), "maxWithdrawAmount");
        assert_eq!(camel_case("total_cross_un_pnl"), "totalCrossUnPnl");
        assert_eq!(camel_case("time"), "time");
        assert_eq!(camel_case("a__b_"), "aB");
        assert_eq!(camel_case("_x"), "x");
        assert_eq!(camel_case(""), "");
    }
}

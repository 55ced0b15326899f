//! Rust names for Binance names: heck for the case, plus keyword and collision handling. The
//! rule back (Rust field → wire name) is [`camel_case`], the derives' rule.

use crate::protocol::camel_case;
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::HashMap;

/// Words Rust reserves (strict and reserved keywords of the 2021 edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Makes `name` a usable identifier: keywords get a trailing `_`, a leading digit a prefix.
fn usable(name: String, digit_prefix: &str) -> String {
    let name = if name.is_empty() { "value".to_string() } else { name };
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) { format!("{digit_prefix}{name}") } else { name };
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Keeps only characters valid in identifiers, so `account.status` becomes `account_status`.
fn identifier_chars(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// `uniMMR` → `uni_mmr`; `type` → `type_`.
pub fn field_name(binance: &str) -> String {
    usable(identifier_chars(binance).to_snake_case(), "n")
}

/// `MARGIN_CALL` → `MarginCall`; `1m` → `V1m`.
pub fn variant_name(wire: &str) -> String {
    usable(identifier_chars(wire).to_upper_camel_case(), "V")
}

/// `account_information_v3` → `AccountInformationV3`.
pub fn type_name(name: &str) -> String {
    usable(identifier_chars(name).to_upper_camel_case(), "T")
}

/// `account_information_v3` → `account_information_v3` (with keyword handling).
pub fn method_name(name: &str) -> String {
    usable(identifier_chars(name).to_snake_case(), "n")
}

/// [`field_name`] and the rename check, remembered: models repeat the same field names, and
/// heck's case conversion was a fifth of validation time on a large spec.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    field_names: HashMap<String, String>,
    camel_cases: HashMap<String, String>,
}

impl Cache {
    /// [`field_name`]`(binance)`.
    pub(crate) fn field_name(&mut self, binance: &str) -> String {
        if let Some(name) = self.field_names.get(binance) {
            return name.clone();
        }
        let name = field_name(binance);
        self.field_names.insert(binance.to_string(), name.clone());
        name
    }

    /// Whether the Rust field `rust_field` needs an explicit rename to read as `binance`
    /// ([`camel_case`] differs).
    pub(crate) fn needs_rename(&mut self, rust_field: &str, binance: &str) -> bool {
        if let Some(camel) = self.camel_cases.get(rust_field) {
            return camel != binance;
        }
        let camel = camel_case(rust_field);
        let differs = camel != binance;
        self.camel_cases.insert(rust_field.to_string(), camel);
        differs
    }
}

/// Makes every name in `names` unique by appending `_2`, `_3`, … to later duplicates.
pub fn dedupe(names: &mut [String]) {
    for i in 1..names.len() {
        if names[..i].contains(&names[i]) {
            let base = names[i].clone();
            let mut n = 2;
            while names.contains(&format!("{base}_{n}")) {
                n += 1;
            }
            names[i] = format!("{base}_{n}");
        }
    }
}

/// True for a well-formed snake_case spec name (`account_information_v3`).
pub fn is_snake_case(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// True for a well-formed PascalCase spec type name (`AccountAsset`).
pub fn is_pascal_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binance_names_become_rust_names() {
        assert_eq!(field_name("uniMMR"), "uni_mmr");
        assert_eq!(field_name("maxWithdrawAmountUSD"), "max_withdraw_amount_usd");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("1mVolume"), "n1m_volume");
        assert_eq!(variant_name("MARGIN_CALL"), "MarginCall");
        assert_eq!(variant_name("PM_1"), "Pm1");
        assert_eq!(variant_name("1m"), "V1m");
        assert_eq!(type_name("account_information_v3"), "AccountInformationV3");
        assert_eq!(method_name("account.status"), "account_status");
    }

    #[test]
    fn rename_is_needed_only_where_camel_case_differs() {
        assert_eq!(camel_case(&field_name("uniMMR")), "uniMmr");
        assert_eq!(camel_case(&field_name("totalWalletBalance")), "totalWalletBalance");
        assert_eq!(camel_case(&field_name("type")), "type");
    }

    #[test]
    fn snake_case_names_convert_like_heck() {
        let names = ["account_information_v3", "a__b_", "_lead", "v1", "x", "1m_klines", "order_", "a_1_b2", "_", ""];
        for name in names {
            assert_eq!(method_name(name), usable(name.to_snake_case(), "n"), "{name}");
            assert_eq!(type_name(name), usable(name.to_upper_camel_case(), "T"), "{name}");
        }
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(method_name("type"), "type_");
    }

    #[test]
    fn the_cache_answers_like_the_functions() {
        let mut cache = Cache::default();
        for _ in 0..2 {
            for binance in ["uniMMR", "type", "totalWalletBalance", "1mVolume", "a.b"] {
                let rust = cache.field_name(binance);
                assert_eq!(rust, field_name(binance));
                assert_eq!(cache.needs_rename(&rust, binance), camel_case(&rust) != binance, "{binance}");
            }
        }
        assert!(cache.needs_rename("uni_mmr", "uniMMR"));
        assert!(!cache.needs_rename("uni_mmr", "uniMmr"));
    }

    #[test]
    fn collisions_get_suffixes() {
        let mut names = vec!["a".to_string(), "a".to_string(), "a".to_string()];
        dedupe(&mut names);
        assert_eq!(names, ["a", "a_2", "a_3"]);
    }
}

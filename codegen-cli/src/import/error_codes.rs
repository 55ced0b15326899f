//! Reads a product's error-code page into the spec's `errors:` list.
//!
//! Binance publishes error codes in two shapes, both handled:
//!
//! ```text
//! ### -1000 UNKNOWN
//!   * An unknown error occurred while processing the request.
//! ```
//!
//! and a table `| -1000 | UNKNOWN | An unknown error occurred … |` (a header row and the
//! `|---|` separator are skipped). Heading anchors (`[​](/docs/…#-1000-unknown "…")`),
//! U+200B and U+00A0 are ignored. A code listed twice keeps its first entry, so the result never
//! trips the validator's "listed twice" check.

use crate::ast::ErrorCode;

/// The error codes on `text`, in page order; empty when the page lists none (the caller reports
/// that, rather than writing an empty list).
pub fn parse_error_codes(text: &str) -> Vec<ErrorCode> {
    let mut out: Vec<ErrorCode> = Vec::new();
    // The heading entry whose bullet lines are being collected.
    let mut open: Option<ErrorCode> = None;
    for raw in text.lines() {
        let line = clean(raw);
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            push(&mut out, open.take());
            open = heading(trimmed);
        } else if trimmed.starts_with('|') {
            push(&mut out, open.take());
            push(&mut out, table_row(trimmed));
        } else if let Some(entry) = open.as_mut() {
            if let Some(bullet) = trimmed.strip_prefix(['*', '-']).map(str::trim).filter(|b| !b.is_empty()) {
                let msg = entry.msg.get_or_insert_with(String::new);
                if !msg.is_empty() {
                    msg.push('\n');
                }
                msg.push_str(bullet);
            }
        }
    }
    push(&mut out, open);
    out
}

fn push(out: &mut Vec<ErrorCode>, entry: Option<ErrorCode>) {
    if let Some(e) = entry {
        if out.iter().all(|o| o.code != e.code) {
            out.push(e);
        }
    }
}

/// The line without zero-width and no-break spaces and without heading anchor links.
fn clean(line: &str) -> String {
    let mut s = line.replace('\u{200b}', "").replace('\u{a0}', " ");
    // `[](/docs/…)` is what is left of a heading anchor once U+200B is gone.
    while let Some(at) = s.find("[](") {
        let end = s[at..].find(')').map_or(s.len(), |e| at + e + 1);
        s.replace_range(at..end, "");
    }
    s
}

/// `### -1000 UNKNOWN` → code -1000, name `UNKNOWN`.
fn heading(line: &str) -> Option<ErrorCode> {
    let mut words = line.trim_start_matches('#').split_whitespace();
    let code = words.next()?.trim_matches(['*', '`']).parse::<i64>().ok()?;
    let name = words.next()?.trim_matches(['*', '`']);
    is_name(name).then(|| ErrorCode { code, name: name.to_string(), msg: None })
}

/// `| -1000 | UNKNOWN | An unknown error … |`.
fn table_row(line: &str) -> Option<ErrorCode> {
    let cells: Vec<&str> = line.trim_matches('|').split('|').map(|c| c.trim().trim_matches(['*', '`'])).collect();
    let code = cells.first()?.parse::<i64>().ok()?;
    let name = *cells.get(1)?;
    if !is_name(name) {
        return None;
    }
    let msg = cells[2..].iter().filter(|c| !c.is_empty()).copied().collect::<Vec<_>>().join("\n");
    Some(ErrorCode { code, name: name.to_string(), msg: (!msg.is_empty()).then_some(msg) })
}

/// Binance's error names are upper-case words joined by `_`, e.g. `BAD_SYMBOL`.
fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_with_bullets_anchors_and_zero_width_spaces() {
        let page = "## 10xx - General Server or Network issues\n\
                    ### -1000 UNKNOWN[\u{200b}](/docs/x#-1000-unknown \"Direct link\")\n\
                    \n  * An unknown error occurred while processing the request.\n\
                    ### -1001\u{a0}DISCONNECTED\n  * Internal error; unable to process your request.\n  * Please try again.\n\
                    ### -1001 DISCONNECTED\n  * listed twice\n\
                    ### Not an error heading\n  * ignored bullet\n";
        let codes = parse_error_codes(page);
        assert_eq!(
            codes,
            vec![
                ErrorCode {
                    code: -1000,
                    name: "UNKNOWN".into(),
                    msg: Some("An unknown error occurred while processing the request.".into())
                },
                ErrorCode {
                    code: -1001,
                    name: "DISCONNECTED".into(),
                    msg: Some("Internal error; unable to process your request.\nPlease try again.".into())
                },
            ]
        );
    }

    #[test]
    fn table_rows() {
        let page = "| Code | Name | Message |\n|---|---|---|\n| -1121 | BAD_SYMBOL | Invalid symbol. |\n| -2019 | `MARGIN_NOT_SUFFICIEN` | |\n";
        let codes = parse_error_codes(page);
        assert_eq!(codes.len(), 2);
        assert_eq!(codes[0].msg.as_deref(), Some("Invalid symbol."));
        assert_eq!(codes[1].name, "MARGIN_NOT_SUFFICIEN");
        assert_eq!(codes[1].msg, None);
    }

    #[test]
    fn a_general_info_page_has_none() {
        let page = "# General Info\n## LIMITS\n### IP Limits\n* 2400 per minute\n| a | b |\n";
        assert!(parse_error_codes(page).is_empty());
    }
}

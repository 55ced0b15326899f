//! Splits a doc page into its sections, for both page formats Binance's docs come in:
//!
//! - the scraped page (`000_…`): site navigation, an `[English](url)` link, then the article
//!   with Chinese headings, then "previous / next" links and a table of contents;
//! - the front-matter page (`002_…`): YAML front matter with `source_url`, an English edition,
//!   a `---` line, and a Chinese edition. The English edition is used.

/// What a section heading says the section holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// "API Description" / 接口描述
    Description,
    /// "HTTP Request" / HTTP请求
    Http,
    /// "Method" / 方式 (WebSocket API method name)
    WsMethod,
    /// "Request" / 请求 (WebSocket API request example)
    Request,
    /// "Request Weight" / 请求权重, with the kind in the heading when it is UID
    Weight,
    /// "Request Parameters" / 请求参数
    Params,
    /// "Response Example" / 响应示例
    Response,
    /// Anything else (kept as notes).
    Other,
}

/// One `##` section: its cleaned heading and body lines.
#[derive(Debug, Clone)]
pub struct Section {
    /// Heading text without the anchor link, e.g. `Request Weight(UID)`.
    pub heading: String,
    /// What the heading says the section is.
    pub kind: SectionKind,
    /// Body lines.
    pub lines: Vec<String>,
}

/// A page reduced to what the importer reads.
#[derive(Debug, Clone)]
pub struct Page {
    /// The `#` heading of the edition used.
    pub h1: String,
    /// The docs URL (the English one when the page gives both).
    pub docs_url: Option<String>,
    /// Sections in page order; the first may be an untitled `##` (the scraped page's title).
    pub sections: Vec<Section>,
}

impl Page {
    /// The first section of `kind`.
    pub fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }
}

/// Splits page text into sections. Returns `None` when the page has no `#` title at all.
pub fn split(text: &str) -> Option<Page> {
    let text = normalize(text);
    let (front_url, body) = front_matter(&text);
    let docs_url = front_url.or_else(|| english_link(body));
    let edition = pick_edition(body);
    let mut h1 = None;
    let mut sections: Vec<Section> = Vec::new();
    let mut in_fence = false;
    for line in edition.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence {
            if let Some(title) = trimmed.strip_prefix("# ") {
                if h1.is_none() {
                    h1 = Some(clean_heading(title));
                    continue;
                }
            }
            if h1.is_some() && is_page_footer(trimmed) {
                break;
            }
            if let Some(heading) = trimmed.strip_prefix("## ").or_else(|| trimmed.strip_prefix("### ")) {
                let heading = clean_heading(heading);
                sections.push(Section { kind: kind_of(&heading), heading, lines: Vec::new() });
                continue;
            }
        }
        if let Some(section) = sections.last_mut() {
            section.lines.push(line.trim_end().to_string());
        }
    }
    Some(Page { h1: h1?, docs_url, sections })
}

/// Line ends as `\n`; zero-width characters (U+200B, U+200C, U+200D, U+FEFF) removed and
/// no-break spaces (U+00A0) made plain spaces: the real pages carry them inside heading
/// links and tables, where they would hide a heading or a value from every comparison.
pub fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace(['\u{200b}', '\u{200c}', '\u{200d}', '\u{feff}'], "")
        .replace('\u{a0}', " ")
}

/// `source_url` of the YAML front matter, and the text after it.
fn front_matter(text: &str) -> (Option<String>, &str) {
    let Some(rest) = text.strip_prefix("---\n") else { return (None, text) };
    let Some(end) = rest.find("\n---\n") else { return (None, text) };
    let url = rest[..end]
        .lines()
        .find_map(|l| l.strip_prefix("source_url:"))
        .map(|u| u.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
        .filter(|u| !u.is_empty());
    (url, &rest[end + 5..])
}

/// The scraped page's language switcher: `* [English](https://…)`.
fn english_link(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.trim_start().trim_start_matches("* ").strip_prefix("[English](")?;
        let url = rest.split(')').next()?.trim();
        (!url.is_empty()).then(|| url.to_string())
    })
}

/// Front-matter pages hold an English edition, a `---` line, then a Chinese one: take the
/// first edition whose headings are English, else the first.
fn pick_edition(body: &str) -> &str {
    let mut editions = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if line.trim_end() == "---" {
            editions.push(&body[start..offset]);
            start = offset + line.len();
        }
        offset += line.len();
    }
    editions.push(&body[start..]);
    let has_title = |e: &str| e.lines().any(|l| l.trim_start().starts_with("# "));
    let english = |e: &str| e.lines().any(|l| l.trim_start().starts_with("## ") && l.is_ascii());
    editions
        .iter()
        .copied()
        .find(|e| has_title(e) && english(e))
        .or_else(|| editions.iter().copied().find(|e| has_title(e)))
        .unwrap_or(body)
}

/// Where the article ends on a scraped page: "previous / next" links and the copyright.
fn is_page_footer(line: &str) -> bool {
    ["[上一页", "[下一页", "[Previous", "[Next", "Copyright ©"].iter().any(|p| line.starts_with(p))
}

/// `请求权重[](https://… "…")` → `请求权重`; `**Weight:**` → `Weight:`.
fn clean_heading(heading: &str) -> String {
    let end = heading.find("[](").unwrap_or(heading.len());
    heading[..end].replace("**", "").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn kind_of(heading: &str) -> SectionKind {
    let h = heading.to_ascii_lowercase();
    let h = h.trim();
    // "request weigh": also the misspelt "Request Weigh" of TradFi-Perps.
    if h.starts_with("request weigh") || h.starts_with("请求权重") || h == "weight" || h == "权重" {
        SectionKind::Weight
    } else if h.starts_with("request param") || h.starts_with("请求参数") || h == "parameters" || h == "参数" {
        SectionKind::Params
    } else if h.starts_with("response") || h.starts_with("响应") {
        SectionKind::Response
    } else if h.starts_with("http request") || h.starts_with("http请求") {
        SectionKind::Http
    } else if h == "method" || h == "方式" {
        SectionKind::WsMethod
    } else if h == "request" || h == "请求" {
        SectionKind::Request
    } else if h.contains("description") || h.starts_with("接口描述") {
        SectionKind::Description
    } else {
        SectionKind::Other
    }
}

/// One item of a section body: prose, a blockquote line, a table row or a code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A prose line (trimmed, non-empty).
    Text(String),
    /// A `>` blockquote line with the marker and list bullet removed (non-empty).
    Quote(String),
    /// A fenced (```) or 4-space indented code block.
    Code(String),
}

/// Splits section lines into prose, quotes and code blocks.
pub fn blocks(lines: &[String]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            let mut code = String::new();
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                code.push_str(&lines[i]);
                code.push('\n');
                i += 1;
            }
            out.push(Block::Code(code));
        } else if line.starts_with("    ") && !trimmed.is_empty() && !trimmed.starts_with('*') {
            let mut code = String::new();
            while i < lines.len() && (lines[i].starts_with("    ") || lines[i].trim().is_empty()) {
                // A stray fence inside an indented block (the crawl left some) is not code.
                if lines[i].trim() != "```" {
                    code.push_str(lines[i].get(4..).unwrap_or(""));
                }
                code.push('\n');
                i += 1;
            }
            out.push(Block::Code(code));
            continue;
        } else if let Some(q) = trimmed.strip_prefix('>') {
            let q = q.trim().trim_start_matches(['*', '-']).trim();
            if !q.is_empty() {
                out.push(Block::Quote(q.to_string()));
            }
        } else if !trimmed.is_empty() {
            out.push(Block::Text(trimmed.to_string()));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_with_zero_width_and_no_break_spaces_are_recognised() {
        let text = "---\nsource_url: https://x/y/Z\n---\n\n# Z (USER_DATA)\n\n\
            ## HTTP\u{a0}Request[\u{200b}](/docs/x#http-request \"Direct link to HTTP Request\")\n\nGET `/z`\n\n\
            ## Method[\u{200b}](/docs/x#method \"Direct link\")\n\n`v2/account.status`\n";
        let page = split(text).unwrap();
        assert_eq!(page.h1, "Z (USER_DATA)");
        assert_eq!(page.sections[0].heading, "HTTP Request");
        assert_eq!(page.sections[0].kind, SectionKind::Http);
        assert_eq!(page.sections[1].kind, SectionKind::WsMethod);
    }

    #[test]
    fn weight_headings_with_a_misspelt_or_kind_suffixed_name_are_weight_sections() {
        // TradFi-Perps: "## Request Weigh" (sic) over "**50**".
        for heading in ["Request Weigh", "Request Weight", "Request Weight(IP)", "Request Weight(Order)", "Weight"] {
            assert_eq!(kind_of(heading), SectionKind::Weight, "{heading}");
        }
        assert_eq!(kind_of("Request Parameters"), SectionKind::Params);
    }

    #[test]
    fn a_stray_fence_inside_an_indented_block_is_dropped() {
        let lines: Vec<String> =
            ["    {", "      \"a\": 1", "    }", "    ```"].iter().map(|l| l.to_string()).collect();
        assert_eq!(blocks(&lines), [Block::Code("{\n  \"a\": 1\n}\n\n".into())]);
    }

    #[test]
    fn the_english_half_is_used() {
        let text = "---\nsource_url: https://x/y/Z\n---\n# Order Book\n## HTTP Request\nGET `/a`\n\n---\n\n# 深度信息\n## HTTP请求\nGET `/b`\n";
        let page = split(text).unwrap();
        assert_eq!(page.h1, "Order Book");
        assert_eq!(page.sections.len(), 1);
    }
}

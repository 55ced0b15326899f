//! The importer never panics: a bounded property test over mutated seed pages and random text.
//! (The same entry point is fuzzed without bounds by `codegen/fuzz`.)

use binance_codegen_cli::import::{import_text, lenient_json, merge_into};
use binance_spec::ast::SpecFile;
use std::path::Path;

/// A small deterministic generator (xorshift64*), so failures reproduce from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Characters that matter to the page splitter and the JSON reader, plus multi-byte ones.
const ALPHABET: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "//",
    "\n",
    "|",
    ">",
    "#",
    "## ",
    "```",
    "    ",
    "---\n",
    "*",
    "(",
    ")",
    "USER_DATA",
    "GET `/x`",
    "**5**",
    "-",
    "0",
    "9",
    "1625474304765",
    "e",
    ".",
    "\\",
    "请求权重",
    "响应示例",
    "方式",
    "（",
    "）",
    "`",
    " ",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..=rng.below(8) {
        let i = rng.below(lines.len());
        match rng.below(5) {
            0 if !lines.is_empty() => {
                lines.remove(i);
            }
            1 if !lines.is_empty() => {
                let copy = lines[i].clone();
                lines.insert(rng.below(lines.len()), copy);
            }
            2 if !lines.is_empty() => {
                // Cut a line at a character boundary.
                let cut = lines[i].char_indices().map(|(at, _)| at).nth(rng.below(lines[i].chars().count()));
                if let Some(at) = cut {
                    lines[i].truncate(at);
                }
            }
            _ => {
                let junk: String = (0..rng.below(6) + 1).map(|_| ALPHABET[rng.below(ALPHABET.len())]).collect();
                let at = rng.below(lines.len() + 1).min(lines.len());
                lines.insert(at, junk);
            }
        }
    }
    lines.join("\n")
}

#[test]
fn importer_never_panics_on_mutated_or_random_pages() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages");
    let mut pages: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
    pages.sort();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut imported = 0;
    // 5 pages × 200 mutations + 100 random texts: a few seconds in a debug build.
    for (p, page) in pages.iter().enumerate() {
        for case in 0..200 {
            let text = mutate(&mut rng, page);
            match import_text(Path::new("mutated.md"), &text) {
                Ok(endpoint) => {
                    imported += 1;
                    // Merging twice: into an empty spec, then onto what the first merge wrote.
                    let mut spec = empty_spec();
                    merge_into(&mut spec, &endpoint);
                    assert!(merge_into(&mut spec, &endpoint).is_unchanged(), "page {p} case {case}: not idempotent");
                }
                Err(e) => assert!(e.to_string().starts_with("mutated.md: "), "page {p} case {case}: {e}"),
            }
        }
    }
    for _ in 0..100 {
        let text: String = (0..rng.below(200)).map(|_| ALPHABET[rng.below(ALPHABET.len())]).collect();
        let _ = import_text(Path::new("random.md"), &text);
        let _ = lenient_json::parse(&text);
    }
    // The mutations are mild enough that some pages still import: the test exercises both paths.
    assert!(imported > 0);
}

fn empty_spec() -> SpecFile {
    serde_yaml::from_str("product: { name: p, title: P, base_urls: { rest: https://x } }").unwrap()
}

/// Real doc pages (copies of `docs/binance/…`: REST, WebSocket API, nested parameters).
fn real_pages() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docs");
    let mut pages: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.display().to_string(), std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    pages.sort();
    pages
}

fn route(e: &binance_spec::ast::Endpoint) -> String {
    match (&e.http, &e.ws) {
        (Some(h), _) => format!("{} {}", h.method, h.path),
        (None, Some(w)) => format!("ws {}", w.method),
        (None, None) => String::new(),
    }
}

/// U+200B anywhere and U+00A0 next to whitespace (where the real pages have them) change
/// nothing: no panic, the same route, the same weight and parameters.
#[test]
fn zero_width_and_no_break_spaces_anywhere_keep_the_route() {
    let mut rng = Rng(0x200B_00A0_5EED_0002);
    for (name, text) in real_pages() {
        let clean = import_text(Path::new(&name), &text).unwrap_or_else(|e| panic!("{e}"));
        for _ in 0..60 {
            let chars: Vec<char> = text.chars().collect();
            let mut out = String::with_capacity(text.len() + 64);
            for (i, c) in chars.iter().enumerate() {
                out.push(*c);
                if rng.below(40) == 0 {
                    out.push('\u{200b}');
                }
                let next_is_space = chars.get(i + 1).is_some_and(|n| *n == ' ');
                if (*c == ' ' || next_is_space) && rng.below(20) == 0 {
                    out.push('\u{a0}');
                }
            }
            let got = import_text(Path::new(&name), &out).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(route(&got.endpoint), route(&clean.endpoint), "{name}");
            assert_eq!(got.endpoint.weight, clean.endpoint.weight, "{name}");
            assert_eq!(
                got.endpoint.params.iter().map(|p| &p.name).collect::<Vec<_>>(),
                clean.endpoint.params.iter().map(|p| &p.name).collect::<Vec<_>>(),
                "{name}"
            );
        }
    }
}

/// Bad input gets a named error, never a panic and never an endpoint.
#[test]
fn bad_input_is_a_named_error() {
    use binance_codegen_cli::import::{ImportError, MAX_PAGE_BYTES};
    let page = Path::new("bad.md");
    assert!(matches!(import_text(page, ""), Err(ImportError::NotAnEndpointPage { .. })));
    assert!(matches!(import_text(page, " \n\t\n"), Err(ImportError::NotAnEndpointPage { .. })));
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let garbage = String::from_utf8_lossy(&garbage);
    assert!(matches!(import_text(page, &garbage), Err(ImportError::NotAnEndpointPage { .. })));
    let huge = "# Big\n".to_string() + &"x".repeat(MAX_PAGE_BYTES + 1);
    assert!(matches!(import_text(page, &huge), Err(ImportError::TooLarge { .. })));
    // 10 MB through the file path too.
    let dir = std::env::temp_dir().join(format!("import-robustness-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ten-mb.md");
    std::fs::write(&file, vec![b'a'; 10 * 1024 * 1024]).unwrap();
    let err = binance_codegen_cli::import::import_page(&file).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(err, ImportError::TooLarge { .. }), "{err}");
    // A stream page: named as such.
    let stream = "---\nsource_url: https://x/websocket-market-streams/Mark-Price-Stream\n---\n# Mark Price Stream\n\
        ## Stream Name\n`<symbol>@markPrice`\n## Response Example\n```\n{\"e\": \"markPriceUpdate\"}\n```\n";
    match import_text(page, stream) {
        Err(ImportError::NotAnEndpointPage { reason, .. }) => assert!(reason.starts_with("stream page"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // An example that is not JSON: a malformed section naming the example and its line.
    let not_json = "---\nsource_url: https://x/y/Z\n---\n# Z\n## HTTP Request\nGET `/z`\n## Request Weight\n1\n\
        ## Response Example\n```\nthis is not json\n```\n";
    let err = import_text(page, not_json).unwrap_err().to_string();
    assert!(err.contains("Response Example") && err.contains("example 1: line 1"), "{err}");
    // Labels before an example do not shift its number.
    let labelled = not_json.replace("## Response Example\n", "## Response Example\n> single symbol\n");
    let err = import_text(page, &labelled).unwrap_err().to_string();
    assert!(err.contains("example 1: line 1"), "{err}");
    // …but with a second, readable example the page imports and the bad one is a warning.
    let one_bad = not_json.to_string() + "\n```\n{\"a\": 1}\n```\n";
    let imported = import_text(page, &one_bad).unwrap();
    assert!(imported.warnings.iter().any(|w| w.contains("example 1")), "{:?}", imported.warnings);
}

//! The importer never panics: a bounded property test over mutated seed pages and random text.
//! (The same entry point is fuzzed without bounds by `codegen/fuzz`.)

use binance_codegen::ast::SpecFile;
use binance_codegen::import::{import_text, lenient_json, merge_into};
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

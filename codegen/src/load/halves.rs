//! Parsing a large spec file as two halves on two threads.
//!
//! libyaml reads one document on one thread, and on a spec of a thousand endpoints that is the
//! longest single step of generation. A spec file is a block mapping whose top-level keys
//! (`product`, `endpoints`, `models`, `enums`) start at column 0, so the text before the
//! top-level `models:` line and the text from it on are two documents of their own: when the
//! first half parses without error, no quote, flow collection or block scalar is open where
//! the second begins (libyaml would report the end of the stream inside it), so the second
//! holds exactly the top-level entries it holds in the whole file. Anything the halves cannot
//! express the way the whole file does (an alias to the other half, a key in both halves,
//! directives or several documents, any error) makes [`parse`] give up, and the caller parses
//! the whole file, which also gives the located error message.

use crate::ast::{self, SpecFile};
use serde::Deserialize;

/// Files smaller than this are parsed whole: a thread costs more than it saves.
const MIN_SPLIT_LEN: usize = 64 * 1024;

/// The top-level entries of one half; `None` when the half does not have the key.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Half {
    #[serde(default)]
    product: Option<ast::Product>,
    #[serde(default, deserialize_with = "present")]
    endpoints: Option<Vec<(String, ast::Endpoint)>>,
    #[serde(default, deserialize_with = "present")]
    models: Option<Vec<(String, ast::Model)>>,
    #[serde(default, deserialize_with = "present")]
    enums: Option<Vec<(String, ast::Enum)>>,
}

/// A named mapping that is there, read the way [`SpecFile`] reads it.
fn present<'de, D, T>(d: D) -> Result<Option<Vec<(String, T)>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    ast::ordered::deserialize(d).map(Some)
}

/// Whether splitting can pay off: a large file, and a second core to parse on.
pub(super) fn worth_splitting(source: &str) -> bool {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    source.len() >= MIN_SPLIT_LEN && cores >= 2
}

/// The spec parsed as two halves in parallel, or `None` when the whole file must be parsed
/// instead (not splittable, or any error).
pub(super) fn parse(source: &str) -> Option<SpecFile> {
    let at = split_point(source)?;
    let (first, second) = source.split_at(at);
    let (first, second) = std::thread::scope(|scope| {
        let helper = std::thread::Builder::new().spawn_scoped(scope, || parse_half(second)).ok();
        let first = parse_half(first);
        let second = match helper {
            Some(helper) => helper.join().ok().flatten(),
            // No thread to be had: still correct, only not faster.
            None => parse_half(second),
        };
        (first, second)
    });
    join(first?, second?)
}

fn parse_half(text: &str) -> Option<Half> {
    serde_yaml::from_str(text).ok()
}

/// The byte offset of the top-level `models:` line, when the file is laid out so that the
/// halves can be parsed on their own (see the module docs).
fn split_point(source: &str) -> Option<usize> {
    let mut offset = 0;
    let mut split = None;
    for line in source.split_inclusive('\n') {
        // A document marker or a directive: the file may hold several documents.
        if line.starts_with("---") || line.starts_with("...") || line.starts_with('%') {
            return None;
        }
        if split.is_none() && offset > 0 && is_top_level_key(line, "models") {
            split = Some(offset);
        }
        offset += line.len();
    }
    split
}

/// `key:` at column 0, followed by nothing, spaces or a comment.
fn is_top_level_key(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n', '#']))
}

/// The halves as one file: each key from the one half that has it.
fn join(first: Half, second: Half) -> Option<SpecFile> {
    fn one<T>(a: Option<T>, b: Option<T>) -> Option<Option<T>> {
        match (a, b) {
            (Some(_), Some(_)) => None,
            (a, b) => Some(a.or(b)),
        }
    }
    Some(SpecFile {
        product: one(first.product, second.product)??,
        endpoints: one(first.endpoints, second.endpoints)?.unwrap_or_default(),
        models: one(first.models, second.models)?.unwrap_or_default(),
        enums: one(first.enums, second.enums)?.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRODUCT: &str = "product:\n  name: x\n  title: X\n  base_urls: { rest: https://x.example }\n";
    const ENDPOINTS: &str = "endpoints:
  a:
    title: A
    docs: https://x.example/a
    http: { method: GET, path: /a }
    security: NONE
    weight: { kind: IP, value: 1 }
    response: M
    examples:
      - json: |
          {
            \"f\": \"1\"
          }
";
    const MODELS: &str = "models:  # response models\n  M:\n    fields:\n      - { name: f, type: DECIMAL }\n";
    const ENUMS: &str = "enums:\n  E:\n    values: [A, B]\n";

    fn whole(source: &str) -> Option<SpecFile> {
        serde_yaml::from_str(source).ok()
    }

    #[test]
    fn halves_read_like_the_whole_file() {
        for source in [
            format!("{PRODUCT}{ENDPOINTS}{MODELS}{ENUMS}"),
            format!("# spec\n{PRODUCT}\n{ENDPOINTS}\n{MODELS}\n{ENUMS}"),
            format!("{ENDPOINTS}{MODELS}{PRODUCT}"),
            format!("{PRODUCT}{MODELS}"),
        ] {
            let split = parse(&source);
            assert!(split.is_some(), "{source}");
            assert_eq!(split, whole(&source), "{source}");
        }
    }

    #[test]
    fn files_the_halves_cannot_express_are_left_whole() {
        let cases = [
            // Nothing to split at.
            format!("{PRODUCT}{ENDPOINTS}"),
            format!("{MODELS}{PRODUCT}"),
            // A key in both halves, or none with the product.
            format!("{PRODUCT}{ENUMS}{MODELS}{ENUMS}"),
            format!("{ENDPOINTS}{MODELS}"),
            // An alias into the other half.
            format!("{PRODUCT}{MODELS}").replace("title: X", "title: &t X").replace("DECIMAL }", "DECIMAL, doc: *t }"),
            // Several documents.
            format!("{PRODUCT}{MODELS}---\n{PRODUCT}"),
            // `models:` inside a quoted scalar that spans lines.
            format!("{PRODUCT}endpoints: \"a\n{MODELS}\""),
            // A key that is not the split point.
            format!("{PRODUCT}modelsx:\n{MODELS}"),
        ];
        for source in cases {
            assert_eq!(parse(&source), None, "{source}");
        }
        // The alias case is valid as a whole: the caller's whole-file parse reads it.
        let aliased =
            format!("{PRODUCT}{MODELS}").replace("title: X", "title: &t X").replace("DECIMAL }", "DECIMAL, doc: *t }");
        assert!(whole(&aliased).is_some());
    }

    #[test]
    fn a_large_spec_loads_as_it_parses_whole() {
        let mut source = PRODUCT.to_string();
        source.push_str("endpoints:\n");
        for i in 0..400 {
            source.push_str(&ENDPOINTS["endpoints:\n".len()..].replace("  a:", &format!("  a{i}:")));
        }
        source.push_str(MODELS);
        for i in 0..400 {
            source.push_str(&format!("  M{i}:\n    fields:\n      - {{ name: f{i}, type: LONG }}\n"));
        }
        source.push_str(ENUMS);
        assert!(source.len() > MIN_SPLIT_LEN);
        assert!(parse(&source).is_some());
        let loaded = crate::load::parse(std::path::Path::new("large.yaml"), &source).unwrap();
        assert_eq!(Some(loaded.ast), whole(&source));
    }

    #[test]
    fn small_files_are_not_split() {
        assert!(!worth_splitting(&format!("{PRODUCT}{ENDPOINTS}{MODELS}{ENUMS}")));
    }
}

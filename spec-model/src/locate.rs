//! Finds the line of a YAML path in block-style YAML source.
//!
//! serde_yaml reports lines for syntax errors but not for values that parse and are wrong, so
//! validation asks this module where `endpoints.x.params[2].type` is written. It follows the
//! indentation of block mappings and sequences, which is how spec files are written; inside a
//! flow collection (`{ name: x, type: LONG }`) it returns the line of the collection.

/// One step of a YAML path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

struct Line<'a> {
    /// Column of the first non-blank character.
    indent: usize,
    /// Column where the content starts after any `- ` item markers.
    key_col: usize,
    /// The content after any `- ` markers.
    content: &'a str,
    /// The line starts with a `- ` item marker.
    is_item: bool,
}

fn scan(raw: &str) -> Option<Line<'_>> {
    let trimmed = raw.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let indent = raw.len() - trimmed.len();
    let mut content = trimmed;
    let mut key_col = indent;
    let is_item = content.starts_with("- ") || content == "-";
    while content.starts_with("- ") {
        let rest = content[2..].trim_start();
        key_col += content.len() - rest.len();
        content = rest;
    }
    Some(Line { indent, key_col, content, is_item })
}

fn key_of(content: &str) -> Option<&str> {
    let end = content.find(':')?;
    let key = content[..end].trim();
    Some(key.trim_matches(|c| c == '"' || c == '\''))
}

/// The 1-based line where `path` is written, or the line of its deepest prefix that is.
pub(crate) fn line_of(source: &str, path: &[Seg]) -> Option<usize> {
    let lines: Vec<Option<Line<'_>>> = source.lines().map(scan).collect();
    let mut start = 0;
    let mut end = lines.len();
    // Content of the current node sits at columns greater than this.
    let mut parent_col: Option<usize> = None;
    let mut best = None;
    let deeper = |col: usize, parent: Option<usize>| parent.is_none_or(|p| col > p);
    for seg in path {
        match seg {
            Seg::Key(key) => {
                let child_col = (start..end)
                    .filter_map(|i| lines[i].as_ref())
                    .map(|l| l.key_col)
                    .filter(|c| deeper(*c, parent_col))
                    .min();
                // No block content below: the value is inline (`http: { method: GET }`).
                let Some(child_col) = child_col else { return best };
                let found = (start..end).find(|&i| {
                    lines[i].as_ref().is_some_and(|l| l.key_col == child_col && key_of(l.content) == Some(key.as_str()))
                });
                let Some(i) = found else { return best };
                best = Some(i + 1);
                let block_end = (i + 1..end)
                    .find(|&j| {
                        lines[j].as_ref().is_some_and(|l| l.indent < child_col || (l.indent == child_col && !l.is_item))
                    })
                    .unwrap_or(end);
                start = i + 1;
                end = block_end;
                parent_col = Some(child_col);
            }
            Seg::Index(n) => {
                let items: Vec<usize> = (start..end)
                    .filter(|&i| {
                        lines[i]
                            .as_ref()
                            .is_some_and(|l| l.is_item && deeper(l.indent, parent_col.map(|p| p.saturating_sub(1))))
                    })
                    .collect();
                let Some(item_col) = items.iter().filter_map(|&i| lines[i].as_ref()).map(|l| l.indent).min() else {
                    return best;
                };
                let items: Vec<usize> =
                    items.into_iter().filter(|&i| lines[i].as_ref().is_some_and(|l| l.indent == item_col)).collect();
                let Some(&i) = items.get(*n) else { return best };
                best = Some(i + 1);
                start = i;
                end = items.iter().copied().find(|&j| j > i).unwrap_or(end);
                parent_col = Some(item_col);
            }
        }
    }
    best
}

/// Parses `a.b[2].c` into segments.
pub(crate) fn parse_path(path: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            if open > 0 {
                segs.push(Seg::Key(rest[..open].to_string()));
            }
            rest = &rest[open..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let Some(close) = stripped.find(']') else { break };
                if let Ok(n) = stripped[..close].parse() {
                    segs.push(Seg::Index(n));
                }
                rest = &stripped[close + 1..];
            }
        } else if !rest.is_empty() {
            segs.push(Seg::Key(rest.to_string()));
        }
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "\
product:
  name: x
endpoints:
  first:
    title: A
    params:
      - { name: a, type: LONG }
      - name: b
        type: STRNG
    response: M
  second:
    response: N
models:
  M:
    fields:
    - name: f
      type: DECIMAL
";

    fn at(path: &str) -> Option<usize> {
        line_of(SRC, &parse_path(path))
    }

    #[test]
    fn finds_keys_items_and_nested_keys() {
        assert_eq!(at("product.name"), Some(2));
        assert_eq!(at("endpoints.first.params[0]"), Some(7));
        assert_eq!(at("endpoints.first.params[1].type"), Some(9));
        assert_eq!(at("endpoints.first.response"), Some(10));
        assert_eq!(at("endpoints.second.response"), Some(12));
        assert_eq!(at("models.M.fields[0].type"), Some(17));
    }

    #[test]
    fn falls_back_to_the_deepest_prefix() {
        assert_eq!(at("endpoints.first.params[0].type"), Some(7));
        assert_eq!(at("endpoints.missing"), Some(3));
        assert_eq!(at("endpoints.first.title.deeper"), Some(5));
    }
}

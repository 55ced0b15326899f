//! A lenient reader for the JSON examples on Binance doc pages.
//!
//! The pages' examples are not valid JSON: they carry `//` comments, forget commas between
//! members and leave trailing commas. This reader accepts all three, keeps every scalar exactly
//! as written (numbers and strings as their source text) and remembers the comments next to
//! each member, because those comments are the only field documentation the pages give.

/// A JSON value with scalars kept as written on the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as its source text (`1625474304765`, `-1`, `0.5`).
    Number(String),
    /// A string, as its source text between the quotes (escapes not decoded).
    String(String),
    /// An array, with the comments the page puts next to each item (e.g. `// PRICE` after
    /// the first value of an order-book level): one list per item.
    Array(Vec<Json>, Vec<Vec<String>>),
    /// An object, members in page order.
    Object(Vec<Member>),
}

/// One object member with the comments the page puts next to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, as written between the quotes.
    pub key: String,
    /// The value.
    pub value: Json,
    /// Comments on the key's line, then own-line comments right after an opening `[` / `{`.
    pub comments: Vec<String>,
}

/// Where and why an example could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// 1-based line within the example.
    pub line: usize,
    /// What was expected.
    pub message: String,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} of the example: {}", self.line, self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open(char),
    Close(char),
    Colon,
    Comma,
    Str(String),
    Scalar(String),
}

struct Lexed {
    toks: Vec<(Tok, usize)>,
    /// (line, index of the next token, text)
    comments: Vec<(usize, usize, String)>,
}

fn lex(text: &str) -> Result<Lexed, JsonError> {
    let mut toks = Vec::new();
    let mut comments = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() => {}
            '{' | '[' => toks.push((Tok::Open(c), line)),
            '}' | ']' => toks.push((Tok::Close(c), line)),
            ':' => toks.push((Tok::Colon, line)),
            ',' | '，' => toks.push((Tok::Comma, line)),
            '/' if chars.peek() == Some(&'/') => {
                let mut comment = String::new();
                while let Some(&n) = chars.peek() {
                    if n == '\n' {
                        break;
                    }
                    comment.push(n);
                    chars.next();
                }
                let comment = comment.trim_start_matches('/').trim().to_string();
                if !comment.is_empty() {
                    comments.push((line, toks.len(), comment));
                }
            }
            // Pages also quote with typographic (“…”) and single quotes; the value is the same.
            '"' | '“' | '”' | '\'' => {
                let mut s = String::new();
                let start = line;
                let closes = |q: char| match c {
                    '"' => q == '"',
                    '\'' => q == '\'',
                    _ => q == '”' || q == '“',
                };
                loop {
                    match chars.next() {
                        None | Some('\n') => {
                            return Err(JsonError { line: start, message: "a string is not closed".into() })
                        }
                        Some(q) if closes(q) => break,
                        Some('\\') => {
                            s.push('\\');
                            match chars.next() {
                                Some('\n') | None => {
                                    return Err(JsonError { line: start, message: "a string is not closed".into() })
                                }
                                Some(e) => s.push(e),
                            }
                        }
                        Some(o) => s.push(o),
                    }
                }
                toks.push((Tok::Str(s), start));
            }
            c if c == '-' || c == '+' || c.is_ascii_alphanumeric() => {
                let mut s = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphanumeric() || matches!(n, '.' | '-' | '+') {
                        s.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                toks.push((Tok::Scalar(s), line));
            }
            other => {
                return Err(JsonError { line, message: format!("unexpected character `{other}`") });
            }
        }
    }
    Ok(Lexed { toks, comments })
}

struct Parser {
    lexed: Lexed,
    pos: usize,
    depth: usize,
}

/// Deeper nesting than this is refused, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// Parses one lenient JSON example.
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let lexed = lex(text)?;
    let mut p = Parser { lexed, pos: 0, depth: 0 };
    let value = p.value()?;
    if let Some((tok, line)) = p.lexed.toks.get(p.pos) {
        // A stray trailing comma after the root is harmless; anything else is not.
        if *tok != Tok::Comma || p.pos + 1 != p.lexed.toks.len() {
            return Err(JsonError { line: *line, message: "text after the end of the example".into() });
        }
    }
    Ok(value)
}

/// Like [`parse`], and when the example is followed by stray text (a sentence, a second
/// fence) from line `L` on, the example before it: the value and a note naming the line. Values
/// are never changed; an example that is itself broken stays an error.
pub fn parse_repaired(text: &str) -> Result<(Json, Option<String>), JsonError> {
    let err = match parse(text) {
        Ok(v) => return Ok((v, None)),
        Err(e) => e,
    };
    if err.line > 1 {
        let head: String = text.split_inclusive('\n').take(err.line - 1).collect();
        if let Ok(v) = parse(&head) {
            let note = format!("text after the JSON from line {} of the example was ignored", err.line);
            return Ok((v, Some(note)));
        }
    }
    Err(err)
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.lexed.toks.get(self.pos).map(|(t, _)| t)
    }

    fn line(&self) -> usize {
        self.lexed.toks.get(self.pos).or(self.lexed.toks.last()).map_or(1, |(_, l)| *l)
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, JsonError> {
        Err(JsonError { line: self.line(), message: message.into() })
    }

    fn value(&mut self) -> Result<Json, JsonError> {
        let Some((tok, _)) = self.lexed.toks.get(self.pos).cloned() else {
            return self.err("the example ends where a value was expected");
        };
        self.pos += 1;
        match tok {
            Tok::Open(c) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return self.err("nesting is too deep");
                }
                let v = if c == '{' { self.object() } else { self.array() };
                self.depth -= 1;
                v
            }
            Tok::Str(s) => Ok(Json::String(s)),
            Tok::Scalar(s) => match s.as_str() {
                "true" => Ok(Json::Bool(true)),
                "false" => Ok(Json::Bool(false)),
                "null" => Ok(Json::Null),
                _ if is_number(&s) => Ok(Json::Number(s)),
                _ => {
                    self.pos -= 1;
                    self.err(format!("`{s}` is not a JSON value"))
                }
            },
            _ => {
                self.pos -= 1;
                self.err("expected a value")
            }
        }
    }

    /// Skips commas; missing and trailing commas are both accepted.
    fn skip_commas(&mut self) {
        while self.peek() == Some(&Tok::Comma) {
            self.pos += 1;
        }
    }

    fn object(&mut self) -> Result<Json, JsonError> {
        let mut members = Vec::new();
        loop {
            self.skip_commas();
            match self.peek() {
                Some(Tok::Close('}')) => {
                    self.pos += 1;
                    return Ok(Json::Object(members));
                }
                Some(Tok::Str(_)) => {}
                Some(_) => return self.err("expected a quoted key or `}`"),
                None => return self.err("an object is not closed"),
            }
            let (key, key_line) = match self.lexed.toks.get(self.pos).cloned() {
                Some((Tok::Str(k), l)) => (k, l),
                _ => return self.err("expected a quoted key"),
            };
            self.pos += 1;
            if self.peek() != Some(&Tok::Colon) {
                return self.err(format!("expected `:` after \"{key}\""));
            }
            self.pos += 1;
            let value_start = self.pos;
            let value = self.value()?;
            let comments = self.member_comments(key_line, value_start, &value);
            members.push(Member { key, value, comments });
        }
    }

    /// Comments on the key's line, plus the own-line comments between an opening bracket and
    /// its first element (Binance documents arrays there).
    fn member_comments(&self, key_line: usize, value_start: usize, value: &Json) -> Vec<String> {
        let container = matches!(value, Json::Array(..) | Json::Object(_));
        // Comments before the next member: up to the comma after the value, if there is one.
        let end = self.pos + usize::from(self.peek() == Some(&Tok::Comma));
        self.lexed
            .comments
            .iter()
            .filter(|(line, next_tok, _)| {
                // `value_start - 2` is the key's token: only comments after the key count.
                let on_key_line = *line == key_line && *next_tok > value_start.saturating_sub(2) && *next_tok <= end;
                let head = container && *next_tok == value_start + 1 && *line > key_line;
                on_key_line || head
            })
            .map(|(_, _, text)| text.clone())
            .collect()
    }

    fn array(&mut self) -> Result<Json, JsonError> {
        let mut items = Vec::new();
        let mut comments = Vec::new();
        loop {
            self.skip_commas();
            match self.peek() {
                Some(Tok::Close(']')) => {
                    self.pos += 1;
                    return Ok(Json::Array(items, comments));
                }
                None => return self.err("an array is not closed"),
                Some(_) => {
                    let start = self.pos;
                    let item = self.value()?;
                    comments.push(self.item_comments(start, &item));
                    items.push(item);
                }
            }
        }
    }

    /// Comments on the line where a scalar item ends, before the next item.
    fn item_comments(&self, start: usize, item: &Json) -> Vec<String> {
        if matches!(item, Json::Array(..) | Json::Object(_)) {
            return Vec::new();
        }
        let line = self.lexed.toks.get(start).map_or(0, |(_, l)| *l);
        let end = self.pos + usize::from(self.peek() == Some(&Tok::Comma));
        self.lexed
            .comments
            .iter()
            .filter(|(l, next_tok, _)| *l == line && *next_tok > start && *next_tok <= end)
            .map(|(_, _, text)| text.clone())
            .collect()
    }
}

fn is_number(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    body.starts_with(|c: char| c.is_ascii_digit())
        && body.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
}

impl Json {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
            _ => None,
        }
    }

    /// Valid JSON, pretty-printed with 2-space indentation, scalars exactly as on the page,
    /// ending in a newline (the form `generated-client/spec/README.md` asks for).
    pub fn to_pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, indent: usize) {
        let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n * 2));
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => {
                out.push('"');
                escape_into(out, s);
                out.push('"');
            }
            Json::Array(items, _) if items.is_empty() => out.push_str("[]"),
            Json::Object(members) if members.is_empty() => out.push_str("{}"),
            Json::Array(items, _) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, indent + 1);
                    item.write(out, indent + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push(']');
            }
            Json::Object(members) => {
                out.push_str("{\n");
                for (i, m) in members.iter().enumerate() {
                    pad(out, indent + 1);
                    out.push('"');
                    escape_into(out, &m.key);
                    out.push_str("\": ");
                    m.value.write(out, indent + 1);
                    out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push('}');
            }
        }
    }
}

/// Writes string source text as valid JSON string content: escapes already written on the page
/// are kept as they are; a raw `"` (from a single-quoted string) and raw control characters
/// (a tab inside `"0<TAB>"` on a kline page) are escaped, so the value stays exactly the same.
fn escape_into(out: &mut String, s: &str) {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push('\\');
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '"' => out.push_str("\\\""),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_comments_missing_and_trailing_commas_and_keeps_values() {
        let text = "{\n \"a\": \"122,559.90199491\", // money\n \"b\": \"\" \"c\": -1 // id\n \"d\": [ // list\n // more\n {\"e\": 1,},\n],\n}";
        let v = parse(text).unwrap();
        assert_eq!(v.get("a"), Some(&Json::String("122,559.90199491".into())));
        assert_eq!(v.get("b"), Some(&Json::String(String::new())));
        assert_eq!(v.get("c"), Some(&Json::Number("-1".into())));
        let Json::Object(members) = &v else { panic!("object expected") };
        assert_eq!(members[0].comments, ["money"]);
        assert!(members[1].comments.is_empty());
        assert_eq!(members[2].comments, ["id"]);
        assert_eq!(members[3].comments, ["list", "more"]);
        assert_eq!(
            v.to_pretty(),
            "{\n  \"a\": \"122,559.90199491\",\n  \"b\": \"\",\n  \"c\": -1,\n  \"d\": [\n    {\n      \"e\": 1\n    }\n  ]\n}\n"
        );
    }

    #[test]
    fn repairs_quotes_and_raw_control_characters_keeping_values() {
        let v = parse("{'symbol': 'BTC\"X', \"rawAsset\": “USDT”, \"i\": \"0\t\"}").unwrap();
        assert_eq!(v.get("symbol"), Some(&Json::String("BTC\"X".into())));
        assert_eq!(v.get("rawAsset"), Some(&Json::String("USDT".into())));
        let pretty = v.to_pretty();
        let back: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(back["symbol"], "BTC\"X");
        assert_eq!(back["i"], "0\t");
    }

    #[test]
    fn stray_text_after_an_example_is_cut_with_a_note() {
        let (v, note) = parse_repaired("{\n \"a\": 1\n}\nNote: see `b` ~ here\n").unwrap();
        assert_eq!(v.get("a"), Some(&Json::Number("1".into())));
        assert_eq!(note.as_deref(), Some("text after the JSON from line 4 of the example was ignored"));
        assert_eq!(parse_repaired("{\"a\": 1}").unwrap().1, None);
        // A broken example is not "repaired" by cutting it.
        assert!(parse_repaired("{\n \"a\": 1,\n \"b\": ~\n}").is_err());
    }

    #[test]
    fn keeps_comments_of_array_items() {
        let v = parse("[\n  \"4.0\",   // PRICE\n  \"431.0\"    // QTY\n]").unwrap();
        let Json::Array(_, comments) = v else { panic!("array expected") };
        assert_eq!(comments, [vec!["PRICE".to_string()], vec!["QTY".to_string()]]);
    }

    #[test]
    fn reports_the_line_of_a_problem() {
        assert_eq!(parse("{\n \"a\": nope\n}").unwrap_err().line, 2);
        assert!(parse("{ \"a\": 1").is_err());
        assert!(parse("").is_err());
        assert!(parse(&"[".repeat(1000)).is_err());
    }
}

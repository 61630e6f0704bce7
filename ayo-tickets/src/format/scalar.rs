//! YAML scalars and values as written: how a string is written (plain, single- or
//! double-quoted), where a trailing `# comment` starts, and the raw items of a flow list.
//!
//! The raw text matters only for values YAML would read as numbers, booleans or null
//! (`id: 123`, `deps: [007, 1e3]`): those are kept as the text the file shows.

use std::cell::RefCell;
use std::fmt::Write as _;

use rustc_hash::FxHashMap;
use serde_yaml::Value;

/// Writes `s` as a YAML scalar that reads back as exactly `s`, in a block mapping value and
/// inside a flow list alike.
///
/// Plain when that is unambiguous (ASCII letters, digits, `_ . / + @ -` and inner spaces,
/// starting with a letter or `_`, not a YAML 1.1 boolean or null word such as `yes` or `off`,
/// and not read by YAML as anything but this string); so ids that start with a digit are
/// quoted (`'123'`, `'007'`) for every YAML reader;
/// double-quoted with escapes when it holds characters YAML cannot carry literally (control
/// characters, line separators, BOM, non-characters); otherwise single-quoted (`''` for `'`).
pub(super) fn yaml_scalar(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else if s.chars().any(needs_escape) {
        double_quoted(s)
    } else {
        single_quoted(s)
    }
}

/// True when `s` can be written plain (see [`yaml_scalar`]).
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    const WORDS: [&str; 9] = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"];
    (first.is_ascii_alphabetic() || first == '_')
        && !s.ends_with(' ')
        && !WORDS.contains(&s.to_ascii_lowercase().as_str())
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '+' | '@' | '-' | ' ')
        })
        && reads_back_as_itself(s)
}

/// At most this many answers of [`reads_back_as_itself`] are kept per thread.
const READ_BACK_MEMO: usize = 1024;

/// True when YAML reads `s`, written plain, as exactly the string `s`. The answers are kept
/// per thread (a batch renders the same statuses, types and dep ids again and again, and
/// starting the YAML parser costs more than the rest of a scalar's writing); the memo is
/// emptied when full.
fn reads_back_as_itself(s: &str) -> bool {
    thread_local! {
        static MEMO: RefCell<FxHashMap<String, bool>> = RefCell::default();
    }
    if let Some(known) = MEMO.with_borrow(|m| m.get(s).copied()) {
        return known;
    }
    let answer = matches!(serde_yaml::from_str::<Value>(s), Ok(Value::String(v)) if v == s);
    MEMO.with_borrow_mut(|m| {
        if m.len() >= READ_BACK_MEMO {
            m.clear();
        }
        m.insert(s.to_string(), answer);
    });
    answer
}

/// Characters that must be escaped in a double-quoted scalar: YAML either forbids them or
/// reads them as line breaks.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// `'s'` with each `'` doubled.
fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `"s"` with `"`, `\` and the characters of [`needs_escape`] escaped.
fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if needs_escape(c) => {
                // Every character needs_escape accepts is in the BMP.
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A flow list of already formatted scalars: `[a, b]`, or `[]`.
pub(super) fn flow_list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

/// Where a trailing comment starts in a value as written: the index of the whitespace before
/// the `#` (or of the `#` itself at the start). Quoted scalars are skipped; a `#` inside a plain
/// scalar (`a#b`) is not a comment.
pub(super) fn comment_start(v: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev: Option<char> = None;
    let mut chars = v.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some('\'') => {
                if c == '\'' {
                    if chars.peek().map(|p| p.1) == Some('\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
            }
            Some(_) => {
                if c == '\\' {
                    chars.next();
                } else if c == '"' {
                    quote = None;
                }
            }
            None => {
                let token_start =
                    prev.is_none_or(|p| p.is_whitespace() || matches!(p, '[' | ',' | '{'));
                if c == '#' && prev.is_none_or(char::is_whitespace) {
                    return Some(v[..i].trim_end().len());
                }
                if (c == '\'' || c == '"') && token_start {
                    quote = Some(c);
                }
            }
        }
        prev = Some(c);
    }
    None
}

/// `v` without its trailing comment.
pub(super) fn strip_comment(v: &str) -> &str {
    &v[..comment_start(v).unwrap_or(v.len())]
}

/// The raw items of a flow list as written (`[a, 'b', 007]` -> `a`, `'b'`, `007`), trimmed;
/// lines after the first may continue it. `None` when `s` is not a flow list this simple
/// scanner understands.
pub(super) fn flow_items(s: &str) -> Option<Vec<String>> {
    let s = s.trim_start();
    if !s.starts_with('[') {
        return None;
    }
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut prev: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            cur.push(c);
            if q == '"' && c == '\\' {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            } else if c == q {
                if q == '\'' && chars.peek() == Some(&'\'') {
                    chars.next();
                    cur.push('\'');
                } else {
                    quote = None;
                }
            }
            prev = Some(c);
            continue;
        }
        match c {
            '#' if prev.is_none_or(char::is_whitespace) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                cur.push(' ');
                prev = Some(' ');
                continue;
            }
            '\'' | '"' if depth >= 1 && cur.trim().is_empty() => {
                quote = Some(c);
                cur.push(c);
            }
            '[' | '{' => {
                depth += 1;
                if depth > 1 {
                    cur.push(c);
                }
            }
            ']' | '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    let last = cur.trim();
                    if !last.is_empty() {
                        items.push(last.to_string());
                    }
                    return Some(items);
                }
                cur.push(c);
            }
            ',' if depth == 1 => {
                items.push(cur.trim().to_string());
                cur.clear();
            }
            '\n' | '\r' | '\t' => cur.push(' '),
            _ => cur.push(c),
        }
        prev = Some(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads_back(written: &str) -> Value {
        let doc: Value = serde_yaml::from_str(&format!("k: {written}\nl: [{written}]")).unwrap();
        assert_eq!(doc["k"], doc["l"][0], "{written}");
        doc["k"].clone()
    }

    #[test]
    fn plain_when_safe() {
        for s in [
            "abc123", "web-x7k2", "a.b_c-d", "Jane Doe", "feature", "x/y+z", "a@b",
        ] {
            assert_eq!(yaml_scalar(s), s);
            assert_eq!(reads_back(s), Value::String(s.into()));
        }
    }

    #[test]
    fn quoted_when_needed() {
        let cases = [
            ("@backend", "'@backend'"),
            ("123", "'123'"),
            ("1e3", "'1e3'"),
            ("true", "'true'"),
            ("null", "'null'"),
            ("007", "'007'"),
            ("1abc", "'1abc'"),
            ("yes", "'yes'"),
            ("Off", "'Off'"),
            ("y", "'y'"),
            ("", "''"),
            ("it's", "'it''s'"),
            (" lead", "' lead'"),
            ("trail ", "'trail '"),
            ("a, b", "'a, b'"),
            ("a: b", "'a: b'"),
            ("a #b", "'a #b'"),
            ("-1", "'-1'"),
            ("café", "'café'"),
            ("a\nb", "\"a\\u000Ab\""),
            ("q\"\\\t", "\"q\\\"\\\\\\u0009\""),
            ("x\u{2028}y\u{85}", "\"x\\u2028y\\u0085\""),
        ];
        for (s, want) in cases {
            let w = yaml_scalar(s);
            assert_eq!(w, want, "{s:?}");
            assert_eq!(reads_back(&w), Value::String(s.into()), "{s:?}");
        }
    }

    /// The memo of read-back answers gives what YAML gives, before it fills, once it was
    /// emptied, and for strings it does not hold.
    #[test]
    fn remembered_answers_are_the_answers() {
        let cases = [
            "open", "task", "yes", "Off", "a b", "x/y", "_z", "null", "Null",
        ];
        let first: Vec<String> = cases.iter().map(|s| yaml_scalar(s)).collect();
        for i in 0..2 * READ_BACK_MEMO + 7 {
            let s = format!("filler{i}");
            assert_eq!(yaml_scalar(&s), s);
            if i % 100 == 0 {
                let again: Vec<String> = cases.iter().map(|s| yaml_scalar(s)).collect();
                assert_eq!(again, first);
            }
        }
        for (s, w) in cases.iter().zip(&first) {
            assert_eq!(reads_back(w), Value::String(s.to_string()), "{s:?}");
            assert!(w != s || reads_back_as_itself(s), "{s:?}");
        }
    }

    #[test]
    fn comments() {
        assert_eq!(comment_start(" open # why"), Some(5));
        assert_eq!(comment_start(" a#b"), None);
        assert_eq!(comment_start(" 'a # b' # c"), Some(8));
        assert_eq!(comment_start(" \"a \\\" # b\"  # c"), Some(11));
        assert_eq!(comment_start(" [a, 'b # c'] # d"), Some(13));
        assert_eq!(comment_start("# all"), Some(0));
        assert_eq!(comment_start(" it's # x"), Some(5));
        assert_eq!(strip_comment(" x  # y"), " x");
        assert_eq!(strip_comment(" x"), " x");
    }

    #[test]
    fn flow_lists() {
        let items = |s: &str| flow_items(s).map(|v| v.join("|"));
        assert_eq!(items("[a, b]").as_deref(), Some("a|b"));
        assert_eq!(items(" []").as_deref(), Some(""));
        assert_eq!(items("[ ]").as_deref(), Some(""));
        assert_eq!(items("[007, 1e3, yes]").as_deref(), Some("007|1e3|yes"));
        assert_eq!(items("[a, ]").as_deref(), Some("a"));
        assert_eq!(
            items("['a, b', \"c]\", d]").as_deref(),
            Some("'a, b'|\"c]\"|d")
        );
        assert_eq!(items("['it''s', x]").as_deref(), Some("'it''s'|x"));
        assert_eq!(items("[a, # note\n  b]").as_deref(), Some("a|b"));
        assert_eq!(items("[a, [b, c]]").as_deref(), Some("a|[b, c]"));
        assert_eq!(items("[a, b").as_deref(), None);
        assert_eq!(items("a, b").as_deref(), None);
        assert_eq!(items("[a'b, c]").as_deref(), Some("a'b|c"));
    }
}

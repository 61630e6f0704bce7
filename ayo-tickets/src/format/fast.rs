//! The values of the simplest frontmatters, read without the YAML parser: every line a
//! one-line `key: value` entry (or empty), as ayo and tk write them. Each value is exactly the
//! [`Value`] the YAML reader gives; anything this reader is not sure of (comments, tabs, block
//! lists, multi-line values, anchors, tags, escapes, nested collections, numbers other than
//! 64-bit integers) makes it give up, and the caller reads the frontmatter as YAML instead.

use serde_yaml::{Number, Value};

/// The longest key read here (YAML's simple keys may not exceed 1024 characters).
const MAX_KEY: usize = 128;

/// The values of `lines[1..close]` for the keys `wanted` keeps (with its name for them), in
/// order; `None` when the frontmatter is not simple enough.
pub(super) fn values(
    lines: &[&str],
    close: usize,
    wanted: impl Fn(&str) -> Option<&'static str>,
) -> Option<Vec<(&'static str, Value)>> {
    let mut out = Vec::with_capacity(close);
    for line in lines.get(1..close)? {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if !line.chars().all(allowed) {
            return None;
        }
        let (key, rest) = split_key(line)?;
        let value = block_value(rest)?;
        if let Some(name) = wanted(key) {
            out.push((name, value));
        }
    }
    Some(out)
}

/// A character this reader accepts anywhere in a line: printable ASCII but `#`, or a
/// non-ASCII character YAML takes as printable and not as a line break or byte order mark.
fn allowed(c: char) -> bool {
    match c {
        ' '..='~' => c != '#',
        '\u{a0}'..='\u{d7ff}' => !matches!(c, '\u{2028}' | '\u{2029}'),
        '\u{e000}'..='\u{fffd}' => c != '\u{feff}',
        c => c >= '\u{10000}',
    }
}

/// The key of `line` (letters, digits, `_`, `-`, starting with a letter or `_`, and not a
/// word YAML reads as null or a boolean) and the text after its `:`.
fn split_key(line: &str) -> Option<(&str, &str)> {
    let colon = line.find(':')?;
    let key = &line[..colon];
    let mut bytes = key.bytes();
    let first = bytes.next()?;
    if !(first.is_ascii_alphabetic() || first == b'_')
        || !bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        || key.len() > MAX_KEY
        || parse_null(key)
        || bool_of(key).is_some()
    {
        return None;
    }
    let rest = &line[colon + 1..];
    (rest.is_empty() || rest.starts_with(' ')).then_some((key, rest))
}

/// The value of a block mapping entry, from the text after its `:`.
fn block_value(rest: &str) -> Option<Value> {
    let v = rest.trim_matches(' ');
    match v.chars().next() {
        None => Some(Value::Null),
        Some('\'' | '"') => match quoted(v)? {
            (s, "") => Some(Value::String(s)),
            _ => None,
        },
        Some('[') => flow_list(v),
        Some(_) => {
            if !plain_start(v)
                || v.ends_with(':')
                || v.contains(": ")
                || v.contains(['[', ']', '{', '}'])
            {
                return None;
            }
            resolve(v)
        }
    }
}

/// True when a plain scalar may start as `v` does: not with an indicator of YAML, and `-` only
/// before a character that is not a space.
fn plain_start(v: &str) -> bool {
    let mut chars = v.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() || !c.is_ascii() => true,
        Some('_' | '.' | '/' | '~' | '(' | '$' | '+' | '=') => true,
        Some('-') => chars.next().is_some_and(|c| c != ' '),
        _ => false,
    }
}

/// A quoted scalar at the start of `v` (single-quoted with `''` for `'`, or double-quoted
/// without escapes) and the text after it.
fn quoted(v: &str) -> Option<(String, &str)> {
    let q = v.chars().next()?;
    let body = &v[1..];
    if q == '"' {
        let end = body.find('"')?;
        let s = &body[..end];
        return (!s.contains('\\')).then(|| (s.to_string(), &body[end + 1..]));
    }
    let mut s = String::new();
    let mut rest = body;
    loop {
        let end = rest.find('\'')?;
        s.push_str(&rest[..end]);
        rest = &rest[end + 1..];
        match rest.strip_prefix('\'') {
            Some(r) => {
                s.push('\'');
                rest = r;
            }
            None => return Some((s, rest)),
        }
    }
}

/// A one-line flow list `[a, 'b', 7]` of scalars; `[]` is empty; a trailing comma, an empty
/// item or a nested collection give up.
fn flow_list(v: &str) -> Option<Value> {
    let inner = v.strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    let mut rest = inner.trim_start_matches(' ');
    if rest.is_empty() {
        return Some(Value::Sequence(items));
    }
    loop {
        let after = if rest.starts_with(['\'', '"']) {
            let (s, after) = quoted(rest)?;
            items.push(Value::String(s));
            after
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            let item = rest[..end].trim_end_matches(' ');
            if item.is_empty()
                || !plain_start(item)
                || item.contains(['[', ']', '{', '}', ':', '\'', '"'])
            {
                return None;
            }
            items.push(resolve(item)?);
            &rest[end..]
        };
        let after = after.trim_start_matches(' ');
        if after.is_empty() {
            return Some(Value::Sequence(items));
        }
        rest = after.strip_prefix(',')?.trim_start_matches(' ');
        if rest.is_empty() {
            return None;
        }
    }
}

/// The value YAML gives a plain scalar `v` (not empty): null, a boolean, a decimal integer
/// or a string. Digits with a leading zero stay a string (`007`, as an id may be). A scalar
/// that might be another kind of number (a sign, a decimal point, an exponent, `0x`, `0o`,
/// `0b`, a digit group) is left to YAML (`None`). Anything else is a string: what starts
/// otherwise than a number can, or holds a character no number holds
/// (`2026-01-01T00:00:00Z`, `7f3a2b`, `P1`, `@agent`).
fn resolve(v: &str) -> Option<Value> {
    if parse_null(v) {
        return Some(Value::Null);
    }
    if let Some(b) = bool_of(v) {
        return Some(Value::Bool(b));
    }
    let bytes = v.as_bytes();
    if !(bytes[0].is_ascii_digit() || matches!(bytes[0], b'+' | b'-' | b'.')) {
        return Some(Value::String(v.to_string()));
    }
    if bytes.iter().all(u8::is_ascii_digit) {
        if bytes.len() > 1 && bytes[0] == b'0' {
            return Some(Value::String(v.to_string()));
        }
        return v
            .parse::<u64>()
            .ok()
            .map(|n| Value::Number(Number::from(n)));
    }
    let body = v.trim_start_matches(['+', '-']);
    let radix = ["0x", "0X", "0o", "0O", "0b", "0B"]
        .iter()
        .any(|p| body.starts_with(p));
    let number_like = bytes.iter().all(|b| b"0123456789.eE+-_".contains(b));
    (!radix && !number_like).then(|| Value::String(v.to_string()))
}

/// The words YAML reads as null.
fn parse_null(v: &str) -> bool {
    matches!(v, "null" | "Null" | "NULL" | "~")
}

/// The words YAML reads as a boolean.
fn bool_of(v: &str) -> Option<bool> {
    match v {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::frontmatter::{Front, read, read_yaml_only};
    use super::*;
    use proptest::prelude::*;

    /// Everything [`read`] finds, as text, or its error.
    fn outcome(r: Result<Front, super::super::Failure>) -> String {
        match r {
            Ok(f) => format!(
                "{:?}",
                (
                    f.items,
                    f.ticket,
                    f.frontmatter_id,
                    f.title,
                    f.remarks,
                    f.failures,
                    f.ayo_marked
                )
            ),
            Err(e) => format!("error {e:?}"),
        }
    }

    /// The frontmatter `text` (lines between the delimiters): whether the fast reader takes
    /// it, after asserting that reading it gives the same as with YAML alone.
    fn same(text: &str) -> bool {
        let doc = format!("---\n{text}\n---");
        let lines: Vec<&str> = doc.split('\n').collect();
        let close = lines.len() - 1;
        let fast = outcome(read(&lines, close));
        let yaml = outcome(read_yaml_only(&lines, close));
        assert_eq!(fast, yaml, "frontmatter:\n{text}");
        values(&lines, close, |k| {
            Some(Box::leak(k.to_string().into_boxed_str()))
        })
        .is_some()
    }

    /// The keys the reader knows, then others (and keys YAML reads as other than strings).
    fn keys() -> Vec<&'static str> {
        use super::super::frontmatter::{ORDER, OTHER_KEYS};
        ORDER
            .into_iter()
            .chain(OTHER_KEYS)
            .chain(["session", "other_key", "true", "Null"])
            .collect()
    }

    const VALUES: [&str; 100] = [
        "open",
        "in_progress",
        "closed",
        "Open",
        "done",
        "007",
        "1e3",
        "~",
        "~x",
        "null",
        "NULL",
        "True",
        "false",
        "yes",
        "-1",
        "-0",
        "+5",
        "+-5",
        "0x1F",
        "-0x1F",
        "0o7",
        "0b1",
        ".5",
        ".inf",
        "-.inf",
        ".nan",
        "inf",
        "nan",
        "1.5",
        "2",
        "4",
        "5",
        "18446744073709551616",
        "-99999999999999999999",
        "2026-01-01T00:00:00Z",
        "2026-01-01",
        "2026-01-01T00:00:00.123456Z",
        "2026-01-01 10:00",
        "a: b",
        "a:b",
        "a:",
        "- x",
        "-",
        "-a",
        "@agent",
        "'@agent'",
        "'it''s'",
        "'a'b",
        "\"q\"",
        "\"a\\\\b\"",
        "\"a\\nb\"",
        "[a, b]",
        "[]",
        "[ ]",
        "[a,,b]",
        "[a, ]",
        "[,]",
        "[007, ~, 'x', 1e3, true]",
        "[a, [b]]",
        "[a b, c]",
        "{a: b}",
        "&a x",
        "*a",
        "!t x",
        "!!str 1",
        "|",
        ">",
        "a # c",
        "a#b",
        "José",
        "Jane Doe",
        "P1",
        "high",
        "3600",
        "[\"x, y\", 'z']",
        "['a': b]",
        "[-1, +2, .5]",
        "''",
        "\"\"",
        "a'b",
        "x]",
        "a\u{2028}b",
        "%x",
        "?x",
        "12:30",
        "1_000",
        "0",
        "00",
        "5.",
        "1e",
        "Infinity",
        "-inf",
        "0xZ",
        "2026-01-02T03:04:05+02:00",
        "7f3a2b",
        "12ab34",
        "1e5x",
        "0x",
        "-007",
        "0e5",
    ];

    const OTHER_LINES: [&str; 12] = [
        "", " ", "# c", "  - a", "- a", "  more", "---", "...", "? x", "\t", "a:b", "{a: b}",
    ];

    fn line() -> impl Strategy<Value = String> {
        let value = prop_oneof![
            4 => proptest::sample::select(VALUES.to_vec()).prop_map(str::to_string),
            2 => "[a-z0-9 :'\"\\[\\],#@&*!|>{}.~+_/%`é\t-]{0,8}",
            1 => any::<String>().prop_map(|s| s.chars().take(6).collect()),
        ];
        let sep = proptest::sample::select(vec![": ", ":", ":  ", ":\t", " : ", ": ", ": "]);
        let entry = (proptest::sample::select(keys()), sep, value, any::<u8>()).prop_map(
            |(k, sep, v, pad)| {
                let pad = if pad % 5 == 0 { "  " } else { "" };
                format!("{k}{sep}{v}{pad}")
            },
        );
        prop_oneof![
            8 => entry,
            1 => proptest::sample::select(OTHER_LINES.to_vec()).prop_map(str::to_string),
        ]
    }

    fn frontmatter() -> impl Strategy<Value = String> {
        (proptest::collection::vec(line(), 0..8), any::<bool>()).prop_map(|(lines, crlf)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            lines.join(eol)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        /// Wherever the fast reader takes a frontmatter, it reads what YAML reads.
        #[test]
        fn fast_reads_as_yaml(text in frontmatter()) {
            same(&text);
        }

        /// The same for frontmatters of one simple entry per key, which it mostly takes.
        #[test]
        fn fast_reads_as_yaml_simple(
            values in proptest::collection::vec(proptest::sample::select(VALUES.to_vec()), 1..6),
        ) {
            let text = values
                .iter()
                .zip(keys())
                .map(|(v, k)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("\n");
            same(&text);
        }
    }

    /// Every fixture file (tk's, ayo's, the corpus) reads the same with the fast reader.
    #[test]
    fn fixtures_read_as_yaml() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut dirs = vec![root];
        let (mut files, mut taken) = (0, 0);
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let Ok(close) = super::super::find_close(&text) else {
                    continue;
                };
                let (lines, _) = super::super::split_lines(&text);
                files += 1;
                if same(&lines[1..close].join("\n")) {
                    taken += 1;
                }
            }
        }
        assert!(files > 20 && taken > 10, "{taken} of {files}");
    }

    #[test]
    fn takes_what_tk_and_ayo_write() {
        let tk = "id: a00a7p\nstatus: closed\ndeps: [a0evlu, 'x y']\nlinks: []\n\
                  created: 2026-01-02T02:57:00Z\ntype: task\npriority: 1\nassignee: Jane Doe\n\
                  external-ref: gh-42\nparent: a00a7o\ntags: [ui, 007]";
        let ayo = "id: '123'\nstatus: in_progress\ndeps: []\nlinks: []\n\
                   created: 2026-01-02T02:57:00.123456Z\nstarted: 2026-01-02T03:00:00Z\n\
                   type: bug\npriority: 0\nassignee: '@agent'\nlease_until: 2026-01-02T04:00:00Z\n\
                   lease_secs: 3600\nsession: s1\n";
        for text in [tk, &ayo.replace('\n', "\r\n"), ayo, "", "\n"] {
            assert!(same(text), "{text}");
        }
        for text in [
            "deps:\n  - a",
            "id: a # c",
            "id: &x a",
            "id: \"a\\tb\"",
            "priority: 1.0",
        ] {
            assert!(!same(text), "{text}");
        }
    }
}

//! The frontmatter: its entries as written, the fields read from them, and writing them back
//! (all of them for a new file, or only the changed ones in the previous entries' style).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde_yaml::{Mapping, Value};

use super::lenient::{Remark, priority_word, read_when};
use super::scalar::{comment_start, flow_items, flow_list, strip_comment, yaml_scalar};
use super::{Failure, Out, fmt_ts};
use crate::ticket::{DEFAULT_PRIORITY, Status, Ticket};

/// ayo's order of the keys: new files use it, and a key added to an existing file goes after
/// the nearest key before it in this order that the file has.
pub(super) const ORDER: [&str; 16] = [
    "id",
    "status",
    "deps",
    "links",
    "created",
    "started",
    "closed",
    "type",
    "priority",
    "assignee",
    "tags",
    "parent",
    "external_ref",
    "lease_until",
    "lease_secs",
    "defer_until",
];

/// The keys read besides those of [`ORDER`]: the title of ayo's older tool, and tk's spelling
/// of `external_ref`.
pub(super) const OTHER_KEYS: [&str; 2] = ["title", TK_EXTERNAL_REF];

/// tk's spelling of `external_ref`.
const TK_EXTERNAL_REF: &str = "external-ref";

/// Keys only ayo's tools write: a file with one of them is ayo's (see [`Front::ayo_marked`]).
const AYO_KEYS: [&str; 6] = [
    "external_ref",
    "session",
    "title",
    "lease_until",
    "lease_secs",
    "defer_until",
];

/// A run of frontmatter lines `start..end` (indices into the file's lines): a `key: value`
/// entry with its continuation lines, or one other line (blank, comment, anything else).
#[derive(Debug, Clone)]
pub(super) struct Item {
    start: usize,
    end: usize,
    key: Option<Key>,
}

/// The key of an entry, and the byte offset of its `:` in the key line.
#[derive(Debug, Clone)]
struct Key {
    name: String,
    colon: usize,
}

/// What [`read`] finds.
pub(super) struct Front {
    /// The items of the frontmatter, in order.
    pub(super) items: Vec<Item>,
    /// The ticket with the frontmatter's fields (id, title, description and notes empty).
    pub(super) ticket: Ticket,
    /// The `id:` as written.
    pub(super) frontmatter_id: Option<String>,
    /// The `title:` (ayo's older tool), used when the body has no `# ` heading.
    pub(super) title: Option<String>,
    /// Values read as something else than they say.
    pub(super) remarks: Vec<Remark>,
    /// Fields that cannot be read, each with its line.
    pub(super) failures: Vec<Failure>,
    /// True when the frontmatter bears a mark of ayo's tools: a key only they write
    /// ([`AYO_KEYS`]), an assignee starting with `@`, or a `created` time with a fraction of a
    /// second (ayo-tickets keeps microseconds; tk writes whole seconds).
    pub(super) ayo_marked: bool,
}

/// A field's value as written after `key:`: a scalar, or the items of a list (each already
/// formatted as a scalar).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Written {
    Scalar(String),
    List(Vec<String>),
}

/// How deep the frontmatter's flow collections (`[`, `{`) may nest. The YAML reader takes time
/// quadratic in the depth (40 000 `[` take seconds, a MiB of them hours) and the deserializer
/// refuses more than 128 levels anyway; brackets are counted anywhere, inside strings too, so
/// the limit is far above that.
const MAX_FLOW_DEPTH: usize = 1000;

/// Refuses a frontmatter whose brackets nest deeper than [`MAX_FLOW_DEPTH`], before YAML reads it.
fn check_depth(lines: &[&str], close: usize) -> Result<(), Failure> {
    let mut depth = 0usize;
    for (i, line) in lines.iter().enumerate().take(close).skip(1) {
        for b in line.bytes() {
            match b {
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Err(Failure::at(
                            i,
                            format!("the frontmatter nests more than {MAX_FLOW_DEPTH} levels deep"),
                        ));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Reads the frontmatter `lines[1..close]`.
pub(super) fn read(lines: &[&str], close: usize) -> Result<Front, Failure> {
    read_with(lines, close, true)
}

/// [`read`] with the YAML parser only (the fast reader off), for the tests that compare both.
#[cfg(test)]
pub(super) fn read_yaml_only(lines: &[&str], close: usize) -> Result<Front, Failure> {
    read_with(lines, close, false)
}

/// The frontmatter's values of the keys ayo-tickets reads.
enum Values {
    /// As YAML read them.
    Yaml(Mapping),
    /// As the fast reader read them (see [`fast`](super::fast)).
    Fast(Vec<(&'static str, Value)>),
}

impl Values {
    fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Values::Yaml(m) => m.get(key),
            Values::Fast(v) => v.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
        }
    }
}

/// The name in [`ORDER`] or [`OTHER_KEYS`] equal to `key`.
fn known_key(key: &str) -> Option<&'static str> {
    ORDER.into_iter().chain(OTHER_KEYS).find(|k| *k == key)
}

/// The frontmatter's values: by the fast reader when `fast` and it can, else by YAML.
fn values(lines: &[&str], close: usize, fast: bool) -> Result<Values, Failure> {
    if fast && let Some(v) = super::fast::values(lines, close, known_key) {
        return Ok(Values::Fast(v));
    }
    let yaml = lines[1..close].join("\n");
    match serde_yaml::from_str::<Value>(&yaml) {
        Ok(Value::Mapping(m)) => Ok(Values::Yaml(m)),
        Ok(Value::Null) => Ok(Values::Yaml(Mapping::new())),
        Ok(_) => Err(Failure::at(
            1.min(close),
            "the frontmatter must be a YAML mapping of keys to values",
        )),
        Err(e) => {
            let mut message = e.to_string();
            if let Some(i) = message.find(" at line ") {
                message.truncate(i);
            }
            Err(Failure {
                line: e.location().map(|l| l.line() + 1),
                message: format!("invalid YAML in the frontmatter: {message}"),
            })
        }
    }
}

/// [`read`], with the fast reader when `fast`.
fn read_with(lines: &[&str], close: usize, fast: bool) -> Result<Front, Failure> {
    let items = segment(lines, close)?;
    check_depth(lines, close)?;
    let mapping = values(lines, close, fast)?;
    let by_key: HashMap<&str, &Item> = items
        .iter()
        .filter_map(|it| it.key.as_ref().map(|k| (k.name.as_str(), it)))
        .collect();
    let mut fields: HashMap<&str, Field<'_>> = HashMap::default();
    let mut failures = Vec::new();
    for key in ORDER.into_iter().chain(OTHER_KEYS) {
        match (mapping.get(key), by_key.get(key)) {
            (Some(value), Some(item)) => {
                let (first, rest) = entry_parts(lines, item);
                fields.insert(
                    key,
                    Field {
                        key,
                        value,
                        first,
                        rest,
                        line: item.start,
                    },
                );
            }
            (None, None) => {}
            (_, item) => failures.push(Failure {
                line: item.map(|it| it.start + 1),
                message: format!(
                    "the frontmatter key '{key}' is written in a way ayo-tickets cannot read"
                ),
            }),
        }
    }
    let mut remarks = Vec::new();
    let read = Reader {
        fields: &fields,
        failures: std::cell::RefCell::new(failures),
        remarks: std::cell::RefCell::new(&mut remarks),
    };
    let mut t = Ticket::new("", "");
    let frontmatter_id = read.scalar("id").flatten();
    if let Some((f, Some(s))) = read
        .field("status")
        .map(|f| (f, read.scalar("status").flatten()))
    {
        t.status = Status::read(&s);
        let standard = matches!(t.status, Status::Open | Status::InProgress | Status::Closed)
            && s == t.status.as_str();
        if !standard {
            let message = match &t.status {
                Status::Other(_) => format!(
                    "status '{s}' is none of open, in_progress, closed: kept as it is, \
                     counted as not closed, never ready or claimable"
                ),
                state => format!("status '{s}' is read as {state}"),
            };
            read.remark(f, &s, t.status.as_str(), message);
        }
    }
    t.deps = read.list("deps");
    t.tags = read.list("tags");
    t.links = read.list("links");
    t.created = read.timestamp("created");
    t.started = read.timestamp("started");
    t.closed = read.timestamp("closed");
    t.lease_until = read.timestamp("lease_until");
    t.defer_until = read.timestamp("defer_until");
    if let Some(kind) = read.scalar("type").flatten() {
        t.kind = kind;
    }
    if let Some(p) = read.priority() {
        t.priority = p;
    }
    t.assignee = read.scalar("assignee").flatten();
    t.parent = read.scalar("parent").flatten();
    t.external_ref = read
        .scalar("external_ref")
        .or_else(|| read.scalar(TK_EXTERNAL_REF))
        .flatten();
    t.lease_secs = read.unsigned("lease_secs");
    let title = read.scalar("title").flatten();
    let ayo_marked = items
        .iter()
        .filter_map(|it| it.key.as_ref())
        .any(|k| AYO_KEYS.contains(&k.name.as_str()))
        || t.assignee.as_deref().is_some_and(|a| a.starts_with('@'))
        || t.created.is_some_and(|c| c.timestamp_subsec_nanos() != 0);
    let failures = read.failures.into_inner();
    Ok(Front {
        items,
        ticket: t,
        frontmatter_id,
        title,
        remarks,
        failures,
        ayo_marked,
    })
}

/// Reads the known fields, collecting every failure and remark instead of stopping at the
/// first.
struct Reader<'f, 'a> {
    fields: &'f HashMap<&'static str, Field<'a>>,
    failures: std::cell::RefCell<Vec<Failure>>,
    remarks: std::cell::RefCell<&'f mut Vec<Remark>>,
}

impl<'a> Reader<'_, 'a> {
    fn field(&self, key: &str) -> Option<&Field<'a>> {
        self.fields.get(key)
    }

    /// `Some` when the key is there and readable (its value `None` for null).
    fn scalar(&self, key: &str) -> Option<Option<String>> {
        self.take(self.field(key)?.scalar())
    }

    fn list(&self, key: &str) -> Vec<String> {
        self.field(key)
            .and_then(|f| self.take(f.list()))
            .unwrap_or_default()
    }

    fn timestamp(&self, key: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        let f = self.field(key)?;
        let (t, written) = self.take(f.timestamp())??;
        if let Some(w) = written {
            let at = fmt_ts(t);
            self.remark(f, &w, &at, format!("{key} '{w}' is read as {at} (UTC)"));
        }
        Some(t)
    }

    fn priority(&self) -> Option<u8> {
        let f = self.field("priority")?;
        let (p, written) = self.take(f.priority())?;
        if let Some(w) = written {
            self.remark(
                f,
                &w,
                &p.to_string(),
                format!("priority '{w}' is read as {p}"),
            );
        }
        Some(p)
    }

    fn unsigned(&self, key: &str) -> Option<u64> {
        self.take(self.field(key)?.unsigned()).flatten()
    }

    fn take<T>(&self, r: Result<T, Failure>) -> Option<T> {
        r.map_err(|f| self.failures.borrow_mut().push(f)).ok()
    }

    fn remark(&self, f: &Field<'_>, written: &str, read_as: &str, message: String) {
        self.remarks.borrow_mut().push(Remark {
            line: f.line + 1,
            field: f.key.to_string(),
            written: written.to_string(),
            read_as: read_as.to_string(),
            message,
        });
    }
}

/// Splits `lines[1..close]` into items. A line that starts with whitespace, or is a `- ` list
/// item, continues the last entry (together with any blank or comment lines in between).
fn segment(lines: &[&str], close: usize) -> Result<Vec<Item>, Failure> {
    let mut items: Vec<Item> = Vec::new();
    let mut last_entry: Option<usize> = None;
    let mut seen: HashSet<&str> = HashSet::default();
    for (i, &line) in lines.iter().enumerate().take(close).skip(1) {
        if is_continuation(line) {
            if let Some(j) = last_entry {
                items.truncate(j + 1);
                items[j].end = i + 1;
                continue;
            }
        } else if let Some(key) = key_of(line) {
            if !seen.insert(&line[..key.colon]) {
                return Err(Failure::at(
                    i,
                    format!("the key '{}' appears twice in the frontmatter", key.name),
                ));
            }
            items.push(Item {
                start: i,
                end: i + 1,
                key: Some(key),
            });
            last_entry = Some(items.len() - 1);
            continue;
        }
        items.push(Item {
            start: i,
            end: i + 1,
            key: None,
        });
    }
    Ok(items)
}

/// True for a line that continues the entry before it: indented and not blank, or a block
/// list item at column 0.
fn is_continuation(line: &str) -> bool {
    (line.starts_with([' ', '\t']) && !line.trim().is_empty())
        || line.trim_end() == "-"
        || line.starts_with("- ")
        || line.starts_with("-\t")
}

/// The key of a `key: value` line at column 0 (a quoted key is unquoted).
fn key_of(line: &str) -> Option<Key> {
    let first = line.chars().next()?;
    if first.is_whitespace() || first == '#' || line.starts_with("---") {
        return None;
    }
    let is_colon_at = |i: usize| {
        line[i..].starts_with(':')
            && line[i + 1..]
                .chars()
                .next()
                .is_none_or(|c| matches!(c, ' ' | '\t' | '\r'))
    };
    if first == '\'' || first == '"' {
        let close = line[1..].find(first)? + 1;
        let after = close + 1;
        let colon = after + (line[after..].len() - line[after..].trim_start().len());
        return is_colon_at(colon).then(|| Key {
            name: line[1..close].to_string(),
            colon,
        });
    }
    let comment = comment_start(line).unwrap_or(line.len());
    let colon = line[..comment]
        .char_indices()
        .find(|&(i, c)| c == ':' && is_colon_at(i))?
        .0;
    let name = line[..colon].trim_end();
    (!name.is_empty()).then(|| Key {
        name: name.to_string(),
        colon,
    })
}

/// The text after the `:` of an entry's key line, and its continuation lines.
fn entry_parts<'l, 'a>(lines: &'l [&'a str], item: &Item) -> (&'a str, &'l [&'a str]) {
    let colon = item.key.as_ref().map_or(0, |k| k.colon);
    let key_line = lines[item.start];
    (&key_line[colon + 1..], &lines[item.start + 1..item.end])
}

/// A known key's YAML value and its text as written.
struct Field<'a> {
    key: &'static str,
    value: &'a Value,
    first: &'a str,
    rest: &'a [&'a str],
    line: usize,
}

impl Field<'_> {
    fn fail(&self, message: impl Into<String>) -> Failure {
        Failure::at(self.line, message)
    }

    /// The value as one plain line of text: comments removed, lines joined with spaces.
    fn raw(&self) -> String {
        std::iter::once(self.first)
            .chain(self.rest.iter().copied())
            .map(|l| strip_comment(l).trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The raw items of a list: a flow list, or a block list of one-line items.
    fn raw_items(&self) -> Option<Vec<String>> {
        if self.first.trim_start().starts_with('[') {
            let joined = std::iter::once(self.first)
                .chain(self.rest.iter().copied())
                .collect::<Vec<_>>()
                .join("\n");
            return flow_items(&joined);
        }
        if !strip_comment(self.first).trim().is_empty() {
            return None;
        }
        let mut items = Vec::new();
        for line in self.rest {
            let t = line.trim_start();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let item = if t.trim_end() == "-" {
                ""
            } else {
                t.strip_prefix("- ").or_else(|| t.strip_prefix("-\t"))?
            };
            items.push(strip_comment(item).trim().to_string());
        }
        Some(items)
    }

    /// A single value as text; `None` for null.
    fn scalar(&self) -> Result<Option<String>, Failure> {
        scalar_text(self.value, || Some(self.raw()))
            .map_err(|m| self.fail(format!("{}: {m}", self.key_name())))
    }

    /// A list of values as text (null is the empty list; null items are left out).
    fn list(&self) -> Result<Vec<String>, Failure> {
        let fail = || {
            self.fail(format!(
                "{} must be a list of plain values",
                self.key_name()
            ))
        };
        let Value::Sequence(seq) = self.value else {
            return match self.value {
                Value::Null => Ok(Vec::new()),
                _ => Err(fail()),
            };
        };
        let raws = self.raw_items().filter(|r| r.len() == seq.len());
        let mut out = Vec::with_capacity(seq.len());
        for (i, v) in seq.iter().enumerate() {
            let raw = || raws.as_ref().map(|r| r[i].clone());
            if let Some(s) = scalar_text(v, raw).map_err(|_| fail())? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// A time; with the text as written when it is not RFC 3339 (a date alone, no zone).
    #[allow(clippy::type_complexity)]
    fn timestamp(
        &self,
    ) -> Result<Option<(chrono::DateTime<chrono::Utc>, Option<String>)>, Failure> {
        let fail = || {
            self.fail(format!(
                "{} must be a time such as 2026-11-23T10:00:00Z (RFC 3339) or a date such as \
                 2026-11-23",
                self.key_name()
            ))
        };
        match self.value {
            Value::Null => Ok(None),
            Value::String(s) => match read_when(s) {
                Some((t, true)) => Ok(Some((t, None))),
                Some((t, false)) => Ok(Some((t, Some(s.trim().to_string())))),
                None => Err(fail()),
            },
            _ => Err(fail()),
        }
    }

    /// The priority; with the text as written when it is a word (`P1`, `high`).
    fn priority(&self) -> Result<(u8, Option<String>), Failure> {
        let n = match self.value {
            Value::Null => return Ok((DEFAULT_PRIORITY, None)),
            Value::Number(n) => n.as_i64(),
            Value::String(s) => match s.trim().parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    if let Some(p) = priority_word(s) {
                        return Ok((p, Some(s.trim().to_string())));
                    }
                    None
                }
            },
            _ => None,
        };
        match n {
            Some(n @ 0..=4) => Ok((n as u8, None)),
            _ => Err(self.fail(
                "priority must be an integer from 0 to 4, P0 to P4, or critical, high, medium, low",
            )),
        }
    }

    fn unsigned(&self) -> Result<Option<u64>, Failure> {
        let n = match self.value {
            Value::Null => return Ok(None),
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse::<u64>().ok(),
            _ => None,
        };
        n.map(Some).ok_or_else(|| {
            self.fail(format!(
                "{} must be a whole number of seconds",
                self.key_name()
            ))
        })
    }

    fn key_name(&self) -> &'static str {
        self.key
    }
}

/// A scalar's text: YAML's string, or for a number or boolean the text as written (`raw`);
/// `None` for null; an error for a list or mapping.
fn scalar_text(
    value: &Value,
    raw: impl FnOnce() -> Option<String>,
) -> Result<Option<String>, &'static str> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Bool(_) | Value::Number(_) => Ok(Some(
            raw()
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| display(value)),
        )),
        Value::Tagged(t) => match &t.value {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            v @ (Value::Bool(_) | Value::Number(_)) => Ok(Some(display(v))),
            _ => Err("expected a single value"),
        },
        Value::Sequence(_) | Value::Mapping(_) => Err("expected a single value"),
    }
}

/// The canonical text of a number or boolean.
fn display(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// The value of field `key` of `t` as written, `None` when the field is left out.
fn written(key: &str, t: &Ticket) -> Option<Written> {
    let scalar = |s: &str| Some(Written::Scalar(yaml_scalar(s)));
    let list = |v: &[String]| Written::List(v.iter().map(|s| yaml_scalar(s)).collect());
    let time = |d: Option<chrono::DateTime<chrono::Utc>>| d.map(|d| Written::Scalar(fmt_ts(d)));
    match key {
        "id" => scalar(&t.id),
        "status" => scalar(t.status.as_str()),
        "deps" => Some(list(&t.deps)),
        "links" => Some(list(&t.links)),
        "created" => time(t.created),
        "started" => time(t.started),
        "closed" => time(t.closed),
        "type" => scalar(&t.kind),
        "priority" => Some(Written::Scalar(t.priority.to_string())),
        "assignee" => t.assignee.as_deref().and_then(scalar),
        "tags" => (!t.tags.is_empty()).then(|| list(&t.tags)),
        "parent" => t.parent.as_deref().and_then(scalar),
        "external_ref" => t.external_ref.as_deref().and_then(scalar),
        "lease_until" => time(t.lease_until),
        "lease_secs" => t.lease_secs.map(|n| Written::Scalar(n.to_string())),
        "defer_until" => time(t.defer_until),
        _ => None,
    }
}

/// True when field `key` differs between the two tickets (`id` never does: the file name is
/// authoritative).
fn differs(key: &str, a: &Ticket, b: &Ticket) -> bool {
    match key {
        "status" => a.status != b.status,
        "deps" => a.deps != b.deps,
        "links" => a.links != b.links,
        "external_ref" => a.external_ref != b.external_ref,
        "created" => a.created != b.created,
        "started" => a.started != b.started,
        "closed" => a.closed != b.closed,
        "type" => a.kind != b.kind,
        "priority" => a.priority != b.priority,
        "assignee" => a.assignee != b.assignee,
        "tags" => a.tags != b.tags,
        "parent" => a.parent != b.parent,
        "lease_until" => a.lease_until != b.lease_until,
        "lease_secs" => a.lease_secs != b.lease_secs,
        "defer_until" => a.defer_until != b.defer_until,
        _ => false,
    }
}

/// The lines of a new entry: `key: value`, or a block list with `indent` when one is given.
fn entry_lines(key: &str, w: &Written, block_indent: Option<&str>) -> Vec<String> {
    match (w, block_indent) {
        (Written::Scalar(s), _) => vec![format!("{key}: {s}")],
        (Written::List(items), Some(indent)) if !items.is_empty() => {
            let mut v = vec![format!("{key}:")];
            v.extend(items.iter().map(|i| format!("{indent}- {i}")));
            v
        }
        (Written::List(items), _) => vec![format!("{key}: {}", flow_list(items))],
    }
}

/// The frontmatter lines of a new file, in ayo's order.
pub(super) fn write_new(t: &Ticket) -> Vec<String> {
    ORDER
        .iter()
        .filter_map(|key| written(key, t).map(|w| entry_lines(key, &w, None)))
        .flatten()
        .collect()
}

/// The indentation of a block list entry (`deps:` then `    - a` lines), if `item` is one.
fn block_indent<'a>(lines: &[&'a str], item: &Item) -> Option<&'a str> {
    let key = item.key.as_ref()?;
    if !strip_comment(&lines[item.start][key.colon + 1..])
        .trim()
        .is_empty()
    {
        return None;
    }
    let line = lines[item.start + 1..item.end].iter().find(|l| {
        let t = l.trim_start();
        !t.is_empty() && !t.starts_with('#')
    })?;
    let t = line.trim_start();
    (t.trim_end() == "-" || t.starts_with("- ") || t.starts_with("-\t"))
        .then(|| &line[..line.len() - t.len()])
}

/// The entry `item` rewritten to hold `w`, in its previous style: the key as written, a
/// block list stays a block list with the same indentation, a one-line entry keeps its
/// trailing comment, a line that ended with `\r` still does.
fn regenerate(lines: &[&str], item: &Item, w: &Written) -> Vec<Out> {
    let Some(key) = item.key.as_ref() else {
        return Vec::new();
    };
    let key_line = lines[item.start];
    let prefix = &key_line[..=key.colon];
    let (value, eol) = match key_line[key.colon + 1..].strip_suffix('\r') {
        Some(v) => (v, "\r"),
        None => (&key_line[key.colon + 1..], ""),
    };
    let comment = if item.end == item.start + 1 {
        comment_start(value).map_or("", |i| &value[i..])
    } else {
        ""
    };
    match w {
        Written::List(items) if !items.is_empty() => {
            if let Some(indent) = block_indent(lines, item) {
                let mut out = vec![Out::Old(item.start)];
                out.extend(
                    items
                        .iter()
                        .map(|i| Out::New(format!("{indent}- {i}{eol}"))),
                );
                return out;
            }
            vec![Out::New(format!(
                "{prefix} {}{comment}{eol}",
                flow_list(items)
            ))]
        }
        Written::List(items) => vec![Out::New(format!(
            "{prefix} {}{comment}{eol}",
            flow_list(items)
        ))],
        Written::Scalar(s) => vec![Out::New(format!("{prefix} {s}{comment}{eol}"))],
    }
}

/// The key field `key` has in a file with these items: tk's `external-ref` when the file
/// spells it so, else `key` itself; for a key the file lacks, tk's spelling in a tk file
/// (`tk`).
fn key_in<'k>(items: &[Item], key: &'k str, tk: bool) -> &'k str {
    if key != "external_ref" {
        return key;
    }
    let has = |name: &str| {
        items
            .iter()
            .any(|it| it.key.as_ref().is_some_and(|k| k.name == name))
    };
    if has(key) {
        key
    } else if has(TK_EXTERNAL_REF) || tk {
        TK_EXTERNAL_REF
    } else {
        key
    }
}

/// The frontmatter lines (between the delimiters) with the fields that differ between `old`
/// and `new` rewritten, inserted or removed; `None` when no field differs. A `title:` the file
/// has is kept in step with the title; a key added to a tk file (`tk`) is spelled as tk does.
pub(super) fn patch(
    lines: &[&str],
    items: &[Item],
    old: &Ticket,
    new: &Ticket,
    tk: bool,
) -> Option<Vec<Out>> {
    let title_item = items
        .iter()
        .find(|it| it.key.as_ref().is_some_and(|k| k.name == "title"));
    let title_changed = title_item.is_some() && old.title != new.title;
    if !title_changed && !ORDER.iter().any(|k| differs(k, old, new)) {
        return None;
    }
    struct Patched<'k> {
        key: Option<&'k str>,
        out: Vec<Out>,
    }
    let mut patched: Vec<Patched<'_>> = items
        .iter()
        .map(|it| Patched {
            key: it.key.as_ref().map(|k| k.name.as_str()),
            out: (it.start..it.end).map(Out::Old).collect(),
        })
        .collect();
    let hint = items.iter().find_map(|it| block_indent(lines, it));
    // New lines follow the file's line ending (`\r\n` when its first line has one).
    let eol = if lines[0].ends_with('\r') { "\r" } else { "" };
    for (pos, key) in ORDER.iter().enumerate() {
        if !differs(key, old, new) {
            continue;
        }
        let name = key_in(items, key, tk);
        let at = patched.iter().position(|p| p.key == Some(name));
        match (at, written(key, new)) {
            (Some(i), Some(w)) => {
                // Each key is patched once, so the entry is still the previous file's.
                if let Some(item) = items
                    .iter()
                    .find(|it| it.key.as_ref().is_some_and(|k| k.name == name))
                {
                    patched[i].out = regenerate(lines, item, &w);
                }
            }
            (Some(i), None) => {
                patched.remove(i);
            }
            (None, Some(w)) => {
                let after = ORDER[..pos]
                    .iter()
                    .rev()
                    .find_map(|k| patched.iter().position(|p| p.key == Some(k)));
                let at = after.map_or(patched.len(), |i| i + 1);
                patched.insert(
                    at,
                    Patched {
                        key: Some(name),
                        out: entry_lines(name, &w, hint)
                            .into_iter()
                            .map(|l| Out::New(format!("{l}{eol}")))
                            .collect(),
                    },
                );
            }
            (None, None) => {}
        }
    }
    if let (true, Some(item)) = (title_changed, title_item)
        && let Some(p) = patched.iter_mut().find(|p| p.key == Some("title"))
    {
        p.out = regenerate(lines, item, &Written::Scalar(yaml_scalar(&new.title)));
    }
    Some(patched.into_iter().flat_map(|p| p.out).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<&str> {
        s.split('\n').collect()
    }

    #[test]
    fn keys() {
        let k = key_of("status: open").unwrap();
        assert_eq!((k.name.as_str(), k.colon), ("status", 6));
        assert_eq!(key_of("deps:").unwrap().name, "deps");
        assert_eq!(key_of("external-ref: gh-42").unwrap().name, "external-ref");
        assert_eq!(key_of("'my key' : 1").unwrap().name, "my key");
        assert_eq!(key_of("url: http://x").unwrap().name, "url");
        assert!(key_of("  - a").is_none());
        assert!(key_of("- a").is_none());
        assert!(key_of("# c: d").is_none());
        assert!(key_of("a:b").is_none());
        assert!(key_of("").is_none());
        assert_eq!(key_of("deps:\r").unwrap().name, "deps");
        assert!(is_continuation("-\r"));
    }

    #[test]
    fn segments() {
        let l = lines("---\nid: a\n# c\ndeps:\n    - x\n\n    - y\ntags:\n- t\nother: 1\n---");
        let items = segment(&l, l.len() - 1).unwrap();
        let spans: Vec<_> = items
            .iter()
            .map(|i| (i.start, i.end, i.key.as_ref().map(|k| k.name.clone())))
            .collect();
        assert_eq!(
            spans,
            vec![
                (1, 2, Some("id".into())),
                (2, 3, None),
                (3, 7, Some("deps".into())),
                (7, 9, Some("tags".into())),
                (9, 10, Some("other".into())),
            ]
        );
        assert_eq!(block_indent(&l, &items[2]), Some("    "));
        assert_eq!(block_indent(&l, &items[3]), Some(""));
        assert_eq!(block_indent(&l, &items[0]), None);
    }

    #[test]
    fn list_styles_read() {
        let l = lines("---\ndeps:\n    - a # c\n    - 007\ntags: [x, 1e3] # c\n---");
        let f = read(&l, l.len() - 1).unwrap();
        assert_eq!(f.ticket.deps, ["a", "007"]);
        assert_eq!(f.ticket.tags, ["x", "1e3"]);
    }
}

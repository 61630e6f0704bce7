//! One line of beads' `issues.jsonl`, read leniently: what ayo maps of it, and what it could
//! not map.
//!
//! The field names are beads' (`id`, `title`, `description`, `design`, `acceptance_criteria`,
//! `notes`, `status`, `priority`, `issue_type`, `assignee`, `labels`, `created_at`,
//! `started_at`, `closed_at`, `close_reason`, `external_ref`, `comments`, `dependencies`,
//! `ephemeral` (`wisp` in older files), `pinned`).

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::{Map, Value};

use super::NotMapped;
use crate::ticket::{
    DEFAULT_PRIORITY, Note, Status, TYPES, Ticket, normalize_agent, validate_id, validate_tag,
    validate_title,
};

/// A line kept for import: its ticket (deps, parent and links not yet set) and its edges.
#[derive(Debug, Clone)]
pub(super) struct Line {
    /// The line's number, from 1.
    pub(super) number: usize,
    /// The ticket, without its edges.
    pub(super) ticket: Ticket,
    /// Its dependencies as written: (type, target).
    pub(super) edges: Vec<(String, String)>,
}

/// What a line of the file is.
pub(super) enum Read {
    /// An issue to import.
    Issue(Box<Line>),
    /// A line to leave out, and why.
    Skip(NotMapped),
    /// A header or blank line: nothing to count.
    Nothing,
}

/// The text of a string field, if it is a string and not blank.
fn text<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    o.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// True when a field is `true`.
fn flag(o: &Map<String, Value>, key: &str) -> bool {
    o.get(key).and_then(Value::as_bool) == Some(true)
}

/// A beads time: RFC 3339 with 0 to 9 fractional digits and `Z` or an offset; Go's zero time
/// (year 1) is none. Kept to the microsecond, the precision every store keeps. `Err` for text
/// that is no time.
pub(super) fn time(s: &str) -> Result<Option<DateTime<Utc>>, ()> {
    let t = DateTime::parse_from_rfc3339(s.trim()).map_err(|_| ())?;
    let t = t.with_timezone(&Utc).trunc_subsecs(6);
    Ok((t.timestamp() > -62_000_000_000).then_some(t))
}

/// Collects what one line could not map.
struct Misses<'a> {
    number: usize,
    id: &'a str,
    out: &'a mut Vec<NotMapped>,
}

impl Misses<'_> {
    fn add(&mut self, kind: &'static str, detail: String) {
        self.out.push(NotMapped {
            line: self.number,
            id: Some(self.id.to_string()),
            kind,
            detail,
        });
    }

    /// A time field, or none (counted when it is there and unreadable).
    fn time(&mut self, o: &Map<String, Value>, key: &str) -> Option<DateTime<Utc>> {
        let s = text(o, key)?;
        match time(s) {
            Ok(t) => t,
            Err(()) => {
                self.add("time", format!("{key} '{s}' is not an RFC 3339 time"));
                None
            }
        }
    }
}

/// Reads line `number` (from 1) of the file; what a kept line cannot map goes to `misses`.
pub(super) fn read(number: usize, line: &str, misses: &mut Vec<NotMapped>) -> Read {
    let skip = |id: Option<&str>, kind: &'static str, detail: String| {
        Read::Skip(NotMapped {
            line: number,
            id: id.map(str::to_string),
            kind,
            detail,
        })
    };
    if line.trim().is_empty() {
        return Read::Nothing;
    }
    let o = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return skip(None, "record", "not a JSON object".into()),
        Err(e) => return skip(None, "record", format!("not JSON: {e}")),
    };
    if o.contains_key("_schema") {
        return Read::Nothing;
    }
    if let Some(kind) = o.get("_type").and_then(Value::as_str)
        && kind != "issue"
    {
        return skip(None, "record", format!("a '{kind}' record, not an issue"));
    }
    let Some(id) = o.get("id").and_then(Value::as_str) else {
        return skip(None, "record", "no id".into());
    };
    let status = o.get("status").and_then(Value::as_str).unwrap_or("open");
    if status == "tombstone" {
        return skip(Some(id), "tombstone", "a deleted issue".into());
    }
    if flag(&o, "ephemeral") || flag(&o, "wisp") {
        return skip(Some(id), "ephemeral", "an ephemeral wisp".into());
    }
    if let Err(e) = validate_id(id) {
        return skip(Some(id), "id", e.to_string());
    }
    let title = o.get("title").and_then(Value::as_str).unwrap_or("").trim();
    if let Err(e) = validate_title(title) {
        return skip(Some(id), "title", e.to_string());
    }
    let mut m = Misses {
        number,
        id,
        out: misses,
    };
    let mut t = Ticket::new(id, title);
    t.status = match status {
        "open" | "" => Status::Open,
        "in_progress" | "hooked" => Status::InProgress,
        "closed" => Status::Closed,
        other => Status::Other(other.to_string()),
    };
    if flag(&o, "pinned") && t.status == Status::Open {
        t.status = Status::Other("pinned".into());
    }
    t.priority = match o.get("priority") {
        None | Some(Value::Null) => 0,
        Some(v) => match v.as_u64().filter(|p| *p <= 4) {
            Some(p) => p as u8,
            None => {
                m.add("priority", format!("priority {v} is not 0 to 4"));
                DEFAULT_PRIORITY
            }
        },
    };
    if let Some(kind) = text(&o, "issue_type") {
        if TYPES.contains(&kind) {
            t.kind = kind.to_string();
        } else {
            m.add("type", format!("type '{kind}' is read as task"));
        }
    }
    if let Some(a) = text(&o, "assignee") {
        match normalize_agent(a) {
            Ok(a) => t.assignee = Some(a),
            Err(e) => m.add("assignee", e.to_string()),
        }
    }
    for label in o
        .get("labels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match label.as_str().map(|l| (l, validate_tag(l))) {
            Some((l, Ok(()))) if !t.tags.iter().any(|x| x == l) => t.tags.push(l.to_string()),
            Some((_, Ok(()))) => {}
            Some((_, Err(e))) => m.add("label", e.to_string()),
            None => m.add("label", format!("label {label} is not text")),
        }
    }
    t.description = description(&o);
    t.external_ref = text(&o, "external_ref").map(str::to_string);
    t.created = m.time(&o, "created_at");
    t.started = m.time(&o, "started_at");
    t.closed = m.time(&o, "closed_at");
    let updated = m.time(&o, "updated_at");
    t.defer_until = m
        .time(&o, "defer_until")
        .map(super::super::defer::to_millis);
    if let Some(s) = text(&o, "due_at") {
        m.add("field", format!("due_at {s} has no place in an ayo ticket"));
    }
    t.notes = notes(&o, &mut m, updated.or(t.created));
    let edges = edges(&o, &mut m);
    Read::Issue(Box::new(Line {
        number,
        ticket: t,
        edges,
    }))
}

/// The description, with beads' design and acceptance criteria as sections below it.
fn description(o: &Map<String, Value>) -> String {
    let mut d = text(o, "description").unwrap_or("").trim_end().to_string();
    for (key, heading) in [
        ("design", "Design"),
        ("acceptance_criteria", "Acceptance Criteria"),
    ] {
        if let Some(s) = text(o, key) {
            if !d.is_empty() {
                d.push_str("\n\n");
            }
            d.push_str(&format!("## {heading}\n\n{}", s.trim_end()));
        }
    }
    d
}

/// The notes: beads' `notes` text, its comments, and the close reason, oldest first.
fn notes(o: &Map<String, Value>, m: &mut Misses<'_>, at: Option<DateTime<Utc>>) -> Vec<Note> {
    let fallback = at.unwrap_or_else(crate::ticket::now);
    let mut notes = Vec::new();
    if let Some(s) = text(o, "notes") {
        notes.push(Note {
            at: fallback,
            author: None,
            text: s.trim_end().to_string(),
        });
    }
    for c in o
        .get("comments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(c) = c.as_object() else { continue };
        let Some(body) = text(c, "text") else {
            continue;
        };
        let at = m.time(c, "created_at").unwrap_or(fallback);
        let author = text(c, "author")
            .filter(|a| !a.chars().any(char::is_control))
            .map(str::to_string);
        notes.push(Note {
            at,
            author,
            text: body.trim_end().to_string(),
        });
    }
    if let Some(reason) = text(o, "close_reason") {
        let at = m.time(o, "closed_at").unwrap_or(fallback);
        notes.push(Note {
            at,
            author: None,
            text: format!("Closed: {}", reason.trim_end()),
        });
    }
    notes.sort_by_key(|n| n.at);
    notes
}

/// The dependencies as written: (type, target); `blocks` when a type is missing.
fn edges(o: &Map<String, Value>, m: &mut Misses<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for d in o
        .get("dependencies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let target = d.get("depends_on_id").and_then(Value::as_str);
        let kind = d.get("type").and_then(Value::as_str).unwrap_or("blocks");
        match target {
            Some(t) if !t.trim().is_empty() => out.push((kind.to_string(), t.trim().to_string())),
            _ => m.add("dependency", format!("a {kind} dependency names no issue")),
        }
    }
    out
}

//! One Claude Code task file as an ayo ticket and back: the mapping of the README's "Claude
//! Code task lists" section. Claude Code's own fields carry what they can (`subject`,
//! `description`, `status`, `owner`, `blockedBy`); ayo's other fields go under
//! `metadata.ayo`; every other key, at the top or in `metadata`, is kept as it was.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::ticket::{DEFAULT_PRIORITY, Note, Status, Ticket};

/// The key of `metadata` that holds ayo's own fields.
pub(crate) const AYO_KEY: &str = "ayo";

/// Claude Code's status of a task it keeps on disk but no longer lists.
pub(crate) const DELETED: &str = "deleted";

/// A task file as read: its JSON object, and the ticket it maps to (`None` for a `deleted`
/// task, which ayo does not list).
#[derive(Debug, Clone)]
pub(crate) struct Task {
    /// The whole object, with every key ayo does not know.
    pub obj: Map<String, Value>,
    /// The ticket, unless the task is deleted.
    pub ticket: Option<Ticket>,
}

fn bad(path: &std::path::Path, message: impl Into<String>) -> Error {
    Error::parse(path, None, message.into())
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn time_value(t: &Option<DateTime<Utc>>) -> Option<Value> {
    t.map(|t| Value::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Reads a task file of list file `path` (for messages) whose name gives `id`.
pub(crate) fn read(bytes: &[u8], id: &str, path: &std::path::Path) -> Result<Task> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| bad(path, e.to_string()))?;
    let Value::Object(obj) = value else {
        return Err(bad(path, "a task file holds one JSON object"));
    };
    let status_word = obj
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("pending");
    if status_word == DELETED {
        return Ok(Task { obj, ticket: None });
    }
    let subject = obj
        .get("subject")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad(path, "no subject"))?;
    let empty = Map::new();
    let ayo = obj
        .get("metadata")
        .and_then(|m| m.get(AYO_KEY))
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut t = Ticket::new(id, subject);
    t.status = match status_word {
        "pending" => match ayo.get("status").and_then(Value::as_str) {
            Some(other) => Status::Other(other.to_string()),
            None => Status::Open,
        },
        "in_progress" => Status::InProgress,
        "completed" => Status::Closed,
        other => Status::Other(other.to_string()),
    };
    t.description = obj
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    t.assignee = obj
        .get("owner")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    t.deps = strings(obj.get("blockedBy"));
    t.priority = ayo
        .get("priority")
        .and_then(Value::as_u64)
        .and_then(|p| u8::try_from(p).ok())
        .unwrap_or(DEFAULT_PRIORITY);
    if let Some(kind) = ayo.get("type").and_then(Value::as_str) {
        t.kind = kind.to_string();
    }
    t.tags = strings(ayo.get("tags"));
    t.parent = ayo
        .get("parent")
        .and_then(Value::as_str)
        .map(str::to_string);
    t.links = strings(ayo.get("links"));
    t.external_ref = ayo
        .get("external_ref")
        .and_then(Value::as_str)
        .map(str::to_string);
    t.notes = ayo
        .get("notes")
        .and_then(Value::as_array)
        .map(|notes| {
            notes
                .iter()
                .filter_map(|n| {
                    Some(Note {
                        at: time(n.get("at")?)?,
                        author: n.get("author").and_then(Value::as_str).map(str::to_string),
                        text: n.get("text")?.as_str()?.to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let at = |k: &str| ayo.get(k).and_then(time);
    t.created = at("created");
    t.started = at("started");
    t.closed = at("closed");
    t.lease_until = at("lease_until");
    t.defer_until = at("defer_until");
    t.lease_secs = ayo.get("lease_secs").and_then(Value::as_u64);
    Ok(Task {
        obj,
        ticket: Some(t),
    })
}

/// The markdown text a ticket was imported from, kept under `metadata.ayo.source`.
pub(crate) fn source(obj: &Map<String, Value>) -> Option<String> {
    obj.get("metadata")?
        .get(AYO_KEY)?
        .get("source")?
        .as_str()
        .map(str::to_string)
}

/// The task object of `ticket`, over `base` (the object it was read from, else empty): the
/// fields ayo maps are set, every other key of `base` stays. `blocks` is left as in `base` (or
/// empty); the commit sets it for every task. `source`, when given, replaces the kept markdown.
pub(crate) fn write(
    ticket: &Ticket,
    base: Option<&Map<String, Value>>,
    source: Option<&str>,
) -> Map<String, Value> {
    let mut obj = base.cloned().unwrap_or_default();
    obj.insert("id".into(), Value::String(ticket.id.clone()));
    obj.insert("subject".into(), Value::String(ticket.title.clone()));
    obj.insert(
        "description".into(),
        Value::String(ticket.description.clone()),
    );
    if !obj.get("activeForm").is_some_and(Value::is_string) {
        obj.insert(
            "activeForm".into(),
            Value::String(format!("Working on {}", ticket.title)),
        );
    }
    let status = match &ticket.status {
        Status::Open | Status::Other(_) => "pending",
        Status::InProgress => "in_progress",
        Status::Closed => "completed",
    };
    obj.insert("status".into(), Value::String(status.into()));
    match &ticket.assignee {
        Some(a) => obj.insert("owner".into(), Value::String(a.clone())),
        None => obj.remove("owner"),
    };
    if !obj.get("blocks").is_some_and(Value::is_array) {
        obj.insert("blocks".into(), json!([]));
    }
    obj.insert("blockedBy".into(), json!(ticket.deps));
    let mut metadata = match obj.remove("metadata") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let mut ayo = match metadata.remove(AYO_KEY) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let mut set = |k: &str, v: Option<Value>| match v {
        Some(v) => {
            ayo.insert(k.into(), v);
        }
        None => {
            ayo.remove(k);
        }
    };
    set("priority", Some(json!(ticket.priority)));
    set("type", Some(json!(ticket.kind)));
    set(
        "tags",
        (!ticket.tags.is_empty()).then(|| json!(ticket.tags)),
    );
    set("parent", ticket.parent.clone().map(Value::String));
    set(
        "links",
        (!ticket.links.is_empty()).then(|| json!(ticket.links)),
    );
    set(
        "external_ref",
        ticket.external_ref.clone().map(Value::String),
    );
    let status_word = match &ticket.status {
        Status::Other(w) => Some(Value::String(w.clone())),
        _ => None,
    };
    set("status", status_word);
    let notes: Vec<Value> = ticket
        .notes
        .iter()
        .map(|n| {
            let mut o = Map::new();
            o.insert(
                "at".into(),
                Value::String(n.at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            );
            if let Some(a) = &n.author {
                o.insert("author".into(), Value::String(a.clone()));
            }
            o.insert("text".into(), Value::String(n.text.clone()));
            Value::Object(o)
        })
        .collect();
    set("notes", (!notes.is_empty()).then_some(Value::Array(notes)));
    set("created", time_value(&ticket.created));
    set("started", time_value(&ticket.started));
    set("closed", time_value(&ticket.closed));
    set("lease_until", time_value(&ticket.lease_until));
    set("defer_until", time_value(&ticket.defer_until));
    set("lease_secs", ticket.lease_secs.map(|s| json!(s)));
    if let Some(text) = source {
        set("source", Some(Value::String(text.to_string())));
    }
    metadata.insert(AYO_KEY.into(), Value::Object(ayo));
    obj.insert("metadata".into(), Value::Object(metadata));
    obj
}

/// The ids a task object names in `blockedBy`.
pub(crate) fn blocked_by(obj: &Map<String, Value>) -> Vec<String> {
    strings(obj.get("blockedBy"))
}

/// Sets `blocks`; true when it changed.
pub(crate) fn set_blocks(obj: &mut Map<String, Value>, blocks: &[String]) -> bool {
    let new = json!(blocks);
    if obj.get("blocks") == Some(&new) {
        return false;
    }
    obj.insert("blocks".into(), new);
    true
}

/// The text of a task file: pretty JSON, as Claude Code writes it, with a final newline.
pub(crate) fn render(obj: &Map<String, Value>) -> Vec<u8> {
    let mut text = serde_json::to_vec_pretty(obj).unwrap_or_default();
    text.push(b'\n');
    text
}

//! The ticket model: [`Ticket`], [`Status`], [`Note`], and the validation of ids, titles,
//! assignees and tags.

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A ticket's stored status. "Blocked" is not a status: it is derived from the deps.
///
/// Files written by other tools may hold other words: [`Status::read`] maps the plain ones to
/// the three states and keeps any other as [`Status::Other`], which counts as not closed and is
/// neither ready nor claimable. In JSON a status is its name (`"open"`, `"in_progress"`,
/// `"closed"`, or the other word as written).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Waiting to be worked on.
    Open,
    /// Somebody works on it.
    InProgress,
    /// Done.
    Closed,
    /// A word of another tool that is none of the three (`deferred`, `blocked`, ...), as
    /// written: not closed, never ready or claimable; `close` and `reopen` leave it.
    Other(String),
}

/// The words read as each state besides its own name (compared in lower case, with `-` and
/// spaces read as `_`).
const OPEN_WORDS: [&str; 3] = ["todo", "new", "backlog"];
const IN_PROGRESS_WORDS: [&str; 4] = ["doing", "wip", "active", "in_progress"];
const CLOSED_WORDS: [&str; 5] = ["done", "completed", "complete", "resolved", "finished"];

impl Status {
    /// The name as written in files and JSON: `open`, `in_progress`, `closed`, or the other
    /// word.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Closed => "closed",
            Status::Other(word) => word,
        }
    }

    /// True for [`Status::Closed`]: deps in any other status block their dependents.
    pub fn is_closed(&self) -> bool {
        matches!(self, Status::Closed)
    }

    /// Reads a status word as another tool may have written it: `done`, `completed`,
    /// `complete`, `resolved`, `finished` are closed; `todo`, `new`, `backlog` open;
    /// `in-progress`, `doing`, `wip`, `active` in progress (any case; `-` or a space for `_`);
    /// any other word is kept as [`Status::Other`]; an empty one is open, as a missing status.
    ///
    /// ```
    /// use ayo_tickets::Status;
    /// assert_eq!(Status::read("done"), Status::Closed);
    /// assert_eq!(Status::read(" "), Status::Open);
    /// assert_eq!(Status::read("In-Progress"), Status::InProgress);
    /// assert_eq!(Status::read("deferred"), Status::Other("deferred".into()));
    /// ```
    pub fn read(word: &str) -> Status {
        let word = word.trim();
        let key = word.to_lowercase().replace(['-', ' '], "_");
        match key.as_str() {
            "" | "open" => Status::Open,
            "closed" => Status::Closed,
            k if OPEN_WORDS.contains(&k) => Status::Open,
            k if IN_PROGRESS_WORDS.contains(&k) => Status::InProgress,
            k if CLOSED_WORDS.contains(&k) => Status::Closed,
            _ => Status::Other(word.to_string()),
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        Ok(match word.as_str() {
            "open" => Status::Open,
            "in_progress" => Status::InProgress,
            "closed" => Status::Closed,
            _ => Status::Other(word),
        })
    }
}

impl std::str::FromStr for Status {
    type Err = Error;

    /// One of the three states by name (`open`, `in_progress`, `closed`), as a filter or an
    /// argument gives it; any other word is [`Error::Invalid`].
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "open" => Ok(Status::Open),
            "in_progress" => Ok(Status::InProgress),
            "closed" => Ok(Status::Closed),
            other => Err(Error::invalid(format!(
                "unknown status '{other}' (expected open, in_progress or closed)"
            ))),
        }
    }
}

/// A timestamped note on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Who wrote it, if known.
    pub author: Option<String>,
    /// The text; may span lines.
    pub text: String,
}

/// One ticket, with the fields of the contract.
///
/// `blocked_by` and `ready` are derived from the dependency graph when a ticket is returned by
/// [`crate::Tickets`]; stores neither read nor write them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The id; in a directory store, the file name without `.md`.
    pub id: String,
    /// One line, non-empty.
    pub title: String,
    /// Stored status.
    pub status: Status,
    /// An agent handle, or a name as another tool wrote it.
    pub assignee: Option<String>,
    /// The ids this ticket waits for.
    pub deps: Vec<String>,
    /// Derived: deps that are not closed (a missing dep counts as not closed).
    #[serde(default)]
    pub blocked_by: Vec<String>,
    /// Derived: open and `blocked_by` is empty.
    #[serde(default)]
    pub ready: bool,
    /// 0 (most urgent) to 4.
    pub priority: u8,
    /// `task`, `bug`, `feature`, `epic`, `chore`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Free labels.
    pub tags: Vec<String>,
    /// Grouping (an epic), not a dependency.
    pub parent: Option<String>,
    /// Related tickets (tk's `links`), not dependencies: kept and shown, used by no rule.
    #[serde(default)]
    pub links: Vec<String>,
    /// A reference to the ticket elsewhere, such as `gh-42` or `JIRA-7` (tk's `external-ref`,
    /// ayo's `external_ref`).
    #[serde(default)]
    pub external_ref: Option<String>,
    /// The markdown body that is not the title or a note: the text between the title and
    /// `## Notes`, then any other text of the file in order (see the README's file format).
    pub description: String,
    /// Oldest first.
    pub notes: Vec<Note>,
    /// Set at create.
    pub created: Option<DateTime<Utc>>,
    /// Set by start and claim.
    pub started: Option<DateTime<Utc>>,
    /// Set by close.
    pub closed: Option<DateTime<Utc>>,
    /// When the current claim's lease runs out, if it has one (milliseconds in JSON).
    #[serde(with = "millis")]
    pub lease_until: Option<DateTime<Utc>>,
    /// The lease length in seconds given at claim, used by heartbeat. Not part of the JSON shape.
    #[serde(skip)]
    pub lease_secs: Option<u64>,
    /// Until when the ticket is deferred: neither ready nor claimable before then (milliseconds
    /// in JSON; `defer_until` in the frontmatter, a key tk ignores).
    #[serde(default, with = "millis")]
    pub defer_until: Option<DateTime<Utc>>,
    /// True for an archived ticket (see [`crate::Tickets::archive`]): set by the store that
    /// holds it in its archive, never written into a file. In JSON `"archived": true` appears
    /// only on an archived ticket; an active one has no `archived` key.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub archived: bool,
}

/// Serializes an optional time as RFC 3339 UTC with exactly three fraction digits.
pub(crate) mod millis {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<DateTime<Utc>>::deserialize(d)
    }
}

/// The ticket types the contract names.
pub const TYPES: [&str; 5] = ["task", "bug", "feature", "epic", "chore"];

/// The default priority.
pub const DEFAULT_PRIORITY: u8 = 2;

impl Ticket {
    /// A new open ticket with defaults (priority 2, type `task`) and no timestamps.
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        Ticket {
            id: id.into(),
            title: title.into(),
            status: Status::Open,
            assignee: None,
            deps: Vec::new(),
            blocked_by: Vec::new(),
            ready: false,
            priority: DEFAULT_PRIORITY,
            kind: "task".to_string(),
            tags: Vec::new(),
            parent: None,
            links: Vec::new(),
            external_ref: None,
            description: String::new(),
            notes: Vec::new(),
            created: None,
            started: None,
            closed: None,
            lease_until: None,
            lease_secs: None,
            defer_until: None,
            archived: false,
        }
    }

    /// True when the ticket is deferred at `now`: its `defer_until` is still to come.
    pub fn is_deferred(&self, now: DateTime<Utc>) -> bool {
        self.defer_until.is_some_and(|d| d > now)
    }

    /// The ticket as the contract's JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// Checks an id (or a session name): `[A-Za-z0-9][A-Za-z0-9._-]{0,63}` without `..`.
pub fn validate_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.as_bytes()[0].is_ascii_alphanumeric()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && !id.contains("..");
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "invalid id '{}': use 1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit, without '..'",
            printable(id)
        )))
    }
}

/// Checks a title: non-empty after trimming, one line, no control characters.
pub fn validate_title(title: &str) -> Result<()> {
    if title.trim().is_empty() {
        return Err(Error::invalid("the title is empty"));
    }
    if title.chars().any(char::is_control) {
        return Err(Error::invalid(
            "the title must be one line without control characters",
        ));
    }
    Ok(())
}

/// The largest ticket file, in bytes (16 MiB): a bigger one is not read (it is reported
/// unreadable), so no write makes one.
pub const MAX_TICKET_BYTES: usize = 16 * 1024 * 1024;

/// Checks a priority: 0 to 4.
pub fn validate_priority(priority: i64) -> Result<u8> {
    if (0..=4).contains(&priority) {
        Ok(priority as u8)
    } else {
        Err(Error::invalid(format!(
            "priority {priority} is out of range (0 to 4)"
        )))
    }
}

/// Checks a ticket type against [`TYPES`].
pub fn validate_type(kind: &str) -> Result<()> {
    if TYPES.contains(&kind) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "unknown type '{}' (expected one of {})",
            printable(kind),
            TYPES.join(", ")
        )))
    }
}

/// Checks a tag: non-empty, no control characters, no commas, at most 200 characters.
pub fn validate_tag(tag: &str) -> Result<()> {
    if tag.trim().is_empty()
        || tag.contains(',')
        || tag.chars().any(char::is_control)
        || tag.chars().count() > 200
    {
        return Err(Error::invalid(format!(
            "invalid tag '{}': 1 to 200 characters, no commas or control characters",
            printable(tag)
        )));
    }
    Ok(())
}

/// Normalises an agent handle given through ayo-tickets: trims it and adds a leading `@`.
/// An empty handle, one with whitespace, control or invisible format characters (bidirectional
/// marks, zero-width spaces), or one over 200 characters is refused.
pub fn normalize_agent(agent: &str) -> Result<String> {
    let a = agent.trim();
    let bare = a.strip_prefix('@').unwrap_or(a);
    if bare.is_empty()
        || bare.starts_with('@')
        || bare
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || is_invisible(c))
        || bare.chars().count() > 200
    {
        return Err(Error::invalid(format!(
            "invalid agent '{}': one word such as @reviewer, at most 200 characters",
            printable(agent)
        )));
    }
    Ok(format!("@{bare}"))
}

/// True for the invisible format characters (Unicode category Cf: bidirectional marks and
/// overrides, zero-width spaces and joiners, the byte order mark, tags) that would make two
/// agent handles look alike.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// True when an assignee as stored matches an agent filter, with or without the `@`.
pub fn agent_matches(assignee: Option<&str>, agent: &str) -> bool {
    match assignee {
        Some(a) => {
            let a = a.trim();
            let f = agent.trim();
            a.strip_prefix('@').unwrap_or(a) == f.strip_prefix('@').unwrap_or(f)
        }
        None => false,
    }
}

/// Checks note text and author: no NUL bytes, author one line.
pub fn validate_note(text: &str, author: Option<&str>) -> Result<()> {
    if text.contains('\0') {
        return Err(Error::invalid("the note contains a NUL byte"));
    }
    if let Some(a) = author
        && (a.trim().is_empty() || a.chars().any(char::is_control))
    {
        return Err(Error::invalid(format!(
            "invalid author '{}': one line",
            printable(a)
        )));
    }
    Ok(())
}

/// Checks a description: no NUL bytes.
pub fn validate_description(text: &str) -> Result<()> {
    if text.contains('\0') {
        return Err(Error::invalid("the description contains a NUL byte"));
    }
    Ok(())
}

/// The current time in microseconds (the precision every store keeps), strictly increasing
/// within a process so that creation order is kept even for tickets made in one millisecond.
pub fn now() -> DateTime<Utc> {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    let mut t = Utc::now().timestamp_micros();
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        if t <= last {
            t = last + 1;
        }
        match LAST.compare_exchange_weak(last, t, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => break,
            Err(seen) => last = seen,
        }
    }
    DateTime::from_timestamp_micros(t).unwrap_or_else(|| Utc::now().trunc_subsecs(6))
}

/// A short, printable rendering of user input for error messages.
pub(crate) fn printable(s: &str) -> String {
    let mut out: String = s.chars().take(40).flat_map(char::escape_debug).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for ok in ["abc123", "web-x7k2", "A", "a.b_c-d", &"x".repeat(64)] {
            assert!(validate_id(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-a",
            ".a",
            "a..b",
            "a/b",
            "a b",
            "a\0",
            &"x".repeat(65),
            "é",
        ] {
            assert_eq!(validate_id(bad).unwrap_err().code(), "INVALID", "{bad:?}");
        }
    }

    #[test]
    fn agents() {
        assert_eq!(normalize_agent("finance").unwrap(), "@finance");
        assert_eq!(normalize_agent("@finance").unwrap(), "@finance");
        assert!(normalize_agent("@").is_err());
        assert!(normalize_agent("a b").is_err());
        assert!(normalize_agent("@@x").is_err());
        for invisible in ["ad\u{200b}min", "\u{202e}nimda", "a\u{feff}", "x\u{2066}"] {
            assert!(normalize_agent(invisible).is_err(), "{invisible:?}");
        }
        assert_eq!(normalize_agent("@team/be").unwrap(), "@team/be");
        assert!(agent_matches(Some("@x"), "x"));
        assert!(agent_matches(Some("x"), "@x"));
        assert!(!agent_matches(Some("Jane Doe"), "@Jane"));
        assert!(!agent_matches(None, "x"));
    }

    #[test]
    fn titles_and_priorities() {
        assert!(validate_title(" ").is_err());
        assert!(validate_title("a\nb").is_err());
        assert!(validate_title("Fix: a \"b\" # c").is_ok());
        assert_eq!(validate_priority(4).unwrap(), 4);
        assert!(validate_priority(5).is_err());
        assert!(validate_priority(-1).is_err());
        assert!(validate_type("bug").is_ok());
        assert!(validate_type("story").is_err());
    }

    #[test]
    fn json_shape() {
        let t = Ticket::new("abc123", "T");
        let v = t.to_json();
        assert_eq!(v["type"], "task");
        assert_eq!(v["status"], "open");
        assert!(v.get("lease_secs").is_none());
        assert!(v["assignee"].is_null());
        let mut t = t;
        t.lease_until = Some("2026-01-01T00:00:00Z".parse().unwrap());
        assert_eq!(t.to_json()["lease_until"], "2026-01-01T00:00:00.000Z");
        let back: Ticket = serde_json::from_value(t.to_json()).unwrap();
        assert_eq!(back.lease_until, t.lease_until);
    }
}

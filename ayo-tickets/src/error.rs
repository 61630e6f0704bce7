//! The one error type of ayo-tickets, and the contract's error object: its code, its message
//! and its named fields ([`Error::fields`], [`Error::to_json`]). Every front end only picks a
//! class or an exit code for [`Error::code`] and copies the fields under these names (Node
//! spells them in camelCase: `blockedBy`).

use std::path::PathBuf;

use serde_json::{Map, Value};

/// Everything that can go wrong in an operation.
///
/// The [`Error::code`] strings are the same in every front end (Python's `.code`, Node's
/// `err.code`, the CLI's JSON error).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// No ticket has this id, and no id starts with this prefix.
    #[error("no ticket matches '{id}'")]
    NotFound {
        /// The id or prefix asked for.
        id: String,
    },
    /// The ticket does not depend on this dep (a `remove_dep` of an edge that is not there).
    /// Its code is `NOT_FOUND`, like [`Error::NotFound`]'s: what is missing is the edge.
    #[error("ticket '{id}' does not depend on '{dep}'")]
    NotADep {
        /// The ticket.
        id: String,
        /// The dep it does not have.
        dep: String,
    },
    /// A prefix matches several tickets.
    #[error("'{prefix}' matches several tickets: {}", candidates.join(", "))]
    Ambiguous {
        /// The prefix asked for.
        prefix: String,
        /// Every id the prefix matches, sorted.
        candidates: Vec<String>,
    },
    /// A ticket with the given id already exists.
    #[error("a ticket with id '{id}' already exists")]
    AlreadyExists {
        /// The id that is taken.
        id: String,
    },
    /// Adding the edge would close a dependency cycle.
    #[error("dependency cycle: {}", cycle.join(" -> "))]
    Cycle {
        /// The cycle along the dependency edges, first id repeated at the end
        /// (`[a, c, b, a]`: a depends on c, c on b, b on a).
        cycle: Vec<String>,
    },
    /// The ticket's status does not allow this transition.
    #[error("cannot {action} ticket '{id}': it is {status}")]
    InvalidTransition {
        /// The ticket.
        id: String,
        /// What was attempted (`close`, `start`, ...).
        action: String,
        /// Its current status.
        status: String,
    },
    /// The ticket waits on deps that are not closed.
    #[error("ticket '{id}' is blocked by {}", blocked_by.join(", "))]
    Blocked {
        /// The ticket.
        id: String,
        /// Its deps that are not closed.
        blocked_by: Vec<String>,
    },
    /// The ticket is held by another agent, a displaced holder acted, or a delete would
    /// orphan dependents.
    #[error("{message}")]
    Conflict {
        /// The ticket.
        id: String,
        /// What conflicts, in words.
        message: String,
    },
    /// Bad input: an empty title, a priority out of range, a bad id or session name.
    #[error("{message}")]
    Invalid {
        /// What is wrong, in words.
        message: String,
    },
    /// A ticket file that cannot be read.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The 1-based line, where known.
        line: Option<usize>,
        /// What is wrong, in words.
        message: String,
    },
    /// An I/O or database failure.
    #[error("storage: {message}")]
    Storage {
        /// What failed, in words.
        message: String,
    },
    /// A wait was interrupted: the caller's interrupt check said stop (Ctrl-C in the CLI, a
    /// cancelled Python task, an aborted Node signal). Nothing was claimed or written.
    #[error("interrupted")]
    Interrupted,
    /// A writer waited the whole lock timeout (`$AYO_LOCK_TIMEOUT`, see
    /// [`crate::Tickets::with_lock_timeout`]) for the store's writer lock, held by another
    /// writer (stopped, or in a long batch). Nothing was written.
    #[error("{lock} is busy{}", holder.as_ref().map(|h| format!(": held by {h}")).unwrap_or_default())]
    Busy {
        /// The lock: a lock file's path, or the database lock's name.
        lock: String,
        /// Who holds it, where known.
        holder: Option<Holder>,
    },
}

/// Who holds a lock (see [`Error::Busy`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The holder's process id (on a database, its server-side backend's).
    pub pid: u32,
    /// The holder's host name, where known.
    pub host: Option<String>,
    /// Since when it holds the lock (RFC 3339), where known.
    pub since: Option<String>,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pid {}", self.pid)?;
        if let Some(h) = &self.host {
            write!(f, " on {h}")?;
        }
        if let Some(s) = &self.since {
            write!(f, " since {s}")?;
        }
        Ok(())
    }
}

/// The value of one named field of an error (see [`Error::fields`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A string: an id, a prefix, an action, a status.
    Text(String),
    /// A file's path (a string in JSON and Node, a `pathlib.Path` in Python).
    Path(PathBuf),
    /// A list of ids.
    List(Vec<String>),
    /// A number that may be absent: a 1-based line.
    Number(Option<usize>),
}

impl Field {
    /// The field as JSON (an absent number is `null`).
    pub fn to_json(&self) -> Value {
        match self {
            Field::Text(s) => Value::from(s.as_str()),
            Field::Path(p) => Value::from(p.display().to_string()),
            Field::List(l) => Value::from(l.clone()),
            Field::Number(n) => n.map_or(Value::Null, Value::from),
        }
    }
}

impl Error {
    /// The contract's code: `NOT_FOUND`, `AMBIGUOUS`, `EXISTS`, `CYCLE`, `INVALID_TRANSITION`,
    /// `BLOCKED`, `CONFLICT`, `INVALID`, `PARSE`, `STORAGE`, `INTERRUPTED` or `BUSY`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } | Error::NotADep { .. } => "NOT_FOUND",
            Error::Ambiguous { .. } => "AMBIGUOUS",
            Error::AlreadyExists { .. } => "EXISTS",
            Error::Cycle { .. } => "CYCLE",
            Error::InvalidTransition { .. } => "INVALID_TRANSITION",
            Error::Blocked { .. } => "BLOCKED",
            Error::Conflict { .. } => "CONFLICT",
            Error::Invalid { .. } => "INVALID",
            Error::Parse { .. } => "PARSE",
            Error::Storage { .. } => "STORAGE",
            Error::Interrupted => "INTERRUPTED",
            Error::Busy { .. } => "BUSY",
        }
    }

    /// The error's named fields, as the contract names them in every front end: `id`, `dep`,
    /// `prefix`, `candidates`, `cycle`, `action`, `status`, `blocked_by`, `path`, `line`, and
    /// for [`Error::Busy`] `lock` and, where known, `pid`, `host`, `since`. The
    /// message is not a field (it is [`Error`]'s `Display`); [`Error::Invalid`],
    /// [`Error::Storage`] and [`Error::Interrupted`] have none.
    ///
    /// ```
    /// use ayo_tickets::{Error, Field};
    /// let e = Error::Ambiguous { prefix: "ab".into(), candidates: vec!["ab1".into(), "ab2".into()] };
    /// assert_eq!(e.fields(), vec![
    ///     ("prefix", Field::Text("ab".into())),
    ///     ("candidates", Field::List(vec!["ab1".into(), "ab2".into()])),
    /// ]);
    /// ```
    pub fn fields(&self) -> Vec<(&'static str, Field)> {
        let text = |s: &str| Field::Text(s.to_string());
        let list = |l: &[String]| Field::List(l.to_vec());
        match self {
            Error::NotFound { id } | Error::AlreadyExists { id } | Error::Conflict { id, .. } => {
                vec![("id", text(id))]
            }
            Error::NotADep { id, dep } => vec![("id", text(id)), ("dep", text(dep))],
            Error::Ambiguous { prefix, candidates } => {
                vec![("prefix", text(prefix)), ("candidates", list(candidates))]
            }
            Error::Cycle { cycle } => vec![("cycle", list(cycle))],
            Error::InvalidTransition { id, action, status } => vec![
                ("id", text(id)),
                ("action", text(action)),
                ("status", text(status)),
            ],
            Error::Blocked { id, blocked_by } => {
                vec![("id", text(id)), ("blocked_by", list(blocked_by))]
            }
            Error::Parse { path, line, .. } => vec![
                ("path", Field::Path(path.clone())),
                ("line", Field::Number(*line)),
            ],
            Error::Busy { lock, holder } => {
                let mut out = vec![("lock", text(lock))];
                if let Some(h) = holder {
                    out.push(("pid", Field::Number(Some(h.pid as usize))));
                    if let Some(host) = &h.host {
                        out.push(("host", text(host)));
                    }
                    if let Some(since) = &h.since {
                        out.push(("since", text(since)));
                    }
                }
                out
            }
            Error::Invalid { .. } | Error::Storage { .. } | Error::Interrupted => Vec::new(),
        }
    }

    /// The contract's error object: `{"code": ..., "message": ..., <fields>}`, keys in
    /// alphabetical order (the CLI prints it under `"error"` with `--json`).
    ///
    /// ```
    /// use ayo_tickets::Error;
    /// let e = Error::Cycle { cycle: vec!["a".into(), "b".into(), "a".into()] };
    /// assert_eq!(
    ///     e.to_json().to_string(),
    ///     r#"{"code":"CYCLE","cycle":["a","b","a"],"message":"dependency cycle: a -> b -> a"}"#
    /// );
    /// ```
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("code".into(), Value::from(self.code()));
        object.insert("message".into(), Value::from(self.to_string()));
        for (name, value) in self.fields() {
            object.insert(name.into(), value.to_json());
        }
        Value::Object(object)
    }

    /// An [`Error::Invalid`] with this message.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid {
            message: message.into(),
        }
    }

    /// An [`Error::Storage`] with this message.
    pub fn storage(message: impl Into<String>) -> Self {
        Error::Storage {
            message: message.into(),
        }
    }

    /// An [`Error::Parse`] for a file, with the line where known.
    pub fn parse(
        path: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Error::Parse {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::storage(e.to_string())
    }
}

/// The result of every fallible operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of each variant, as a front end's test would make it.
    fn one_of_each() -> Vec<Error> {
        vec![
            Error::NotFound { id: "x".into() },
            Error::NotADep {
                id: "a".into(),
                dep: "b".into(),
            },
            Error::Ambiguous {
                prefix: "ab".into(),
                candidates: vec!["ab1".into(), "ab2".into()],
            },
            Error::AlreadyExists { id: "x".into() },
            Error::Cycle {
                cycle: vec!["a".into(), "b".into(), "a".into()],
            },
            Error::InvalidTransition {
                id: "a".into(),
                action: "close".into(),
                status: "closed".into(),
            },
            Error::Blocked {
                id: "a".into(),
                blocked_by: vec!["b".into()],
            },
            Error::Conflict {
                id: "a".into(),
                message: "held by @w".into(),
            },
            Error::invalid("bad"),
            Error::parse("/t/x.md", None, "bad yaml"),
            Error::storage("disk full"),
            Error::Interrupted,
            Error::Busy {
                lock: "/t/.ayo/lock".into(),
                holder: Some(Holder {
                    pid: 42,
                    host: Some("h".into()),
                    since: None,
                }),
            },
        ]
    }

    #[test]
    fn every_code_is_distinct_but_a_missing_edge_is_not_found() {
        let codes: Vec<&str> = one_of_each().iter().map(Error::code).collect();
        assert_eq!(
            codes,
            [
                "NOT_FOUND",
                "NOT_FOUND",
                "AMBIGUOUS",
                "EXISTS",
                "CYCLE",
                "INVALID_TRANSITION",
                "BLOCKED",
                "CONFLICT",
                "INVALID",
                "PARSE",
                "STORAGE",
                "INTERRUPTED",
                "BUSY"
            ]
        );
    }

    #[test]
    fn the_error_object_has_code_message_and_each_field_once() {
        for e in one_of_each() {
            let v = e.to_json();
            let object = v.as_object().unwrap();
            assert_eq!(object["code"], e.code());
            assert_eq!(object["message"], e.to_string());
            assert_eq!(object.len(), 2 + e.fields().len(), "{v}");
        }
        let blocked = Error::Blocked {
            id: "a".into(),
            blocked_by: vec!["b".into()],
        };
        assert_eq!(blocked.to_json()["blocked_by"], serde_json::json!(["b"]));
        let parse = Error::parse("/t/x.md", None, "bad");
        assert_eq!(
            parse.to_json()["line"],
            Value::Null,
            "an unknown line is null"
        );
        assert_eq!(parse.to_json()["path"], "/t/x.md");
        let interrupted = Error::Interrupted.to_json();
        assert_eq!(
            interrupted,
            serde_json::json!({"code": "INTERRUPTED", "message": "interrupted"})
        );
        let busy = one_of_each().pop().unwrap().to_json();
        assert_eq!(
            busy,
            serde_json::json!({"code": "BUSY", "host": "h", "lock": "/t/.ayo/lock", "pid": 42,
                "message": "/t/.ayo/lock is busy: held by pid 42 on h"})
        );
    }
}

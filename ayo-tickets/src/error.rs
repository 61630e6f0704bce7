//! The one error type of ayo-tickets. Every front end maps each variant once.

use std::path::PathBuf;

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
}

impl Error {
    /// The contract's code: `NOT_FOUND`, `AMBIGUOUS`, `EXISTS`, `CYCLE`, `INVALID_TRANSITION`,
    /// `BLOCKED`, `CONFLICT`, `INVALID`, `PARSE` or `STORAGE`.
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
        }
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

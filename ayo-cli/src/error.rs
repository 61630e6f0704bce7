//! Every way a command can fail, mapped once to a message, a JSON error and an exit code.
//!
//! Exit codes: 0 done; 1 an error; 2 bad usage (clap's errors, and the core refusing the store
//! flags or variables); 3 nothing to do (a claim found nothing, a wait timed out); 4 the lease
//! of `ayo ticket run` was lost; 130 interrupted (Ctrl-C: the core's `INTERRUPTED`).
//! `ayo ticket run` also exits with its command's own status. A failure prints one line on
//! stderr starting `error:`, or with `--json` `{"error": <the core's error object>}`: code,
//! message and the error's named fields, all from `Error::to_json`.
//! Two outcomes are answers on stdout rather than errors, and print no JSON error: nothing to
//! do (exit 3, `null`) and the problems `check` found (exit 1, the list of problems).

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use ayo_tickets::Error;
use serde_json::{Value, json};

use crate::context::Ctx;
use crate::style::{Paint, Style};

/// Exit code: an error.
const EXIT_ERROR: u8 = 1;
/// Exit code: bad usage.
const EXIT_USAGE: u8 = 2;
/// Exit code: nothing to do.
const EXIT_NOTHING: u8 = 3;
/// Exit code: `ayo ticket run` lost its lease (taken over, or the ticket changed under it).
pub(crate) const EXIT_LOST: u8 = 4;
/// Exit code: interrupted by Ctrl-C (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: u8 = 130;

/// Why a command did not do what it was asked.
#[derive(Debug)]
pub(crate) enum CliError {
    /// The core refused the operation.
    Core(Error),
    /// The core refused the store flags or variables (two flags, a bad session name).
    BadStoreChoice(Error),
    /// The core refused a copy between stores (`export`, `import`): as [`CliError::Core`],
    /// with hints that name what a copy can do (it has no `--id`).
    Copy(Error),
    /// Nothing to do: the message is for a person (stderr, not with `--json`).
    Nothing(String),
    /// `check` found this many problems (already printed).
    Problems(usize),
    /// Writing the output failed.
    Output(io::Error),
    /// `ayo ticket run` ends with this status (its command's, or [`EXIT_LOST`]); what happened
    /// was already reported.
    Status(u8),
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Core(e)
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        CliError::Output(e)
    }
}

impl CliError {
    /// The exit code.
    fn exit_code(&self) -> u8 {
        match self {
            CliError::Core(Error::Interrupted) => EXIT_INTERRUPTED,
            CliError::Core(_) | CliError::Copy(_) | CliError::Problems(_) | CliError::Output(_) => {
                EXIT_ERROR
            }
            CliError::BadStoreChoice(_) => EXIT_USAGE,
            CliError::Nothing(_) => EXIT_NOTHING,
            CliError::Status(code) => *code,
        }
    }

    /// The JSON error code: the core's code, or `IO`; none for the outcomes
    /// whose answer is on stdout (nothing to do, the problems `check` found).
    fn code(&self) -> Option<&'static str> {
        match self {
            CliError::Core(e) | CliError::BadStoreChoice(e) | CliError::Copy(e) => Some(e.code()),
            CliError::Nothing(_) | CliError::Problems(_) | CliError::Status(_) => None,
            CliError::Output(_) => Some("IO"),
        }
    }

    /// The message, on one line.
    fn message(&self) -> String {
        let m = match self {
            CliError::Core(e) | CliError::BadStoreChoice(e) | CliError::Copy(e) => e.to_string(),
            CliError::Nothing(m) => m.clone(),
            CliError::Problems(1) => "check found 1 problem".to_string(),
            CliError::Problems(n) => format!("check found {n} problems"),
            CliError::Output(e) => format!("cannot write the output: {e}"),
            CliError::Status(code) => format!("exit status {code}"),
        };
        one_line(&m)
    }

    /// A hint for a person, where one helps.
    fn hint(&self, location: Option<&str>) -> Option<String> {
        let (CliError::Core(e) | CliError::Copy(e)) = self else {
            return None;
        };
        match e {
            Error::NotFound { .. } => location
                .map(|l| format!("the store is {l}; --session, --global or --dir choose another")),
            Error::Ambiguous { .. } => Some("give more characters of the id".into()),
            Error::AlreadyExists { .. } if matches!(self, CliError::Copy(_)) => {
                Some("the store copied to has a ticket with this id: copy into an empty one".into())
            }
            Error::AlreadyExists { .. } => Some("choose another --id".into()),
            Error::InvalidTransition { action, .. }
                if action == "release" || action == "heartbeat" =>
            {
                Some("only a ticket in progress can be released or renewed".into())
            }
            Error::InvalidTransition { id, status, .. } if status == "closed" => {
                Some(format!("`ayo ticket reopen {id}` opens it again"))
            }
            Error::Blocked { .. } => {
                Some("close those first, or start it anyway with --force".into())
            }
            Error::Parse { .. } => Some("`ayo ticket check` lists every unreadable file".into()),
            Error::Busy { .. } => Some(
                "another writer holds the store (stopped, or in a long batch); \
                 AYO_LOCK_TIMEOUT sets how many seconds to wait"
                    .into(),
            ),
            _ => None,
        }
    }

    /// The JSON error object: the core's (its message on one line), or code and message for
    /// the CLI's own failures; none where [`CliError::code`] has none.
    fn to_json(&self) -> Option<Value> {
        let mut e = match self {
            CliError::Core(err) | CliError::BadStoreChoice(err) | CliError::Copy(err) => {
                err.to_json()
            }
            _ => json!({ "code": self.code()? }),
        };
        e["message"] = json!(self.message());
        Some(json!({ "error": e }))
    }
}

fn one_line(s: &str) -> String {
    s.trim().replace(['\r', '\n'], " ")
}

/// Prints a failure as the options ask and returns its exit code.
pub(crate) fn report(err: &CliError, ctx: &Ctx) -> ExitCode {
    match err {
        // The reader went away (`ayo ticket list | head -1`): not worth a word.
        CliError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            return ExitCode::SUCCESS;
        }
        CliError::Status(code) => return ExitCode::from(*code),
        CliError::Nothing(m) => {
            if !ctx.json() {
                let _ = writeln!(io::stderr(), "{m}");
            }
            return ExitCode::from(EXIT_NOTHING);
        }
        _ => {}
    }
    let line = if ctx.json() {
        match err.to_json() {
            Some(v) => v.to_string(),
            // `check` printed its problems on stdout: that list is the answer.
            None => return ExitCode::from(err.exit_code()),
        }
    } else {
        let style = Style::new(ctx.color_when(), io::stderr().is_terminal());
        let mut line = format!("{} {}", style.paint(Paint::Error, "error:"), err.message());
        if let Some(h) = err.hint(ctx.location()) {
            line.push_str(&format!(" (hint: {h})"));
        }
        line
    };
    let _ = writeln!(io::stderr(), "{line}");
    ExitCode::from(err.exit_code())
}

/// Prints a usage error from clap (as JSON when `json`) and returns exit code 2; help and
/// version requests print to stdout and return 0.
pub(crate) fn usage_exit(e: &clap::Error, json: bool) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(EXIT_USAGE)
        }
        _ if json => {
            let message = usage_message(&e.render().to_string());
            let v = json!({ "error": { "code": "INVALID", "message": message } });
            let _ = writeln!(io::stderr(), "{v}");
            ExitCode::from(EXIT_USAGE)
        }
        _ => {
            let _ = e.print();
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// A clap usage error, rendered as text, on one line: the error with what it names (the
/// missing arguments, the possible values) and its tips, without the usage line and the
/// pointer to `--help`. Continuation lines join the line they continue, after ", " where that
/// line introduces a list (ends with ':'); tips follow after "; ".
fn usage_message(rendered: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for paragraph in rendered.split("\n\n") {
        let mut lines = paragraph.lines().map(str::trim).filter(|l| !l.is_empty());
        let Some(first) = lines.next() else {
            continue;
        };
        if first.starts_with("Usage:") || first.starts_with("For more information") {
            continue;
        }
        let first = first.strip_prefix("error: ").unwrap_or(first);
        let rest: Vec<&str> = lines.collect();
        parts.push(match (rest.is_empty(), first.ends_with(':')) {
            (true, _) => first.to_string(),
            (false, true) => format!("{first} {}", rest.join(", ")),
            (false, false) => format!("{first} {}", rest.join(" ")),
        });
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_by_kind() {
        let core = CliError::Core(Error::NotFound { id: "x".into() });
        assert_eq!(core.exit_code(), 1);
        let usage = CliError::BadStoreChoice(Error::invalid("choose one"));
        assert_eq!((usage.exit_code(), usage.code()), (2, Some("INVALID")));
        assert_eq!(CliError::Nothing("none".into()).exit_code(), 3);
        assert_eq!(CliError::Problems(2).exit_code(), 1);
        assert_eq!(CliError::Problems(2).message(), "check found 2 problems");
        // Problems are check's answer (on stdout), not an error with a code of its own.
        assert_eq!(CliError::Problems(2).to_json(), None);
        let interrupted = CliError::Core(Error::Interrupted);
        assert_eq!(interrupted.exit_code(), 130);
        assert_eq!(
            interrupted.to_json(),
            Some(json!({"error": {"code": "INTERRUPTED", "message": "interrupted"}}))
        );
    }

    #[test]
    fn json_errors_carry_the_error_fields() {
        let e = CliError::Core(Error::Cycle {
            cycle: vec!["a".into(), "b".into(), "a".into()],
        });
        assert_eq!(
            e.to_json().unwrap(),
            json!({"error": {"code": "CYCLE", "message": "dependency cycle: a -> b -> a",
                             "cycle": ["a", "b", "a"]}})
        );
        let e = CliError::Core(Error::Ambiguous {
            prefix: "ab".into(),
            candidates: vec!["ab1".into(), "ab2".into()],
        });
        assert_eq!(
            e.to_json().unwrap(),
            json!({"error": {"code": "AMBIGUOUS",
                             "message": "'ab' matches several tickets: ab1, ab2",
                             "prefix": "ab", "candidates": ["ab1", "ab2"]}}),
            "the core's field names"
        );
        let e = CliError::Core(Error::parse("/t/x.md", Some(3), "bad\nyaml"));
        let v = e.to_json().unwrap();
        assert_eq!(v["error"]["line"], 3);
        assert_eq!(v["error"]["message"], "/t/x.md:3: bad yaml", "one line");
    }

    #[test]
    fn usage_messages_are_whole() {
        let missing = "error: the following required arguments were not provided:\n  <ID>\n  \
                       <TEXT>\n\nUsage: ayo ticket note <ID> <TEXT>\n\nFor more information, \
                       try '--help'.\n";
        assert_eq!(
            usage_message(missing),
            "the following required arguments were not provided: <ID>, <TEXT>"
        );
        let value = "error: invalid value 'tcsh' for '<SHELL>'\n  [possible values: bash, zsh]\n\n  \
                     tip: a similar value exists: 'zsh'\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_message(value),
            "invalid value 'tcsh' for '<SHELL>' [possible values: bash, zsh]; \
             tip: a similar value exists: 'zsh'"
        );
    }

    #[test]
    fn hints_where_they_help() {
        let nf = CliError::Core(Error::NotFound { id: "x".into() });
        assert!(
            nf.hint(Some("/s/.tickets"))
                .unwrap()
                .contains("/s/.tickets")
        );
        assert_eq!(nf.hint(None), None);
        let closed = CliError::Core(Error::InvalidTransition {
            id: "a".into(),
            action: "close".into(),
            status: "closed".into(),
        });
        assert!(closed.hint(None).unwrap().contains("reopen a"));
        assert_eq!(CliError::Core(Error::invalid("bad")).hint(None), None);
        let taken = || Error::AlreadyExists { id: "a".into() };
        assert!(CliError::Core(taken()).hint(None).unwrap().contains("--id"));
        // export and import have no --id: their hint says what a copy can do instead.
        let copy = CliError::Copy(taken()).hint(None).unwrap();
        assert!(!copy.contains("--id") && copy.contains("empty"), "{copy}");
    }
}

//! What every command is handed: the global options, the output, and a way to open the store
//! they choose.

use std::cell::OnceCell;
use std::io::{IsTerminal, Write};
use std::sync::Arc;

use ayo_tickets::{OpenOptions, StoreChoice, StoreFlags, Tickets, Unreadable, WarningHandler};
use serde_json::json;

use crate::args::{ColorWhen, GlobalArgs};
use crate::error::CliError;
use crate::output::Output;
use crate::style::{Paint, Style};

/// The global options and the output of one run.
pub(crate) struct Ctx {
    global: GlobalArgs,
    /// Where output goes, and how it looks.
    pub(crate) out: Output,
    /// The store opened, for hints in error messages.
    location: OnceCell<String>,
}

impl Ctx {
    /// The context of a run with these options.
    pub(crate) fn new(global: &GlobalArgs) -> Self {
        Ctx {
            out: Output::new(global.json, global.color),
            global: global.clone(),
            location: OnceCell::new(),
        }
    }

    /// True when the output is JSON.
    pub(crate) fn json(&self) -> bool {
        self.global.json
    }

    /// Opens the store the flags and variables choose (the core's rules), with the core's open
    /// options: acting as `--actor` when given (else the core takes `$AYO_AGENT`). A choice the core refuses (two store
    /// flags, a bad session name) is a usage error.
    pub(crate) fn tickets(&self) -> Result<Tickets, CliError> {
        let choice = self.store_choice()?;
        let options = OpenOptions {
            actor: self.global.actor.clone(),
            ..OpenOptions::default()
        };
        let tickets = Tickets::open_choice(&choice)?
            .with_warning_handler(warning_handler(self))
            .with_options(&options)?;
        let location = tickets.store().location();
        if !self.json()
            && let Some(project) = StoreChoice::project_hint(&self.store_flags())
        {
            self.project_note(&choice, &location, &project);
        }
        let _ = self.location.set(location);
        Ok(tickets)
    }

    /// The store flags given.
    fn store_flags(&self) -> StoreFlags {
        StoreFlags {
            store: self.global.store.clone(),
            dir: self.global.dir.clone(),
            global: self.global.global,
            session: self.global.session.clone(),
            project: self.global.project,
        }
    }

    /// The store the flags and variables choose (the core's rules); a choice the core refuses
    /// is a usage error.
    pub(crate) fn store_choice(&self) -> Result<StoreChoice, CliError> {
        StoreChoice::resolve(&self.store_flags()).map_err(CliError::BadStoreChoice)
    }

    /// One line on stderr: the session store was used by default, and a project store exists
    /// (human output only: JSON output keeps stderr for errors and warnings).
    fn project_note(&self, choice: &StoreChoice, location: &str, project: &std::path::Path) {
        let used = match choice {
            StoreChoice::Session(s) => format!("the session store '{s}' ({location})"),
            _ => location.to_string(),
        };
        let style = Style::new(self.color_when(), std::io::stderr().is_terminal());
        let _ = writeln!(
            std::io::stderr(),
            "{} using {used}; a project store exists at {}: use --project (or AYO_PROJECT=1; AYO_PROJECT=0 hides this note)",
            style.paint(Paint::Warning, "note:"),
            project.display()
        );
    }

    /// When to colour.
    pub(crate) fn color_when(&self) -> ColorWhen {
        self.global.color
    }

    /// Where the opened store is, if one was opened.
    pub(crate) fn location(&self) -> Option<&str> {
        self.location.get().map(String::as_str)
    }
}

/// Names each file a read had to skip on stderr: `warning: skipped <path>:<line>: <why>`, or
/// with `--json` a `{"warning": {...}}` line.
fn warning_handler(ctx: &Ctx) -> WarningHandler {
    let json = ctx.json();
    let style = Style::new(ctx.color_when(), std::io::stderr().is_terminal());
    Arc::new(move |u: &Unreadable| {
        let line = if json {
            json!({ "warning": {
                "code": u.error.code(),
                "message": format!("skipped {}", u.error),
                "id": u.id,
                "path": u.path,
            }})
            .to_string()
        } else {
            format!(
                "{} skipped {}",
                style.paint(Paint::Warning, "warning:"),
                u.error
            )
        };
        let _ = writeln!(std::io::stderr(), "{}", line.replace('\n', " "));
    })
}

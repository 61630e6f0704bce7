//! Printing: JSON in the library's shapes, or for people aligned tables, a ticket's details,
//! and box-drawn trees.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};

use ayo_tickets::{DepTree, LogEntry, Problem, Status, Ticket, TicketLine};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::args::ColorWhen;
use crate::error::CliError;
use crate::style::{Paint, Style};

/// How much of a long listing is written at a time.
const PIECE: usize = 64 * 1024;

/// Where a command's results go (stdout), and how they look.
pub(crate) struct Output {
    json: bool,
    pretty: bool,
    style: Style,
}

/// One cell of a table: its text (borrowed where it can be) and colour.
struct Cell<'a> {
    text: Cow<'a, str>,
    paint: Option<Paint>,
}

impl<'a> Cell<'a> {
    fn new(text: impl Into<Cow<'a, str>>, paint: Paint) -> Self {
        Cell {
            text: text.into(),
            paint: Some(paint),
        }
    }

    /// A cell already coloured (only as a row's last cell, which is not padded).
    fn painted(text: impl Into<Cow<'a, str>>) -> Self {
        Cell {
            text: text.into(),
            paint: None,
        }
    }
}

/// A cell's width as the tables count it: its characters (its bytes when all are ASCII).
fn width(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

/// A time as people read it: RFC 3339 UTC to the second.
pub(crate) fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Output {
    /// Output as JSON or for people, coloured as `when` says.
    pub(crate) fn new(json: bool, when: ColorWhen) -> Self {
        let terminal = io::stdout().is_terminal();
        Output {
            json,
            pretty: terminal,
            style: Style::new(when, terminal),
        }
    }

    /// True when the output is JSON.
    pub(crate) fn is_json(&self) -> bool {
        self.json
    }

    fn write(&self, text: &str) -> Result<(), CliError> {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
        Ok(())
    }

    /// Prints a value as JSON (indented on a terminal, one line otherwise).
    pub(crate) fn json<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), CliError> {
        let text = if self.pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        }
        .map_err(|e| CliError::Output(io::Error::other(e)))?;
        self.write(&format!("{text}\n"))
    }

    /// Prints a line.
    pub(crate) fn line(&self, text: &str) -> Result<(), CliError> {
        self.write(&format!("{text}\n"))
    }

    /// Prints text as it is (adding a final newline if it has none).
    pub(crate) fn text(&self, text: &str) -> Result<(), CliError> {
        if text.is_empty() || text.ends_with('\n') {
            self.write(text)
        } else {
            self.line(text)
        }
    }

    /// Colours text for stdout.
    pub(crate) fn paint(&self, paint: Paint, text: &str) -> String {
        self.style.paint(paint, text)
    }

    /// Prints rows of cells with every column but the last padded to its widest cell.
    fn table(&self, rows: Vec<Vec<Cell<'_>>>) -> Result<(), CliError> {
        let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0; columns];
        for row in &rows {
            for (i, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
                widths[i] = widths[i].max(cell.text.chars().count());
            }
        }
        // One buffer for the whole table (thousands of rows for `blocked` on a big store).
        let mut text = String::with_capacity(rows.len() * 80);
        for row in &rows {
            let last = row.len().saturating_sub(1);
            let start = text.len();
            for (i, cell) in row.iter().enumerate() {
                match cell.paint {
                    Some(p) if self.style.colours() => text.push_str(&self.paint(p, &cell.text)),
                    _ => text.push_str(&cell.text),
                }
                if i < last {
                    let pad = widths[i] - cell.text.chars().count();
                    text.extend(std::iter::repeat_n(' ', pad + 2));
                }
            }
            let kept = text[start..].trim_end().len();
            text.truncate(start + kept);
            text.push('\n');
        }
        self.write(&text)
    }

    /// The "(blocked by a, b)" of an open or in-progress ticket that waits, and its
    /// "(deferred until …)", and "(archived)", coloured.
    fn blocked_suffix(&self, t: &Ticket) -> String {
        let mut parts = Vec::new();
        if t.status != Status::Closed && !t.blocked_by.is_empty() {
            parts.push(self.paint(
                Paint::Blocked,
                &format!("(blocked by {})", t.blocked_by.join(", ")),
            ));
        }
        if let Some(until) = t.defer_until.filter(|_| t.status != Status::Closed)
            && t.is_deferred(Utc::now())
        {
            parts.push(self.paint(Paint::Dim, &format!("(deferred until {})", time(&until))));
        }
        if t.archived {
            parts.push(self.paint(Paint::Dim, "(archived)"));
        }
        parts.join("  ")
    }

    /// Prints tickets one a line, as [`Output::lines`] does.
    pub(crate) fn tickets(&self, tickets: &[Ticket]) -> Result<(), CliError> {
        let lines: Vec<TicketLine> = tickets.iter().map(TicketLine::from).collect();
        self.lines(&lines)
    }

    /// Prints listing lines: id, status and assignee padded to their widest, then the title
    /// and "(blocked by <ids>)", "(deferred until <time>)", "(archived)". Written in pieces of
    /// some 64 KiB (thousands of lines for `blocked` on a big store: one buffer of them all
    /// would be fresh memory to fault in).
    pub(crate) fn lines(&self, lines: &[TicketLine]) -> Result<(), CliError> {
        let (mut id_w, mut status_w, mut agent_w) = (0, 0, 0);
        for l in lines {
            id_w = id_w.max(width(l.id()));
            status_w = status_w.max(width(l.status().as_str()));
            agent_w = agent_w.max(width(l.assignee().unwrap_or("-")));
        }
        let now = Utc::now();
        let mut text = String::with_capacity(PIECE + 1024);
        for l in lines {
            let start = text.len();
            self.cell(&mut text, Paint::Id, l.id(), id_w);
            let status = l.status();
            self.cell(&mut text, Paint::status(&status), status.as_str(), status_w);
            match l.assignee() {
                Some(a) => self.cell(&mut text, Paint::Agent, a, agent_w),
                None => self.cell(&mut text, Paint::Dim, "-", agent_w),
            }
            text.push_str(l.title());
            self.line_suffix(&mut text, l, now);
            let kept = text[start..].trim_end().len();
            text.truncate(start + kept);
            text.push('\n');
            if text.len() >= PIECE {
                self.write(&text)?;
                text.clear();
            }
        }
        self.write(&text)
    }

    /// Appends a padded table cell: its text coloured, then spaces to `width` and two more.
    fn cell(&self, text: &mut String, paint: Paint, cell: &str, width: usize) {
        self.style.paint_into(paint, cell, text);
        let pad = width - self::width(cell) + 2;
        text.extend(std::iter::repeat_n(' ', pad));
    }

    /// Appends a line's "  (blocked by a, b)", "  (deferred until …)" and "  (archived)",
    /// coloured, as [`Output::blocked_suffix`] gives them.
    fn line_suffix(&self, text: &mut String, l: &TicketLine, now: DateTime<Utc>) {
        let open = l.status() != Status::Closed;
        if open && !l.blocked_by().is_empty() {
            text.push_str("  ");
            self.style.start(Paint::Blocked, text);
            text.push_str("(blocked by ");
            for (i, id) in l.blocked_by().iter().enumerate() {
                if i > 0 {
                    text.push_str(", ");
                }
                text.push_str(id);
            }
            text.push(')');
            self.style.end(text);
        }
        if let Some(until) = l.defer_until().filter(|_| open && l.is_deferred(now)) {
            text.push_str("  ");
            let deferred = format!("(deferred until {})", time(&until));
            self.style.paint_into(Paint::Dim, &deferred, text);
        }
        if l.archived() {
            text.push_str("  ");
            self.style.paint_into(Paint::Dim, "(archived)", text);
        }
    }

    /// Prints one ticket in full: fields, description and notes.
    pub(crate) fn ticket(&self, t: &Ticket) -> Result<(), CliError> {
        let mut head = format!(
            "{}  {}\n",
            self.paint(Paint::Id, &t.id),
            self.paint(Paint::Heading, &t.title)
        );
        let mut status = self.paint(Paint::status(&t.status), t.status.as_str());
        let suffix = self.blocked_suffix(t);
        if !suffix.is_empty() {
            status = format!("{status}  {suffix}");
        } else if t.ready {
            status = format!("{status}  {}", self.paint(Paint::Open, "(ready)"));
        }
        let mut fields: Vec<(&str, String)> = vec![
            ("status", status),
            (
                "assignee",
                match &t.assignee {
                    Some(a) => self.paint(Paint::Agent, a),
                    None => self.paint(Paint::Dim, "-"),
                },
            ),
            ("priority", t.priority.to_string()),
            ("type", t.kind.clone()),
        ];
        let ids = |v: &[String]| {
            v.iter()
                .map(|i| self.paint(Paint::Id, i))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !t.deps.is_empty() {
            fields.push(("deps", ids(&t.deps)));
        }
        if let Some(p) = &t.parent {
            fields.push(("parent", self.paint(Paint::Id, p)));
        }
        if !t.tags.is_empty() {
            fields.push(("tags", t.tags.join(", ")));
        }
        if !t.links.is_empty() {
            fields.push(("links", ids(&t.links)));
        }
        if let Some(r) = &t.external_ref {
            fields.push(("external ref", r.clone()));
        }
        for (name, at) in [
            ("created", &t.created),
            ("started", &t.started),
            ("closed", &t.closed),
        ] {
            if let Some(at) = at {
                fields.push((name, time(at)));
            }
        }
        if let Some(l) = &t.lease_until {
            fields.push((
                "lease",
                format!("until {}", l.to_rfc3339_opts(SecondsFormat::Millis, true)),
            ));
        }
        if let Some(d) = &t.defer_until {
            fields.push((
                "deferred",
                format!("until {}", d.to_rfc3339_opts(SecondsFormat::Millis, true)),
            ));
        }
        let width = fields.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, value) in fields {
            head.push_str(&format!(
                "  {}  {value}\n",
                self.paint(Paint::Dim, &format!("{name:width$}"))
            ));
        }
        let description = t.description.trim_matches('\n');
        if !description.is_empty() {
            head.push('\n');
            head.push_str(description);
            head.push('\n');
        }
        if !t.notes.is_empty() {
            head.push('\n');
            head.push_str(&self.paint(Paint::Heading, "Notes"));
            head.push('\n');
            for n in &t.notes {
                let mut heading = self.paint(Paint::Dim, &time(&n.at));
                if let Some(a) = &n.author {
                    heading = format!("{heading}  {}", self.paint(Paint::Agent, a));
                }
                head.push_str(&format!("  {heading}\n"));
                for l in n.text.lines() {
                    head.push_str(&format!("    {l}\n"));
                }
            }
        }
        self.write(&head)
    }

    /// Draws a dependency tree with box-drawing lines, like `tree`. The walk keeps its own
    /// stack (no recursion); the core's tree is at most `MAX_TREE_DEPTH` levels deep, so no
    /// line's indentation passes 4 characters a level.
    pub(crate) fn tree(&self, tree: &DepTree) -> Result<(), CliError> {
        let mut text = self.tree_label(tree);
        text.push('\n');
        // Each entry: the deps still to draw at one level, and the prefix of their lines.
        let mut stack: Vec<(std::slice::Iter<'_, DepTree>, String)> =
            vec![(tree.deps.iter(), String::new())];
        while let Some((deps, prefix)) = stack.last_mut() {
            let Some(node) = deps.next() else {
                stack.pop();
                continue;
            };
            let last = deps.as_slice().is_empty();
            let branch = if last { "└── " } else { "├── " };
            text.push_str(&format!(
                "{}{}\n",
                self.paint(Paint::Dim, &format!("{prefix}{branch}")),
                self.tree_label(node)
            ));
            if !node.deps.is_empty() {
                let deeper = format!("{prefix}{}", if last { "    " } else { "│   " });
                stack.push((node.deps.iter(), deeper));
            }
        }
        self.write(&text)
    }

    fn tree_label(&self, node: &DepTree) -> String {
        let id = self.paint(Paint::Id, &node.id);
        match (&node.status, &node.title) {
            _ if node.missing => format!("{id}  {}", self.paint(Paint::Blocked, "(missing)")),
            (Some(s), Some(title)) => {
                let mut label = format!(
                    "{id}  {}  {title}",
                    self.paint(Paint::status(s), s.as_str())
                );
                if node.repeated {
                    label.push_str(&format!("  {}", self.paint(Paint::Dim, "(see above)")));
                }
                if node.truncated {
                    let more = format!("(deeper: ayo ticket dep tree {})", node.id);
                    label.push_str(&format!("  {}", self.paint(Paint::Dim, &more)));
                }
                label
            }
            _ => id,
        }
    }

    /// Prints audit log entries one a line: time, actor, ticket, action, detail.
    pub(crate) fn log(&self, entries: &[LogEntry]) -> Result<(), CliError> {
        let rows = entries
            .iter()
            .map(|e| {
                vec![
                    Cell::new(time(&e.at), Paint::Dim),
                    match &e.actor {
                        Some(a) => Cell::new(a.clone(), Paint::Agent),
                        None => Cell::new("-", Paint::Dim),
                    },
                    Cell::new(e.ticket.clone(), Paint::Id),
                    Cell::new(e.action.clone(), Paint::Heading),
                    Cell::painted(e.detail.replace('\n', " ")),
                ]
            })
            .collect();
        self.table(rows)
    }

    /// Prints `check`'s problems one a line: kind, ticket, what is wrong.
    pub(crate) fn problems(&self, problems: &[Problem]) -> Result<(), CliError> {
        let rows = problems
            .iter()
            .map(|p| {
                let kind = serde_json::to_value(p.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                vec![
                    Cell::new(kind, Paint::Blocked),
                    Cell::new(p.ticket.clone().unwrap_or_else(|| "-".into()), Paint::Id),
                    Cell::painted(p.message.replace('\n', " ")),
                ]
            })
            .collect();
        self.table(rows)
    }
}

//! The ticket file: markdown with YAML frontmatter, read and written without loss.
//!
//! ```text
//! ---
//! id: abc123
//! status: open
//! deps: [step1]
//! links: []
//! created: 2026-11-23T10:00:00Z
//! type: task
//! priority: 2
//! assignee: '@validator'
//! tags: [finance]
//! ---
//! # Validate extracted data
//!
//! Free markdown description.
//!
//! ## Notes
//!
//! ### 2026-11-23T10:05:00Z @processor
//! Processed 47 reports, 3 flagged for review
//! ```
//!
//! Reading:
//! - The frontmatter runs from the first line (`---`) to the next `---` line; it must be a YAML
//!   mapping. Known keys: `id`, `status`, `deps`, `links`, `created`, `started`, `closed`,
//!   `type`, `priority`, `assignee`, `tags`, `parent`, `external_ref` (or tk's `external-ref`),
//!   `lease_until`, `lease_secs`, `defer_until`, and `title` (ayo's older tool). Every other key is kept as
//!   written and never interpreted. Values YAML would read as numbers or booleans keep the text
//!   the file shows (`id: 123` is `"123"`, `deps: [007, 1e3]` is `["007", "1e3"]`). Other
//!   tools' values are read as ayo's (`status: done` as closed, `priority: P1` as 1, a date
//!   alone as midnight UTC) and listed in [`Parsed::remarks`]; a status word that maps to no
//!   state is kept as [`crate::Status::Other`].
//! - The body (see `body.rs`): the title, the description and the notes; every line of it is one
//!   of these. Notes are recognised in ayo's form (`### <time> [author]`) and tk's
//!   (`**<time>**`, a blank line, the text; `**<time> <author>**`; `**<time>** - text` on one
//!   line); text of the notes section that is no note, and `## ` sections after notes, are
//!   description. Headings inside code blocks are text.
//! - A description line that would read as `## Notes`, or a note line that would read as a note
//!   heading or a `## ` heading, is written with one more leading `\` (counting the backslashes it
//!   already has), so every text round-trips.
//!
//! Writing: a new file in ayo's style, or a patch of the previous file that rewrites only the
//! lines of the fields that changed and keeps everything else byte for byte; a note added to a
//! tk file is written in tk's style ([`writes_tk_notes`]).

mod body;
mod fast;
mod fence;
mod frontmatter;
mod lenient;
mod scalar;
mod size;

pub(crate) use size::check_size;

pub use lenient::Remark;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, SecondsFormat, Utc};

use crate::error::{Error, Result};
use crate::ticket::Ticket;

/// A parsed ticket file: the ticket, and the id its frontmatter states (the file name is
/// authoritative; `check` compares them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The ticket; its id is the file stem.
    pub ticket: Ticket,
    /// The `id:` of the frontmatter as written, if any.
    pub frontmatter_id: Option<String>,
    /// The values read as something else than they say (`status: done`, `priority: P1`, a
    /// date alone), each with its line; `check` lists them.
    pub remarks: Vec<Remark>,
}

/// The largest frontmatter read, in bytes; a larger one is a parse error.
const MAX_FRONTMATTER: usize = 1 << 20;

/// Reads a ticket file's bytes. The ticket's id is the file stem of `path` (`abc.md` -> `abc`).
///
/// Never panics on any input; a bad file gives [`Error::Parse`] with the path, the 1-based
/// line where known, and what is wrong.
pub fn parse(bytes: &[u8], path: &Path) -> Result<Parsed> {
    if bytes.contains(&0) {
        let pos = bytes.iter().position(|&b| b == 0).unwrap_or(0);
        return Err(Error::parse(
            path,
            Some(line_of(bytes, pos)),
            "the file contains a NUL byte (not a ticket file)",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::parse(
            path,
            Some(line_of(bytes, e.valid_up_to())),
            "the file is not valid UTF-8",
        )
    })?;
    let lf = lf_of_crlf(text);
    let doc = parse_doc(lf.as_deref().unwrap_or(text))
        .map_err(|f| Error::parse(path, f.line, f.message))?;
    let mut ticket = doc.ticket;
    ticket.id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Parsed {
        ticket,
        frontmatter_id: doc.frontmatter_id,
        remarks: doc.remarks,
    })
}

/// Every reason a file cannot be read, each with its 1-based line where known, in the order of
/// the lines: [`parse`] reports the first; `check` lists them all. Empty for a readable file.
pub fn problems(bytes: &[u8]) -> Vec<(Option<usize>, String)> {
    let Err(first) = parse(bytes, Path::new("x.md")) else {
        return Vec::new();
    };
    let first = match first {
        Error::Parse { line, message, .. } => (line, message),
        other => (None, other.to_string()),
    };
    let Some(text) = std::str::from_utf8(bytes)
        .ok()
        .filter(|_| !bytes.contains(&0))
    else {
        return vec![first];
    };
    let lf = lf_of_crlf(text);
    match read_all(lf.as_deref().unwrap_or(text)) {
        Err(failures) if !failures.is_empty() => {
            failures.into_iter().map(|f| (f.line, f.message)).collect()
        }
        _ => vec![first],
    }
}

/// True when a note added to this file is written in tk's style (`**<time>**`, to the
/// second): its last note is tk's, or it has no note and no mark of ayo's tools (see the
/// README's file format). False for a text that is no ticket file.
pub fn writes_tk_notes(text: &str) -> bool {
    let lf = lf_of_crlf(text);
    parse_doc(lf.as_deref().unwrap_or(text))
        .is_ok_and(|doc| body::dialect(&doc.body, doc.ayo_marked) == body::Style::Tk)
}

/// Renders a ticket.
///
/// With `previous` = `None`: a new file in ayo's style. With `previous` = the old file's text:
/// a lossless patch, where only the lines of fields whose values differ from what `previous`
/// reads as are rewritten and everything else stays byte-identical; when no field differs,
/// `previous` is returned unchanged. The frontmatter `id:` of a previous file is never
/// rewritten (the file name is authoritative). `blocked_by` and `ready` are derived and
/// ignored here.
///
/// Fails with [`Error::Invalid`] for a ticket no file can hold (an empty or multi-line title,
/// a NUL byte, a priority over 4, a blank or multi-line note author, a time outside the years
/// 0 to 9999), and with [`Error::Parse`] (its path empty: the caller knows the file) when
/// `previous` cannot be read, or when the patched text would not read back as `ticket` (a
/// guard for unusual YAML such as an anchor used elsewhere; the file is then left alone).
pub fn render(ticket: &Ticket, previous: Option<&str>) -> Result<String> {
    check_writable(ticket)?;
    let text = match previous {
        None => render_new(ticket),
        // A file with Windows line endings is patched as its `\n` twin and keeps them.
        Some(prev) => match lf_of_crlf(prev) {
            Some(lf) => match patch(ticket, &lf)? {
                Some(text) => text.replace('\n', "\r\n"),
                None => return Ok(prev.to_string()),
            },
            None => match patch(ticket, prev)? {
                Some(text) => text,
                None => return Ok(prev.to_string()),
            },
        },
    };
    verify(&text, ticket)?;
    Ok(text)
}

/// Why a text is not a ticket file: the 1-based line, where known, and what is wrong.
#[derive(Debug)]
struct Failure {
    line: Option<usize>,
    message: String,
}

impl Failure {
    /// A failure at the 0-based line `index`.
    fn at(index: usize, message: impl Into<String>) -> Self {
        Failure {
            line: Some(index + 1),
            message: message.into(),
        }
    }
}

/// One line of a rendered file: a line of the previous file (by index), or a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Out {
    Old(usize),
    New(String),
}

/// A parsed file with the positions of its parts, as a patch needs them.
struct Doc<'a> {
    /// The lines, without their `\n`.
    lines: Vec<&'a str>,
    /// Whether the last line ends with `\n`.
    final_newline: bool,
    /// The index of the closing `---`.
    close: usize,
    /// The frontmatter between the delimiters.
    items: Vec<frontmatter::Item>,
    /// The body after the closing `---`.
    body: body::Body,
    /// The ticket, with an empty id.
    ticket: Ticket,
    /// The frontmatter's `id:`.
    frontmatter_id: Option<String>,
    /// Values read as something else than they say.
    remarks: Vec<Remark>,
    /// The frontmatter bears a mark of ayo's tools.
    ayo_marked: bool,
}

/// The 1-based line of byte `pos`.
fn line_of(bytes: &[u8], pos: usize) -> usize {
    bytes[..pos.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The text with `\n` for `\r\n` when every line break in it is `\r\n` (a file with
/// Windows line endings); `None` for any other text, which is read as it is.
fn lf_of_crlf(text: &str) -> Option<String> {
    if !text.contains('\r') {
        return None; // one fast scan for the usual file
    }
    let crlf = text.matches("\r\n").count();
    (crlf > 0 && crlf == text.matches('\n').count()).then(|| text.replace("\r\n", "\n"))
}

/// Splits a text into lines without their `\n`, and whether the last one ended with `\n`.
fn split_lines(text: &str) -> (Vec<&str>, bool) {
    let mut lines: Vec<&str> = text.split('\n').collect();
    let final_newline = lines.len() > 1 && lines.last() == Some(&"");
    if final_newline {
        lines.pop();
    }
    (lines, final_newline)
}

/// Reads a ticket file's text; fails with its first problem.
fn parse_doc(text: &str) -> Result<Doc<'_>, Failure> {
    read_all(text).map_err(|mut failures| failures.swap_remove(0))
}

/// Reads a ticket file's text; fails with every problem found (at least one), in the order of
/// the lines.
fn read_all(text: &str) -> Result<Doc<'_>, Vec<Failure>> {
    let close = find_close(text).map_err(|f| vec![f])?;
    let (lines, final_newline) = split_lines(text);
    let front = frontmatter::read(&lines, close).map_err(|f| vec![f])?;
    let mut failures = front.failures;
    let body = body::read(&lines, close + 1, front.title.is_some());
    let (body, text) = match body {
        Ok(b) => b,
        Err(f) => {
            failures.push(f);
            failures.sort_by_key(|f| f.line);
            return Err(failures);
        }
    };
    if !failures.is_empty() {
        failures.sort_by_key(|f| f.line);
        return Err(failures);
    }
    let mut ticket = front.ticket;
    ticket.title = text.title.or(front.title).unwrap_or_default();
    ticket.description = text.description;
    ticket.notes = text.notes;
    Ok(Doc {
        lines,
        final_newline,
        close,
        items: front.items,
        body,
        ticket,
        frontmatter_id: front.frontmatter_id,
        remarks: front.remarks,
        ayo_marked: front.ayo_marked,
    })
}

/// The index of the line that closes the frontmatter, found before the whole text is split
/// so that a large file without frontmatter is refused quickly.
fn find_close(text: &str) -> Result<usize, Failure> {
    let mut size = 0;
    for (i, line) in text.split('\n').enumerate() {
        if i == 0 {
            let first = line.strip_prefix('\u{feff}').unwrap_or(line);
            if first.trim_end() != "---" {
                return Err(Failure::at(
                    0,
                    "no frontmatter: a ticket file starts with a --- line",
                ));
            }
            continue;
        }
        if line.trim_end() == "---" {
            return Ok(i);
        }
        size += line.len() + 1;
        if size > MAX_FRONTMATTER {
            return Err(Failure::at(
                0,
                "no --- line closes the frontmatter within 1 MiB",
            ));
        }
    }
    Err(Failure::at(
        0,
        "the frontmatter is not closed: no --- line after the first",
    ))
}

/// A timestamp as written: RFC 3339 in UTC with `Z`, fractional seconds only as needed.
fn fmt_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Reads an RFC 3339 timestamp.
#[cfg(test)]
fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// Refuses tickets that no file can hold so that they read back the same.
fn check_writable(t: &Ticket) -> Result<()> {
    if t.title.trim().is_empty() {
        return Err(Error::invalid("the title is empty"));
    }
    // Reading drops `\r` at the end of the title line (a CRLF file).
    if t.title.contains(['\n', '\0']) || t.title.ends_with('\r') {
        return Err(Error::invalid("the title must be one line"));
    }
    if t.description.contains('\0') {
        return Err(Error::invalid("the description contains a NUL byte"));
    }
    if !t.notes.is_empty() && body::leaves_fence_open(&t.description) {
        return Err(Error::invalid(
            "the description opens a code block (```) it does not close, which would hide the \
             notes after it: close the block",
        ));
    }
    if t.priority > 4 {
        return Err(Error::invalid(format!(
            "priority {} is out of range (0 to 4)",
            t.priority
        )));
    }
    let times = [t.created, t.started, t.closed, t.lease_until, t.defer_until];
    let note_times = t.notes.iter().map(|n| Some(n.at));
    if times
        .into_iter()
        .chain(note_times)
        .flatten()
        .any(|d| !(0..=9999).contains(&d.year()))
    {
        return Err(Error::invalid(
            "a time is outside the years 0 to 9999 (RFC 3339)",
        ));
    }
    for n in &t.notes {
        if n.text.contains('\0') {
            return Err(Error::invalid("a note contains a NUL byte"));
        }
        if let Some(a) = &n.author
            && (a.trim().is_empty() || a.contains(['\n', '\0']))
        {
            return Err(Error::invalid("a note author must be one non-blank line"));
        }
    }
    Ok(())
}

/// A new file in ayo's style.
fn render_new(t: &Ticket) -> String {
    let mut lines = vec!["---".to_string()];
    lines.extend(frontmatter::write_new(t));
    lines.push("---".to_string());
    lines.extend(body::write_new(t));
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// Patches `previous` to hold `ticket`; `None` when nothing differs.
fn patch(ticket: &Ticket, previous: &str) -> Result<Option<String>> {
    let doc = parse_doc(previous).map_err(|f| {
        Error::parse(
            PathBuf::new(),
            f.line,
            format!("the previous file cannot be read: {}", f.message),
        )
    })?;
    let style = body::dialect(&doc.body, doc.ayo_marked);
    let tk = style == body::Style::Tk;
    let front = frontmatter::patch(&doc.lines, &doc.items, &doc.ticket, ticket, tk);
    let body = body::patch(&doc.lines, &doc.body, &doc.ticket, ticket, style);
    if front.is_none() && body.is_none() {
        return Ok(None);
    }
    let mut out = vec![Out::Old(0)];
    match front {
        Some(lines) => out.extend(lines),
        None => out.extend((1..doc.close).map(Out::Old)),
    }
    out.push(Out::Old(doc.close));
    match body {
        Some(lines) => out.extend(lines),
        None => out.extend((doc.close + 1..doc.lines.len()).map(Out::Old)),
    }
    // The previous file's ending is kept when its last line is still last.
    let final_newline = match out.last() {
        Some(Out::Old(i)) if *i + 1 == doc.lines.len() => doc.final_newline,
        _ => true,
    };
    let mut text = String::with_capacity(previous.len() + 64);
    for (i, line) in out.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(match line {
            Out::Old(j) => doc.lines[*j],
            Out::New(s) => s,
        });
    }
    if final_newline {
        text.push('\n');
    }
    Ok(Some(text))
}

/// Checks that a rendered text reads back as `ticket` (a guard against writing a file that
/// would lose data, e.g. when unusual YAML in the previous file interferes).
fn verify(text: &str, ticket: &Ticket) -> Result<()> {
    let normal = |t: &Ticket| {
        let mut t = t.clone();
        t.id = String::new();
        t.blocked_by = Vec::new();
        t.ready = false;
        for n in &mut t.notes {
            if let Some(a) = &mut n.author {
                *a = a.trim().to_string();
            }
        }
        t
    };
    let lf = lf_of_crlf(text);
    let back = parse_doc(lf.as_deref().unwrap_or(text)).map_err(|f| {
        Error::parse(
            PathBuf::new(),
            f.line,
            format!("the rendered file would not read back: {}", f.message),
        )
    })?;
    if normal(&back.ticket) == normal(ticket) {
        Ok(())
    } else {
        Err(Error::parse(
            PathBuf::new(),
            None,
            "the file cannot be updated without loss (unusual frontmatter)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::{Note, Status};

    fn parse_str(text: &str) -> Result<Parsed> {
        parse(text.as_bytes(), Path::new("t1.md"))
    }

    fn err_line(text: &str) -> (Option<usize>, String) {
        match parse_str(text) {
            Err(Error::Parse { line, message, .. }) => (line, message),
            other => panic!("expected a parse error, got {other:?}"),
        }
    }

    #[test]
    fn minimal_file() {
        let p = parse_str("---\n---\n# T\n").unwrap();
        assert_eq!(p.ticket.id, "t1");
        assert_eq!(p.ticket.title, "T");
        assert_eq!(p.ticket.status, Status::Open);
        assert_eq!(p.ticket.priority, 2);
        assert_eq!(p.ticket.kind, "task");
        assert_eq!(p.frontmatter_id, None);
    }

    #[test]
    fn error_lines() {
        assert_eq!(err_line("# T\n").0, Some(1));
        assert_eq!(err_line("").0, Some(1));
        let (line, msg) = err_line("---\nid: a\nstatus: open\n# T\n");
        assert_eq!(line, Some(1));
        assert!(msg.contains("not closed"), "{msg}");
        let (line, msg) = err_line("---\nid: a\ndeps: [a, b\nstatus: open\n---\n# T\n");
        assert_eq!(line, Some(4), "{msg}");
        assert!(!msg.contains("line"), "{msg}");
        let (line, msg) = err_line("---\nid: a\nstatus: open\n---\n\nno title here\n");
        assert_eq!(line, Some(5));
        assert!(msg.contains("title"), "{msg}");
        assert_eq!(err_line("---\nid: a\n---\n").0, Some(3));
        assert_eq!(err_line("---\nid: a\n---\n# \n").0, Some(4));
        let (line, msg) = err_line("---\nid: a\nstatus: [done]\n---\n# T\n");
        assert_eq!(line, Some(3));
        assert!(msg.contains("status"), "{msg}");
        assert_eq!(err_line("---\npriority: 5\n---\n# T\n").0, Some(2));
        assert_eq!(err_line("---\npriority: urgent\n---\n# T\n").0, Some(2));
        assert_eq!(
            err_line("---\na: 1\ncreated: yesterday\n---\n# T\n").0,
            Some(3)
        );
        assert_eq!(err_line("---\ndeps: a\n---\n# T\n").0, Some(2));
        assert_eq!(err_line("---\ndeps: [[a]]\n---\n# T\n").0, Some(2));
        assert_eq!(err_line("---\nid: a\nid: b\n---\n# T\n").0, Some(3));
        assert_eq!(err_line("---\n- a\n---\n# T\n").0, Some(2));
        assert_eq!(err_line("---\nx: 1\n---\n# T\n\0\n").0, Some(5));
        let mut bad = b"---\nx: 1\n---\n# T\n".to_vec();
        bad.extend_from_slice(&[0xff, 0xfe]);
        match parse(&bad, Path::new("b.md")) {
            Err(Error::Parse { line, path, .. }) => {
                assert_eq!(line, Some(5));
                assert_eq!(path, Path::new("b.md"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn raw_text_of_numbers() {
        let p = parse_str(
            "---\nid: 123\ndeps: [007, 1e3, 0x1F]\ntags:\n- yes\n- true\n- 1.5 # c\ntype: 42\nassignee: 12\n---\n# T\n",
        )
        .unwrap();
        assert_eq!(p.frontmatter_id.as_deref(), Some("123"));
        assert_eq!(p.ticket.deps, ["007", "1e3", "0x1F"]);
        assert_eq!(p.ticket.tags, ["yes", "true", "1.5"]);
        assert_eq!(p.ticket.kind, "42");
        assert_eq!(p.ticket.assignee.as_deref(), Some("12"));
    }

    #[test]
    fn render_new_layout() {
        let mut t = Ticket::new("123", "Validate extracted data");
        t.deps = vec!["step1".into()];
        t.created = parse_ts("2026-11-23T10:00:00Z");
        t.assignee = Some("@validator".into());
        t.tags = vec!["finance".into()];
        t.description = "Free markdown description.".into();
        t.notes = vec![Note {
            at: parse_ts("2026-11-23T10:05:00Z").unwrap(),
            author: Some("@processor".into()),
            text: "Processed 47 reports, 3 flagged for review".into(),
        }];
        let text = render(&t, None).unwrap();
        assert_eq!(
            text,
            "---\nid: '123'\nstatus: open\ndeps: [step1]\nlinks: []\ncreated: 2026-11-23T10:00:00Z\n\
             type: task\npriority: 2\nassignee: '@validator'\ntags: [finance]\n---\n\
             # Validate extracted data\n\nFree markdown description.\n\n## Notes\n\n\
             ### 2026-11-23T10:05:00Z @processor\nProcessed 47 reports, 3 flagged for review\n"
        );
        let back = parse(text.as_bytes(), Path::new("123.md")).unwrap();
        assert_eq!(back.ticket, t);
        assert_eq!(back.frontmatter_id.as_deref(), Some("123"));
    }

    #[test]
    fn render_refuses_what_cannot_be_held() {
        let mut t = Ticket::new("a", "two\nlines");
        assert_eq!(render(&t, None).unwrap_err().code(), "INVALID");
        t.title = " ".into();
        assert_eq!(render(&t, None).unwrap_err().code(), "INVALID");
        t.title = "ok".into();
        t.priority = 5;
        assert_eq!(render(&t, None).unwrap_err().code(), "INVALID");
        t.priority = 1;
        t.description = "a\0".into();
        assert_eq!(render(&t, None).unwrap_err().code(), "INVALID");
        t.description.clear();
        assert!(render(&t, Some("not a ticket")).is_err());
    }

    #[test]
    fn timestamps() {
        let t = parse_ts("2026-11-23T10:00:00.123+01:00").unwrap();
        assert_eq!(fmt_ts(t), "2026-11-23T09:00:00.123Z");
        assert_eq!(
            fmt_ts(parse_ts("2026-11-23T10:00:00Z").unwrap()),
            "2026-11-23T10:00:00Z"
        );
        assert!(parse_ts("2026-11-23").is_none());
    }
}

//! The markdown body: the title line, the description, the `## Notes` section and its notes,
//! the escaping of text lines that would read as structure, and writing them back.
//!
//! Every line of the body is the title, note text, or description: the lines before the `# `
//! title (when it is not the first), the lines between the title and `## Notes`, and the text of
//! the notes section that is no note (lines before the first note, and `## ` sections such as
//! `## References`, up to the next note) are the description, in that order.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use super::fence::Fence;
use super::lenient::read_when;
use super::{Failure, Out, fmt_ts};
use crate::ticket::{Note, Ticket};

/// The heading that starts the notes section.
const NOTES_HEADING: &str = "## Notes";

/// How notes are written: the file's dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    /// `### <timestamp> [author]`, the text on the next lines.
    Ayo,
    /// `**<timestamp>**` (or `**<timestamp> <author>**`), a blank line, the text.
    Tk,
}

/// A note heading as read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Head<'a> {
    style: Style,
    at: DateTime<Utc>,
    author: Option<&'a str>,
    /// The text on the heading line itself (`**<time>** - text`), without the separator.
    inline: Option<&'a str>,
}

/// What a part of the notes section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A note: its heading is the part's first line.
    Note,
    /// Text that is no note: the lines before the first note, or a `## ` section.
    Text,
}

/// A part of the notes section: lines `start..end`.
#[derive(Debug, Clone)]
struct Part {
    start: usize,
    end: usize,
    kind: Kind,
    /// For a note: its style; for text, unused.
    style: Style,
    /// For a note: a trailing blank line was dropped as the separator before the next part.
    sep: bool,
}

/// Where the parts of the body are (indices into the file's lines).
#[derive(Debug, Clone)]
pub(super) struct Body {
    /// The first line of the body.
    from: usize,
    /// The `# ` title line; `None` when the title is the frontmatter's alone.
    title: Option<usize>,
    /// The `## Notes` line.
    heading: Option<usize>,
    /// The notes section after its heading, in order.
    parts: Vec<Part>,
}

/// The body's fields.
pub(super) struct BodyText {
    /// The `# ` heading's text, if there is one.
    pub(super) title: Option<String>,
    pub(super) description: String,
    pub(super) notes: Vec<Note>,
}

/// Blank: empty or whitespace only.
fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// The line that starts the notes section.
fn is_notes_heading(line: &str) -> bool {
    line.trim_end() == NOTES_HEADING
}

/// A `# ` title line.
fn is_title(line: &str) -> bool {
    line.starts_with("# ")
}

/// A `## ` heading: in the notes section, it starts a part that is no note.
fn is_section_heading(line: &str) -> bool {
    line.starts_with("## ")
}

/// A time and an optional author, written `<time>[ <author>]`, where the time may be a date and
/// a time with a space between them.
fn when_and_author(s: &str) -> Option<(DateTime<Utc>, Option<&str>)> {
    let s = s.trim();
    if let Some((at, _)) = read_when(s) {
        return Some((at, None));
    }
    let mut cuts = s.match_indices(char::is_whitespace).map(|(i, _)| i);
    let first = cuts.next()?;
    let second = s[first..]
        .trim_start()
        .find(char::is_whitespace)
        .map(|i| s.len() - s[first..].trim_start().len() + i);
    for cut in second.into_iter().chain([first]) {
        if let Some((at, _)) = read_when(&s[..cut]) {
            let author = s[cut..].trim();
            return Some((at, (!author.is_empty()).then_some(author)));
        }
    }
    None
}

/// An ayo note heading: `### <time> [author]`.
fn ayo_heading(line: &str) -> Option<Head<'_>> {
    let rest = line.strip_prefix("###")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let (at, author) = when_and_author(rest)?;
    Some(Head {
        style: Style::Ayo,
        at,
        author,
        inline: None,
    })
}

/// A tk note heading: `**<time>**` or `**<time> <author>**` alone on its line, or a note on
/// one line, `**<time>** - text` (the separator `-`, `–`, `—` or `:` is optional).
fn tk_heading(line: &str) -> Option<Head<'_>> {
    let t = line.trim_end();
    let inner_and_rest = t.strip_prefix("**")?;
    let close = inner_and_rest.find("**")?;
    let (at, author) = when_and_author(&inner_and_rest[..close])?;
    let rest = inner_and_rest[close + 2..].trim();
    let inline = (!rest.is_empty()).then(|| {
        let r = rest
            .strip_prefix(['-', '–', '—', ':'])
            .unwrap_or(rest)
            .trim_start();
        if r.is_empty() { rest } else { r }
    });
    Some(Head {
        style: Style::Tk,
        at,
        author,
        inline,
    })
}

/// A note heading of any form.
fn note_heading(line: &str) -> Option<Head<'_>> {
    if line.starts_with("###") {
        ayo_heading(line)
    } else if line.starts_with("**") {
        tk_heading(line)
    } else {
        None
    }
}

/// True for a line that would read as a note heading.
fn is_note_heading(line: &str) -> bool {
    note_heading(line).is_some()
}

/// A text line as written: with one more leading `\` when, without all its leading
/// backslashes, it would read as structure.
fn escape(line: &str, structural: impl Fn(&str) -> bool) -> Cow<'_, str> {
    if structural(line.trim_start_matches('\\')) {
        Cow::Owned(format!("\\{line}"))
    } else {
        Cow::Borrowed(line)
    }
}

/// The inverse of [`escape`].
fn unescape(line: &str, structural: impl Fn(&str) -> bool) -> &str {
    match line.strip_prefix('\\') {
        Some(rest) if structural(line.trim_start_matches('\\')) => rest,
        _ => line,
    }
}

/// Which lines of a text are structure where they stand, so that they are escaped.
#[derive(Debug, Clone, Copy)]
enum Context {
    /// The description: `## Notes` outside code blocks; in a file whose title is the
    /// frontmatter's alone (`headless`), also a first non-blank line that reads as `# ` title.
    Description { headless: bool },
    /// A note: a note heading anywhere, a `## ` heading outside code blocks.
    Note,
}

/// Maps each line of a text between its written and its read form (`write`: escape, else
/// unescape), following code blocks and the context's rules, and hands it to `each`.
fn convert_each<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    context: Context,
    write: bool,
    mut each: impl FnMut(Cow<'a, str>),
) {
    let mut fence = Fence::default();
    let mut first = true;
    for line in lines {
        let code = fence.step(line);
        let structural = |s: &str| match context {
            Context::Description { headless } => {
                !code && (is_notes_heading(s) || (headless && first && is_title(s)))
            }
            Context::Note => is_note_heading(s) || (!code && is_section_heading(s)),
        };
        each(if write {
            escape(line, structural)
        } else {
            Cow::Borrowed(unescape(line, structural))
        });
        if !is_blank(line) {
            first = false;
        }
    }
}

/// [`convert_each`], collected.
fn convert<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    context: Context,
    write: bool,
) -> Vec<Cow<'a, str>> {
    let mut out = Vec::new();
    convert_each(lines, context, write, |l| out.push(l));
    out
}

/// Joins text lines as read (unescaped), in one pass (a description may have millions).
fn join(lines: &[&str], context: Context) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    let mut started = false;
    convert_each(lines.iter().copied(), context, false, |l| {
        if std::mem::replace(&mut started, true) {
            out.push('\n');
        }
        out.push_str(&l);
    });
    out
}

/// Drops one leading blank line, if there is one.
fn drop_leading_blank<'l, 'a>(lines: &'l [&'a str]) -> &'l [&'a str] {
    match lines {
        [first, rest @ ..] if is_blank(first) => rest,
        _ => lines,
    }
}

/// Drops one trailing blank line, if there is one; also says whether it did.
fn drop_trailing_blank<'l, 'a>(lines: &'l [&'a str]) -> (&'l [&'a str], bool) {
    match lines {
        [rest @ .., last] if is_blank(last) => (rest, true),
        _ => (lines, false),
    }
}

/// Text that is no note, as the description shows it: the lines without the blank ones
/// around them, as written.
fn loose_text(lines: &[&str]) -> String {
    let start = lines
        .iter()
        .position(|l| !is_blank(l))
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !is_blank(l))
        .map_or(start, |i| i + 1);
    lines[start..end.max(start)].join("\n")
}

/// Reads the body, `lines[from..]`. `front_title`: the frontmatter has a `title:`; then the
/// body's first non-blank line is its `# ` heading if it is one, and the body may have none.
pub(super) fn read(
    lines: &[&str],
    from: usize,
    front_title: bool,
) -> Result<(Body, BodyText), Failure> {
    let len = lines.len();
    let title = if front_title {
        (from..len)
            .find(|&i| !is_blank(lines[i]))
            .filter(|&i| is_title(lines[i]))
    } else {
        let mut fence = Fence::default();
        let found = (from..len).find(|&i| !fence.step(lines[i]) && is_title(lines[i]));
        Some(found.ok_or_else(|| {
            Failure::at(
                from.min(len.saturating_sub(1)),
                "no title: the body needs a '# Title' line after the frontmatter",
            )
        })?)
    };
    let title_text = match title {
        Some(t) => {
            let text = lines[t][2..].trim_end_matches('\r');
            if text.trim().is_empty() {
                return Err(Failure::at(t, "the title is empty"));
            }
            Some(text.to_string())
        }
        None => None,
    };
    let start = title.map_or(from, |t| t + 1);
    let mut fence = Fence::default();
    let heading = (start..len).find(|&i| !fence.step(lines[i]) && is_notes_heading(lines[i]));
    let (region, _) =
        drop_trailing_blank(drop_leading_blank(&lines[start..heading.unwrap_or(len)]));
    let context = Context::Description {
        headless: title.is_none(),
    };
    let mut pieces = Vec::new();
    if let Some(t) = title {
        pieces.push(loose_text(&lines[from..t]));
    }
    pieces.push(join(region, context));
    let parts = heading.map_or_else(Vec::new, |h| split_notes(lines, h + 1));
    let mut notes = Vec::new();
    for p in &parts {
        if p.kind == Kind::Text {
            pieces.push(loose_text(&lines[p.start..p.end]));
            continue;
        }
        let Some(head) = note_heading(lines[p.start]) else {
            continue; // split_notes made it a note because this is a heading
        };
        let mut content = &lines[p.start + 1..p.end];
        if p.style == Style::Tk && head.inline.is_none() {
            content = drop_leading_blank(content);
        }
        if p.sep {
            content = drop_trailing_blank(content).0;
        }
        let mut text = join(content, Context::Note);
        if let Some(inline) = head.inline {
            text = if content.is_empty() {
                inline.to_string()
            } else {
                format!("{inline}\n{text}")
            };
        }
        notes.push(Note {
            at: head.at,
            author: head.author.map(str::to_string),
            text,
        });
    }
    let mut description = String::new();
    for piece in pieces.into_iter().filter(|p| !p.is_empty()) {
        if description.is_empty() {
            description = piece; // the usual one piece, not copied
        } else {
            description.push_str("\n\n");
            description.push_str(&piece);
        }
    }
    Ok((
        Body {
            from,
            title,
            heading,
            parts,
        },
        BodyText {
            title: title_text,
            description,
            notes,
        },
    ))
}

/// Splits the notes section, `lines[from..]`, into parts: a note runs from its heading to the
/// next note heading or `## ` heading outside a code block; a note heading also ends a code
/// block left open before it. A note followed by another part drops one trailing blank line as
/// the separator.
fn split_notes(lines: &[&str], from: usize) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    let mut current = (from, Kind::Text, Style::Tk);
    let mut fence = Fence::default();
    let close = |parts: &mut Vec<Part>, (start, kind, style): (usize, Kind, Style), end| {
        if end > start {
            parts.push(Part {
                start,
                end,
                kind,
                style,
                sep: false,
            });
        }
    };
    for (i, line) in lines.iter().enumerate().skip(from) {
        if let Some(head) = note_heading(line) {
            close(&mut parts, current, i);
            current = (i, Kind::Note, head.style);
            fence = Fence::default();
            continue;
        }
        if !fence.step(line) && is_section_heading(line) {
            close(&mut parts, current, i);
            current = (i, Kind::Text, Style::Tk);
        }
    }
    close(&mut parts, current, lines.len());
    let n = parts.len();
    for (k, p) in parts.iter_mut().enumerate() {
        if p.kind == Kind::Note && k + 1 < n {
            let content = &lines[p.start + 1..p.end];
            p.sep = content.last().is_some_and(|l| is_blank(l));
        }
    }
    parts
}

/// The style a new note takes in a file: its last note's, else ayo's when the file bears an
/// ayo mark (`ayo_marked`), else tk's.
pub(super) fn dialect(body: &Body, ayo_marked: bool) -> Style {
    match body.parts.iter().rev().find(|p| p.kind == Kind::Note) {
        Some(p) => p.style,
        None if ayo_marked => Style::Ayo,
        None => Style::Tk,
    }
}

/// True when a description cannot be followed by notes: it leaves a code block open, which
/// would hide the `## Notes` line.
pub(super) fn leaves_fence_open(description: &str) -> bool {
    Fence::left_open(description.split('\n'))
}

/// The lines between the title (or the frontmatter, `headless`) and `## Notes` (or the end): a
/// blank line and the escaped description, then a blank line when `## Notes` follows or when
/// the description's last line is blank (reading drops one trailing blank line). An empty
/// description is no lines, or one blank line before `## Notes`.
fn description_lines(d: &str, heading_follows: bool, headless: bool) -> Vec<String> {
    if d.is_empty() {
        return if heading_follows {
            vec![String::new()]
        } else {
            Vec::new()
        };
    }
    let mut v = vec![String::new()];
    v.extend(
        convert(d.split('\n'), Context::Description { headless }, true)
            .into_iter()
            .map(Cow::into_owned),
    );
    if heading_follows || v.last().is_some_and(|l| is_blank(l)) {
        v.push(String::new());
    }
    v
}

/// A note's lines: the heading and the escaped text.
fn note_lines(n: &Note, style: Style) -> Vec<String> {
    let mut v = Vec::new();
    match (style, n.author.as_deref()) {
        (Style::Tk, author) => {
            match author {
                Some(a) => v.push(format!("**{} {}**", fmt_ts(n.at), a.trim())),
                None => v.push(format!("**{}**", fmt_ts(n.at))),
            }
            v.push(String::new());
        }
        (Style::Ayo, Some(a)) => v.push(format!("### {} {}", fmt_ts(n.at), a.trim())),
        (Style::Ayo, None) => v.push(format!("### {}", fmt_ts(n.at))),
    }
    if !n.text.is_empty() {
        v.extend(
            convert(n.text.split('\n'), Context::Note, true)
                .into_iter()
                .map(Cow::into_owned),
        );
    }
    v
}

/// True when a tk-style heading (`**<time> <author>**`) can hold this author: no `*` (which
/// could end the bold run), and no first word that reads as part of the time. Another author
/// is written in ayo's style (`### <time> <author>`).
pub(super) fn tk_author_fits(author: &str) -> bool {
    !author.contains('*') && read_when(author.split_whitespace().next().unwrap_or("")).is_none()
}

/// The body of a new file.
pub(super) fn write_new(t: &Ticket) -> Vec<String> {
    let mut v = vec![format!("# {}", t.title)];
    v.extend(description_lines(
        &t.description,
        !t.notes.is_empty(),
        false,
    ));
    if !t.notes.is_empty() {
        v.extend([NOTES_HEADING.to_string(), String::new()]);
        for (i, n) in t.notes.iter().enumerate() {
            if i > 0 {
                v.push(String::new());
            }
            v.extend(note_lines(n, Style::Ayo));
        }
    }
    v
}

/// One piece of the rewritten notes section: a part of the previous file, or the new notes.
#[derive(Debug, Clone, Copy)]
enum Seg {
    Old(usize),
    New,
}

/// The body lines (`lines[body.from..]` of the previous file) with the title, description or
/// notes that differ between `old` and `new` rewritten; `None` when none differs. New notes
/// are written in `style`.
///
/// A new description replaces all of the old one: the lines between the title and `## Notes`
/// are rewritten, and the other text that was read as description (before the title, in the
/// notes section) is removed; so is a notes section left with no note. Notes that `old` and
/// `new` share as a common prefix keep their lines; the others are removed, and the rest of
/// `new`'s are written at the end of the notes section (for the usual append, the previous
/// bytes stay a prefix, plus a separator line, as with tk's `add-note`).
pub(super) fn patch(
    lines: &[&str],
    body: &Body,
    old: &Ticket,
    new: &Ticket,
    style: Style,
) -> Option<Vec<Out>> {
    let title_changed = old.title != new.title && body.title.is_some();
    let description_changed = old.description != new.description;
    let notes_changed = old.notes != new.notes;
    if !(title_changed || description_changed || notes_changed) {
        return None;
    }
    let len = lines.len();
    let new_line = |s: &str| Out::New(s.to_string());
    let mut out: Vec<Out> = Vec::new();
    let start = match body.title {
        Some(t) => {
            if !description_changed {
                out.extend((body.from..t).map(Out::Old));
            }
            out.push(if title_changed {
                let eol = if lines[t].ends_with('\r') { "\r" } else { "" };
                Out::New(format!("# {}{eol}", new.title))
            } else {
                Out::Old(t)
            });
            t + 1
        }
        None => body.from,
    };
    // A new description without notes replaces the whole notes section too (what was no note
    // in it was description), so that the description is all that is left.
    let heading = body
        .heading
        .filter(|_| !(description_changed && new.notes.is_empty()));
    let heading_follows = heading.is_some() || !new.notes.is_empty();
    if description_changed {
        out.extend(
            description_lines(&new.description, heading_follows, body.title.is_none())
                .into_iter()
                .map(Out::New),
        );
    } else {
        let region = start..body.heading.unwrap_or(len);
        out.extend(region.clone().map(Out::Old));
        // A `## Notes` added after the description needs a blank line before it; when the
        // description already ends with one, that line (dropped on reading) serves.
        let ends_blank = drop_leading_blank(&lines[region])
            .last()
            .is_some_and(|l| is_blank(l));
        if body.heading.is_none() && heading_follows && !ends_blank {
            out.push(new_line(""));
        }
    }
    let Some(h) = heading else {
        if !new.notes.is_empty() {
            out.extend([new_line(NOTES_HEADING), new_line("")]);
            push_notes(&mut out, &new.notes, style);
        }
        return Some(out);
    };
    if !notes_changed && !description_changed {
        out.extend((h..len).map(Out::Old));
        return Some(out);
    }
    out.push(Out::Old(h));
    let note_parts: Vec<usize> = (0..body.parts.len())
        .filter(|&k| body.parts[k].kind == Kind::Note)
        .collect();
    let kept = old
        .notes
        .iter()
        .zip(&new.notes)
        .take_while(|(a, b)| a == b)
        .count()
        .min(note_parts.len());
    // The parts kept: the first `kept` notes, and the text that is no note unless the
    // description changed (blank lines stay); then the new notes, at the end of the section,
    // where nothing follows that a code block left open in them could hide.
    let mut segs: Vec<Seg> = Vec::new();
    for (k, p) in body.parts.iter().enumerate() {
        let keep = match p.kind {
            Kind::Note => note_parts
                .iter()
                .position(|&n| n == k)
                .is_some_and(|i| i < kept),
            Kind::Text => !description_changed || lines[p.start..p.end].iter().all(|l| is_blank(l)),
        };
        if keep {
            segs.push(Seg::Old(k));
        }
    }
    if new.notes.len() > kept {
        segs.push(Seg::New);
    }
    for (k, seg) in segs.iter().enumerate() {
        let follows = k + 1 < segs.len();
        match *seg {
            Seg::Old(i) => {
                let p = &body.parts[i];
                let end = if p.kind == Kind::Note && p.sep && !follows {
                    p.end - 1
                } else {
                    p.end
                };
                out.extend((p.start..end).map(Out::Old));
                // A part followed by something new gets a blank line before it.
                let same_next = matches!(segs.get(k + 1), Some(Seg::Old(j)) if *j == i + 1);
                let needs_sep = match p.kind {
                    Kind::Note => !p.sep,
                    Kind::Text => !is_blank(lines[p.end - 1]),
                };
                if follows && !same_next && needs_sep {
                    out.push(new_line(""));
                }
            }
            Seg::New => {
                if k == 0 {
                    out.push(new_line(""));
                }
                push_notes(&mut out, &new.notes[kept..], style);
            }
        }
    }
    Some(out)
}

/// Writes notes one after the other, separated by blank lines.
fn push_notes(out: &mut Vec<Out>, notes: &[Note], style: Style) {
    for (i, n) in notes.iter().enumerate() {
        if i > 0 {
            out.push(Out::New(String::new()));
        }
        let style = match (style, n.author.as_deref()) {
            (Style::Tk, Some(a)) if !tk_author_fits(a) => Style::Ayo,
            _ => style,
        };
        out.extend(note_lines(n, style).into_iter().map(Out::New));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        let h = ayo_heading("### 2026-11-23T10:05:00Z @processor").unwrap();
        assert_eq!(fmt_ts(h.at), "2026-11-23T10:05:00Z");
        assert_eq!(h.author, Some("@processor"));
        assert_eq!(
            ayo_heading("### 2026-11-23T10:05:00Z").unwrap().author,
            None
        );
        assert_eq!(
            ayo_heading("### 2026-11-23T10:05:00Z  Jane Doe \r")
                .unwrap()
                .author,
            Some("Jane Doe")
        );
        assert_eq!(
            ayo_heading("### 2026-11-23 10:05 @bob").unwrap().author,
            Some("@bob")
        );
        assert!(ayo_heading("### Design").is_none());
        assert!(ayo_heading("###2026-11-23T10:05:00Z").is_none());
        assert!(ayo_heading("#### 2026-11-23T10:05:00Z").is_none());
        let tk = tk_heading("**2026-01-18T15:00:00Z**").unwrap();
        assert_eq!((tk.author, tk.inline), (None, None));
        let line = tk_heading("**2026-02-09T12:00:00Z** - Decided to ship").unwrap();
        assert_eq!(line.inline, Some("Decided to ship"));
        let date = tk_heading("**2026-04-01**").unwrap();
        assert_eq!(fmt_ts(date.at), "2026-04-01T00:00:00Z");
        let authored = tk_heading("**2026-01-18T15:00:00Z @w**").unwrap();
        assert_eq!(authored.author, Some("@w"));
        assert!(tk_heading("**bold**").is_none());
        assert!(tk_heading("**Completed**: 2026-02-06").is_none());
        assert!(is_notes_heading("## Notes"));
        assert!(is_notes_heading("## Notes \r"));
        assert!(!is_notes_heading("## Notes and more"));
        assert!(!is_notes_heading(" ## Notes"));
    }

    #[test]
    fn escaping() {
        let desc = Context::Description { headless: false };
        let cases = [
            ("## Notes", "\\## Notes"),
            ("\\## Notes", "\\\\## Notes"),
            ("\\\\## Notes", "\\\\\\## Notes"),
            ("## Notes!", "## Notes!"),
            ("\\plain", "\\plain"),
            ("\\", "\\"),
            ("", ""),
        ];
        for (text, written) in cases {
            assert_eq!(convert([text], desc, true)[0], written, "{text:?}");
            assert_eq!(convert([written], desc, false)[0], text, "{written:?}");
        }
        // Inside a code block, `## Notes` is text and is written as it is.
        let fenced = convert(["```", "## Notes", "```", "## Notes"], desc, true);
        assert_eq!(fenced, ["```", "## Notes", "```", "\\## Notes"]);
        for text in [
            "### 2026-01-01T00:00:00Z x",
            "**2026-01-01T00:00:00Z**",
            "**2026-01-01** - one line",
            "\\\\**2026-01-01T00:00:00Z**",
            "## References",
            "### not a date",
            "\\### not a date",
        ] {
            let written = &convert([text], Context::Note, true)[0];
            assert!(
                !is_note_heading(written) && !is_section_heading(written),
                "{written:?}"
            );
            assert_eq!(convert([written.as_ref()], Context::Note, false)[0], text);
        }
        assert_eq!(
            convert(["```", "## x", "```"], Context::Note, true),
            ["```", "## x", "```"]
        );
        let headless = Context::Description { headless: true };
        assert_eq!(
            convert(["", "# x", "# y"], headless, true),
            ["", "\\# x", "# y"]
        );
    }
}

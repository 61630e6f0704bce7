//! The markdown body: the title line, the description, the `## Notes` section and its notes,
//! the escaping of text lines that would read as structure, and writing them back.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use super::{Failure, Out, fmt_ts, parse_ts};
use crate::ticket::{Note, Ticket};

/// The heading that starts the notes section.
const NOTES_HEADING: &str = "## Notes";

/// How a note's heading is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `### <timestamp> [author]`, the text on the next lines.
    Ayo,
    /// `**<timestamp>**`, a blank line, the text.
    Tk,
}

/// A note's lines `start..end` (heading first), with what reading it found.
#[derive(Debug, Clone)]
struct Block {
    start: usize,
    end: usize,
    style: Style,
    /// A trailing blank line was dropped as the separator before the next note.
    sep: bool,
}

/// Where the parts of the body are (indices into the file's lines).
#[derive(Debug, Clone)]
pub(super) struct Body {
    title: usize,
    heading: Option<usize>,
    blocks: Vec<Block>,
}

/// The body's fields.
pub(super) struct BodyText {
    pub(super) title: String,
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

/// An ayo note heading: `### <RFC 3339>` and an optional author.
fn ayo_heading(line: &str) -> Option<(DateTime<Utc>, Option<&str>)> {
    let rest = line.strip_prefix("###")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start();
    let (ts, author) = match rest.find(char::is_whitespace) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest, ""),
    };
    let at = parse_ts(ts)?;
    Some((at, (!author.is_empty()).then_some(author)))
}

/// A tk note heading: `**<RFC 3339>**`.
fn tk_heading(line: &str) -> Option<DateTime<Utc>> {
    let inner = line.trim_end().strip_prefix("**")?.strip_suffix("**")?;
    parse_ts(inner)
}

/// A note heading of either style.
fn note_heading(line: &str) -> Option<(Style, DateTime<Utc>, Option<&str>)> {
    if line.starts_with("###") {
        ayo_heading(line).map(|(at, author)| (Style::Ayo, at, author))
    } else if line.starts_with("**") {
        tk_heading(line).map(|at| (Style::Tk, at, None))
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
fn escape(line: &str, structural: fn(&str) -> bool) -> Cow<'_, str> {
    if structural(line.trim_start_matches('\\')) {
        Cow::Owned(format!("\\{line}"))
    } else {
        Cow::Borrowed(line)
    }
}

/// The inverse of [`escape`].
fn unescape(line: &str, structural: fn(&str) -> bool) -> &str {
    match line.strip_prefix('\\') {
        Some(rest) if structural(line.trim_start_matches('\\')) => rest,
        _ => line,
    }
}

/// Joins text lines, unescaping each.
fn join(lines: &[&str], structural: fn(&str) -> bool) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(unescape(l, structural));
    }
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

/// Reads the body, `lines[from..]`.
pub(super) fn read(lines: &[&str], from: usize) -> Result<(Body, BodyText), Failure> {
    let len = lines.len();
    let title = (from..len)
        .find(|&i| lines[i].starts_with("# "))
        .ok_or_else(|| {
            Failure::at(
                from.min(len.saturating_sub(1)),
                "no title: the body needs a '# Title' line after the frontmatter",
            )
        })?;
    let title_text = &lines[title][2..];
    let title_text = title_text.trim_end_matches('\r');
    if title_text.trim().is_empty() {
        return Err(Failure::at(title, "the title is empty"));
    }
    let heading = (title + 1..len).find(|&i| is_notes_heading(lines[i]));
    let (region, _) = drop_trailing_blank(drop_leading_blank(
        &lines[title + 1..heading.unwrap_or(len)],
    ));
    let description = join(region, is_notes_heading);

    let mut heads = Vec::new();
    if let Some(h) = heading {
        for (i, line) in lines.iter().enumerate().skip(h + 1) {
            if let Some(found) = note_heading(line) {
                heads.push((i, found));
            }
        }
    }
    let mut blocks = Vec::with_capacity(heads.len());
    let mut notes = Vec::with_capacity(heads.len());
    for (k, &(start, (style, at, author))) in heads.iter().enumerate() {
        let last = k + 1 == heads.len();
        let end = if last { len } else { heads[k + 1].0 };
        let mut content = &lines[start + 1..end];
        if style == Style::Tk {
            content = drop_leading_blank(content);
        }
        let mut sep = false;
        if !last {
            (content, sep) = drop_trailing_blank(content);
        }
        notes.push(Note {
            at,
            author: author.map(str::to_string),
            text: join(content, is_note_heading),
        });
        blocks.push(Block {
            start,
            end,
            style,
            sep,
        });
    }
    Ok((
        Body {
            title,
            heading,
            blocks,
        },
        BodyText {
            title: title_text.to_string(),
            description,
            notes,
        },
    ))
}

/// The lines between the title and `## Notes` (or the end): a blank line and the escaped
/// description, then a blank line when `## Notes` follows or when the description's last line
/// is blank (reading drops one trailing blank line). An empty description is no lines, or one
/// blank line before `## Notes`.
fn description_lines(d: &str, heading_follows: bool) -> Vec<String> {
    if d.is_empty() {
        return if heading_follows {
            vec![String::new()]
        } else {
            Vec::new()
        };
    }
    let mut v = vec![String::new()];
    v.extend(
        d.split('\n')
            .map(|l| escape(l, is_notes_heading).into_owned()),
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
        (Style::Tk, None) => {
            v.push(format!("**{}**", fmt_ts(n.at)));
            v.push(String::new());
        }
        (_, Some(a)) => v.push(format!("### {} {}", fmt_ts(n.at), a.trim())),
        (_, None) => v.push(format!("### {}", fmt_ts(n.at))),
    }
    if !n.text.is_empty() {
        v.extend(
            n.text
                .split('\n')
                .map(|l| escape(l, is_note_heading).into_owned()),
        );
    }
    v
}

/// The body of a new file.
pub(super) fn write_new(t: &Ticket) -> Vec<String> {
    let mut v = vec![format!("# {}", t.title)];
    v.extend(description_lines(&t.description, !t.notes.is_empty()));
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

/// The body lines (`lines[from..]` of the previous file) with the title, description or notes
/// that differ between `old` and `new` rewritten; `None` when none differs.
///
/// Notes that `old` and `new` share as a common prefix keep their lines; the rest is written
/// after them (for the usual append, the previous bytes stay a prefix, plus a separator line).
pub(super) fn patch(
    lines: &[&str],
    body: &Body,
    from: usize,
    old: &Ticket,
    new: &Ticket,
) -> Option<Vec<Out>> {
    let title_changed = old.title != new.title;
    let description_changed = old.description != new.description;
    let notes_changed = old.notes != new.notes;
    if !(title_changed || description_changed || notes_changed) {
        return None;
    }
    let len = lines.len();
    let new_line = |s: &str| Out::New(s.to_string());
    let mut out: Vec<Out> = (from..body.title).map(Out::Old).collect();
    out.push(if title_changed {
        let eol = if lines[body.title].ends_with('\r') {
            "\r"
        } else {
            ""
        };
        Out::New(format!("# {}{eol}", new.title))
    } else {
        Out::Old(body.title)
    });
    let heading_follows = body.heading.is_some() || !new.notes.is_empty();
    if description_changed {
        out.extend(
            description_lines(&new.description, heading_follows)
                .into_iter()
                .map(Out::New),
        );
    } else {
        let region = body.title + 1..body.heading.unwrap_or(len);
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
    let Some(h) = body.heading else {
        if !new.notes.is_empty() {
            out.extend([new_line(NOTES_HEADING), new_line("")]);
            append_notes(&mut out, &new.notes, None);
        }
        return Some(out);
    };
    let preamble_end = body.blocks.first().map_or(len, |b| b.start);
    out.extend((h..preamble_end).map(Out::Old));
    if !notes_changed {
        out.extend((preamble_end..len).map(Out::Old));
        return Some(out);
    }
    let kept = old
        .notes
        .iter()
        .zip(&new.notes)
        .take_while(|(a, b)| a == b)
        .count()
        .min(body.blocks.len());
    if kept == 0 && !new.notes.is_empty() && preamble_end == h + 1 {
        out.push(new_line(""));
    }
    for (j, b) in body.blocks.iter().enumerate().take(kept) {
        let was_last = j + 1 == body.blocks.len();
        let now_last = j + 1 == new.notes.len();
        // A note that becomes the last one loses its separator line; the previous last note
        // gets one when notes follow it.
        let end = if now_last && !was_last && b.sep {
            b.end - 1
        } else {
            b.end
        };
        out.extend((b.start..end).map(Out::Old));
        if was_last && !now_last {
            out.push(new_line(""));
        }
    }
    let dialect = body.blocks.last().map(|b| b.style);
    append_notes(&mut out, &new.notes[kept..], dialect);
    Some(out)
}

/// Writes notes one after the other, separated by blank lines; an author-less note is written
/// in tk's style when the file's notes are (`dialect`).
fn append_notes(out: &mut Vec<Out>, notes: &[Note], dialect: Option<Style>) {
    for (i, n) in notes.iter().enumerate() {
        if i > 0 {
            out.push(Out::New(String::new()));
        }
        let style = dialect.unwrap_or(Style::Ayo);
        out.extend(note_lines(n, style).into_iter().map(Out::New));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        let (at, author) = ayo_heading("### 2026-11-23T10:05:00Z @processor").unwrap();
        assert_eq!(fmt_ts(at), "2026-11-23T10:05:00Z");
        assert_eq!(author, Some("@processor"));
        assert_eq!(ayo_heading("### 2026-11-23T10:05:00Z").unwrap().1, None);
        assert_eq!(
            ayo_heading("### 2026-11-23T10:05:00Z  Jane Doe \r")
                .unwrap()
                .1,
            Some("Jane Doe")
        );
        assert!(ayo_heading("### Design").is_none());
        assert!(ayo_heading("###2026-11-23T10:05:00Z").is_none());
        assert!(ayo_heading("#### 2026-11-23T10:05:00Z").is_none());
        assert!(tk_heading("**2026-01-18T15:00:00Z**").is_some());
        assert!(tk_heading("**2026-01-18T15:00:00Z** x").is_none());
        assert!(tk_heading("**bold**").is_none());
        assert!(is_notes_heading("## Notes"));
        assert!(is_notes_heading("## Notes \r"));
        assert!(!is_notes_heading("## Notes and more"));
        assert!(!is_notes_heading(" ## Notes"));
    }

    #[test]
    fn escaping() {
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
            assert_eq!(escape(text, is_notes_heading), written, "{text:?}");
            assert_eq!(unescape(written, is_notes_heading), text, "{written:?}");
        }
        for text in [
            "### 2026-01-01T00:00:00Z x",
            "**2026-01-01T00:00:00Z**",
            "\\\\**2026-01-01T00:00:00Z**",
            "### not a date",
            "\\### not a date",
        ] {
            let written = escape(text, is_note_heading);
            assert!(!is_note_heading(&written), "{written:?}");
            assert_eq!(unescape(&written, is_note_heading), text);
        }
        assert_eq!(
            escape("### 2026-01-01T00:00:00Z", is_note_heading),
            "\\### 2026-01-01T00:00:00Z"
        );
        assert_eq!(escape("### not a date", is_note_heading), "### not a date");
    }
}

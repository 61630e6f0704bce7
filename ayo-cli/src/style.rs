//! Colour for human output: only on a terminal (or with `--color always`), never with
//! `NO_COLOR`.

use crate::args::ColorWhen;

/// What a piece of text is, which picks its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paint {
    /// A ticket id.
    Id,
    /// The status `open`.
    Open,
    /// The status `in_progress`.
    InProgress,
    /// The status `closed`.
    Closed,
    /// "blocked by ...".
    Blocked,
    /// An agent handle.
    Agent,
    /// Secondary text: times, tree lines, empty values.
    Dim,
    /// A heading.
    Heading,
    /// `error:`.
    Error,
    /// `warning:`.
    Warning,
}

impl Paint {
    /// The status's paint.
    pub(crate) fn status(status: &ayo_tickets::Status) -> Paint {
        match status {
            ayo_tickets::Status::Open => Paint::Open,
            ayo_tickets::Status::InProgress => Paint::InProgress,
            ayo_tickets::Status::Closed => Paint::Closed,
            ayo_tickets::Status::Other(_) => Paint::Warning,
        }
    }

    fn sgr(self) -> &'static str {
        match self {
            Paint::Id => "33",
            Paint::Open => "32",
            Paint::InProgress => "36",
            Paint::Closed | Paint::Dim => "2",
            Paint::Blocked => "31",
            Paint::Agent => "35",
            Paint::Heading => "1",
            Paint::Error => "1;31",
            Paint::Warning => "1;33",
        }
    }
}

/// Whether to colour, decided once per stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    on: bool,
}

impl Style {
    /// Colour for a stream: `--color`, else when it is a terminal; never with `NO_COLOR`.
    pub(crate) fn new(when: ColorWhen, is_terminal: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let on = !no_color
            && match when {
                ColorWhen::Always => true,
                ColorWhen::Never => false,
                ColorWhen::Auto => {
                    is_terminal && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                }
            };
        Style { on }
    }

    /// True when colour is on.
    pub(crate) fn colours(&self) -> bool {
        self.on
    }

    /// Appends the text to `out`, coloured when colour is on (as [`Style::paint`] gives it).
    pub(crate) fn paint_into(&self, paint: Paint, text: &str, out: &mut String) {
        if self.on && !text.is_empty() {
            self.start(paint, out);
            out.push_str(text);
            self.end(out);
        } else {
            out.push_str(text);
        }
    }

    /// Appends the start of `paint`'s colour when colour is on (for non-empty text that
    /// [`Style::end`] closes).
    pub(crate) fn start(&self, paint: Paint, out: &mut String) {
        if self.on {
            out.push_str("\x1b[");
            out.push_str(paint.sgr());
            out.push('m');
        }
    }

    /// Appends the end of a colour when colour is on.
    pub(crate) fn end(&self, out: &mut String) {
        if self.on {
            out.push_str("\x1b[0m");
        }
    }

    /// The text, coloured when colour is on.
    pub(crate) fn paint(&self, paint: Paint, text: &str) -> String {
        if self.on && !text.is_empty() {
            format!("\x1b[{}m{text}\x1b[0m", paint.sgr())
        } else {
            text.to_string()
        }
    }
}

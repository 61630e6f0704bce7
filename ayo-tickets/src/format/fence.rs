//! Fenced code blocks (CommonMark): a line of three or more backticks or tildes, indented at
//! most three spaces, opens one; a line of at least as many of the same character, with
//! nothing after them, closes it; one left open runs to the end of its text. Headings inside
//! one are text.

/// Where a scan of lines is: outside any code block, or inside one opened by `len` of `ch`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Fence {
    open: Option<(u8, usize)>,
}

/// The fence a line is made of, if it is one: its character, its length, and whether text
/// follows it (an opening fence may have an info string; a closing one may not).
fn fence_of(line: &str) -> Option<(u8, usize, bool)> {
    let t = line.trim_end_matches('\r');
    let indent = t.len() - t.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let t = &t[indent..];
    let ch = *t.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = t.bytes().take_while(|&b| b == ch).count();
    if len < 3 {
        return None;
    }
    let rest = &t[len..];
    // A backtick fence's info string may not hold a backtick.
    if ch == b'`' && rest.contains('`') {
        return None;
    }
    Some((ch, len, !rest.trim().is_empty()))
}

impl Fence {
    /// True when the scan is inside a code block.
    pub(super) fn inside(&self) -> bool {
        self.open.is_some()
    }

    /// Moves past `line`; true when the line is code (a fence line, or inside a block), so
    /// that it cannot be structure.
    pub(super) fn step(&mut self, line: &str) -> bool {
        match (self.open, fence_of(line)) {
            (None, Some((ch, len, _))) => {
                self.open = Some((ch, len));
                true
            }
            (Some((ch, len)), Some((c, l, false))) if c == ch && l >= len => {
                self.open = None;
                true
            }
            (Some(_), _) => true,
            (None, None) => false,
        }
    }

    /// True when `lines`, scanned from outside a block, leave one open.
    pub(super) fn left_open<'a>(lines: impl IntoIterator<Item = &'a str>) -> bool {
        let mut f = Fence::default();
        for l in lines {
            f.step(l);
        }
        f.inside()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks() {
        let mut f = Fence::default();
        let code: Vec<bool> = ["a", "```rust", "## Notes", "``", "````", "b", "~~~", "x"]
            .iter()
            .map(|l| f.step(l))
            .collect();
        assert_eq!(code, [false, true, true, true, true, false, true, true]);
        assert!(f.inside());
        assert!(!Fence::left_open(["``` x", "``` y", "```"]));
        assert!(Fence::left_open(["```", "``` y"]));
        assert!(!Fence::left_open(["    ```", "``x``"]));
        assert!(!Fence::left_open(["```a`b"]));
    }
}

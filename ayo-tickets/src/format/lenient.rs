//! Values other tools write that ayo-tickets reads as its own: dates without a time, priority
//! words, and the remark `check` makes about each ([`Remark`]).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;

/// A value in a file that is read as something else than it says: a status word mapped to a
/// state (`done` → `closed`) or kept as another status (`deferred`), a priority word (`P1`,
/// `high`), a date without a time. The file keeps its own text until the field is changed;
/// `check` names each one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remark {
    /// The 1-based line of the file.
    pub line: usize,
    /// The frontmatter key, as written.
    pub field: String,
    /// The value as written.
    pub written: String,
    /// What it is read as, as the JSON shape shows it (`closed`, `1`, `2026-02-24T00:00:00Z`,
    /// or the other status word itself).
    pub read_as: String,
    /// What that means, in words.
    pub message: String,
}

/// A time as written by another tool, read in UTC: an RFC 3339 time; a date alone
/// (`2026-02-24`, midnight UTC); a date and a time without a zone (`2026-02-24T10:00`,
/// `2026-02-24 10:00:00`). Also says whether it was RFC 3339.
pub(super) fn read_when(s: &str) -> Option<(DateTime<Utc>, bool)> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some((t.with_timezone(&Utc), true));
    }
    if s.len() < 10 || !s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return None; // not a date: one cheap test for the usual word
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some((d.and_hms_opt(0, 0, 0)?.and_utc(), false));
    }
    const NAIVE: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    NAIVE
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|t| (t.and_utc(), false))
}

/// A priority word: `P0` to `P4` (any case), `critical` (0), `high` (1), `medium` (2), `low`
/// (3).
pub(super) fn priority_word(s: &str) -> Option<u8> {
    let w = s.trim().to_ascii_lowercase();
    match w.as_str() {
        "critical" => Some(0),
        "high" => Some(1),
        "medium" => Some(2),
        "low" => Some(3),
        _ => match w.strip_prefix('p')?.parse::<u8>() {
            Ok(n @ 0..=4) if w.len() == 2 => Some(n),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        let (t, standard) = read_when("2026-02-24").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-02-24T00:00:00+00:00");
        assert!(!standard);
        assert!(read_when("2026-02-24T10:00:00Z").unwrap().1);
        assert_eq!(
            read_when("2026-02-24 10:30").unwrap().0.to_rfc3339(),
            "2026-02-24T10:30:00+00:00"
        );
        assert_eq!(
            read_when("2026-02-24T10:30:05.5").unwrap().0.to_rfc3339(),
            "2026-02-24T10:30:05.500+00:00"
        );
        for bad in ["yesterday", "2026-13-01", "2026", "", "20260224"] {
            assert!(read_when(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn priorities() {
        assert_eq!(priority_word("P1"), Some(1));
        assert_eq!(priority_word("p4"), Some(4));
        assert_eq!(priority_word("High"), Some(1));
        assert_eq!(priority_word("critical"), Some(0));
        assert_eq!(priority_word("low"), Some(3));
        for bad in ["P5", "P", "P01", "urgent", "1"] {
            assert_eq!(priority_word(bad), None, "{bad}");
        }
    }
}

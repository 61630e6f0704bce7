//! A moment given as text, as `defer` takes it: an RFC 3339 time, or a duration from now
//! (`90s`, `30m`, `2h`, `3d`).

use chrono::{DateTime, Duration, SubsecRound, Utc};

use crate::error::{Error, Result};

/// The moment `text` names, read at `now`: an RFC 3339 time (`2026-12-24T09:00:00Z`, any
/// offset), or a whole number of seconds, minutes, hours or days from `now` (`90s`, `30m`,
/// `2h`, `3d`), kept to the millisecond. Anything else is [`Error::Invalid`].
///
/// ```
/// use ayo_tickets::when_from_text_at;
/// let now = "2026-12-01T10:00:00Z".parse().unwrap();
/// assert_eq!(when_from_text_at("2h", now)?.to_rfc3339(), "2026-12-01T12:00:00+00:00");
/// assert_eq!(when_from_text_at("2026-12-24T09:00:00+01:00", now)?.to_rfc3339(), "2026-12-24T08:00:00+00:00");
/// assert_eq!(when_from_text_at("soon", now).unwrap_err().code(), "INVALID");
/// # Ok::<(), ayo_tickets::Error>(())
/// ```
pub fn when_from_text_at(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        let at = at.with_timezone(&Utc).trunc_subsecs(3);
        return match chrono::Datelike::year(&at) {
            0..=9999 => Ok(at),
            _ => Err(bad(text)),
        };
    }
    let length = length(t).ok_or_else(|| bad(text))?;
    now.trunc_subsecs(3)
        .checked_add_signed(length)
        .filter(|at| chrono::Datelike::year(at) <= 9999)
        .ok_or_else(|| bad(text))
}

/// [`when_from_text_at`] read now.
pub fn when_from_text(text: &str) -> Result<DateTime<Utc>> {
    when_from_text_at(text, Utc::now())
}

/// A whole number of seconds, minutes, hours or days (`90s`, `30m`, `2h`, `3d`).
fn length(t: &str) -> Option<Duration> {
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: i64 = digits.parse().ok()?;
    match unit {
        "s" => Duration::try_seconds(n),
        "m" => Duration::try_minutes(n),
        "h" => Duration::try_hours(n),
        "d" => Duration::try_days(n),
        _ => None,
    }
}

/// A length of time as `archive --older-than` takes it: a whole number of seconds, minutes,
/// hours or days (`90s`, `30m`, `2h`, `3d`), the durations of [`when_from_text`]. Anything
/// else is [`Error::Invalid`].
///
/// ```
/// use ayo_tickets::duration_from_text;
/// assert_eq!(duration_from_text("3d")?.as_secs(), 3 * 86400);
/// assert_eq!(duration_from_text("3 weeks").unwrap_err().code(), "INVALID");
/// # Ok::<(), ayo_tickets::Error>(())
/// ```
pub fn duration_from_text(text: &str) -> Result<std::time::Duration> {
    length(text.trim())
        .and_then(|d| d.to_std().ok())
        .ok_or_else(|| {
            Error::invalid(format!(
                "'{}' is not a duration: give a whole number of seconds, minutes, hours or days \
                 such as 90s, 30m, 2h or 3d",
                crate::ticket::printable(text)
            ))
        })
}

fn bad(text: &str) -> Error {
    Error::invalid(format!(
        "'{}' is not a time: give an RFC 3339 time such as 2026-12-24T09:00:00Z, or a duration \
         from now such as 90s, 30m, 2h or 3d",
        crate::ticket::printable(text)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_times() {
        let now: DateTime<Utc> = "2026-12-01T10:00:00.123456Z".parse().unwrap();
        let at = |s: &str| when_from_text_at(s, now).map(|t| t.to_rfc3339());
        assert_eq!(at("90s").unwrap(), "2026-12-01T10:01:30.123+00:00");
        assert_eq!(at(" 30m ").unwrap(), "2026-12-01T10:30:00.123+00:00");
        assert_eq!(at("3d").unwrap(), "2026-12-04T10:00:00.123+00:00");
        assert_eq!(at("0s").unwrap(), "2026-12-01T10:00:00.123+00:00");
        assert_eq!(
            at("2026-12-24T09:00:00Z").unwrap(),
            "2026-12-24T09:00:00+00:00"
        );
        for wrong in [
            "",
            "s",
            "2",
            "-1h",
            "1.5h",
            "2w",
            "h2",
            "1 h",
            "99999999999999d",
            "tomorrow",
        ] {
            assert_eq!(at(wrong).unwrap_err().code(), "INVALID", "{wrong:?}");
        }
    }
}

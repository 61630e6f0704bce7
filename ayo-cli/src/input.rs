//! Turning command-line text into the core's values: `-` for stdin, seconds, statuses,
//! comma-separated lists. The core checks every value; these only convert.

use std::io::Read;
use std::time::Duration;

use ayo_tickets::{Error, GraphFormat, Status};

/// The text itself, or all of stdin when it is `-` (without its final line break).
pub(crate) fn text_or_stdin(text: &str) -> Result<String, Error> {
    if text != "-" {
        return Ok(text.to_string());
    }
    let mut buf = String::new();
    std::io::stdin()
        .read_to_string(&mut buf)
        .map_err(|e| Error::invalid(format!("cannot read stdin: {e}")))?;
    let end = buf.trim_end_matches(['\n', '\r']).len();
    buf.truncate(end);
    Ok(buf)
}

/// A comma-separated list, without empty items (so `--tags ''` is the empty list).
pub(crate) fn list(items: &[String]) -> Vec<String> {
    items
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A timeout in seconds, possibly fractional (`--timeout 0.5`); `inf`, or one too long for any
/// clock, waits forever.
pub(crate) fn seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number of seconds"))?;
    match ayo_tickets::timeout_from_secs(secs) {
        Ok(t) => Ok(t.unwrap_or(Duration::MAX)),
        Err(_) => Err(format!("'{s}' is not a number of seconds")),
    }
}

/// A lease in whole seconds, checked by the core (the same message as Python's and Node's).
pub(crate) fn lease(s: &str) -> Result<u64, String> {
    ayo_tickets::lease_from_text(s).map_err(|e| e.to_string())
}

/// A status, by the core's names.
pub(crate) fn status(s: &str) -> Result<Status, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

/// A graph format, by the core's names.
pub(crate) fn graph_format(s: &str) -> Result<GraphFormat, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_commas_and_drop_empties() {
        let got = list(&["a,b".into(), " c ".into(), String::new()]);
        assert_eq!(got, ["a", "b", "c"]);
        assert!(list(&[String::new()]).is_empty());
    }

    #[test]
    fn seconds_take_fractions_and_refuse_the_rest() {
        assert_eq!(seconds("1.5").unwrap(), Duration::from_millis(1500));
        assert_eq!(seconds("0").unwrap(), Duration::ZERO);
        assert!(seconds("-1").is_err());
        assert!(seconds("soon").is_err());
        assert!(seconds("NaN").is_err());
        // Forever: infinity, and any timeout past what a clock holds.
        assert_eq!(seconds("inf").unwrap(), Duration::MAX);
        assert_eq!(seconds("1e300").unwrap(), Duration::MAX);
    }

    #[test]
    fn leases_are_whole_seconds_checked_by_the_core() {
        assert_eq!(lease("300").unwrap(), 300);
        for bad in ["0", "1.5", "-1", "soon"] {
            let e = lease(bad).unwrap_err();
            assert!(
                e.contains("lease must be a whole number of seconds, at least 1"),
                "{e}"
            );
        }
        assert!(lease("soon").unwrap_err().contains("'soon'"));
    }

    #[test]
    fn statuses_and_formats_use_the_core_names() {
        assert_eq!(status("in_progress").unwrap(), Status::InProgress);
        assert!(status("blocked").unwrap_err().contains("blocked"));
        assert_eq!(graph_format("dot").unwrap(), GraphFormat::Dot);
        assert!(graph_format("svg").is_err());
    }
}

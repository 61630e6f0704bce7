//! The conformance table (`ayo-tickets/tests/conformance/cases.json`) for the Rust runners (the
//! core's and the CLI's): the cases, the loop that runs them in a fresh directory each, and the
//! matcher of expected results. Python and Node read the same file with runners of their own.

use std::path::Path;

use serde_json::Value;

/// The table, as every runner reads it.
pub const CASES: &str = include_str!("../../ayo-tickets/tests/conformance/cases.json");

/// One front end's way to run an operation of the table.
pub trait Runner {
    /// Runs `op` with `args` (in the contract's names) on the directory store in `dir`, opened
    /// with the `open` options (`actor`, `lease`; `Value::Null` for none). `op` `"open"` only
    /// opens, and answers null. The result comes as the contract's JSON; an error as the
    /// contract's error object (`code` and the fields). With `interrupt_after`, a wait is
    /// interrupted after that many seconds.
    fn run(
        &mut self,
        dir: &Path,
        open: &Value,
        op: &str,
        args: &Value,
        interrupt_after: Option<f64>,
    ) -> Result<Value, Value>;
}

/// Runs every case of the table that `front_end` does not skip; returns the number run and
/// one line per failure.
pub fn run_table(front_end: &str, runner: &mut dyn Runner) -> (usize, Vec<String>) {
    let table: Value = serde_json::from_str(CASES).expect("cases.json is JSON");
    let cases = table["cases"].as_array().expect("a list of cases");
    assert!(cases.len() > 50, "the table lost its cases");
    let mut run = 0;
    let mut failures = Vec::new();
    for case in cases {
        if case.get("skip").and_then(|s| s.get(front_end)).is_some() {
            continue;
        }
        run += 1;
        if let Err(e) = run_case(case, runner) {
            failures.push(format!("{}: {e}", case["name"]));
        }
    }
    (run, failures)
}

/// Runs one case in a fresh directory; `Err` says how it failed.
fn run_case(case: &Value, runner: &mut dyn Runner) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (name, text) in case
        .get("files")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        std::fs::write(dir.path().join(name), text.as_str().unwrap_or_default())
            .map_err(|e| e.to_string())?;
    }
    let open = case.get("open").unwrap_or(&Value::Null);
    for step in case
        .get("setup")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let op = step["op"].as_str().unwrap_or_default();
        runner
            .run(dir.path(), open, op, &step["args"], None)
            .map_err(|e| format!("setup step {op} {} failed: {e}", step["args"]))?;
    }
    let op = case["op"].as_str().unwrap_or_default();
    let interrupt_after = case.get("interrupt_after").and_then(Value::as_f64);
    let outcome = if op == "open" {
        runner.run(dir.path(), &case["args"], "open", &Value::Null, None)
    } else {
        runner.run(dir.path(), open, op, &case["args"], interrupt_after)
    };
    match (case.get("error"), outcome) {
        (Some(expected), Err(e)) => matches(expected, &e, "error"),
        (Some(expected), Ok(got)) => Err(format!("expected the error {expected}, got {got}")),
        (None, Ok(got)) => matches(&case["result"], &got, "result"),
        (None, Err(e)) => Err(format!("expected a result, got the error {e}")),
    }
}

/// Whether `got` has what `expected` asks for: an object the keys given, a list the same length
/// and items, `"*"` any value but null, `{"starts_with", "contains"}` for a text.
pub fn matches(expected: &Value, got: &Value, at: &str) -> Result<(), String> {
    let fail = || Err(format!("at {at}: expected {expected}, got {got}"));
    match (expected, got) {
        (Value::String(s), g) if s == "*" => {
            if g.is_null() {
                fail()
            } else {
                Ok(())
            }
        }
        (Value::Object(e), Value::String(text)) if e.contains_key("starts_with") => {
            let starts = e["starts_with"].as_str().unwrap_or_default();
            let all = e
                .get("contains")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .all(|c| text.contains(c.as_str().unwrap_or_default()));
            if text.starts_with(starts) && all {
                Ok(())
            } else {
                fail()
            }
        }
        (Value::Object(e), Value::Object(g)) => {
            for (k, v) in e {
                matches(v, g.get(k).unwrap_or(&Value::Null), &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(g)) => {
            if e.len() != g.len() {
                return fail();
            }
            for (i, (e, g)) in e.iter().zip(g).enumerate() {
                matches(e, g, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Number(e), Value::Number(g)) if e.as_f64() == g.as_f64() => Ok(()),
        (e, g) if e == g => Ok(()),
        _ => fail(),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;
    use serde_json::json;

    /// A subset matches; a wrong value, a missing key, a wrong length or a null for "*" do not.
    #[test]
    fn the_matcher_tells_a_match_from_a_miss() {
        let got = json!({"id": "a", "deps": ["b"], "lease_until": null});
        assert!(matches(&json!({"id": "a"}), &got, "").is_ok());
        assert!(matches(&json!({"id": "b"}), &got, "").is_err());
        assert!(matches(&json!({"deps": []}), &got, "").is_err());
        assert!(matches(&json!({"lease_until": "*"}), &got, "").is_err());
        assert!(matches(&json!({"title": "x"}), &got, "").is_err());
        let text = json!("graph TD\n  b --> a");
        let drawn = json!({"starts_with": "graph", "contains": ["-->"]});
        assert!(matches(&drawn, &text, "").is_ok());
        assert!(matches(&json!({"starts_with": "digraph"}), &text, "").is_err());
    }
}

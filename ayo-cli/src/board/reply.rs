//! Answers: the core's results as JSON, its errors as `{"error": {...}}` (the CLI's `--json`
//! error object) with an HTTP status, and core calls run off the async thread.

use std::sync::Arc;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ayo_tickets::{Error, Tickets};
use serde_json::{Value, json};

/// What a handler answers: a JSON value, or the core's error.
pub(super) type Answer = Result<Value, Error>;

/// Runs a core call on the blocking pool (the store does file and database I/O) and answers.
pub(super) async fn call<F>(tickets: &Arc<Tickets>, f: F) -> Response
where
    F: FnOnce(&Tickets) -> Answer + Send + 'static,
{
    let tickets = Arc::clone(tickets);
    let answer = tokio::task::spawn_blocking(move || f(&tickets))
        .await
        .unwrap_or_else(|e| Err(Error::storage(format!("the board's call failed: {e}"))));
    respond(answer)
}

/// The HTTP response of an answer.
pub(super) fn respond(answer: Answer) -> Response {
    match answer {
        Ok(value) => json_response(StatusCode::OK, &value),
        Err(e) => json_response(status(&e), &json!({ "error": e.to_json() })),
    }
}

/// A JSON body with this status; never cached (the board changes).
pub(super) fn json_response(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        value.to_string(),
    )
        .into_response()
}

/// The HTTP status of a core error.
fn status(e: &Error) -> StatusCode {
    match e.code() {
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "INVALID" => StatusCode::BAD_REQUEST,
        "AMBIGUOUS" | "EXISTS" | "CYCLE" | "INVALID_TRANSITION" | "BLOCKED" | "CONFLICT" => {
            StatusCode::CONFLICT
        }
        "BUSY" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A value in its JSON shape (the CLI's `--json`).
pub(super) fn shape<T: serde::Serialize>(value: &T) -> Answer {
    serde_json::to_value(value).map_err(|e| Error::storage(format!("cannot encode JSON: {e}")))
}

/// The value of `key` in a query string (`a=1&b=x%20y`), decoded; an empty value is none.
pub(super) fn query_value(query: Option<&str>, key: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k != key {
            return None;
        }
        let v = v.replace('+', " ");
        let v = percent_encoding::percent_decode_str(&v).decode_utf8_lossy();
        Some(v.trim().to_string()).filter(|v| !v.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values() {
        let q = Some("assignee=%40validator&tag=q1+finance&empty=");
        assert_eq!(query_value(q, "assignee").as_deref(), Some("@validator"));
        assert_eq!(query_value(q, "tag").as_deref(), Some("q1 finance"));
        assert_eq!(query_value(q, "empty"), None);
        assert_eq!(query_value(q, "none"), None);
        assert_eq!(query_value(None, "tag"), None);
    }

    #[test]
    fn statuses() {
        let nf = Error::NotFound { id: "x".into() };
        assert_eq!(status(&nf), StatusCode::NOT_FOUND);
        assert_eq!(status(&Error::invalid("bad")), StatusCode::BAD_REQUEST);
        assert_eq!(
            status(&Error::storage("disk")),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}

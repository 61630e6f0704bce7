//! Tool results: the core's answers in the contract's JSON shapes (the CLI's `--json`), and its
//! errors as results with `isError` that carry the contract's code, message and fields.
//!
//! MCP's structured content is a JSON object, so the lists the CLI prints as arrays come
//! wrapped: `{"tickets": [...]}` (list, ready, blocked) and `{"entries": [...]}` (log). A claim
//! or wait that found nothing is `{"ticket": null}`. Every result also carries its JSON as text.

use std::sync::Arc;

use ayo_tickets::{Error, Ticket, Tickets};
use rmcp::ErrorData;
use rmcp::model::CallToolResult;
use serde::Serialize;
use serde_json::{Value, json};

use super::AyoMcp;

/// What a tool answers: a JSON object, or the core's error.
pub(super) type Answer = Result<Value, Error>;

/// A value in its JSON shape, the same as the CLI prints with `--json`.
pub(super) fn shape<T: Serialize>(value: &T) -> Answer {
    serde_json::to_value(value).map_err(|e| Error::storage(format!("cannot encode JSON: {e}")))
}

/// A list of tickets: `{"tickets": [...]}`.
pub(super) fn tickets(list: &[Ticket]) -> Answer {
    Ok(json!({ "tickets": shape(&list)? }))
}

/// A ticket a claim or wait found: the ticket, or `{"ticket": null}` for none.
pub(super) fn found(ticket: Option<Ticket>) -> Answer {
    match ticket {
        Some(t) => shape(&t),
        None => Ok(json!({ "ticket": null })),
    }
}

/// The tool result of an answer: the object as structured content and as text, or the error
/// `{"error": {"code", "message", ...}}` with `isError`.
pub(super) fn result(answer: Answer) -> CallToolResult {
    match answer {
        Ok(value) => CallToolResult::structured(value),
        Err(e) => CallToolResult::structured_error(error(e)),
    }
}

/// The JSON of a core error: `{"error": {"code", "message", ...fields}}`, as the CLI prints it.
pub(super) fn error(e: Error) -> Value {
    json!({ "error": e.to_json() })
}

impl AyoMcp {
    /// Runs a core call on the blocking pool (the store does file and database I/O) and turns
    /// its answer into a tool result. A call that panics is an internal error; the server goes
    /// on serving.
    pub(super) async fn call<F>(&self, f: F) -> Result<CallToolResult, ErrorData>
    where
        F: FnOnce(&Tickets) -> Answer + Send + 'static,
    {
        let tickets = Arc::clone(&self.tickets);
        match tokio::task::spawn_blocking(move || f(&tickets)).await {
            Ok(answer) => Ok(result(answer)),
            Err(e) => Err(ErrorData::internal_error(
                format!("the call failed: {e}"),
                None,
            )),
        }
    }

    /// The agent a call names, else the server's actor (`--actor` / `$AYO_AGENT`).
    pub(super) fn agent(tickets: &Tickets, agent: Option<String>) -> Result<String, Error> {
        agent
            .or_else(|| tickets.actor().map(str::to_string))
            .ok_or_else(|| {
                Error::invalid("no agent: pass `agent`, or start `ayo mcp` with --actor")
            })
    }
}

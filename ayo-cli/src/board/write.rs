//! `POST /api/tickets/{id}/{action}`, only with `--write`: note, assign, start, release,
//! close and reopen, each as the agent the request names.
//!
//! The body is JSON (`Content-Type: application/json`, which a page of another site cannot
//! send without the browser asking first, and this server never says yes): `actor` (required:
//! who acts, for the notes and the audit log) and the action's own fields: `text` (note),
//! `agent` (assign; none clears; start, release: default the actor), `reason` (close). The
//! answer is the ticket, or `{"ticket", "unblocked"}` for close.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use ayo_tickets::{Error, Tickets};
use serde::Deserialize;
use serde_json::json;

use super::Board;
use super::reply::{call, json_response, respond, shape};

/// The actions a write may name.
const ACTIONS: [&str; 6] = ["note", "assign", "start", "release", "close", "reopen"];

/// The fields a write may carry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WriteBody {
    actor: Option<String>,
    text: Option<String>,
    agent: Option<String>,
    reason: Option<String>,
}

/// Runs one write.
pub(super) async fn write(
    State(board): State<Board>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !board.write {
        let e = json!({"error": {"code": "READ_ONLY",
            "message": "this board only reads; start it with --write to allow changes"}});
        return json_response(StatusCode::FORBIDDEN, &e);
    }
    if !ACTIONS.contains(&action.as_str()) {
        return super::routes::not_found().await;
    }
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json_type {
        return respond(Err(Error::invalid(
            "a write's body is JSON (application/json)",
        )));
    }
    let body: WriteBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return respond(Err(Error::invalid(format!("a write's body: {e}")))),
    };
    let Some(actor) = body.actor.clone().filter(|a| !a.trim().is_empty()) else {
        return respond(Err(Error::invalid(
            "name who acts: {\"actor\": \"@name\", ...}",
        )));
    };
    call(&board.tickets, move |shared| {
        let tickets =
            Tickets::with_store(shared.store().clone())?.with_actor(Some(actor.as_str()))?;
        act(&tickets, &id, &action, body)
    })
    .await
}

/// One action on a ticket, as the handle's actor.
fn act(t: &Tickets, id: &str, action: &str, body: WriteBody) -> super::reply::Answer {
    let agent = body.agent.as_deref();
    let actor = t.actor();
    match action {
        "note" => {
            let text = body.text.unwrap_or_default();
            shape(&t.note(id, &text)?)
        }
        "assign" => shape(&t.assign(id, agent)?),
        "start" => shape(&t.start(id, agent.or(actor), false)?),
        "release" => shape(&t.release(id, agent.or(actor))?),
        "close" => shape(&t.close(id, body.reason.as_deref())?),
        "reopen" => shape(&t.reopen(id)?),
        other => Err(Error::invalid(format!(
            "no action '{other}': {}",
            ACTIONS.join(", ")
        ))),
    }
}

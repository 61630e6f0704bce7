//! The paths the board serves; anything else is 404. Every request passes the `Host` guard
//! first (`host.rs`).
//!
//! | path | answer |
//! |---|---|
//! | `GET /`, `/board.css`, `/board.js` | the page |
//! | `GET /api/board?assignee=&tag=` | the four columns of cards (`columns.rs`) |
//! | `GET /api/graph?focus=ID` | the graph, laid out (`graph.rs`) |
//! | `GET /api/tickets/{id}` | `{ticket, history, dependents}`: the ticket, its audit log, who waits for it |
//! | `GET /api/events` | the changes, as Server-Sent Events (`events.rs`) |
//! | `GET /api/info` | `{write, version}` |
//! | `POST /api/tickets/{id}/{action}` | a write, with `--write` only (`write.rs`) |

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use ayo_tickets::DepGraph;
use serde_json::json;

use super::reply::{call, json_response, query_value, shape};
use super::{Board, assets, columns, events, graph, host, write};

/// The board's routes, guarded.
pub(super) fn router(board: Board, bound: SocketAddr) -> Router {
    Router::new()
        .route("/", get(assets::index))
        .route("/board.css", get(assets::css))
        .route("/board.js", get(assets::js))
        .route("/api/info", get(info))
        .route("/api/board", get(board_columns))
        .route("/api/graph", get(dep_graph))
        .route("/api/tickets/{id}", get(ticket))
        .route("/api/tickets/{id}/{action}", post(write::write))
        .route("/api/events", get(events::events))
        .fallback(not_found)
        .with_state(board)
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            host::guard(bound, request, next)
        }))
}

/// 404, for any path the board does not serve.
pub(super) async fn not_found() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &json!({"error": {"code": "NOT_FOUND", "message": "no such page"}}),
    )
}

/// `GET /api/info`.
async fn info(State(board): State<Board>) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"write": board.write, "version": env!("CARGO_PKG_VERSION")}),
    )
}

/// `GET /api/board`.
async fn board_columns(State(board): State<Board>, RawQuery(query): RawQuery) -> Response {
    let assignee = query_value(query.as_deref(), "assignee");
    let tag = query_value(query.as_deref(), "tag");
    call(&board.tickets, move |t| columns::board(t, assignee, tag)).await
}

/// `GET /api/graph`.
async fn dep_graph(State(board): State<Board>, RawQuery(query): RawQuery) -> Response {
    let focus = query_value(query.as_deref(), "focus");
    call(&board.tickets, move |t| graph::graph(t, focus)).await
}

/// `GET /api/tickets/{id}`: the ticket, its history, and the tickets that depend on it.
async fn ticket(State(board): State<Board>, Path(id): Path<String>) -> Response {
    call(&board.tickets, move |t| {
        let ticket = t.get(&id)?;
        let history = t.history(Some(&ticket.id))?;
        let all: Vec<_> = t
            .list(&Default::default())?
            .into_iter()
            .map(std::sync::Arc::new)
            .collect();
        let dependents: Vec<String> = DepGraph::new(&all)
            .dependents(&ticket.id)
            .into_iter()
            .map(|d| d.id.clone())
            .collect();
        Ok(json!({
            "ticket": shape(&ticket)?,
            "history": shape(&history)?,
            "dependents": dependents,
        }))
    })
    .await
}

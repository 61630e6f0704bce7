//! Tools that read: show, list, ready, blocked, log.

use ayo_tickets::{Filter, Status};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{ErrorData, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use super::AyoMcp;
use super::reply::{shape, tickets};

/// One ticket.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct IdArgs {
    /// An id or a unique prefix of one.
    pub(super) id: String,
}

// A ticket status: a plain `enum` of its three names in the schema (no doc comments on the
// variants, which would make it a `oneOf`), inlined rather than a `$ref`.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub(super) enum StatusArg {
    Open,
    InProgress,
    Closed,
}

impl From<StatusArg> for Status {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Open => Status::Open,
            StatusArg::InProgress => Status::InProgress,
            StatusArg::Closed => Status::Closed,
        }
    }
}

/// Filters; every one given must match.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct ListArgs {
    status: Option<StatusArg>,
    assignee: Option<String>,
    tag: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    parent: Option<String>,
    /// true: only archived ones.
    #[serde(default)]
    archived: bool,
}

/// An optional agent filter.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct AssigneeArgs {
    /// Only this agent's tickets.
    assignee: Option<String>,
}

/// An optional ticket.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct LogArgs {
    /// Only this ticket's entries.
    id: Option<String>,
}

#[tool_router(router = read_tools, vis = "pub(super)")]
impl AyoMcp {
    #[tool(description = "One ticket with its notes.")]
    async fn show(&self, Parameters(a): Parameters<IdArgs>) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| shape(&t.get(&a.id)?)).await
    }

    #[tool(description = "Tickets, oldest first: {tickets}.")]
    async fn list(&self, Parameters(a): Parameters<ListArgs>) -> Result<CallToolResult, ErrorData> {
        let filter = Filter {
            status: a.status.map(Status::from),
            assignee: a.assignee,
            tag: a.tag,
            kind: a.kind,
            parent: a.parent,
            archived: a.archived,
        };
        self.call(move |t| tickets(&t.list(&filter)?)).await
    }

    #[tool(description = "Open tickets whose deps are all closed, most urgent first: {tickets}.")]
    async fn ready(
        &self,
        Parameters(a): Parameters<AssigneeArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| tickets(&t.ready(a.assignee.as_deref())?))
            .await
    }

    #[tool(description = "Unfinished tickets waiting for deps (see blocked_by): {tickets}.")]
    async fn blocked(
        &self,
        Parameters(a): Parameters<AssigneeArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| tickets(&t.blocked(a.assignee.as_deref())?))
            .await
    }

    #[tool(description = "Audit log, oldest first: {entries}.")]
    async fn log(&self, Parameters(a): Parameters<LogArgs>) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| {
            Ok(serde_json::json!({ "entries": shape(&t.history(a.id.as_deref())?)? }))
        })
        .await
    }
}

//! Tools that change a ticket's content: create, note, assign, dep_add, dep_remove.

use ayo_tickets::NewTicket;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{ErrorData, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use super::AyoMcp;
use super::reply::shape;

/// A new ticket.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct CreateArgs {
    /// One line.
    title: String,
    assignee: Option<String>,
    /// Ids it waits for.
    #[serde(default)]
    deps: Vec<String>,
    /// Markdown.
    description: Option<String>,
    /// 0 (most urgent) to 4; default 2.
    priority: Option<i64>,
    /// task (default), bug, feature, epic or chore.
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    /// The epic it belongs to.
    parent: Option<String>,
    /// A chosen id, else generated.
    id: Option<String>,
    /// Not ready until: RFC 3339, or 2h, 3d from now.
    defer_until: Option<String>,
}

/// A note for a ticket.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct NoteArgs {
    id: String,
    text: String,
}

/// Who a ticket is for.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct AssignArgs {
    id: String,
    /// null: nobody.
    agent: Option<String>,
}

/// An edge: `id` waits for `dep`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct DepArgs {
    id: String,
    dep: String,
}

#[tool_router(router = write_tools, vis = "pub(super)")]
impl AyoMcp {
    #[tool(description = "Create a ticket; returns it. Every dep must exist.")]
    async fn create(
        &self,
        Parameters(a): Parameters<CreateArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| {
            let new = NewTicket {
                title: a.title,
                assignee: a.assignee,
                deps: a.deps,
                priority: a.priority,
                kind: a.kind,
                tags: a.tags,
                description: a.description,
                parent: a.parent,
                id: a.id,
                defer_until: a
                    .defer_until
                    .as_deref()
                    .map(ayo_tickets::when_from_text)
                    .transpose()?,
            };
            shape(&t.create(new)?)
        })
        .await
    }

    #[tool(description = "Add a timestamped note (progress, findings).")]
    async fn note(&self, Parameters(a): Parameters<NoteArgs>) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| shape(&t.note(&a.id, &a.text)?)).await
    }

    #[tool(description = "Assign a ticket to an agent, or to nobody.")]
    async fn assign(
        &self,
        Parameters(a): Parameters<AssignArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| shape(&t.assign(&a.id, a.agent.as_deref())?))
            .await
    }

    #[tool(description = "Make ticket id wait for dep. A cycle is refused (CYCLE).")]
    async fn dep_add(
        &self,
        Parameters(a): Parameters<DepArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| shape(&t.add_dep(&a.id, &a.dep)?)).await
    }

    #[tool(description = "Stop ticket id waiting for dep.")]
    async fn dep_remove(
        &self,
        Parameters(a): Parameters<DepArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| shape(&t.remove_dep(&a.id, &a.dep)?))
            .await
    }
}

//! The tool that finds tickets by text: search.

use ayo_tickets::{Filter, Status};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{ErrorData, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use super::AyoMcp;
use super::read::StatusArg;
use super::reply::tickets;

/// A text and filters; every filter given must match.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct SearchArgs {
    /// Any case; looked for in title, description, notes, tags.
    text: String,
    status: Option<StatusArg>,
    assignee: Option<String>,
    tag: Option<String>,
}

#[tool_router(router = search_tools, vis = "pub(super)")]
impl AyoMcp {
    #[tool(description = "Tickets holding a text, title matches first: {tickets}.")]
    async fn search(
        &self,
        Parameters(a): Parameters<SearchArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        let filter = Filter {
            status: a.status.map(Status::from),
            assignee: a.assignee,
            tag: a.tag,
            ..Filter::default()
        };
        self.call(move |t| tickets(&t.search(&a.text, &filter)?))
            .await
    }
}

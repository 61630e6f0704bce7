//! Tools that move a ticket through its life: claim, start, heartbeat, release, close, reopen.

use std::sync::Arc;

use ayo_tickets::ClaimOptions;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{ErrorData, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use super::AyoMcp;
use super::read::IdArgs;
use super::reply::{found, shape};

/// Who claims, and for how long.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct ClaimArgs {
    /// Default: the server's --actor.
    agent: Option<String>,
    /// Default 60; renewed by the session.
    lease_secs: Option<u64>,
}

/// A ticket and who acts on it.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct StartArgs {
    id: String,
    agent: Option<String>,
    /// Start even if deps are open.
    #[serde(default)]
    force: bool,
}

/// A held ticket and its lease.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct HeartbeatArgs {
    id: String,
    /// Default: the server's --actor.
    agent: Option<String>,
    /// Default: the claim's lease.
    lease_secs: Option<u64>,
}

/// A held ticket.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct ReleaseArgs {
    id: String,
    agent: Option<String>,
}

/// A ticket to close.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct CloseArgs {
    id: String,
    /// What came of it; kept as a note.
    reason: Option<String>,
}

#[tool_router(router = lifecycle_tools, vis = "pub(super)")]
impl AyoMcp {
    #[tool(
        description = "Atomically take the next ready ticket for an agent (own first, then unassigned) and start it; {ticket: null} if none. Held while this session lives."
    )]
    async fn claim(
        &self,
        Parameters(a): Parameters<ClaimArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        let session = Arc::clone(&self.session.0);
        self.call(move |t| {
            let agent = Self::agent(t, a.agent)?;
            let options = ClaimOptions {
                lease: a.lease_secs,
                ..ClaimOptions::default()
            };
            found(session.claim(t, &agent, &options, None)?)
        })
        .await
    }

    #[tool(description = "Start a given ticket (open -> in_progress).")]
    async fn start(
        &self,
        Parameters(a): Parameters<StartArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| shape(&t.start(&a.id, a.agent.as_deref(), a.force)?))
            .await
    }

    #[tool(description = "Renew the lease on a ticket the agent holds.")]
    async fn heartbeat(
        &self,
        Parameters(a): Parameters<HeartbeatArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| {
            let agent = Self::agent(t, a.agent)?;
            shape(&t.heartbeat(&a.id, &agent, a.lease_secs)?)
        })
        .await
    }

    #[tool(description = "Give a claimed ticket back (in_progress -> open).")]
    async fn release(
        &self,
        Parameters(a): Parameters<ReleaseArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        let session = Arc::clone(&self.session.0);
        self.call(move |t| match session.take(t, &a.id, a.agent.as_deref()) {
            Some(job) => shape(&job.release(None)?),
            None => shape(&t.release(&a.id, a.agent.as_deref())?),
        })
        .await
    }

    #[tool(description = "Close a ticket: {ticket, unblocked} (the tickets it made ready).")]
    async fn close(
        &self,
        Parameters(a): Parameters<CloseArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        let session = Arc::clone(&self.session.0);
        self.call(move |t| match session.take(t, &a.id, None) {
            Some(job) => shape(&job.close(a.reason.as_deref())?),
            None => shape(&t.close(&a.id, a.reason.as_deref())?),
        })
        .await
    }

    #[tool(description = "Reopen a closed ticket.")]
    async fn reopen(&self, Parameters(a): Parameters<IdArgs>) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| shape(&t.reopen(&a.id)?)).await
    }
}

//! The blocking tool: `wait` for a ready ticket, or for a claimable one and claim it. It sends
//! progress notifications while it waits (when the call carries a progress token) and ends
//! within 100 ms of a `notifications/cancelled` for it, claiming nothing.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ayo_tickets::{ClaimOptions, Error, timeout_from_secs};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ProgressNotificationParam};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use super::AyoMcp;
use super::reply::{found, result};

/// The wait when a call gives no timeout, in seconds: under the usual client request timeout.
const DEFAULT_TIMEOUT_SECS: f64 = 30.0;
/// How often a wait reports progress.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// What to wait for.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct WaitArgs {
    /// true: claim it (as agent); false: only return it.
    #[serde(default)]
    claim: bool,
    /// Whose tickets; for a claim, default the server's --actor.
    agent: Option<String>,
    /// Default 30.
    timeout_secs: Option<f64>,
    /// For a claim: its lease.
    lease_secs: Option<u64>,
}

#[tool_router(router = wait_tools, vis = "pub(super)")]
impl AyoMcp {
    #[tool(
        description = "Block until a ticket is ready (or claimable, then claim it); {ticket: null} on timeout."
    )]
    async fn wait(
        &self,
        Parameters(a): Parameters<WaitArgs>,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let tickets = Arc::clone(&self.tickets);
        let cancelled = context.ct.clone();
        let closing = Arc::clone(&self.closing);
        let mut job = tokio::task::spawn_blocking(move || {
            let stop = || cancelled.is_cancelled() || closing.load(Ordering::SeqCst);
            let interrupt = || match stop() {
                true => Err(Error::Interrupted),
                false => Ok(()),
            };
            let timeout = timeout_from_secs(a.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS))?;
            if a.claim {
                let agent = Self::agent(&tickets, a.agent)?;
                let options = ClaimOptions {
                    wait: true,
                    timeout,
                    lease: a.lease_secs,
                };
                found(tickets.claim_with(&agent, &options, Some(&interrupt))?)
            } else {
                found(tickets.wait_ready_with(a.agent.as_deref(), timeout, &interrupt)?)
            }
        });
        let token = context.meta.get_progress_token();
        let started = Instant::now();
        let mut ticks =
            tokio::time::interval_at(tokio::time::Instant::now() + PROGRESS_EVERY, PROGRESS_EVERY);
        loop {
            tokio::select! {
                joined = &mut job => {
                    return match joined {
                        Ok(answer) => Ok(result(answer)),
                        Err(e) => Err(ErrorData::internal_error(format!("the wait failed: {e}"), None)),
                    };
                }
                _ = ticks.tick(), if token.is_some() => {
                    if let Some(token) = &token {
                        let waited = started.elapsed().as_secs_f64().floor();
                        let progress = ProgressNotificationParam::new(token.clone(), waited)
                            .with_message(format!("waited {waited} s"));
                        let _ = context.peer.notify_progress(progress).await;
                    }
                }
            }
        }
    }
}

//! The blocking tool: `wait` for a ready ticket, or for a claimable one and claim it. It sends
//! progress notifications while it waits (when the call carries a progress token) and ends
//! within 100 ms of a `notifications/cancelled` for it, claiming nothing.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ayo_tickets::{ClaimOptions, Error, Tickets, timeout_from_secs};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ProgressNotificationParam};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

use super::AyoMcp;
use super::reply::{Answer, found, result, shape};

/// The check a blocking tool's wait runs: an error once the call is cancelled.
type Interrupt<'a> = &'a (dyn Fn() -> Result<(), Error> + Sync);

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
    /// For a claim: its lease (default 60).
    lease_secs: Option<u64>,
}

/// Which changes to wait for.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct ChangesArgs {
    /// RFC 3339: also log entries at or after it.
    since: Option<String>,
    /// Only its changes and its tickets'.
    agent: Option<String>,
    /// Default 30.
    timeout_secs: Option<f64>,
}

/// The entries of a watch: those it holds now, else the first to come within `timeout`, with
/// any that came with it.
fn changes(
    tickets: &Arc<Tickets>,
    a: ChangesArgs,
    interrupt: Interrupt<'_>,
) -> Result<Vec<ayo_tickets::LogEntry>, Error> {
    let since = a
        .since
        .map(|s| {
            chrono::DateTime::parse_from_rfc3339(s.trim())
                .map(|at| at.with_timezone(&chrono::Utc))
                .map_err(|_| Error::invalid(format!("since: not an RFC 3339 time: {s:?}")))
        })
        .transpose()?;
    let timeout = timeout_from_secs(a.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS))?;
    let options = ayo_tickets::WatchOptions {
        since,
        agent: a.agent,
    };
    let mut watch = ayo_tickets::Watch::new(Arc::clone(tickets), options)?;
    let mut entries = Vec::new();
    while let Some(e) = watch.next_entry(Some(Duration::ZERO), Some(interrupt))? {
        entries.push(e);
    }
    if entries.is_empty() {
        entries.extend(watch.next_entry(timeout, Some(interrupt))?);
        while let Some(e) = watch.next_entry(Some(Duration::ZERO), Some(interrupt))? {
            entries.push(e);
        }
    }
    Ok(entries)
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
        let session = Arc::clone(&self.session.0);
        let job = move |tickets: &Arc<Tickets>, interrupt: Interrupt<'_>| {
            let timeout = timeout_from_secs(a.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS))?;
            if a.claim {
                let agent = Self::agent(tickets, a.agent)?;
                let options = ClaimOptions {
                    wait: true,
                    timeout,
                    lease: a.lease_secs,
                };
                found(session.claim(tickets, &agent, &options, Some(interrupt))?)
            } else {
                found(tickets.wait_ready_with(a.agent.as_deref(), timeout, interrupt)?)
            }
        };
        self.blocking(job, context).await
    }

    #[tool(
        description = "Log entries since a time, else wait for the next; {entries: []} on timeout."
    )]
    async fn changes(
        &self,
        Parameters(a): Parameters<ChangesArgs>,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let job = move |tickets: &Arc<Tickets>, interrupt: Interrupt<'_>| {
            Ok(json!({ "entries": shape(&changes(tickets, a, interrupt)?)? }))
        };
        self.blocking(job, context).await
    }
}

impl AyoMcp {
    /// Runs a blocking tool's `work` on a thread of tokio's blocking pool, with an interrupt
    /// check that stops it within 100 ms of a cancellation or of the server closing, and awaits
    /// its answer, sending progress notifications meanwhile when the call carries a progress
    /// token.
    async fn blocking(
        &self,
        work: impl FnOnce(&Arc<Tickets>, Interrupt<'_>) -> Answer + Send + 'static,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let tickets = Arc::clone(&self.tickets);
        let cancelled = context.ct.clone();
        let closing = Arc::clone(&self.closing);
        let mut job = tokio::task::spawn_blocking(move || {
            let interrupt = || match cancelled.is_cancelled() || closing.load(Ordering::SeqCst) {
                true => Err(Error::Interrupted),
                false => Ok(()),
            };
            work(&tickets, &interrupt)
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

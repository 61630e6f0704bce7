//! Tools that plan around a ticket: defer, why, link, archive.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::{ErrorData, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use super::AyoMcp;
use super::reply::{shape, tickets};

/// Until when a ticket waits.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct DeferArgs {
    id: String,
    /// RFC 3339, or 90s/30m/2h/3d from now; null: no longer.
    until: Option<String>,
}

/// A ticket, and the agent asking.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct WhyArgs {
    id: String,
    agent: Option<String>,
}

/// Tickets to link with `id`, or to unlink.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct LinkArgs {
    id: String,
    others: Vec<String>,
    /// true: unlink.
    #[serde(default)]
    remove: bool,
}

/// Closed tickets to archive (ids, or older_than), or to bring back.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct ArchiveArgs {
    #[serde(default)]
    ids: Vec<String>,
    /// 90s/30m/2h/3d: all closed before then.
    older_than: Option<String>,
    /// true: unarchive ids.
    #[serde(default)]
    restore: bool,
}

#[tool_router(router = plan_tools, vis = "pub(super)")]
impl AyoMcp {
    #[tool(description = "Defer a ticket: not ready nor claimable until then.")]
    async fn defer(
        &self,
        Parameters(a): Parameters<DeferArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| {
            let until = a
                .until
                .as_deref()
                .map(ayo_tickets::when_from_text)
                .transpose()?;
            shape(&t.defer(&a.id, until)?)
        })
        .await
    }

    #[tool(description = "Why a ticket is not ready or not claimable by agent.")]
    async fn why(&self, Parameters(a): Parameters<WhyArgs>) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| shape(&t.why(&a.id, a.agent.as_deref())?))
            .await
    }

    #[tool(
        description = "Archive closed tickets: out of list/ready, still shown (restore: unarchive)."
    )]
    async fn archive(
        &self,
        Parameters(a): Parameters<ArchiveArgs>,
    ) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| {
            let ids: Vec<&str> = a.ids.iter().map(String::as_str).collect();
            if a.restore {
                if a.older_than.is_some() || ids.is_empty() {
                    return Err(ayo_tickets::Error::invalid("restore takes ids only"));
                }
                let back: Vec<_> = ids
                    .iter()
                    .map(|id| t.unarchive(id))
                    .collect::<Result<_, _>>()?;
                return tickets(&back);
            }
            match (&a.older_than, ids.is_empty()) {
                (Some(age), true) => {
                    tickets(&t.archive_older_than(ayo_tickets::duration_from_text(age)?)?)
                }
                (None, false) => tickets(&t.archive(&ids)?),
                _ => Err(ayo_tickets::Error::invalid(
                    "give ids or older_than, not both",
                )),
            }
        })
        .await
    }

    #[tool(description = "Link related tickets both ways (remove: unlink).")]
    async fn link(&self, Parameters(a): Parameters<LinkArgs>) -> Result<CallToolResult, ErrorData> {
        self.call(move |t| {
            if !a.remove {
                let others: Vec<&str> = a.others.iter().map(String::as_str).collect();
                return shape(&t.link(&a.id, &others)?);
            }
            let mut last = None;
            for o in &a.others {
                last = Some(t.unlink(&a.id, o)?);
            }
            match last {
                Some(ticket) => shape(&ticket),
                None => Err(ayo_tickets::Error::invalid("name a ticket to unlink")),
            }
        })
        .await
    }
}

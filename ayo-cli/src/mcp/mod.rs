//! `ayo mcp`: the tickets as Model Context Protocol tools, over stdio or streamable HTTP.
//!
//! One long-lived [`Tickets`] handle serves every call (opened from the CLI's store flags and
//! environment, acting as `--actor` / `$AYO_AGENT`). The tools are thin adapters, one file per
//! group: `read.rs` (show, list, ready, blocked, log), `write.rs` (create, note, assign, dep_add,
//! dep_remove), `lifecycle.rs` (claim, start, heartbeat, release, close, reopen) and `wait.rs`;
//! `reply.rs` turns the core's results and errors into tool results; `guide.rs` is the
//! `ayo://guide` resource (the core's guide); `stdio.rs` and `http.rs` are the transports.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ayo_tickets::Tickets;
use clap::Args;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, InitializeRequestParams,
    InitializeResult, ListResourcesResult, PaginatedRequestParams, ReadResourceRequestParams,
    ReadResourceResponse, ReadResourceResult, Resource, ResourceContents, ServerCapabilities,
    ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, tool_handler};

use crate::context::Ctx;
use crate::error::CliError;

mod guide;
mod http;
mod lifecycle;
mod plan;
mod read;
mod reply;
mod search;
mod session;
mod stdio;
mod wait;
mod write;

use guide::GUIDE;
use session::{Session, SessionGuard};

/// Serve the tickets to AI agents over the Model Context Protocol (MCP).
///
/// Speaks MCP on stdin/stdout (the default), or as a streamable HTTP server with --http. The
/// tools (create, show, list, ready, blocked, claim, start, heartbeat, release, note, close,
/// reopen, assign, dep_add, dep_remove, log, wait, changes, defer, why, link) act on the store the global options choose,
/// as --actor / $AYO_AGENT, which is also the agent of claim when a call names none. The
/// resource ayo://guide explains them to an agent. Logs and warnings go to stderr.
///
/// A claim made in a session (stdio, or an HTTP session opened with initialize) holds a lease
/// the server renews while the session lives; one still open when the session ends (stdin
/// closed, the HTTP session deleted or idle for 30 minutes) is given back with a note.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo mcp --dir .tickets --actor @builder
  ayo mcp --http 127.0.0.1:8765 --token \"$(openssl rand -hex 16)\"

MCP host configuration (e.g. .mcp.json):
  {\"mcpServers\": {\"ayo\": {\"command\": \"ayo\", \"args\": [\"mcp\", \"--dir\", \".tickets\"]}}}")]
pub(crate) struct McpArgs {
    /// Serve streamable HTTP at this address (HOST:PORT, or a PORT on 127.0.0.1) under /mcp
    /// instead of stdio.
    ///
    /// Only loopback Host and Origin headers are accepted (plus the address's own IP when one
    /// other than loopback is given); others get 403, against DNS rebinding.
    #[arg(long, value_name = "ADDR")]
    http: Option<String>,

    /// With --http: require `Authorization: Bearer TOKEN` on every request (401 without it).
    #[arg(
        long,
        value_name = "TOKEN",
        env = "AYO_MCP_TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
}

/// Runs `ayo mcp` until the client goes away (stdio) or the process is stopped (HTTP).
pub(crate) fn run(args: McpArgs, ctx: &Ctx) -> Result<(), CliError> {
    // Declared before the runtime, so dropped after it: the last handle goes outside the
    // runtime (the PostgreSQL client closes its connection by blocking on a runtime of its own).
    let tickets = Arc::new(ctx.tickets()?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let server = AyoMcp::new(Arc::clone(&tickets), args.http.is_none());
    let closing = Arc::clone(&server.closing);
    let first_session = Arc::clone(&server.session.0);
    let served = match args.http {
        Some(addr) => runtime.block_on(http::serve(server, &addr, args.token)),
        None => runtime.block_on(stdio::serve(server)),
    };
    // Waits still running end within 100 ms, claiming nothing; the stdio session's claims
    // still held are given back (HTTP sessions give theirs back as each ends).
    closing.store(true, Ordering::SeqCst);
    first_session.give_back();
    runtime.shutdown_timeout(Duration::from_secs(2));
    served
}

/// The MCP server: one tickets handle, shared by every call (and every HTTP session), and the
/// claims of one session.
#[derive(Clone)]
pub(crate) struct AyoMcp {
    tickets: Arc<Tickets>,
    /// The claims this session holds; given back when its last clone goes.
    session: Arc<SessionGuard>,
    tool_router: ToolRouter<Self>,
    /// Set when the server stops: it ends the waits still running.
    closing: Arc<AtomicBool>,
}

impl AyoMcp {
    /// A server over this handle; `kept`: its first session keeps its claims from the start
    /// (stdio), rather than from its `initialize` (HTTP).
    pub(crate) fn new(tickets: Arc<Tickets>, kept: bool) -> Self {
        AyoMcp {
            tickets,
            session: Arc::new(SessionGuard(Arc::new(Session::new(kept)))),
            closing: Arc::new(AtomicBool::new(false)),
            tool_router: without_dialect(
                Self::read_tools()
                    + Self::write_tools()
                    + Self::lifecycle_tools()
                    + Self::wait_tools()
                    + Self::search_tools()
                    + Self::plan_tools(),
            ),
        }
    }

    /// The server for a new HTTP session (or a sessionless request): the same handle and
    /// tools, no claims yet, kept from an `initialize` on.
    pub(crate) fn new_session(&self) -> Self {
        AyoMcp {
            session: Arc::new(SessionGuard(Arc::new(Session::new(false)))),
            ..self.clone()
        }
    }
}

/// The tools with no `$schema` key in their input schemas: MCP reads a schema without one as
/// JSON Schema 2020-12, the dialect schemars writes, so the key only adds 57 bytes per tool to
/// every `tools/list` (1.2 KB of 22 tools).
fn without_dialect(mut router: ToolRouter<AyoMcp>) -> ToolRouter<AyoMcp> {
    for route in router.map.values_mut() {
        let mut schema = (*route.attr.input_schema).clone();
        if schema.remove("$schema").is_some() {
            route.attr.input_schema = Arc::new(schema);
        }
    }
    router
}

/// The URI of the guide resource.
const GUIDE_URI: &str = "ayo://guide";

#[tool_handler(router = self.tool_router)]
impl ServerHandler for AyoMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(
            Implementation::new("ayo", env!("CARGO_PKG_VERSION")).with_title("ayo tickets"),
        )
        .with_instructions(
            "Tickets shared by agents: claim one, note progress, close it. \
             Read ayo://guide for how.",
        )
    }

    /// Opens a session: from now on its claims are kept alive while it lives and given back
    /// when it ends.
    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, ErrorData> {
        context.peer.set_peer_info(request.clone());
        self.session.0.keep();
        self.negotiate_initialize(&request)
    }

    /// Calls a tool. Arguments that do not fit its schema (rmcp refuses them with a bare
    /// message) are answered as every other error: `{"error": {"code": "INVALID", ...}}`.
    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let call = ToolCallContext::new(self, request, context);
        match self.tool_router.call(call).await? {
            CallToolResponse::Complete(r)
                if r.is_error == Some(true) && r.structured_content.is_none() =>
            {
                let message = r
                    .content
                    .iter()
                    .filter_map(|c| c.as_text())
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                Ok(reply::result(Err(ayo_tickets::Error::invalid(message))).into())
            }
            other => Ok(other),
        }
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let guide = Resource::new(GUIDE_URI, "guide")
            .with_title("How agents use ayo tickets")
            .with_mime_type("text/markdown")
            .with_size(GUIDE.len() as u64);
        Ok(ListResourcesResult::with_all_items(vec![guide]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        if request.uri != GUIDE_URI {
            let message = format!("no resource '{}'; there is {GUIDE_URI}", request.uri);
            return Err(ErrorData::resource_not_found(message, None));
        }
        let text = ResourceContents::text(GUIDE, GUIDE_URI).with_mime_type("text/markdown");
        Ok(ReadResourceResult::new(vec![text]).into())
    }
}

#[cfg(test)]
mod tests {
    use rmcp::model::ListToolsResult;

    use super::*;

    /// The whole `tools/list` answer stays small: every tool's name, description and input
    /// schema, as JSON, within 8 KB (the README gives the figure).
    #[test]
    fn the_tool_list_fits_in_8_kb() {
        let server = AyoMcp::new(Arc::new(Tickets::in_memory()), true);
        let tools = server.tool_router.list_all();
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        for name in [
            "create", "show", "list", "ready", "claim", "note", "close", "wait", "search",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        for tool in &tools {
            let description = tool.description.as_deref().unwrap_or_default();
            assert!(!description.is_empty(), "{} has a description", tool.name);
        }
        let count = names.len();
        let answer = serde_json::to_string(&ListToolsResult::with_all_items(tools)).unwrap();
        eprintln!("tools/list: {count} tools, {} bytes", answer.len());
        assert!(answer.len() <= 8 * 1024, "{} bytes", answer.len());
    }

    #[test]
    fn the_guide_is_short() {
        let words = GUIDE.split_whitespace().count();
        assert!((200..=1000).contains(&words), "{words} words");
    }
}

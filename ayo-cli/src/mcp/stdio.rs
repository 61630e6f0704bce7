//! The stdio transport: MCP messages on stdin and stdout, one per line, until stdin closes.

use rmcp::ServiceExt;

use super::AyoMcp;
use crate::error::CliError;

/// Serves `server` on stdin/stdout until the client closes stdin.
pub(super) async fn serve(server: AyoMcp) -> Result<(), CliError> {
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| CliError::Output(std::io::Error::other(e)))?;
    running
        .waiting()
        .await
        .map_err(|e| CliError::Output(std::io::Error::other(e)))?;
    Ok(())
}

//! The streamable HTTP transport: `ayo mcp --http ADDR` serves MCP at `http://ADDR/mcp`.
//!
//! Against DNS rebinding (as the MCP specification asks), rmcp's service refuses with 403 a
//! `Host` header other than a loopback name (or the IP given in ADDR) and an `Origin` header
//! other than those hosts over http or https. With a token, every request must carry
//! `Authorization: Bearer TOKEN`; one without it gets 401 before anything else is read.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use ayo_tickets::Error;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use super::AyoMcp;
use crate::error::CliError;

/// Serves MCP over HTTP at `addr` until the process is stopped.
pub(super) async fn serve(
    server: AyoMcp,
    addr: &str,
    token: Option<String>,
) -> Result<(), CliError> {
    let addr = address(addr).map_err(CliError::BadStoreChoice)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let hosts = allowed_hosts(addr.ip());
    let origins: Vec<String> = hosts
        .iter()
        .flat_map(|h| {
            let h = if h.contains(':') {
                format!("[{h}]")
            } else {
                h.clone()
            };
            [format!("http://{h}:*"), format!("https://{h}:*")]
        })
        .collect();
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins);
    let service = StreamableHttpService::new(
        move || Ok(server.new_session()),
        Arc::new(session_manager()),
        config,
    );
    let mut app = axum::Router::new().nest_service("/mcp", service);
    let token = token.filter(|t| !t.is_empty());
    if token.is_none() && !local.ip().is_loopback() {
        eprintln!(
            "ayo mcp: warning: serving {local} without --token: anyone who reaches it may act"
        );
    }
    if let Some(token) = token {
        let expected: Arc<str> = format!("Bearer {token}").into();
        app = app.layer(middleware::from_fn(move |request: Request, next: Next| {
            let expected = Arc::clone(&expected);
            async move { authorize(&expected, request, next).await }
        }));
    }
    eprintln!("ayo mcp: serving MCP at http://{local}/mcp");
    axum::serve(listener, app).await?;
    Ok(())
}

/// Sessions that end after [`SESSION_IDLE`] with no request (then their claims are given back).
fn session_manager() -> LocalSessionManager {
    let mut manager = LocalSessionManager::default();
    manager.session_config.keep_alive = Some(SESSION_IDLE);
    manager
}

/// How long an HTTP session lives with no request: long enough for an agent's slow turn.
pub(super) const SESSION_IDLE: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// `HOST:PORT`, or a bare `PORT` on 127.0.0.1.
fn address(text: &str) -> Result<SocketAddr, Error> {
    let text = text.trim();
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    text.parse().map_err(|_| {
        Error::invalid(format!(
            "--http takes IP:PORT or a PORT (such as 127.0.0.1:8765), not '{text}'"
        ))
    })
}

/// The `Host` names accepted: the loopback ones, and the IP served on when it is another.
fn allowed_hosts(ip: IpAddr) -> Vec<String> {
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "::1"].map(String::from).into();
    if !ip.is_loopback() && !ip.is_unspecified() {
        hosts.push(ip.to_string());
    }
    hosts
}

/// Lets a request through when it carries the bearer token; 401 otherwise.
async fn authorize(expected: &str, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes)
        .unwrap_or_default();
    if same(given, expected.as_bytes()) {
        return next.run(request).await;
    }
    let mut response = (StatusCode::UNAUTHORIZED, "a bearer token is required\n").into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Compares in time that depends only on the lengths, not on where the bytes differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(address("8765").unwrap().to_string(), "127.0.0.1:8765");
        assert_eq!(address("[::1]:80").unwrap().to_string(), "[::1]:80");
        assert_eq!(address("localhost:80").unwrap_err().code(), "INVALID");
        assert_eq!(allowed_hosts("127.0.0.1".parse().unwrap()).len(), 3);
        assert!(allowed_hosts("10.0.0.5".parse().unwrap()).contains(&"10.0.0.5".to_string()));
        assert_eq!(allowed_hosts("0.0.0.0".parse().unwrap()).len(), 3);
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"Bearer abc", b"Bearer abc"));
        assert!(!same(b"Bearer abd", b"Bearer abc"));
        assert!(!same(b"Bearer ab", b"Bearer abc"));
        assert!(!same(b"", b"Bearer abc"));
    }
}

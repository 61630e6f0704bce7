//! The page, embedded in the binary (no CDN, no build step): `assets/index.html`,
//! `assets/board.css` and `assets/board.js`.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The page.
const INDEX: &str = include_str!("assets/index.html");
/// Its style.
const CSS: &str = include_str!("assets/board.css");
/// Its script.
const JS: &str = include_str!("assets/board.js");

/// One asset with its type; the page must not be framed by another site, and runs only its own
/// script.
fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// `GET /`.
pub(super) async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX)
}

/// `GET /board.css`.
pub(super) async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

/// `GET /board.js`.
pub(super) async fn js() -> Response {
    asset("text/javascript; charset=utf-8", JS)
}

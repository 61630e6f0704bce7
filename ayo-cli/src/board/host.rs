//! The guard in front of every request, against DNS rebinding: a page of another site whose
//! name was made to point at this machine sends that name in `Host`, so a `Host` that does not
//! name the address served on gets 403. Accepted: the bound IP with the bound port; on a
//! loopback address also `localhost` and the other loopback IPs; on an unspecified address
//! (`0.0.0.0`, `::`) any IP literal (no DNS name can stand behind one). A request with an
//! `Origin` (a browser's cross-site request) must come from such a host too.

use std::net::{IpAddr, SocketAddr};

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Lets a request through when its `Host` (and `Origin`, if any) names `bound`; 403 otherwise.
pub(super) async fn guard(bound: SocketAddr, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if !host.is_some_and(|h| names(bound, h)) {
        return refuse("the Host header does not name the address served on");
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        let host = origin.strip_prefix("http://").unwrap_or("");
        if !names(bound, host) {
            return refuse("requests from other sites are refused");
        }
    }
    next.run(request).await
}

/// 403 with a one-line reason.
fn refuse(why: &str) -> Response {
    (StatusCode::FORBIDDEN, format!("forbidden: {why}\n")).into_response()
}

/// True when `host` (`NAME:PORT`, `[V6]:PORT`) names the address served on.
pub(super) fn names(bound: SocketAddr, host: &str) -> bool {
    let Some((name, port)) = host.rsplit_once(':') else {
        return false;
    };
    if port.parse::<u16>().ok() != Some(bound.port()) {
        return false;
    }
    let name = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    let ip = bound.ip();
    match name.parse::<IpAddr>() {
        Ok(given) if given == ip => true,
        Ok(given) => ip.is_unspecified() || (ip.is_loopback() && given.is_loopback()),
        Err(_) => {
            (ip.is_loopback() || ip.is_unspecified()) && name.eq_ignore_ascii_case("localhost")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn loopback_accepts_its_own_names_only() {
        let bound = addr("127.0.0.1:7420");
        for ok in [
            "127.0.0.1:7420",
            "localhost:7420",
            "LOCALHOST:7420",
            "[::1]:7420",
        ] {
            assert!(names(bound, ok), "{ok}");
        }
        for bad in [
            "evil.example:7420",
            "127.0.0.1:7421",
            "127.0.0.1",
            "localhost.evil.example:7420",
            "10.0.0.1:7420",
            "",
        ] {
            assert!(!names(bound, bad), "{bad}");
        }
    }

    #[test]
    fn other_addresses() {
        let lan = addr("10.0.0.5:80");
        assert!(names(lan, "10.0.0.5:80"));
        assert!(!names(lan, "localhost:80"));
        assert!(!names(lan, "10.0.0.6:80"));
        let any = addr("0.0.0.0:80");
        assert!(names(any, "10.0.0.6:80") && names(any, "localhost:80"));
        assert!(!names(any, "board.example:80"));
        let v6 = addr("[::1]:80");
        assert!(names(v6, "[::1]:80") && names(v6, "127.0.0.1:80"));
    }
}

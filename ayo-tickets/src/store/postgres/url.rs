//! Reading a store URL: `postgres://user[:password]@host[:port]/db[?schema=name&...]`.
//!
//! `schema` is ours, and so are `sslmode`, `sslrootcert`, `sslcert` and `sslkey` (libpq's
//! meanings: see `tls.rs` and `pem.rs`); every other query parameter goes to the driver
//! (`options`, `application_name`, `connect_timeout`, ...), so `options=-csearch_path%3Dname`
//! works too.

use std::path::PathBuf;

use tokio_postgres_rustls::MakeRustlsConnect;

use super::pem::{self, Roots};
use super::tls::{self, Mode};
use crate::error::{Error, Result};

/// A parsed store URL.
pub(super) struct Target {
    /// The driver's configuration (without our parameters).
    pub(super) config: postgres::Config,
    /// The schema named by `?schema=`, if any.
    pub(super) schema: Option<String>,
    /// The TLS connector `sslmode` and `sslrootcert` ask for.
    pub(super) tls: MakeRustlsConnect,
    /// The `sslmode` (whether a failed handshake is tried again without TLS).
    pub(super) mode: Mode,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("config", &self.config)
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

/// Parses a `postgres://` or `postgresql://` URL.
pub(super) fn parse(url: &str) -> Result<Target> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(Error::invalid(
            "a store URL starts with postgres:// or postgresql://",
        ));
    }
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut schema = None;
    let mut mode = None;
    let mut roots = None;
    let (mut cert, mut key) = (None, None);
    let mut kept = Vec::new();
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        match pair.split_once('=') {
            Some(("schema", value)) => {
                let name = percent_decode(value)?;
                validate_schema(&name)?;
                schema = Some(name);
            }
            Some(("sslmode", value)) => mode = Some(Mode::parse(&percent_decode(value)?)?),
            Some(("sslrootcert", value)) => roots = Some(Roots::parse(&percent_decode(value)?)),
            Some(("sslcert", value)) => cert = Some(PathBuf::from(percent_decode(value)?)),
            Some(("sslkey", value)) => key = Some(PathBuf::from(percent_decode(value)?)),
            _ if pair.is_empty() => {}
            _ => kept.push(pair),
        }
    }
    let driver_url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let mut config: postgres::Config = driver_url
        .parse()
        .map_err(|e| Error::invalid(format!("bad PostgreSQL URL: {e}")))?;
    if config.get_application_name().is_none() {
        config.application_name("ayo-tickets");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(10));
    }
    let mode = tls::resolve(mode, roots.as_ref())?;
    config.ssl_mode(mode.driver());
    let identity = pem::identity(cert.as_deref(), key.as_deref())?;
    let tls = tls::connector(mode, roots.as_ref(), identity)?;
    Ok(Target {
        config,
        schema,
        tls,
        mode,
    })
}

/// Checks a schema name: 1 to 63 bytes, no NUL.
pub(super) fn validate_schema(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 63 || name.contains('\0') {
        return Err(Error::invalid(format!(
            "invalid schema name '{}': 1 to 63 bytes",
            crate::ticket::printable(name)
        )));
    }
    Ok(())
}

/// A schema name as a quoted SQL identifier.
pub(super) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The first schema of a `search_path` setting (`"$user"` stands for `user`).
pub(super) fn first_in_search_path(path: &str, user: &str) -> Option<String> {
    path.split(',').map(str::trim).find_map(|item| {
        let name = match item.strip_prefix('"').and_then(|i| i.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\"\"", "\""),
            None => item.to_string(),
        };
        match name.as_str() {
            "" => None,
            "$user" => Some(user.to_string()),
            _ => Some(name),
        }
    })
}

/// Decodes `%XX` escapes (and `+` is kept as is, as in a URL path).
fn percent_decode(s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| Error::invalid("bad %-escape in the store URL"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| Error::invalid("the store URL is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_ours_the_rest_goes_to_the_driver() {
        let t = parse("postgres://postgres@127.0.0.1:5432/test?schema=team%2Da&application_name=x")
            .unwrap();
        assert_eq!(t.schema.as_deref(), Some("team-a"));
        assert_eq!(t.config.get_application_name(), Some("x"));
        assert_eq!(t.config.get_dbname(), Some("test"));
        let t = parse("postgresql://u@h/db?options=-csearch_path%3Dteam_b").unwrap();
        assert_eq!(t.schema, None);
        assert_eq!(t.config.get_options(), Some("-csearch_path=team_b"));
        assert_eq!(t.config.get_application_name(), Some("ayo-tickets"));
        assert_eq!(parse("mysql://x").unwrap_err().code(), "INVALID");
        assert_eq!(
            parse("postgres://h/db?schema=").unwrap_err().code(),
            "INVALID"
        );
        assert_eq!(
            parse("postgres://h/db?schema=%zz").unwrap_err().code(),
            "INVALID"
        );
        assert_eq!(
            parse("postgres://h/db?bogus=1").unwrap_err().code(),
            "INVALID"
        );
    }

    #[test]
    fn sslmode_and_sslrootcert_are_ours() {
        use postgres::config::SslMode;
        let mode = |url: &str| parse(url).map(|t| t.config.get_ssl_mode());
        assert_eq!(mode("postgres://h/db").unwrap(), SslMode::Prefer);
        assert_eq!(
            mode("postgres://h/db?sslmode=disable").unwrap(),
            SslMode::Disable
        );
        assert_eq!(
            mode("postgres://h/db?sslmode=allow").unwrap(),
            SslMode::Prefer
        );
        assert_eq!(
            mode("postgres://h/db?sslmode=require").unwrap(),
            SslMode::Require
        );
        // sslrootcert=system: verify-full by default, and no weaker mode.
        for weak in ["disable", "prefer", "require", "verify-ca"] {
            let err = parse(&format!(
                "postgres://h/db?sslmode={weak}&sslrootcert=system"
            ))
            .unwrap_err();
            assert_eq!(err.code(), "INVALID");
            assert!(err.to_string().contains("use verify-full"), "{err}");
        }
        if !rustls_native_certs::load_native_certs().certs.is_empty() {
            for url in [
                "postgres://h/db?sslrootcert=system",
                "postgres://h/db?sslrootcert=system&sslmode=verify-full",
            ] {
                let t = parse(url).unwrap();
                assert_eq!(t.mode, Mode::VerifyFull, "{url}");
                assert_eq!(t.config.get_ssl_mode(), SslMode::Require);
            }
        }
        let err = mode("postgres://h/db?sslmode=sometimes").unwrap_err();
        assert_eq!(err.code(), "INVALID");
        assert!(err.to_string().contains("verify-full"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "").unwrap();
        for (root, why) in [
            (dir.path().join("none.pem"), "none.pem"),
            (empty, "no certificate in it"),
        ] {
            let url = format!(
                "postgres://h/db?sslmode=verify-full&sslrootcert={}",
                root.display()
            );
            let err = mode(&url).unwrap_err();
            assert_eq!(err.code(), "INVALID");
            assert!(err.to_string().contains(why), "{err}");
        }
    }

    #[test]
    fn identifiers_and_search_paths() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(
            first_in_search_path("\"$user\", public", "bob").as_deref(),
            Some("bob")
        );
        assert_eq!(
            first_in_search_path("\"My \"\"S\"\"\", public", "bob").as_deref(),
            Some("My \"S\"")
        );
        assert_eq!(first_in_search_path("", "bob"), None);
    }
}

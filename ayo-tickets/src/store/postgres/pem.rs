//! The files behind TLS: root certificates (`sslrootcert`) and the client's certificate and key
//! (`sslcert`, `sslkey`), with libpq's defaults under `~/.postgresql/`.

use std::path::{Path, PathBuf};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::{Error, Result};

/// Where the roots that check the server's certificate come from (`sslrootcert`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Roots {
    /// A PEM file of root certificates.
    File(PathBuf),
    /// The system's trusted roots (`sslrootcert=system`).
    System,
}

impl Roots {
    /// Reads an `sslrootcert` value.
    pub(super) fn parse(value: &str) -> Roots {
        match value {
            "system" => Roots::System,
            path => Roots::File(PathBuf::from(path)),
        }
    }
}

/// The root certificates `roots` names (by default `~/.postgresql/root.crt`), and how errors
/// name where they came from.
pub(super) fn roots(roots: Option<&Roots>) -> Result<(Vec<CertificateDer<'static>>, String)> {
    match roots {
        Some(Roots::System) => Ok((
            rustls_native_certs::load_native_certs().certs,
            "sslrootcert=system".to_string(),
        )),
        Some(Roots::File(path)) => read_certs(path, "sslrootcert"),
        None => {
            let path = default_roots().ok_or_else(|| {
                Error::invalid(
                    "sslmode verify-ca and verify-full need root certificates: \
                     sslrootcert=PATH or sslrootcert=system (~/.postgresql/root.crt is not there)",
                )
            })?;
            read_certs(&path, "sslrootcert")
        }
    }
}

/// libpq's default root certificates, `~/.postgresql/root.crt`, when the file is there.
pub(super) fn default_roots() -> Option<PathBuf> {
    in_home("root.crt").filter(|p| p.is_file())
}

/// A client certificate chain and its private key.
pub(super) struct Identity {
    pub(super) chain: Vec<CertificateDer<'static>>,
    pub(super) key: PrivateKeyDer<'static>,
    /// The files, as errors name them.
    pub(super) source: String,
}

/// The client certificate to present: `sslcert` with `sslkey`, each defaulting to libpq's
/// `~/.postgresql/postgresql.crt` and `.key`. None when no certificate is named and the default
/// one is not there.
///
/// Errors: [`Error::Invalid`] for a file that cannot be read or holds no certificate or key,
/// and for a certificate without its key.
pub(super) fn identity(cert: Option<&Path>, key: Option<&Path>) -> Result<Option<Identity>> {
    let cert = match cert {
        Some(c) => c.to_path_buf(),
        None => match in_home("postgresql.crt").filter(|p| p.is_file()) {
            Some(c) => c,
            None if key.is_some() => {
                return Err(Error::invalid(
                    "sslkey needs its certificate: sslcert=PATH (~/.postgresql/postgresql.crt \
                     is not there)",
                ));
            }
            None => return Ok(None),
        },
    };
    let key = match key {
        Some(k) => k.to_path_buf(),
        None => in_home("postgresql.key")
            .filter(|p| p.is_file())
            .ok_or_else(|| {
                Error::invalid(format!(
                    "sslcert {} needs its private key: sslkey=PATH \
                     (~/.postgresql/postgresql.key is not there)",
                    cert.display()
                ))
            })?,
    };
    let (chain, _) = read_certs(&cert, "sslcert")?;
    let private = PrivateKeyDer::from_pem_file(&key)
        .map_err(|e| Error::invalid(format!("sslkey {}: {e}", key.display())))?;
    Ok(Some(Identity {
        chain,
        key: private,
        source: format!("sslcert {} and sslkey {}", cert.display(), key.display()),
    }))
}

/// The certificates of the PEM file at `path` (at least one), and how errors name it.
fn read_certs(path: &Path, param: &str) -> Result<(Vec<CertificateDer<'static>>, String)> {
    let source = format!("{param} {}", path.display());
    let bad = |why: String| Error::invalid(format!("{source}: {why}"));
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| bad(e.to_string()))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| bad(e.to_string()))?;
    if certs.is_empty() {
        return Err(bad("no certificate in it".into()));
    }
    Ok((certs, source))
}

/// `~/.postgresql/name`.
fn in_home(name: &str) -> Option<PathBuf> {
    Some(
        PathBuf::from(std::env::var_os("HOME")?)
            .join(".postgresql")
            .join(name),
    )
}

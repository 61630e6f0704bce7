//! TLS for the PostgreSQL store (rustls, so no system OpenSSL), with libpq's `sslmode`:
//!
//! - `disable`: no TLS.
//! - `prefer` (the default): TLS when the server offers it, plain otherwise; the certificate is
//!   not checked.
//! - `require`: TLS or no connection; the certificate is not checked, unless `sslrootcert` is
//!   given (then as `verify-ca`).
//! - `verify-ca`: TLS, with a certificate signed by a root of `sslrootcert`.
//! - `verify-full`: as `verify-ca`, and made out to the host connected to.
//!
//! `sslrootcert` is a PEM file of root certificates; the verify modes default to
//! `~/.postgresql/root.crt`, as libpq does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use postgres::config::SslMode;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms, ring};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::{Error, Result};

/// An `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    /// Reads an `sslmode` value (`allow` counts as `prefer`).
    pub(super) fn parse(value: &str) -> Result<Mode> {
        Ok(match value {
            "disable" => Mode::Disable,
            "allow" | "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            other => {
                return Err(Error::invalid(format!(
                    "sslmode '{}' is not one of disable, allow, prefer, require, verify-ca, \
                     verify-full",
                    crate::ticket::printable(other)
                )));
            }
        })
    }

    /// What the driver is told: whether TLS may, must or must not be used.
    pub(super) fn driver(self) -> SslMode {
        match self {
            Mode::Disable => SslMode::Disable,
            Mode::Prefer => SslMode::Prefer,
            Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
        }
    }
}

/// The TLS connector for `mode`, with the roots of `root_file` when given.
pub(super) fn connector(mode: Mode, root_file: Option<&Path>) -> Result<MakeRustlsConnect> {
    let provider = Arc::new(ring::default_provider());
    let algorithms = provider.signature_verification_algorithms;
    let verifier: Arc<dyn ServerCertVerifier> = match (mode, root_file) {
        (Mode::Disable | Mode::Prefer, _) | (Mode::Require, None) => Arc::new(Lenient {
            chain: None,
            algorithms,
        }),
        (Mode::Require | Mode::VerifyCa, root) => Arc::new(Lenient {
            chain: Some(webpki(&provider, root)?),
            algorithms,
        }),
        (Mode::VerifyFull, root) => webpki(&provider, root)?,
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::storage(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// A verifier of the certificate chain and host name against the roots in `root_file` (by
/// default `~/.postgresql/root.crt`).
fn webpki(
    provider: &Arc<CryptoProvider>,
    root_file: Option<&Path>,
) -> Result<Arc<WebPkiServerVerifier>> {
    let path = match root_file {
        Some(p) => p.to_path_buf(),
        None => default_root().ok_or_else(|| {
            Error::invalid(
                "sslmode verify-ca and verify-full need root certificates: sslrootcert=PATH \
                 (~/.postgresql/root.crt is not there)",
            )
        })?,
    };
    let bad = |why: String| Error::invalid(format!("sslrootcert {}: {why}", path.display()));
    let certs = CertificateDer::pem_file_iter(&path)
        .map_err(|e| bad(e.to_string()))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| bad(e.to_string()))?;
    // A bundle may hold certificates webpki cannot use; the others still count.
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(certs);
    if roots.is_empty() {
        return Err(bad("no usable certificate in it".into()));
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| bad(e.to_string()))
}

/// `~/.postgresql/root.crt`, if it is there.
fn default_root() -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var_os("HOME")?).join(".postgresql/root.crt");
    path.is_file().then_some(path)
}

/// A verifier that does not check the host name (libpq's `verify-ca`, with the roots' chain
/// check) or nothing of the certificate (`prefer`, `require`, without one), but always that
/// the server holds the certificate's key.
#[derive(Debug)]
struct Lenient {
    chain: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

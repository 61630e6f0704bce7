//! TLS for the PostgreSQL store (rustls, so no system OpenSSL), with libpq's `sslmode`:
//!
//! - `disable`: no TLS.
//! - `prefer` (the default): TLS when the server offers it, plain otherwise; the certificate is
//!   not checked.
//! - `require`: TLS or no connection; the certificate is not checked, unless `sslrootcert` is
//!   given or `~/.postgresql/root.crt` is there (then as `verify-ca`, as libpq does).
//! - `verify-ca`: TLS, with a certificate signed by a root of `sslrootcert`.
//! - `verify-full`: as `verify-ca`, and made out to the host connected to.
//!
//! `sslrootcert` is a PEM file of root certificates; the verify modes default to
//! `~/.postgresql/root.crt`, as libpq does. `sslrootcert=system` takes the system's trusted
//! roots instead, and then, as in libpq, `verify-full` is the default and the only mode allowed.
//! A server that asks for a client certificate gets `sslcert` and `sslkey` (see `pem.rs`).
//!
//! Under `prefer`, a TLS handshake that fails is tried again without TLS, as libpq does: a
//! server whose TLS this client cannot speak (below TLS 1.2, say) is still reached.

use std::sync::Arc;

use postgres::Client;
use postgres::config::SslMode;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms, ring};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pem::{self, Identity, Roots};
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

    /// The mode's name, as `sslmode` spells it.
    fn name(self) -> &'static str {
        match self {
            Mode::Disable => "disable",
            Mode::Prefer => "prefer",
            Mode::Require => "require",
            Mode::VerifyCa => "verify-ca",
            Mode::VerifyFull => "verify-full",
        }
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

/// The mode a URL means: the one it names, else `prefer`; with `sslrootcert=system`,
/// `verify-full`, the only mode allowed there (a weaker one is [`Error::Invalid`]).
pub(super) fn resolve(asked: Option<Mode>, roots: Option<&Roots>) -> Result<Mode> {
    match (asked, roots) {
        (None, Some(Roots::System)) => Ok(Mode::VerifyFull),
        (Some(mode), Some(Roots::System)) if mode != Mode::VerifyFull => {
            Err(Error::invalid(format!(
                "sslmode {} may not be used with sslrootcert=system (use verify-full)",
                mode.name()
            )))
        }
        (asked, _) => Ok(asked.unwrap_or(Mode::Prefer)),
    }
}

/// The TLS connector for `mode`, with `roots` when given, presenting `identity` when the server
/// asks for a client certificate.
pub(super) fn connector(
    mode: Mode,
    roots: Option<&Roots>,
    identity: Option<Identity>,
) -> Result<MakeRustlsConnect> {
    // As libpq: under `require`, a root certificate file in the default place is used, and the
    // server's certificate is checked as `verify-ca` checks it.
    let mode = match (mode, roots) {
        (Mode::Require, None) if pem::default_roots().is_some() => Mode::VerifyCa,
        _ => mode,
    };
    let provider = Arc::new(ring::default_provider());
    let algorithms = provider.signature_verification_algorithms;
    let verifier: Arc<dyn ServerCertVerifier> = match (mode, roots) {
        (Mode::Disable | Mode::Prefer, _) | (Mode::Require, None) => Arc::new(Lenient {
            chain: None,
            algorithms,
        }),
        (Mode::Require | Mode::VerifyCa, roots) => Arc::new(Lenient {
            chain: Some(webpki(&provider, roots)?),
            algorithms,
        }),
        (Mode::VerifyFull, roots) => webpki(&provider, roots)?,
    };
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::storage(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match identity {
        None => builder.with_no_client_auth(),
        Some(id) => builder
            .with_client_auth_cert(id.chain, id.key)
            .map_err(|e| Error::invalid(format!("{}: {e}", id.source)))?,
    };
    Ok(MakeRustlsConnect::new(config))
}

/// Opens a connection as `mode` asks: under `prefer`, a failed TLS handshake is tried again
/// without TLS.
pub(super) fn open(
    config: &postgres::Config,
    tls: &MakeRustlsConnect,
    mode: Mode,
) -> std::result::Result<Client, postgres::Error> {
    match config.connect(tls.clone()) {
        Err(e) if mode == Mode::Prefer && handshake_failed(&e) => {
            let mut plain = config.clone();
            plain.ssl_mode(SslMode::Disable);
            plain.connect(tls.clone())
        }
        other => other,
    }
}

/// Whether the driver failed in the TLS handshake (its error kinds are private; their text is
/// not, and the broken-TLS test pins it).
fn handshake_failed(e: &postgres::Error) -> bool {
    e.to_string().starts_with("error performing TLS handshake")
}

/// A verifier of the certificate chain and host name against `roots` (by default
/// `~/.postgresql/root.crt`).
fn webpki(
    provider: &Arc<CryptoProvider>,
    roots: Option<&Roots>,
) -> Result<Arc<WebPkiServerVerifier>> {
    let (certs, source) = pem::roots(roots)?;
    let bad = |why: String| Error::invalid(format!("{source}: {why}"));
    // A bundle may hold certificates webpki cannot use; the others still count.
    let mut store = RootCertStore::empty();
    store.add_parsable_certificates(certs);
    if store.is_empty() {
        return Err(bad("no usable certificate in it".into()));
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
        .build()
        .map_err(|e| bad(e.to_string()))
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

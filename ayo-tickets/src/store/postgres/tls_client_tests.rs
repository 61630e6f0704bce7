//! Client certificates (`sslcert`, `sslkey`): a TLS server of the test's own that asks for one,
//! signed by a CA the test makes, records what the store presents.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection};

use super::PgStore;
use crate::Error;

/// A CA, a server certificate and a client certificate it signed, as files in `dir`.
struct Pki {
    dir: tempfile::TempDir,
    server: Arc<ServerConfig>,
    client: CertificateDer<'static>,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "ayo test CA");
        let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();

        let server_key = KeyPair::generate().unwrap();
        let server_cert = CertificateParams::new(vec!["localhost".to_string()])
            .unwrap()
            .signed_by(&server_key, &ca)
            .unwrap();
        let client_key = KeyPair::generate().unwrap();
        let mut client = CertificateParams::new(Vec::<String>::new()).unwrap();
        client.distinguished_name.push(DnType::CommonName, "agent");
        let client = client.signed_by(&client_key, &ca).unwrap();
        std::fs::write(dir.path().join("client.crt"), client.pem()).unwrap();
        std::fs::write(dir.path().join("client.key"), client_key.serialize_pem()).unwrap();
        let other = KeyPair::generate().unwrap();
        std::fs::write(dir.path().join("other.key"), other.serialize_pem()).unwrap();

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        roots.add(ca.der().clone()).unwrap();
        let verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .unwrap();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let server = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(vec![server_cert.der().clone()], key)
            .unwrap();
        Pki {
            dir,
            server: Arc::new(server),
            client: client.der().clone(),
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Serves one connection: says yes to PostgreSQL's TLS request, runs the handshake with a
/// client certificate required, and reports the certificate the client presented (None when
/// the handshake failed), then hangs up. Returns its port.
fn one_tls_server(
    config: Arc<ServerConfig>,
) -> (u16, mpsc::Receiver<Option<CertificateDer<'static>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut tcp, _) = listener.accept().unwrap();
        let mut request = [0u8; 8];
        tcp.read_exact(&mut request).unwrap();
        tcp.write_all(b"S").unwrap();
        let mut conn = ServerConnection::new(config).unwrap();
        let mut presented = None;
        while conn.is_handshaking() {
            if conn.complete_io(&mut tcp).is_err() {
                break;
            }
        }
        if !conn.is_handshaking() {
            presented = conn.peer_certificates().and_then(|c| c.first()).cloned();
        }
        tx.send(presented).unwrap();
    });
    (port, rx)
}

/// Connects to a fresh server with the URL query `query`; returns the store's error and what
/// the server saw.
fn present(pki: &Pki, query: &str) -> (Error, Option<CertificateDer<'static>>) {
    let (port, seen) = one_tls_server(pki.server.clone());
    let url = format!("postgres://agent@127.0.0.1:{port}/test?sslmode=require&{query}");
    // The server hangs up after the handshake: the store never gets to PostgreSQL's startup.
    let err = PgStore::connect(&url).map(|_| ()).unwrap_err();
    (err, seen.recv().unwrap())
}

fn arg(name: &str, path: &Path) -> String {
    format!("{name}={}", path.display())
}

#[test]
fn the_client_certificate_is_presented_when_the_server_asks() {
    let pki = Pki::new();
    let query = format!(
        "{}&{}",
        arg("sslcert", &pki.file("client.crt")),
        arg("sslkey", &pki.file("client.key"))
    );
    let (err, seen) = present(&pki, &query);
    assert_eq!(err.code(), "STORAGE", "{err}");
    assert_eq!(
        seen.as_ref(),
        Some(&pki.client),
        "the server saw our certificate"
    );
}

#[test]
fn without_a_certificate_a_server_that_requires_one_refuses() {
    if super::pem::identity(None, None).unwrap().is_some() {
        eprintln!(
            "NOTICE: ~/.postgresql/postgresql.crt is there: the no-certificate case did not run"
        );
        return;
    }
    let pki = Pki::new();
    let (err, seen) = present(&pki, "");
    assert_eq!(err.code(), "STORAGE", "{err}");
    assert_eq!(seen, None);
}

#[test]
fn a_key_that_is_not_the_certificates_is_refused() {
    let pki = Pki::new();
    let query = format!(
        "{}&{}",
        arg("sslcert", &pki.file("client.crt")),
        arg("sslkey", &pki.file("other.key"))
    );
    let url = format!("postgres://agent@127.0.0.1:1/test?sslmode=require&{query}");
    match PgStore::connect(&url) {
        // rustls checks that the key is the certificate's before any connection.
        Err(err) => {
            assert_eq!(err.code(), "INVALID", "{err}");
            assert!(err.to_string().contains("other.key"), "{err}");
        }
        Ok(_) => panic!("connected with a key that is not the certificate's"),
    }
}

#[test]
fn bad_certificate_and_key_files_are_invalid_and_named() {
    let pki = Pki::new();
    let missing = pki.file("missing.crt");
    std::fs::write(pki.file("empty.crt"), "").unwrap();
    let connect = |query: String| {
        PgStore::connect(&format!("postgres://agent@127.0.0.1:1/test?{query}")).unwrap_err()
    };
    let key = arg("sslkey", &pki.file("client.key"));
    for (query, named) in [
        (format!("{}&{key}", arg("sslcert", &missing)), "missing.crt"),
        (
            format!("{}&{key}", arg("sslcert", &pki.file("empty.crt"))),
            "empty.crt",
        ),
        (
            format!(
                "{}&{}",
                arg("sslcert", &pki.file("client.crt")),
                arg("sslkey", &pki.file("client.crt"))
            ),
            "sslkey",
        ),
    ] {
        let err = connect(query);
        assert_eq!(err.code(), "INVALID", "{err}");
        assert!(err.to_string().contains(named), "{named}: {err}");
    }
    if super::pem::identity(None, None).unwrap().is_none() {
        let err = connect(arg("sslkey", &pki.file("client.key")));
        assert_eq!(err.code(), "INVALID");
        assert!(
            err.to_string().contains("sslkey needs its certificate"),
            "{err}"
        );
    }
}

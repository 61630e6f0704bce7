//! A TLS server of the test's own in PostgreSQL's place: it says yes to the TLS request, runs
//! the handshake with a client certificate required (signed by the test's CA), reports the
//! certificate the client presented and hangs up.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, mpsc};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection};

use super::pki::Pki;

/// What the server saw: the client's certificate, None when the handshake failed.
pub type Seen = mpsc::Receiver<Option<CertificateDer<'static>>>;

/// Serves one connection on a port of its own (returned).
pub fn serve_one(pki: &Pki) -> (u16, Seen) {
    let config = Arc::new(config(pki));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut tcp, _) = listener.accept().unwrap();
        let mut request = [0u8; 8];
        tcp.read_exact(&mut request).unwrap();
        tcp.write_all(b"S").unwrap();
        let mut conn = ServerConnection::new(config).unwrap();
        while conn.is_handshaking() {
            if conn.complete_io(&mut tcp).is_err() {
                break;
            }
        }
        let presented = match conn.is_handshaking() {
            true => None,
            false => conn.peer_certificates().and_then(|c| c.first()).cloned(),
        };
        tx.send(presented).unwrap();
    });
    (port, rx)
}

fn config(pki: &Pki) -> ServerConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(pki.file("ca.crt")).unwrap())
        .unwrap();
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .unwrap();
    let cert = CertificateDer::from_pem_file(pki.file("server.crt")).unwrap();
    let key = PrivateKeyDer::from_pem_file(pki.file("server.key")).unwrap();
    ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![cert], key)
        .unwrap()
}

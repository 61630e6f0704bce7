//! Certificates made for the test: a CA, a server certificate and client certificates it
//! signed, written as PEM files into a directory of their own.

use std::path::PathBuf;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, Issuer, KeyPair, SigningKey,
};
use rustls::pki_types::CertificateDer;

/// A CA and the files it signed.
pub struct Pki {
    pub dir: tempfile::TempDir,
    /// `client.crt` in DER, to compare with what a server saw.
    pub client: CertificateDer<'static>,
}

impl Pki {
    /// Makes, in a new directory: `ca.crt`; `server.crt`/`server.key` for 127.0.0.1 and
    /// localhost; `client.crt`/`client.key` for the user `client_user`; `stranger.crt` and
    /// `stranger.key`, a client certificate for the same user from another CA; `other.key`, a key
    /// of no certificate.
    pub fn new(client_user: &str) -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: String| std::fs::write(dir.path().join(name), text).unwrap();
        let ca = ca("ayo test CA");
        write("ca.crt", ca.pem());
        let key = KeyPair::generate().unwrap();
        let server = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()])
            .unwrap()
            .signed_by(&key, &ca)
            .unwrap();
        write("server.crt", server.pem());
        write("server.key", key.serialize_pem());
        let client = leaf(client_user, &ca);
        write("client.crt", client.0.clone());
        write("client.key", client.1);
        let stranger = leaf(client_user, &self::ca("another CA"));
        write("stranger.crt", stranger.0);
        write("stranger.key", stranger.1);
        write("other.key", KeyPair::generate().unwrap().serialize_pem());
        let client =
            rustls::pki_types::pem::PemObject::from_pem_slice(client.0.as_bytes()).unwrap();
        Pki { dir, client }
    }

    /// The path of one of the files.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `name=path` for a URL query.
    pub fn arg(&self, name: &str, file: &str) -> String {
        format!("{name}={}", self.file(file).display())
    }
}

/// A self-signed CA.
fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// A client certificate for `user` (its common name) signed by `ca`: (certificate, key) in PEM.
fn leaf(user: &str, ca: &Issuer<'_, impl SigningKey>) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, user);
    (
        params.signed_by(&key, ca).unwrap().pem(),
        key.serialize_pem(),
    )
}

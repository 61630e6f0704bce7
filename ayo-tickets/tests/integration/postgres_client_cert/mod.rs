//! Client certificates for the PostgreSQL store (`sslcert`, `sslkey`): presented to a TLS
//! server of the test's own that requires one, and accepted by a real PostgreSQL server set up
//! for certificate logins only (a cluster the test starts: the shared test server is not set
//! up that way).

mod cluster;
mod fake_server;
mod pki;

use ayo_tickets::{Error, NewTicket, Tickets};
use cluster::Cluster;
use pki::Pki;

/// The user the client certificates are made out to (`cert` logins take the common name).
const USER: &str = "postgres";

/// Whether libpq's default client certificate is there (it would be presented unasked).
fn default_cert_exists() -> bool {
    std::env::var_os("HOME").is_some_and(|h| {
        std::path::Path::new(&h)
            .join(".postgresql/postgresql.crt")
            .is_file()
    })
}

/// Connects to a fake server with `query`; returns the store's error and what the server saw.
fn present(pki: &Pki, query: &str) -> (Error, Option<rustls::pki_types::CertificateDer<'static>>) {
    let (port, seen) = fake_server::serve_one(pki);
    let url = format!("postgres://{USER}@127.0.0.1:{port}/test?sslmode=require&{query}");
    // The server hangs up after the handshake: the store never gets to PostgreSQL's startup.
    let err = Tickets::connect(&url).map(|_| ()).unwrap_err();
    (err, seen.recv().unwrap())
}

#[test]
fn the_client_certificate_is_presented_when_the_server_asks() {
    let pki = Pki::new(USER);
    let query = format!(
        "{}&{}",
        pki.arg("sslcert", "client.crt"),
        pki.arg("sslkey", "client.key")
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
    if default_cert_exists() {
        eprintln!(
            "NOTICE: ~/.postgresql/postgresql.crt is there: the no-certificate case did not run"
        );
        return;
    }
    let pki = Pki::new(USER);
    let (err, seen) = present(&pki, "");
    assert_eq!(err.code(), "STORAGE", "{err}");
    assert_eq!(seen, None);
}

#[test]
fn a_key_that_is_not_the_certificates_is_invalid() {
    let pki = Pki::new(USER);
    let query = format!(
        "{}&{}",
        pki.arg("sslcert", "client.crt"),
        pki.arg("sslkey", "other.key")
    );
    // rustls checks that the key is the certificate's before any connection (port 1: none).
    let err = Tickets::connect(&format!("postgres://u@127.0.0.1:1/test?{query}")).unwrap_err();
    assert_eq!(err.code(), "INVALID", "{err}");
    assert!(err.to_string().contains("other.key"), "{err}");
}

#[test]
fn bad_certificate_and_key_files_are_invalid_and_named() {
    let pki = Pki::new(USER);
    std::fs::write(pki.file("empty.crt"), "").unwrap();
    let connect = |query: String| {
        Tickets::connect(&format!("postgres://u@127.0.0.1:1/test?{query}")).unwrap_err()
    };
    let key = pki.arg("sslkey", "client.key");
    for (query, named) in [
        (
            format!("{}&{key}", pki.arg("sslcert", "missing.crt")),
            "missing.crt",
        ),
        (
            format!("{}&{key}", pki.arg("sslcert", "empty.crt")),
            "empty.crt",
        ),
        (
            format!(
                "{}&{}",
                pki.arg("sslcert", "client.crt"),
                pki.arg("sslkey", "client.crt")
            ),
            "sslkey",
        ),
    ] {
        let err = connect(query);
        assert_eq!(err.code(), "INVALID", "{err}");
        assert!(err.to_string().contains(named), "{named}: {err}");
    }
    if !default_cert_exists() {
        let err = connect(key);
        assert_eq!(err.code(), "INVALID");
        assert!(
            err.to_string().contains("sslkey needs its certificate"),
            "{err}"
        );
    }
}

#[test]
fn a_real_server_takes_a_certificate_login_and_refuses_the_rest() {
    let pki = Pki::new(USER);
    let cluster = match Cluster::start(&pki) {
        Ok(c) => c,
        Err(why) => {
            eprintln!(
                "NOTICE: no PostgreSQL server of the test's own ({why}): the certificate-login case did not run"
            );
            return;
        }
    };
    let url = |query: String| {
        format!(
            "postgres://{USER}@127.0.0.1:{}/postgres?schema=certs&sslmode=verify-full&{}&{query}",
            cluster.port,
            pki.arg("sslrootcert", "ca.crt")
        )
    };
    let login = |cert: &str, key: &str| {
        Tickets::connect(&url(format!(
            "{}&{}",
            pki.arg("sslcert", cert),
            pki.arg("sslkey", key)
        )))
    };
    let t = login("client.crt", "client.key").unwrap();
    let a = t
        .create(NewTicket::new("over a certificate login"))
        .unwrap();
    assert_eq!(t.get(&a.id).unwrap().title, "over a certificate login");

    // A certificate from another CA, or none: the server refuses.
    let err = login("stranger.crt", "stranger.key")
        .map(|_| ())
        .unwrap_err();
    assert_eq!(err.code(), "STORAGE", "{err}");
    if !default_cert_exists() {
        let err = Tickets::connect(&url(String::new()))
            .map(|_| ())
            .unwrap_err();
        assert_eq!(err.code(), "STORAGE", "{err}");
        assert!(err.to_string().contains("certificate"), "{err}");
    }
}

//! TLS against the live test server: what each `sslmode` does, and `prefer` before a server
//! whose TLS handshake fails.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::PgStore;
use crate::{NewTicket, Tickets};
use ayo_test_support::{Schema, available, base_url};

/// Whether a new connection of the store uses TLS, as the server sees it.
fn uses_tls(store: &PgStore) -> bool {
    let mut c = store.shared.connect().unwrap();
    let row = c
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap();
    row.get(0)
}

#[test]
fn tls_as_sslmode_asks() {
    if !available() {
        return;
    }
    let mut admin = postgres::Client::connect(&base_url(), postgres::NoTls).unwrap();
    let ssl: String = admin.query_one("SHOW ssl", &[]).unwrap().get(0);
    let cert: String = admin.query_one("SHOW ssl_cert_file", &[]).unwrap().get(0);
    if ssl != "on" || !std::path::Path::new(&cert).is_file() {
        eprintln!(
            "NOTICE: the test server has no TLS (or its certificate is not readable): the TLS cases did not run"
        );
        return;
    }
    let schema = Schema::new("tls");
    let with = |url: &str, query: &str| PgStore::connect(&format!("{url}&{query}"));
    assert!(
        uses_tls(&PgStore::connect(&schema.url).unwrap()),
        "prefer, the default"
    );
    assert!(!uses_tls(&with(&schema.url, "sslmode=disable").unwrap()));
    assert!(uses_tls(&with(&schema.url, "sslmode=require").unwrap()));
    // The server's own certificate as the root: it signs itself.
    let root = format!("sslrootcert={cert}");
    let ca = with(&schema.url, &format!("sslmode=verify-ca&{root}")).unwrap();
    assert!(uses_tls(&ca));
    // verify-full also wants the host's name in the certificate: 127.0.0.1 is not in it (this
    // test's server has Debian's certificate, made out to localhost).
    let full = with(&schema.url, &format!("sslmode=verify-full&{root}"));
    let err = full.unwrap_err();
    assert_eq!(err.code(), "STORAGE");
    assert!(err.to_string().contains("certificate"), "{err}");
    let localhost = schema.url.replacen("@127.0.0.1", "@localhost", 1);
    if localhost != schema.url {
        let full = with(&localhost, &format!("sslmode=verify-full&{root}")).unwrap();
        assert!(uses_tls(&full));
    }
    // Roots that did not sign it: no connection, in any verify mode.
    let others = "sslrootcert=/etc/ssl/certs/ca-certificates.crt";
    if std::path::Path::new("/etc/ssl/certs/ca-certificates.crt").is_file() {
        for mode in ["require", "verify-ca", "verify-full"] {
            let err = with(&schema.url, &format!("sslmode={mode}&{others}")).unwrap_err();
            assert_eq!(err.code(), "STORAGE", "{mode}: {err}");
            assert!(err.to_string().contains("certificate"), "{mode}: {err}");
        }
    }
    // The system's roots did not sign it either (Debian's snake-oil certificate is not among
    // them): sslrootcert=system checks, as verify-full.
    if !rustls_native_certs::load_native_certs().certs.is_empty() {
        let err = with(&schema.url, "sslrootcert=system").unwrap_err();
        assert_eq!(err.code(), "STORAGE", "{err}");
        assert!(err.to_string().contains("certificate"), "{err}");
    }
}

/// The bytes of PostgreSQL's SSLRequest: length 8, code 80877103.
const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];

/// A server in front of the test server at `upstream` whose TLS no client can speak: it says
/// yes to a TLS request and then sends bytes that are not TLS. Plain connections pass through.
/// Returns its port and the count of TLS requests it got.
fn broken_tls_proxy(upstream: String) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let asked = Arc::new(AtomicUsize::new(0));
    let count = asked.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { continue };
            let mut head = [0u8; 8];
            if client.read_exact(&mut head).is_err() {
                continue;
            }
            if head == SSL_REQUEST {
                count.fetch_add(1, Ordering::SeqCst);
                let _ = client.write_all(b"Sthis is not TLS\n");
                continue;
            }
            let Ok(mut server) = TcpStream::connect(&upstream) else {
                continue;
            };
            if server.write_all(&head).is_ok() {
                pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                pipe(server, client);
            }
        }
    });
    (port, asked)
}

/// Copies `from` to `to` on a thread of its own until `from` ends.
fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(Shutdown::Write);
    });
}

#[test]
fn prefer_tries_plain_when_the_tls_handshake_fails() {
    if !available() {
        return;
    }
    let config: postgres::Config = base_url().parse().unwrap();
    let Some(postgres::config::Host::Tcp(host)) = config.get_hosts().first() else {
        eprintln!(
            "NOTICE: the test server is not reached over TCP: the broken-TLS case did not run"
        );
        return;
    };
    let upstream = format!(
        "{host}:{}",
        config.get_ports().first().copied().unwrap_or(5432)
    );
    let (port, asked) = broken_tls_proxy(upstream);
    let schema = Schema::new("tls_broken");
    let url = ayo_test_support::via_port(&schema.url, port);

    let store = PgStore::connect(&url).unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 1, "TLS was tried first");
    assert!(!uses_tls(&store), "then plain");
    assert_eq!(
        asked.load(Ordering::SeqCst),
        2,
        "each new connection tries TLS first"
    );
    let t = Tickets::with_store(Arc::new(store)).unwrap();
    let a = t.create(NewTicket::new("reached without TLS")).unwrap();
    assert_eq!(t.get(&a.id).unwrap().title, "reached without TLS");

    // Every other mode insists on TLS: no connection, and the error says why.
    let mut insisting = vec!["sslmode=require"];
    if !rustls_native_certs::load_native_certs().certs.is_empty() {
        insisting.push("sslrootcert=system"); // verify-full
    }
    for query in insisting {
        let err = PgStore::connect(&format!("{url}&{query}")).unwrap_err();
        assert_eq!(err.code(), "STORAGE", "{query}: {err}");
        assert!(err.to_string().contains("TLS handshake"), "{query}: {err}");
    }
}

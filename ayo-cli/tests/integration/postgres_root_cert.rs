//! `sslmode=require` with libpq's default root certificates, `~/.postgresql/root.crt`, there:
//! the server's certificate is checked as `verify-ca` checks it, as libpq does. Each run gets
//! a `HOME` of its own.

use crate::common;

use ayo_test_support::{Schema, available, client};
use common::Ayo;

/// Runs `ayo ticket list` on `url` with `HOME` holding `root` as `.postgresql/root.crt`.
fn list_with_root(url: &str, root: &str) -> common::Run {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".postgresql")).unwrap();
    std::fs::write(home.path().join(".postgresql/root.crt"), root).unwrap();
    Ayo::new()
        .with_env("HOME", home.path())
        .run(&["--store", url, "ticket", "list"])
}

#[test]
fn require_checks_the_certificate_against_a_default_root_crt() {
    if !available() {
        return;
    }
    let mut admin = client();
    let ssl: String = admin.query_one("SHOW ssl", &[]).unwrap().get(0);
    let cert: String = admin.query_one("SHOW ssl_cert_file", &[]).unwrap().get(0);
    let Ok(server_cert) = std::fs::read_to_string(&cert) else {
        eprintln!("NOTICE: the test server's certificate is not readable: the case did not run");
        return;
    };
    if ssl != "on" {
        eprintln!("NOTICE: the test server has no TLS: the case did not run");
        return;
    }
    let schema = Schema::new("root_crt");
    let url = format!("{}&sslmode=require", schema.url);
    // A root that did not sign the server's certificate: no connection.
    let stranger = rcgen::generate_simple_self_signed(vec!["stranger".to_string()])
        .unwrap()
        .cert
        .pem();
    let refused = list_with_root(&url, &stranger);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(refused.stderr.contains("certificate"), "{refused:?}");
    // The server's own certificate (it signs itself) as the root: it connects, although the
    // name in it (Debian's is made out to the machine's name) is not the host connected to.
    let accepted = list_with_root(&url, &server_cert);
    assert_eq!(accepted.code, 0, "{accepted:?}");
}

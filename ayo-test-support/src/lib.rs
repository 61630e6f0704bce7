//! For the tests and benches of ayo-tickets and its front ends: the test server, whether it
//! answers, and a schema of each test's own; [`git::git`], to make real repositories; and the
//! conformance table's Rust runner loop ([`conformance`]).
//!
//! The server is `$AYO_TEST_POSTGRES_URL`, else `postgres://postgres@127.0.0.1:5432/test`. When
//! it cannot be reached, [`available`] prints a notice and returns false, except with
//! `CI=true`, where it panics: in CI a PostgreSQL test that cannot run fails.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub mod conformance;
pub mod git;

/// The test server's URL, without a schema.
pub fn base_url() -> String {
    std::env::var("AYO_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// `url` with its host and port replaced by 127.0.0.1:`port` (a proxy's, in front of the test
/// server).
pub fn via_port(url: &str, port: u16) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (authority, path) = rest.split_once('/').unwrap();
    let user = authority
        .rsplit_once('@')
        .map(|(u, _)| format!("{u}@"))
        .unwrap_or_default();
    format!("{scheme}://{user}127.0.0.1:{port}/{path}")
}

/// A client of the test server, outside any store (for setting up and checking).
pub fn client() -> postgres::Client {
    postgres::Client::connect(&base_url(), postgres::NoTls).expect("connect to the test server")
}

/// True when the test server answers; otherwise prints a notice (once), or panics under
/// `CI=true`.
pub fn available() -> bool {
    static UP: OnceLock<Result<(), String>> = OnceLock::new();
    let up = UP.get_or_init(|| {
        let mut config: postgres::Config = base_url().parse().map_err(|e| format!("{e}"))?;
        config.connect_timeout(Duration::from_secs(3));
        match config.connect(postgres::NoTls) {
            Ok(_) => Ok(()),
            Err(e) => {
                let msg = format!("PostgreSQL at {} is unreachable: {e}", base_url());
                notice(&format!("{msg}; the PostgreSQL tests did not run"));
                Err(msg)
            }
        }
    });
    match up {
        Ok(()) => true,
        Err(msg) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{msg} (CI=true: a PostgreSQL test that cannot run fails)")
        }
        Err(_) => false,
    }
}

/// A uniquely named schema (the store creates it on open), dropped with this value.
pub struct Schema {
    /// The schema's name.
    pub name: String,
    /// The test server's URL naming the schema.
    pub url: String,
}

impl Schema {
    /// A new name, unique across processes and calls; `tag` says whose it is.
    pub fn new(tag: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "ayo_test_{tag}_{}_{}_{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let base = base_url();
        let sep = if base.contains('?') { '&' } else { '?' };
        Schema {
            url: format!("{base}{sep}schema={name}"),
            name,
        }
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&base_url(), postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name));
        }
    }
}

/// Prints a notice on the real stderr (not captured by the test harness), so that a run that
/// skipped the PostgreSQL tests says so.
pub fn notice(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "NOTICE: {text}");
}

/// The `.md` files of a directory, by name, with their bytes (to compare stores byte for byte).
pub fn md_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".md"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

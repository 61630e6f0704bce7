//! The PostgreSQL store (feature `postgres`): for agents on many hosts.
//!
//! One schema holds a store: the tables `tickets` and `audit_log` and a version, created and
//! migrated on open under an advisory lock, so several processes can open a store at once. The
//! URL names the schema (`?schema=team_a`), else the first schema of the connection's
//! `search_path` (which `options=-csearch_path%3Dteam_a` sets) is used.
//!
//! Transactions follow the [`Txn`] contract:
//! - a read runs in one `REPEATABLE READ READ ONLY` transaction: one consistent snapshot;
//! - a write takes a transaction-level advisory lock (exclusive, per schema) before its first
//!   read, so the core's rules, which read then write (the cycle check among them), stay atomic
//!   across connections and hosts;
//! - a claim takes the same lock in shared mode, so that claimers run side by side but never
//!   beside a writer, and picks its ticket in one statement with `FOR UPDATE SKIP LOCKED`
//!   ([`Txn::claim_native`]); two claimers never get the same ticket.
//!
//! Committed writes send a `NOTIFY` on a channel named after the schema; waiters `LISTEN` on a
//! connection of their own ([`Store::changes`]). A claim notifies just after its commit, in a
//! transaction of its own that does not wait for the flush: a `NOTIFY` holds a global lock until
//! its commit is flushed, so claimers that notified inside their transaction would commit one at
//! a time.
//! Leases and timestamps use the server's clock. Timestamps are kept to the microsecond.
//!
//! The store takes the planner's statistics of `tickets` itself (after a commit of many rows,
//! and on open when they are stale): a server may run without autovacuum, and without them a
//! claim reads every row instead of walking the ready index.
//!
//! ```no_run
//! use ayo_tickets::{NewTicket, Tickets};
//! let t = Tickets::connect("postgres://postgres@127.0.0.1:5432/test?schema=team_a")?;
//! let a = t.create(NewTicket::new("Extract data"))?;
//! assert_eq!(t.claim("@worker", Default::default())?.unwrap().id, a.id);
//! # Ok::<(), ayo_tickets::Error>(())
//! ```

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use postgres::config::Host;
use postgres::{Client, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{Access, ChangeFeed, Store, Txn};
use crate::error::{Error, Result};

mod feed;
mod pem;
mod row;
mod schema;
#[cfg(test)]
mod stats_tests;
#[cfg(test)]
mod tests;
mod tls;
#[cfg(test)]
mod tls_tests;
mod txn;
mod url;

use schema::{Q, STATEMENTS};

/// How many times opening a store is tried when the server ends the session.
const OPEN_ATTEMPTS: u32 = 10;

/// Idle connections kept for the next transactions.
const MAX_IDLE: usize = 16;

/// A store in one schema of a PostgreSQL database. Cheap to clone; clones share a pool of
/// connections.
#[derive(Clone)]
pub struct PgStore {
    shared: Arc<Shared>,
}

/// What every transaction and feed of a store shares.
struct Shared {
    config: postgres::Config,
    /// The TLS connector the URL's `sslmode` asks for.
    tls: MakeRustlsConnect,
    /// The URL's `sslmode`.
    mode: tls::Mode,
    schema: String,
    /// The schema's advisory lock key and channel name are derived from this hash.
    key: i32,
    channel: String,
    sql: Vec<String>,
    pool: Mutex<Vec<Conn>>,
    location: String,
    /// The last time handed out, in microseconds: times from one handle strictly increase.
    last_micros: AtomicI64,
    /// The server's clock as a transaction of this handle last read it (microseconds, and
    /// when here): a transaction that needs the time before its first statement starts from
    /// it while it is fresh ([`CLOCK_REUSE`]), saving a round trip.
    clock: Mutex<Option<(i64, std::time::Instant)>>,
    /// How long a writer waits for the schema's write lock, in ms (`SET LOCAL lock_timeout`).
    lock_timeout_ms: std::sync::atomic::AtomicU64,
    /// The listener every change feed of this handle shares, while one runs.
    listener: feed::Slot,
}

/// How long a reading of the server's clock is reused, advanced by the local monotonic
/// clock: the two drift apart by microseconds in that time.
const CLOCK_REUSE: std::time::Duration = std::time::Duration::from_secs(1);

/// A pooled connection and its prepared statements.
struct Conn {
    client: Client,
    prepared: Vec<Option<Statement>>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("location", &self.shared.location)
            .finish()
    }
}

impl PgStore {
    /// Opens the store a `postgres://` URL names, creating or migrating its schema.
    ///
    /// Errors: [`Error::Invalid`] for a bad URL or schema name, [`Error::Storage`] when the
    /// server cannot be reached or refuses.
    pub fn connect(url: &str) -> Result<Self> {
        Self::open(url, true)
    }

    /// Opens the store a `postgres://` URL names only when its schema already holds one
    /// (migrating it if older): a store to copy from, where a mistyped schema must not pass
    /// for an empty store. Errors as [`PgStore::connect`], and [`Error::Storage`] when there is
    /// no store there (nothing is created).
    pub fn connect_existing(url: &str) -> Result<Self> {
        Self::open(url, false)
    }

    /// Opens the store; a session the server ends on the way (a restart, an administrator's
    /// `pg_terminate_backend`) is opened again, up to [`OPEN_ATTEMPTS`] times: nothing was
    /// written yet but the schema's creation or migration, which is all or nothing.
    fn open(url: &str, create: bool) -> Result<Self> {
        let target = url::parse(url)?;
        let mut attempt = 1;
        loop {
            match Self::open_once(&target, create) {
                Ok(store) => return Ok(store),
                Err((e, true)) if attempt < OPEN_ATTEMPTS => {
                    let _ = e;
                    std::thread::sleep(std::time::Duration::from_millis(5 << attempt.min(6)));
                    attempt += 1;
                }
                Err((e, _)) => return Err(e),
            }
        }
    }

    /// One attempt of [`PgStore::open`]: its error, and whether the session was ended.
    fn open_once(target: &url::Target, create: bool) -> std::result::Result<Self, (Error, bool)> {
        let mut client = tls::open(&target.config, &target.tls, target.mode)
            .map_err(|e| (connect_err(&target.config, &e), session_ended(&e)))?;
        // A failure on a connection that no longer answers is the session's end, not the
        // statement's.
        let ended = |client: &mut Client, e: Error| {
            let lost = client.is_closed() || client.simple_query("").is_err();
            (e, lost)
        };
        let schema = match &target.schema {
            Some(s) => s.clone(),
            None => search_path_schema(&mut client).map_err(|e| ended(&mut client, e))?,
        };
        let hash = fnv1a(schema.as_bytes());
        let key = (hash ^ (hash >> 32)) as u32 as i32;
        let location = location(&target.config, &schema);
        if !create && !schema::exists(&mut client, &schema).map_err(|e| ended(&mut client, e))? {
            return Err((
                Error::storage(format!(
                    "no ticket store at {location} (nothing was created there)"
                )),
                false,
            ));
        }
        schema::migrate(&mut client, &schema, key).map_err(|e| ended(&mut client, e))?;
        schema::refresh_stats(&mut client, &schema, false);
        let shared = Shared {
            config: target.config.clone(),
            tls: target.tls.clone(),
            mode: target.mode,
            key,
            channel: format!("ayo_{hash:016x}"),
            sql: schema::statements(&schema),
            schema,
            pool: Mutex::new(vec![Conn::new(client)]),
            location,
            last_micros: AtomicI64::new(0),
            clock: Mutex::new(None),
            lock_timeout_ms: std::sync::atomic::AtomicU64::new(30_000),
            listener: Mutex::default(),
        };
        Ok(PgStore {
            shared: Arc::new(shared),
        })
    }

    /// The schema that holds this store.
    pub fn schema(&self) -> &str {
        &self.shared.schema
    }
}

/// A bare client of the server a store URL names, connected as the store connects (the URL's
/// `sslmode` and TLS, the same driver), outside any store: for tools that compare the store
/// with bare SQL, such as the claim bench's floor.
///
/// Errors: as [`PgStore::connect`], but no schema is read or made.
pub fn bare_client(url: &str) -> Result<Client> {
    let target = url::parse(url)?;
    tls::open(&target.config, &target.tls, target.mode).map_err(|e| connect_err(&target.config, &e))
}

impl Store for PgStore {
    fn begin(&self, access: Access) -> Result<Box<dyn Txn>> {
        let conn = self.shared.checkout()?;
        Ok(Box::new(txn::PgTxn::new(self.shared.clone(), conn, access)))
    }

    fn changes(&self) -> Result<Box<dyn ChangeFeed>> {
        Ok(Box::new(feed::PgFeed::listen(&self.shared)?))
    }

    fn location(&self) -> String {
        self.shared.location.clone()
    }

    fn place(&self) -> Option<crate::scope::StoreChoice> {
        Some(crate::scope::StoreChoice::Url(self.location()))
    }

    fn set_lock_timeout(&self, timeout: std::time::Duration) {
        // PostgreSQL reads a lock_timeout of 0 as "wait forever": 1 ms is "do not wait".
        let ms = u64::try_from(timeout.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        self.shared
            .lock_timeout_ms
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Shared {
    /// A new connection.
    /// A new connection; one the server ends while it starts (a restart, an administrator's
    /// termination) is tried again, up to [`OPEN_ATTEMPTS`] times.
    fn connect(&self) -> Result<Client> {
        let mut attempt = 1;
        loop {
            match tls::open(&self.config, &self.tls, self.mode) {
                Err(e) if attempt < OPEN_ATTEMPTS && session_ended(&e) => {
                    std::thread::sleep(std::time::Duration::from_millis(5 << attempt.min(6)));
                    attempt += 1;
                }
                r => return r.map_err(|e| connect_err(&self.config, &e)),
            }
        }
    }

    fn pool(&self) -> MutexGuard<'_, Vec<Conn>> {
        self.pool.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An idle connection from the pool, else a new one.
    fn checkout(&self) -> Result<Conn> {
        while let Some(c) = self.pool().pop() {
            if !c.client.is_closed() {
                return Ok(c);
            }
        }
        Ok(Conn::new(self.connect()?))
    }

    /// Gives a connection back, outside any transaction.
    fn checkin(&self, conn: Conn) {
        if conn.client.is_closed() {
            return;
        }
        let mut pool = self.pool();
        if pool.len() < MAX_IDLE {
            pool.push(conn);
        }
    }

    /// A reading of the server's clock younger than [`CLOCK_REUSE`], if any.
    fn fresh_clock(&self) -> Option<(i64, std::time::Instant)> {
        let c = *self.clock.lock().unwrap_or_else(|e| e.into_inner());
        c.filter(|(_, at)| at.elapsed() < CLOCK_REUSE)
    }

    /// Records a reading of the server's clock.
    fn saw_clock(&self, reading: (i64, std::time::Instant)) {
        *self.clock.lock().unwrap_or_else(|e| e.into_inner()) = Some(reading);
    }

    /// `micros` or, if this handle already gave out a time at or after it, one microsecond
    /// later than that.
    fn monotonic(&self, micros: i64) -> i64 {
        let mut last = self.last_micros.load(Ordering::Relaxed);
        loop {
            let next = micros.max(last + 1);
            match self.last_micros.compare_exchange_weak(
                last,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return next,
                Err(seen) => last = seen,
            }
        }
    }
}

impl Conn {
    fn new(client: Client) -> Self {
        Conn {
            client,
            prepared: vec![None; STATEMENTS],
        }
    }

    /// The statement `q`, prepared on this connection the first time it is used.
    fn statement(
        &mut self,
        sql: &[String],
        q: Q,
    ) -> std::result::Result<Statement, postgres::Error> {
        if let Some(s) = &self.prepared[q as usize] {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&sql[q as usize])?;
        self.prepared[q as usize] = Some(s.clone());
        Ok(s)
    }
}

/// True when the server ended the session or the connection broke: the operator's class of
/// errors (`57P..`: an administrator's termination, a shutdown, a restart), a connection
/// exception (`08...`), or a closed connection. Not a refusal such as a failed login.
fn session_ended(e: &postgres::Error) -> bool {
    e.is_closed()
        || e.code()
            .is_some_and(|c| c.code().starts_with("57P") || c.code().starts_with("08"))
}

/// A database error as a Storage error, with the server's message.
fn db_err(e: impl std::borrow::Borrow<postgres::Error>) -> Error {
    let e = e.borrow();
    if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) {
        // Only the write lock is taken with a lock_timeout: `PgTxn::begin_as` names it and
        // its holder.
        return Error::Busy {
            lock: "the store's write lock".into(),
            holder: None,
        };
    }
    match e.as_db_error() {
        Some(db) => {
            let detail = db.detail().map(|d| format!(" ({d})")).unwrap_or_default();
            Error::storage(format!("postgres: {}{detail}", db.message()))
        }
        None => {
            // The driver's own errors say what failed; their source says why.
            let why = std::error::Error::source(e)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            Error::storage(format!("postgres: {e}{why}"))
        }
    }
}

fn connect_err(config: &postgres::Config, e: &postgres::Error) -> Error {
    Error::storage(format!(
        "cannot connect to {}: {}",
        server(config),
        db_err(e)
            .to_string()
            .trim_start_matches("storage: postgres: ")
    ))
}

/// The schema a URL without `?schema=` means: the connection's current schema, else the first
/// one its `search_path` names (created on open).
fn search_path_schema(client: &mut Client) -> Result<String> {
    let row = client
        .query_one(
            "SELECT current_schema()::text, current_setting('search_path'), current_user::text",
            &[],
        )
        .map_err(db_err)?;
    if let Some(s) = row.get::<_, Option<String>>(0) {
        return Ok(s);
    }
    let path: String = row.get(1);
    let user: String = row.get(2);
    url::first_in_search_path(&path, &user).ok_or_else(|| {
        Error::invalid("the connection has no schema: add ?schema=name to the store URL")
    })
}

/// `user@host:port/db`, without the password.
fn server(config: &postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let db = config.get_dbname().unwrap_or_default();
    format!("{user}{host}:{port}/{db}")
}

/// The store's location for messages: `postgres://user@host:port/db?schema=name`.
fn location(config: &postgres::Config, schema: &str) -> String {
    let mut encoded = String::new();
    for b in schema.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("postgres://{}?schema={encoded}", server(config))
}

/// The 64-bit FNV-1a hash: stable across builds and hosts, so every process derives the same
/// lock key and channel from a schema name.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

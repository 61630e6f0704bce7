//! [`PgTxn`]: one SQL transaction, begun at its first statement in the mode its first use
//! needs (a snapshot read, an exclusive write, or a shared claim).

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use postgres::SimpleQueryMessage;
use postgres::types::ToSql;

use super::row::{self, Values, agent_key};
use super::schema::{Q, WRITE_CLASS};
use super::{Conn, Shared, db_err};
use crate::error::{Error, Result};
use crate::store::{
    Access, ClaimRequest, CommitFailure, LogEntry, NativeClaim, Scan, Txn, Unreadable,
};
use crate::ticket::Ticket;

/// Where a transaction is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    /// No statement yet: no SQL transaction is open.
    Idle,
    /// A `REPEATABLE READ READ ONLY` snapshot.
    Read,
    /// Holds the schema's write lock exclusively.
    Exclusive,
    /// Holds the write lock shared, for one claim: it may write only the claimed ticket.
    Claim(Option<String>),
}

/// A transaction on a pooled connection; rolled back and given back when dropped.
pub(super) struct PgTxn {
    shared: Arc<Shared>,
    conn: Option<Conn>,
    access: Access,
    mode: Mode,
    /// Audit entries, inserted in one statement at commit.
    log: Vec<LogEntry>,
    /// Something was written: commit notifies waiters.
    dirty: bool,
    /// Ticket rows written (created, replaced, removed): a commit of many takes the planner's
    /// statistics again.
    rows: usize,
    /// The server's clock, read once: (microseconds, when it was read here).
    clock: Option<(i64, Instant)>,
    /// This transaction's token (a random UUID, as 32 hex digits), written with its audit
    /// entries (or, when it makes none, into `write_tokens`): after a connection lost during
    /// the commit, it tells whether the commit took effect.
    token: String,
    /// The connection was lost before anything was committed ([`Txn::lost`]).
    lost: bool,
}

/// How long a commit whose connection was lost keeps trying to find out whether it took
/// effect (reconnecting, and waiting for the lost transaction to end on the server).
const SETTLE_WITHIN: std::time::Duration = std::time::Duration::from_secs(30);

impl PgTxn {
    pub(super) fn new(shared: Arc<Shared>, conn: Conn, access: Access) -> Self {
        PgTxn {
            shared,
            conn: Some(conn),
            access,
            mode: Mode::Idle,
            log: Vec::new(),
            dirty: false,
            rows: 0,
            clock: None,
            token: format!("{:032x}", rand::random::<u128>()),
            lost: false,
        }
    }

    fn conn(&mut self) -> Result<&mut Conn> {
        self.conn
            .as_mut()
            .ok_or_else(|| Error::storage("the transaction has ended"))
    }

    /// Opens the SQL transaction in `mode`; a writing mode takes the schema's write lock and
    /// reads the server's clock in the same round trip.
    fn begin_as(&mut self, mode: Mode) -> Result<()> {
        let key = self.shared.key;
        let wait = self
            .shared
            .lock_timeout_ms
            .load(std::sync::atomic::Ordering::Relaxed);
        let sql = match mode {
            Mode::Read => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY".to_string(),
            Mode::Exclusive => format!(
                "BEGIN; SET LOCAL lock_timeout = {wait}; \
                 SELECT pg_advisory_xact_lock({WRITE_CLASS}, {key}); \
                 SET LOCAL lock_timeout = 0; {CLOCK}"
            ),
            Mode::Claim(_) => format!(
                "BEGIN; SET LOCAL lock_timeout = {wait}; \
                 SELECT pg_advisory_xact_lock_shared({WRITE_CLASS}, {key}); \
                 SET LOCAL lock_timeout = 0; {CLOCK}"
            ),
            Mode::Idle => return Ok(()),
        };
        let messages = match self.simple(&sql) {
            Err(Error::Busy { .. }) => return Err(self.busy()),
            r => r?,
        };
        if let Some(micros) = clock_of(&messages) {
            let reading = (micros, Instant::now());
            self.shared.saw_clock(reading);
            self.clock.get_or_insert(reading);
        }
        self.mode = mode;
        Ok(())
    }

    /// The error of a writer that waited its lock timeout: names the schema's write lock and
    /// the backend holding it (pid, client address, since when its transaction runs).
    fn busy(&mut self) -> Error {
        let lock = format!(
            "the write lock of schema {} (advisory lock {WRITE_CLASS}, {})",
            self.shared.schema, self.shared.key
        );
        let sql = format!(
            "ROLLBACK; SELECT a.pid::text, coalesce(host(a.client_addr), a.client_hostname, 'local'), \
             to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {WRITE_CLASS} \
             AND l.objid = {} LIMIT 1",
            self.shared.key as u32
        );
        let holder = self.conn().ok().and_then(|c| {
            let rows = c.client.simple_query(&sql).ok()?;
            rows.into_iter().find_map(|m| match m {
                SimpleQueryMessage::Row(r) => Some(crate::error::Holder {
                    pid: r.get(0)?.parse().ok()?,
                    host: r.get(1).map(str::to_string),
                    since: r.get(2).map(str::to_string),
                }),
                _ => None,
            })
        });
        Error::Busy { lock, holder }
    }

    /// Runs statements by the simple protocol. Before the transaction's first statement, a
    /// pooled connection the server has closed (a restart, an idle timeout) is replaced: nothing
    /// was done on it yet.
    fn simple(&mut self, sql: &str) -> Result<Vec<SimpleQueryMessage>> {
        let first = self.mode == Mode::Idle;
        let r = self.conn()?.client.simple_query(sql);
        match r {
            Err(e) if first && connection_lost(&e) => {
                let client = self.shared.connect().inspect_err(|_| self.lost = true)?;
                self.conn = Some(Conn::new(client));
                let r = self.conn()?.client.simple_query(sql);
                r.map_err(|e| self.fail(e))
            }
            r => r.map_err(|e| self.fail(e)),
        }
    }

    /// A database error as the store's error; one that lost the connection marks this
    /// transaction [`Txn::lost`] (its statements ran before any commit was sent: the server
    /// rolls them back).
    fn fail(&mut self, e: postgres::Error) -> Error {
        if connection_lost(&e) {
            self.lost = true;
            self.conn = None;
        }
        db_err(e)
    }

    /// Ready to read: a snapshot for a read transaction, the exclusive lock for a write one.
    fn reading(&mut self) -> Result<()> {
        if self.mode == Mode::Idle {
            let mode = match self.access {
                Access::Read => Mode::Read,
                Access::Write | Access::Batch => Mode::Exclusive,
            };
            self.begin_as(mode)?;
        }
        Ok(())
    }

    /// Ready to write `id` (`None`: a write that is not one existing ticket's).
    fn writing(&mut self, id: Option<&str>) -> Result<()> {
        if self.access == Access::Read {
            return Err(Error::storage("write in a read-only transaction"));
        }
        match &self.mode {
            Mode::Idle => self.begin_as(Mode::Exclusive)?,
            Mode::Claim(claimed) if claimed.as_deref() != id || id.is_none() => {
                return Err(Error::storage(
                    "a claim transaction may write only the ticket it claimed",
                ));
            }
            _ => {}
        }
        self.dirty = true;
        self.rows += 1;
        Ok(())
    }

    fn query(&mut self, q: Q, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<postgres::Row>> {
        let shared = self.shared.clone();
        let conn = self.conn()?;
        let r = conn
            .statement(&shared.sql, q)
            .and_then(|st| conn.client.query(&st, params));
        r.map_err(|e| self.fail(e))
    }

    fn execute(&mut self, q: Q, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let shared = self.shared.clone();
        let conn = self.conn()?;
        let r = conn
            .statement(&shared.sql, q)
            .and_then(|st| conn.client.execute(&st, params));
        r.map_err(|e| self.fail(e))
    }

    /// Inserts the buffered audit entries.
    fn flush_log(&mut self) -> Result<()> {
        if self.log.is_empty() {
            return Ok(());
        }
        let log = std::mem::take(&mut self.log);
        let at: Vec<DateTime<Utc>> = log.iter().map(|e| e.at).collect();
        let actor: Vec<Option<&str>> = log.iter().map(|e| e.actor.as_deref()).collect();
        let ticket: Vec<&str> = log.iter().map(|e| e.ticket.as_str()).collect();
        let action: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        let detail: Vec<&str> = log.iter().map(|e| e.detail.as_str()).collect();
        let token = self.token.clone();
        self.execute(
            Q::LogInsert,
            &[&at, &actor, &ticket, &action, &detail, &token],
        )?;
        Ok(())
    }
}

/// At most this many audit entries are sent as literals with the commit.
pub(super) const INLINE_LOG: usize = 64;

/// A string as an SQL literal, whatever `standard_conforming_strings` says: an `E''` string
/// with its backslashes and quotes doubled. (A NUL, which no text value may hold, is refused
/// by the server as it would be as a parameter.)
fn literal(s: &str) -> String {
    format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

/// The statement that inserts `log` into the schema's audit log in its order, each entry with
/// the write's `token` (none when it is empty), followed by `; `.
fn log_insert_sql(schema: &str, log: &[LogEntry], token: &str) -> String {
    if log.is_empty() {
        return String::new();
    }
    let rows: Vec<String> = log
        .iter()
        .enumerate()
        .map(|(n, e)| {
            let at = e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            let actor = e.actor.as_deref().map_or("NULL".to_string(), literal);
            format!(
                "('{at}'::timestamptz, {actor}::text, {}, {}, {}, {n})",
                literal(&e.ticket),
                literal(&e.action),
                literal(&e.detail)
            )
        })
        .collect();
    format!(
        "INSERT INTO {}.audit_log (at, actor, ticket, action, detail, token) \
         SELECT at, actor, ticket, action, detail, '{token}'::uuid FROM (VALUES {}) \
         AS e(at, actor, ticket, action, detail, n) ORDER BY n; ",
        super::url::quote_ident(schema),
        rows.join(", ")
    )
}

/// The server's clock, in microseconds since the epoch.
const CLOCK: &str = "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::int8";

/// True when an error means the connection is gone (closed, or ended by the server with a
/// FATAL error such as `terminating connection due to administrator command`).
fn connection_lost(e: &postgres::Error) -> bool {
    e.is_closed() || e.as_db_error().is_some_and(|d| d.severity() == "FATAL")
}

/// The clock reading in the last row of a simple query's answer.
fn clock_of(messages: &[SimpleQueryMessage]) -> Option<i64> {
    messages.iter().rev().find_map(|m| match m {
        SimpleQueryMessage::Row(r) => r.get(0).and_then(|v| v.parse::<i64>().ok()),
        _ => None,
    })
}

impl Txn for PgTxn {
    fn get(&mut self, id: &str) -> Result<Option<Arc<Ticket>>> {
        self.reading()?;
        match self.query(Q::Get, &[&id])?.first() {
            Some(r) => {
                let mut t = row::ticket(r)?;
                t.archived = r
                    .try_get::<_, bool>(19)
                    .map_err(|e| Error::storage(format!("reading a row: {e}")))?;
                Ok(Some(Arc::new(t)))
            }
            None => Ok(None),
        }
    }

    fn archive(&mut self, id: &str) -> Result<bool> {
        self.writing(None)?;
        let now = self.now()?;
        Ok(self.execute(Q::Archive, &[&id, &now])? == 1)
    }

    fn unarchive(&mut self, id: &str) -> Result<bool> {
        self.writing(None)?;
        Ok(self.execute(Q::Unarchive, &[&id])? == 1)
    }

    fn scan_archived(&mut self) -> Result<Scan> {
        self.reading()?;
        let mut scan = Scan::default();
        for r in self.query(Q::ScanArchived, &[])? {
            match row::ticket(&r) {
                Ok(mut t) => {
                    t.archived = true;
                    scan.tickets.push(Arc::new(t));
                }
                Err(error) => scan.unreadable.push(Unreadable {
                    id: r.try_get::<_, String>(0).unwrap_or_default(),
                    path: None,
                    error,
                }),
            }
        }
        Ok(scan)
    }

    /// One query along the primary key.
    fn archived_among(&mut self, ids: &[String]) -> Result<Vec<String>> {
        self.reading()?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .query(Q::ArchivedAmong, &[&ids])?
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect())
    }

    /// One lookup along the partial index of archived rows.
    fn has_archived(&mut self) -> Result<bool> {
        self.reading()?;
        match self.query(Q::HasArchived, &[])?.first() {
            Some(r) => r
                .try_get::<_, bool>(0)
                .map_err(|e| Error::storage(format!("reading a row: {e}"))),
            None => Ok(false),
        }
    }

    fn ids(&mut self) -> Result<Vec<String>> {
        self.reading()?;
        Ok(self
            .query(Q::Ids, &[])?
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect())
    }

    fn scan(&mut self) -> Result<Scan> {
        self.reading()?;
        let mut scan = Scan::default();
        for r in self.query(Q::Scan, &[])? {
            match row::ticket(&r) {
                Ok(t) => scan.tickets.push(Arc::new(t)),
                Err(error) => scan.unreadable.push(Unreadable {
                    id: r.try_get::<_, String>(0).unwrap_or_default(),
                    path: None,
                    error,
                }),
            }
        }
        Ok(scan)
    }

    fn create(&mut self, ticket: &Ticket) -> Result<bool> {
        self.writing(None)?;
        let values = Values::new(ticket)?;
        Ok(self.execute(Q::Insert, &values.params(ticket))? == 1)
    }

    fn put(&mut self, ticket: &Ticket) -> Result<()> {
        self.writing(Some(&ticket.id))?;
        let values = Values::new(ticket)?;
        self.execute(Q::Upsert, &values.params(ticket))?;
        Ok(())
    }

    fn delete(&mut self, id: &str) -> Result<bool> {
        self.writing(None)?;
        Ok(self.execute(Q::Delete, &[&id])? == 1)
    }

    fn log(&mut self, entry: LogEntry) -> Result<()> {
        if self.access == Access::Read {
            return Err(Error::storage("write in a read-only transaction"));
        }
        self.log.push(entry);
        self.dirty = true;
        Ok(())
    }

    fn history(&mut self, ticket: Option<&str>) -> Result<Vec<LogEntry>> {
        self.reading()?;
        let rows = match ticket {
            Some(id) => self.query(Q::HistoryOne, &[&id])?,
            None => self.query(Q::HistoryAll, &[])?,
        };
        let mut out = rows
            .iter()
            .map(row::log_entry)
            .collect::<Result<Vec<_>>>()?;
        out.extend(
            self.log
                .iter()
                .filter(|e| ticket.is_none_or(|id| e.ticket == id))
                .cloned(),
        );
        Ok(out)
    }

    /// The server's clock (read once per transaction, then advanced by the local monotonic
    /// clock), strictly increasing across the transactions of one handle.
    fn now(&mut self) -> Result<DateTime<Utc>> {
        let (micros, at) = match self.clock.or_else(|| self.shared.fresh_clock()) {
            Some(c) => c,
            None => {
                let messages = self.simple(CLOCK)?;
                let micros =
                    clock_of(&messages).ok_or_else(|| Error::storage("the server gave no time"))?;
                let c = (micros, Instant::now());
                self.shared.saw_clock(c);
                c
            }
        };
        self.clock = Some((micros, at));
        let elapsed = i64::try_from(at.elapsed().as_micros()).unwrap_or(i64::MAX / 2);
        let m = self.shared.monotonic(micros.saturating_add(elapsed));
        DateTime::from_timestamp_micros(m)
            .ok_or_else(|| Error::storage("the server's clock is out of range"))
    }

    fn claim_native(&mut self, request: &ClaimRequest<'_>) -> Result<NativeClaim> {
        match (&self.mode, self.access) {
            (_, Access::Read) | (Mode::Read, _) => {
                return Err(Error::storage("claim in a read-only transaction"));
            }
            (Mode::Claim(_), _) => {
                return Err(Error::storage("one claim per transaction"));
            }
            // A batch may write anything after its claim: it holds the lock exclusively.
            (Mode::Idle, Access::Batch) => self.begin_as(Mode::Exclusive)?,
            (Mode::Idle, _) => self.begin_as(Mode::Claim(None))?,
            (Mode::Exclusive, _) => {}
        }
        let lease_secs = request
            .lease_secs
            .map(|s| {
                i64::try_from(s)
                    .map_err(|_| Error::invalid(format!("a lease of {s} seconds is too long")))
            })
            .transpose()?;
        let key = agent_key(request.agent);
        let rows = self.query(
            Q::Claim,
            &[
                &key,
                &request.now,
                &request.agent,
                &lease_secs,
                &request.lease_until,
            ],
        )?;
        match rows.first() {
            Some(r) => {
                let before = row::ticket(r)?;
                if let Mode::Claim(claimed) = &mut self.mode {
                    *claimed = Some(before.id.clone());
                }
                self.dirty = true;
                Ok(NativeClaim::Claimed(Box::new(before)))
            }
            None => {
                let next_expiry = self
                    .query(Q::NextExpiry, &[&request.now])?
                    .first()
                    .and_then(|r| r.get::<_, Option<DateTime<Utc>>>(0));
                Ok(NativeClaim::Nothing { next_expiry })
            }
        }
    }

    fn source(&mut self, id: &str) -> Result<Option<String>> {
        self.reading()?;
        Ok(self
            .query(Q::Source, &[&id])?
            .first()
            .and_then(|r| r.get::<_, Option<String>>(0)))
    }

    fn put_source(&mut self, ticket: &Ticket, source: Option<&str>) -> Result<()> {
        self.writing(Some(&ticket.id))?;
        let values = Values::new(ticket)?;
        let mut params = values.params(ticket);
        params.push(&source);
        self.execute(Q::UpsertSource, &params)?;
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<()> {
        self.commit_or_lost().map_err(CommitFailure::into_error)
    }

    fn lost(&self) -> bool {
        self.lost
    }

    /// Commits. When the connection is lost on the way (the server ended the session, the
    /// network was cut), whether the commit took effect is unknown here: it is looked up by
    /// the transaction's token on a new connection ([`PgTxn::settle`]), so that the caller is
    /// told what happened, never a failure for a write that took effect.
    fn commit_or_lost(mut self: Box<Self>) -> std::result::Result<(), CommitFailure> {
        if self.mode == Mode::Idle && self.log.is_empty() {
            return Ok(()); // nothing was read or written: nothing to end
        }
        let failed = |txn: &PgTxn, e: Error| match txn.lost {
            true => CommitFailure::Lost(e),
            false => CommitFailure::Failed(e),
        };
        if self.mode == Mode::Idle
            && let Err(e) = self.begin_as(Mode::Exclusive)
        {
            return Err(failed(&self, e));
        }
        // A few audit entries go in the commit's own round trip, as literals; many, in one
        // statement with parameters before it. A write that logs nothing leaves its token in
        // `write_tokens`.
        let logged = !self.log.is_empty();
        let mut sql = if self.log.len() <= INLINE_LOG {
            let log = std::mem::take(&mut self.log);
            log_insert_sql(&self.shared.schema, &log, &self.token)
        } else {
            if let Err(e) = self.flush_log() {
                return Err(failed(&self, e));
            }
            String::new()
        };
        if self.dirty && !logged {
            sql += &format!(
                "INSERT INTO {}.write_tokens (token) VALUES ('{}'); ",
                super::url::quote_ident(&self.shared.schema),
                self.token
            );
        }
        // Delivered at commit, to every connection that listens on the schema's channel. A
        // claim notifies after its commit instead: PostgreSQL holds a global lock from a
        // NOTIFY until its commit is flushed, so claimers that notified inside their own
        // transaction would commit one after another.
        let claimed = self.dirty && matches!(self.mode, Mode::Claim(_));
        if self.dirty && !claimed {
            sql += &format!("SELECT pg_notify('{}', ''); ", self.shared.channel);
        }
        sql += "COMMIT";
        let conn = self.conn().map_err(CommitFailure::Failed)?;
        match conn.client.batch_execute(&sql) {
            Ok(()) => {}
            // The server refused a statement or the commit: nothing was committed.
            Err(e) if !connection_lost(&e) => return Err(CommitFailure::Failed(db_err(e))),
            Err(e) => {
                self.conn = None;
                self.mode = Mode::Idle;
                if !self.dirty {
                    return Ok(()); // it wrote nothing: there is nothing to find out
                }
                return self.settle(&db_err(e));
            }
        }
        // The claim has taken effect: a notification that fails only delays watchers (who
        // also wake on the next change), so its error is not the claim's. Its transaction
        // does not wait for the flush, so it holds the queue's lock only for a moment.
        if claimed {
            let notify = format!(
                "BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify('{}', ''); COMMIT",
                self.shared.channel
            );
            if let Ok(conn) = self.conn()
                && conn.client.batch_execute(&notify).is_err()
            {
                let _ = conn.client.batch_execute("ROLLBACK");
            }
        }
        if self.rows >= super::schema::ANALYZE_AFTER {
            let shared = self.shared.clone();
            if let Ok(conn) = self.conn() {
                super::schema::refresh_stats(&mut conn.client, &shared.schema, true);
            }
        }
        self.mode = Mode::Idle;
        Ok(())
    }
}

impl PgTxn {
    /// After the connection was lost while the commit was sent (`cut`): whether it took
    /// effect, found on a new connection. `Ok` when it did (waiters are woken, as the commit
    /// would have); [`CommitFailure::Lost`] when it did not (nothing was written); a
    /// [`CommitFailure::Failed`] that says the outcome is unknown when the server cannot be
    /// asked within [`SETTLE_WITHIN`].
    fn settle(&mut self, cut: &Error) -> std::result::Result<(), CommitFailure> {
        match self.committed() {
            Ok((true, client)) => {
                let mut conn = Conn::new(client);
                let notify = format!("SELECT pg_notify('{}', '')", self.shared.channel);
                if conn.client.batch_execute(&notify).is_ok() {
                    self.shared.checkin(conn);
                }
                Ok(())
            }
            Ok((false, client)) => {
                self.shared.checkin(Conn::new(client));
                Err(CommitFailure::Lost(Error::storage(format!(
                    "{}; the commit did not take effect: nothing was written",
                    cut.to_string().trim_start_matches("storage: ")
                ))))
            }
            Err(why) => Err(CommitFailure::Failed(Error::storage(format!(
                "{}, and whether the commit took effect is unknown: {why}; it did if the audit \
                 log (or write_tokens) of {} holds token {}",
                cut.to_string().trim_start_matches("storage: "),
                self.shared.location,
                self.token
            )))),
        }
    }

    /// Whether this transaction's commit took effect, and the new connection that found out.
    /// It is asked under the store's write lock, taken exclusively: the lost transaction holds
    /// the lock until it ends, so when the server has not yet seen the connection go (a cut
    /// network), the answer waits for its end rather than read a commit still under way.
    fn committed(&self) -> std::result::Result<(bool, postgres::Client), String> {
        let start = Instant::now();
        let schema = super::url::quote_ident(&self.shared.schema);
        let token = &self.token;
        let key = self.shared.key;
        let mut why = String::from("no answer");
        while start.elapsed() < SETTLE_WITHIN {
            match self.shared.connect() {
                Ok(mut client) => {
                    let wait = SETTLE_WITHIN.saturating_sub(start.elapsed()).as_millis();
                    let sql = format!(
                        "BEGIN; SET LOCAL lock_timeout = {}; \
                         SELECT pg_advisory_xact_lock({WRITE_CLASS}, {key}); \
                         SELECT (EXISTS (SELECT 1 FROM {schema}.audit_log WHERE token = '{token}') \
                         OR EXISTS (SELECT 1 FROM {schema}.write_tokens WHERE token = '{token}'))::int; \
                         COMMIT",
                        wait.max(1)
                    );
                    match client.simple_query(&sql) {
                        Ok(m) => match clock_of(&m) {
                            Some(found) => return Ok((found == 1, client)),
                            None => why = "the server gave no answer".into(),
                        },
                        Err(e) => why = db_err(e).to_string(),
                    }
                }
                Err(e) => why = e.to_string(),
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Err(format!(
            "the server could not be asked within {} s ({why})",
            SETTLE_WITHIN.as_secs()
        ))
    }
}

impl Drop for PgTxn {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        if self.mode != Mode::Idle && conn.client.batch_execute("ROLLBACK").is_err() {
            return; // a broken connection is not given back
        }
        self.shared.checkin(conn);
    }
}

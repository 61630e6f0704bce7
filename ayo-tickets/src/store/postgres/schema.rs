//! The tables, their versioned migrations, and every statement the store runs, written for one
//! schema.

use postgres::Client;

use super::db_err;
use super::url::quote_ident;
use crate::error::{Error, Result};

/// The columns of a ticket row, in the order [`super::row::ticket`] reads them.
pub(super) const COLUMNS: &str = "id, title, status, assignee, deps, priority, kind, tags, parent, \
     description, notes, created, started, closed, lease_until, lease_secs, links, external_ref, \
     defer_until";

/// The migrations, in order: the store is at version N when the first N have run. Each runs in
/// the transaction that holds the migration lock. `{s}` stands for the quoted schema.
const MIGRATIONS: &[&str] = &[
    // 1: tickets and the audit log.
    r#"
    CREATE TABLE {s}.tickets (
        id text PRIMARY KEY,
        title text NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
        assignee text,
        -- The assignee as agents are matched: trimmed, without one leading '@'.
        assignee_key text,
        deps text[] NOT NULL DEFAULT '{}',
        priority smallint NOT NULL CHECK (priority BETWEEN 0 AND 255),
        kind text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        parent text,
        description text NOT NULL DEFAULT '',
        notes jsonb NOT NULL DEFAULT '[]',
        created timestamptz,
        started timestamptz,
        closed timestamptz,
        lease_until timestamptz,
        lease_secs bigint CHECK (lease_secs > 0),
        -- The markdown text the ticket was imported from, kept for a lossless export.
        source text
    );
    -- The claim walks these in the ready order and stops at the first claimable ticket.
    CREATE INDEX tickets_ready ON {s}.tickets (priority, created NULLS FIRST, id COLLATE "C")
        WHERE status <> 'closed';
    CREATE INDEX tickets_own ON {s}.tickets
        (assignee_key, priority, created NULLS FIRST, id COLLATE "C") WHERE status = 'open';
    CREATE TABLE {s}.audit_log (
        seq bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text,
        ticket text NOT NULL,
        action text NOT NULL,
        detail text NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_log_ticket ON {s}.audit_log (ticket, seq);
    "#,
    // 2: a status may be another tool's word (kept as written: not closed, never claimable);
    // tk's links and external-ref.
    r#"
    ALTER TABLE {s}.tickets DROP CONSTRAINT IF EXISTS tickets_status_check;
    ALTER TABLE {s}.tickets ADD CONSTRAINT tickets_status_check CHECK (status <> '');
    ALTER TABLE {s}.tickets ADD COLUMN links text[] NOT NULL DEFAULT '{}';
    ALTER TABLE {s}.tickets ADD COLUMN external_ref text;
    "#,
    // 3: the token of the write that made each audit entry, and of writes that made none, so
    // that a client whose connection was lost during a commit can look up whether it took
    // effect.
    r#"
    ALTER TABLE {s}.audit_log ADD COLUMN token uuid;
    CREATE INDEX audit_log_token ON {s}.audit_log (token) WHERE token IS NOT NULL;
    CREATE TABLE {s}.write_tokens (
        token uuid PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now()
    );
    "#,
    // 4: a ticket deferred until a time is neither ready nor claimable before it.
    r#"
    ALTER TABLE {s}.tickets ADD COLUMN defer_until timestamptz;
    "#,
    // 5: an archived ticket (closed) is marked, not moved: no scan reads it, a lookup by id
    // finds it, and the claim never picks it (it is closed).
    r#"
    ALTER TABLE {s}.tickets ADD COLUMN archived_at timestamptz;
    CREATE INDEX tickets_archived ON {s}.tickets (id) WHERE archived_at IS NOT NULL;
    "#,
];

/// The schema version this build writes.
pub(super) const VERSION: i32 = MIGRATIONS.len() as i32;

/// The advisory lock class of migrations (`pg_advisory_xact_lock(class, schema hash)`).
const MIGRATE_CLASS: i32 = 0x6179_6f00; // "ayo\0"
/// The advisory lock class of writers: exclusive for a write, shared for a claim.
pub(super) const WRITE_CLASS: i32 = 0x6179_6f01;

/// Creates the schema and brings its tables to [`VERSION`], under an advisory lock so that
/// several processes can open the store at once. Fast (no lock, no DDL) when it is current.
pub(super) fn migrate(client: &mut Client, schema: &str, key: i32) -> Result<()> {
    if version(client, schema)? == Some(VERSION) {
        return Ok(());
    }
    let s = quote_ident(schema);
    let mut tx = client.transaction().map_err(db_err)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&MIGRATE_CLASS, &key],
    )
    .map_err(db_err)?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {s};
         CREATE TABLE IF NOT EXISTS {s}.ayo_version (version integer NOT NULL);"
    ))
    .map_err(db_err)?;
    let row = tx
        .query_opt(&format!("SELECT version FROM {s}.ayo_version"), &[])
        .map_err(db_err)?;
    let from: i32 = match row {
        Some(r) => r.get(0),
        None => {
            tx.execute(&format!("INSERT INTO {s}.ayo_version VALUES (0)"), &[])
                .map_err(db_err)?;
            0
        }
    };
    if from > VERSION {
        return Err(newer(schema, from));
    }
    for m in &MIGRATIONS[from as usize..] {
        tx.batch_execute(&m.replace("{s}", &s)).map_err(db_err)?;
    }
    tx.execute(
        &format!("UPDATE {s}.ayo_version SET version = $1"),
        &[&VERSION],
    )
    .map_err(db_err)?;
    tx.commit().map_err(db_err)
}

/// A commit that wrote at least this many ticket rows takes the planner's statistics of the
/// table again ([`refresh_stats`]).
pub(super) const ANALYZE_AFTER: usize = 1_000;

/// Takes the planner's statistics of the schema's `tickets` again when they are missing or
/// stale by autovacuum's default rule (more than 50 + 10% of the table's rows changed since);
/// `always`: without asking (after a commit of [`ANALYZE_AFTER`] rows or more, which the
/// server's counters may not show yet). The store does what autovacuum would: a server may
/// run without it, and it waits up to a minute. Without statistics the planner reads every
/// row for a claim instead of walking the ready index (28 ms instead of 2 ms at 10k).
/// Best effort: a role that may not analyze the table, or any failure, changes nothing, and
/// a table another session is analyzing is skipped.
pub(super) fn refresh_stats(client: &mut Client, schema: &str, always: bool) {
    let table = format!("{}.tickets", quote_ident(schema));
    let stale = always
        || client
            .query_one(
                "SELECT coalesce((SELECT s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) \
                 FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid \
                 WHERE s.relid = to_regclass($1)), false)",
                &[&table],
            )
            .is_ok_and(|row| row.get::<_, bool>(0));
    if stale {
        let _ = client.batch_execute(&format!("ANALYZE (SKIP_LOCKED) {table}"));
    }
}

/// Whether the schema holds a store (of any version).
pub(super) fn exists(client: &mut Client, schema: &str) -> Result<bool> {
    Ok(version(client, schema)?.is_some())
}

/// The schema's version, `None` when it has no tables yet. Refuses a newer one.
fn version(client: &mut Client, schema: &str) -> Result<Option<i32>> {
    let table = format!("{}.ayo_version", quote_ident(schema));
    let exists: bool = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
        .map_err(db_err)?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let v: Option<i32> = client
        .query_opt(&format!("SELECT version FROM {table}"), &[])
        .map_err(db_err)?
        .map(|r| r.get(0));
    match v {
        Some(v) if v > VERSION => Err(newer(schema, v)),
        v => Ok(v),
    }
}

fn newer(schema: &str, v: i32) -> Error {
    Error::storage(format!(
        "schema '{schema}' is at version {v}, newer than this build's {VERSION}: upgrade ayo-tickets"
    ))
}

/// The statements of the store, by name; each is prepared once per connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Q {
    Get,
    Ids,
    Scan,
    Insert,
    Upsert,
    UpsertSource,
    Source,
    Delete,
    LogInsert,
    HistoryAll,
    HistoryOne,
    Claim,
    NextExpiry,
    Archive,
    Unarchive,
    ScanArchived,
    HasArchived,
    ArchivedAmong,
}

/// How many statements there are.
pub(super) const STATEMENTS: usize = Q::ArchivedAmong as usize + 1;

/// The text of every statement for one schema, indexed by [`Q`].
pub(super) fn statements(schema: &str) -> Vec<String> {
    let s = quote_ident(schema);
    let t = format!("{s}.tickets");
    // $1..$20: the columns of a row, in COLUMNS order, then assignee_key; $21 the source.
    let values = (1..=20)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let insert_cols = format!("{COLUMNS}, assignee_key");
    let update_all = "title = EXCLUDED.title, status = EXCLUDED.status, \
         assignee = EXCLUDED.assignee, assignee_key = EXCLUDED.assignee_key, deps = EXCLUDED.deps, \
         priority = EXCLUDED.priority, kind = EXCLUDED.kind, tags = EXCLUDED.tags, \
         parent = EXCLUDED.parent, description = EXCLUDED.description, notes = EXCLUDED.notes, \
         created = EXCLUDED.created, started = EXCLUDED.started, closed = EXCLUDED.closed, \
         lease_until = EXCLUDED.lease_until, lease_secs = EXCLUDED.lease_secs, \
         links = EXCLUDED.links, external_ref = EXCLUDED.external_ref, \
         defer_until = EXCLUDED.defer_until";
    // The claimable rule of `Tickets::claim`, restated: not blocked (every dep exists and is
    // closed), not deferred past $2, and open for the agent ($1, matched as assignee_key) or
    // nobody, or in progress with a lease that ran out by $2.
    let unblocked = format!(
        "NOT EXISTS (SELECT 1 FROM unnest(t.deps) AS d(dep) WHERE NOT EXISTS \
         (SELECT 1 FROM {t} c WHERE c.id = d.dep AND c.status = 'closed'))"
    );
    let pick_cols: String = COLUMNS
        .split(", ")
        .map(|c| format!("pick.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let all = [
        (
            Q::Get,
            format!("SELECT {COLUMNS}, archived_at IS NOT NULL FROM {t} WHERE id = $1"),
        ),
        (
            Q::Ids,
            format!("SELECT id FROM {t} WHERE archived_at IS NULL"),
        ),
        (
            Q::Scan,
            format!("SELECT {COLUMNS} FROM {t} WHERE archived_at IS NULL"),
        ),
        (
            Q::Archive,
            format!("UPDATE {t} SET archived_at = $2 WHERE id = $1 AND archived_at IS NULL"),
        ),
        (
            Q::Unarchive,
            format!("UPDATE {t} SET archived_at = NULL WHERE id = $1 AND archived_at IS NOT NULL"),
        ),
        (
            Q::ScanArchived,
            format!("SELECT {COLUMNS} FROM {t} WHERE archived_at IS NOT NULL"),
        ),
        (
            Q::ArchivedAmong,
            format!("SELECT id FROM {t} WHERE id = ANY($1) AND archived_at IS NOT NULL"),
        ),
        (
            Q::HasArchived,
            format!("SELECT EXISTS (SELECT 1 FROM {t} WHERE archived_at IS NOT NULL)"),
        ),
        (
            Q::Insert,
            format!(
                "INSERT INTO {t} ({insert_cols}) VALUES ({values}) ON CONFLICT (id) DO NOTHING"
            ),
        ),
        (
            Q::Upsert,
            format!(
                "INSERT INTO {t} ({insert_cols}) VALUES ({values}) \
                 ON CONFLICT (id) DO UPDATE SET {update_all}"
            ),
        ),
        (
            Q::UpsertSource,
            format!(
                "INSERT INTO {t} ({insert_cols}, source) VALUES ({values}, $21) \
                 ON CONFLICT (id) DO UPDATE SET {update_all}, source = EXCLUDED.source"
            ),
        ),
        (Q::Source, format!("SELECT source FROM {t} WHERE id = $1")),
        (Q::Delete, format!("DELETE FROM {t} WHERE id = $1")),
        (
            Q::LogInsert,
            // Buffered entries, in one statement, in their order, with their write's token.
            format!(
                "INSERT INTO {s}.audit_log (at, actor, ticket, action, detail, token) \
                 SELECT at, actor, ticket, action, detail, $6::text::uuid \
                 FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[]) \
                 WITH ORDINALITY AS e(at, actor, ticket, action, detail, n) ORDER BY n"
            ),
        ),
        (
            Q::HistoryAll,
            format!("SELECT at, actor, ticket, action, detail FROM {s}.audit_log ORDER BY seq"),
        ),
        (
            Q::HistoryOne,
            format!(
                "SELECT at, actor, ticket, action, detail FROM {s}.audit_log \
                 WHERE ticket = $1 ORDER BY seq"
            ),
        ),
        (
            // One statement: pick the first claimable ticket, skipping rows another claimer
            // holds, and write the claim; it returns the row as it was. The claimable set is
            // split in two, each walked in the ready order (priority, created with none first,
            // id byte-wise) along an index: the agent's own open tickets first, then the
            // unassigned open ones and those whose lease ran out.
            Q::Claim,
            format!(
                "WITH own AS (
                    SELECT {COLUMNS}, 0 AS k FROM {t} t
                    WHERE t.status = 'open' AND t.assignee_key = $1 AND {unblocked}
                      AND (t.defer_until IS NULL OR t.defer_until <= $2)
                    ORDER BY t.priority, t.created NULLS FIRST, t.id COLLATE \"C\"
                    LIMIT 1
                    FOR UPDATE OF t SKIP LOCKED
                 ), other AS (
                    SELECT {COLUMNS}, 1 AS k FROM {t} t
                    WHERE NOT EXISTS (SELECT 1 FROM own)
                      AND t.status <> 'closed'
                      AND ((t.status = 'open' AND t.assignee IS NULL)
                           OR (t.status = 'in_progress' AND t.lease_until <= $2))
                      AND (t.defer_until IS NULL OR t.defer_until <= $2)
                      AND {unblocked}
                    ORDER BY t.priority, t.created NULLS FIRST, t.id COLLATE \"C\"
                    LIMIT 1
                    FOR UPDATE OF t SKIP LOCKED
                 ), pick AS (
                    SELECT * FROM own UNION ALL SELECT * FROM other ORDER BY k LIMIT 1
                 )
                 UPDATE {t} u SET status = 'in_progress', assignee = $3, assignee_key = $1,
                        started = $2, lease_secs = $4, lease_until = $5
                 FROM pick WHERE u.id = pick.id
                 RETURNING {pick_cols}"
            ),
        ),
        (
            // When the claim should look again: the next lease of an unblocked ticket in
            // progress to run out, or the next deferral of an unblocked one to end after $1.
            Q::NextExpiry,
            format!(
                "SELECT min(CASE WHEN t.defer_until > $1 THEN t.defer_until \
                 ELSE t.lease_until END) FROM {t} t \
                 WHERE ((t.status = 'in_progress' AND t.lease_until IS NOT NULL) \
                        OR t.defer_until > $1) \
                   AND t.status <> 'closed' AND {unblocked}"
            ),
        ),
    ];
    let mut out = vec![String::new(); STATEMENTS];
    for (q, sql) in all {
        out[q as usize] = sql;
    }
    out
}

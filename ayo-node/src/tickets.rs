//! The `Tickets` class: one method per operation of the contract. Each converts its arguments,
//! calls the core and maps the error; the core holds every rule.

use std::sync::Arc;

use ayo_tickets as ayo;
use napi::bindgen_prelude::{Function, JsObjectValue, Object, This, Unknown, ValueType};
use napi::{Env, JsValue};
use napi_derive::napi;

use crate::convert::{self, Closed, DepTree, LogEntry, Problem, Ticket};
use crate::error::{check, to_js};
use crate::options::{
    AgentOptions, ClaimOptions, CloseOptions, CreateOptions, DeleteOptions, GraphOptions,
    HeartbeatOptions, ListOptions, OpenOptions, ReleaseOptions, StartOptions, UpdateOptions,
    WaitOptions, seconds, timeout,
};
use crate::wait;

/// Tickets in one store: a directory of markdown files, a session's or the global store, a
/// database, or memory. Open one with a static method (`Tickets.open(dir)`, ...).
#[napi]
pub struct Tickets {
    inner: Arc<ayo::Tickets>,
}

/// Applies the constructor options to a freshly opened handle, and routes its warnings to
/// `process.emitWarning`.
fn configure(
    env: &Env,
    opened: ayo::Result<ayo::Tickets>,
    options: Option<OpenOptions>,
) -> ayo::Result<Tickets> {
    let mut t = opened?;
    if let Some(h) = crate::warnings::handler(env) {
        t = t.with_warning_handler(h);
    }
    if let Some(o) = options {
        if o.actor.is_some() {
            t = t.with_actor(o.actor.as_deref())?;
        }
        if let Some(l) = o.lease {
            t = t.with_default_lease(Some(seconds("lease", l)?));
        }
    }
    Ok(Tickets { inner: Arc::new(t) })
}

#[napi]
impl Tickets {
    /// Tickets in a directory of markdown files (created at the first write).
    #[napi(factory)]
    pub fn open(env: &Env, dir: String, options: Option<OpenOptions>) -> napi::Result<Self> {
        check(env, configure(env, ayo::Tickets::open(dir), options))
    }

    /// A session's tickets: `<home>/sessions/<session>/.tickets/`; the session is the one
    /// given, else `$AYO_SESSION_ID`, else `default`. `<home>` is `$AYO_HOME`, else
    /// `$XDG_DATA_HOME/ayo`, else `~/.local/share/ayo`.
    #[napi(factory)]
    pub fn open_session(
        env: &Env,
        session: Option<String>,
        options: Option<OpenOptions>,
    ) -> napi::Result<Self> {
        check(
            env,
            configure(env, ayo::Tickets::open_session(session.as_deref()), options),
        )
    }

    /// The tickets shared by every session: `<home>/tickets/.tickets/`.
    #[napi(factory)]
    pub fn open_global(env: &Env, options: Option<OpenOptions>) -> napi::Result<Self> {
        check(env, configure(env, ayo::Tickets::open_global(), options))
    }

    /// Tickets in memory, gone with the handle.
    #[napi(factory)]
    pub fn in_memory(env: &Env, options: Option<OpenOptions>) -> napi::Result<Self> {
        check(env, configure(env, Ok(ayo::Tickets::in_memory()), options))
    }

    /// A database store, by URL (`postgres://...`), shared by agents on many hosts.
    #[napi(factory)]
    pub fn connect(env: &Env, url: String, options: Option<OpenOptions>) -> napi::Result<Self> {
        check(env, configure(env, ayo::Tickets::connect(&url), options))
    }

    /// Who acts (for notes and the audit log), if anybody.
    #[napi(getter)]
    pub fn actor(&self) -> Option<String> {
        self.inner.actor().map(str::to_string)
    }

    /// Where the store is: a directory, a URL, or `memory`.
    #[napi(getter)]
    pub fn location(&self) -> String {
        self.inner.store().location()
    }

    /// Creates a ticket and returns it. Every dep must exist; a chosen id must be free.
    #[napi]
    pub fn create(
        &self,
        env: &Env,
        title: String,
        options: Option<CreateOptions>,
    ) -> napi::Result<Ticket> {
        let o = options.unwrap_or_default();
        let r = o.into_new(title).and_then(|new| self.inner.create(new));
        check(env, r).map(Ticket::from)
    }

    /// One ticket, by exact id or a unique prefix of one.
    #[napi]
    pub fn get(&self, env: &Env, id: String) -> napi::Result<Ticket> {
        check(env, self.inner.get(&id)).map(Ticket::from)
    }

    /// Every ticket that matches the filter, oldest first.
    #[napi]
    pub fn list(&self, env: &Env, options: Option<ListOptions>) -> napi::Result<Vec<Ticket>> {
        let o = options.unwrap_or_default();
        let r = o.into_filter().and_then(|f| self.inner.list(&f));
        check(env, r).map(convert::tickets)
    }

    /// Open tickets with no `blockedBy`, by priority, then created, then id; only the
    /// assignee's when given.
    #[napi]
    pub fn ready(&self, env: &Env, options: Option<AgentOptions>) -> napi::Result<Vec<Ticket>> {
        let o = options.unwrap_or_default();
        check(env, self.inner.ready(o.assignee.as_deref())).map(convert::tickets)
    }

    /// Open or in-progress tickets with a non-empty `blockedBy`, oldest first.
    #[napi]
    pub fn blocked(&self, env: &Env, options: Option<AgentOptions>) -> napi::Result<Vec<Ticket>> {
        let o = options.unwrap_or_default();
        check(env, self.inner.blocked(o.assignee.as_deref())).map(convert::tickets)
    }

    /// Edits the given fields and keeps the rest; `parent: null` clears the parent.
    #[napi(ts_args_type = "id: string, changes: UpdateOptions")]
    pub fn update(&self, env: &Env, id: String, changes: Object<'_>) -> napi::Result<Ticket> {
        let parent: Unknown<'_> = changes.get_named_property("parent")?;
        let clear_parent = parent.get_type()? == ValueType::Null;
        let fields = UpdateOptions {
            title: changes.get_named_property("title")?,
            description: changes.get_named_property("description")?,
            priority: changes.get_named_property("priority")?,
            kind: changes.get_named_property("type")?,
            tags: changes.get_named_property("tags")?,
            parent: changes.get_named_property("parent")?,
        };
        let r = fields
            .into_update(clear_parent)
            .and_then(|u| self.inner.update(&id, u));
        check(env, r).map(Ticket::from)
    }

    /// open → in_progress; sets `started`, and the assignee when `agent` is given. A blocked
    /// ticket is refused (`BLOCKED`) unless `force`.
    #[napi]
    pub fn start(
        &self,
        env: &Env,
        id: String,
        options: Option<StartOptions>,
    ) -> napi::Result<Ticket> {
        let o = options.unwrap_or_default();
        let r = self
            .inner
            .start(&id, o.agent.as_deref(), o.force.unwrap_or(false));
        check(env, r).map(Ticket::from)
    }

    /// Atomically claims the first ticket claimable by `agent` and starts it for `agent`;
    /// `null` when there is none. With `wait`, waits (on a thread of its own) until one is
    /// claimable or `timeout` seconds pass.
    #[napi(ts_return_type = "Promise<Ticket | null>")]
    pub fn claim<'e>(
        &self,
        env: &'e Env,
        agent: String,
        options: Option<ClaimOptions>,
    ) -> napi::Result<Object<'e>> {
        let o = options.unwrap_or_default();
        let parsed = (|| {
            Ok::<_, ayo::Error>(ayo::ClaimOptions {
                wait: o.wait.unwrap_or(false),
                timeout: timeout(o.timeout)?,
                lease: o.lease.map(|l| seconds("lease", l)).transpose()?,
            })
        })();
        let inner = Arc::clone(&self.inner);
        wait::spawn(env, o.signal, move |interrupt| {
            let opts = parsed?;
            let t = if opts.wait {
                inner.claim_wait(&agent, &opts, interrupt)?
            } else {
                inner.claim(&agent, opts)?
            };
            Ok(t.map(Ticket::from))
        })
    }

    /// Renews the lease of a ticket `agent` holds: by `lease` seconds, else by the length
    /// given at claim.
    #[napi]
    pub fn heartbeat(
        &self,
        env: &Env,
        id: String,
        agent: String,
        options: Option<HeartbeatOptions>,
    ) -> napi::Result<Ticket> {
        let o = options.unwrap_or_default();
        let r = o
            .lease
            .map(|l| seconds("lease", l))
            .transpose()
            .and_then(|lease| self.inner.heartbeat(&id, &agent, lease));
        check(env, r).map(Ticket::from)
    }

    /// in_progress → open, keeping the assignee: gives a claim back.
    #[napi]
    pub fn release(
        &self,
        env: &Env,
        id: String,
        options: Option<ReleaseOptions>,
    ) -> napi::Result<Ticket> {
        let o = options.unwrap_or_default();
        check(env, self.inner.release(&id, o.agent.as_deref())).map(Ticket::from)
    }

    /// open/in_progress → closed; the reason, if any, becomes a note. Returns the ticket and
    /// the open dependents that became ready.
    #[napi]
    pub fn close(
        &self,
        env: &Env,
        id: String,
        options: Option<CloseOptions>,
    ) -> napi::Result<Closed> {
        let o = options.unwrap_or_default();
        check(env, self.inner.close(&id, o.reason.as_deref())).map(Closed::from)
    }

    /// closed → open.
    #[napi]
    pub fn reopen(&self, env: &Env, id: String) -> napi::Result<Ticket> {
        check(env, self.inner.reopen(&id)).map(Ticket::from)
    }

    /// Appends a timestamped note by the actor.
    #[napi]
    pub fn note(&self, env: &Env, id: String, text: String) -> napi::Result<Ticket> {
        check(env, self.inner.note(&id, &text)).map(Ticket::from)
    }

    /// Sets the assignee (`@` is added), or clears it with `null`.
    #[napi]
    pub fn assign(&self, env: &Env, id: String, agent: Option<String>) -> napi::Result<Ticket> {
        check(env, self.inner.assign(&id, agent.as_deref())).map(Ticket::from)
    }

    /// Makes `id` depend on `dep`; refuses a self-dep and any cycle (`CYCLE`, with `cycle`).
    #[napi]
    pub fn add_dep(&self, env: &Env, id: String, dep: String) -> napi::Result<Ticket> {
        check(env, self.inner.add_dep(&id, &dep)).map(Ticket::from)
    }

    /// Removes the dep `dep` from `id`.
    #[napi]
    pub fn remove_dep(&self, env: &Env, id: String, dep: String) -> napi::Result<Ticket> {
        check(env, self.inner.remove_dep(&id, &dep)).map(Ticket::from)
    }

    /// The dependency tree below a ticket.
    #[napi]
    pub fn dep_tree(&self, env: &Env, id: String) -> napi::Result<DepTree> {
        check(env, self.inner.dep_tree(&id)).map(DepTree::from)
    }

    /// Deletes a ticket and returns it. Refused (`CONFLICT`) while others depend on it, unless
    /// `force`, which also removes those deps.
    #[napi]
    pub fn delete(
        &self,
        env: &Env,
        id: String,
        options: Option<DeleteOptions>,
    ) -> napi::Result<Ticket> {
        let o = options.unwrap_or_default();
        check(env, self.inner.delete(&id, o.force.unwrap_or(false))).map(Ticket::from)
    }

    /// Waits (on a thread of its own) until `ready({ assignee })` is non-empty and resolves to
    /// its first ticket, without claiming it; `null` when `timeout` seconds pass first.
    #[napi(ts_return_type = "Promise<Ticket | null>")]
    pub fn wait_ready<'e>(
        &self,
        env: &'e Env,
        options: Option<WaitOptions>,
    ) -> napi::Result<Object<'e>> {
        let o = options.unwrap_or_default();
        let limit = timeout(o.timeout);
        let assignee = o.assignee;
        let inner = Arc::clone(&self.inner);
        wait::spawn(env, o.signal, move |interrupt| {
            let t = inner.wait_ready_with(assignee.as_deref(), limit?, interrupt)?;
            Ok(t.map(Ticket::from))
        })
    }

    /// The audit log, oldest first: one ticket's (also after it was deleted), or all.
    #[napi]
    pub fn history(&self, env: &Env, id: Option<String>) -> napi::Result<Vec<LogEntry>> {
        let r = self.inner.history(id.as_deref());
        check(env, r).map(|l| l.into_iter().map(LogEntry::from).collect())
    }

    /// The dependency graph as `mermaid` (default) or `dot` text, all of it or below `id`.
    #[napi]
    pub fn graph(&self, env: &Env, options: Option<GraphOptions>) -> napi::Result<String> {
        let o = options.unwrap_or_default();
        let format = o
            .format
            .as_deref()
            .unwrap_or("mermaid")
            .parse::<ayo::GraphFormat>();
        let r = format.and_then(|f| self.inner.graph(f, o.id.as_deref()));
        check(env, r)
    }

    /// Everything wrong in the store: unreadable files, deps on missing tickets, cycles made by
    /// hand edits, ids that disagree with file names.
    #[napi]
    pub fn check(&self, env: &Env) -> napi::Result<Vec<Problem>> {
        check(env, self.inner.check()).map(|l| l.into_iter().map(Problem::from).collect())
    }

    /// Runs `fn` as one batch: its writes are committed together when it returns, and dropped
    /// when it throws. `fn` gets this handle and must be synchronous.
    #[napi(
        ts_generic_types = "T",
        ts_args_type = "fn: (tickets: Tickets) => T",
        ts_return_type = "T"
    )]
    pub fn batch<'e>(
        &self,
        env: &'e Env,
        this: This<'e>,
        f: Function<'e, Object<'e>, Unknown<'e>>,
    ) -> napi::Result<Unknown<'e>> {
        check(env, self.inner.begin_batch())?;
        let returned = match f.call(this.object) {
            Ok(v) => v,
            Err(e) => {
                let _ = self.inner.end_batch(false);
                return Err(e);
            }
        };
        if returned.is_promise().unwrap_or(false) {
            let _ = self.inner.end_batch(false);
            return Err(to_js(
                env,
                ayo::Error::invalid(
                    "batch(fn) needs a synchronous function: fn returned a promise, so its writes were dropped",
                ),
            ));
        }
        check(env, self.inner.end_batch(true))?;
        Ok(returned)
    }
}

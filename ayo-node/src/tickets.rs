//! The `Tickets` class: one method per operation of the contract. Each converts its arguments
//! (all through [`crate::args`], so bad input is `INVALID` everywhere; an operation's own in
//! [`crate::calls`], shared with its promise twin), calls the core and maps the error; the core
//! holds every rule. Arguments arrive untyped, so each method states its
//! TypeScript signature.

use std::sync::Arc;

use ayo_tickets as ayo;
use napi::bindgen_prelude::{JavaScriptClassExt, Object, This, ToNapiValue, Unknown};
use napi::{Env, JsValue};
use napi_derive::napi;

use crate::args::{function, optional, options_arg, required};
use crate::beads::BeadsImport;
use crate::calls::{self, Call};
use crate::convert::{Closed, DepTree, LogEntry, Problem, Ticket};
use crate::error::{check, to_js};
use crate::job::Job;
use crate::options::{ClaimOptions, OpenOptions, WaitOptions, WatchOptions};
use crate::wait;
use crate::watch::Watcher;

impl Tickets {
    /// A claim-like call (`claim`, `claimJob`) on a thread of its own: `agent` and `options`
    /// read as `method`'s (a bad one rejects the promise), then `run` with the core handle, the
    /// agent, the core's claim options and the signal's interrupt check.
    fn claiming<'e, T, R>(
        &self,
        env: &'e Env,
        method: &'static str,
        agent: Unknown<'_>,
        options: Unknown<'_>,
        run: R,
    ) -> napi::Result<Object<'e>>
    where
        T: ToNapiValue + Send + 'static,
        R: FnOnce(&ayo::Tickets, &str, ayo::ClaimOptions, &wait::Interrupt) -> ayo::Result<T>
            + Send
            + 'static,
    {
        let args = required::<String>(method, "agent", agent)
            .and_then(|a| Ok((a, options_arg::<ClaimOptions>(method, "options", options)?)));
        let (agent, o) = match args {
            Ok(a) => a,
            Err(e) => return wait::rejected::<T>(env, e),
        };
        let parsed = claim_options(&o);
        let inner = Arc::clone(&self.inner);
        wait::spawn(env, o.signal, move |interrupt| {
            run(&inner, &agent, parsed?, interrupt)
        })
    }
}

impl Tickets {
    /// Runs an operation's call at once, on this thread: a bad argument or the core's error
    /// throws.
    pub(crate) fn now<T>(&self, env: &Env, call: ayo::Result<impl Call<T>>) -> napi::Result<T> {
        check(env, call.and_then(|c| c(&self.inner)))
    }
}

/// The core's claim options from Node's (the core converts the seconds).
fn claim_options(o: &ClaimOptions) -> ayo::Result<ayo::ClaimOptions> {
    ayo::ClaimOptions::from_secs(o.wait.unwrap_or(false), o.timeout, o.lease)
}

/// Tickets in one store: a directory of markdown files, a session's or the global store, a
/// database, or memory. Open one with a static method (`Tickets.open(dir)`, ...).
#[napi]
pub struct Tickets {
    pub(crate) inner: Arc<ayo::Tickets>,
}

/// Applies the constructor options to a freshly opened handle, and routes its warnings to
/// `process.emitWarning`.
fn configure(env: &Env, opened: ayo::Result<ayo::Tickets>, o: OpenOptions) -> ayo::Result<Tickets> {
    let mut t = opened?;
    if let Some(h) = crate::warnings::handler(env) {
        t = t.with_warning_handler(h);
    }
    let mut options = ayo::OpenOptions::from_secs(o.actor, o.lease)?;
    options.lock_timeout = o.lock_timeout;
    let t = t.with_options(&options)?;
    Ok(Tickets { inner: Arc::new(t) })
}

#[napi]
impl Tickets {
    /// Tickets in a directory of markdown files (created at the first write).
    #[napi(
        catch_unwind,
        factory,
        ts_args_type = "dir: string, options?: OpenOptions | undefined | null"
    )]
    pub fn open(env: &Env, dir: Unknown<'_>, options: Unknown<'_>) -> napi::Result<Self> {
        let r = (|| {
            let dir: String = required("open", "dir", dir)?;
            let o = options_arg::<OpenOptions>("open", "options", options)?;
            configure(env, ayo::Tickets::open(dir), o)
        })();
        check(env, r)
    }

    /// A session's tickets: `<home>/sessions/<session>/.tickets/`; the session is the one
    /// given, else `$AYO_SESSION_ID`, else `default`. `<home>` is `$AYO_HOME`, else
    /// `$XDG_DATA_HOME/ayo`, else `~/.local/share/ayo`.
    #[napi(
        catch_unwind,
        factory,
        ts_args_type = "session?: string | undefined | null, options?: OpenOptions | undefined | null"
    )]
    pub fn open_session(
        env: &Env,
        session: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Self> {
        let r = (|| {
            let session: Option<String> = optional("openSession", "session", session)?;
            let o = options_arg::<OpenOptions>("openSession", "options", options)?;
            configure(env, ayo::Tickets::open_session(session.as_deref()), o)
        })();
        check(env, r)
    }

    /// The tickets shared by every session: `<home>/tickets/.tickets/`.
    #[napi(
        catch_unwind,
        factory,
        ts_args_type = "options?: OpenOptions | undefined | null"
    )]
    pub fn open_global(env: &Env, options: Unknown<'_>) -> napi::Result<Self> {
        let r = options_arg::<OpenOptions>("openGlobal", "options", options)
            .and_then(|o| configure(env, ayo::Tickets::open_global(), o));
        check(env, r)
    }

    /// The project's tickets: the nearest `.tickets/` from `start` (else the current directory)
    /// upward; in a linked git worktree, the main worktree's, so that agents in parallel
    /// worktrees share one store and one set of claims. `INVALID` when there is none.
    #[napi(
        catch_unwind,
        factory,
        ts_args_type = "start?: string | undefined | null, options?: OpenOptions | undefined | null"
    )]
    pub fn open_project(env: &Env, start: Unknown<'_>, options: Unknown<'_>) -> napi::Result<Self> {
        let r = (|| {
            let start: Option<String> = optional("openProject", "start", start)?;
            let o = options_arg::<OpenOptions>("openProject", "options", options)?;
            let start = start.map(std::path::PathBuf::from);
            configure(env, ayo::Tickets::open_project(start.as_deref()), o)
        })();
        check(env, r)
    }

    /// Tickets in memory, gone with the handle.
    #[napi(
        catch_unwind,
        factory,
        ts_args_type = "options?: OpenOptions | undefined | null"
    )]
    pub fn in_memory(env: &Env, options: Unknown<'_>) -> napi::Result<Self> {
        let r = options_arg::<OpenOptions>("inMemory", "options", options)
            .and_then(|o| configure(env, ayo::Tickets::try_in_memory(), o));
        check(env, r)
    }

    /// A database store, by URL (`postgres://...`), shared by agents on many hosts; or a
    /// Claude Code task list (`claude:LIST` under `$CLAUDE_CONFIG_DIR/tasks/` else
    /// `~/.claude/tasks/`, or `claude:/path`).
    #[napi(
        catch_unwind,
        factory,
        ts_args_type = "url: string, options?: OpenOptions | undefined | null"
    )]
    pub fn connect(env: &Env, url: Unknown<'_>, options: Unknown<'_>) -> napi::Result<Self> {
        let r = (|| {
            let url: String = required("connect", "url", url)?;
            let o = options_arg::<OpenOptions>("connect", "options", options)?;
            configure(env, ayo::Tickets::connect(&url), o)
        })();
        check(env, r)
    }

    /// Who acts (for notes and the audit log), if anybody.
    #[napi(catch_unwind, getter)]
    pub fn actor(&self) -> Option<String> {
        self.inner.actor().map(str::to_string)
    }

    /// The promise methods of this handle: each blocking method by the same name, resolved
    /// from a thread of its own so the event loop keeps running (`await t.promises.close(id)`).
    #[napi(catch_unwind, getter)]
    pub fn promises(&self) -> crate::promises::TicketsPromises {
        crate::promises::TicketsPromises::new(Arc::clone(&self.inner))
    }

    /// Where the store is: a directory, a URL, or `memory`.
    #[napi(catch_unwind, getter)]
    pub fn location(&self) -> String {
        self.inner.store().location()
    }

    /// Creates a ticket and returns it. Every dep must exist; a chosen id must be free.
    #[napi(
        catch_unwind,
        ts_args_type = "title: string, options?: CreateOptions | undefined | null"
    )]
    pub fn create(
        &self,
        env: &Env,
        title: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Ticket> {
        self.now(env, calls::create(title, options))
    }

    /// One ticket, by exact id or a unique prefix of one.
    #[napi(catch_unwind, ts_args_type = "id: string")]
    pub fn get(&self, env: &Env, id: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::get(id))
    }

    /// Every ticket that matches the filter, oldest first.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: ListOptions | undefined | null"
    )]
    pub fn list(&self, env: &Env, options: Unknown<'_>) -> napi::Result<Vec<Ticket>> {
        self.now(env, calls::list(options))
    }

    /// The tickets whose title, description, notes or tags hold `text` (any case) and that
    /// pass the filter: title matches first, then the rest, each oldest first.
    #[napi(
        catch_unwind,
        ts_args_type = "text: string, options?: ListOptions | undefined | null"
    )]
    pub fn search(
        &self,
        env: &Env,
        text: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Vec<Ticket>> {
        self.now(env, calls::search(text, options))
    }

    /// Imports beads' `issues.jsonl` at `path`, all or nothing: how many tickets, and what
    /// could not be mapped.
    #[napi(catch_unwind, ts_args_type = "path: string")]
    pub fn import_beads(&self, env: &Env, path: Unknown<'_>) -> napi::Result<BeadsImport> {
        self.now(env, calls::import_beads(path))
    }

    /// Open tickets with no `blockedBy`, by priority, then created, then id; only the
    /// assignee's when given.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: AgentOptions | undefined | null"
    )]
    pub fn ready(&self, env: &Env, options: Unknown<'_>) -> napi::Result<Vec<Ticket>> {
        self.now(env, calls::ready(options))
    }

    /// Open or in-progress tickets with a non-empty `blockedBy`, oldest first.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: AgentOptions | undefined | null"
    )]
    pub fn blocked(&self, env: &Env, options: Unknown<'_>) -> napi::Result<Vec<Ticket>> {
        self.now(env, calls::blocked(options))
    }

    /// Edits the given fields and keeps the rest; `parent: null` clears the parent.
    #[napi(catch_unwind, ts_args_type = "id: string, changes: UpdateOptions")]
    pub fn update(&self, env: &Env, id: Unknown<'_>, changes: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::update(id, changes))
    }

    /// open → in_progress; sets `started`, and the assignee when `agent` is given. A blocked
    /// ticket is refused (`BLOCKED`) unless `force`.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, options?: StartOptions | undefined | null"
    )]
    pub fn start(&self, env: &Env, id: Unknown<'_>, options: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::start(id, options))
    }

    /// Atomically claims the first ticket claimable by `agent` and starts it for `agent`;
    /// `null` when there is none. With `wait`, waits (on a thread of its own) until one is
    /// claimable or `timeout` seconds pass.
    #[napi(
        catch_unwind,
        ts_args_type = "agent: string, options?: ClaimOptions | undefined | null",
        ts_return_type = "Promise<Ticket | null>"
    )]
    pub fn claim<'e>(
        &self,
        env: &'e Env,
        agent: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.claiming(
            env,
            "claim",
            agent,
            options,
            |core, agent, opts, interrupt| {
                Ok(core
                    .claim_with(agent, &opts, Some(interrupt))?
                    .map(Ticket::from))
            },
        )
    }

    /// Claims the next ticket for `agent` as a `Job` that keeps its lease alive (every third of
    /// `lease` seconds; default: the handle's default lease, else 60) until it is closed or
    /// given back; `null` when nothing was claimable. `work` is the usual way to use one.
    #[napi(
        catch_unwind,
        ts_args_type = "agent: string, options?: ClaimOptions | undefined | null",
        ts_return_type = "Promise<Job | null>"
    )]
    pub fn claim_job<'e>(
        &self,
        env: &'e Env,
        agent: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.claiming(
            env,
            "claimJob",
            agent,
            options,
            |core, agent, opts, interrupt| {
                Ok(core.work_with(agent, &opts, interrupt)?.map(Job::new))
            },
        )
    }

    /// Claims the next ticket for `agent` and runs `fn(job)` on it while the job keeps the
    /// lease alive: when `fn` resolves, the ticket is closed and the promise resolves with what
    /// `close` returns (`null` if `fn` ended the job itself); when it throws, the ticket is
    /// given back with a note naming the error and the promise rejects with that error.
    /// `job.signal` aborts when the job is lost (then `fn` resolving rejects with `CONFLICT`:
    /// the ticket is no longer the job's to close). Resolves `null` when nothing was claimable.
    #[napi(
        catch_unwind,
        ts_args_type = "agent: string, fn: (job: Job) => unknown, options?: ClaimOptions | undefined | null",
        ts_return_type = "Promise<Closed | null>"
    )]
    pub fn work<'e>(
        &self,
        env: &'e Env,
        this: This<'e>,
        agent: Unknown<'e>,
        f: Unknown<'e>,
        options: Unknown<'e>,
    ) -> napi::Result<Unknown<'e>> {
        if let Err(e) = function("work", "fn", f) {
            return wait::rejected::<Option<Closed>>(env, e).map(|p| p.to_unknown());
        }
        crate::job::work(env, this.object, agent, f, options)
    }

    /// Renews the lease of a ticket `agent` holds: by `lease` seconds, else by the length
    /// given at claim.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, agent: string, options?: HeartbeatOptions | undefined | null"
    )]
    pub fn heartbeat(
        &self,
        env: &Env,
        id: Unknown<'_>,
        agent: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Ticket> {
        self.now(env, calls::heartbeat(id, agent, options))
    }

    /// in_progress → open, keeping the assignee: gives a claim back.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, options?: ReleaseOptions | undefined | null"
    )]
    pub fn release(
        &self,
        env: &Env,
        id: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Ticket> {
        self.now(env, calls::release(id, options))
    }

    /// open/in_progress → closed; the reason, if any, becomes a note. Returns the ticket and
    /// the open dependents that became ready.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, options?: CloseOptions | undefined | null"
    )]
    pub fn close(&self, env: &Env, id: Unknown<'_>, options: Unknown<'_>) -> napi::Result<Closed> {
        self.now(env, calls::close(id, options))
    }

    /// closed → open.
    #[napi(catch_unwind, ts_args_type = "id: string")]
    pub fn reopen(&self, env: &Env, id: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::reopen(id))
    }

    /// Appends a timestamped note by the actor.
    #[napi(catch_unwind, ts_args_type = "id: string, text: string")]
    pub fn note(&self, env: &Env, id: Unknown<'_>, text: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::note(id, text))
    }

    /// Sets the assignee (`@` is added), or clears it with `null`.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, agent?: string | undefined | null"
    )]
    pub fn assign(&self, env: &Env, id: Unknown<'_>, agent: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::assign(id, agent))
    }

    /// Makes `id` depend on `dep`; refuses a self-dep and any cycle (`CYCLE`, with `cycle`).
    #[napi(catch_unwind, ts_args_type = "id: string, dep: string")]
    pub fn add_dep(&self, env: &Env, id: Unknown<'_>, dep: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::add_dep(id, dep))
    }

    /// Removes the dep `dep` from `id`.
    #[napi(catch_unwind, ts_args_type = "id: string, dep: string")]
    pub fn remove_dep(&self, env: &Env, id: Unknown<'_>, dep: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::remove_dep(id, dep))
    }

    /// Archives closed tickets, all or none (`INVALID_TRANSITION` names one that is not closed):
    /// `list`, `ready` and `search` no longer read them (`list({ archived: true })` does),
    /// `get`, `history` and `depTree` still find them, and a dep on one counts as closed.
    /// Returns them, in the order given.
    #[napi(catch_unwind, ts_args_type = "ids: Array<string>")]
    pub fn archive(&self, env: &Env, ids: Unknown<'_>) -> napi::Result<Vec<Ticket>> {
        self.now(env, calls::archive(ids))
    }

    /// Archives every ticket closed at least `age` ago (seconds, or `"30d"`, `"12h"`, ...);
    /// returns them, oldest closed first (none is not an error).
    #[napi(catch_unwind, ts_args_type = "age: number | string")]
    pub fn archive_older_than(&self, env: &Env, age: Unknown<'_>) -> napi::Result<Vec<Ticket>> {
        self.now(env, calls::archive_older_than(age))
    }

    /// Brings an archived ticket (by its exact id) back among the active ones, still closed.
    #[napi(catch_unwind, ts_args_type = "id: string")]
    pub fn unarchive(&self, env: &Env, id: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::unarchive(id))
    }

    /// The dependency tree below a ticket.
    #[napi(catch_unwind, ts_args_type = "id: string")]
    pub fn dep_tree(&self, env: &Env, id: Unknown<'_>) -> napi::Result<DepTree> {
        self.now(env, calls::dep_tree(id))
    }

    /// Deletes a ticket and returns it. Refused (`CONFLICT`) while others depend on it, unless
    /// `force`, which also removes those deps.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, options?: DeleteOptions | undefined | null"
    )]
    pub fn delete(&self, env: &Env, id: Unknown<'_>, options: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::delete(id, options))
    }

    /// Waits (on a thread of its own) until `ready({ assignee })` is non-empty and resolves to
    /// its first ticket, without claiming it; `null` when `timeout` seconds pass first.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: WaitOptions | undefined | null",
        ts_return_type = "Promise<Ticket | null>"
    )]
    pub fn wait_ready<'e>(&self, env: &'e Env, options: Unknown<'_>) -> napi::Result<Object<'e>> {
        let o = match options_arg::<WaitOptions>("waitReady", "options", options) {
            Ok(o) => o,
            Err(e) => return wait::rejected::<Option<Ticket>>(env, e),
        };
        let limit = ayo::wait_timeout(o.timeout);
        let assignee = o.assignee;
        let inner = Arc::clone(&self.inner);
        wait::spawn(env, o.signal, move |interrupt| {
            let t = inner.wait_ready_with(assignee.as_deref(), limit?, interrupt)?;
            Ok(t.map(Ticket::from))
        })
    }

    /// The audit log, oldest first: one ticket's (also after it was deleted), or all.
    #[napi(catch_unwind, ts_args_type = "id?: string | undefined | null")]
    pub fn history(&self, env: &Env, id: Unknown<'_>) -> napi::Result<Vec<LogEntry>> {
        self.now(env, calls::history(id))
    }

    /// The store's changes as they happen, woken by the store's change signal: an async
    /// iterator of `LogEntry` (`for await (const e of t.watch({ signal })) ...`) that never ends
    /// by itself; aborting `signal` ends it with an `AbortError`. `since` replays the log from
    /// then first; `agent` keeps the changes made by that agent or to tickets assigned to it.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: WatchOptions | undefined | null",
        ts_return_type = "AsyncGenerator<LogEntry, never, undefined>"
    )]
    pub fn watch<'e>(&self, env: &'e Env, options: Unknown<'e>) -> napi::Result<Unknown<'e>> {
        let watcher = self.watcher(env, options)?;
        let watcher = Watcher::into_instance(watcher, env)?
            .as_object(env)
            .to_unknown();
        crate::watch::iterate(env, watcher, options)
    }

    /// The handle under `watch`: a `Watcher` whose `next(signal)` is a promise of the next
    /// change.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: WatchOptions | undefined | null"
    )]
    pub fn watcher(&self, env: &Env, options: Unknown<'_>) -> napi::Result<Watcher> {
        let r = options_arg::<WatchOptions>("watch", "options", options).and_then(|o| {
            let options = ayo::WatchOptions {
                since: o.since,
                agent: o.agent,
            };
            ayo::Watch::new(Arc::clone(&self.inner), options)
        });
        check(env, r).map(Watcher::new)
    }

    /// The dependency graph as `mermaid` (default) or `dot` text, all of it or below `id`.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: GraphOptions | undefined | null"
    )]
    pub fn graph(&self, env: &Env, options: Unknown<'_>) -> napi::Result<String> {
        self.now(env, calls::graph(options))
    }

    /// Everything wrong in the store: unreadable files, deps on missing tickets, cycles made by
    /// hand edits, ids that disagree with file names.
    #[napi(catch_unwind)]
    pub fn check(&self, env: &Env) -> napi::Result<Vec<Problem>> {
        self.now(env, Ok(calls::check()))
    }

    /// Runs `fn` as one batch: its writes are committed together when it returns, and dropped
    /// when it throws. `fn` gets this handle and must be synchronous.
    #[napi(
        catch_unwind,
        ts_generic_types = "T",
        ts_args_type = "fn: (tickets: Tickets) => T",
        ts_return_type = "T"
    )]
    pub fn batch<'e>(
        &self,
        env: &'e Env,
        this: This<'e>,
        f: Unknown<'e>,
    ) -> napi::Result<Unknown<'e>> {
        let f = check(env, function("batch", "fn", f))?;
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

//! `tickets.promises`: every blocking method of `Tickets` as a method of the same name that
//! returns a promise, like `fs.promises`. The arguments are read on the JavaScript thread by the
//! same function as the sync method's ([`crate::calls`]; a bad one rejects the promise); the core
//! call runs on a thread of its own, so lock waits, fsyncs and database round trips never block
//! the event loop. The sync methods stay as they are.

use std::sync::Arc;

use ayo_tickets as ayo;
use napi::Env;
use napi::bindgen_prelude::{Object, ToNapiValue, Unknown};
use napi_derive::napi;

use crate::calls::{self, Call};
use crate::wait;

/// The promise methods of one `Tickets` handle (`tickets.promises`): the same names, arguments
/// and results as the sync methods, each resolved from a thread of its own.
#[napi]
pub struct TicketsPromises {
    inner: Arc<ayo::Tickets>,
}

impl TicketsPromises {
    /// The promise methods of a handle.
    pub fn new(inner: Arc<ayo::Tickets>) -> Self {
        TicketsPromises { inner }
    }

    /// A promise of the operation's `call`, run on a thread of its own; an argument it could
    /// not read (on the JavaScript thread) rejects it.
    fn run<'e, T>(&self, env: &'e Env, call: ayo::Result<impl Call<T>>) -> napi::Result<Object<'e>>
    where
        T: ToNapiValue + Send + 'static,
    {
        let call = match call {
            Ok(c) => c,
            Err(e) => return wait::rejected::<T>(env, e),
        };
        let inner = Arc::clone(&self.inner);
        wait::spawn(env, None, move |_| call(&inner))
    }
}

#[napi]
impl TicketsPromises {
    /// `create`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "title: string, options?: CreateOptions | undefined | null",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn create<'e>(
        &self,
        env: &'e Env,
        title: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::create(title, options))
    }

    /// `get`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn get<'e>(&self, env: &'e Env, id: Unknown<'_>) -> napi::Result<Object<'e>> {
        self.run(env, calls::get(id))
    }

    /// `list`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: ListOptions | undefined | null",
        ts_return_type = "Promise<Array<Ticket>>"
    )]
    pub fn list<'e>(&self, env: &'e Env, options: Unknown<'_>) -> napi::Result<Object<'e>> {
        self.run(env, calls::list(options))
    }

    /// `search`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "text: string, options?: ListOptions | undefined | null",
        ts_return_type = "Promise<Array<Ticket>>"
    )]
    pub fn search<'e>(
        &self,
        env: &'e Env,
        text: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::search(text, options))
    }

    /// `importBeads`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "path: string",
        ts_return_type = "Promise<BeadsImport>"
    )]
    pub fn import_beads<'e>(&self, env: &'e Env, path: Unknown<'_>) -> napi::Result<Object<'e>> {
        self.run(env, calls::import_beads(path))
    }

    /// `ready`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: AgentOptions | undefined | null",
        ts_return_type = "Promise<Array<Ticket>>"
    )]
    pub fn ready<'e>(&self, env: &'e Env, options: Unknown<'_>) -> napi::Result<Object<'e>> {
        self.run(env, calls::ready(options))
    }

    /// `blocked`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: AgentOptions | undefined | null",
        ts_return_type = "Promise<Array<Ticket>>"
    )]
    pub fn blocked<'e>(&self, env: &'e Env, options: Unknown<'_>) -> napi::Result<Object<'e>> {
        self.run(env, calls::blocked(options))
    }

    /// `update`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, changes: UpdateOptions",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn update<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        changes: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::update(id, changes))
    }

    /// `start`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, options?: StartOptions | undefined | null",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn start<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::start(id, options))
    }

    /// `heartbeat`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, agent: string, options?: HeartbeatOptions | undefined | null",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn heartbeat<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        agent: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::heartbeat(id, agent, options))
    }

    /// `release`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, options?: ReleaseOptions | undefined | null",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn release<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::release(id, options))
    }

    /// `close`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, options?: CloseOptions | undefined | null",
        ts_return_type = "Promise<Closed>"
    )]
    pub fn close<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::close(id, options))
    }

    /// `reopen`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn reopen<'e>(&self, env: &'e Env, id: Unknown<'_>) -> napi::Result<Object<'e>> {
        self.run(env, calls::reopen(id))
    }

    /// `note`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, text: string",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn note<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        text: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::note(id, text))
    }

    /// `assign`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, agent?: string | undefined | null",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn assign<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        agent: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::assign(id, agent))
    }

    /// `addDep`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, dep: string",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn add_dep<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        dep: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::add_dep(id, dep))
    }

    /// `removeDep`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, dep: string",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn remove_dep<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        dep: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::remove_dep(id, dep))
    }

    /// `depTree`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string",
        ts_return_type = "Promise<DepTree>"
    )]
    pub fn dep_tree<'e>(&self, env: &'e Env, id: Unknown<'_>) -> napi::Result<Object<'e>> {
        self.run(env, calls::dep_tree(id))
    }

    /// `delete`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, options?: DeleteOptions | undefined | null",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn delete<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::delete(id, options))
    }

    /// `history`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id?: string | undefined | null",
        ts_return_type = "Promise<Array<LogEntry>>"
    )]
    pub fn history<'e>(&self, env: &'e Env, id: Unknown<'_>) -> napi::Result<Object<'e>> {
        self.run(env, calls::history(id))
    }

    /// `graph`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: GraphOptions | undefined | null",
        ts_return_type = "Promise<string>"
    )]
    pub fn graph<'e>(&self, env: &'e Env, options: Unknown<'_>) -> napi::Result<Object<'e>> {
        self.run(env, calls::graph(options))
    }

    /// `defer`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, until: Date | string | null",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn defer<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        until: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::defer(id, until))
    }

    /// `why`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, options?: WhyOptions | undefined | null",
        ts_return_type = "Promise<Why>"
    )]
    pub fn why<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        options: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::why(id, options))
    }

    /// `link`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, others: Array<string>",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn link<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        others: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::link(id, others))
    }

    /// `unlink`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, other: string",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn unlink<'e>(
        &self,
        env: &'e Env,
        id: Unknown<'_>,
        other: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::unlink(id, other))
    }

    /// `archive`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "ids: Array<string>",
        ts_return_type = "Promise<Array<Ticket>>"
    )]
    pub fn archive<'e>(&self, env: &'e Env, ids: Unknown<'_>) -> napi::Result<Object<'e>> {
        self.run(env, calls::archive(ids))
    }

    /// `archiveOlderThan`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "age: number | string",
        ts_return_type = "Promise<Array<Ticket>>"
    )]
    pub fn archive_older_than<'e>(
        &self,
        env: &'e Env,
        age: Unknown<'_>,
    ) -> napi::Result<Object<'e>> {
        self.run(env, calls::archive_older_than(age))
    }

    /// `unarchive`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn unarchive<'e>(&self, env: &'e Env, id: Unknown<'_>) -> napi::Result<Object<'e>> {
        self.run(env, calls::unarchive(id))
    }

    /// `check`, as a promise.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<Problem>>")]
    pub fn check<'e>(&self, env: &'e Env) -> napi::Result<Object<'e>> {
        self.run(env, Ok(calls::check()))
    }
}

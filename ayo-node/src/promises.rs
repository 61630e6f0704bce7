//! `tickets.promises`: every blocking method of `Tickets` as a method of the same name that
//! returns a promise, like `fs.promises`. The arguments are read on the JavaScript thread (a bad
//! one rejects the promise); the core call runs on a thread of its own, so lock waits, fsyncs and
//! database round trips never block the event loop. The sync methods stay as they are.

use std::sync::Arc;

use ayo_tickets as ayo;
use napi::Env;
use napi::bindgen_prelude::{Object, ToNapiValue, Unknown};
use napi_derive::napi;

use crate::args::{optional, options_arg, required, required_options_arg};
use crate::convert::{self, Closed, DepTree, LogEntry, Problem, Ticket};
use crate::options::{
    AgentOptions, CloseOptions, CreateOptions, DeleteOptions, GraphOptions, HeartbeatOptions,
    ListOptions, ReleaseOptions, StartOptions, UpdateOptions,
};
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

    /// A promise of `call(core)`, run on a thread of its own; `args` (read here, on the
    /// JavaScript thread) rejects it when it fails.
    fn run<'e, A, T>(
        &self,
        env: &'e Env,
        args: ayo::Result<A>,
        call: impl FnOnce(&ayo::Tickets, A) -> ayo::Result<T> + Send + 'static,
    ) -> napi::Result<Object<'e>>
    where
        A: Send + 'static,
        T: ToNapiValue + Send + 'static,
    {
        let args = match args {
            Ok(a) => a,
            Err(e) => return wait::rejected::<T>(env, e),
        };
        let inner = Arc::clone(&self.inner);
        wait::spawn(env, None, move |_| call(&inner, args))
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
        let args = (|| {
            let title: String = required("create", "title", title)?;
            options_arg::<CreateOptions>("create", "options", options)?.into_new(title)
        })();
        self.run(env, args, |t, new| t.create(new).map(Ticket::from))
    }

    /// `get`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn get<'e>(&self, env: &'e Env, id: Unknown<'_>) -> napi::Result<Object<'e>> {
        let args = required::<String>("get", "id", id);
        self.run(env, args, |t, id| t.get(&id).map(Ticket::from))
    }

    /// `list`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: ListOptions | undefined | null",
        ts_return_type = "Promise<Array<Ticket>>"
    )]
    pub fn list<'e>(&self, env: &'e Env, options: Unknown<'_>) -> napi::Result<Object<'e>> {
        let args = options_arg::<ListOptions>("list", "options", options)
            .and_then(ListOptions::into_filter);
        self.run(env, args, |t, f| t.list(&f).map(convert::tickets))
    }

    /// `ready`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: AgentOptions | undefined | null",
        ts_return_type = "Promise<Array<Ticket>>"
    )]
    pub fn ready<'e>(&self, env: &'e Env, options: Unknown<'_>) -> napi::Result<Object<'e>> {
        let args = options_arg::<AgentOptions>("ready", "options", options).map(|o| o.assignee);
        self.run(env, args, |t, a| {
            t.ready(a.as_deref()).map(convert::tickets)
        })
    }

    /// `blocked`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: AgentOptions | undefined | null",
        ts_return_type = "Promise<Array<Ticket>>"
    )]
    pub fn blocked<'e>(&self, env: &'e Env, options: Unknown<'_>) -> napi::Result<Object<'e>> {
        let args = options_arg::<AgentOptions>("blocked", "options", options).map(|o| o.assignee);
        self.run(env, args, |t, a| {
            t.blocked(a.as_deref()).map(convert::tickets)
        })
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
        let args = (|| {
            let id: String = required("update", "id", id)?;
            let u: UpdateOptions = required_options_arg("update", "changes", changes)?;
            Ok((id, u.into_update()?))
        })();
        self.run(env, args, |t, (id, u)| t.update(&id, u).map(Ticket::from))
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
        let args = (|| {
            let id: String = required("start", "id", id)?;
            let o = options_arg::<StartOptions>("start", "options", options)?;
            Ok((id, o.agent, o.force.unwrap_or(false)))
        })();
        self.run(env, args, |t, (id, agent, force)| {
            t.start(&id, agent.as_deref(), force).map(Ticket::from)
        })
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
        let args = (|| {
            let id: String = required("heartbeat", "id", id)?;
            let agent: String = required("heartbeat", "agent", agent)?;
            let o = options_arg::<HeartbeatOptions>("heartbeat", "options", options)?;
            Ok((id, agent, o.lease.map(ayo::lease_from_secs).transpose()?))
        })();
        self.run(env, args, |t, (id, agent, lease)| {
            t.heartbeat(&id, &agent, lease).map(Ticket::from)
        })
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
        let args = (|| {
            let id: String = required("release", "id", id)?;
            let o = options_arg::<ReleaseOptions>("release", "options", options)?;
            Ok((id, o.agent))
        })();
        self.run(env, args, |t, (id, agent)| {
            t.release(&id, agent.as_deref()).map(Ticket::from)
        })
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
        let args = (|| {
            let id: String = required("close", "id", id)?;
            let o = options_arg::<CloseOptions>("close", "options", options)?;
            Ok((id, o.reason))
        })();
        self.run(env, args, |t, (id, reason)| {
            t.close(&id, reason.as_deref()).map(Closed::from)
        })
    }

    /// `reopen`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string",
        ts_return_type = "Promise<Ticket>"
    )]
    pub fn reopen<'e>(&self, env: &'e Env, id: Unknown<'_>) -> napi::Result<Object<'e>> {
        let args = required::<String>("reopen", "id", id);
        self.run(env, args, |t, id| t.reopen(&id).map(Ticket::from))
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
        let args = (|| {
            let id: String = required("note", "id", id)?;
            let text: String = required("note", "text", text)?;
            Ok((id, text))
        })();
        self.run(env, args, |t, (id, text)| {
            t.note(&id, &text).map(Ticket::from)
        })
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
        let args = (|| {
            let id: String = required("assign", "id", id)?;
            let agent: Option<String> = optional("assign", "agent", agent)?;
            Ok((id, agent))
        })();
        self.run(env, args, |t, (id, agent)| {
            t.assign(&id, agent.as_deref()).map(Ticket::from)
        })
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
        let args = (|| {
            let id: String = required("addDep", "id", id)?;
            let dep: String = required("addDep", "dep", dep)?;
            Ok((id, dep))
        })();
        self.run(env, args, |t, (id, dep)| {
            t.add_dep(&id, &dep).map(Ticket::from)
        })
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
        let args = (|| {
            let id: String = required("removeDep", "id", id)?;
            let dep: String = required("removeDep", "dep", dep)?;
            Ok((id, dep))
        })();
        self.run(env, args, |t, (id, dep)| {
            t.remove_dep(&id, &dep).map(Ticket::from)
        })
    }

    /// `depTree`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id: string",
        ts_return_type = "Promise<DepTree>"
    )]
    pub fn dep_tree<'e>(&self, env: &'e Env, id: Unknown<'_>) -> napi::Result<Object<'e>> {
        let args = required::<String>("depTree", "id", id);
        self.run(env, args, |t, id| t.dep_tree(&id).map(DepTree::from))
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
        let args = (|| {
            let id: String = required("delete", "id", id)?;
            let o = options_arg::<DeleteOptions>("delete", "options", options)?;
            Ok((id, o.force.unwrap_or(false)))
        })();
        self.run(env, args, |t, (id, force)| {
            t.delete(&id, force).map(Ticket::from)
        })
    }

    /// `history`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "id?: string | undefined | null",
        ts_return_type = "Promise<Array<LogEntry>>"
    )]
    pub fn history<'e>(&self, env: &'e Env, id: Unknown<'_>) -> napi::Result<Object<'e>> {
        let args = optional::<String>("history", "id", id);
        self.run(env, args, |t, id| {
            let log = t.history(id.as_deref())?;
            Ok(log.into_iter().map(LogEntry::from).collect::<Vec<_>>())
        })
    }

    /// `graph`, as a promise.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: GraphOptions | undefined | null",
        ts_return_type = "Promise<string>"
    )]
    pub fn graph<'e>(&self, env: &'e Env, options: Unknown<'_>) -> napi::Result<Object<'e>> {
        let args = (|| {
            let o = options_arg::<GraphOptions>("graph", "options", options)?;
            let format = o
                .format
                .as_deref()
                .unwrap_or("mermaid")
                .parse::<ayo::GraphFormat>()?;
            Ok((format, o.id))
        })();
        self.run(env, args, |t, (format, id)| t.graph(format, id.as_deref()))
    }

    /// `check`, as a promise.
    #[napi(catch_unwind, ts_return_type = "Promise<Array<Problem>>")]
    pub fn check<'e>(&self, env: &'e Env) -> napi::Result<Object<'e>> {
        self.run(env, Ok(()), |t, ()| {
            let problems = t.check()?;
            Ok(problems.into_iter().map(Problem::from).collect::<Vec<_>>())
        })
    }
}

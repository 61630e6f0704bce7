//! `Job`: the core's [`ayo_tickets::Job`] for Node, and `Tickets.work(agent, fn, options)`,
//! whose promise plumbing (await the function, close or give back, abort `job.signal` when the
//! job is lost) is a few lines of JavaScript in `work.js`, compiled by the addon. The core keeps
//! the lease alive on a thread of its own; nothing here blocks the event loop.

use ayo_tickets as ayo;
use napi::Env;
use napi::bindgen_prelude::{FnArgs, Function, JsObjectValue, Object, This, Unknown};
use napi_derive::napi;

use crate::args::{options_arg, required};
use crate::convert::{Closed, Ticket};
use crate::error::check;
use crate::options::{CloseOptions, JobReleaseOptions};
use crate::wait;

/// The JavaScript half of `work` and `signal`.
const WORK_JS: &str = include_str!("work.js");

/// The helpers of `work.js`: `{ signalOf, work }`.
pub fn helpers(env: &Env) -> napi::Result<Object<'_>> {
    env.run_script(WORK_JS)
}

/// A claimed ticket whose lease is kept alive while the job lives (from `Tickets.work` or
/// `Tickets.claimJob`). End it with `close` or `release`; a job collected without either gives
/// its ticket back.
#[napi]
pub struct Job {
    inner: ayo::Job,
}

impl Job {
    /// Wraps a core job.
    pub fn new(inner: ayo::Job) -> Self {
        Job { inner }
    }
}

#[napi]
impl Job {
    /// The ticket as claimed.
    #[napi(catch_unwind, getter)]
    pub fn ticket(&self) -> Ticket {
        Ticket::from(self.inner.ticket().clone())
    }

    /// The agent who holds it.
    #[napi(catch_unwind, getter)]
    pub fn agent(&self) -> String {
        self.inner.agent().to_string()
    }

    /// The lease kept, in seconds.
    #[napi(catch_unwind, getter)]
    pub fn lease(&self) -> f64 {
        self.inner.lease() as f64
    }

    /// True once the job was lost: its ticket taken over, closed, released or deleted by
    /// someone else, or its heartbeats failed until the lease ran out.
    #[napi(catch_unwind, getter)]
    pub fn lost(&self) -> bool {
        self.inner.lost().is_some()
    }

    /// Why the job was lost, or `null`.
    #[napi(catch_unwind, getter)]
    pub fn lost_reason(&self) -> Option<String> {
        self.inner.lost()
    }

    /// True once the job closed or gave back its ticket.
    #[napi(catch_unwind, getter)]
    pub fn ended(&self) -> bool {
        self.inner.ended()
    }

    /// Aborted (with a `CONFLICT` error naming why) when the job is lost.
    #[napi(catch_unwind, getter, ts_return_type = "AbortSignal")]
    pub fn signal<'e>(&self, env: &'e Env, this: This<'e>) -> napi::Result<Unknown<'e>> {
        let signal_of: Function<'_, Object<'_>, Unknown<'_>> =
            helpers(env)?.get_named_property("signalOf")?;
        signal_of.call(this.object)
    }

    /// Resolves when the job is lost (with why) or ends (with `null`), waiting on a thread of
    /// its own.
    #[napi(catch_unwind, ts_return_type = "Promise<string | null>")]
    pub fn wait_lost<'e>(&self, env: &'e Env) -> napi::Result<Object<'e>> {
        let watch = self.inner.watch();
        wait::spawn(env, None, move |_| Ok(watch.wait_lost(None)))
    }

    /// Adds a note to the ticket, by the agent.
    #[napi(catch_unwind, ts_args_type = "text: string")]
    pub fn note(&self, env: &Env, text: Unknown<'_>) -> napi::Result<Ticket> {
        let r = required::<String>("note", "text", text).and_then(|t| self.inner.note(&t));
        check(env, r).map(Ticket::from)
    }

    /// Closes the ticket (the reason, if any, becomes a note) and ends the job.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: CloseOptions | undefined | null"
    )]
    pub fn close(&self, env: &Env, options: Unknown<'_>) -> napi::Result<Closed> {
        let r = options_arg::<CloseOptions>("close", "options", options)
            .and_then(|o| self.inner.close(o.reason.as_deref()));
        check(env, r).map(Closed::from)
    }

    /// Gives the ticket back (open, keeping its assignee), with the note first if given, and
    /// ends the job.
    #[napi(
        catch_unwind,
        ts_args_type = "options?: JobReleaseOptions | undefined | null"
    )]
    pub fn release(&self, env: &Env, options: Unknown<'_>) -> napi::Result<Ticket> {
        let r = options_arg::<JobReleaseOptions>("release", "options", options)
            .and_then(|o| self.inner.release(o.note.as_deref()));
        check(env, r).map(Ticket::from)
    }

    /// Ends the job as the work ended: with no `failure` it closes the ticket (`null` when the
    /// work already ended the job); with one (what went wrong) it gives the ticket back with
    /// the note "Given back: <failure>", unless the job already ended or was lost, and returns
    /// `null`. `work` calls it; the rule is the core's `Job::finish`.
    #[napi(catch_unwind, ts_args_type = "failure?: string | undefined | null")]
    pub fn finish(&self, env: &Env, failure: Option<String>) -> napi::Result<Option<Closed>> {
        let r = self.inner.finish(failure.as_deref());
        check(env, r).map(|c| c.map(Closed::from))
    }
}

/// Calls `work.js`'s `work(tickets, agent, fn, options)`: a promise.
pub fn work<'e>(
    env: &'e Env,
    tickets: Object<'e>,
    agent: Unknown<'e>,
    f: Unknown<'e>,
    options: Unknown<'e>,
) -> napi::Result<Unknown<'e>> {
    let work: Function<
        '_,
        FnArgs<(Object<'_>, Unknown<'_>, Unknown<'_>, Unknown<'_>)>,
        Unknown<'_>,
    > = helpers(env)?.get_named_property("work")?;
    work.call(FnArgs::from((tickets, agent, f, options)))
}

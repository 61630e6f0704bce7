//! [`Tickets::work`] and [`Job`]: an agent's whole turn on a ticket. The claim, a lease kept
//! alive by the job itself, the close or the give-back, and a watch that tells when the job was
//! lost (taken over, closed, released or deleted by someone else, or heartbeats that failed until
//! the lease ran out). Every front end (`ayo ticket run`, Python's `with t.work(...)`, Node's
//! `t.work(agent, fn)`) drives this one job.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::Tickets;
use crate::error::{Error, Result};
use crate::options::ClaimOptions;
use crate::request::Closed;
use crate::store::ChangeFeed;
use crate::ticket::{Status, Ticket, agent_matches, normalize_agent};

use super::wait::Interrupt;

/// The lease a job holds when neither the call nor the handle names one, in seconds.
pub const DEFAULT_WORK_LEASE: u64 = 60;

/// The longest a job's watch sleeps before it looks whether the job has ended.
const WATCH_SLICE: Duration = Duration::from_millis(500);

/// A ticket claimed by [`Tickets::work`], held while the job lives.
///
/// The job renews its lease every third of the lease on a thread of its own, and watches the
/// store's change feed for the ticket being taken from it. End it with [`Job::close`] or
/// [`Job::release`]; a job dropped without either gives the ticket back with a note that says
/// so.
///
/// ```
/// use ayo_tickets::{ClaimOptions, NewTicket, Tickets};
/// let t = Tickets::in_memory();
/// let a = t.create(NewTicket::new("Extract data"))?;
/// let b = t.create(NewTicket::new("Validate data").dep(&a.id))?;
/// let job = t.work("@extractor", ClaimOptions { lease: Some(30), ..Default::default() })?.unwrap();
/// assert_eq!(job.ticket().id, a.id);
/// job.note("47 reports")?;
/// assert!(job.lost().is_none());
/// let closed = job.close(Some("done"))?;
/// assert_eq!(closed.unblocked[0].id, b.id);
/// # Ok::<(), ayo_tickets::Error>(())
/// ```
pub struct Job {
    shared: Arc<Shared>,
}

/// What the job and its watch thread share.
struct Shared {
    /// A handle on the same store, acting as the agent.
    tickets: Tickets,
    ticket: Ticket,
    agent: String,
    lease: u64,
    /// When the claim started, as stored: a new claim of the ticket (even by an agent of the
    /// same name) changes it.
    started: Option<chrono::DateTime<chrono::Utc>>,
    /// Held across every store operation of the job, so that the watch never judges a state
    /// the job itself is changing.
    state: Mutex<State>,
    changed: Condvar,
}

/// Where a job is.
enum State {
    /// Held; the callbacks to run if it is lost.
    Live(Vec<LostHandler>),
    /// Lost, and why.
    Lost(String),
    /// Closed or released by the job.
    Ended(&'static str),
}

/// A callback run (on the job's watch thread) with the reason when a job is lost.
pub type LostHandler = Box<dyn FnOnce(&str) + Send>;

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("ticket", &self.shared.ticket.id)
            .field("agent", &self.shared.agent)
            .field("lease", &self.shared.lease)
            .field("lost", &self.lost())
            .finish()
    }
}

impl Tickets {
    /// Claims the next ticket for `agent` (as [`Tickets::claim`], with `options`) and returns
    /// it as a [`Job`] that keeps its lease alive until closed, released or dropped. `None`
    /// when nothing was claimable (after waiting, with `options.wait`, until the timeout).
    ///
    /// A job always holds a lease: `options.lease`, else the handle's default lease, else
    /// [`DEFAULT_WORK_LEASE`] (60 s).
    pub fn work(&self, agent: &str, options: ClaimOptions) -> Result<Option<Job>> {
        self.work_inner(agent, &options, None)
    }

    /// [`Tickets::work`] that runs `interrupt` at least every 100 ms while it waits (as
    /// [`Tickets::claim_with`]).
    pub fn work_with(
        &self,
        agent: &str,
        options: &ClaimOptions,
        interrupt: Interrupt<'_>,
    ) -> Result<Option<Job>> {
        self.work_inner(agent, options, Some(interrupt))
    }

    fn work_inner(
        &self,
        agent: &str,
        options: &ClaimOptions,
        interrupt: Option<Interrupt<'_>>,
    ) -> Result<Option<Job>> {
        let agent = normalize_agent(agent)?;
        let lease = options
            .lease
            .or(self.default_lease)
            .unwrap_or(DEFAULT_WORK_LEASE);
        if lease == 0 {
            return Err(crate::options::bad_lease(0));
        }
        let options = ClaimOptions {
            lease: Some(lease),
            ..options.clone()
        };
        let claimed = self.claim_with(&agent, &options, interrupt)?;
        let Some(ticket) = claimed else {
            return Ok(None);
        };
        let tickets = Tickets {
            actor: Some(agent.clone()),
            default_lease: Some(lease),
            warn: self.warn.clone(),
            ..Tickets::plain(self.store.clone())
        };
        // Subscribe before reading the claim back, so that no change after it is missed.
        let feed = tickets.store.changes().ok();
        let started = match tickets.get(&ticket.id) {
            Ok(t) => t.started,
            Err(_) => ticket.started,
        };
        let shared = Arc::new(Shared {
            tickets,
            ticket,
            agent,
            lease,
            started,
            state: Mutex::new(State::Live(Vec::new())),
            changed: Condvar::new(),
        });
        let watched = Arc::clone(&shared);
        std::thread::Builder::new()
            .name(format!("ayo-job-{}", shared.ticket.id))
            .spawn(move || watch(&watched, feed))
            .map_err(|e| Error::storage(format!("cannot start the job's heartbeat: {e}")))?;
        Ok(Some(Job { shared }))
    }
}

impl Job {
    /// The ticket as claimed.
    pub fn ticket(&self) -> &Ticket {
        &self.shared.ticket
    }

    /// The agent who holds it (with its `@`).
    pub fn agent(&self) -> &str {
        &self.shared.agent
    }

    /// The lease the job keeps, in seconds.
    pub fn lease(&self) -> u64 {
        self.shared.lease
    }

    /// Why the job was lost, once it was; `None` while it is held or after it ended.
    pub fn lost(&self) -> Option<String> {
        Self::lost_of(&self.shared)
    }

    fn lost_of(shared: &Shared) -> Option<String> {
        match &*shared.lock() {
            State::Lost(why) => Some(why.clone()),
            _ => None,
        }
    }

    /// True once the job was closed or released by this job.
    pub fn ended(&self) -> bool {
        matches!(&*self.shared.lock(), State::Ended(_))
    }

    /// Blocks until the job is lost (then its reason), ends, or `timeout` passes (then `None`);
    /// `None` for `timeout` waits without end.
    pub fn wait_lost(&self, timeout: Option<Duration>) -> Option<String> {
        Self::wait_lost_of(&self.shared, timeout)
    }

    fn wait_lost_of(shared: &Shared, timeout: Option<Duration>) -> Option<String> {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut state = shared.lock();
        loop {
            match &*state {
                State::Lost(why) => return Some(why.clone()),
                State::Ended(_) => return None,
                State::Live(_) => {}
            }
            state = match deadline {
                None => shared
                    .changed
                    .wait(state)
                    .unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return None;
                    }
                    shared
                        .changed
                        .wait_timeout(state, d - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        }
    }

    /// Runs `handler` with the reason when the job is lost (at once if it already was). It
    /// runs on the job's watch thread, so it must not block; it never runs once the job ended.
    pub fn on_lost(&self, handler: LostHandler) {
        let mut state = self.shared.lock();
        match &mut *state {
            State::Live(handlers) => handlers.push(handler),
            State::Lost(why) => {
                let why = why.clone();
                drop(state);
                handler(&why);
            }
            State::Ended(_) => {}
        }
    }

    /// Adds a note to the ticket, by the agent. A job that was lost gets [`Error::Conflict`].
    pub fn note(&self, text: &str) -> Result<Ticket> {
        let state = self.shared.live()?;
        let r = self.shared.tickets.note(&self.shared.ticket.id, text);
        self.shared.judge(state, r)
    }

    /// Closes the ticket (the reason, if any, becomes a note) and ends the job; returns what
    /// [`Tickets::close`] returns. A job that was lost, or already ended, is refused.
    pub fn close(&self, reason: Option<&str>) -> Result<Closed> {
        let state = self.shared.live()?;
        let r = self.shared.tickets.close(&self.shared.ticket.id, reason);
        self.shared.end(state, r, "closed")
    }

    /// Gives the ticket back (open, keeping its assignee), with `note` added first when given,
    /// and ends the job. A job that was lost, or already ended, is refused.
    pub fn release(&self, note: Option<&str>) -> Result<Ticket> {
        let state = self.shared.live()?;
        let r = self.shared.release(note);
        self.shared.end(state, r, "released")
    }
}

impl Job {
    /// Ends the job as a front end's block of work ended: with `failure` `None` (the work went
    /// well) it closes the ticket, unless the work already ended the job (`Ok(None)` then); a
    /// lost job is refused as by [`Job::close`]. With `Some(failure)` (what went wrong, e.g.
    /// "the block raised ValueError: bad row") it gives the ticket back with the note
    /// "Given back: <failure>", unless the job already ended or was lost; a give-back that
    /// fails is not reported, since the work's own failure is the one to report.
    pub fn finish(&self, failure: Option<&str>) -> Result<Option<Closed>> {
        if self.ended() {
            return Ok(None);
        }
        match failure {
            None => self.close(None).map(Some),
            Some(failure) => {
                if self.lost().is_none() {
                    let _ = self.release(Some(&format!("Given back: {failure}")));
                }
                Ok(None)
            }
        }
    }
}

impl Job {
    /// Records on the ticket, once the job was lost, what became of the work: a note by no
    /// agent (the job's own agent no longer holds the ticket), "<agent> lost this ticket
    /// (<why>); <what>". Nothing is written while the job is held or after it ended, nor for a
    /// ticket that is gone; returns whether the note was written.
    pub fn note_lost(&self, what: &str) -> Result<bool> {
        let Some(why) = self.lost() else {
            return Ok(false);
        };
        let text = format!("{} lost this ticket ({why}); {what}", self.shared.agent);
        let anyone = Tickets::plain(self.shared.tickets.store.clone());
        match anyone.note(&self.shared.ticket.id, &text) {
            Ok(_) => Ok(true),
            Err(Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// A way to ask and wait whether a [`Job`] was lost that does not own the job: dropping the
/// job still gives its ticket back, and wakes every waiter (for bindings whose waits run on
/// threads of their own).
#[derive(Clone)]
pub struct JobWatch {
    shared: Arc<Shared>,
}

impl Job {
    /// A [`JobWatch`] of this job.
    pub fn watch(&self) -> JobWatch {
        JobWatch {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl JobWatch {
    /// As [`Job::lost`].
    pub fn lost(&self) -> Option<String> {
        Job::lost_of(&self.shared)
    }

    /// As [`Job::wait_lost`]; also returns `None` once the job was dropped.
    pub fn wait_lost(&self, timeout: Option<Duration>) -> Option<String> {
        Job::wait_lost_of(&self.shared, timeout)
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        let Ok(state) = self.shared.live() else {
            return;
        };
        let note = format!(
            "Released: the job of {} on this ticket ended without close or release.",
            self.shared.agent
        );
        let r = self.shared.release(Some(&note));
        let mut state = match self.shared.end(state, r, "dropped") {
            Ok(_) => return,
            Err(_) => self.shared.lock(),
        };
        // A give-back that failed for another reason still ends the job: nothing holds it.
        if matches!(&*state, State::Live(_)) {
            *state = State::Ended("dropped");
            self.shared.changed.notify_all();
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The state, locked, when the job is live; else the error that says why not.
    fn live(&self) -> Result<MutexGuard<'_, State>> {
        let state = self.lock();
        match &*state {
            State::Live(_) => Ok(state),
            State::Lost(why) => Err(self.lost_error(why)),
            State::Ended(how) => Err(Error::invalid(format!(
                "the job on ticket '{}' has ended ({how})",
                self.ticket.id
            ))),
        }
    }

    fn lost_error(&self, why: &str) -> Error {
        Error::Conflict {
            id: self.ticket.id.clone(),
            message: format!("{} lost ticket '{}': {why}", self.agent, self.ticket.id),
        }
    }

    /// A note (if any) and the release, in one transaction.
    fn release(&self, note: Option<&str>) -> Result<Ticket> {
        let id = &self.ticket.id;
        self.tickets.batch(|t| {
            if let Some(n) = note.filter(|n| !n.trim().is_empty()) {
                t.note(id, n)?;
            }
            t.release(id, Some(&self.agent))
        })
    }

    /// The result of an operation on the live job: an error that shows the ticket was taken
    /// marks the job lost.
    fn judge<R>(&self, mut state: MutexGuard<'_, State>, r: Result<R>) -> Result<R> {
        if let Err(e) = &r
            && taken(e)
        {
            let handlers = self.set_lost(&mut state, e.to_string());
            drop(state);
            self.run_handlers(handlers);
        }
        r
    }

    /// The result of a close or release: the job ends when it succeeded.
    fn end<R>(
        &self,
        mut state: MutexGuard<'_, State>,
        r: Result<R>,
        how: &'static str,
    ) -> Result<R> {
        if r.is_ok() {
            *state = State::Ended(how);
            self.changed.notify_all();
            return r;
        }
        self.judge(state, r)
    }

    /// Marks the job lost; returns the handlers to run once the lock is let go.
    fn set_lost(&self, state: &mut State, why: String) -> Vec<LostHandler> {
        let previous = std::mem::replace(state, State::Lost(why));
        self.changed.notify_all();
        match previous {
            State::Live(handlers) => handlers,
            other => {
                *state = other;
                Vec::new()
            }
        }
    }

    fn run_handlers(&self, handlers: Vec<LostHandler>) {
        if handlers.is_empty() {
            return;
        }
        let why = match &*self.lock() {
            State::Lost(why) => why.clone(),
            _ => return,
        };
        for h in handlers {
            h(&why);
        }
    }

    /// Why the ticket as read is no longer this job's, if it is not.
    fn gone(&self, read: Result<Ticket>) -> Option<String> {
        let id = &self.ticket.id;
        match read {
            Err(Error::NotFound { .. }) => Some(format!("ticket '{id}' was deleted")),
            Err(_) => None,
            Ok(t) => match t.status {
                Status::Closed => Some(format!("ticket '{id}' was closed by someone else")),
                Status::Open => Some(format!("ticket '{id}' was released by someone else")),
                Status::Other(word) => {
                    Some(format!("ticket '{id}' was set to '{word}' by someone else"))
                }
                Status::InProgress if !agent_matches(t.assignee.as_deref(), &self.agent) => {
                    Some(format!(
                        "ticket '{id}' was taken over by {}",
                        t.assignee.as_deref().unwrap_or("nobody")
                    ))
                }
                Status::InProgress if t.started != self.started => {
                    Some(format!("ticket '{id}' was claimed again"))
                }
                Status::InProgress => None,
            },
        }
    }
}

/// True for an error that shows the ticket is no longer the job's.
fn taken(e: &Error) -> bool {
    matches!(
        e,
        Error::Conflict { .. } | Error::InvalidTransition { .. } | Error::NotFound { .. }
    )
}

/// The job's thread: a heartbeat every third of the lease, and a look at the ticket at every
/// change the store's feed reports, until the job ends or is lost.
fn watch(shared: &Shared, mut feed: Option<Box<dyn ChangeFeed>>) {
    let lease = Duration::from_secs(shared.lease);
    let every = lease / 3;
    let mut next_beat = Instant::now() + every;
    // Until when the lease is known to hold: the claim, then each heartbeat that went through.
    let mut held_until = Instant::now() + lease;
    loop {
        let now = Instant::now();
        let look = if now >= next_beat {
            next_beat = now + every;
            Look::Beat(now)
        } else {
            let until = next_beat.min(now + WATCH_SLICE);
            match feed.as_mut().map(|f| f.wait(until)) {
                Some(Ok(true)) => Look::Read,
                Some(Ok(false)) => Look::Nothing,
                // No feed (or a broken one): the heartbeats alone find a lost job.
                Some(Err(_)) | None => {
                    feed = None;
                    std::thread::sleep(until.saturating_duration_since(Instant::now()));
                    Look::Nothing
                }
            }
        };
        let mut state = shared.lock();
        if !matches!(&*state, State::Live(_)) {
            return;
        }
        let why = match look {
            Look::Nothing => None,
            Look::Read => shared.gone(shared.tickets.get(&shared.ticket.id)),
            Look::Beat(at) => {
                match shared
                    .tickets
                    .heartbeat(&shared.ticket.id, &shared.agent, None)
                {
                    Ok(t) => {
                        held_until = at + lease;
                        shared.gone(Ok(t))
                    }
                    Err(e) if taken(&e) => Some(e.to_string()),
                    Err(e) if Instant::now() >= held_until => Some(format!(
                        "heartbeats failed until the lease ran out (last error: {e})"
                    )),
                    Err(_) => None,
                }
            }
        };
        if let Some(why) = why {
            let handlers = shared.set_lost(&mut state, why);
            drop(state);
            shared.run_handlers(handlers);
            return;
        }
    }
}

/// What the watch does on one turn.
enum Look {
    /// Nothing happened.
    Nothing,
    /// The store may have changed: read the ticket.
    Read,
    /// Time for a heartbeat (started at this instant).
    Beat(Instant),
}

#[cfg(test)]
mod tests;

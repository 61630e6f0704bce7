//! The claims of one MCP session: each is a core [`Job`], whose lease the job keeps alive while
//! the session lives, and which is given back, with a note, when the session ends without
//! closing or releasing it (stdin closed; an HTTP session deleted or expired).
//!
//! Only a connection that is a session keeps its claims so: stdio, and HTTP clients that open a
//! session with `initialize`. A sessionless HTTP request (protocol 2026-07-28 and later) claims
//! as `ayo ticket claim` does: held as its lease says, with nothing to end it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use ayo_tickets::{ClaimOptions, Error, Interrupt, Job, Ticket, Tickets, agent_matches};

/// The note a claim gets when its session ends without closing or releasing it.
pub(super) const GIVEN_BACK: &str = "Given back: the MCP session that claimed it ended";

/// The jobs of one session, by ticket id.
#[derive(Default)]
pub(super) struct Session {
    jobs: Mutex<HashMap<String, Job>>,
    /// True for a connection that is a session (its claims become jobs).
    kept: AtomicBool,
}

impl Session {
    /// A session whose claims are kept while it lives (`kept`), or not yet.
    pub(super) fn new(kept: bool) -> Self {
        Session {
            jobs: Mutex::default(),
            kept: AtomicBool::new(kept),
        }
    }

    /// From now on, claims are kept while the session lives (it opened with `initialize`).
    pub(super) fn keep(&self) {
        self.kept.store(true, Ordering::SeqCst);
    }

    /// Claims the next ticket for `agent`: in a kept session as a job of this session (see
    /// [`Tickets::work`]), else as [`Tickets::claim_with`]. The claimed ticket, or `None` when
    /// nothing was claimable.
    pub(super) fn claim(
        &self,
        tickets: &Tickets,
        agent: &str,
        options: &ClaimOptions,
        interrupt: Option<Interrupt<'_>>,
    ) -> Result<Option<Ticket>, Error> {
        if !self.kept.load(Ordering::SeqCst) {
            return tickets.claim_with(agent, options, interrupt);
        }
        let job = match interrupt {
            Some(interrupt) => tickets.work_with(agent, options, interrupt)?,
            None => tickets.work(agent, options.clone())?,
        };
        Ok(job.map(|job| {
            let ticket = job.ticket().clone();
            self.lock().insert(ticket.id.clone(), job);
            ticket
        }))
    }

    /// Takes the job this session holds on ticket `id` (a full id, or a prefix the store
    /// resolves) for `agent` (any, when `None`), if it holds one: the caller ends it.
    pub(super) fn take(&self, tickets: &Tickets, id: &str, agent: Option<&str>) -> Option<Job> {
        let held = {
            let jobs = self.lock();
            if jobs.is_empty() {
                return None;
            }
            jobs.contains_key(id)
        };
        // A full id of a held ticket needs no read; a prefix is resolved by the store.
        let id = match held {
            true => id.to_string(),
            false => tickets.get(id).ok()?.id,
        };
        let mut jobs = self.lock();
        let ours = jobs
            .get(&id)
            .is_some_and(|job| agent.is_none_or(|a| agent_matches(Some(job.agent()), a)));
        ours.then(|| jobs.remove(&id)).flatten()
    }

    /// Gives back every claim the session still holds, with the note [`GIVEN_BACK`]; one that
    /// was lost or ended meanwhile is left as it is.
    pub(super) fn give_back(&self) {
        let jobs: Vec<Job> = self.lock().drain().map(|(_, job)| job).collect();
        for job in jobs {
            if !job.ended()
                && job.lost().is_none()
                && let Err(e) = job.release(Some(GIVEN_BACK))
            {
                eprintln!(
                    "ayo mcp: could not give back ticket '{}': {e}",
                    job.ticket().id
                );
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Job>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Owned by every clone of one session's server: when the last goes (the session ended), the
/// claims it still holds are given back, on a blocking thread when that is inside the server's
/// runtime (a store may block on a runtime of its own).
pub(super) struct SessionGuard(pub(super) Arc<Session>);

impl Drop for SessionGuard {
    fn drop(&mut self) {
        let session = Arc::clone(&self.0);
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn_blocking(move || session.give_back());
            }
            Err(_) => session.give_back(),
        }
    }
}

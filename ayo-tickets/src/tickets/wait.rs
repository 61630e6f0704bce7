//! Waiting without polling: `wait_ready` and `claim` with `wait`, woken by the store's change
//! feed and by the timer of the next lease to run out.

use std::time::{Duration, Instant};

use chrono::Utc;

use super::Tickets;
use crate::error::{Error, Result};
use crate::options::ClaimOptions;
use crate::ticket::{Ticket, normalize_agent};

/// How often a wait with an interrupt check wakes to run it.
const INTERRUPT_EVERY: Duration = Duration::from_millis(100);
/// The longest single sleep of a wait with no deadline (it re-reads the store after it).
const MAX_SLEEP: Duration = Duration::from_secs(3600);

/// A check run while waiting; an `Err` ends the wait with that error (a front end returns
/// [`crate::Error::Interrupted`] for Ctrl-C, a cancelled task, an aborted signal).
pub type Interrupt<'a> = &'a (dyn Fn() -> Result<()> + Sync);

impl Tickets {
    /// Blocks until `ready(assignee)` is non-empty and returns its first ticket, without
    /// claiming it; `None` when `timeout` passes first. Woken by the store's change feed.
    pub fn wait_ready(
        &self,
        assignee: Option<&str>,
        timeout: Option<Duration>,
    ) -> Result<Option<Ticket>> {
        self.wait_ready_inner(assignee, timeout, None)
    }

    /// [`Tickets::wait_ready`] that runs `interrupt` at least every 100 ms while waiting.
    pub fn wait_ready_with(
        &self,
        assignee: Option<&str>,
        timeout: Option<Duration>,
        interrupt: Interrupt<'_>,
    ) -> Result<Option<Ticket>> {
        self.wait_ready_inner(assignee, timeout, Some(interrupt))
    }

    fn wait_ready_inner(
        &self,
        assignee: Option<&str>,
        timeout: Option<Duration>,
        interrupt: Option<Interrupt<'_>>,
    ) -> Result<Option<Ticket>> {
        let deadline = deadline_after(timeout);
        // Subscribe before the first read, so that no change is missed.
        let mut feed = self.store.changes()?;
        loop {
            let (first, undeferred) = self.first_ready(assignee)?;
            if let Some(t) = first {
                return Ok(Some(t));
            }
            // A deferral that ends makes no change event: wake for it on a timer.
            if !sleep(&mut *feed, deadline, instant_of(undeferred), interrupt)? {
                return Ok(None);
            }
        }
    }

    /// `claim` with `wait`: blocks until a ticket is claimable by `agent` and claims it; a
    /// claimer that loses a race goes back to waiting. `None` when the timeout passes first.
    /// Runs `interrupt` at least every 100 ms while waiting.
    pub fn claim_wait(
        &self,
        agent: &str,
        options: &ClaimOptions,
        interrupt: Interrupt<'_>,
    ) -> Result<Option<Ticket>> {
        self.claim_wait_inner(agent, options, Some(interrupt))
    }

    /// `claim_wait` with an optional interrupt: without one, a wait sleeps until a change, the
    /// next lease expiry or the deadline, and wakes for nothing else.
    pub(crate) fn claim_wait_inner(
        &self,
        agent: &str,
        options: &ClaimOptions,
        interrupt: Option<Interrupt<'_>>,
    ) -> Result<Option<Ticket>> {
        let agent = normalize_agent(agent)?;
        if self.in_own_batch() {
            // The batch holds the writers' lock: no other writer could ever make a ticket
            // ready for this wait.
            return Err(Error::invalid(
                "a claim that waits cannot run inside a batch (the batch holds the store's lock)",
            ));
        }
        let deadline = deadline_after(options.timeout);
        // Subscribe before the first attempt, so that no change is missed; a claimer that loses
        // the race for a ticket finds none in its attempt and goes back to waiting.
        let mut feed = self.store.changes()?;
        loop {
            let attempt = self.try_claim(&agent, options.lease)?;
            if let Some(t) = attempt.ticket {
                return Ok(Some(t));
            }
            // A lease running out or a deferral ending makes no change event: wake for it on a
            // timer.
            if !sleep(
                &mut *feed,
                deadline,
                instant_of(attempt.next_expiry),
                interrupt,
            )? {
                return Ok(None);
            }
        }
    }
}

/// The instant just after a time of the clock (a lease's end, a deferral's end), to wake at.
fn instant_of(at: Option<chrono::DateTime<Utc>>) -> Option<Instant> {
    at.map(|at| {
        let ms = (at - Utc::now()).num_milliseconds().max(0) as u64;
        Instant::now() + Duration::from_millis(ms + 5)
    })
}

/// When a wait of `timeout` from now ends; `None` (no end) without a timeout or for one too
/// long to count (`Duration::MAX`).
fn deadline_after(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|t| Instant::now().checked_add(t))
}

/// Sleeps until a change, the next lease expiry or the deadline; `false` when the deadline has
/// passed, `true` when the store should be read again. With an interrupt check, it wakes at
/// least every 100 ms to run it; without one, only for those three.
pub(super) fn sleep(
    feed: &mut dyn crate::store::ChangeFeed,
    deadline: Option<Instant>,
    expiry: Option<Instant>,
    interrupt: Option<Interrupt<'_>>,
) -> Result<bool> {
    let start = Instant::now();
    let mut until = deadline.unwrap_or(start + MAX_SLEEP);
    if let Some(e) = expiry {
        until = until.min(e);
    }
    loop {
        if let Some(check) = interrupt {
            check()?;
        }
        let now = Instant::now();
        if now >= until {
            return Ok(deadline.is_none_or(|d| now < d));
        }
        // Wake in slices so the interrupt check runs; the feed keeps any change seen meanwhile.
        let slice = match interrupt {
            Some(_) => (now + INTERRUPT_EVERY).min(until),
            None => until,
        };
        if feed.wait(slice)? {
            // An interrupt that came with the change wins: a cancelled claim claims nothing.
            if let Some(check) = interrupt {
                check()?;
            }
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use crate::Tickets;
    use crate::error::Error;
    use crate::options::ClaimOptions;
    use crate::request::NewTicket;
    use crate::ticket::Status;

    /// An interrupt (a cancelled Python task, an aborted Node signal) that comes together with
    /// the change that would wake the claim ends the wait before it claims anything.
    #[test]
    fn an_interrupt_that_comes_with_a_change_claims_nothing() {
        for _ in 0..5 {
            let t = Tickets::in_memory();
            let writer = Tickets::with_store(t.store().clone()).unwrap();
            let stop = AtomicBool::new(false);
            let check = || match stop.load(Ordering::SeqCst) {
                true => Err(Error::Interrupted),
                false => Ok(()),
            };
            let options = ClaimOptions {
                wait: true,
                timeout: Some(Duration::from_secs(30)),
                lease: None,
            };
            std::thread::scope(|s| {
                let waiter = s.spawn(|| t.claim_wait("w", &options, &check));
                std::thread::sleep(Duration::from_millis(150));
                stop.store(true, Ordering::SeqCst);
                let job = writer.create(NewTicket::new("job")).unwrap();
                let got = waiter.join().unwrap();
                assert_eq!(got, Err(Error::Interrupted), "claimed after the interrupt");
                assert_eq!(writer.get(&job.id).unwrap().status, Status::Open);
            });
        }
    }
}

//! The transitions: start, claim, heartbeat, release, close, reopen; leases and their rules.

use chrono::{DateTime, Duration as ChronoDuration, SubsecRound, Utc};

use super::read::{closed_ids, ready_order, whole};
use super::{Tickets, annotate_one, closed_deps, resolve_active};
use crate::error::{Error, Result};
use crate::hooks::pause;
use crate::options::ClaimOptions;
use crate::request::Closed;
use crate::store::{Brief, ClaimRequest, NativeClaim};
use crate::ticket::{Note, Status, Ticket, agent_matches, normalize_agent};

/// True when `agent` may claim `t` now: not blocked, not deferred, and open for `agent` or
/// nobody, or in progress with a lease that has run out.
fn claimable(t: &Brief, agent: &str, now: DateTime<Utc>, is_closed: impl Fn(&str) -> bool) -> bool {
    let open_for_agent = t.status() == Status::Open
        && (t.assignee().is_none() || agent_matches(t.assignee(), agent));
    (open_for_agent || lease_expired(t, now)) && !t.is_deferred(now) && t.deps().all(is_closed)
}

/// When `t` (unblocked, not closed) may next become claimable with time alone: when its
/// deferral ends, else when its lease runs out.
fn next_chance(t: &Brief, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match t.defer_until() {
        Some(d) if d > now => Some(d),
        _ if t.status() == Status::InProgress => t.lease_until(),
        _ => None,
    }
}

/// When a takeover note on `t` is dated: the claim's time (to the second in a file whose notes
/// are tk's); the file is read only for a takeover.
fn takeover_time(
    txn: &mut dyn crate::store::Txn,
    t: &Ticket,
    request: &ClaimRequest<'_>,
) -> Result<DateTime<Utc>> {
    if t.status == Status::InProgress {
        super::note_time(txn, &t.id, request.now)
    } else {
        Ok(request.now)
    }
}

fn lease_expired(t: &Brief, now: DateTime<Utc>) -> bool {
    t.status() == Status::InProgress && t.lease_until().is_some_and(|l| l <= now)
}

fn lease_end(now: DateTime<Utc>, secs: u64) -> Result<DateTime<Utc>> {
    i64::try_from(secs)
        .ok()
        .and_then(ChronoDuration::try_seconds)
        .and_then(|d| now.trunc_subsecs(3).checked_add_signed(d))
        .ok_or_else(|| Error::invalid(format!("a lease of {secs} seconds is too long")))
}

fn transition(t: &Ticket, action: &str) -> Error {
    Error::InvalidTransition {
        id: t.id.clone(),
        action: action.to_string(),
        status: t.status.to_string(),
    }
}

/// The takeover note: "Lease of @a ran out at <time>; taken over by @b."
const TAKEOVER_PREFIX: &str = "Lease of ";
const TAKEOVER_RAN_OUT: &str = " ran out at ";
const TAKEOVER_BY: &str = "; taken over by ";

/// The (previous holder, new holder) of the ticket's last takeover note, if it has one.
fn last_takeover(t: &Ticket) -> Option<(&str, &str)> {
    t.notes.iter().rev().find_map(|n| {
        let rest = n.text.strip_prefix(TAKEOVER_PREFIX)?;
        let (previous, rest) = rest.split_once(TAKEOVER_RAN_OUT)?;
        let (_, by) = rest.split_once(TAKEOVER_BY)?;
        Some((previous, by.strip_suffix('.')?))
    })
}

/// A ticket as a claim leaves it: in progress for the agent, started now, with the lease; a
/// takeover of a run-out lease adds a note naming the previous holder, dated `note_at`. Also
/// says whether it was a takeover.
fn apply_claim(
    t: &Ticket,
    request: &ClaimRequest<'_>,
    actor: Option<&str>,
    note_at: DateTime<Utc>,
) -> (Ticket, bool) {
    let mut t = t.clone();
    let took_over = t.status == Status::InProgress;
    if took_over {
        let previous = t.assignee.clone().unwrap_or_else(|| "nobody".into());
        let until = t
            .lease_until
            .map(|l| l.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default();
        t.notes.push(Note {
            at: note_at,
            author: actor.map(str::to_string),
            text: format!(
                "{TAKEOVER_PREFIX}{previous}{TAKEOVER_RAN_OUT}{until}{TAKEOVER_BY}{}.",
                request.agent
            ),
        });
    }
    t.status = Status::InProgress;
    t.assignee = Some(request.agent.to_string());
    t.started = Some(request.now);
    t.lease_secs = request.lease_secs;
    t.lease_until = request.lease_until;
    (t, took_over)
}

/// The audit detail of a claim.
fn claim_detail(lease: Option<u64>) -> String {
    match lease {
        Some(s) => format!("lease {s}s"),
        None => String::new(),
    }
}

/// What one claim attempt found.
pub(crate) struct ClaimAttempt {
    /// The claimed ticket, if any.
    pub(crate) ticket: Option<Ticket>,
    /// How long, by the store's clock, until the next lease of a ticket `agent` could take
    /// over runs out or the next deferral of an unblocked ticket ends (zero when one already
    /// has). Measured against the store's time of the
    /// attempt, not this host's, so that a host whose clock runs ahead of the store's does not
    /// wake early again and again.
    pub(crate) next_expiry_in: Option<std::time::Duration>,
}

/// How long from `now` until `at`, zero when it has passed.
fn until(now: DateTime<Utc>, at: DateTime<Utc>) -> std::time::Duration {
    (at - now).to_std().unwrap_or_default()
}

impl Tickets {
    /// The actor of an operation that names an agent: the handle's actor, else that agent.
    fn actor_or(&self, agent: Option<&str>) -> Option<String> {
        self.actor.clone().or_else(|| agent.map(str::to_string))
    }

    /// Refuses an act by `who` on an in-progress ticket another agent holds, when that agent
    /// holds a lease on it or took it over from `who` (a displaced holder, with or without a
    /// lease of its own).
    pub(crate) fn check_not_displaced(&self, t: &Ticket, who: Option<&str>) -> Result<()> {
        let (Status::InProgress, Some(holder), Some(who)) = (&t.status, t.assignee.as_deref(), who)
        else {
            return Ok(());
        };
        if agent_matches(Some(holder), who) {
            return Ok(());
        }
        let why = match (t.lease_until, last_takeover(t)) {
            (Some(until), _) => format!(
                "lease until {}",
                until.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            ),
            (None, Some((previous, by)))
                if agent_matches(Some(previous), who) && agent_matches(Some(by), holder) =>
            {
                format!("taken over from {previous}")
            }
            (None, _) => return Ok(()),
        };
        Err(Error::Conflict {
            id: t.id.clone(),
            message: format!(
                "ticket '{}' is held by {holder} ({why}); {who} does not hold it",
                t.id
            ),
        })
    }

    /// open → in_progress; sets `started`, and the assignee when given. Blocked tickets are
    /// refused unless `force`; a ticket in progress for another agent is a Conflict; for the
    /// same agent it is a no-op.
    pub fn start(&self, id: &str, agent: Option<&str>, force: bool) -> Result<Ticket> {
        let agent = agent.map(normalize_agent).transpose()?;
        let actor = self.actor_or(agent.as_deref());
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            match t.status {
                Status::Closed | Status::Other(_) => return Err(transition(&t, "start")),
                Status::InProgress => {
                    if let (Some(a), Some(holder)) = (&agent, &t.assignee)
                        && !agent_matches(Some(holder), a)
                    {
                        return Err(Error::Conflict {
                            id: t.id.clone(),
                            message: format!("ticket '{}' is in progress for {holder}", t.id),
                        });
                    }
                    return annotate_one(txn, &t);
                }
                Status::Open => {}
            }
            let closed = closed_deps(txn, &t, true)?;
            let blocked: Vec<String> = crate::graph::blocked_by(&t, |d| closed.contains(d));
            if !blocked.is_empty() && !force {
                return Err(Error::Blocked {
                    id: t.id.clone(),
                    blocked_by: blocked,
                });
            }
            t.status = Status::InProgress;
            t.started = Some(txn.now()?);
            t.lease_until = None;
            t.lease_secs = None;
            if agent.is_some() {
                t.assignee = agent.clone();
            }
            txn.put(&t)?;
            let detail = if force && !blocked.is_empty() {
                "forced"
            } else {
                ""
            };
            self.log(txn, actor.as_deref(), &t.id, "start", detail)?;
            annotate_one(txn, &t)
        })
    }

    /// Atomically picks the first ticket claimable by `agent` (its own first, then unassigned
    /// or with a run-out lease; each in the `ready` order) and starts it for `agent`. `None`
    /// when there is none (after waiting, with `wait`, until the timeout).
    pub fn claim(&self, agent: &str, options: ClaimOptions) -> Result<Option<Ticket>> {
        self.claim_with(agent, &options, None)
    }

    /// The one claim entry point of the front ends: [`Tickets::claim`], which with
    /// `options.wait` waits (up to `options.timeout`) and then runs `interrupt`, when given, at
    /// least every 100 ms, ending the wait with its error (Ctrl-C, a cancelled task, an
    /// aborted signal: [`Error::Interrupted`]). Without `wait` it makes one attempt.
    pub fn claim_with(
        &self,
        agent: &str,
        options: &ClaimOptions,
        interrupt: Option<super::Interrupt<'_>>,
    ) -> Result<Option<Ticket>> {
        if options.wait {
            return self.claim_wait_inner(agent, options, interrupt);
        }
        let agent = normalize_agent(agent)?;
        Ok(self.try_claim(&agent, options.lease)?.ticket)
    }

    /// One claim attempt, without waiting.
    pub(crate) fn try_claim(&self, agent: &str, lease: Option<u64>) -> Result<ClaimAttempt> {
        let lease = lease.or(self.default_lease);
        if lease == Some(0) {
            return Err(crate::options::bad_lease(0));
        }
        let actor = self.actor_or(Some(agent));
        self.write(|txn| {
            let now = txn.now()?;
            // A store with a claim of its own (one SQL statement) picks the ticket; the note and
            // the audit entry stay here.
            let request = ClaimRequest {
                agent,
                now,
                lease_secs: lease,
                lease_until: lease.map(|s| lease_end(now, s)).transpose()?,
            };
            match txn.claim_native(&request)? {
                NativeClaim::Unsupported => {}
                NativeClaim::Nothing { next_expiry } => {
                    return Ok(ClaimAttempt {
                        ticket: None,
                        next_expiry_in: next_expiry.map(|at| until(now, at)),
                    });
                }
                NativeClaim::Claimed(before) => {
                    let at = takeover_time(txn, &before, &request)?;
                    let (t, took_over) = apply_claim(&before, &request, actor.as_deref(), at);
                    if took_over {
                        txn.put(&t)?;
                    }
                    self.log(txn, actor.as_deref(), &t.id, "claim", claim_detail(lease))?;
                    return Ok(ClaimAttempt {
                        ticket: Some(annotate_one(txn, &t)?),
                        next_expiry_in: None,
                    });
                }
            }
            // The rule fields of every ticket pick the one; only that one is read whole.
            let briefs = self.scan_briefs(txn)?;
            let closed = closed_ids(&briefs);
            let is_closed = |d: &str| closed.contains(d);
            let own =
                |t: &Brief| !(t.status() == Status::Open && agent_matches(t.assignee(), agent));
            let pick = briefs
                .tickets
                .iter()
                .filter(|t| claimable(t, agent, now, is_closed))
                .min_by(|a, b| own(a).cmp(&own(b)).then_with(|| ready_order(a, b)));
            let Some(pick) = pick else {
                let next_expiry = briefs
                    .tickets
                    .iter()
                    .filter(|t| t.status() != Status::Closed && t.deps().all(is_closed))
                    .filter_map(|t| next_chance(t, now))
                    .min();
                return Ok(ClaimAttempt {
                    ticket: None,
                    next_expiry_in: next_expiry.map(|at| until(now, at)),
                });
            };
            pause("claim_pick");
            let pick = pick.to_ticket()?;
            let at = takeover_time(txn, &pick, &request)?;
            let (t, _) = apply_claim(&pick, &request, actor.as_deref(), at);
            txn.put(&t)?;
            self.log(txn, actor.as_deref(), &t.id, "claim", claim_detail(lease))?;
            let t = crate::graph::annotate(&t, is_closed);
            Ok(ClaimAttempt {
                ticket: Some(t),
                next_expiry_in: None,
            })
        })
    }

    /// Renews the lease of a ticket `agent` holds: by `lease` seconds, else by the length given
    /// at claim, else by the default lease.
    pub fn heartbeat(&self, id: &str, agent: &str, lease: Option<u64>) -> Result<Ticket> {
        let agent = normalize_agent(agent)?;
        let actor = self.actor_or(Some(&agent));
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            if t.status != Status::InProgress {
                return Err(transition(&t, "heartbeat"));
            }
            self.check_not_displaced(&t, actor.as_deref())?;
            if !agent_matches(t.assignee.as_deref(), &agent) {
                return Err(Error::Conflict {
                    id: t.id.clone(),
                    message: format!(
                        "ticket '{}' is held by {}, not {agent}",
                        t.id,
                        t.assignee.as_deref().unwrap_or("nobody")
                    ),
                });
            }
            let secs = lease
                .or(t.lease_secs)
                .or(self.default_lease)
                .ok_or_else(|| {
                    Error::invalid(format!("ticket '{}' has no lease to renew; give one", t.id))
                })?;
            if secs == 0 {
                return Err(crate::options::bad_lease(0));
            }
            let now = txn.now()?;
            t.lease_until = Some(lease_end(now, secs)?);
            t.lease_secs = Some(secs);
            txn.put(&t)?;
            self.log(
                txn,
                actor.as_deref(),
                &t.id,
                "heartbeat",
                format!("lease {secs}s"),
            )?;
            annotate_one(txn, &t)
        })
    }

    /// in_progress → open, keeping the assignee: gives a claim back.
    pub fn release(&self, id: &str, agent: Option<&str>) -> Result<Ticket> {
        let agent = agent.map(normalize_agent).transpose()?;
        let actor = self.actor_or(agent.as_deref());
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            if t.status != Status::InProgress {
                return Err(transition(&t, "release"));
            }
            self.check_not_displaced(&t, actor.as_deref())?;
            if let (Some(a), Some(holder)) = (&agent, &t.assignee)
                && !agent_matches(Some(holder), a)
            {
                return Err(Error::Conflict {
                    id: t.id.clone(),
                    message: format!("ticket '{}' is held by {holder}, not {a}", t.id),
                });
            }
            t.status = Status::Open;
            t.lease_until = None;
            t.lease_secs = None;
            txn.put(&t)?;
            self.log(txn, actor.as_deref(), &t.id, "release", "")?;
            annotate_one(txn, &t)
        })
    }

    /// open/in_progress → closed. The reason, if any, becomes a note. Returns the ticket and the
    /// open dependents whose `blocked_by` became empty with this close. Dependents are not
    /// rewritten: readiness is derived.
    pub fn close(&self, id: &str, reason: Option<&str>) -> Result<Closed> {
        if let Some(r) = reason {
            crate::ticket::validate_note(r, self.actor.as_deref())?;
        }
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            if t.status == Status::Closed {
                return Err(transition(&t, "close"));
            }
            self.check_not_displaced(&t, self.actor.as_deref())?;
            let now = txn.now()?;
            t.status = Status::Closed;
            t.closed = Some(now);
            t.lease_until = None;
            t.lease_secs = None;
            if let Some(r) = reason.filter(|r| !r.trim().is_empty()) {
                t.notes.push(Note {
                    at: super::note_time(txn, &t.id, now)?,
                    author: self.actor.clone(),
                    text: r.to_string(),
                });
                crate::format::check_size(&t)?;
            }
            txn.put(&t)?;
            self.log(
                txn,
                self.actor.as_deref(),
                &t.id,
                "close",
                reason.unwrap_or_default(),
            )?;
            // The open dependents whose only unclosed dep was this one, from the rule fields
            // of every ticket; only those are read whole.
            let briefs = self.scan_briefs(txn)?;
            let closed = closed_ids(&briefs);
            let is_closed = |d: &str| closed.contains(d);
            let mut unblocked: Vec<&Brief> = briefs
                .tickets
                .iter()
                .filter(|d| d.status() == Status::Open && d.deps().any(|x| x == t.id))
                .filter(|d| d.deps().all(|x| x == t.id || is_closed(x)))
                .collect();
            unblocked.sort_by(ready_order);
            Ok(Closed {
                ticket: crate::graph::annotate(&t, is_closed),
                unblocked: unblocked
                    .into_iter()
                    .map(|d| whole(d, is_closed))
                    .collect::<Result<_>>()?,
            })
        })
    }

    /// closed → open; also a ticket in another tool's status ([`Status::Other`]) → open.
    pub fn reopen(&self, id: &str) -> Result<Ticket> {
        self.write(|txn| {
            let mut t = (*resolve_active(txn, id)?).clone();
            if !matches!(t.status, Status::Closed | Status::Other(_)) {
                return Err(transition(&t, "reopen"));
            }
            t.status = Status::Open;
            t.closed = None;
            txn.put(&t)?;
            self.log(txn, self.actor.as_deref(), &t.id, "reopen", "")?;
            annotate_one(txn, &t)
        })
    }
}

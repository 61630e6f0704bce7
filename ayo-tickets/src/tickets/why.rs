//! `why`: why a ticket is not ready, or not claimable by an agent.

use std::collections::{HashMap, HashSet, VecDeque};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Tickets, resolve};
use crate::error::Result;
use crate::store::Brief;
use crate::ticket::{Status, Ticket, agent_matches, normalize_agent};

/// The answer of [`Tickets::why`]: whether a ticket is ready and claimable, and every reason
/// it is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Why {
    /// The ticket's id.
    pub id: String,
    /// The ticket's `ready`: open, not blocked, not deferred.
    pub ready: bool,
    /// Whether the agent asked about may claim it now (with no agent: its assignee, or anyone
    /// when it has none).
    pub claimable: bool,
    /// What keeps it from being ready or claimable; empty when it is both.
    pub reasons: Vec<Reason>,
}

/// One reason a ticket is not ready or not claimable; in JSON an object with a `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Its status is `closed` or another tool's word: only open tickets are ready.
    Status {
        /// The status.
        status: Status,
    },
    /// Some deps are not closed.
    Blocked {
        /// Its deps that are not closed, in the order of its `deps`.
        deps: Vec<String>,
        /// What the work waits for in the end: the tickets not closed, reached through deps
        /// not closed, that wait for no open ticket themselves (or that do not exist).
        roots: Vec<String>,
    },
    /// It is deferred.
    Deferred {
        /// Until when.
        #[serde(serialize_with = "at_millis")]
        until: DateTime<Utc>,
    },
    /// It is in progress: someone holds it.
    Claimed {
        /// Who holds it.
        by: Option<String>,
        /// When the holder's lease runs out, if it has one.
        #[serde(with = "crate::ticket::millis")]
        lease_until: Option<DateTime<Utc>>,
        /// True when that lease has run out: another agent may take it over.
        lease_expired: bool,
    },
    /// It is assigned to another agent than the one asked about.
    Assigned {
        /// The assignee.
        to: String,
    },
}

fn at_millis<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    crate::ticket::millis::serialize(&Some(*t), s)
}

/// The roots of the blockers of `t`: tickets not closed (or missing), reached along deps that
/// are not closed, with no dep of their own that is not closed; in the order found.
fn roots(t: &Ticket, by_id: &HashMap<&str, &Brief>, open_deps: &[String]) -> Vec<String> {
    let open = |id: &str| by_id.get(id).is_none_or(|b| b.status() != Status::Closed);
    let mut seen: HashSet<String> = HashSet::from([t.id.clone()]);
    let mut queue: VecDeque<String> = open_deps.iter().cloned().collect();
    seen.extend(open_deps.iter().cloned());
    let mut out = Vec::new();
    while let Some(id) = queue.pop_front() {
        let next: Vec<String> = match by_id.get(id.as_str()) {
            Some(b) => b.deps().filter(|d| open(d)).map(str::to_string).collect(),
            None => Vec::new(),
        };
        if next.is_empty() {
            out.push(id);
            continue;
        }
        for d in next {
            if seen.insert(d.clone()) {
                queue.push_back(d);
            }
        }
    }
    out
}

impl Tickets {
    /// Why ticket `id` is not ready, or not claimable by `agent` (with none: by its assignee,
    /// or anyone when it has none): its status, its open deps and through them the root
    /// blockers, its deferral, who holds it with which lease, an assignee other than `agent`.
    ///
    /// ```
    /// use ayo_tickets::{NewTicket, Tickets};
    /// let t = Tickets::in_memory();
    /// let a = t.create(NewTicket::new("Extract data"))?;
    /// let b = t.create(NewTicket::new("Validate data").dep(&a.id).assignee("validator"))?;
    /// let why = serde_json::to_value(t.why(&b.id, Some("@importer"))?).unwrap();
    /// assert_eq!(why["ready"], false);
    /// assert_eq!(why["reasons"][0]["kind"], "blocked");
    /// assert_eq!(why["reasons"][0]["roots"][0], a.id.as_str());
    /// assert_eq!(why["reasons"][1]["kind"], "assigned");
    /// # Ok::<(), ayo_tickets::Error>(())
    /// ```
    pub fn why(&self, id: &str, agent: Option<&str>) -> Result<Why> {
        let agent = agent.map(normalize_agent).transpose()?;
        self.read(|txn| {
            let t = resolve(txn, id)?;
            let briefs = self.scan_briefs(txn)?;
            let by_id: HashMap<&str, &Brief> = briefs.tickets.iter().map(|b| (b.id(), b)).collect();
            let is_closed = |d: &str| {
                by_id.get(d).is_some_and(|b| b.status() == Status::Closed)
                    || briefs.archived_deps.iter().any(|a| a == d)
            };
            let now = Utc::now();
            let mut reasons = Vec::new();
            let lease_expired = t.lease_until.is_some_and(|l| l <= now);
            match &t.status {
                Status::Open => {}
                Status::InProgress => reasons.push(Reason::Claimed {
                    by: t.assignee.clone(),
                    lease_until: t.lease_until,
                    lease_expired,
                }),
                other => reasons.push(Reason::Status {
                    status: other.clone(),
                }),
            }
            let open_deps: Vec<String> = t.deps.iter().filter(|d| !is_closed(d)).cloned().collect();
            if !open_deps.is_empty() {
                reasons.push(Reason::Blocked {
                    roots: roots(&t, &by_id, &open_deps),
                    deps: open_deps.clone(),
                });
            }
            if let Some(until) = t.defer_until.filter(|d| *d > now) {
                reasons.push(Reason::Deferred { until });
            }
            let assigned_elsewhere = match (&agent, &t.assignee) {
                (Some(a), Some(to)) if !agent_matches(Some(to), a) => Some(to.clone()),
                _ => None,
            };
            if let (Status::Open, Some(to)) = (&t.status, &assigned_elsewhere) {
                reasons.push(Reason::Assigned { to: to.clone() });
            }
            let free = open_deps.is_empty() && !t.is_deferred(now);
            let claimable = free
                && match t.status {
                    Status::Open => assigned_elsewhere.is_none(),
                    Status::InProgress => lease_expired,
                    _ => false,
                };
            Ok(Why {
                id: t.id.clone(),
                ready: free && t.status == Status::Open,
                claimable,
                reasons,
            })
        })
    }
}

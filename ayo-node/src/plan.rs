//! Planning around a ticket: `defer`, `why`, `link`, `unlink`, and the agents' guide.

use ayo_tickets as ayo;
use chrono::{DateTime, Utc};
use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;

use crate::calls;
use crate::convert::Ticket;
use crate::tickets::Tickets;

/// What `why` answers: whether a ticket is ready and claimable, and why not.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone)]
pub struct Why {
    /// The ticket's id.
    pub id: String,
    /// Open, not blocked, not deferred.
    pub ready: bool,
    /// Whether the agent asked about may claim it now.
    pub claimable: bool,
    /// What keeps it from being ready or claimable.
    pub reasons: Vec<WhyReason>,
}

/// One reason of `why`; the fields its `kind` has are set.
#[napi(object, object_from_js = false)]
#[derive(Debug, Clone, Default)]
pub struct WhyReason {
    /// `status`, `blocked`, `deferred`, `claimed` or `assigned`.
    pub kind: String,
    /// `status`: the status.
    pub status: Option<String>,
    /// `blocked`: the deps that are not closed.
    pub deps: Option<Vec<String>>,
    /// `blocked`: the root blockers behind them.
    pub roots: Option<Vec<String>>,
    /// `deferred`: until when.
    pub until: Option<DateTime<Utc>>,
    /// `claimed`: who holds it.
    pub by: Option<String>,
    /// `claimed`: when the holder's lease runs out.
    pub lease_until: Option<DateTime<Utc>>,
    /// `claimed`: whether that lease has run out.
    pub lease_expired: Option<bool>,
    /// `assigned`: the assignee.
    pub to: Option<String>,
}

impl From<ayo::Reason> for WhyReason {
    fn from(r: ayo::Reason) -> Self {
        let kind = |k: &str| k.to_string();
        match r {
            ayo::Reason::Status { status } => WhyReason {
                kind: kind("status"),
                status: Some(status.to_string()),
                ..Default::default()
            },
            ayo::Reason::Blocked { deps, roots } => WhyReason {
                kind: kind("blocked"),
                deps: Some(deps),
                roots: Some(roots),
                ..Default::default()
            },
            ayo::Reason::Deferred { until } => WhyReason {
                kind: kind("deferred"),
                until: Some(until),
                ..Default::default()
            },
            ayo::Reason::Claimed {
                by,
                lease_until,
                lease_expired,
            } => WhyReason {
                kind: kind("claimed"),
                by,
                lease_until,
                lease_expired: Some(lease_expired),
                ..Default::default()
            },
            ayo::Reason::Assigned { to } => WhyReason {
                kind: kind("assigned"),
                to: Some(to),
                ..Default::default()
            },
        }
    }
}

impl From<ayo::Why> for Why {
    fn from(w: ayo::Why) -> Self {
        Why {
            id: w.id,
            ready: w.ready,
            claimable: w.claimable,
            reasons: w.reasons.into_iter().map(WhyReason::from).collect(),
        }
    }
}

/// How an agent works with ayo tickets (markdown): the text `ayo ticket guide` prints.
#[napi]
pub fn guide() -> &'static str {
    ayo::GUIDE
}

#[napi]
impl Tickets {
    /// Defers a ticket until `until` (a `Date`, an RFC 3339 string, or a duration from now such
    /// as `"90s"`, `"30m"`, `"2h"`, `"3d"`): neither ready nor claimable before then; `null`
    /// ends the deferral.
    #[napi(catch_unwind, ts_args_type = "id: string, until: Date | string | null")]
    pub fn defer(&self, env: &Env, id: Unknown<'_>, until: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::defer(id, until))
    }

    /// Why a ticket is not ready, or not claimable by `agent` (without: by its assignee, or
    /// anyone).
    #[napi(
        catch_unwind,
        ts_args_type = "id: string, options?: WhyOptions | undefined | null"
    )]
    pub fn why(&self, env: &Env, id: Unknown<'_>, options: Unknown<'_>) -> napi::Result<Why> {
        self.now(env, calls::why(id, options))
    }

    /// Links `id` with each of `others`, both ways (tk's `links`); returns `id`'s ticket.
    #[napi(catch_unwind, ts_args_type = "id: string, others: Array<string>")]
    pub fn link(&self, env: &Env, id: Unknown<'_>, others: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::link(id, others))
    }

    /// Removes the link between `id` and `other`, both ways; returns `id`'s ticket.
    #[napi(catch_unwind, ts_args_type = "id: string, other: string")]
    pub fn unlink(&self, env: &Env, id: Unknown<'_>, other: Unknown<'_>) -> napi::Result<Ticket> {
        self.now(env, calls::unlink(id, other))
    }
}

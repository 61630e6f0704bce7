//! The operations that only read: get, list, ready, blocked, dep tree, graph, history, check.

use std::cmp::Ordering;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{Tickets, annotate_one, resolve};
use crate::error::{Error, Result};
use crate::graph::{DepGraph, DepTree, GraphFormat};
use crate::request::Filter;
use crate::store::{Brief, Briefs, LogEntry, Txn};
use crate::ticket::{Status, Ticket, agent_matches, validate_id};
use rustc_hash::FxHashSet as FastSet;

/// The fields the orders compare, of a ticket or of a brief.
pub(crate) trait Ordered {
    /// The id.
    fn id(&self) -> &str;
    /// The priority.
    fn priority(&self) -> u8;
    /// When it was created.
    fn created(&self) -> Option<DateTime<Utc>>;
}

impl Ordered for Ticket {
    fn id(&self) -> &str {
        &self.id
    }
    fn priority(&self) -> u8 {
        self.priority
    }
    fn created(&self) -> Option<DateTime<Utc>> {
        self.created
    }
}

impl Ordered for Brief {
    fn id(&self) -> &str {
        Brief::id(self)
    }
    fn priority(&self) -> u8 {
        Brief::priority(self)
    }
    fn created(&self) -> Option<DateTime<Utc>> {
        Brief::created(self)
    }
}

impl<T: Ordered + ?Sized> Ordered for &T {
    fn id(&self) -> &str {
        (**self).id()
    }
    fn priority(&self) -> u8 {
        (**self).priority()
    }
    fn created(&self) -> Option<DateTime<Utc>> {
        (**self).created()
    }
}

/// The `ready` order: priority, then created (none first), then id.
pub(crate) fn ready_order<T: Ordered>(a: &T, b: &T) -> Ordering {
    a.priority()
        .cmp(&b.priority())
        .then(a.created().cmp(&b.created()))
        .then_with(|| a.id().cmp(b.id()))
}

/// The `list` order: oldest first, then id.
pub(super) fn age_order<T: Ordered>(a: &T, b: &T) -> Ordering {
    a.created()
        .cmp(&b.created())
        .then_with(|| a.id().cmp(b.id()))
}

/// An empty set of closed ids, sized for a scan of `n` tickets.
pub(super) fn closed_set<'a>(n: usize) -> FastSet<&'a str> {
    FastSet::with_capacity_and_hasher(n, Default::default())
}

/// The ids of the closed tickets of a scan.
pub(super) fn closed_ids(briefs: &Briefs) -> FastSet<&str> {
    let mut closed = closed_set(briefs.tickets.len());
    closed.extend(
        briefs
            .tickets
            .iter()
            .filter(|b| b.status() == Status::Closed)
            .map(Brief::id),
    );
    closed.extend(briefs.archived_deps.iter().map(String::as_str));
    closed
}

/// A ticket whole, with its derived fields, given a test for "closed".
pub(super) fn whole(b: &Brief, is_closed: impl Fn(&str) -> bool) -> Result<Ticket> {
    let mut t = b.to_ticket()?;
    t.blocked_by = crate::graph::blocked_by(&t, is_closed);
    t.ready = crate::graph::is_ready(&t);
    Ok(t)
}

/// The briefs that pass `first` (on their own fields) and then `then` (given a test for
/// "closed"), in `order`, and the closed ids. One pass collects the closed ids and the briefs
/// that pass `first`, so that each ticket is looked at once (the memory store's tickets are
/// scattered over the heap).
pub(super) fn select<'b>(
    briefs: &'b Briefs,
    first: impl Fn(&Brief) -> bool,
    then: impl Fn(&Brief, &dyn Fn(&str) -> bool) -> bool,
    order: fn(&Keyed<'b>, &Keyed<'b>) -> Ordering,
) -> (Vec<&'b Brief>, FastSet<&'b str>) {
    let mut closed = closed_set(briefs.tickets.len());
    closed.extend(briefs.archived_deps.iter().map(String::as_str));
    let mut kept: Vec<&Brief> = Vec::new();
    for b in &briefs.tickets {
        if b.status() == Status::Closed {
            closed.insert(b.id());
        }
        if first(b) {
            kept.push(b);
        }
    }
    kept.retain(|b| then(b, &|id| closed.contains(id)));
    // Each brief's time and id are read once, not at every comparison (an indexed brief's time
    // is a conversion from the index's microseconds).
    let mut keyed: Vec<Keyed<'b>> = kept
        .into_iter()
        .map(|brief| Keyed {
            created: brief.created(),
            id: brief.id(),
            brief,
        })
        .collect();
    keyed.sort_unstable_by(order);
    (keyed.into_iter().map(|k| k.brief).collect(), closed)
}

/// A brief with its creation time looked up, for sorting.
pub(super) struct Keyed<'a> {
    created: Option<DateTime<Utc>>,
    /// The id, looked up once too (tickets created in the same microsecond sort by it).
    id: &'a str,
    brief: &'a Brief,
}

impl Ordered for Keyed<'_> {
    fn id(&self) -> &str {
        self.id
    }
    fn priority(&self) -> u8 {
        self.brief.priority()
    }
    fn created(&self) -> Option<DateTime<Utc>> {
        self.created
    }
}

/// [`select`], each made into a `T` by `make` (given a test for "closed"): only the briefs
/// kept are read further, spread over the cores when they are many (`blocked` may list most
/// of a store).
pub(super) fn pick_with<'b, T: Send>(
    briefs: &'b Briefs,
    first: impl Fn(&Brief) -> bool,
    then: impl Fn(&Brief, &dyn Fn(&str) -> bool) -> bool,
    order: fn(&Keyed<'b>, &Keyed<'b>) -> Ordering,
    make: impl Fn(&Brief, &dyn Fn(&str) -> bool) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    let (kept, closed) = select(briefs, first, then, order);
    crate::parallel::map(&kept, 1024, |b| make(b, &|id| closed.contains(id)))?
        .into_iter()
        .collect()
}

/// [`select`], whole and with their derived fields: only these are decoded in full.
fn pick<'b>(
    briefs: &'b Briefs,
    first: impl Fn(&Brief) -> bool,
    then: impl Fn(&Brief, &dyn Fn(&str) -> bool) -> bool,
    order: fn(&Keyed<'b>, &Keyed<'b>) -> Ordering,
) -> Result<Vec<Ticket>> {
    pick_with(briefs, first, then, order, |b, is_closed| {
        whole(b, is_closed)
    })
}

/// A ready ticket with its derived fields: every dep closed, so nothing blocks it.
fn as_ready(t: &Ticket) -> Ticket {
    Ticket {
        blocked_by: Vec::new(),
        ready: true,
        ..t.clone()
    }
}

/// Every agent's `ready` list for one version of a store ([`Txn::version`]), whole and in the
/// `ready` order: asked again before the store changes, `ready` only copies out the tickets.
pub(super) struct ReadyView {
    pub(super) version: u64,
    /// As the store holds them (their derived fields are set when copied out).
    pub(super) tickets: Arc<Vec<Arc<Ticket>>>,
}

/// The first test of `ready`: open.
pub(super) fn is_open(b: &Brief) -> bool {
    b.status() == Status::Open
}

/// The second test of `ready`: every dep closed.
pub(super) fn unblocked(b: &Brief, is_closed: &dyn Fn(&str) -> bool) -> bool {
    b.deps().all(is_closed)
}

/// The first test of `blocked`: not closed, and `agent`'s when given.
pub(super) fn active(agent: Option<&str>) -> impl Fn(&Brief) -> bool {
    move |b| b.status() != Status::Closed && assigned(b.assignee(), agent)
}

/// The second test of `blocked`: a dep not closed.
pub(super) fn is_blocked(b: &Brief, is_closed: &dyn Fn(&str) -> bool) -> bool {
    b.deps().any(|d| !is_closed(d))
}

/// Refuses an agent filter that names nobody: empty, blank or a bare `@`.
pub(super) fn agent_filter(agent: Option<&str>) -> Result<()> {
    match agent.map(str::trim) {
        Some(a) if a.strip_prefix('@').unwrap_or(a).trim().is_empty() => Err(Error::invalid(
            "the agent filter is empty: name an agent such as @reviewer, or leave the filter out",
        )),
        _ => Ok(()),
    }
}

/// The filter of `list` with its parent resolved: the id children name, else an exact id or
/// a unique prefix of one.
pub(super) fn resolve_filter(
    txn: &mut dyn Txn,
    briefs: &Briefs,
    filter: &Filter,
) -> Result<Filter> {
    match filter.parent.as_deref() {
        Some(p) if !briefs.tickets.iter().any(|b| b.parent() == Some(p)) => Ok(Filter {
            parent: Some(resolve(txn, p)?.id.clone()),
            ..filter.clone()
        }),
        _ => Ok(filter.clone()),
    }
}

/// True when a brief passes every field of a filter.
pub(super) fn passes(filter: &Filter, b: &Brief) -> bool {
    filter.matches_fields(
        &b.status(),
        b.assignee(),
        |g| b.tags().any(|x| x == g),
        b.kind(),
        b.parent(),
    )
}

/// True when `agent` is none or holds the ticket.
pub(super) fn assigned(assignee: Option<&str>, agent: Option<&str>) -> bool {
    agent.is_none_or(|a| agent_matches(assignee, a))
}

impl Tickets {
    /// One ticket, by exact id or a unique prefix of one.
    pub fn get(&self, id: &str) -> Result<Ticket> {
        self.read(|txn| {
            let t = resolve(txn, id)?;
            annotate_one(txn, &t)
        })
    }

    /// Scans the store as briefs, reporting unreadable files to the warning handler.
    pub(super) fn scan_briefs(&self, txn: &mut dyn Txn) -> Result<Briefs> {
        let mut briefs = txn.scan_briefs()?;
        for u in &briefs.unreadable {
            (self.warn)(u);
        }
        super::archive::fill_archived_deps(txn, &mut briefs)?;
        Ok(briefs)
    }

    /// Every ticket that matches the filter, oldest first. The parent filter is an id as the
    /// children name it, else an exact id or a unique prefix of one (NotFound, Ambiguous as for
    /// [`Tickets::get`]); an empty agent filter is Invalid.
    pub fn list(&self, filter: &Filter) -> Result<Vec<Ticket>> {
        agent_filter(filter.assignee.as_deref())?;
        if filter.archived {
            return self.list_archived(filter);
        }
        self.read(|txn| {
            let briefs = self.scan_briefs(txn)?;
            let filter = resolve_filter(txn, &briefs, filter)?;
            pick(&briefs, |b| passes(&filter, b), |_, _| true, age_order)
        })
    }

    /// Open tickets with no `blocked_by` and not deferred, by priority, then created, then id;
    /// only `assignee`'s when given (an empty one is Invalid).
    pub fn ready(&self, assignee: Option<&str>) -> Result<Vec<Ticket>> {
        let now = Utc::now();
        Ok(self
            .candidates(assignee)?
            .iter()
            .filter(|t| !t.is_deferred(now))
            .map(|t| as_ready(t))
            .collect())
    }

    /// The first ready ticket of `assignee`, else when the next of its open, unblocked tickets
    /// stops being deferred (the moment a wait for a ready ticket should look again).
    pub(super) fn first_ready(
        &self,
        assignee: Option<&str>,
    ) -> Result<(Option<Ticket>, Option<DateTime<Utc>>)> {
        let now = Utc::now();
        let all = self.candidates(assignee)?;
        if let Some(t) = all.iter().find(|t| !t.is_deferred(now)) {
            return Ok((Some(as_ready(t)), None));
        }
        Ok((None, all.iter().filter_map(|t| t.defer_until).min()))
    }

    /// The candidates of `ready` (all agents') kept for this store version, if any.
    pub(super) fn kept_candidates(&self, version: u64) -> Option<Arc<Vec<Arc<Ticket>>>> {
        let view = self.ready_view.lock().unwrap_or_else(|e| e.into_inner());
        view.as_ref()
            .filter(|v| v.version == version)
            .map(|v| v.tickets.clone())
    }

    /// Open tickets with no `blocked_by`, deferred or not, in the `ready` order; only
    /// `assignee`'s when given (an empty one is Invalid). Kept per store version: a deferral
    /// ends with time, not with a change, so it is tested when the list is read.
    fn candidates(&self, assignee: Option<&str>) -> Result<Vec<Arc<Ticket>>> {
        agent_filter(assignee)?;
        self.read(|txn| {
            let Some(version) = txn.version() else {
                return self.compute_candidates(txn, assignee);
            };
            let all = match self.kept_candidates(version) {
                Some(all) => all,
                None => {
                    let briefs = self.scan_briefs(txn)?;
                    let (kept, _) = select(&briefs, is_open, unblocked, ready_order);
                    let all: Arc<Vec<Arc<Ticket>>> =
                        Arc::new(kept.into_iter().map(Brief::ticket).collect::<Result<_>>()?);
                    *self.ready_view.lock().unwrap_or_else(|e| e.into_inner()) = Some(ReadyView {
                        version,
                        tickets: all.clone(),
                    });
                    all
                }
            };
            Ok(all
                .iter()
                .filter(|t| assigned(t.assignee.as_deref(), assignee))
                .cloned()
                .collect())
        })
    }

    /// [`Tickets::candidates`] from a scan of the store.
    fn compute_candidates(
        &self,
        txn: &mut dyn Txn,
        assignee: Option<&str>,
    ) -> Result<Vec<Arc<Ticket>>> {
        let briefs = self.scan_briefs(txn)?;
        let open = |b: &Brief| is_open(b) && assigned(b.assignee(), assignee);
        let (kept, _) = select(&briefs, open, unblocked, ready_order);
        kept.into_iter().map(Brief::ticket).collect()
    }

    /// Open or in-progress tickets with a non-empty `blocked_by`, oldest first; only
    /// `assignee`'s when given (an empty one is Invalid).
    pub fn blocked(&self, assignee: Option<&str>) -> Result<Vec<Ticket>> {
        agent_filter(assignee)?;
        self.read(|txn| {
            let briefs = self.scan_briefs(txn)?;
            pick(&briefs, active(assignee), is_blocked, age_order)
        })
    }

    /// The dependency tree below a ticket.
    pub fn dep_tree(&self, id: &str) -> Result<DepTree> {
        self.read(|txn| {
            let t = resolve(txn, id)?;
            let mut scan = self.scan(txn)?;
            if t.archived {
                scan.tickets.push(t.clone());
            }
            super::archive::add_archived_deps(txn, &mut scan)?;
            Ok(DepGraph::new(&scan.tickets).tree(&t.id))
        })
    }

    /// The dependency graph, all of it or the part below one ticket, as mermaid or dot text.
    pub fn graph(&self, format: GraphFormat, id: Option<&str>) -> Result<String> {
        self.read(|txn| {
            let root = id.map(|i| resolve(txn, i)).transpose()?;
            let mut scan = self.scan(txn)?;
            if let Some(r) = root.as_ref().filter(|r| r.archived) {
                scan.tickets.push(r.clone());
            }
            super::archive::add_archived_deps(txn, &mut scan)?;
            Ok(DepGraph::new(&scan.tickets).draw(format, root.as_ref().map(|t| t.id.as_str())))
        })
    }

    /// The audit log, oldest first: one ticket's (also after it was deleted) or all.
    pub fn history(&self, id: Option<&str>) -> Result<Vec<LogEntry>> {
        self.read(|txn| {
            let id = match id {
                Some(i) => Some(match resolve(txn, i) {
                    Ok(t) => t.id.clone(),
                    Err(Error::NotFound { .. }) => {
                        validate_id(i)?;
                        i.to_string()
                    }
                    Err(e) => return Err(e),
                }),
                None => None,
            };
            txn.history(id.as_deref())
        })
    }
}

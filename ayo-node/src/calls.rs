//! Each operation's arguments, read once for both of its methods: the sync method of `Tickets`
//! runs the call at once, and its twin on `tickets.promises` runs it on a thread of its own.
//! A function here reads the JavaScript arguments (on the JavaScript thread; a bad one is
//! `INVALID`) and gives back the core call, which converts the result to its Node shape.

use ayo_tickets as ayo;
use napi::bindgen_prelude::Unknown;

use crate::args::{Age, When, optional, options_arg, required, required_options_arg};
use crate::beads::BeadsImport;
use crate::convert::{self, Closed, DepTree, LogEntry, Problem, Ticket};
use crate::options::{
    AgentOptions, CloseOptions, CreateOptions, DeleteOptions, GraphOptions, HeartbeatOptions,
    ListOptions, ReleaseOptions, StartOptions, UpdateOptions, WhyOptions,
};
use crate::plan::Why;

/// A core call whose arguments are read: it runs on whichever thread the method chose.
pub trait Call<T>: FnOnce(&ayo::Tickets) -> ayo::Result<T> + Send + 'static {}

impl<T, F> Call<T> for F where F: FnOnce(&ayo::Tickets) -> ayo::Result<T> + Send + 'static {}

/// `create(title, options)`.
pub fn create(title: Unknown<'_>, options: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let title: String = required("create", "title", title)?;
    let new = options_arg::<CreateOptions>("create", "options", options)?.into_new(title)?;
    Ok(move |t: &ayo::Tickets| t.create(new).map(Ticket::from))
}

/// `get(id)`.
pub fn get(id: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("get", "id", id)?;
    Ok(move |t: &ayo::Tickets| t.get(&id).map(Ticket::from))
}

/// `list(options)`.
pub fn list(options: Unknown<'_>) -> ayo::Result<impl Call<Vec<Ticket>>> {
    let filter = options_arg::<ListOptions>("list", "options", options)?.into_filter()?;
    Ok(move |t: &ayo::Tickets| t.list(&filter).map(convert::tickets))
}

/// `search(text, options)`.
pub fn search(text: Unknown<'_>, options: Unknown<'_>) -> ayo::Result<impl Call<Vec<Ticket>>> {
    let text: String = required("search", "text", text)?;
    let filter = options_arg::<ListOptions>("search", "options", options)?.into_filter()?;
    Ok(move |t: &ayo::Tickets| t.search(&text, &filter).map(convert::tickets))
}

/// `importBeads(path)`.
pub fn import_beads(path: Unknown<'_>) -> ayo::Result<impl Call<BeadsImport>> {
    let path: String = required("importBeads", "path", path)?;
    Ok(move |t: &ayo::Tickets| {
        t.import_beads_file(std::path::Path::new(&path))
            .map(BeadsImport::from)
    })
}

/// `ready(options)`.
pub fn ready(options: Unknown<'_>) -> ayo::Result<impl Call<Vec<Ticket>>> {
    let a = options_arg::<AgentOptions>("ready", "options", options)?.assignee;
    Ok(move |t: &ayo::Tickets| t.ready(a.as_deref()).map(convert::tickets))
}

/// `blocked(options)`.
pub fn blocked(options: Unknown<'_>) -> ayo::Result<impl Call<Vec<Ticket>>> {
    let a = options_arg::<AgentOptions>("blocked", "options", options)?.assignee;
    Ok(move |t: &ayo::Tickets| t.blocked(a.as_deref()).map(convert::tickets))
}

/// `update(id, changes)`.
pub fn update(id: Unknown<'_>, changes: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("update", "id", id)?;
    let u: UpdateOptions = required_options_arg("update", "changes", changes)?;
    let u = u.into_update()?;
    Ok(move |t: &ayo::Tickets| t.update(&id, u).map(Ticket::from))
}

/// `start(id, options)`.
pub fn start(id: Unknown<'_>, options: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("start", "id", id)?;
    let o = options_arg::<StartOptions>("start", "options", options)?;
    let (agent, force) = (o.agent, o.force.unwrap_or(false));
    Ok(move |t: &ayo::Tickets| t.start(&id, agent.as_deref(), force).map(Ticket::from))
}

/// `heartbeat(id, agent, options)`.
pub fn heartbeat(
    id: Unknown<'_>,
    agent: Unknown<'_>,
    options: Unknown<'_>,
) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("heartbeat", "id", id)?;
    let agent: String = required("heartbeat", "agent", agent)?;
    let o = options_arg::<HeartbeatOptions>("heartbeat", "options", options)?;
    let lease = o.lease.map(ayo::lease_from_secs).transpose()?;
    Ok(move |t: &ayo::Tickets| t.heartbeat(&id, &agent, lease).map(Ticket::from))
}

/// `release(id, options)`.
pub fn release(id: Unknown<'_>, options: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("release", "id", id)?;
    let agent = options_arg::<ReleaseOptions>("release", "options", options)?.agent;
    Ok(move |t: &ayo::Tickets| t.release(&id, agent.as_deref()).map(Ticket::from))
}

/// `close(id, options)`.
pub fn close(id: Unknown<'_>, options: Unknown<'_>) -> ayo::Result<impl Call<Closed>> {
    let id: String = required("close", "id", id)?;
    let reason = options_arg::<CloseOptions>("close", "options", options)?.reason;
    Ok(move |t: &ayo::Tickets| t.close(&id, reason.as_deref()).map(Closed::from))
}

/// `reopen(id)`.
pub fn reopen(id: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("reopen", "id", id)?;
    Ok(move |t: &ayo::Tickets| t.reopen(&id).map(Ticket::from))
}

/// `note(id, text)`.
pub fn note(id: Unknown<'_>, text: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("note", "id", id)?;
    let text: String = required("note", "text", text)?;
    Ok(move |t: &ayo::Tickets| t.note(&id, &text).map(Ticket::from))
}

/// `assign(id, agent)`.
pub fn assign(id: Unknown<'_>, agent: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("assign", "id", id)?;
    let agent: Option<String> = optional("assign", "agent", agent)?;
    Ok(move |t: &ayo::Tickets| t.assign(&id, agent.as_deref()).map(Ticket::from))
}

/// `addDep(id, dep)`.
pub fn add_dep(id: Unknown<'_>, dep: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("addDep", "id", id)?;
    let dep: String = required("addDep", "dep", dep)?;
    Ok(move |t: &ayo::Tickets| t.add_dep(&id, &dep).map(Ticket::from))
}

/// `removeDep(id, dep)`.
pub fn remove_dep(id: Unknown<'_>, dep: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("removeDep", "id", id)?;
    let dep: String = required("removeDep", "dep", dep)?;
    Ok(move |t: &ayo::Tickets| t.remove_dep(&id, &dep).map(Ticket::from))
}

/// `depTree(id)`.
pub fn dep_tree(id: Unknown<'_>) -> ayo::Result<impl Call<DepTree>> {
    let id: String = required("depTree", "id", id)?;
    Ok(move |t: &ayo::Tickets| t.dep_tree(&id).map(DepTree::from))
}

/// `delete(id, options)`.
pub fn delete(id: Unknown<'_>, options: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("delete", "id", id)?;
    let force = options_arg::<DeleteOptions>("delete", "options", options)?
        .force
        .unwrap_or(false);
    Ok(move |t: &ayo::Tickets| t.delete(&id, force).map(Ticket::from))
}

/// `history(id)`.
pub fn history(id: Unknown<'_>) -> ayo::Result<impl Call<Vec<LogEntry>>> {
    let id: Option<String> = optional("history", "id", id)?;
    Ok(move |t: &ayo::Tickets| {
        let log = t.history(id.as_deref())?;
        Ok(log.into_iter().map(LogEntry::from).collect())
    })
}

/// `graph(options)`.
pub fn graph(options: Unknown<'_>) -> ayo::Result<impl Call<String>> {
    let o = options_arg::<GraphOptions>("graph", "options", options)?;
    let format = o
        .format
        .as_deref()
        .unwrap_or("mermaid")
        .parse::<ayo::GraphFormat>()?;
    let id = o.id;
    Ok(move |t: &ayo::Tickets| t.graph(format, id.as_deref()))
}

/// `check()`.
pub fn check() -> impl Call<Vec<Problem>> {
    |t: &ayo::Tickets| {
        let problems = t.check()?;
        Ok(problems.into_iter().map(Problem::from).collect())
    }
}

/// `defer(id, until)`.
pub fn defer(id: Unknown<'_>, until: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("defer", "id", id)?;
    let until: Option<When> = optional("defer", "until", until)?;
    Ok(move |t: &ayo::Tickets| t.defer(&id, until.map(|w| w.0)).map(Ticket::from))
}

/// `why(id, options)`.
pub fn why(id: Unknown<'_>, options: Unknown<'_>) -> ayo::Result<impl Call<Why>> {
    let id: String = required("why", "id", id)?;
    let agent = options_arg::<WhyOptions>("why", "options", options)?.agent;
    Ok(move |t: &ayo::Tickets| t.why(&id, agent.as_deref()).map(Why::from))
}

/// `archive(ids)`.
pub fn archive(ids: Unknown<'_>) -> ayo::Result<impl Call<Vec<Ticket>>> {
    let ids: Vec<String> = required("archive", "ids", ids)?;
    Ok(move |t: &ayo::Tickets| {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        t.archive(&ids).map(convert::tickets)
    })
}

/// `archiveOlderThan(age)`.
pub fn archive_older_than(age: Unknown<'_>) -> ayo::Result<impl Call<Vec<Ticket>>> {
    let age: Age = required("archiveOlderThan", "age", age)?;
    Ok(move |t: &ayo::Tickets| t.archive_older_than(age.0).map(convert::tickets))
}

/// `unarchive(id)`.
pub fn unarchive(id: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("unarchive", "id", id)?;
    Ok(move |t: &ayo::Tickets| t.unarchive(&id).map(Ticket::from))
}

/// `link(id, others)`.
pub fn link(id: Unknown<'_>, others: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("link", "id", id)?;
    let others: Vec<String> = required("link", "others", others)?;
    Ok(move |t: &ayo::Tickets| {
        let others: Vec<&str> = others.iter().map(String::as_str).collect();
        t.link(&id, &others).map(Ticket::from)
    })
}

/// `unlink(id, other)`.
pub fn unlink(id: Unknown<'_>, other: Unknown<'_>) -> ayo::Result<impl Call<Ticket>> {
    let id: String = required("unlink", "id", id)?;
    let other: String = required("unlink", "other", other)?;
    Ok(move |t: &ayo::Tickets| t.unlink(&id, &other).map(Ticket::from))
}

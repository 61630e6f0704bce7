//! `GET /api/graph[?focus=ID]`: the dependency graph to draw, laid out.
//!
//! Without a focus: the open part of the work, every ticket not closed with the deps it names
//! (closed ones too, so that what was done shows above what it freed). With a focus: that
//! ticket's neighbourhood, everything it waits for and everything that waits for it (the
//! core's graph walks). Edges run from a dep to its dependent; an edge is `blocked` when the
//! dep is in the dependent's `blocked_by` (the core's). Deps on tickets that do not exist are
//! not drawn (the dependent's `blocked_by` names them).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use ayo_tickets::{DepGraph, Filter, Status, Ticket, Tickets};
use serde_json::{Value, json};

use super::columns::Card;
use super::layout::layout;
use super::reply::{Answer, shape};

/// The graph, all of the open part or around `focus`: `{nodes: [{x, y, layer, ...card}],
/// edges: [{from, to, blocked}], width, height, focus}`.
pub(super) fn graph(tickets: &Tickets, focus: Option<String>) -> Answer {
    let focus = focus.map(|f| tickets.get(&f)).transpose()?;
    let all: Vec<Arc<Ticket>> = tickets
        .list(&Filter::default())?
        .into_iter()
        .map(Arc::new)
        .collect();
    let shown: HashSet<String> = match &focus {
        Some(f) => neighbourhood(&all, &f.id),
        None => open_part(&all),
    };
    let nodes: Vec<&Arc<Ticket>> = all.iter().filter(|t| shown.contains(&t.id)).collect();
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut edges = Vec::new();
    let mut drawn = Vec::new();
    for (to, t) in nodes.iter().enumerate() {
        for dep in &t.deps {
            if let Some(&from) = index.get(dep.as_str()) {
                edges.push((from, to));
                drawn.push(json!({
                    "from": dep,
                    "to": t.id,
                    "blocked": t.blocked_by.contains(dep),
                }));
            }
        }
    }
    let drawing = layout(nodes.len(), &edges);
    let placed = nodes
        .iter()
        .zip(&drawing.places)
        .map(|(t, p)| {
            let mut node = shape(&Card::of(t))?;
            node["x"] = p.x.into();
            node["y"] = p.y.into();
            node["layer"] = p.layer.into();
            Ok(node)
        })
        .collect::<Result<Vec<Value>, ayo_tickets::Error>>()?;
    Ok(json!({
        "nodes": placed,
        "edges": drawn,
        "width": drawing.width,
        "height": drawing.height,
        "focus": focus.map(|f| f.id),
    }))
}

/// Every ticket not closed, and the deps they name.
fn open_part(all: &[Arc<Ticket>]) -> HashSet<String> {
    let mut shown = HashSet::new();
    for t in all.iter().filter(|t| t.status != Status::Closed) {
        shown.insert(t.id.clone());
        shown.extend(t.deps.iter().cloned());
    }
    shown
}

/// `id`, what it waits for, and what waits for it, directly or through others.
fn neighbourhood(all: &[Arc<Ticket>], id: &str) -> HashSet<String> {
    let graph = DepGraph::new(all);
    let mut shown = graph.reachable(id);
    shown.extend(
        graph
            .transitive_dependents(id)
            .into_iter()
            .map(|t| t.id.clone()),
    );
    shown
}

#[cfg(test)]
mod tests {
    use ayo_tickets::NewTicket;

    use super::*;

    fn node_ids(g: &Value) -> Vec<String> {
        let mut ids: Vec<String> = g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    }

    /// The open part shows closed deps of open tickets, not other closed tickets; a blocked
    /// edge is marked; the focus shows a ticket's neighbourhood only.
    #[test]
    fn the_open_part_and_a_neighbourhood() {
        let t = Tickets::in_memory();
        let old = t.create(NewTicket::new("old")).unwrap();
        let a = t.create(NewTicket::new("a")).unwrap();
        let b = t.create(NewTicket::new("b").dep(&a.id)).unwrap();
        let c = t.create(NewTicket::new("c").dep(&b.id)).unwrap();
        let other = t.create(NewTicket::new("other")).unwrap();
        t.close(&old.id, None).unwrap();
        t.close(&a.id, None).unwrap();

        let g = graph(&t, None).unwrap();
        let mut want = vec![a.id.clone(), b.id.clone(), c.id.clone(), other.id.clone()];
        want.sort();
        assert_eq!(node_ids(&g), want);
        let edges = g["edges"].as_array().unwrap();
        let edge = |from: &str| edges.iter().find(|e| e["from"] == from).unwrap();
        assert_eq!(edge(&a.id)["blocked"], false);
        assert_eq!(edge(&b.id)["blocked"], true);
        let y = |id: &str| {
            g["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|n| n["id"] == id)
                .unwrap()["y"]
                .as_u64()
                .unwrap()
        };
        assert!(y(&a.id) < y(&b.id) && y(&b.id) < y(&c.id));

        let near = graph(&t, Some(b.id.clone())).unwrap();
        let mut want = vec![a.id.clone(), b.id.clone(), c.id.clone()];
        want.sort();
        assert_eq!(node_ids(&near), want);
        assert_eq!(near["focus"], b.id.as_str());
        assert_eq!(
            graph(&t, Some("nope".into())).unwrap_err().code(),
            "NOT_FOUND"
        );
    }
}

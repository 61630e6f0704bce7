//! The dependency graph: a petgraph DAG over a set of tickets, with an edge from each ticket to
//! each of its deps. Readiness, `blocked_by`, the `unblocked` set of a close, cycles, the
//! dependency tree and the mermaid/dot drawings all come from here.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::sync::Arc;

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::ticket::{Status, Ticket};

/// The dependency graph of a set of tickets. Deps on ids that are not in the set are nodes
/// too ("missing"), and count as not closed.
pub struct DepGraph {
    graph: DiGraph<String, ()>,
    index: HashMap<String, NodeIndex>,
    tickets: HashMap<String, Arc<Ticket>>,
}

/// A dependency tree below one ticket, as `dep tree` draws it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepTree {
    /// The ticket's id.
    pub id: String,
    /// Its title; `None` for a dep on a ticket that does not exist.
    pub title: Option<String>,
    /// Its status; `None` for a missing ticket.
    pub status: Option<Status>,
    /// True for a dep on a ticket that does not exist.
    pub missing: bool,
    /// True when this ticket was already drawn above (its deps are not repeated).
    pub repeated: bool,
    /// True when this ticket is [`MAX_TREE_DEPTH`] levels down and has deps, which are left
    /// out: the tree of this ticket shows them.
    pub truncated: bool,
    /// Its deps' trees, in the order of its `deps`.
    pub deps: Vec<DepTree>,
}

/// How many levels below its root a [`DepTree`] goes: a ticket this deep that has deps is
/// marked `truncated` instead of expanded. 50 levels keep the tree's JSON within the nesting
/// limits of common JSON readers (serde_json's 128) and its drawing readable.
pub const MAX_TREE_DEPTH: usize = 50;

/// A node of [`DepGraph::tree`] being built: its deps still to visit, from `next` on.
struct TreeFrame<'a> {
    node: DepTree,
    deps: &'a [String],
    next: usize,
}

/// How to draw the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// Mermaid `graph TD` text.
    Mermaid,
    /// Graphviz `digraph` text.
    Dot,
}

impl std::str::FromStr for GraphFormat {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "mermaid" => Ok(GraphFormat::Mermaid),
            "dot" => Ok(GraphFormat::Dot),
            other => Err(crate::Error::invalid(format!(
                "unknown graph format '{other}' (expected mermaid or dot)"
            ))),
        }
    }
}

impl DepGraph {
    /// Builds the graph of these tickets.
    pub fn new<'a>(tickets: impl IntoIterator<Item = &'a Arc<Ticket>>) -> Self {
        let mut g = DepGraph {
            graph: DiGraph::new(),
            index: HashMap::new(),
            tickets: HashMap::new(),
        };
        let tickets: Vec<&Arc<Ticket>> = tickets.into_iter().collect();
        for t in &tickets {
            g.node(&t.id);
            g.tickets.insert(t.id.clone(), Arc::clone(t));
        }
        for t in &tickets {
            let from = g.index[&t.id];
            for dep in &t.deps {
                let to = g.node(dep);
                g.graph.update_edge(from, to, ());
            }
        }
        g
    }

    fn node(&mut self, id: &str) -> NodeIndex {
        if let Some(&n) = self.index.get(id) {
            return n;
        }
        let n = self.graph.add_node(id.to_string());
        self.index.insert(id.to_string(), n);
        n
    }

    /// The ticket with this id, if it is in the graph's set.
    pub fn ticket(&self, id: &str) -> Option<&Arc<Ticket>> {
        self.tickets.get(id)
    }

    /// True when `id` is a ticket of the set and closed.
    pub fn is_closed(&self, id: &str) -> bool {
        self.tickets
            .get(id)
            .is_some_and(|t| t.status == Status::Closed)
    }

    /// The deps of `ticket` that are not closed, in the order of its `deps`.
    pub fn blocked_by(&self, ticket: &Ticket) -> Vec<String> {
        blocked_by(ticket, |id| self.is_closed(id))
    }

    /// A copy of `ticket` with `blocked_by` and `ready` filled in.
    pub fn annotate(&self, ticket: &Ticket) -> Ticket {
        annotate(ticket, |id| self.is_closed(id))
    }

    /// The tickets that depend on `id` directly.
    pub fn dependents(&self, id: &str) -> Vec<&Arc<Ticket>> {
        let Some(&n) = self.index.get(id) else {
            return Vec::new();
        };
        let mut out: Vec<&Arc<Ticket>> = self
            .graph
            .neighbors_directed(n, Direction::Incoming)
            .filter_map(|m| self.tickets.get(&self.graph[m]))
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// Every ticket that depends on `id`, directly or through others.
    pub fn transitive_dependents(&self, id: &str) -> Vec<&Arc<Ticket>> {
        let Some(&start) = self.index.get(id) else {
            return Vec::new();
        };
        let mut seen = HashSet::from([start]);
        let mut queue = VecDeque::from([start]);
        let mut out = Vec::new();
        while let Some(n) = queue.pop_front() {
            for m in self.graph.neighbors_directed(n, Direction::Incoming) {
                if seen.insert(m) {
                    queue.push_back(m);
                    if let Some(t) = self.tickets.get(&self.graph[m]) {
                        out.push(t);
                    }
                }
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// Every id reachable from `id` along dependency edges, `id` included.
    pub fn reachable(&self, id: &str) -> HashSet<String> {
        let Some(&start) = self.index.get(id) else {
            return HashSet::from([id.to_string()]);
        };
        let mut out = HashSet::new();
        let mut dfs = petgraph::visit::Dfs::new(&self.graph, start);
        while let Some(n) = dfs.next(&self.graph) {
            out.insert(self.graph[n].clone());
        }
        out
    }

    /// The open dependents of `id` that closing it makes ready: those whose only unclosed dep
    /// is `id`.
    pub fn unblocked_by_closing(&self, id: &str) -> Vec<&Arc<Ticket>> {
        self.dependents(id)
            .into_iter()
            .filter(|t| t.status == Status::Open)
            .filter(|t| t.deps.iter().all(|d| d == id || self.is_closed(d)))
            .collect()
    }

    /// The cycle that a new edge `from -> to` (`from` depends on `to`) would close, as the
    /// path along the dependency edges `[from, to, ..., from]`; `None` if it closes none.
    /// Searches from `to` only, not the whole graph.
    pub fn cycle_with_edge(&self, from: &str, to: &str) -> Option<Vec<String>> {
        if from == to {
            return Some(vec![from.to_string(), to.to_string()]);
        }
        let (&start, &goal) = (self.index.get(to)?, self.index.get(from)?);
        // Breadth-first from `to` along deps, so the cycle named is a shortest one.
        let mut parent: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        let mut seen = HashSet::from([start]);
        while let Some(n) = queue.pop_front() {
            if n == goal {
                let mut path = vec![self.graph[n].clone()];
                let mut cur = n;
                while let Some(&p) = parent.get(&cur) {
                    path.push(self.graph[p].clone());
                    cur = p;
                }
                path.reverse(); // to ... from
                let mut cycle = vec![from.to_string()];
                cycle.extend(path);
                return Some(cycle);
            }
            for m in self.graph.neighbors_directed(n, Direction::Outgoing) {
                if seen.insert(m) {
                    parent.insert(m, n);
                    queue.push_back(m);
                }
            }
        }
        None
    }

    /// Every cycle in the graph (made by hand edits), one per strongly connected component,
    /// each as a path `[a, b, ..., a]` along the dependency edges.
    pub fn cycles(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        // Kosaraju's walk is iterative (petgraph's Tarjan recurses, one frame a node).
        for scc in petgraph::algo::kosaraju_scc(&self.graph) {
            let first = scc[0];
            let self_loop = self.graph.find_edge(first, first).is_some();
            if scc.len() == 1 && !self_loop {
                continue;
            }
            // The smallest id of the component starts the path; a shortest cycle through it.
            let &start = scc
                .iter()
                .min_by(|a, b| self.graph[**a].cmp(&self.graph[**b]))
                .unwrap_or(&first);
            let id = &self.graph[start];
            let cycle = self
                .graph
                .neighbors_directed(start, Direction::Outgoing)
                .filter(|m| scc.contains(m))
                .filter_map(|m| self.cycle_with_edge(id, &self.graph[m]))
                .min_by_key(Vec::len);
            if let Some(c) = cycle {
                out.push(c);
            }
        }
        out.sort();
        out
    }

    /// The dependency tree below `id`. Each ticket is expanded once; later sightings are
    /// marked `repeated`. A ticket [`MAX_TREE_DEPTH`] levels below `id` is not expanded: it is
    /// marked `truncated` (its own `tree` shows the rest), so the tree, its JSON and every
    /// walk of it stay shallow on any chain. Built with an explicit stack, not recursion.
    pub fn tree(&self, id: &str) -> DepTree {
        let mut seen = HashSet::new();
        let mut stack = vec![self.tree_frame(id, 0, &mut seen)];
        loop {
            let depth = stack.len();
            let Some(top) = stack.last_mut() else {
                unreachable!("the stack holds the root until it returns");
            };
            if let Some(dep) = top.deps.get(top.next) {
                top.next += 1;
                let frame = self.tree_frame(dep, depth, &mut seen);
                stack.push(frame);
                continue;
            }
            let done = stack.pop().map(|f| f.node);
            match (stack.last_mut(), done) {
                (Some(parent), Some(node)) => parent.node.deps.push(node),
                (None, Some(node)) => return node,
                (_, None) => unreachable!("the loop pops only a non-empty stack"),
            }
        }
    }

    /// The node of `id` at `depth` below the root, its deps still to be filled from `deps`.
    fn tree_frame<'a>(
        &'a self,
        id: &str,
        depth: usize,
        seen: &mut HashSet<String>,
    ) -> TreeFrame<'a> {
        let ticket = self.tickets.get(id);
        let repeated = seen.contains(id);
        let has_deps = ticket.is_some_and(|t| !t.deps.is_empty());
        let truncated = !repeated && has_deps && depth >= MAX_TREE_DEPTH;
        if !repeated && !truncated {
            seen.insert(id.to_string());
        }
        let deps: &[String] = match ticket {
            Some(t) if !repeated && !truncated => &t.deps,
            _ => &[],
        };
        TreeFrame {
            node: DepTree {
                id: id.to_string(),
                title: ticket.map(|t| t.title.clone()),
                status: ticket.map(|t| t.status.clone()),
                missing: ticket.is_none(),
                repeated,
                truncated,
                deps: Vec::with_capacity(deps.len()),
            },
            deps,
            next: 0,
        }
    }

    /// Draws the graph (all of it, or the part below `root`) as mermaid or dot text. Edges
    /// point from a ticket to what it depends on.
    pub fn draw(&self, format: GraphFormat, root: Option<&str>) -> String {
        let nodes: Vec<NodeIndex> = match root.and_then(|r| self.index.get(r)) {
            Some(&r) => {
                let mut seen = vec![r];
                let mut dfs = petgraph::visit::Dfs::new(&self.graph, r);
                dfs.next(&self.graph);
                while let Some(n) = dfs.next(&self.graph) {
                    seen.push(n);
                }
                seen
            }
            None => self.graph.node_indices().collect(),
        };
        let mut nodes = nodes;
        nodes.sort_by(|a, b| self.graph[*a].cmp(&self.graph[*b]));
        let keep: HashSet<NodeIndex> = nodes.iter().copied().collect();
        let mut edges: Vec<(&str, &str)> = Vec::new();
        for &n in &nodes {
            for m in self.graph.neighbors_directed(n, Direction::Outgoing) {
                if keep.contains(&m) {
                    edges.push((&self.graph[n], &self.graph[m]));
                }
            }
        }
        edges.sort();
        let label = |n: NodeIndex| -> String {
            let id = &self.graph[n];
            match self.tickets.get(id) {
                Some(t) => format!("{id}: {} ({})", t.title, t.status),
                None => format!("{id} (missing)"),
            }
        };
        let mut out = String::new();
        match format {
            GraphFormat::Mermaid => {
                out.push_str("graph TD\n");
                for &n in &nodes {
                    let _ = writeln!(
                        out,
                        "  {}[\"{}\"]",
                        mermaid_id(&self.graph[n]),
                        label(n).replace('"', "#quot;")
                    );
                }
                for (a, b) in edges {
                    let _ = writeln!(out, "  {} --> {}", mermaid_id(a), mermaid_id(b));
                }
            }
            GraphFormat::Dot => {
                out.push_str("digraph tickets {\n");
                for &n in &nodes {
                    let _ = writeln!(
                        out,
                        "  \"{}\" [label=\"{}\"];",
                        self.graph[n],
                        dot_escape(&label(n))
                    );
                }
                for (a, b) in edges {
                    let _ = writeln!(out, "  \"{a}\" -> \"{b}\";");
                }
                out.push_str("}\n");
            }
        }
        out
    }
}

/// The mermaid node name of an id: `t_` and the id with ASCII letters and digits kept and
/// every other character, `_` included, written as `_` + its hex code + `_` (`a-b` is
/// `t_a_2d_b`, `a_b` is `t_a_5f_b`). Escaping `_` too keeps the map one-to-one, so two
/// tickets never share a node; the label shows the real id.
fn mermaid_id(id: &str) -> String {
    let mut s = String::from("t_");
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else {
            let _ = write!(s, "_{:x}_", u32::from(c));
        }
    }
    s
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The deps of `ticket` that are not closed, given a test for "closed".
pub fn blocked_by(ticket: &Ticket, is_closed: impl Fn(&str) -> bool) -> Vec<String> {
    not_closed(ticket.deps.iter().map(String::as_str), is_closed)
}

/// The ids of `deps` that are not closed, given a test for "closed": a ticket's `blocked_by`.
pub(crate) fn not_closed<'a>(
    deps: impl IntoIterator<Item = &'a str>,
    is_closed: impl Fn(&str) -> bool,
) -> Vec<String> {
    deps.into_iter()
        .filter(|d| !is_closed(d))
        .map(str::to_string)
        .collect()
}

/// A copy of `ticket` with the derived fields filled in, given a test for "closed": ready when
/// open, not blocked and not deferred now.
pub fn annotate(ticket: &Ticket, is_closed: impl Fn(&str) -> bool) -> Ticket {
    let mut t = ticket.clone();
    t.blocked_by = blocked_by(ticket, is_closed);
    t.ready = is_ready(&t);
    t
}

/// Whether a ticket whose `blocked_by` is filled in is ready now: open, not blocked, not
/// deferred.
pub(crate) fn is_ready(t: &Ticket) -> bool {
    t.status == Status::Open && t.blocked_by.is_empty() && !t.is_deferred(chrono::Utc::now())
}

/// The loops of parent links among `tickets` (made by hand edits; `update` refuses them): each
/// as its ids along the links, child to parent, from its smallest id back to it (`a -> b -> a`:
/// a's parent is b, b's is a; a ticket that is its own parent gives `a -> a`). Sorted.
pub(crate) fn parent_cycles(tickets: &[Arc<Ticket>]) -> Vec<Vec<String>> {
    let parent: HashMap<&str, &str> = tickets
        .iter()
        .filter_map(|t| Some((t.id.as_str(), t.parent.as_deref()?)))
        .collect();
    // Each ticket has one parent at most, so every walk up either ends or enters one loop.
    let mut done: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    let mut ids: Vec<&str> = parent.keys().copied().collect();
    ids.sort_unstable();
    for start in ids {
        let mut path: Vec<&str> = Vec::new();
        let mut cur = Some(start);
        while let Some(id) = cur {
            if done.contains(id) {
                break;
            }
            if let Some(at) = path.iter().position(|p| *p == id) {
                let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
                let min = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap_or(0);
                cycle.rotate_left(min);
                cycle.push(cycle[0].clone());
                out.push(cycle);
                break;
            }
            path.push(id);
            cur = parent.get(id).copied();
        }
        done.extend(path);
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str, status: Status, deps: &[&str]) -> Arc<Ticket> {
        let mut t = Ticket::new(id, id);
        t.status = status;
        t.deps = deps.iter().map(|d| d.to_string()).collect();
        Arc::new(t)
    }

    #[test]
    fn blocked_and_unblocked() {
        let ts = [
            t("a", Status::Open, &[]),
            t("b", Status::Open, &["a"]),
            t("c", Status::Open, &["a", "x"]),
            t("d", Status::Closed, &[]),
            t("e", Status::Open, &["a", "d"]),
        ];
        let g = DepGraph::new(&ts);
        assert_eq!(g.blocked_by(&ts[2]), vec!["a", "x"]);
        assert!(g.annotate(&ts[0]).ready);
        assert!(!g.annotate(&ts[1]).ready);
        let ids: Vec<&str> = g
            .unblocked_by_closing("a")
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(ids, ["b", "e"]);
        let all: Vec<&str> = g
            .transitive_dependents("a")
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(all, ["b", "c", "e"]);
    }

    /// A chain `c0 -> c1 -> ... -> c{n-1}` (each depends on the next).
    fn chain(n: usize) -> Vec<Arc<Ticket>> {
        (0..n)
            .map(|i| {
                let next = format!("c{}", i + 1);
                let deps: &[&str] = if i + 1 < n { &[&next] } else { &[] };
                t(&format!("c{i}"), Status::Open, deps)
            })
            .collect()
    }

    /// The ids along the first deps from the root down, and the last node.
    fn spine(tree: &DepTree) -> (Vec<&str>, &DepTree) {
        let (mut ids, mut node) = (vec![tree.id.as_str()], tree);
        while let Some(first) = node.deps.first() {
            ids.push(&first.id);
            node = first;
        }
        (ids, node)
    }

    #[test]
    fn a_long_chain_is_cut_at_the_depth_limit() {
        let ts = chain(100_000);
        let g = DepGraph::new(&ts);
        let tree = g.tree("c0");
        let (ids, last) = spine(&tree);
        assert_eq!(ids.len(), MAX_TREE_DEPTH + 1);
        assert_eq!(last.id, format!("c{MAX_TREE_DEPTH}"));
        assert!(last.truncated && !last.repeated && last.deps.is_empty());
        // Every node above the cut is expanded, and the cut's own tree goes on from there.
        let mut node = &tree;
        while let Some(first) = node.deps.first() {
            assert!(!node.truncated);
            node = first;
        }
        let below = g.tree(&last.id);
        assert_eq!(spine(&below).1.id, format!("c{}", 2 * MAX_TREE_DEPTH));
        // The end of the chain has no deps: not truncated.
        let end = g.tree("c99990");
        assert_eq!(spine(&end).1.id, "c99999");
        assert!(!spine(&end).1.truncated);
        // The drawings of the whole chain walk it without recursion too.
        assert!(
            g.draw(GraphFormat::Dot, Some("c0"))
                .contains("\"c99998\" -> \"c99999\"")
        );
        assert!(g.cycles().is_empty());
    }

    #[test]
    fn a_ticket_cut_deep_is_expanded_where_it_is_met_higher() {
        // root's first dep leads down the chain to x at the depth limit; its second dep is x.
        let mut ts = chain(MAX_TREE_DEPTH - 1);
        let last = format!("c{}", MAX_TREE_DEPTH - 2);
        ts.pop();
        ts.push(t(&last, Status::Open, &["x"]));
        ts.push(t("x", Status::Open, &["y"]));
        ts.push(t("y", Status::Open, &[]));
        ts.push(t("root", Status::Open, &["c0", "x"]));
        let g = DepGraph::new(&ts);
        let tree = g.tree("root");
        let (_, cut) = spine(&tree);
        assert_eq!((cut.id.as_str(), cut.truncated), ("x", true));
        let again = &tree.deps[1];
        assert_eq!(again.id, "x");
        assert!(!again.repeated && !again.truncated);
        assert_eq!(again.deps[0].id, "y");
    }

    #[test]
    fn cycles_named_along_edges() {
        // a -> c -> b; adding b -> a closes a -> c -> b -> a... seen from the new edge b -> a.
        let ts = [
            t("a", Status::Open, &["c"]),
            t("c", Status::Open, &["b"]),
            t("b", Status::Open, &[]),
        ];
        let g = DepGraph::new(&ts);
        assert_eq!(g.cycle_with_edge("b", "a").unwrap(), ["b", "a", "c", "b"]);
        assert_eq!(g.cycle_with_edge("a", "b"), None);
        assert_eq!(g.cycle_with_edge("a", "a").unwrap(), ["a", "a"]);
        let ts = [
            t("a", Status::Open, &["c"]),
            t("c", Status::Open, &["b"]),
            t("b", Status::Open, &["a"]),
            t("z", Status::Open, &["z"]),
        ];
        let g = DepGraph::new(&ts);
        assert_eq!(g.cycles(), vec![vec!["a", "c", "b", "a"], vec!["z", "z"]]);
    }

    #[test]
    fn tree_and_drawings() {
        let ts = [
            t("a", Status::Open, &["b", "c"]),
            t("b", Status::Open, &["c"]),
            t("c", Status::Closed, &["gone"]),
        ];
        let g = DepGraph::new(&ts);
        let tree = g.tree("a");
        assert_eq!(tree.deps.len(), 2);
        assert_eq!(tree.deps[0].deps[0].id, "c");
        assert!(tree.deps[0].deps[0].deps[0].missing);
        assert!(tree.deps[1].repeated);
        let dot = g.draw(GraphFormat::Dot, Some("b"));
        assert!(dot.contains("\"b\" -> \"c\";"));
        assert!(!dot.contains("\"a\""));
        let mm = g.draw(GraphFormat::Mermaid, None);
        assert!(mm.starts_with("graph TD\n"));
        assert!(mm.contains("t_a --> t_b"));
    }

    #[test]
    fn parent_cycles_from_their_smallest_id() {
        let child = |id: &str, parent: Option<&str>| {
            let mut t = Ticket::new(id, id);
            t.parent = parent.map(str::to_string);
            Arc::new(t)
        };
        let ts = [
            child("epic", None),
            child("a", Some("epic")),
            child("c", Some("b")),
            child("b", Some("d")),
            child("d", Some("c")),
            child("e", Some("c")),
            child("s", Some("s")),
            child("f", Some("gone")),
        ];
        assert_eq!(
            parent_cycles(&ts),
            vec![vec!["b", "d", "c", "b"], vec!["s", "s"]]
        );
        assert!(parent_cycles(&ts[..2]).is_empty());
    }

    /// The names `-`, `.` and `_` used to collide on: every id gets its own node, labelled
    /// with the real id.
    #[test]
    fn mermaid_names_do_not_collide() {
        let ids = ["a-b", "a__b", "a.b", "a_o_b", "a_b", "a_2d_b"];
        let ts: Vec<Arc<Ticket>> = ids.iter().map(|i| t(i, Status::Open, &[])).collect();
        let mm = DepGraph::new(&ts).draw(GraphFormat::Mermaid, None);
        let names: Vec<&str> = mm
            .lines()
            .skip(1)
            .map(|l| l.trim().split('[').next().unwrap())
            .collect();
        let distinct: HashSet<&str> = names.iter().copied().collect();
        assert_eq!(
            (names.len(), distinct.len()),
            (ids.len(), ids.len()),
            "{mm}"
        );
        for id in ids {
            assert!(
                mm.contains(&format!("[\"{id}: {id} (open)\"]")),
                "{id} in {mm}"
            );
        }
    }

    /// Ids from a small alphabet rich in `-`, `.` and `_` (so that look-alikes such as `a-b`
    /// and `a__b` come up often), full-length ids, and any string at all.
    fn any_id() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::prop_oneof![
            4 => proptest::string::string_regex("[ab._-]{1,5}").unwrap(),
            1 => proptest::string::string_regex("[A-Za-z0-9._-]{1,64}").unwrap(),
            1 => proptest::arbitrary::any::<String>(),
        ]
    }

    proptest::proptest! {
        /// Distinct ids always get distinct mermaid node names, made only of the characters
        /// mermaid takes in a name.
        #[test]
        fn mermaid_names_are_one_to_one(ids in proptest::collection::vec(any_id(), 1..40)) {
            let mut by_name: HashMap<String, &str> = HashMap::new();
            for id in &ids {
                let name = mermaid_id(id);
                proptest::prop_assert!(
                    name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'),
                    "{}", name
                );
                if let Some(other) = by_name.insert(name.clone(), id) {
                    proptest::prop_assert_eq!(other, id.as_str(), "both are {}", name);
                }
            }
        }
    }
}

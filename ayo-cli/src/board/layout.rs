//! Where the board's dependency graph puts each node: a layered drawing, deps above their
//! dependents. Pure geometry over indices; which tickets and edges to draw is `graph.rs`'s.
//!
//! Layers: a node with no dep drawn is in layer 0, any other one layer below its lowest dep
//! (the longest path from a root). Edges that close a cycle (possible only in hand-edited
//! files) are left out of the layering, so every node still gets a place. Within a layer,
//! nodes are ordered by the mean position of their neighbours (a few sweeps down and up), so
//! that edges cross less; a layer wider than [`ROW_NODES`] wraps onto several rows.

/// The most nodes on one row; a wider layer wraps.
pub(crate) const ROW_NODES: usize = 8;
/// Horizontal distance between node centres.
pub(crate) const COLUMN_WIDTH: u32 = 200;
/// Vertical distance between rows.
pub(crate) const ROW_HEIGHT: u32 = 90;
/// How many ordering sweeps (each one down and one up).
const SWEEPS: usize = 4;

/// A node's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    /// Its layer: 0 for a node without deps.
    pub(crate) layer: usize,
    /// Its row (layers of many nodes take several).
    pub(crate) row: usize,
    /// The x of its centre.
    pub(crate) x: u32,
    /// The y of its centre.
    pub(crate) y: u32,
}

/// The drawing: one place per node, in the order of the nodes given, and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Where each node goes.
    pub(crate) places: Vec<Place>,
    /// Width of the whole.
    pub(crate) width: u32,
    /// Height of the whole.
    pub(crate) height: u32,
}

/// Lays out `count` nodes with these edges, each `(dep, dependent)` by node index (indices out
/// of range and self-edges are ignored).
pub(crate) fn layout(count: usize, edges: &[(usize, usize)]) -> Layout {
    let edges: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(a, b)| a < count && b < count && a != b)
        .collect();
    let kept = acyclic(count, &edges);
    let layers = layers(count, &kept);
    let order = order(count, &kept, &layers);
    place(count, &layers, &order)
}

/// The edges without those that close a cycle (found by a depth-first search from each node
/// in turn: an edge back to a node still on the path is left out).
fn acyclic(count: usize, edges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); count];
    for &(a, b) in edges {
        out[a].push(b);
    }
    // 0: not seen; 1: on the path; 2: done.
    let mut state = vec![0u8; count];
    let mut kept = Vec::with_capacity(edges.len());
    for start in 0..count {
        if state[start] != 0 {
            continue;
        }
        state[start] = 1;
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            if let Some(&to) = out[node].get(next) {
                top.1 += 1;
                match state[to] {
                    0 => {
                        kept.push((node, to));
                        state[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => {} // back to the path: this edge closes a cycle
                    _ => kept.push((node, to)),
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    kept
}

/// Each node's layer over acyclic edges: 0 without deps, else one more than its deepest dep.
fn layers(count: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut pending = vec![0usize; count];
    for &(a, b) in edges {
        out[a].push(b);
        pending[b] += 1;
    }
    let mut layer = vec![0usize; count];
    let mut ready: Vec<usize> = (0..count).filter(|&n| pending[n] == 0).collect();
    while let Some(n) = ready.pop() {
        for &m in &out[n] {
            layer[m] = layer[m].max(layer[n] + 1);
            pending[m] -= 1;
            if pending[m] == 0 {
                ready.push(m);
            }
        }
    }
    layer
}

/// The nodes of each layer, in drawing order.
fn order(count: usize, edges: &[(usize, usize)], layer: &[usize]) -> Vec<Vec<usize>> {
    let depth = layer.iter().max().map_or(0, |m| m + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for n in 0..count {
        rows[layer[n]].push(n);
    }
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); count];
    for &(a, b) in edges {
        deps[b].push(a);
        dependents[a].push(b);
    }
    let mut pos = vec![0f64; count];
    let set_positions = |rows: &[Vec<usize>], pos: &mut Vec<f64>| {
        for row in rows {
            for (i, &n) in row.iter().enumerate() {
                pos[n] = i as f64 / row.len().max(1) as f64;
            }
        }
    };
    set_positions(&rows, &mut pos);
    for _ in 0..SWEEPS {
        for l in 1..depth {
            sort_by_neighbours(&mut rows[l], &deps, &pos);
            set_positions(&rows[l..=l], &mut pos);
        }
        for l in (0..depth.saturating_sub(1)).rev() {
            sort_by_neighbours(&mut rows[l], &dependents, &pos);
            set_positions(&rows[l..=l], &mut pos);
        }
    }
    rows
}

/// Sorts a layer by the mean position of each node's neighbours (a node without any keeps its
/// own position); a stable sort, so ties keep their order.
fn sort_by_neighbours(row: &mut [usize], neighbours: &[Vec<usize>], pos: &[f64]) {
    let key = |n: usize| {
        let near = &neighbours[n];
        if near.is_empty() {
            pos[n]
        } else {
            near.iter().map(|&m| pos[m]).sum::<f64>() / near.len() as f64
        }
    };
    let mut keyed: Vec<(f64, usize)> = row.iter().map(|&n| (key(n), n)).collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (slot, (_, n)) in row.iter_mut().zip(keyed) {
        *slot = n;
    }
}

/// The coordinates: rows top to bottom, each row centred on the widest.
fn place(count: usize, layer: &[usize], rows: &[Vec<usize>]) -> Layout {
    let widest = rows
        .iter()
        .map(|r| r.len().min(ROW_NODES))
        .max()
        .unwrap_or(0);
    let width = widest as u32 * COLUMN_WIDTH;
    let mut places = vec![
        Place {
            layer: 0,
            row: 0,
            x: 0,
            y: 0
        };
        count
    ];
    let mut row = 0usize;
    for nodes in rows {
        for chunk in nodes.chunks(ROW_NODES) {
            let offset = (width - chunk.len() as u32 * COLUMN_WIDTH) / 2;
            for (i, &n) in chunk.iter().enumerate() {
                places[n] = Place {
                    layer: layer[n],
                    row,
                    x: offset + i as u32 * COLUMN_WIDTH + COLUMN_WIDTH / 2,
                    y: row as u32 * ROW_HEIGHT + ROW_HEIGHT / 2,
                };
            }
            row += 1;
        }
    }
    Layout {
        places,
        width,
        height: row as u32 * ROW_HEIGHT,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;

    /// The chain a <- b <- c: three layers, one node each, top to bottom.
    #[test]
    fn a_chain_goes_down() {
        let l = layout(3, &[(0, 1), (1, 2)]);
        let layers: Vec<usize> = l.places.iter().map(|p| p.layer).collect();
        assert_eq!(layers, [0, 1, 2]);
        assert!(l.places[0].y < l.places[1].y && l.places[1].y < l.places[2].y);
        assert_eq!((l.width, l.height), (COLUMN_WIDTH, 3 * ROW_HEIGHT));
    }

    /// A cycle (hand-edited files) still places every node, on distinct spots.
    #[test]
    fn a_cycle_is_drawn_anyway() {
        let l = layout(3, &[(0, 1), (1, 2), (2, 0)]);
        let spots: HashSet<(u32, u32)> = l.places.iter().map(|p| (p.x, p.y)).collect();
        assert_eq!(spots.len(), 3);
    }

    /// A wide layer wraps onto rows of at most ROW_NODES.
    #[test]
    fn a_wide_layer_wraps() {
        let l = layout(ROW_NODES * 2 + 1, &[]);
        assert_eq!(l.places.iter().map(|p| p.row).max(), Some(2));
        assert_eq!(l.width, ROW_NODES as u32 * COLUMN_WIDTH);
    }

    /// Edges `(dep, dependent)` among `n` nodes; acyclic when every dep has the lower index.
    fn graph(acyclic: bool) -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
        (1usize..40).prop_flat_map(move |n| {
            let edge =
                (0..n, 0..n).prop_map(move |(a, b)| if acyclic && a > b { (b, a) } else { (a, b) });
            (Just(n), proptest::collection::vec(edge, 0..80))
        })
    }

    proptest! {
        /// Without cycles, every dep is drawn on a higher row and in a higher layer than its
        /// dependent, and a node without deps is in layer 0.
        #[test]
        fn deps_are_above_dependents((n, edges) in graph(true)) {
            let l = layout(n, &edges);
            for &(a, b) in edges.iter().filter(|(a, b)| a != b) {
                prop_assert!(l.places[a].layer < l.places[b].layer, "{a} -> {b}");
                prop_assert!(l.places[a].y < l.places[b].y, "{a} -> {b}");
            }
            for (i, p) in l.places.iter().enumerate() {
                if !edges.iter().any(|&(a, b)| b == i && a != i) {
                    prop_assert_eq!(p.layer, 0);
                }
            }
        }

        /// With any edges, cycles too: each node gets one spot of its own inside the drawing,
        /// and no row holds more than ROW_NODES.
        #[test]
        fn every_node_has_a_spot_of_its_own((n, edges) in graph(false)) {
            let l = layout(n, &edges);
            prop_assert_eq!(l.places.len(), n);
            let spots: HashSet<(u32, u32)> = l.places.iter().map(|p| (p.x, p.y)).collect();
            prop_assert_eq!(spots.len(), n);
            for p in &l.places {
                prop_assert!(p.x < l.width && p.y < l.height);
                let on_row = l.places.iter().filter(|q| q.row == p.row).count();
                prop_assert!(on_row <= ROW_NODES);
            }
        }
    }
}

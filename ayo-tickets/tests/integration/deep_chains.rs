//! A dependency chain 100 000 tickets long, through the public API: every read and write that
//! walks the graph (the tree, the drawings, `check`, `ready`, `blocked`, a close that unblocks)
//! runs without recursion on a test thread's small stack, and the tree stops at
//! `MAX_TREE_DEPTH` with its last node marked `truncated`.

use std::sync::Arc;

use ayo_tickets::store::memory::MemoryStore;
use ayo_tickets::{Access, DepTree, GraphFormat, MAX_TREE_DEPTH, Store, Ticket, Tickets};

const LEN: usize = 100_000;

/// `c000000` depends on `c000001`, ..., on `c099999`.
fn chain_store() -> Tickets {
    let store = MemoryStore::new();
    let mut txn = store.begin(Access::Batch).unwrap();
    for i in 0..LEN {
        let mut t = Ticket::new(format!("c{i:06}"), format!("step {i}"));
        if i + 1 < LEN {
            t.deps = vec![format!("c{:06}", i + 1)];
        }
        txn.create(&t).unwrap();
    }
    txn.commit().unwrap();
    Tickets::with_store(Arc::new(store)).unwrap()
}

fn depth_and_end(tree: &DepTree) -> (usize, &DepTree) {
    let (mut depth, mut node) = (0, tree);
    while let Some(first) = node.deps.first() {
        assert_eq!(node.deps.len(), 1);
        depth += 1;
        node = first;
    }
    (depth, node)
}

#[test]
fn a_chain_of_100_000_is_walked_without_recursion() {
    let t = chain_store();
    let tree = t.dep_tree("c000000").unwrap();
    let (depth, end) = depth_and_end(&tree);
    assert_eq!(depth, MAX_TREE_DEPTH);
    assert_eq!(end.id, format!("c{MAX_TREE_DEPTH:06}"));
    assert!(end.truncated);
    let json = serde_json::to_string(&tree).unwrap();
    assert!(json.contains("\"truncated\":true"));

    let mermaid = t.graph(GraphFormat::Mermaid, Some("c000000")).unwrap();
    assert_eq!(
        mermaid.lines().filter(|l| l.contains("-->")).count(),
        LEN - 1
    );
    assert!(t.check().unwrap().is_empty());
    let ready: Vec<String> = t.ready(None).unwrap().into_iter().map(|t| t.id).collect();
    assert_eq!(ready, ["c099999"]);
    assert_eq!(t.blocked(None).unwrap().len(), LEN - 1);
    let closed = t.close("c099999", None).unwrap();
    let unblocked: Vec<&str> = closed.unblocked.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(unblocked, ["c099998"]);
}

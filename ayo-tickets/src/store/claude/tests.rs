//! The Claude Code task list store: the shared suite and contract, and the cases of its own
//! (the mapping, the schema after every write, Claude Code's changes while ayo works).

use std::sync::Arc;

use crate::Tickets;

fn claude(dir: &std::path::Path) -> Tickets {
    Tickets::with_store(Arc::new(crate::store::claude::ClaudeStore::new(dir))).unwrap()
}

crate::store::suite::store_suite!(|| {
    let dir = tempfile::tempdir().unwrap();
    (claude(&dir.path().join("list")), dir)
});

crate::store::contract::store_contract!(
    crate::store::contract::Traits {
        versions: false,
        sources: true
    },
    || {
        let dir = tempfile::tempdir().unwrap();
        (
            crate::store::claude::ClaudeStore::new(&dir.path().join("list")),
            dir,
        )
    }
);

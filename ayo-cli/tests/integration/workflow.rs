//! The documentation's example workflow, run through the real binary.

use crate::common;

use common::{Ayo, ids_of};

#[test]
fn the_three_step_pipeline_unblocks_one_step_at_a_time() {
    let ayo = Ayo::new();
    let extract = ayo.create(&["Extract data from invoices", "-a", "@extractor"]);
    let validate = ayo.create(&[
        "Validate extracted data",
        "-a",
        "@validator",
        "--deps",
        &extract,
    ]);
    let import = ayo.create(&[
        "Import to accounting system",
        "-a",
        "@importer",
        "--deps",
        &validate,
    ]);

    assert_eq!(
        ayo.ids(&["ticket", "ready", "-a", "@extractor"]),
        [extract.as_str()]
    );
    let steps = [
        (&extract, &validate, "@validator"),
        (&validate, &import, "@importer"),
    ];
    for (done, next, agent) in steps {
        // Before the close: the next step is blocked, and not ready for its agent.
        assert!(ayo.ids(&["ticket", "blocked"]).contains(next));
        assert!(!ayo.ids(&["ticket", "ready", "-a", agent]).contains(next));
        let human_ready = ayo.ok(&["ticket", "ready", "-a", agent]);
        assert!(!human_ready.contains(next.as_str()), "{human_ready}");

        let closed = ayo.run(&["ticket", "close", done]);
        assert_eq!(closed.code, 0, "{closed:?}");
        // close prints what became ready: exactly the next step, as a row.
        assert_eq!(closed.lines().len(), 1, "{closed:?}");
        assert!(closed.stdout.starts_with(next.as_str()), "{closed:?}");
        assert!(closed.stdout.contains(agent), "{closed:?}");

        // After: the next step is in its agent's ready list and no longer blocked.
        assert_eq!(ayo.ids(&["ticket", "ready", "-a", agent]), [next.as_str()]);
        assert!(
            ayo.ok(&["ticket", "ready", "-a", agent])
                .starts_with(next.as_str())
        );
        assert!(!ayo.ids(&["ticket", "blocked"]).contains(next));
    }
    let last = ayo.json(&["ticket", "close", &import]);
    assert_eq!(last["ticket"]["id"], import.as_str());
    assert_eq!(last["ticket"]["status"], "closed");
    assert_eq!(last["unblocked"], serde_json::json!([]));
    assert!(ayo.ids(&["ticket", "ready"]).is_empty());
    assert!(ayo.ids(&["ticket", "blocked"]).is_empty());
    assert_eq!(ayo.ids(&["ticket", "list", "--status", "closed"]).len(), 3);
}

#[test]
fn list_shows_blocked_by_in_aligned_columns() {
    let ayo = Ayo::new();
    let step1 = ayo.create(&[
        "Extract data from invoices",
        "-a",
        "@extractor",
        "--id",
        "step1",
    ]);
    ayo.create(&[
        "Validate extracted data",
        "-a",
        "validator",
        "--deps",
        &step1,
        "--id",
        "step2",
    ]);
    ayo.create(&["Unassigned work", "--id", "step3-long-id"]);
    let out = ayo.ok(&["ticket", "list"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "step1          open  @extractor  Extract data from invoices",
            "step2          open  @validator  Validate extracted data  (blocked by step1)",
            "step3-long-id  open  -           Unassigned work",
        ]
    );
    // Bare `ayo ticket` and the `tickets` alias list too.
    assert_eq!(ayo.ok(&["ticket"]), out);
    assert_eq!(ayo.ok(&["tickets", "list"]), out);
    // Without a terminal there is no colour.
    assert!(!out.contains('\x1b'));
}

#[test]
fn close_json_names_the_unblocked_tickets() {
    let ayo = Ayo::new();
    let a = ayo.create(&["A"]);
    let b = ayo.create(&["B", "--deps", &a]);
    let c = ayo.create(&["C", "--deps", &a]);
    let d = ayo.create(&["D", "--deps", &format!("{a},{b}")]);
    let closed = ayo.json(&["ticket", "close", &a, "--reason", "done"]);
    let mut unblocked = ids_of(&closed["unblocked"]);
    unblocked.sort();
    let mut want = vec![b.clone(), c];
    want.sort();
    assert_eq!(unblocked, want, "D still waits for B");
    assert_eq!(closed["ticket"]["notes"][0]["text"], "done");
    let d = ayo.json(&["ticket", "show", &d]);
    assert_eq!(d["blocked_by"], serde_json::json!([b]));
    assert_eq!(d["ready"], false);
}

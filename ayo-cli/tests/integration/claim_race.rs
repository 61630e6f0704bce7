//! Many `ayo ticket claim` processes at once: each ticket is claimed exactly once.

use crate::common;

use std::collections::HashSet;
use std::thread;

use common::Ayo;

#[test]
fn eight_claimers_take_forty_tickets_each_exactly_once() {
    const TICKETS: usize = 40;
    const CLAIMERS: usize = 8;
    let ayo = Ayo::new();
    let dir = ayo.home().join("race");
    let d = dir.to_str().unwrap().to_string();
    let mut created = HashSet::new();
    for i in 0..TICKETS {
        created.insert(ayo.create(&["--dir", &d, &format!("Work item {i}")]));
    }
    let ayo = &ayo;
    let claimed: Vec<(usize, String)> = thread::scope(|s| {
        let workers: Vec<_> = (0..CLAIMERS)
            .map(|w| {
                let d = d.clone();
                s.spawn(move || {
                    let agent = format!("@worker{w}");
                    let mut mine = Vec::new();
                    loop {
                        let r = ayo.run(&["--dir", &d, "ticket", "claim", "-a", &agent]);
                        match r.code {
                            0 => mine.push((w, r.stdout.trim().to_string())),
                            3 => break,
                            _ => panic!("claim failed: {r:?}"),
                        }
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let ids: Vec<&String> = claimed.iter().map(|(_, id)| id).collect();
    let unique: HashSet<String> = ids.iter().map(|s| s.to_string()).collect();
    assert_eq!(ids.len(), TICKETS, "every claim got a distinct ticket");
    assert_eq!(unique, created);
    // Each ticket is in progress for the worker whose claim printed it.
    let all = ayo.json(&["--dir", &d, "ticket", "list"]);
    for t in all.as_array().unwrap() {
        let (w, _) = claimed
            .iter()
            .find(|(_, id)| id == t["id"].as_str().unwrap())
            .unwrap();
        assert_eq!(t["status"], "in_progress");
        assert_eq!(t["assignee"], format!("@worker{w}").as_str());
    }
    assert!(
        claimed.iter().map(|(w, _)| w).collect::<HashSet<_>>().len() > 1,
        "a real race"
    );
}

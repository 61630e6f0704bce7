//! Nothing lost to crashes: writers are killed with SIGKILL 240 times, inside the write window
//! (paused by the test hooks after the temp file is written or after the rename, and killed
//! during the pause), at random times, and during index saves.
//!
//! Each writer is this test binary run again (`--exact reliability_crash::crash_child`). It prints a `begin` line
//! before each write and a `done` line after it returns. After every kill the store must open
//! and read without a warning (no half-written ticket, no temp file read as a ticket), and the
//! next writer must get the lock at once (a dead process's flock is gone). At the end of each
//! store: every write that returned is there (tickets, notes exactly once, titles, closes,
//! claims, audit entries), a write that did not return is there at most once and whole (a
//! batch with all its tickets or none; a note in the file and in the audit log or in neither),
//! `check` finds nothing, and the index agrees with the files.

use crate::support;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ayo_tickets::format::parse;
use ayo_tickets::{ClaimOptions, Filter, NewTicket, Status, Ticket, Tickets, Update};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use support::{Reporter, child_command, say_json};

const DIR: &str = "AYO_REL_CRASH_DIR";
const KEY: &str = "AYO_REL_CRASH_KEY";
const MIXED: &str = "AYO_REL_CRASH_MIXED";

/// Rounds per store directory, and stores: 4 × 60 = 240 kills.
const ROUNDS: usize = 60;
const STORES: usize = 4;

/// The writer: runs only when the parent set `AYO_REL_CRASH_DIR`; writes until it is killed
/// (or 60 writes).
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var(DIR) else {
        return;
    };
    let key = std::env::var(KEY).unwrap();
    let mixed = std::env::var(MIXED).is_ok();
    let t = Tickets::open(&dir)
        .unwrap()
        .with_actor(Some("@crash"))
        .unwrap();
    let mut rng = StdRng::seed_from_u64(support::hash(key.as_bytes()));
    let mut open: Vec<String> = Vec::new();
    let mut all: Vec<String> = Vec::new();
    for x in t.list(&Filter::default()).unwrap() {
        if x.title.starts_with("probe") {
            continue;
        }
        if x.status != Status::Closed {
            open.push(x.id.clone());
        }
        all.push(x.id);
    }
    say_json(&json!({"s": "ready"}));
    for n in 0..60 {
        let begin = |v: Value| say_json(&json!({"s": "begin", "op": v}));
        let done = |v: Value| say_json(&json!({"s": "done", "op": v}));
        let fail =
            |e: ayo_tickets::Error| say_json(&json!({"s": "error", "error": format!("{e:?}")}));
        let choice = if all.is_empty() {
            0
        } else {
            rng.random_range(0..100)
        };
        match choice {
            0..=24 => {
                let title = format!("c {key} {n} ✓");
                let mut new = NewTicket::new(title.clone());
                if !all.is_empty() && rng.random_bool(0.5) {
                    new = new.dep(all[rng.random_range(0..all.len())].clone());
                }
                begin(json!({"op": "create", "title": title, "deps": new.deps}));
                match t.create(new) {
                    Ok(c) => {
                        done(json!({"op": "create", "title": title, "ticket": c.id}));
                        open.push(c.id.clone());
                        all.push(c.id);
                    }
                    Err(e) => fail(e),
                }
            }
            25..=32 => {
                let titles: Vec<String> = (0..3).map(|i| format!("b {key} {n} {i}")).collect();
                begin(json!({"op": "batch", "titles": titles}));
                let r = t.batch(|t| {
                    let mut ids: Vec<String> = Vec::new();
                    for title in &titles {
                        let mut new = NewTicket::new(title.clone());
                        if let Some(prev) = ids.last() {
                            new = new.dep(prev.clone());
                        }
                        ids.push(t.create(new)?.id);
                    }
                    Ok(ids)
                });
                match r {
                    Ok(ids) => {
                        done(json!({"op": "batch", "titles": titles, "ids": ids}));
                        open.extend(ids.iter().cloned());
                        all.extend(ids);
                    }
                    Err(e) => fail(e),
                }
            }
            33..=59 => {
                let id = all[rng.random_range(0..all.len())].clone();
                let text = format!("n {key} {n}: naïve ☃\n\n## Notes\n### 2026-01-01T00:00:00Z x");
                begin(json!({"op": "note", "ticket": id, "text": text}));
                match t.note(&id, &text) {
                    Ok(_) => done(json!({"op": "note", "ticket": id, "text": text})),
                    Err(e) => fail(e),
                }
            }
            60..=74 => {
                let id = all[rng.random_range(0..all.len())].clone();
                let title = format!("u {key} {n}");
                begin(json!({"op": "update", "ticket": id, "title": title}));
                let update = Update {
                    title: Some(title.clone()),
                    ..Update::default()
                };
                match t.update(&id, update) {
                    Ok(_) => done(json!({"op": "update", "ticket": id, "title": title})),
                    Err(e) => fail(e),
                }
            }
            75..=86 => {
                if open.is_empty() {
                    continue;
                }
                let id = open.swap_remove(rng.random_range(0..open.len()));
                let reason = format!("r {key} {n}");
                begin(json!({"op": "close", "ticket": id, "reason": reason}));
                match t.close(&id, Some(&reason)) {
                    Ok(_) => done(json!({"op": "close", "ticket": id, "reason": reason})),
                    Err(e) => fail(e),
                }
            }
            _ => {
                begin(json!({"op": "claim"}));
                let options = ClaimOptions {
                    lease: Some(600),
                    ..ClaimOptions::default()
                };
                match t.claim("@crash", options) {
                    Ok(c) => done(json!({"op": "claim", "ticket": c.map(|c| c.id)})),
                    Err(e) => fail(e),
                }
            }
        }
        if mixed {
            // A read after each write: the scan re-reads the changed file and saves the index.
            if let Err(e) = t.list(&Filter::default()) {
                fail(e);
            }
        }
    }
    say_json(&json!({"s": "finished"}));
}

/// How a round kills its writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kill {
    /// Paused after the temp file is written, killed while it sits there.
    AfterTemp,
    /// Paused after the rename, before the audit entry: killed there.
    AfterRename,
    /// At a random time.
    Random,
    /// A writer that reads after each write (saving the index): at an index save, or at a
    /// random time.
    IndexSave,
}

/// What one store's rounds did and saw.
#[derive(Default)]
struct Tally {
    kills: usize,
    in_window: usize,
    temp_left: usize,
    index_kills: usize,
    done: usize,
    in_flight: usize,
    slowest_probe: Duration,
}

/// Temp files of process `pid` in `.ayo/` that start with `prefix` (`tmp-<pid>-` for ticket
/// writes, `tmp-index-<pid>-` for index saves).
fn temps(meta: &Path, prefix: &str) -> Vec<String> {
    support::names(meta)
        .into_iter()
        .filter(|n| n.starts_with(prefix))
        .collect()
}

/// Runs one round: a writer, killed as `how` says. Returns its `done` ops and its op in flight.
fn round(
    dir: &Path,
    key: &str,
    how: Kill,
    rng: &mut StdRng,
    tally: &mut Tally,
) -> (Vec<Value>, Option<Value>) {
    let meta = dir.join(".ayo");
    let mut c = child_command("reliability_crash::crash_child");
    c.env(DIR, dir).env(KEY, key);
    match how {
        Kill::AfterTemp => {
            c.env("AYO_TEST_HOOK", "after_temp=40");
        }
        Kill::AfterRename => {
            c.env("AYO_TEST_HOOK", "after_temp=15,after_rename=60");
        }
        Kill::Random => {}
        Kill::IndexSave => {
            c.env(MIXED, "1");
        }
    }
    let child = Reporter::spawn(c);
    let pid = child.child.id();
    let mut lines: Vec<String> = Vec::new();
    let first = child
        .next(Duration::from_secs(30))
        .expect("the writer started");
    assert!(first.contains("ready"), "{first}");
    // Let a few writes return first, so that there is something that must survive.
    let writes_first = rng.random_range(0..3);
    let ticket_temp = format!("tmp-{pid}-");
    let index_temp = format!("tmp-index-{pid}-");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut saw_temp = false;
    let mut hit_index = false;
    let random_at = Instant::now() + Duration::from_millis(rng.random_range(0..80));
    loop {
        while let Ok(l) = child.lines.try_recv() {
            lines.push(l);
        }
        let done = lines
            .iter()
            .filter(|l| l.contains("\"s\":\"done\""))
            .count();
        let now = Instant::now();
        assert!(now < deadline, "no kill point reached: {lines:?}");
        let fire = match how {
            Kill::AfterTemp => done >= writes_first && !temps(&meta, &ticket_temp).is_empty(),
            Kill::AfterRename => {
                if done >= writes_first && !temps(&meta, &ticket_temp).is_empty() {
                    saw_temp = true;
                }
                saw_temp && temps(&meta, &ticket_temp).is_empty()
            }
            Kill::Random => now >= random_at,
            Kill::IndexSave => {
                hit_index = !temps(&meta, &index_temp).is_empty();
                hit_index || now >= random_at + Duration::from_millis(120)
            }
        };
        if fire {
            break;
        }
        if lines.iter().any(|l| l.contains("finished")) {
            panic!("the writer finished before it was killed: {how:?}");
        }
        std::thread::sleep(Duration::from_micros(300));
    }
    lines.extend(child.kill());
    tally.kills += 1;
    let mut done = Vec::new();
    let mut open: Option<Value> = None;
    for l in &lines {
        let v: Value = serde_json::from_str(l).unwrap();
        match v["s"].as_str().unwrap() {
            "begin" => open = Some(v["op"].clone()),
            "done" => {
                done.push(v["op"].clone());
                open = None;
            }
            "error" => panic!("a writer's write failed: {v}"),
            _ => {}
        }
    }
    let left = temps(&meta, &ticket_temp);
    if how == Kill::AfterTemp {
        assert!(
            !left.is_empty(),
            "killed inside the write window: its temp file is there"
        );
    }
    if !left.is_empty() {
        tally.temp_left += 1;
    }
    if how == Kill::IndexSave && (hit_index || !temps(&meta, &index_temp).is_empty()) {
        tally.index_kills += 1;
    }
    if open.is_some() {
        tally.in_window += 1;
    }
    (done, open)
}

/// Reads a store with a fresh handle; no file may be skipped.
fn read_all(dir: &Path) -> Vec<Ticket> {
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = warnings.clone();
    let t = Tickets::open(dir)
        .unwrap()
        .with_warning_handler(Arc::new(move |u| {
            sink.lock().unwrap().push(u.error.clone())
        }));
    let all = t.list(&Filter::default()).unwrap();
    let warnings = warnings.lock().unwrap();
    assert!(
        warnings.is_empty(),
        "a read skipped files after a kill: {warnings:?}"
    );
    for x in &all {
        assert!(
            !x.id.starts_with("tmp-"),
            "a temp file read as a ticket: {}",
            x.id
        );
    }
    all
}

/// The tickets as the files say, parsed one by one without the index.
fn parse_files(dir: &Path) -> BTreeMap<String, Ticket> {
    let mut out = BTreeMap::new();
    for name in support::names(dir) {
        if let Some(id) = name.strip_suffix(".md") {
            let path = dir.join(&name);
            let ticket = parse(&std::fs::read(&path).unwrap(), &path).unwrap().ticket;
            out.insert(id.to_string(), ticket);
        }
    }
    out
}

/// The audit entries a write makes: (action, ticket, detail); a ticket unknown to the writer
/// (a create that did not return) is empty.
fn entries_of(v: &Value) -> Vec<(String, String, String)> {
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    match v["op"].as_str().unwrap() {
        "create" => vec![("create".into(), s("ticket"), s("title"))],
        "batch" => {
            let ids = v["ids"].as_array().cloned().unwrap_or_default();
            v["titles"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let id = ids.get(i).and_then(Value::as_str).unwrap_or_default();
                    ("create".into(), id.into(), t.as_str().unwrap().into())
                })
                .collect()
        }
        "note" => vec![("note".into(), s("ticket"), s("text"))],
        "close" => vec![("close".into(), s("ticket"), s("reason"))],
        "update" => vec![("update".into(), s("ticket"), "title".into())],
        "claim" => vec![("claim".into(), s("ticket"), "lease 600s".into())],
        _ => vec![],
    }
}

/// Checks one store after its rounds against its writes, oldest first, each with whether it
/// returned (`false`: in flight when its writer was killed).
fn verify(dir: &Path, events: &[(Value, bool)], tally: &mut Tally) {
    let t = Tickets::open(dir).unwrap();
    let tickets: HashMap<String, Ticket> = read_all(dir)
        .into_iter()
        .map(|x| (x.id.clone(), x))
        .collect();
    let problems = t.check().unwrap();
    assert!(problems.is_empty(), "check after kills: {problems:#?}");
    let log = t.history(None).unwrap();

    // Notes (with close reasons): each that returned exactly once, one in flight at most once,
    // nothing else but probes.
    let mut want: HashMap<(String, String), (usize, usize)> = HashMap::new();
    for (v, returned) in events {
        let text = match v["op"].as_str().unwrap() {
            "note" => &v["text"],
            "close" => &v["reason"],
            _ => continue,
        };
        let k = (
            v["ticket"].as_str().unwrap().to_string(),
            text.as_str().unwrap().to_string(),
        );
        let e = want.entry(k).or_default();
        if *returned { e.0 += 1 } else { e.1 += 1 }
    }
    let mut have: HashMap<(String, String), usize> = HashMap::new();
    for x in tickets.values() {
        for n in &x.notes {
            *have.entry((x.id.clone(), n.text.clone())).or_default() += 1;
        }
    }
    for (k, (returned, flying)) in &want {
        let n = have.get(k).copied().unwrap_or(0);
        assert!(
            *returned <= n && n <= returned + flying,
            "note {k:?}: {n} in the store, {returned} returned, {flying} in flight"
        );
    }
    for (k, n) in &have {
        assert!(
            want.contains_key(k) || k.1.starts_with("probe"),
            "a note nobody wrote: {k:?} x{n}"
        );
    }

    // Tickets, closes, claims; titles in order.
    let mut titles: HashMap<String, Vec<(String, bool)>> = HashMap::new();
    for (v, returned) in events {
        let op = v["op"].as_str().unwrap();
        match (op, *returned) {
            ("create", true) => {
                let id = v["ticket"].as_str().unwrap();
                assert!(tickets.contains_key(id), "created {id} is gone");
                titles
                    .entry(id.into())
                    .or_default()
                    .push((v["title"].as_str().unwrap().into(), true));
            }
            ("batch", true) => {
                for (id, title) in v["ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(v["titles"].as_array().unwrap())
                {
                    let id = id.as_str().unwrap();
                    assert!(tickets.contains_key(id), "batch ticket {id} is gone");
                    titles
                        .entry(id.into())
                        .or_default()
                        .push((title.as_str().unwrap().into(), true));
                }
            }
            ("close", true) => {
                let x = &tickets[v["ticket"].as_str().unwrap()];
                assert_eq!(x.status, Status::Closed, "closed {} is {}", x.id, x.status);
            }
            ("claim", true) => {
                if let Some(id) = v["ticket"].as_str() {
                    let x = &tickets[id];
                    assert_ne!(x.status, Status::Open, "claimed {id} is open");
                    assert_eq!(x.assignee.as_deref(), Some("@crash"));
                }
            }
            ("update", _) => {
                let id = v["ticket"].as_str().unwrap().to_string();
                titles
                    .entry(id)
                    .or_default()
                    .push((v["title"].as_str().unwrap().into(), *returned));
            }
            ("create", false) => {
                let n = tickets.values().filter(|x| x.title == v["title"]).count();
                assert!(n <= 1, "{v} landed {n} times");
            }
            ("batch", false) => {
                // A batch is whole or absent: its commit is recorded before any file is
                // renamed, and one whose writer died is finished by the next transaction. Its
                // create entries tell (later writes may have retitled what landed).
                let titles: Vec<&str> = v["titles"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap())
                    .collect();
                let logged = log
                    .iter()
                    .filter(|e| e.action == "create" && titles.contains(&e.detail.as_str()))
                    .count();
                assert!(
                    logged == 0 || logged == titles.len(),
                    "{v}: {logged} of its creates landed"
                );
                for title in &titles {
                    let n = tickets.values().filter(|x| x.title == *title).count();
                    assert!(n <= 1, "{title} landed {n} times");
                }
            }
            _ => {}
        }
    }
    // The final title: the one of the last write that returned, or of one in flight after it.
    for (id, seq) in &titles {
        let Some(last) = seq.iter().rposition(|(_, r)| *r) else {
            continue;
        };
        let allowed: Vec<&str> = seq[last..].iter().map(|(s, _)| s.as_str()).collect();
        let got = tickets[id].title.as_str();
        assert!(
            allowed.contains(&got),
            "{id} has title {got:?}, allowed {allowed:?}"
        );
    }

    // The audit log: each write that returned has its entries once; one in flight at most
    // once; nothing else.
    let mut want_entries: HashMap<(String, String, String), (usize, usize)> = HashMap::new();
    // Writes in flight whose ticket the writer never learned (a create, a claim): their
    // entries, by action and detail, each may be in the log once.
    let mut unknown: Vec<(String, String)> = Vec::new();
    for (v, returned) in events {
        for k in entries_of(v) {
            if k.1.is_empty() {
                unknown.push((k.0.clone(), k.2.clone()));
                continue;
            }
            let e = want_entries.entry(k).or_default();
            if *returned { e.0 += 1 } else { e.1 += 1 }
        }
    }
    let mut logged: HashMap<(String, String, String), usize> = HashMap::new();
    for e in log.iter().filter(|e| e.actor.as_deref() == Some("@crash")) {
        let k = (e.action.clone(), e.ticket.clone(), e.detail.clone());
        if !want_entries.contains_key(&k) {
            let pair = (e.action.clone(), e.detail.clone());
            match unknown.iter().position(|u| *u == pair) {
                Some(i) => {
                    unknown.swap_remove(i);
                    continue;
                }
                None => panic!("an audit entry nobody wrote: {k:?}"),
            }
        }
        *logged.entry(k).or_default() += 1;
    }
    for (k, (returned, flying)) in &want_entries {
        let n = logged.get(k).copied().unwrap_or(0);
        assert!(
            *returned <= n && n <= returned + flying,
            "audit {k:?}: {n} entries, {returned} returned, {flying} in flight"
        );
    }
    // A note or close in flight is in the file and in the log, or in neither: a writer killed
    // between the rename and the log append has its commit finished, entry and all, by the
    // next transaction (the commit journal).
    for (v, returned) in events {
        if *returned || !matches!(v["op"].as_str(), Some("note" | "close")) {
            continue;
        }
        let text = if v["op"] == "note" {
            &v["text"]
        } else {
            &v["reason"]
        };
        let landed = have.contains_key(&(
            v["ticket"].as_str().unwrap().into(),
            text.as_str().unwrap().into(),
        ));
        let in_log = entries_of(v).iter().any(|k| logged.contains_key(k));
        assert_eq!(
            landed, in_log,
            "{v}: in the file or in the audit log, not both"
        );
    }
    tally.done += events.iter().filter(|(_, r)| *r).count();
    tally.in_flight += events.iter().filter(|(_, r)| !*r).count();

    // The index heals: what a read through it gives is what the files say.
    let files = parse_files(dir);
    assert_eq!(files.len(), tickets.len());
    for (id, f) in &files {
        let x = &tickets[id];
        assert_eq!(
            (&x.title, &x.status, &x.deps, &x.notes, &x.assignee),
            (&f.title, &f.status, &f.deps, &f.notes, &f.assignee),
            "the index disagrees with {id}.md"
        );
    }
}

#[test]
fn writers_killed_240_times_lose_nothing() {
    let root = tempfile::tempdir().unwrap();
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let mut total = Tally::default();
    let started = Instant::now();
    for s in 0..STORES {
        let dir: PathBuf = root.path().join(format!("store{s}"));
        let probe_handle = Tickets::open(&dir)
            .unwrap()
            .with_actor(Some("@probe"))
            .unwrap();
        // Assigned, so that the writers' claims leave it alone.
        let probe = probe_handle
            .create(NewTicket::new("probe").assignee("probe"))
            .unwrap();
        let mut events: Vec<(Value, bool)> = Vec::new();
        for r in 0..ROUNDS {
            let how = [
                Kill::AfterTemp,
                Kill::AfterRename,
                Kill::Random,
                Kill::IndexSave,
            ][r % 4];
            let key = format!("s{s}r{r}");
            let (d, f) = round(&dir, &key, how, &mut rng, &mut total);
            events.extend(d.into_iter().map(|v| (v, true)));
            events.extend(f.map(|v| (v, false)));
            // The store reads whole, without a warning, right after the kill.
            read_all(&dir);
            // The next writer gets the lock at once, and sweeps the dead writer's temp files.
            let t0 = Instant::now();
            let fresh = Tickets::open(&dir)
                .unwrap()
                .with_actor(Some("@probe"))
                .unwrap();
            fresh.note(&probe.id, &format!("probe {key}")).unwrap();
            let took = t0.elapsed();
            total.slowest_probe = total.slowest_probe.max(took);
            assert!(
                took < Duration::from_secs(10),
                "a dead writer's lock blocked for {took:?}"
            );
            assert!(
                temps(&dir.join(".ayo"), "tmp-").is_empty(),
                "temp files left after the next write"
            );
        }
        verify(&dir, &events, &mut total);
        let probe_notes = Tickets::open(&dir)
            .unwrap()
            .get(&probe.id)
            .unwrap()
            .notes
            .len();
        assert_eq!(probe_notes, ROUNDS, "every probe note is there");
        // The root of the store holds tickets and `.ayo` only.
        for name in support::names(&dir) {
            assert!(
                name == ".ayo" || name.ends_with(".md") && !name.starts_with("tmp-"),
                "{name}"
            );
        }
    }
    assert!(total.kills >= 200);
    assert!(
        total.in_window >= 120,
        "most kills landed inside a write: {}",
        total.in_window
    );
    assert!(total.done > 0);
    println!(
        "crashes: {} SIGKILLs ({} inside a write, {} left a temp file, {} during or right at an \
         index save), {} writes returned before a kill and all were there, {} were in flight \
         (each in the file with its audit entry or in neither), slowest next write {:.0?}, in \
         {:.1?}; nothing lost",
        total.kills,
        total.in_window,
        total.temp_left,
        total.index_kills,
        total.done,
        total.in_flight,
        total.slowest_probe,
        started.elapsed()
    );
}

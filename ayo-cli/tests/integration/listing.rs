//! The tables of `list`, `blocked` and `ready` (read as listing lines, without whole tickets)
//! print byte for byte what the whole-ticket printing printed: golden texts taken from the
//! binary before the change, with colours off and on; `--json` still prints whole tickets.

use crate::common;

use common::Ayo;

/// A store with every kind of line: blocked by open and in-progress deps, deferred,
/// in progress, closed, archived, assigned, a dep on an archived ticket. Ids sort as the
/// tickets were created.
fn store() -> Ayo {
    let ayo = Ayo::new();
    for args in [
        &["Extract", "--id", "a-ext"][..],
        &[
            "Validate",
            "--id",
            "b-val",
            "-a",
            "validator",
            "--deps",
            "a-ext",
        ],
        &["Working", "--id", "c-wip"],
    ] {
        ayo.create(args);
    }
    ayo.ok(&["ticket", "start", "c-wip", "-a", "worker"]);
    let deps = ["--deps", "a-ext", "--deps", "b-val", "--deps", "c-wip"];
    let report = [
        &["Report  for the  board", "--id", "d-rep", "-a", "validator"][..],
        &deps,
    ];
    ayo.create(&report.concat());
    ayo.create(&["Later", "--id", "e-lat"]);
    ayo.ok(&["ticket", "defer", "e-lat", "2099-01-02T03:04:05Z"]);
    ayo.create(&["Done", "--id", "f-don"]);
    ayo.ok(&["ticket", "close", "f-don"]);
    ayo.create(&["Old", "--id", "g-old"]);
    ayo.ok(&["ticket", "close", "g-old"]);
    ayo.ok(&["ticket", "archive", "g-old"]);
    let new = ["Ready for the worker", "--id", "h-new", "-a", "worker"];
    ayo.create(&[&new[..], &["-p", "1", "--deps", "f-don"]].concat());
    ayo.create(&["After the archive", "--id", "i-arc", "--deps", "g-old"]);
    ayo
}

const LIST: &str = "\
a-ext  open         -           Extract
b-val  open         @validator  Validate  (blocked by a-ext)
c-wip  in_progress  @worker     Working
d-rep  open         @validator  Report  for the  board  (blocked by a-ext, b-val, c-wip)
e-lat  open         -           Later  (deferred until 2099-01-02T03:04:05Z)
f-don  closed       -           Done
h-new  open         @worker     Ready for the worker
i-arc  open         -           After the archive
";

const BLOCKED: &str = "\
b-val  open  @validator  Validate  (blocked by a-ext)
d-rep  open  @validator  Report  for the  board  (blocked by a-ext, b-val, c-wip)
";

const READY: &str = "\
h-new  open  @worker  Ready for the worker
a-ext  open  -        Extract
i-arc  open  -        After the archive
";

const LIST_COLOURED: &str = "\
\x1b[33ma-ext\x1b[0m  \x1b[32mopen\x1b[0m         \x1b[2m-\x1b[0m           Extract
\x1b[33mb-val\x1b[0m  \x1b[32mopen\x1b[0m         \x1b[35m@validator\x1b[0m  Validate  \x1b[31m(blocked by a-ext)\x1b[0m
\x1b[33mc-wip\x1b[0m  \x1b[36min_progress\x1b[0m  \x1b[35m@worker\x1b[0m     Working
\x1b[33md-rep\x1b[0m  \x1b[32mopen\x1b[0m         \x1b[35m@validator\x1b[0m  Report  for the  board  \x1b[31m(blocked by a-ext, b-val, c-wip)\x1b[0m
\x1b[33me-lat\x1b[0m  \x1b[32mopen\x1b[0m         \x1b[2m-\x1b[0m           Later  \x1b[2m(deferred until 2099-01-02T03:04:05Z)\x1b[0m
\x1b[33mf-don\x1b[0m  \x1b[2mclosed\x1b[0m       \x1b[2m-\x1b[0m           Done
\x1b[33mh-new\x1b[0m  \x1b[32mopen\x1b[0m         \x1b[35m@worker\x1b[0m     Ready for the worker
\x1b[33mi-arc\x1b[0m  \x1b[32mopen\x1b[0m         \x1b[2m-\x1b[0m           After the archive
";

#[test]
fn list_blocked_and_ready_tables_are_unchanged() {
    let ayo = store();
    // Stdout exactly, final newline included.
    let out = |colour: &str, args: &[&str]| {
        let r = ayo.run(&[&["--color", colour, "ticket"][..], args].concat());
        assert_eq!(r.code, 0, "{r:?}");
        r.stdout
    };
    let never = |args: &[&str]| out("never", args);
    let always = |args: &[&str]| out("always", args);
    assert_eq!(never(&["list"]), LIST);
    assert_eq!(never(&["blocked"]), BLOCKED);
    assert_eq!(never(&["blocked", "-a", "validator"]), BLOCKED);
    assert_eq!(
        never(&["list", "--status", "open", "-a", "validator"]),
        BLOCKED
    );
    assert_eq!(never(&["ready"]), READY);
    assert_eq!(
        never(&["ready", "-a", "worker"]),
        READY.lines().next().unwrap().to_string() + "\n"
    );
    assert_eq!(never(&["ready", "-a", "nobody"]), "");
    assert_eq!(
        never(&["list", "--archived"]),
        "g-old  closed  -  Old  (archived)\n"
    );
    assert_eq!(always(&["list"]), LIST_COLOURED);
    let blocked: String = LIST_COLOURED
        .lines()
        .filter(|l| l.contains("blocked by"))
        .map(|l| l.replace("open\x1b[0m         ", "open\x1b[0m  ") + "\n")
        .collect();
    assert_eq!(always(&["blocked"]), blocked);
    assert_eq!(
        always(&["list", "--archived"]),
        "\x1b[33mg-old\x1b[0m  \x1b[2mclosed\x1b[0m  \x1b[2m-\x1b[0m  Old  \x1b[2m(archived)\x1b[0m\n"
    );
}

#[test]
fn listings_as_json_stay_whole_tickets() {
    let ayo = store();
    ayo.ok(&["ticket", "edit", "b-val", "-d", "Check the totals."]);
    let blocked = ayo.json(&["ticket", "blocked"]);
    assert_eq!(blocked[0]["id"], "b-val");
    assert_eq!(blocked[0]["description"], "Check the totals.");
    assert_eq!(blocked[0]["blocked_by"], serde_json::json!(["a-ext"]));
    assert_eq!(blocked[0]["ready"], false);
    let list = ayo.json(&["ticket", "list", "-a", "validator"]);
    assert_eq!(list[0]["description"], "Check the totals.");
    assert_eq!(list.as_array().unwrap().len(), 2);
    let ready = ayo.json(&["ticket", "ready"]);
    assert_eq!(ready[0]["id"], "h-new");
    assert_eq!(ready[0]["ready"], true);
    assert_eq!(ready[0]["priority"], 1);
}

/// A listing far longer than one written piece (64 KiB) prints every line once, whole and in
/// order: 3 000 tk files written by hand (every third blocked by the one before it), listed
/// from a directory ayo never wrote, line for line as `--json` orders the same tickets.
#[test]
fn a_long_listing_prints_every_line_once_in_order() {
    let ayo = Ayo::new();
    let dir = ayo.home().join("tk");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..3000 {
        let deps = if i % 3 == 2 {
            format!("[t{:04}]", i - 1)
        } else {
            "[]".to_string()
        };
        let text = format!(
            "---\nid: t{i:04}\nstatus: open\ndeps: {deps}\nlinks: []\n\
             created: 2026-01-01T00:{:02}:{:02}Z\ntype: task\npriority: 2\n---\n\
             # Ticket number {i} with a title long enough to fill a line\n",
            i / 60,
            i % 60
        );
        std::fs::write(dir.join(format!("t{i:04}.md")), text).unwrap();
    }
    let d = dir.to_str().unwrap();
    for (what, count) in [("list", 3000), ("blocked", 1000)] {
        let out = ayo.ok(&["ticket", what, "--dir", d]);
        assert!(out.len() > 64 * 1024, "{what}: {} bytes", out.len());
        let shown: Vec<&str> = out
            .lines()
            .map(|l| l.split_whitespace().next().unwrap())
            .collect();
        assert_eq!(shown, ayo.ids(&["ticket", what, "--dir", d]), "{what}");
        assert_eq!(shown.len(), count, "{what}");
        for line in out.lines() {
            let id = line.split_whitespace().next().unwrap();
            let n: usize = id[1..].parse().unwrap();
            let title = format!("Ticket number {n} with a title long enough to fill a line");
            assert!(line.contains(&title), "{line}");
            let blocked = format!("(blocked by t{:04})", n.saturating_sub(1));
            assert_eq!(line.ends_with(&blocked), n % 3 == 2, "{line}");
        }
    }
    assert!(!dir.join(".ayo").exists());
}

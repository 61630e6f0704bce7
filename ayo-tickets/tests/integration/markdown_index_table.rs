//! The scan index serves tickets from `.ayo/index.bin` without reading their files, and what
//! it serves is exactly what reading the files gives: every field, the derived ones, the
//! problems `check` finds. A damaged index (its header or its texts) is never believed.

use std::fs::{self, File, FileTimes};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

use std::sync::Arc;

use ayo_tickets::store::memory::MemoryStore;
use ayo_tickets::{ClaimOptions, Filter, NewTicket, Problem, Ticket, TicketLine, Tickets};

/// Everything the reads give, to compare handles.
#[derive(Debug, PartialEq)]
struct View {
    all: Vec<Ticket>,
    ready: Vec<Ticket>,
    ready_of_a: Vec<Ticket>,
    blocked: Vec<Ticket>,
    tagged: Vec<Ticket>,
    problems: Vec<Problem>,
}

fn view(t: &Tickets) -> View {
    let tagged = Filter {
        tag: Some("finance".into()),
        ..Filter::default()
    };
    View {
        all: t.list(&Filter::default()).unwrap(),
        ready: t.ready(None).unwrap(),
        ready_of_a: t.ready(Some("@a")).unwrap(),
        blocked: t.blocked(None).unwrap(),
        tagged: t.list(&tagged).unwrap(),
        problems: t.check().unwrap(),
    }
}

/// A store with every kind of field, a file whose id disagrees with its name, and an
/// unreadable file.
fn varied(dir: &Path) -> Tickets {
    let t = Tickets::open(dir)
        .unwrap()
        .with_actor(Some("lead"))
        .unwrap();
    let a = t
        .create(
            NewTicket::new("Extract données — ünïcode ✓")
                .assignee("a")
                .priority(0)
                .kind("feature")
                .tags(["finance", "q1"])
                .description("Line one.\n\n## Not the notes\n\n- a list\n"),
        )
        .unwrap();
    let b = t
        .create(NewTicket::new("Validate").assignee("b").dep(&a.id))
        .unwrap();
    let epic = t.create(NewTicket::new("Epic").kind("epic")).unwrap();
    let c = t
        .create(
            NewTicket::new("Import")
                .deps([a.id.clone(), b.id.clone()])
                .parent(&epic.id)
                .tags(["finance"]),
        )
        .unwrap();
    t.note(&c.id, "first note\nover two lines").unwrap();
    t.note(&c.id, "second note").unwrap();
    let claimed = t
        .claim(
            "@a",
            ClaimOptions {
                lease: Some(600),
                ..ClaimOptions::default()
            },
        )
        .unwrap()
        .expect("a claims its ticket");
    assert_eq!(claimed.id, a.id);
    let done = t
        .create(NewTicket::new("Done already").priority(4))
        .unwrap();
    t.close(&done.id, Some("shipped")).unwrap();
    t.create(NewTicket::new("Ready for a").assignee("a").dep(&done.id))
        .unwrap();
    // By hand: an id that disagrees with the file name, a dep on a missing ticket, junk.
    fs::write(
        dir.join("handmade.md"),
        "---\nid: other-name\nstatus: open\ndeps: [missing-one]\nextra: kept\n---\n# Handmade\n",
    )
    .unwrap();
    fs::write(
        dir.join("broken.md"),
        "---\nstatus: [unclosed\n---\n# Broken\n",
    )
    .unwrap();
    t
}

/// Dates every ticket file back to one fixed time (2020), so that the index trusts them at
/// once (it trusts a file only when its mtime is older than the scan that recorded it by a
/// margin), and drops the index, so that the next scan writes one with every file (their
/// ctimes moved).
fn age_files(dir: &Path) {
    let _ = fs::remove_file(dir.join(".ayo/index.bin"));
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_577_836_800);
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            File::options()
                .write(true)
                .open(&p)
                .unwrap()
                .set_times(FileTimes::new().set_modified(old))
                .unwrap();
        }
    }
}

fn quiet(dir: &Path) -> Tickets {
    Tickets::open(dir)
        .unwrap()
        .with_warning_handler(std::sync::Arc::new(|_| {}))
}

#[test]
fn tickets_served_from_the_index_equal_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let writer = varied(dir.path());
    age_files(dir.path());
    let from_files = view(&quiet(dir.path()));
    assert!(
        dir.path().join(".ayo/index.bin").exists(),
        "the scan saved its index"
    );
    assert_eq!(from_files.all.len(), 7);
    assert!(from_files.problems.len() >= 3, "{:?}", from_files.problems);

    // A new handle reads the index: every field and every derived one as from the files.
    let from_index = view(&quiet(dir.path()));
    assert_eq!(from_index, from_files);
    assert_eq!(view(&writer), from_files, "the long-lived handle agrees");
    for t in &from_files.all {
        assert_eq!(&quiet(dir.path()).get(&t.id).unwrap(), t);
    }

    // Rebuilt from nothing, the same.
    fs::remove_file(dir.path().join(".ayo/index.bin")).unwrap();
    assert_eq!(view(&quiet(dir.path())), from_files);
}

/// Overwrites one byte of a file in place, keeping its times (an index file here).
fn flip_byte(path: &Path, from_end: u64) {
    let len = fs::metadata(path).unwrap().len();
    let mut f = File::options().read(true).write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(len - from_end)).unwrap();
    let mut byte = [0u8; 1];
    std::io::Read::read_exact(&mut f, &mut byte).unwrap();
    f.seek(SeekFrom::Start(len - from_end)).unwrap();
    f.write_all(&[byte[0] ^ 0x20]).unwrap();
}

#[test]
fn a_damaged_index_is_never_believed() {
    let dir = tempfile::tempdir().unwrap();
    varied(dir.path());
    age_files(dir.path());
    let want = view(&quiet(dir.path()));
    let index = dir.path().join(".ayo/index.bin");
    let pristine = fs::read(&index).unwrap();

    // Damage in the texts (the end of the file): the tickets come from their files.
    for from_end in [1, 7, 40] {
        fs::write(&index, &pristine).unwrap();
        flip_byte(&index, from_end);
        assert_eq!(
            view(&quiet(dir.path())),
            want,
            "texts damaged {from_end} from the end"
        );
    }
    // Damage in the header: the index is rebuilt.
    for at in [9, 60, 200, pristine.len() / 3] {
        let mut bytes = pristine.clone();
        bytes[at] ^= 0x01;
        fs::write(&index, &bytes).unwrap();
        assert_eq!(view(&quiet(dir.path())), want, "header damaged at {at}");
    }
    // Cut short, or empty.
    for len in [0, 20, pristine.len() / 2, pristine.len() - 1] {
        fs::write(&index, &pristine[..len]).unwrap();
        assert_eq!(view(&quiet(dir.path())), want, "cut to {len} bytes");
    }
}

/// A handle maps the index file and copies its table at its next scan. A file written in
/// place meanwhile (cut short, or overwritten, as `cp` onto it does) is not read through the
/// mapping again (a cut file would fault): the handle's next scan reads the tickets' files.
#[test]
fn a_long_lived_handle_survives_its_index_file_written_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let t = varied(dir.path());
    // Enough tickets for an index of many pages: a mapping faults only on whole pages
    // past the end of a file cut short.
    t.batch(|t| {
        (0..300).try_for_each(|i| t.create(NewTicket::new(format!("Filler {i}"))).map(drop))
    })
    .unwrap();
    age_files(dir.path());
    let want = view(&quiet(dir.path()));
    let index = dir.path().join(".ayo/index.bin");
    let pristine = fs::read(&index).unwrap();
    assert!(pristine.len() > 8 * 4096, "{} bytes", pristine.len());
    for damage in ["cut short", "zeroed", "rewritten the same"] {
        fs::write(&index, &pristine).unwrap();
        let t = quiet(dir.path());
        assert_eq!(t.list(&Filter::default()).unwrap(), want.all, "{damage}");
        let mut f = File::options().write(true).open(&index).unwrap();
        match damage {
            "cut short" => f.set_len(pristine.len() as u64 / 3).unwrap(),
            "zeroed" => f.write_all(&vec![0; pristine.len()]).unwrap(),
            _ => f.write_all(&pristine).unwrap(),
        }
        drop(f);
        assert_eq!(view(&t), want, "index file {damage} in place");
    }
}

/// A trusted entry (its file aged past the racy margin) whose file is rewritten in place to
/// the same size with its mtime set back (same inode, size and mtime): only the ctime moved,
/// and that is enough, for `list` (from the index) and `get` (from the file) alike.
#[test]
fn files_old_enough_are_still_read_again_when_only_their_ctime_moved() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tickets::open(dir.path()).unwrap();
    let a = t.create(NewTicket::new("Title AAAA")).unwrap();
    age_files(dir.path());
    assert_eq!(quiet(dir.path()).get(&a.id).unwrap().title, "Title AAAA");
    assert_eq!(quiet(dir.path()).list(&Filter::default()).unwrap().len(), 1);
    let path = dir.path().join(format!("{}.md", a.id));
    let before = fs::metadata(&path).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let text = fs::read_to_string(&path).unwrap().replace("AAAA", "BBBB");
    let mut f = File::options().write(true).open(&path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f.set_times(FileTimes::new().set_modified(before.modified().unwrap()))
        .unwrap();
    drop(f);
    let listed = quiet(dir.path()).list(&Filter::default()).unwrap();
    assert_eq!(listed[0].title, "Title BBBB", "the ctime moved: read again");
    assert_eq!(quiet(dir.path()).get(&a.id).unwrap().title, "Title BBBB");
}

#[test]
fn a_ticket_file_that_is_a_symlink_is_read_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("shared.md");
    fs::write(&target, "---\nstatus: open\n---\n# Shared ticket\n").unwrap();
    fs::create_dir_all(dir.path()).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("shared.md")).unwrap();
    let t = quiet(dir.path());
    let ready = t.ready(None).unwrap();
    assert_eq!(ready.len(), 1);
    assert_eq!(ready[0].title, "Shared ticket");
    // An edit of the target is seen through the link (its stamp is the target's).
    fs::write(&target, "---\nstatus: closed\n---\n# Shared ticket, done\n").unwrap();
    assert!(t.ready(None).unwrap().is_empty());
    assert_eq!(
        quiet(dir.path()).list(&Filter::default()).unwrap()[0].title,
        "Shared ticket, done"
    );
}

#[test]
fn the_index_file_is_rewritten_once_it_lags_by_enough_files() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tickets::open(dir.path()).unwrap();
    let ids: Vec<String> = t
        .batch(|t| {
            (0..300)
                .map(|i| {
                    t.create(NewTicket::new(format!("Ticket {i}")))
                        .map(|x| x.id)
                })
                .collect()
        })
        .unwrap();
    age_files(dir.path());
    let index = dir.path().join(".ayo/index.bin");
    quiet(dir.path()).ready(None).unwrap();
    let saved = fs::read(&index).unwrap();
    // Only the changed files are aged again: aging a file moves its ctime, which the index
    // keys on too.
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_577_836_800);
    let retitle = |ids: &[String]| {
        for id in ids {
            let path = dir.path().join(format!("{id}.md"));
            let text = fs::read_to_string(&path).unwrap().replace("Ticket", "Task");
            fs::write(&path, text).unwrap();
            File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_times(FileTimes::new().set_modified(old))
                .unwrap();
        }
        fs::write(&index, &saved).unwrap();
    };
    // Two files changed: re-read by each new handle, the index file left as it is.
    retitle(&ids[..2]);
    let seen = quiet(dir.path()).list(&Filter::default()).unwrap();
    assert_eq!(
        seen.iter().filter(|t| t.title.starts_with("Task")).count(),
        2
    );
    assert!(
        fs::read(&index).unwrap() == saved,
        "not rewritten for two files"
    );
    // Many changed: rewritten, and a new handle then finds them all in it.
    retitle(&ids[2..60]);
    let seen = quiet(dir.path()).list(&Filter::default()).unwrap();
    assert_eq!(
        seen.iter().filter(|t| t.title.starts_with("Task")).count(),
        60
    );
    assert!(fs::read(&index).unwrap() != saved, "rewritten for 60 files");
    let again = fs::read(&index).unwrap();
    assert_eq!(quiet(dir.path()).list(&Filter::default()).unwrap(), seen);
    assert!(
        fs::read(&index).unwrap() == again,
        "a scan that finds nothing new writes nothing"
    );
}

/// How many deps each waiting ticket has: a few, many.
const MANY: [usize; 2] = [3, 70];

/// Makes a ticket waiting for `many` deps, every third of them closed (and the 70th):
/// its id and the ids of the deps left open, in its order.
fn waiting_for(t: &Tickets, many: usize) -> (String, Vec<String>) {
    let deps: Vec<String> = (0..many)
        .map(|i| t.create(NewTicket::new(format!("dep {i}"))).unwrap().id)
        .collect();
    let mut new = NewTicket::new(format!("waits for {many}"));
    for d in &deps {
        new = new.dep(d);
    }
    let waiting = t.create(new).unwrap().id;
    let mut open = Vec::new();
    for (i, d) in deps.into_iter().enumerate() {
        if i % 3 == 0 || i == 69 {
            t.close(&d, None).unwrap();
        } else {
            open.push(d);
        }
    }
    (waiting, open)
}

/// A line lists the deps that are not closed in the ticket's order and equals the line of
/// the whole ticket; once they close, it waits for none.
fn check_line(t: &Tickets, waiting: &str, open: &[String]) {
    let lines = t.blocked_lines(None).unwrap();
    let line = lines.iter().find(|l| l.id() == waiting).unwrap();
    assert_eq!(line.blocked_by(), open);
    assert_eq!(*line, TicketLine::from(&t.get(waiting).unwrap()));
    for d in open {
        t.close(d, None).unwrap();
    }
    let lines = t.list_lines(&Filter::default()).unwrap();
    let line = lines.iter().find(|l| l.id() == waiting).unwrap();
    assert!(line.blocked_by().is_empty());
}

/// Listing lines borrow their fields from the index: on a markdown store read through its
/// index (files aged, read by a new handle) as on the memory store, a line waits for each open
/// dep in the ticket's order.
#[test]
fn a_line_waits_for_each_open_dep_in_order() {
    let t = Tickets::with_store(Arc::new(MemoryStore::new())).unwrap();
    for many in MANY {
        let (waiting, open) = waiting_for(&t, many);
        check_line(&t, &waiting, &open);
    }
    let dir = tempfile::tempdir().unwrap();
    let made: Vec<_> = MANY
        .iter()
        .map(|&many| waiting_for(&quiet(dir.path()), many))
        .collect();
    age_files(dir.path());
    quiet(dir.path()).list(&Filter::default()).unwrap();
    assert!(dir.path().join(".ayo/index.bin").exists());
    let t = quiet(dir.path());
    for (waiting, open) in &made {
        check_line(&t, waiting, open);
    }
}

//! The markdown store's scan index: a cache that is never the source of truth. Hand edits are
//! seen at the next call (even to the same size, even within one tick of the clock), and a
//! missing or damaged index is rebuilt without a word.

use std::fs::{self, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use ayo_tickets::{Filter, NewTicket, Tickets};

/// Overwrites `from` with `to` (same length) inside a file, in place: same inode, same size.
fn edit_in_place(path: &Path, from: &str, to: &str, keep_mtime: bool) {
    assert_eq!(from.len(), to.len());
    let before = fs::metadata(path).unwrap();
    let text = fs::read_to_string(path).unwrap();
    let at = text.find(from).expect("text to replace") as u64;
    let mut f = OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(at)).unwrap();
    f.write_all(to.as_bytes()).unwrap();
    if keep_mtime {
        f.set_modified(before.modified().unwrap()).unwrap();
    }
    drop(f);
    let after = fs::metadata(path).unwrap();
    assert_eq!(before.len(), after.len());
    use std::os::unix::fs::MetadataExt;
    assert_eq!(before.ino(), after.ino());
    if keep_mtime {
        assert_eq!(before.modified().unwrap(), after.modified().unwrap());
    }
}

fn titles(t: &Tickets) -> Vec<String> {
    t.list(&Filter::default())
        .unwrap()
        .into_iter()
        .map(|t| t.title)
        .collect()
}

#[test]
fn hand_edit_to_the_same_size_is_seen_at_the_next_call() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tickets::open(dir.path()).unwrap();
    let a = t.create(NewTicket::new("Title AAAA")).unwrap();
    assert_eq!(titles(&t), ["Title AAAA"]);
    assert!(
        dir.path().join(".ayo/index.bin").exists(),
        "the scan wrote its index"
    );
    let path = dir.path().join(format!("{}.md", a.id));
    edit_in_place(&path, "Title AAAA", "Title BBBB", false);
    assert_eq!(titles(&t), ["Title BBBB"], "the same handle sees the edit");
    assert_eq!(titles(&Tickets::open(dir.path()).unwrap()), ["Title BBBB"]);
}

/// `touch -r` after a same-size rewrite of a file the index trusts (its mtime years old, so
/// past the racy margin): size, mtime and inode are as indexed, only the ctime moved, and the
/// edit is seen, by the handle that indexed it and by a new one reading the index file.
#[test]
fn a_same_size_rewrite_that_restores_an_old_mtime_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tickets::open(dir.path()).unwrap();
    let a = t.create(NewTicket::new("Title AAAA")).unwrap();
    let path = dir.path().join(format!("{}.md", a.id));
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_577_836_800);
    OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(old)
        .unwrap();
    // Indexed (and the index file written) with the old mtime: trusted from now on.
    let _ = fs::remove_file(dir.path().join(".ayo/index.bin"));
    assert_eq!(titles(&t), ["Title AAAA"]);
    assert_eq!(titles(&Tickets::open(dir.path()).unwrap()), ["Title AAAA"]);
    assert!(dir.path().join(".ayo/index.bin").exists());
    // The ctime has a clock tick to move on coarse clocks.
    std::thread::sleep(std::time::Duration::from_millis(20));
    edit_in_place(&path, "Title AAAA", "Title DDDD", true);
    assert_eq!(titles(&t), ["Title DDDD"], "the same handle sees the edit");
    assert_eq!(titles(&Tickets::open(dir.path()).unwrap()), ["Title DDDD"]);
}

#[test]
fn an_edit_that_keeps_size_and_mtime_is_seen_while_the_entry_is_young() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tickets::open(dir.path()).unwrap();
    let a = t.create(NewTicket::new("Title AAAA")).unwrap();
    assert_eq!(titles(&t), ["Title AAAA"]);
    let path = dir.path().join(format!("{}.md", a.id));
    // The racy case: the second edit lands in the same clock tick as the one indexed.
    edit_in_place(&path, "Title AAAA", "Title CCCC", true);
    assert_eq!(titles(&t), ["Title CCCC"]);
    assert_eq!(titles(&Tickets::open(dir.path()).unwrap()), ["Title CCCC"]);
}

#[test]
fn a_damaged_or_missing_index_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tickets::open(dir.path()).unwrap();
    for i in 0..5 {
        t.create(NewTicket::new(format!("T{i}"))).unwrap();
    }
    let want = titles(&t);
    let index = dir.path().join(".ayo/index.bin");
    for junk in [&b""[..], b"AYOIDX\0\x01garbage", &[0xff; 300]] {
        fs::write(&index, junk).unwrap();
        assert_eq!(titles(&Tickets::open(dir.path()).unwrap()), want);
        assert!(fs::metadata(&index).unwrap().len() > 300, "rewritten whole");
    }
    fs::remove_file(&index).unwrap();
    assert_eq!(titles(&Tickets::open(dir.path()).unwrap()), want);
    // Deleting and adding files by hand is seen too.
    let first = t.list(&Filter::default()).unwrap()[0].id.clone();
    fs::remove_file(dir.path().join(format!("{first}.md"))).unwrap();
    assert_eq!(titles(&t).len(), 4);
}

#[test]
fn a_store_nobody_wrote_to_reads_as_empty_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("not-yet");
    let t = Tickets::open(&missing).unwrap();
    assert!(t.ready(None).unwrap().is_empty());
    assert!(!missing.exists());
}

//! The index of a directory ayo never wrote, kept in the user's cache: reads leave the
//! directory as they found it, a recreated directory gets no stale answers, a cache that
//! cannot be written, is damaged or is deleted changes nothing but speed.

use std::fs::{self, File};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::{Cache, Table};
use crate::store::markdown::MarkdownStore;
use crate::{Filter, Tickets};

/// Writes a ticket file as tk writes it, dated an hour ago (older than the racy margin, so
/// the index trusts it at once).
fn tk_ticket(dir: &Path, id: &str, status: &str, deps: &[&str], title: &str) {
    let text = format!(
        "---\nid: {id}\nstatus: {status}\ndeps: [{}]\nlinks: []\ncreated: 2026-01-18T12:00:00Z\n\
         type: task\npriority: 2\nassignee: Jane Doe\n---\n# {title}\n\nSome words.\n",
        deps.join(", ")
    );
    let path = dir.join(format!("{id}.md"));
    fs::write(&path, text).unwrap();
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
}

/// A tk directory: `a` closed, `b` ready (its dep closed), `c` blocked by `b`.
fn tk_dir(root: &Path) -> PathBuf {
    let dir = root.join("repo").join(".tickets");
    fs::create_dir_all(&dir).unwrap();
    tk_ticket(&dir, "tk-a", "closed", &[], "Alpha");
    tk_ticket(&dir, "tk-b", "open", &["tk-a"], "Bravo");
    tk_ticket(&dir, "tk-c", "open", &["tk-b"], "Charlie");
    dir
}

fn open(dir: &Path, cache: Cache) -> Tickets {
    Tickets::with_store(Arc::new(MarkdownStore::with_cache(dir, cache))).unwrap()
}

/// Everything the read commands answer, as JSON.
fn answers(t: &Tickets) -> serde_json::Value {
    let ids = |v: Vec<crate::Ticket>| v.iter().map(|t| t.to_json()).collect::<Vec<_>>();
    serde_json::json!({
        "list": ids(t.list(&Filter::default()).unwrap()),
        "ready": ids(t.ready(None).unwrap()),
        "blocked": ids(t.blocked(None).unwrap()),
        "check": t.check().unwrap().len(),
    })
}

/// One entry as [`snapshot`] sees it: path, kind and mode, size, mtime and ctime, inode, bytes.
type Seen = (PathBuf, u32, u64, [i64; 4], u64, Vec<u8>);

/// Every entry under `root`.
fn snapshot(root: &Path) -> Vec<Seen> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        let m = fs::symlink_metadata(&p).unwrap();
        let bytes = if m.is_file() {
            fs::read(&p).unwrap()
        } else {
            Vec::new()
        };
        if m.is_dir() {
            for e in fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
        }
        out.push((
            p,
            m.mode(),
            m.size(),
            [m.mtime(), m.mtime_nsec(), m.ctime(), m.ctime_nsec()],
            m.ino(),
            bytes,
        ));
    }
    out.sort();
    out
}

/// Reads through fresh handles (each as a new process would) leave the tk directory and its
/// repository byte- and entry-identical, mtimes and inodes included, while the index goes to
/// the cache and is used from the second read on.
#[test]
fn a_read_leaves_a_tk_directory_as_it_was() {
    let root = tempfile::tempdir().unwrap();
    let dir = tk_dir(root.path());
    let repo = dir.parent().unwrap();
    let before = snapshot(repo);
    let cache = Cache::at(root.path().join("cache"));
    let first = answers(&open(&dir, cache.clone()));
    let entry = cache.entry(&dir).unwrap();
    assert!(entry.is_file(), "the index is in the cache");
    let saved = fs::metadata(&entry).unwrap().modified().unwrap();
    for _ in 0..2 {
        let t = open(&dir, cache.clone());
        assert_eq!(answers(&t), first);
        t.get("tk-b").unwrap();
    }
    assert_eq!(
        fs::metadata(&entry).unwrap().modified().unwrap(),
        saved,
        "later reads use the entry, they do not rewrite it"
    );
    assert_eq!(snapshot(repo), before);
    assert_eq!(first["ready"][0]["id"], "tk-b");
    assert_eq!(first["blocked"][0]["id"], "tk-c");
}

/// A directory deleted and made again at the same path, with files of the same names, sizes
/// and mtimes (and, on ext4, often the same inodes): the answers are the new files'.
#[test]
fn a_recreated_directory_gets_no_stale_answers() {
    let root = tempfile::tempdir().unwrap();
    let dir = tk_dir(root.path());
    let cache = Cache::at(root.path().join("cache"));
    let old = answers(&open(&dir, cache.clone()));
    let old_entry = cache.entry(&dir).unwrap();
    assert!(old_entry.is_file());
    let stamps = |d: &Path| {
        let mut v: Vec<(String, u64, i64, i64)> = fs::read_dir(d)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let m = e.metadata().unwrap();
                let name = e.file_name().to_string_lossy().into_owned();
                (name, m.size(), m.mtime(), m.mtime_nsec())
            })
            .collect();
        v.sort();
        v
    };
    let old_stamps = stamps(&dir);
    fs::remove_dir_all(&dir).unwrap();
    fs::create_dir(&dir).unwrap();
    // Same lengths: "Alpha"/"Delta", "Bravo"/"Echoo", "Charlie"/"Foxtrot"; "closed" and
    // "open  " would differ, so the statuses stay and the graph changes through the deps.
    tk_ticket(&dir, "tk-a", "closed", &[], "Delta");
    tk_ticket(&dir, "tk-b", "open", &["tk-c"], "Echoo");
    tk_ticket(&dir, "tk-c", "open", &["tk-a"], "Foxtrot");
    for (name, _, secs, nanos) in &old_stamps {
        let at = SystemTime::UNIX_EPOCH + Duration::new(*secs as u64, *nanos as u32);
        let f = File::options().write(true).open(dir.join(name)).unwrap();
        f.set_modified(at).unwrap();
    }
    assert_eq!(
        stamps(&dir),
        old_stamps,
        "names, sizes and mtimes as before"
    );
    if fs::metadata(&dir).unwrap().created().is_ok() {
        assert_ne!(cache.entry(&dir).unwrap(), old_entry, "a new key");
    }
    let new = answers(&open(&dir, cache.clone()));
    assert_ne!(new, old);
    assert_eq!(
        new,
        answers(&open(&dir, Cache::default())),
        "as with no cache"
    );
    assert_eq!(new["ready"][0]["title"], "Foxtrot");
    assert_eq!(new["blocked"][0]["title"], "Echoo");
}

/// A cache that cannot be made (its folder's parent is a file): reads answer as ever, with no
/// error, and write nothing anywhere.
#[test]
fn an_unwritable_cache_still_reads() {
    let root = tempfile::tempdir().unwrap();
    let dir = tk_dir(root.path());
    let blocker = root.path().join("not-a-folder");
    fs::write(&blocker, "").unwrap();
    let before = snapshot(root.path());
    let cache = Cache::at(blocker.join("ayo"));
    let t = open(&dir, cache.clone());
    let got = answers(&t);
    assert_eq!(answers(&t), got, "a second read of the same handle");
    assert_eq!(got, answers(&open(&dir, Cache::default())));
    assert_eq!(got["ready"][0]["id"], "tk-b");
    assert_eq!(snapshot(root.path()), before);
}

/// A damaged entry (bytes flipped, or cut short) is not believed: the answers are the files',
/// and the next read writes a good entry in its place.
#[test]
fn a_damaged_cache_entry_is_rebuilt() {
    let root = tempfile::tempdir().unwrap();
    let dir = tk_dir(root.path());
    let cache = Cache::at(root.path().join("cache"));
    let want = answers(&open(&dir, cache.clone()));
    let entry = cache.entry(&dir).unwrap();
    let good = fs::read(&entry).unwrap();
    let store_dir = Arc::new(dir.clone());
    for damage in ["flip", "cut", "empty"] {
        let mut bad = good.clone();
        match damage {
            "flip" => {
                for b in bad.iter_mut().skip(60).step_by(7) {
                    *b ^= 0x5a;
                }
            }
            "cut" => bad.truncate(good.len() / 2),
            _ => bad.clear(),
        }
        fs::write(&entry, &bad).unwrap();
        assert!(Table::load(&entry, &store_dir).is_none(), "{damage}");
        assert_eq!(answers(&open(&dir, cache.clone())), want, "{damage}");
        assert!(
            Table::load(&entry, &store_dir).is_some(),
            "{damage}: rebuilt"
        );
    }
}

/// Deleting the cache, or having none, changes no answer; a write then creates `.ayo/` as
/// ever, and the answers still agree with a store read with no cache at all.
#[test]
fn deleting_the_cache_changes_nothing_but_speed() {
    let root = tempfile::tempdir().unwrap();
    let dir = tk_dir(root.path());
    let cache_root = root.path().join("cache");
    let cache = Cache::at(&cache_root);
    let with = answers(&open(&dir, cache.clone()));
    assert_eq!(answers(&open(&dir, cache.clone())), with);
    fs::remove_dir_all(&cache_root).unwrap();
    assert_eq!(answers(&open(&dir, cache.clone())), with);
    assert!(cache.entry(&dir).unwrap().is_file(), "made again");
    assert_eq!(answers(&open(&dir, Cache::default())), with);
    // A write: the store's own folder appears; the cache no longer gets the index.
    let t = open(&dir, cache.clone());
    t.close("tk-b", None).unwrap();
    assert!(dir.join(".ayo").is_dir());
    let after = answers(&open(&dir, cache.clone()));
    assert_eq!(after, answers(&open(&dir, Cache::default())));
    assert_eq!(after["ready"][0]["id"], "tk-c");
}

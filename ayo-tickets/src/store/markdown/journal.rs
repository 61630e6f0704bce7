//! The commit journal: a writer records in `.ayo/commit.json` what its commit is about to make
//! visible (temp files to rename into place, files to remove, audit entries) before it touches
//! a ticket file, and removes the record when it is done. A writer killed in between leaves the
//! record, and the next transaction on the store (a writer, or a reader that sees the record)
//! takes the lock and finishes the commit. So a commit is seen whole once the next one
//! begins, with its audit entries exactly once.
//!
//! Across a power cut (each step is a [`Call`] of `markdown/fs`, and the crash-state explorer
//! checks every state the calls allow):
//! 1. The temp files and their names are on disk before the record exists: each is fsynced
//!    (a single write) or one `syncfs` covers them all (a batch), then `.ayo/` is fsynced. (A
//!    record that outlived a temp file's name would be finished as if its rename were made.)
//! 2. The record is on disk, and its name in `.ayo/`, before the first rename: fsync of the
//!    record and of `.ayo/`. From here the commit is decided: a power cut leaves the record,
//!    and the next transaction finishes it.
//! 3. The renames, removals and moves to and from `archive/` (made and synced before the
//!    record), then fsync of the store directory (and of `archive/` when a file moved); the
//!    audit entries, then fsync of the log (a batch: one `syncfs` for both).
//! 4. The record is removed (not synced: a record left behind is finished again, which changes
//!    nothing, and the next commit's fsync of `.ayo/` carries its removal).
//!
//! Readers see a commit whole (before or after): [`crate::store::markdown::seq`] counts
//! commits in `.ayo/seq`, odd while one is being made visible, and a read that overlapped one
//! is read again.
//!
//! A failure once the commit is decided is not reported: the writer finishes the commit once
//! more, and a record that still cannot be finished is left for the next transaction, which
//! every reader and writer runs first; the write has taken effect either way.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::fs::{Call, perform};
use super::{ARCHIVE_DIR, TEMP_PREFIX, io_err, seq};
use crate::error::{Error, Result};
use crate::hooks::pause;
use crate::store::LogEntry;
use crate::store::overlay::Op;
use crate::ticket::validate_id;
use rustc_hash::FxHashMap as FastMap;

/// The record's file name in `.ayo/`.
const JOURNAL: &str = "commit.json";
/// The audit log's file name in `.ayo/`.
pub(super) const LOG_FILE: &str = "log.jsonl";

/// One change to the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Step {
    /// (temp file name in `.ayo/`, ticket id): the temp file becomes `<id>.md`.
    Rename(String, String),
    /// The ticket's file is removed (never followed by a put of the same id).
    Remove(String),
    /// The ticket's file `<id>.md` moves to `archive/<id>.md` (made before the record).
    Archive(String),
    /// The ticket's file `archive/<id>.md` moves back to `<id>.md`.
    Unarchive(String),
}

/// What one commit makes visible, in order.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Journal {
    /// The changes, in the order the transaction made them.
    pub steps: Vec<Step>,
    /// Audit entries, appended once the files are in place.
    pub log: Vec<LogEntry>,
}

/// The steps of a commit of `ops`, in their order: each put whose temp file was written
/// (`temps`: one per put, in order; `None` for a file left as it is) a rename. A removal that a
/// later put of the same id undoes is left out (the rename replaces the file), so that finishing
/// a commit again never removes what it put.
pub(super) fn steps(ops: &[Op], temps: Vec<Option<String>>) -> Vec<Step> {
    let mut last_put: FastMap<&str, usize> = FastMap::default();
    for (i, op) in ops.iter().enumerate() {
        if let Op::Put(t) = op {
            last_put.insert(&t.id, i);
        }
    }
    let mut temps = temps.into_iter();
    ops.iter()
        .enumerate()
        .filter_map(|(i, op)| match op {
            Op::Put(t) => temps
                .next()
                .flatten()
                .map(|temp| Step::Rename(temp, t.id.clone())),
            Op::Delete(id) => last_put
                .get(id.as_str())
                .is_none_or(|&last| last < i)
                .then(|| Step::Remove(id.clone())),
            Op::Archive(t) => Some(Step::Archive(t.id.clone())),
            Op::Unarchive(t) => Some(Step::Unarchive(t.id.clone())),
        })
        .collect()
}

/// True when a commit was left unfinished (one stat).
pub(super) fn pending(meta: &Path) -> bool {
    fs::symlink_metadata(meta.join(JOURNAL)).is_ok()
}

/// Finishes a commit left unfinished by a writer that died; the caller holds the lock.
pub(super) fn recover(dir: &Path, meta: &Path) -> Result<()> {
    let path = meta.join(JOURNAL);
    let text = match fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // A writer that died between marking its commit and recording it, or after
            // removing the record.
            seq::settle(meta);
            return Ok(());
        }
        Err(e) => return Err(io_err(&path, e)),
    };
    // A record that does not parse was cut short (its writer died writing it, before any step
    // of its commit) or edited by hand: it is dropped, and its temp files go with the other
    // stale ones.
    match serde_json::from_slice::<Journal>(&text) {
        Ok(journal) if journal.names_only_the_store() => journal.apply(dir, meta, true)?,
        _ => perform(Call::Remove(path.clone())).map_err(|e| io_err(&path, e))?,
    }
    seq::settle(meta);
    Ok(())
}

impl Journal {
    /// True when every step names a temp file of `.ayo/` and a valid ticket id: a record
    /// edited by hand never moves or removes anything outside the store.
    fn names_only_the_store(&self) -> bool {
        self.steps.iter().all(|step| match step {
            Step::Rename(temp, id) => {
                temp.starts_with(TEMP_PREFIX)
                    && !temp.contains(['/', '\\'])
                    && validate_id(id).is_ok()
            }
            Step::Remove(id) | Step::Archive(id) | Step::Unarchive(id) => validate_id(id).is_ok(),
        })
    }

    /// True when a step moves a file into or out of `archive/`.
    fn moves(&self) -> bool {
        self.steps
            .iter()
            .any(|s| matches!(s, Step::Archive(_) | Step::Unarchive(_)))
    }

    /// Records the commit, makes it visible, and removes the record. `durable`: the temp files
    /// were fsynced, and each step is fsynced; otherwise (a batch) one `syncfs` before the
    /// record's rename and one at the end pay for everything.
    pub(super) fn run(&self, dir: &Path, meta: &Path, durable: bool) -> Result<()> {
        let text = serde_json::to_vec(self).map_err(|e| Error::storage(e.to_string()))?;
        let path = meta.join(JOURNAL);
        seq::begin(meta)?;
        if let Err(e) = record(&path, meta, text, durable) {
            // Not decided: the record goes, unless it cannot be removed, in which case the
            // next transaction would finish it, so this one does.
            match perform(Call::Remove(path.clone())) {
                Err(gone) if gone.kind() != io::ErrorKind::NotFound => {}
                _ => {
                    seq::settle(meta);
                    return Err(e);
                }
            }
        }
        // Decided: a failure from here on does not make the write fail.
        if self.apply(dir, meta, durable).is_err() {
            let _ = self.apply(dir, meta, durable);
        }
        Ok(())
    }

    /// Renames and removes in order, appends the audit entries (unless the log already ends
    /// with them), and removes the record. Each step may already be done: a rename whose temp
    /// file is gone was made, a removal of a missing file was made.
    fn apply(&self, dir: &Path, meta: &Path, durable: bool) -> Result<()> {
        for step in &self.steps {
            match step {
                Step::Rename(temp, id) => {
                    let (from, to) = (meta.join(temp), dir.join(format!("{id}.md")));
                    match perform(Call::Rename(from, to.clone())) {
                        Ok(()) => pause("after_rename"),
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                        Err(e) => return Err(io_err(&to, e)),
                    }
                }
                Step::Remove(id) => {
                    let path = dir.join(format!("{id}.md"));
                    match perform(Call::Remove(path.clone())) {
                        Err(e) if e.kind() != io::ErrorKind::NotFound => {
                            return Err(io_err(&path, e));
                        }
                        _ => {}
                    }
                }
                Step::Archive(id) | Step::Unarchive(id) => {
                    let active = dir.join(format!("{id}.md"));
                    let archived = dir.join(ARCHIVE_DIR).join(format!("{id}.md"));
                    let (from, to) = match step {
                        Step::Archive(_) => (active, archived),
                        _ => (archived, active),
                    };
                    // A move whose file is gone from where it was was made.
                    match perform(Call::Rename(from, to.clone())) {
                        Err(e) if e.kind() != io::ErrorKind::NotFound => {
                            return Err(io_err(&to, e));
                        }
                        _ => {}
                    }
                }
            }
        }
        if durable {
            perform(Call::Sync(dir.to_path_buf())).map_err(|e| io_err(dir, e))?;
            if self.moves() {
                let archive = dir.join(ARCHIVE_DIR);
                perform(Call::Sync(archive.clone())).map_err(|e| io_err(&archive, e))?;
            }
        }
        append_log(meta, &self.log, durable)?;
        if !durable {
            perform(Call::SyncFs(dir.to_path_buf())).map_err(|e| io_err(dir, e))?;
        }
        // Clean-up: a record left behind is finished again by the next transaction, which
        // changes nothing; its failure fails no one.
        let _ = perform(Call::Remove(meta.join(JOURNAL)));
        seq::settle(meta);
        Ok(())
    }
}

/// Puts the temp files on disk with their names, then writes the commit record at `path` and
/// puts it on disk with its name. The temp files' names must be durable before the record can
/// be: a record that outlived them would be finished as if their renames had been made.
fn record(path: &Path, meta: &Path, text: Vec<u8>, durable: bool) -> Result<()> {
    let step = |call: Call, p: &Path| perform(call).map_err(|e| io_err(p, e));
    let meta_buf = meta.to_path_buf();
    // A single write fsynced each temp file when it wrote it.
    step(
        if durable {
            Call::Sync(meta_buf.clone())
        } else {
            Call::SyncFs(meta_buf.clone())
        },
        meta,
    )?;
    step(Call::Write(path.to_path_buf(), text), path)?;
    step(Call::Sync(path.to_path_buf()), path)?;
    step(Call::Sync(meta_buf), meta)
}

/// Appends entries to the audit log, unless it already ends with exactly them (a commit
/// finished again after its writer died between the append and the record's removal).
fn append_log(meta: &Path, entries: &[LogEntry], durable: bool) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut lines = String::new();
    for e in entries {
        lines.push_str(&serde_json::to_string(e).map_err(|e| Error::storage(e.to_string()))?);
        lines.push('\n');
    }
    let path = meta.join(LOG_FILE);
    let tail = log_tail(&path, lines.len() as u64).map_err(|e| io_err(&path, e))?;
    if tail == lines.as_bytes() {
        return Ok(());
    }
    let mut out = String::with_capacity(lines.len() + 1);
    // The last line is torn (a writer killed mid-append): it is ended before appending.
    if tail.last().is_some_and(|&b| b != b'\n') {
        out.push('\n');
    }
    out.push_str(&lines);
    perform(Call::Append(path.clone(), out.into_bytes())).map_err(|e| io_err(&path, e))?;
    if durable {
        perform(Call::Sync(path.clone())).map_err(|e| io_err(&path, e))?;
    }
    Ok(())
}

/// The last `at_most` bytes of the log (none when there is no log): to see whether the entries
/// are there already, and whether the last line is torn.
fn log_tail(path: &Path, at_most: u64) -> io::Result<Vec<u8>> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let tail_len = at_most.min(len);
    let mut tail = vec![0u8; tail_len as usize];
    file.seek(SeekFrom::Start(len - tail_len))?;
    file.read_exact(&mut tail)?;
    Ok(tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::Ticket;
    use crate::{Filter, NewTicket, Tickets};

    /// A dead writer's commit: ticket `bbbbbb` written to a temp file, `a` to be removed, one
    /// audit entry; recorded, nothing applied.
    fn leave_unfinished(meta: &Path, a: &str) -> Journal {
        let text = crate::format::render(&Ticket::new("bbbbbb", "B"), None).unwrap();
        fs::write(meta.join("tmp-1-0-bbbbbb.md"), text).unwrap();
        let journal = Journal {
            steps: vec![
                Step::Rename("tmp-1-0-bbbbbb.md".into(), "bbbbbb".into()),
                Step::Remove(a.into()),
            ],
            log: vec![LogEntry {
                at: crate::ticket::now(),
                actor: Some("@dead".into()),
                ticket: "bbbbbb".into(),
                action: "create".into(),
                detail: String::new(),
            }],
        };
        fs::write(meta.join(JOURNAL), serde_json::to_vec(&journal).unwrap()).unwrap();
        journal
    }

    /// A store with one ticket: its directory, `.ayo/`, a handle, the ticket.
    fn store_with_a() -> (tempfile::TempDir, std::path::PathBuf, Tickets, Ticket) {
        let dir = tempfile::tempdir().unwrap();
        let meta = dir.path().join(".ayo");
        let t = Tickets::open(dir.path()).unwrap();
        let a = t.create(NewTicket::new("A")).unwrap();
        (dir, meta, t, a)
    }

    fn dead_entries(t: &Tickets) -> usize {
        let log = t.history(None).unwrap();
        log.iter()
            .filter(|e| e.actor.as_deref() == Some("@dead"))
            .count()
    }

    #[test]
    fn a_reader_finishes_a_dead_writers_commit_once() {
        let (dir, meta, t, a) = store_with_a();
        let journal = leave_unfinished(&meta, &a.id);
        let ids: Vec<String> = t
            .list(&Filter::default())
            .unwrap()
            .into_iter()
            .map(|x| x.id)
            .collect();
        assert_eq!(ids, ["bbbbbb"]);
        assert_eq!(dead_entries(&t), 1);
        assert!(!pending(&meta));
        // Finished again (the writer died after the log append): the entry stays single.
        fs::write(meta.join(JOURNAL), serde_json::to_vec(&journal).unwrap()).unwrap();
        recover(dir.path(), &meta).unwrap();
        assert_eq!(dead_entries(&t), 1);
        assert!(!pending(&meta));
        assert_eq!(t.list(&Filter::default()).unwrap().len(), 1);
    }

    #[test]
    fn steps_follow_the_ops_and_a_removal_undone_later_is_left_out() {
        let put = |id: &str| Op::Put(std::sync::Arc::new(Ticket::new(id, "T")));
        let del = |id: &str| Op::Delete(id.into());
        let rename = |temp: &str, id: &str| Step::Rename(temp.into(), id.into());
        let ops = [
            put("x"),
            del("x"),
            put("x"),
            del("y"),
            put("z"),
            put("w"),
            del("w"),
        ];
        let temps = vec![
            Some("t1".into()),
            Some("t2".into()),
            None,
            Some("t3".into()),
        ];
        assert_eq!(
            steps(&ops, temps),
            [
                rename("t1", "x"),
                rename("t2", "x"),
                Step::Remove("y".into()),
                rename("t3", "w"),
                Step::Remove("w".into()),
            ]
        );
    }

    /// A commit that removes a ticket and creates it again, finished twice (its writer died
    /// before removing the record): the new file stays.
    #[test]
    fn a_commit_finished_twice_keeps_what_it_put() {
        let (_dir, meta, t, a) = store_with_a();
        let mut again = Ticket::new(&a.id, "Again");
        again.created = a.created;
        let text = crate::format::render(&again, None).unwrap();
        fs::write(meta.join("tmp-1-0-again.md"), text).unwrap();
        let ops = [Op::Delete(a.id.clone()), Op::Put(again.into())];
        let journal = Journal {
            steps: steps(&ops, vec![Some("tmp-1-0-again.md".into())]),
            log: Vec::new(),
        };
        for _ in 0..2 {
            fs::write(meta.join(JOURNAL), serde_json::to_vec(&journal).unwrap()).unwrap();
            recover(meta.parent().unwrap(), &meta).unwrap();
            assert_eq!(t.get(&a.id).unwrap().title, "Again");
        }
    }

    /// Fails, through the file-system layer, the calls `fail` chooses under `dir`.
    fn failing(
        dir: &Path,
        fail: impl FnMut(&Call) -> bool + Send + 'static,
    ) -> crate::store::markdown::fs::record::Recorder {
        crate::store::markdown::fs::record::record(dir, Some(Box::new(fail)))
    }

    fn is_rename(call: &Call) -> bool {
        matches!(call, Call::Rename(..))
    }

    /// Item 6: a failure once the commit record is on disk does not fail the write: the writer
    /// finishes the commit itself (a rename that fails once), or leaves it for the next
    /// transaction (one that keeps failing) and still reports what took effect.
    #[test]
    fn a_failure_after_the_record_does_not_fail_a_write_that_takes_effect() {
        let (dir, meta, t, a) = store_with_a();
        let mut left = 1;
        let once = failing(dir.path(), move |c| {
            let hit = is_rename(c) && left > 0;
            left -= usize::from(hit);
            hit
        });
        t.note(&a.id, "noted").unwrap();
        drop(once);
        assert_eq!(t.get(&a.id).unwrap().notes.len(), 1);
        assert!(!pending(&meta));

        let always = failing(dir.path(), is_rename);
        let claimed = t.claim("@agent", crate::ClaimOptions::default()).unwrap();
        assert_eq!(claimed.unwrap().id, a.id, "the claim is reported");
        assert!(
            pending(&meta),
            "its record is left for the next transaction"
        );
        drop(always);
        // The next reader finishes it: the claim that was reported is there, once.
        let got = t.get(&a.id).unwrap();
        assert_eq!(got.status, crate::Status::InProgress);
        assert!(!pending(&meta));
        let claims = t.history(Some(&a.id)).unwrap();
        assert_eq!(claims.iter().filter(|e| e.action == "claim").count(), 1);
    }

    /// A failure before the record is decided fails the write and changes nothing; clean-up
    /// that fails (the record's removal, on a disk that is full or failing) fails nothing, and
    /// the next writers write.
    #[test]
    fn a_failure_before_the_record_fails_cleanly_and_clean_up_fails_no_one() {
        let (dir, meta, t, a) = store_with_a();
        let journal = meta.join(JOURNAL);
        let j = journal.clone();
        let record_fails = failing(
            dir.path(),
            move |c| matches!(c, Call::Write(p, _) if *p == j),
        );
        assert_eq!(t.note(&a.id, "lost").unwrap_err().code(), "STORAGE");
        drop(record_fails);
        assert!(t.get(&a.id).unwrap().notes.is_empty());
        assert!(!pending(&meta));

        let j = journal.clone();
        let cleanup_fails = failing(dir.path(), move |c| matches!(c, Call::Remove(p) if *p == j));
        for i in 0..3 {
            t.note(&a.id, &format!("n{i}")).unwrap();
        }
        drop(cleanup_fails);
        assert_eq!(t.get(&a.id).unwrap().notes.len(), 3);
        let notes = t.history(Some(&a.id)).unwrap();
        assert_eq!(notes.iter().filter(|e| e.action == "note").count(), 3);
    }

    #[test]
    fn a_writer_finishes_it_before_writing() {
        let (_dir, meta, t, a) = store_with_a();
        leave_unfinished(&meta, &a.id);
        // The writer's own check of `a` runs after the dead commit removed it.
        assert_eq!(t.note(&a.id, "x").unwrap_err().code(), "NOT_FOUND");
        assert_eq!(t.get("bbbbbb").unwrap().title, "B");
        assert_eq!(dead_entries(&t), 1);
    }

    #[test]
    fn a_cut_short_or_hand_damaged_record_is_dropped() {
        let (dir, meta, t, a) = store_with_a();
        let whole = serde_json::to_vec(&leave_unfinished(&meta, &a.id)).unwrap();
        fs::write(meta.join(JOURNAL), &whole[..whole.len() / 2]).unwrap();
        // Nothing of that commit happens: `a` stays, `bbbbbb` never comes, its temp file goes.
        assert_eq!(t.get(&a.id).unwrap().id, a.id);
        assert_eq!(t.get("bbbbbb").unwrap_err().code(), "NOT_FOUND");
        assert!(!pending(&meta));
        assert!(!meta.join("tmp-1-0-bbbbbb.md").exists());
        // One that names files outside the store moves and removes nothing.
        let outside = dir.path().join("outside.md");
        fs::write(&outside, "keep").unwrap();
        let store = dir.path().join("store");
        let (t, meta) = (Tickets::open(&store).unwrap(), store.join(".ayo"));
        t.create(NewTicket::new("A")).unwrap();
        fs::create_dir(meta.join("tmp-x")).unwrap();
        fs::write(meta.join("tmp-1-z"), "moved").unwrap();
        for steps in [
            vec![Step::Remove("../outside".into())],
            vec![Step::Rename("../../outside.md".into(), "bbbbbb".into())],
            vec![Step::Rename(
                "tmp-x/../../../outside.md".into(),
                "bbbbbb".into(),
            )],
            vec![Step::Rename("tmp-1-z".into(), "../outside".into())],
        ] {
            let journal = Journal {
                steps,
                log: Vec::new(),
            };
            fs::write(meta.join(JOURNAL), serde_json::to_vec(&journal).unwrap()).unwrap();
            assert_eq!(t.list(&Filter::default()).unwrap().len(), 1);
            assert!(!pending(&meta));
            assert_eq!(fs::read_to_string(&outside).unwrap(), "keep");
        }
    }
}

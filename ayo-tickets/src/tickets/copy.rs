//! A lossless copy between stores (`ayo ticket export` / `import`): every ticket with every
//! field, the text it was stored as where the source keeps one, and the audit log.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::Tickets;
use crate::error::{Error, Result};
use crate::scope::StoreChoice;
use crate::store::{Access, LogEntry};
use crate::ticket::Ticket;

/// What [`Tickets::copy_to`] copied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Copied {
    /// Tickets written to the target.
    pub tickets: usize,
    /// Audit entries appended to the target's log.
    pub log_entries: usize,
}

impl Tickets {
    /// Copies every ticket (archived ones archived there too, where the target keeps an
    /// archive) and the audit log into `target`, losslessly: every field as stored, and the text each ticket was stored as where this store keeps one (a markdown
    /// file; the markdown a database row was imported from), so that unknown frontmatter keys,
    /// comments and layout survive a round trip (markdown → PostgreSQL → markdown gives the
    /// same files).
    ///
    /// All or nothing: the target is written in one transaction, and nothing is written when a
    /// ticket here cannot be read ([`Error::Parse`]) or an id is taken in the target
    /// ([`Error::AlreadyExists`]). The target's own log entries stay; these are appended.
    ///
    /// A typo must not pass for an empty store, so a directory store to copy from must exist
    /// and be a directory, and not the parent of one (a `.tickets` directory in it, and no
    /// ticket or store files of its own) ([`Error::Storage`]); a directory to copy to is made
    /// if missing, but not where a file is in the way ([`Error::Storage`]). A copy of a store
    /// onto itself is refused ([`Error::Invalid`]).
    ///
    /// ```
    /// use ayo_tickets::{NewTicket, Tickets};
    /// let from = Tickets::in_memory();
    /// let a = from.create(NewTicket::new("Extract data"))?;
    /// from.close(&a.id, Some("done"))?;
    /// let to = Tickets::in_memory();
    /// let copied = from.copy_to(&to)?;
    /// assert_eq!((copied.tickets, copied.log_entries), (1, 2));
    /// assert_eq!(to.get(&a.id)?, from.get(&a.id)?);
    /// # Ok::<(), ayo_tickets::Error>(())
    /// ```
    pub fn copy_to(&self, target: &Tickets) -> Result<Copied> {
        let (from, to) = (self.store.place(), target.store.place());
        if Arc::ptr_eq(&self.store, &target.store) || same_place(from.as_ref(), to.as_ref()) {
            return Err(Error::invalid(format!(
                "cannot copy {} onto itself: the source and the destination are the same store",
                self.store.location()
            )));
        }
        if let Some(StoreChoice::Dir(dir)) = &from {
            check_source_dir(dir)?;
        }
        if let Some(StoreChoice::Dir(dir)) = &to {
            check_target_dir(dir)?;
        }
        let (tickets, log) = self.read(|txn| {
            let scan = txn.scan()?;
            if let Some(u) = scan.unreadable.first() {
                return Err(u.error.clone());
            }
            let archived = txn.scan_archived()?;
            if let Some(u) = archived.unreadable.first() {
                return Err(u.error.clone());
            }
            let mut tickets: Vec<(Ticket, Option<String>)> = Vec::new();
            for t in scan.tickets.iter().chain(&archived.tickets) {
                let source = txn.source(&t.id)?;
                tickets.push(((**t).clone(), source));
            }
            tickets.sort_by(|(a, _), (b, _)| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
            Ok((tickets, txn.history(None)?))
        })?;
        target.txn(Access::Batch, |txn| {
            for (t, source) in &tickets {
                if txn.get(&t.id)?.is_some() {
                    return Err(Error::AlreadyExists { id: t.id.clone() });
                }
                let active = Ticket {
                    archived: false,
                    ..t.clone()
                };
                txn.put_source(&active, source.as_deref())?;
                // Archived here, archived there; a target with no archive (a Claude Code task
                // list) keeps it active, closed.
                if t.archived {
                    match txn.archive(&t.id) {
                        Ok(_) | Err(Error::Invalid { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            for entry in &log {
                txn.log(LogEntry::clone(entry))?;
            }
            Ok(())
        })?;
        Ok(Copied {
            tickets: tickets.len(),
            log_entries: log.len(),
        })
    }
}

/// True when two places are the same store: the same directory (through links and `..`), or
/// the same database location.
fn same_place(a: Option<&StoreChoice>, b: Option<&StoreChoice>) -> bool {
    match (a, b) {
        (Some(StoreChoice::Dir(a)), Some(StoreChoice::Dir(b))) => resolved(a) == resolved(b),
        (Some(StoreChoice::Url(a)), Some(StoreChoice::Url(b))) => a == b,
        (Some(StoreChoice::Claude(a)), Some(StoreChoice::Claude(b))) => resolved(a) == resolved(b),
        _ => false,
    }
}

/// A directory's canonical path, else (it does not exist yet) its absolute path.
fn resolved(dir: &Path) -> PathBuf {
    dir.canonicalize()
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf())
}

/// A directory to copy from must be there, and be a directory; one with a `.tickets`
/// directory in it and no ticket file or store files of its own is taken for its parent.
fn check_source_dir(dir: &Path) -> Result<()> {
    let problem = match dir.metadata() {
        Ok(m) if m.is_dir() => {
            let inner = dir.join(".tickets");
            if !inner.is_dir() || dir.join(crate::store::markdown::META_DIR).exists() {
                return Ok(());
            }
            let has_md = std::fs::read_dir(dir)?
                .flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "md"));
            if has_md {
                return Ok(());
            }
            format!("no tickets there; did you mean {}?", inner.display())
        }
        Ok(_) => "not a directory".to_string(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => "no such directory".to_string(),
        Err(e) => e.to_string(),
    };
    Err(Error::storage(format!(
        "cannot copy from {}: {problem}",
        dir.display()
    )))
}

/// A directory to copy to is made if missing, so the nearest part of its path that exists
/// must be a directory.
fn check_target_dir(dir: &Path) -> Result<()> {
    for (i, part) in dir.ancestors().enumerate() {
        if part.as_os_str().is_empty() {
            break;
        }
        match part.metadata() {
            Ok(m) if m.is_dir() => return Ok(()),
            Ok(_) if i == 0 => {
                return Err(Error::storage(format!(
                    "cannot copy to {}: it is a file, not a directory",
                    dir.display()
                )));
            }
            Ok(_) => {
                return Err(Error::storage(format!(
                    "cannot copy to {}: {} is a file, not a directory",
                    dir.display(),
                    part.display()
                )));
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) => {}
            Err(e) => {
                return Err(Error::storage(format!(
                    "cannot copy to {}: {}: {e}",
                    dir.display(),
                    part.display()
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::NewTicket;

    fn one(dir: &Path) -> Tickets {
        let t = Tickets::open(dir).unwrap();
        t.create(NewTicket::new("One").id("one")).unwrap();
        t
    }

    #[test]
    fn a_copy_onto_itself_is_refused() {
        let t = Tickets::in_memory();
        t.create(NewTicket::new("One")).unwrap();
        let e = t.copy_to(&t).unwrap_err();
        assert_eq!(e.code(), "INVALID");
        assert!(e.to_string().contains("the same store"), "{e}");

        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("s");
        let a = one(&dir);
        let b = Tickets::open(dir.join(".").join("..").join("s")).unwrap();
        let e = a.copy_to(&b).unwrap_err();
        assert_eq!(e.code(), "INVALID", "{e}");
        assert_eq!(a.history(None).unwrap().len(), 1, "nothing appended");
    }

    #[test]
    fn a_missing_source_or_a_file_in_the_way_is_a_storage_error() {
        let root = tempfile::tempdir().unwrap();
        let to_dir = root.path().join("to");
        let to = Tickets::open(&to_dir).unwrap();
        let missing = Tickets::open(root.path().join("missing")).unwrap();
        let e = missing.copy_to(&to).unwrap_err();
        assert_eq!(e.code(), "STORAGE");
        assert!(e.to_string().ends_with("missing: no such directory"), "{e}");
        assert!(!to_dir.exists(), "nothing written");

        let file = root.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let e = Tickets::open(&file).unwrap().copy_to(&to).unwrap_err();
        assert!(e.to_string().ends_with("file: not a directory"), "{e}");

        let parent = root.path().join("project");
        one(&parent.join(".tickets"));
        let e = Tickets::open(&parent).unwrap().copy_to(&to).unwrap_err();
        assert!(e.to_string().contains("did you mean"), "{e}");

        let from = one(&root.path().join("from"));
        for target in [file.clone(), file.join("sub")] {
            let e = from.copy_to(&Tickets::open(&target).unwrap()).unwrap_err();
            assert_eq!(e.code(), "STORAGE");
            assert!(e.to_string().contains("is a file, not a directory"), "{e}");
        }
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
        assert_eq!(from.copy_to(&to).unwrap().tickets, 1);
    }
}

//! The project scope: the nearest `.tickets/` from a directory upward, with the linked git
//! worktrees of one repository sharing the main worktree's.
//!
//! The rule, without running git (only `.git` files, `commondir` and `config` are read):
//! - Find the nearest ancestor of the start directory (itself included) that is the root of a
//!   linked git worktree: its `.git` is a file `gitdir: <repo>/.git/worktrees/<name>` (absolute,
//!   or relative to the file's directory), and that git directory holds a `commondir` file.
//! - If there is one, the search moves to the same relative position in the main worktree (the
//!   directory holding the common `.git`, or `core.worktree` when the config sets it): from
//!   `<linked>/pkg/src` it looks from `<main>/pkg/src` upward. The linked worktree's own
//!   checked-out `.tickets/` is never used: that is what makes parallel worktrees share one
//!   store and one set of claims. A bare repository has no main worktree: the search starts at
//!   the directory that holds the repository (e.g. `project/` for `project/.bare`).
//! - Then the nearest `<dir>/.tickets` directory from there upward is the store.
//!
//! Anything else with a `.git` (a main worktree, a submodule, whose `.git` file has no
//! `commondir`, a broken or unreadable `.git` file) is an ordinary directory to this search.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// The name of the directory the search looks for.
pub const TICKETS_DIR: &str = ".tickets";

/// How many linked worktrees a search follows before it gives up (a cycle of hand-made `.git`
/// files must not loop).
const MAX_HOPS: usize = 8;

/// The outcome of a search from one directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSearch {
    /// The directory the search started from, made absolute.
    pub start: PathBuf,
    /// The main worktree (or, for a bare repository, the directory holding it) the search moved
    /// to, when the start is inside a linked git worktree.
    pub main_worktree: Option<PathBuf>,
    /// The `.tickets/` directory found, if any.
    pub found: Option<PathBuf>,
}

impl ProjectSearch {
    /// Searches from `start` (see the module documentation for the rule).
    pub fn run(start: &Path) -> Result<ProjectSearch> {
        let start = std::fs::canonicalize(start).map_err(|e| {
            Error::invalid(format!(
                "cannot search for {TICKETS_DIR}/ from {}: {e}",
                start.display()
            ))
        })?;
        let mut from = start.clone();
        let mut main_worktree = None;
        for _ in 0..MAX_HOPS {
            match linked_worktree_above(&from) {
                Some((root, Main::Worktree(main))) => {
                    let rel = from.strip_prefix(&root).unwrap_or(Path::new(""));
                    from = main.join(rel);
                    main_worktree = Some(main);
                }
                Some((_, Main::Bare(holder))) => {
                    from = holder.clone();
                    main_worktree = Some(holder);
                }
                None => break,
            }
        }
        let found = from
            .ancestors()
            .map(|d| d.join(TICKETS_DIR))
            .find(|t| t.is_dir());
        Ok(ProjectSearch {
            start,
            main_worktree,
            found,
        })
    }

    /// The `.tickets/` found, or [`Error::Invalid`] saying where the search looked.
    pub fn into_dir(self) -> Result<PathBuf> {
        if let Some(found) = self.found {
            return Ok(found);
        }
        let mut msg = format!(
            "no {TICKETS_DIR}/ found from {} upward",
            self.start.display()
        );
        if let Some(main) = &self.main_worktree {
            msg.push_str(&format!(
                " (this is a linked git worktree: the project store is the one of {}, \
                 searched from the same place there; create {}/{TICKETS_DIR} there, or use --dir)",
                main.display(),
                main.display()
            ));
        } else {
            msg.push_str(" (create one with mkdir .tickets, or use --dir)");
        }
        Err(Error::invalid(msg))
    }
}

/// The project store for a directory: the nearest `.tickets/` upward, in the main worktree
/// when `start` is inside a linked git worktree. [`Error::Invalid`] when there is none.
pub fn find_project(start: &Path) -> Result<PathBuf> {
    ProjectSearch::run(start)?.into_dir()
}

/// Where a linked worktree's search goes.
enum Main {
    /// The main worktree of a non-bare repository.
    Worktree(PathBuf),
    /// The directory holding a bare repository.
    Bare(PathBuf),
}

/// The nearest ancestor of `dir` (itself included) that is the root of a linked worktree, with
/// where its search goes.
fn linked_worktree_above(dir: &Path) -> Option<(PathBuf, Main)> {
    dir.ancestors()
        .find_map(|d| linked_worktree_main(d).map(|m| (d.to_path_buf(), m)))
}

/// If `dir/.git` is the file of a linked worktree, where its search goes.
fn linked_worktree_main(dir: &Path) -> Option<Main> {
    let dot_git = dir.join(".git");
    if !dot_git.is_file() {
        return None;
    }
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let gitdir = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
    if gitdir.is_empty() {
        return None;
    }
    let gitdir = normalize(&dir.join(gitdir));
    let common = std::fs::read_to_string(gitdir.join("commondir")).ok()?;
    let common = common.lines().next()?.trim();
    if common.is_empty() {
        return None;
    }
    let common = normalize(&gitdir.join(common));
    if !common.is_dir() {
        return None;
    }
    let config = std::fs::read_to_string(common.join("config")).unwrap_or_default();
    let core = CoreConfig::parse(&config);
    if let Some(wt) = core.worktree {
        return Some(Main::Worktree(normalize(&common.join(wt))));
    }
    let holder = common.parent()?.to_path_buf();
    if core.bare || common.file_name()? != ".git" {
        Some(Main::Bare(holder))
    } else {
        Some(Main::Worktree(holder))
    }
}

/// The two settings of a git config's `[core]` section the search needs.
#[derive(Debug, Default, PartialEq, Eq)]
struct CoreConfig {
    bare: bool,
    worktree: Option<String>,
}

impl CoreConfig {
    /// Reads `bare` and `worktree` from the `[core]` section (keys are case-insensitive; a
    /// value may be quoted). Anything it does not understand is ignored.
    fn parse(text: &str) -> CoreConfig {
        let mut out = CoreConfig::default();
        let mut in_core = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_core = line.eq_ignore_ascii_case("[core]");
                continue;
            }
            if !in_core {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"');
            match key.trim().to_ascii_lowercase().as_str() {
                "bare" => {
                    out.bare = matches!(
                        value.to_ascii_lowercase().as_str(),
                        "true" | "yes" | "on" | "1"
                    )
                }
                "worktree" if !value.is_empty() => out.worktree = Some(value.to_string()),
                _ => {}
            }
        }
        out
    }
}

/// `path` with `.` and `..` resolved lexically (the paths git writes are plain).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(c);
                }
            }
            other => out.push(other),
        }
    }
    out
}

//! Where tickets live: session, global, project and directory scopes, and the rules that pick
//! a store from flags and environment variables.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::ticket::validate_id;

mod project;
#[cfg(test)]
mod project_tests;

pub use project::{ProjectSearch, TICKETS_DIR, find_project};

/// The session used when none is named.
pub const DEFAULT_SESSION: &str = "default";

/// A store, as chosen by flags or the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreChoice {
    /// A directory of ticket files (`--dir`, `$AYO_TICKETS_DIR`).
    Dir(PathBuf),
    /// A session's tickets (`--session`, `$AYO_SESSION_ID`, else `default`).
    Session(String),
    /// Tickets shared by every session (`--global`).
    Global,
    /// A database (`--store postgres://...`, `$AYO_STORE`).
    Url(String),
    /// A Claude Code task list directory (`--store claude:LIST`, `claude:/path`,
    /// `$AYO_STORE`; see [`crate::store::claude::list_dir`]).
    Claude(PathBuf),
}

/// The flags a front end was given; at most one may be set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreFlags {
    /// `--store URL|PATH`.
    pub store: Option<String>,
    /// `--dir PATH`.
    pub dir: Option<PathBuf>,
    /// `--global`.
    pub global: bool,
    /// `--session NAME`.
    pub session: Option<String>,
    /// `--project`: the nearest `.tickets/` upward (see [`find_project`]).
    pub project: bool,
}

impl StoreFlags {
    /// True when a flag names the store.
    fn any(&self) -> bool {
        self.count() > 0
    }

    /// How many store flags are set.
    fn count(&self) -> usize {
        [
            self.store.is_some(),
            self.dir.is_some(),
            self.global,
            self.session.is_some(),
            self.project,
        ]
        .iter()
        .filter(|b| **b)
        .count()
    }
}

/// `$AYO_PROJECT`: `1`, `true`, `yes` or `on` ask for the project store; `0`, `false`, `no` or
/// `off` do not (and silence [`StoreChoice::project_hint`]); anything else is refused.
fn project_env(env: &impl Fn(&str) -> Option<String>) -> Result<Option<bool>> {
    let Some(v) = env("AYO_PROJECT") else {
        return Ok(None);
    };
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(Some(true)),
        "0" | "false" | "no" | "off" => Ok(Some(false)),
        _ => Err(Error::invalid(format!(
            "AYO_PROJECT must be 1 or 0 (or true/false, yes/no, on/off), not '{}'",
            crate::ticket::printable(&v)
        ))),
    }
}

/// The current directory, as an [`Error::Invalid`] when it cannot be read.
fn current_dir() -> Result<PathBuf> {
    std::env::current_dir()
        .map_err(|e| Error::invalid(format!("cannot read the current directory: {e}")))
}

impl StoreChoice {
    /// Picks the store: one of the flags, else `$AYO_STORE`, else `$AYO_TICKETS_DIR`, else the
    /// project store when `$AYO_PROJECT` is set (to `1`), else the session store of
    /// `$AYO_SESSION_ID` or `default`. Two flags together are refused. The project store
    /// (`--project`, `$AYO_PROJECT`) is the directory [`find_project`] finds from the current
    /// directory.
    pub fn resolve(flags: &StoreFlags) -> Result<StoreChoice> {
        Self::resolve_with(flags, real_env)
    }

    /// [`StoreChoice::resolve`] with a given environment (for tests).
    pub fn resolve_with(
        flags: &StoreFlags,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<StoreChoice> {
        Self::pick(flags, env, current_dir)
    }

    /// [`StoreChoice::resolve`] with a given environment and current directory (for tests).
    pub fn resolve_in(
        flags: &StoreFlags,
        env: impl Fn(&str) -> Option<String>,
        cwd: &Path,
    ) -> Result<StoreChoice> {
        Self::pick(flags, env, || Ok(cwd.to_path_buf()))
    }

    fn pick(
        flags: &StoreFlags,
        env: impl Fn(&str) -> Option<String>,
        cwd: impl FnOnce() -> Result<PathBuf>,
    ) -> Result<StoreChoice> {
        if flags.count() > 1 {
            return Err(Error::invalid(
                "choose one of --store, --dir, --global, --session and --project",
            ));
        }
        if let Some(s) = &flags.store {
            return Ok(Self::from_store_arg_with(s, &env));
        }
        if let Some(d) = &flags.dir {
            return Ok(StoreChoice::Dir(d.clone()));
        }
        if flags.global {
            return Ok(StoreChoice::Global);
        }
        if let Some(s) = &flags.session {
            validate_session(s)?;
            return Ok(StoreChoice::Session(s.clone()));
        }
        if flags.project {
            return Ok(StoreChoice::Dir(find_project(&cwd()?)?));
        }
        if let Some(s) = env("AYO_STORE") {
            return Ok(Self::from_store_arg_with(&s, &env));
        }
        if let Some(d) = env("AYO_TICKETS_DIR") {
            return Ok(StoreChoice::Dir(PathBuf::from(d)));
        }
        if project_env(&env)? == Some(true) {
            return Ok(StoreChoice::Dir(find_project(&cwd()?)?));
        }
        let session = env("AYO_SESSION_ID").unwrap_or_else(|| DEFAULT_SESSION.to_string());
        validate_session(&session)?;
        Ok(StoreChoice::Session(session))
    }

    /// The project store a person may have meant: when nothing named a store (no flag, no
    /// `$AYO_STORE`, `$AYO_TICKETS_DIR` or `$AYO_PROJECT`), so that the session store is used
    /// by default, and [`find_project`] finds a `.tickets/` from the current directory. A front
    /// end tells a person about it (the CLI: one line on stderr). `$AYO_SESSION_ID` does not
    /// silence it (a harness sets it for every command); `AYO_PROJECT=0` does.
    pub fn project_hint(flags: &StoreFlags) -> Option<PathBuf> {
        Self::project_hint_in(flags, real_env, &current_dir().ok()?)
    }

    /// [`StoreChoice::project_hint`] with a given environment and current directory.
    pub fn project_hint_in(
        flags: &StoreFlags,
        env: impl Fn(&str) -> Option<String>,
        cwd: &Path,
    ) -> Option<PathBuf> {
        if flags.any()
            || env("AYO_STORE").is_some()
            || env("AYO_TICKETS_DIR").is_some()
            || env("AYO_PROJECT").is_some()
        {
            return None;
        }
        let found = ProjectSearch::run(cwd).ok()?.found?;
        // Not when the store used is that very directory (a command run inside it).
        let used = home_with(|k| env(k).map(PathBuf::from))
            .ok()
            .and_then(|home| Self::resolve_in(flags, &env, cwd).ok()?.dir_under(&home));
        if used.and_then(|u| std::fs::canonicalize(u).ok()) == Some(found.clone()) {
            return None;
        }
        Some(found)
    }

    /// A `--store` value: a `postgres://` or `postgresql://` URL, `claude:LIST` or
    /// `claude:/path` (a Claude Code task list, see [`crate::store::claude::list_dir`]), else a
    /// directory path. A `claude:` value that names no list is [`Error::Invalid`] when the
    /// store is opened.
    pub fn from_store_arg(s: &str) -> StoreChoice {
        Self::from_store_arg_with(s, real_env)
    }

    /// [`StoreChoice::from_store_arg`] with a given environment (for tests).
    pub fn from_store_arg_with(s: &str, env: impl Fn(&str) -> Option<String>) -> StoreChoice {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            StoreChoice::Url(s.to_string())
        } else if let Some(list) = s.strip_prefix(crate::store::claude::PREFIX) {
            match crate::store::claude::list_dir(list, env) {
                Ok(dir) => StoreChoice::Claude(dir),
                // Opening it reports the problem (see `Tickets::connect`).
                Err(_) => StoreChoice::Url(s.to_string()),
            }
        } else {
            StoreChoice::Dir(PathBuf::from(s))
        }
    }

    /// The directory of a directory-backed choice, under `home` for session and global scopes;
    /// `None` for a URL.
    pub fn dir_under(&self, home: &std::path::Path) -> Option<PathBuf> {
        match self {
            StoreChoice::Dir(d) => Some(d.clone()),
            StoreChoice::Session(s) => Some(home.join("sessions").join(s).join(".tickets")),
            StoreChoice::Global => Some(home.join("tickets").join(".tickets")),
            StoreChoice::Url(_) | StoreChoice::Claude(_) => None,
        }
    }
}

/// A variable of the process environment, `None` when unset or empty.
fn real_env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.is_empty())
}

/// Checks a session name (the id rule).
pub fn validate_session(name: &str) -> Result<()> {
    validate_id(name).map_err(|_| {
        Error::invalid(format!(
            "invalid session name '{}': use 1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit, without '..'",
            crate::ticket::printable(name)
        ))
    })
}

/// ayo's data directory: `$AYO_HOME`, else `$XDG_DATA_HOME/ayo`, else `~/.local/share/ayo`.
pub fn home() -> Result<PathBuf> {
    home_with(|k| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
}

/// [`home`] with a given environment (for tests).
pub fn home_with(env: impl Fn(&str) -> Option<PathBuf>) -> Result<PathBuf> {
    if let Some(h) = env("AYO_HOME") {
        return Ok(h);
    }
    if let Some(x) = env("XDG_DATA_HOME") {
        return Ok(x.join("ayo"));
    }
    match env("HOME") {
        Some(h) => Ok(h.join(".local").join("share").join("ayo")),
        None => Err(Error::invalid(
            "cannot find ayo's home: set AYO_HOME, XDG_DATA_HOME or HOME",
        )),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// An environment of these pairs.
    pub(super) fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn flags_then_env_then_session() {
        let none = StoreFlags::default();
        assert_eq!(
            StoreChoice::resolve_with(&none, env(&[])).unwrap(),
            StoreChoice::Session("default".into())
        );
        assert_eq!(
            StoreChoice::resolve_with(&none, env(&[("AYO_SESSION_ID", "s1")])).unwrap(),
            StoreChoice::Session("s1".into())
        );
        assert_eq!(
            StoreChoice::resolve_with(
                &none,
                env(&[("AYO_SESSION_ID", "s1"), ("AYO_TICKETS_DIR", "/x")])
            )
            .unwrap(),
            StoreChoice::Dir("/x".into())
        );
        assert_eq!(
            StoreChoice::resolve_with(
                &none,
                env(&[("AYO_STORE", "postgres://h/db"), ("AYO_TICKETS_DIR", "/x")])
            )
            .unwrap(),
            StoreChoice::Url("postgres://h/db".into())
        );
        let global = StoreFlags {
            global: true,
            ..StoreFlags::default()
        };
        assert_eq!(
            StoreChoice::resolve_with(&global, env(&[("AYO_STORE", "/y")])).unwrap(),
            StoreChoice::Global
        );
        let two = StoreFlags {
            global: true,
            session: Some("a".into()),
            ..StoreFlags::default()
        };
        assert_eq!(
            StoreChoice::resolve_with(&two, env(&[]))
                .unwrap_err()
                .code(),
            "INVALID"
        );
        let bad = StoreFlags {
            session: Some("../etc".into()),
            ..StoreFlags::default()
        };
        assert!(StoreChoice::resolve_with(&bad, env(&[])).is_err());
        assert!(StoreChoice::resolve_with(&none, env(&[("AYO_SESSION_ID", "a/b")])).is_err());
    }

    #[test]
    fn homes_and_dirs() {
        let h = home_with(|k| (k == "HOME").then(|| PathBuf::from("/home/u"))).unwrap();
        assert_eq!(h, PathBuf::from("/home/u/.local/share/ayo"));
        let h = home_with(|k| (k == "XDG_DATA_HOME").then(|| PathBuf::from("/x"))).unwrap();
        assert_eq!(h, PathBuf::from("/x/ayo"));
        let home = PathBuf::from("/h");
        assert_eq!(
            StoreChoice::Session("s".into()).dir_under(&home).unwrap(),
            PathBuf::from("/h/sessions/s/.tickets")
        );
        assert_eq!(
            StoreChoice::Global.dir_under(&home).unwrap(),
            PathBuf::from("/h/tickets/.tickets")
        );
    }
}

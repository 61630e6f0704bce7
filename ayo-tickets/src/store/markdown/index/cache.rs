//! Where the scan index of a directory that has no `.ayo/` is kept: in the user's cache
//! directory, so that a tk repository, a read-only checkout or someone else's directory gets
//! fast reads from the second call on while ayo writes nothing into it.
//!
//! The cache folder is `$AYO_CACHE_DIR`, else `$XDG_CACHE_HOME/ayo`, else `~/.cache/ayo`
//! (relative values are ignored, as the XDG spec says); entries are files in its `index/`
//! folder (made `0700`: they hold the tickets' text). An entry's name is the directory's
//! identity, [`key`]:
//!
//! - a hash of its canonical path: a directory moved or reached by another name under a new
//!   canonical path gets a new entry;
//! - its device and inode: two directories that exist at the same time never share them;
//! - its birth time, to the nanosecond (`statx`): a directory deleted and made again at the
//!   same path often gets the same inode back at once (ext4 does), never the same birth time.
//!   Not its ctime or mtime: those change whenever a file is added or removed.
//!
//! Where the file system keeps no birth time, the key falls back to path, device and inode;
//! even then a recreated directory cannot give stale answers, because the index trusts an
//! entry only while the file's size, mtime (ns) and inode are the ones it recorded.
//!
//! An entry is an index file like `.ayo/index.bin`: checksummed, written to a temp file and
//! renamed into place, rebuilt when damaged. Everything here is best effort: a cache that
//! cannot be named, made or written costs speed, never an error. Saving removes the folder's
//! temp files left by killed processes (older than [`STALE_TEMP`]) and entries no process
//! has rewritten for [`STALE_ENTRY`] (their directory is likely gone; if not, its next read
//! rebuilds the entry).

use std::fs::{self, File};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The folder of index entries inside the cache folder.
const INDEX_FOLDER: &str = "index";
/// Temp files of index saves start with this.
const TEMP_PREFIX: &str = "tmp-";
/// A temp file this old was left by a process that died while saving.
const STALE_TEMP: Duration = Duration::from_secs(10 * 60);
/// An entry not rewritten for this long is removed when another entry is saved.
const STALE_ENTRY: Duration = Duration::from_secs(30 * 24 * 3600);

/// The user's cache folder for ayo's indexes, or none (no writable place can be named).
#[derive(Debug, Clone, Default)]
pub(crate) struct Cache {
    root: Option<PathBuf>,
}

impl Cache {
    /// The cache folder the environment names (see the module doc).
    pub(crate) fn from_env() -> Cache {
        let var = |name: &str| {
            std::env::var_os(name)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        let root = var("AYO_CACHE_DIR")
            .or_else(|| var("XDG_CACHE_HOME").map(|p| p.join("ayo")))
            .or_else(|| var("HOME").map(|p| p.join(".cache").join("ayo")));
        Cache { root }
    }

    /// A cache in `root` (tests).
    #[cfg(test)]
    pub(crate) fn at(root: impl Into<PathBuf>) -> Cache {
        Cache {
            root: Some(root.into()),
        }
    }

    /// The entry that holds `dir`'s index; `None` when there is no cache folder or `dir`
    /// cannot be identified (it does not exist).
    pub(crate) fn entry(&self, dir: &Path) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        Some(root.join(INDEX_FOLDER).join(key(dir)?))
    }

    /// Opens a new temp file beside `entry`, making the cache folders first; fails when the
    /// cache cannot be written (then the caller saves nothing).
    pub(crate) fn temp_for(&self, entry: &Path) -> io::Result<(File, PathBuf)> {
        let folder = entry
            .parent()
            .ok_or_else(|| io::Error::other("an entry has a folder"))?;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(folder)?;
        let temp = folder.join(format!(
            "{TEMP_PREFIX}{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
        ));
        Ok((File::create_new(&temp)?, temp))
    }

    /// Removes what killed processes and vanished directories left in `entry`'s folder.
    pub(crate) fn tidy(&self, entry: &Path) {
        let Some(folder) = entry.parent() else { return };
        let Ok(names) = fs::read_dir(folder) else {
            return;
        };
        let now = SystemTime::now();
        for e in names.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let limit = if name.starts_with(TEMP_PREFIX) {
                STALE_TEMP
            } else if name.ends_with(".bin") {
                STALE_ENTRY
            } else {
                continue;
            };
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > limit));
            if old {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// The name of `dir`'s entry: `<path hash>-<device>-<inode>-<birth ns>.bin`, all hex (see
/// the module doc); `None` when `dir` cannot be resolved.
pub(crate) fn key(dir: &Path) -> Option<String> {
    let canonical = fs::canonicalize(dir).ok()?;
    let meta = fs::metadata(&canonical).ok()?;
    let born = meta
        .created()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let path_hash = fnv1a(canonical.as_os_str().as_encoded_bytes());
    Some(format!(
        "{path_hash:016x}-{:x}-{:x}-{born:x}.bin",
        meta.dev(),
        meta.ino()
    ))
}

/// FNV-1a, 64 bits: stable across processes and versions, unlike the std hashers.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two directories, and one deleted and made again at the same path (ext4 hands the inode
    /// straight back), never share a key; a moved directory gets a new one; the same directory
    /// keeps its key while files come and go.
    #[test]
    fn keys_tell_directories_apart() {
        let root = tempfile::tempdir().unwrap();
        let a = root.path().join("a");
        let b = root.path().join("b");
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        let ka = key(&a).unwrap();
        assert_ne!(ka, key(&b).unwrap());
        fs::write(a.join("x.md"), "x").unwrap();
        fs::remove_file(a.join("x.md")).unwrap();
        assert_eq!(key(&a).unwrap(), ka, "a file added and removed");
        fs::remove_dir(&a).unwrap();
        assert_eq!(key(&a), None, "a directory that is not there");
        fs::create_dir(&a).unwrap();
        let born = fs::metadata(&a).unwrap().created().is_ok();
        if born {
            assert_ne!(key(&a).unwrap(), ka, "recreated");
        }
        let moved = root.path().join("moved");
        let before = key(&b).unwrap();
        fs::rename(&b, &moved).unwrap();
        assert_ne!(key(&moved).unwrap(), before, "moved");
    }

    /// A cache folder that cannot be made (its parent is a file) gives no temp file; one that
    /// can is made private to the user.
    #[test]
    fn temp_files_only_where_the_cache_can_be_written() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("file");
        fs::write(&file, "").unwrap();
        let cache = Cache::at(file.join("cache"));
        let entry = cache.entry(root.path()).unwrap();
        assert!(cache.temp_for(&entry).is_err());
        let cache = Cache::at(root.path().join("cache"));
        let entry = cache.entry(root.path()).unwrap();
        let (_, temp) = cache.temp_for(&entry).unwrap();
        assert!(temp.exists());
        let mode = fs::metadata(temp.parent().unwrap()).unwrap().mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    /// Only temp files and entries past their age are tidied away.
    #[test]
    fn tidy_removes_only_stale_files() {
        let root = tempfile::tempdir().unwrap();
        let cache = Cache::at(root.path());
        let entry = cache.entry(root.path()).unwrap();
        let folder = entry.parent().unwrap().to_path_buf();
        fs::create_dir_all(&folder).unwrap();
        let old = SystemTime::now() - STALE_ENTRY - Duration::from_secs(60);
        let aged = |name: &str| {
            let f = File::create(folder.join(name)).unwrap();
            f.set_modified(old).unwrap();
        };
        aged("tmp-1-2");
        aged("gone.bin");
        aged("other");
        fs::write(folder.join("tmp-3-4"), "").unwrap();
        fs::write(&entry, "").unwrap();
        cache.tidy(&entry);
        let mut left: Vec<String> = fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut want = vec![
            "other".to_string(),
            "tmp-3-4".to_string(),
            entry.file_name().unwrap().to_string_lossy().into_owned(),
        ];
        want.sort();
        assert_eq!(left, want);
    }
}

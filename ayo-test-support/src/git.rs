//! Running the real `git` in a test's temporary directory (to make repositories, linked
//! worktrees and submodules the project scope must understand).

use std::path::Path;
use std::process::Command;

/// Runs `git ARGS` in `dir` with a fixed identity, `main` as the first branch, local file
/// submodules allowed, and no `GIT_DIR` / `GIT_WORK_TREE` of the caller; panics with git's
/// stderr when it fails.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

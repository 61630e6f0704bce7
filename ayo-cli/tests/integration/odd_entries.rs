//! Odd entries in a store directory, through the real binary: a FIFO named `x.md` and a symlink
//! loop make no command hang or fail; `check` names each (exit 1, as for any problem).

use crate::common;

use std::time::{Duration, Instant};

use common::Ayo;

/// Runs `ayo` and kills it if it has not ended within 20 s (a hang fails the test).
fn run_bounded(ayo: &Ayo, args: &[&str]) -> (i32, String) {
    let mut child = ayo.spawn(args);
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            return (status.code().unwrap_or(-1), stdout);
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ayo {args:?} did not end within 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_fifo_and_a_symlink_loop_hang_and_fail_no_command() {
    let ayo = Ayo::new();
    let dir = ayo.home().join("p").join(".tickets");
    let d = dir.to_str().unwrap().to_string();
    let a = ayo.ok(&["--dir", &d, "ticket", "create", "A"]);
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(dir.join("x.md"))
        .status()
        .unwrap();
    assert!(fifo.success());
    std::os::unix::fs::symlink("loop.md", dir.join("loop.md")).unwrap();

    let (code, out) = run_bounded(&ayo, &["--dir", &d, "--json", "ticket", "ready"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&a), "{out}");
    let (code, out) = run_bounded(
        &ayo,
        &["--dir", &d, "--json", "ticket", "claim", "-a", "@me"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&a), "{out}");
    let (code, _) = run_bounded(&ayo, &["--dir", &d, "ticket", "close", &a]);
    assert_eq!(code, 0);
    let (code, out) = run_bounded(&ayo, &["--dir", &d, "--json", "ticket", "check"]);
    assert_eq!(code, 1, "{out}");
    let problems: serde_json::Value = serde_json::from_str(&out).unwrap();
    let named: Vec<&str> = problems
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["ticket"].as_str())
        .collect();
    assert!(named.contains(&"x") && named.contains(&"loop"), "{out}");
}

/// A writer that cannot get the store's lock within `AYO_LOCK_TIMEOUT` seconds exits 1 with
/// the BUSY error naming the lock and the holder the lock file names.
#[test]
fn a_held_lock_is_busy_after_the_lock_timeout() {
    let ayo = Ayo::new().with_env("AYO_LOCK_TIMEOUT", "0.5");
    let dir = ayo.home().join("p").join(".tickets");
    let d = dir.to_str().unwrap().to_string();
    ayo.ok(&["--dir", &d, "ticket", "create", "A"]);
    let path = dir.join(".ayo").join("lock");
    let mut lock = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    lock.lock().unwrap();
    lock.set_len(0).unwrap();
    std::io::Write::write_all(&mut lock, b"{\"pid\": 4242, \"host\": \"elsewhere\"}").unwrap();
    let start = Instant::now();
    let run = ayo.fails(1, &["--dir", &d, "--json", "ticket", "create", "B"]);
    assert!(start.elapsed() >= Duration::from_millis(400));
    let e = run.json_error();
    assert_eq!(e["code"], "BUSY", "{e}");
    assert_eq!(e["pid"], 4242, "{e}");
    assert_eq!(e["host"], "elsewhere", "{e}");
    assert_eq!(e["lock"], path.display().to_string(), "{e}");
    drop(lock);
    ayo.ok(&["--dir", &d, "ticket", "create", "B"]);
}

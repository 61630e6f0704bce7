//! The command `ayo ticket run` runs: started with the ticket in its environment, its stderr
//! passed through to ours with its tail kept, signals passed on, and stopped when the job is
//! lost.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ayo_tickets::Job;
use rustix::process::{Pid, Signal, kill_process};

use crate::interrupt::Signals;

/// How much of the command's stderr a note keeps: its last 4 KB.
pub(super) const TAIL_BYTES: usize = 4096;
/// How often the run looks at the command, the signals and the job.
const TICK: Duration = Duration::from_millis(20);
/// How long, after the command ended, its stderr may still take to be read to the end (a
/// process it left behind may hold it open).
const DRAIN: Duration = Duration::from_secs(1);

/// How the command ended, and what happened meanwhile.
pub(super) struct Ended {
    /// Its exit status.
    pub(super) status: ExitStatus,
    /// The signal passed on to it from `ayo`, if one came.
    pub(super) interrupted: Option<i32>,
    /// The signal that stopped it because the job was lost: SIGTERM, or SIGKILL after the
    /// grace period.
    pub(super) stopped: Option<i32>,
    /// The last lines of its stderr (at most [`TAIL_BYTES`]).
    pub(super) tail: String,
}

impl Ended {
    /// The status as a shell reports it: the exit code, or 128 + the signal that ended it.
    pub(super) fn code(&self) -> u8 {
        status_code(&self.status)
    }
}

/// A status as a shell reports it: the exit code, or 128 + the signal that ended it.
pub(super) fn status_code(status: &ExitStatus) -> u8 {
    match (status.code(), status.signal()) {
        (Some(c), _) => u8::try_from(c & 0xff).unwrap_or(1),
        (None, Some(s)) => u8::try_from(128 + s).unwrap_or(255),
        _ => 1,
    }
}

/// A status in words: "exited with status 7", "was killed by signal 9 (SIGKILL)".
pub(super) fn describe(status: &ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(c), _) => format!("exited with status {c}"),
        (None, Some(s)) => format!("was killed by signal {s} ({})", signal_name(s)),
        _ => "ended".into(),
    }
}

/// A signal's name, for notes.
pub(super) fn signal_name(sig: i32) -> &'static str {
    match sig {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => "signal",
    }
}

/// Runs `argv` with `env` added to the environment until it ends; passes on the signals `ayo`
/// gets; stops it (SIGTERM, then SIGKILL after `grace`) when `job` is lost. Its stdout goes to
/// ours, or to our stderr when `stdout_to_stderr` (so that `--json` output stays clean).
pub(super) fn run(
    argv: &[OsString],
    env: &[(String, OsString)],
    job: &Job,
    signals: &Signals,
    grace: Duration,
    stdout_to_stderr: bool,
) -> std::io::Result<Ended> {
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..]).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    if stdout_to_stderr {
        use std::os::fd::AsFd;
        cmd.stdout(Stdio::from(std::io::stderr().as_fd().try_clone_to_owned()?));
    }
    let mut child = cmd.spawn()?;
    let pid = Pid::from_child(&child);
    let tail = Arc::new(Mutex::new(Vec::<u8>::new()));
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let stderr = child.stderr.take().expect("stderr is piped");
    {
        let tail = Arc::clone(&tail);
        std::thread::spawn(move || {
            tee(stderr, &tail);
            let _ = done_tx.send(());
        });
    }
    let send = |sig: Signal| {
        let _ = kill_process(pid, sig);
    };
    let mut interrupted = None;
    let mut stopped = None;
    let mut lost_at: Option<Instant> = None;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if let Some(sig) = signals.take() {
            interrupted = Some(sig);
            if let Some(s) = Signal::from_named_raw(sig) {
                send(s);
            }
        }
        match lost_at {
            None if job.lost().is_some() => {
                send(Signal::TERM);
                stopped = Some(15);
                lost_at = Some(Instant::now());
            }
            Some(at) if stopped == Some(15) && at.elapsed() >= grace => {
                send(Signal::KILL);
                stopped = Some(9);
            }
            _ => {}
        }
        std::thread::sleep(TICK);
    };
    let _ = done_rx.recv_timeout(DRAIN);
    let tail = last_lines(&tail.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(Ended {
        status,
        interrupted,
        stopped,
        tail,
    })
}

/// Copies the command's stderr to ours, keeping its last [`TAIL_BYTES`] bytes.
fn tee(mut from: impl Read, tail: &Mutex<Vec<u8>>) {
    let mut buf = [0u8; 8192];
    let mut out = std::io::stderr();
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let _ = out.write_all(&buf[..n]);
        let mut t = tail.lock().unwrap_or_else(|e| e.into_inner());
        t.extend_from_slice(&buf[..n]);
        // Keep more than the tail, so that [`last_lines`] can start it at a line.
        if t.len() > 4 * TAIL_BYTES {
            let cut = t.len() - 2 * TAIL_BYTES;
            t.drain(..cut);
        }
    }
}

/// The last whole lines of `bytes` that fit in [`TAIL_BYTES`], as text (invalid UTF-8
/// replaced, NUL bytes dropped).
pub(super) fn last_lines(bytes: &[u8]) -> String {
    let mut start = bytes.len().saturating_sub(TAIL_BYTES);
    if start > 0 {
        // Start at a line: after the first line break of the kept part, if there is one.
        if let Some(nl) = bytes[start..].iter().position(|b| *b == b'\n') {
            start += nl + 1;
        }
    }
    let text = String::from_utf8_lossy(&bytes[start..]).replace('\0', "");
    // Replacement characters may have made it longer: cut back at a character boundary.
    let mut text = text.trim_end().to_string();
    while text.len() > TAIL_BYTES {
        let mut at = text.len() - TAIL_BYTES;
        while !text.is_char_boundary(at) {
            at += 1;
        }
        text = text[at..].to_string();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_keeps_whole_lines_within_four_kilobytes() {
        let mut bytes = Vec::new();
        for i in 0..1000 {
            bytes.extend_from_slice(format!("line {i}\n").as_bytes());
        }
        let tail = last_lines(&bytes);
        assert!(tail.len() <= TAIL_BYTES);
        assert!(tail.ends_with("line 999"));
        assert!(tail.starts_with("line "), "{}", &tail[..20]);
        assert_eq!(last_lines(b"short\n"), "short");
        assert_eq!(last_lines(&[0xff; 5000]).len(), TAIL_BYTES - 1);
    }

    #[test]
    fn statuses_read_as_a_shell_reads_them() {
        let exit7 = ExitStatus::from_raw(7 << 8);
        let killed = ExitStatus::from_raw(9);
        assert_eq!(
            (status_code(&exit7), describe(&exit7)),
            (7, "exited with status 7".into())
        );
        assert_eq!(status_code(&killed), 137);
        assert_eq!(describe(&killed), "was killed by signal 9 (SIGKILL)");
    }
}

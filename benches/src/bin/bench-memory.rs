//! `bench-memory [N]`: the memory store's footprint with N tickets (default 100 000) of the
//! bench project graph: the process's resident memory (VmRSS) and its peak (VmHWM) from
//! `/proc/self/status`, before, after loading, and after a `ready` and a `list` over them.

use std::time::Instant;

fn status(key: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn report(when: &str) {
    let mb = |kb: Option<u64>| kb.map_or("?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0));
    println!(
        "{when:<28} VmRSS {:>7} MB   VmHWM {:>7} MB",
        mb(status("VmRSS:")),
        mb(status("VmHWM:"))
    );
}

fn main() -> Result<(), ayo_tickets::Error> {
    let n: usize = match std::env::args().nth(1).map(|s| s.parse()) {
        None => 100_000,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("usage: bench-memory [N]");
            std::process::exit(2);
        }
    };
    report("start");
    let started = Instant::now();
    let tickets = ayo_benches::memory_project(n)?;
    let loaded = started.elapsed();
    report(&format!("{n} tickets loaded"));
    let started = Instant::now();
    let ready = tickets.ready(None)?;
    let ready_took = started.elapsed();
    report(&format!("ready ({} tickets)", ready.len()));
    drop(ready);
    let all = tickets.list(&Default::default())?;
    report(&format!("list ({} tickets)", all.len()));
    drop(all);
    println!(
        "load {:.2} s, ready {:.1} ms",
        loaded.as_secs_f64(),
        ready_took.as_secs_f64() * 1e3
    );
    Ok(())
}

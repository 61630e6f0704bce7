//! What the criterion benches share: a group's settings, and timing an operation without the
//! undo that keeps the dataset as it was.

use std::time::{Duration, Instant};

use criterion::{BenchmarkGroup, Criterion, SamplingMode, measurement::WallTime};

/// A benchmark group for slow operations: 10 flat samples over 2 s after a 300 ms warm-up.
pub fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(300));
    g.measurement_time(Duration::from_secs(2));
    g.sampling_mode(SamplingMode::Flat);
    g
}

/// Times `op` alone over `iters` rounds, running `undo` on what it gave after each, untimed.
pub fn timed<T>(iters: u64, mut op: impl FnMut() -> T, mut undo: impl FnMut(T)) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        let done = op();
        total += start.elapsed();
        undo(done);
    }
    total
}

//! Test-only pauses inside the windows that races and crashes aim at.
//!
//! Built only with the `test-hooks` feature. `AYO_TEST_HOOK=point=ms[,point=ms...]` makes the
//! process sleep that long at each named point: `claim_pick` (between choosing a ticket to
//! claim and writing the claim), `after_temp` (temp file written, not yet renamed) and
//! `after_rename` (ticket file in place, audit entry not yet written). `point=panic` panics
//! there instead: how the bindings' tests prove a panic in the core becomes an error of their
//! language, not an abort.

/// Sleeps at `point` if `AYO_TEST_HOOK` names it.
#[cfg(feature = "test-hooks")]
pub(crate) fn pause(point: &str) {
    use std::sync::OnceLock;
    static HOOKS: OnceLock<Vec<(String, Option<u64>)>> = OnceLock::new();
    let hooks = HOOKS.get_or_init(|| {
        std::env::var("AYO_TEST_HOOK")
            .unwrap_or_default()
            .split(',')
            .filter_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                let ms = match v.trim() {
                    "panic" => None,
                    ms => Some(ms.parse().ok()?),
                };
                Some((k.trim().to_string(), ms))
            })
            .collect()
    });
    match hooks.iter().find(|(k, _)| k == point) {
        Some((_, Some(ms))) => std::thread::sleep(std::time::Duration::from_millis(*ms)),
        Some((_, None)) => panic!("AYO_TEST_HOOK: a panic at {point}"),
        None => {}
    }
}

/// Does nothing: built without the `test-hooks` feature.
#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub(crate) fn pause(_point: &str) {}

//! `Tickets.watch(options)`: the store's changes as an async iterator. A [`Watcher`] holds the
//! core's watch; each step (`next`) blocks in the core on a thread of its own (never the event
//! loop) and settles a promise; an `AbortSignal` ends the step with an `AbortError`. The async
//! generator around it is a few lines of `work.js`.

use std::sync::{Arc, Mutex};

use ayo_tickets as ayo;
use napi::Env;
use napi::bindgen_prelude::{FnArgs, Function, JsObjectValue, Object, Unknown};
use napi_derive::napi;

use crate::abort::SignalRef;
use crate::args::optional;
use crate::convert::LogEntry;
use crate::wait;

/// The audit log's new entries as they are written (from `Tickets.watcher`; `Tickets.watch`
/// wraps one in an async iterator).
#[napi]
pub struct Watcher {
    inner: Arc<Mutex<ayo::Watch<Arc<ayo::Tickets>>>>,
}

impl Watcher {
    /// Wraps a core watch.
    pub fn new(inner: ayo::Watch<Arc<ayo::Tickets>>) -> Self {
        Watcher {
            inner: Arc::new(Mutex::new(inner)),
        }
    }
}

#[napi]
impl Watcher {
    /// The next change: a promise settled when it is written; `signal` rejects it with an
    /// `AbortError`.
    #[napi(
        catch_unwind,
        ts_args_type = "signal?: AbortSignal | undefined | null",
        ts_return_type = "Promise<LogEntry>"
    )]
    pub fn next<'e>(&self, env: &'e Env, signal: Unknown<'_>) -> napi::Result<Object<'e>> {
        let signal = match optional::<SignalRef>("watch", "signal", signal) {
            Ok(s) => s,
            Err(e) => return wait::rejected::<LogEntry>(env, e),
        };
        let inner = Arc::clone(&self.inner);
        wait::spawn(env, signal, move |interrupt| {
            let mut watch = inner.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                if let Some(e) = watch.next_entry(None, Some(interrupt))? {
                    return Ok(LogEntry::from(e));
                }
            }
        })
    }
}

/// Calls `work.js`'s `watch(watcher, options)`: an async iterator.
pub fn iterate<'e>(
    env: &'e Env,
    watcher: Unknown<'e>,
    options: Unknown<'e>,
) -> napi::Result<Unknown<'e>> {
    let watch: Function<'_, FnArgs<(Unknown<'_>, Unknown<'_>)>, Unknown<'_>> =
        crate::job::helpers(env)?.get_named_property("watch")?;
    watch.call(FnArgs::from((watcher, options)))
}

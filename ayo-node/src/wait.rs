//! Promises settled from threads of their own: `claim` and `waitReady` block in the core on a
//! dedicated thread (never the event loop, never libuv's thread pool) and settle a deferred
//! promise through a threadsafe function. An `AbortSignal` interrupts the wait.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ayo_tickets as ayo;
use napi::bindgen_prelude::{Object, ToNapiValue};
use napi::{Env, JsDeferred};

use crate::abort::{AbortWatch, SignalRef, abort_error};
use crate::error::to_js;

/// What settles a promise, run on the JavaScript thread.
type Settle<T> = Box<dyn FnOnce(Env) -> napi::Result<T>>;

/// The interrupt check the core runs while it waits: an error once the signal has fired.
pub type Interrupt = dyn Fn() -> ayo::Result<()> + Sync;

/// A promise still to settle, with its signal watch. Dropped unsettled (the thread could not
/// start, or panicked), it rejects rather than leaving the promise pending forever.
struct Pending<T: ToNapiValue + 'static> {
    deferred: Option<JsDeferred<T, Settle<T>>>,
    watch: Option<AbortWatch>,
}

impl<T: ToNapiValue + Send + 'static> Pending<T> {
    fn settle(mut self, result: ayo::Result<T>) {
        if let Some(deferred) = self.deferred.take() {
            let watch = self.watch.take();
            deferred.resolve(Box::new(move |env| finish(&env, watch, result)));
        }
    }
}

impl<T: ToNapiValue + 'static> Drop for Pending<T> {
    fn drop(&mut self) {
        if let Some(deferred) = self.deferred.take() {
            let watch = self.watch.take();
            deferred.resolve(Box::new(move |env| {
                finish::<T>(
                    &env,
                    watch,
                    Err(ayo::Error::storage(
                        "the waiting thread ended without an answer",
                    )),
                )
            }));
        }
    }
}

/// Runs `work` on a thread of its own and returns a promise of its result. `work` gets the
/// interrupt check of `signal`. A signal that has already fired, or is not a signal, rejects
/// without running it.
pub fn spawn<'e, T, W>(env: &'e Env, signal: Option<SignalRef>, work: W) -> napi::Result<Object<'e>>
where
    T: ToNapiValue + Send + 'static,
    W: FnOnce(&Interrupt) -> ayo::Result<T> + Send + 'static,
{
    let (deferred, promise) = env.create_deferred::<T, Settle<T>>()?;
    let mut pending = Pending {
        deferred: Some(deferred),
        watch: None,
    };
    if let Some(s) = signal {
        match AbortWatch::start(env, s) {
            Ok(w) => pending.watch = Some(w),
            Err(e) => {
                pending.settle(Err(e));
                return Ok(promise);
            }
        }
    }
    let flag: Option<Arc<AtomicBool>> = pending.watch.as_ref().map(AbortWatch::flag);
    if flag.as_ref().is_some_and(|f| f.load(Ordering::SeqCst)) {
        pending.settle(Err(ayo::Error::Interrupted));
        return Ok(promise);
    }
    let interrupt = move || match &flag {
        Some(f) if f.load(Ordering::SeqCst) => Err(ayo::Error::Interrupted),
        _ => Ok(()),
    };
    // A failure to start the thread drops `pending`, which rejects the promise.
    let _ = std::thread::Builder::new()
        .name("ayo-wait".into())
        .spawn(move || {
            // A panic in the core rejects the promise with its message; it never unwinds
            // out of the thread (nor leaves the promise pending).
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&interrupt)))
                    .unwrap_or_else(|payload| Err(ayo::Error::storage(panic_message(payload))));
            pending.settle(result);
        });
    Ok(promise)
}

/// What a caught panic says: "a panic in ayo-tickets: <its message>".
fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    let text = match (
        payload.downcast_ref::<&str>(),
        payload.downcast_ref::<String>(),
    ) {
        (Some(s), _) => (*s).to_string(),
        (_, Some(s)) => s.clone(),
        _ => "(no message)".to_string(),
    };
    // The payload may itself panic when dropped: forget it rather than risk an abort.
    std::mem::forget(payload);
    format!("a panic in ayo-tickets: {text}")
}

/// A promise of `T` rejected with `e`: how a promise-returning method refuses its arguments.
pub fn rejected<'e, T>(env: &'e Env, e: ayo::Error) -> napi::Result<Object<'e>>
where
    T: ToNapiValue + Send + 'static,
{
    let (deferred, promise) = env.create_deferred::<T, Settle<T>>()?;
    Pending {
        deferred: Some(deferred),
        watch: None,
    }
    .settle(Err(e));
    Ok(promise)
}

/// Settles on the JavaScript thread: stops watching the signal, and maps an error to an
/// `AbortError` when the signal fired during the wait, else to the contract's error.
fn finish<T>(env: &Env, watch: Option<AbortWatch>, result: ayo::Result<T>) -> napi::Result<T> {
    let aborted = watch.as_ref().is_some_and(AbortWatch::aborted);
    let reason = watch.and_then(|w| w.finish(env));
    match result {
        Ok(v) => Ok(v),
        Err(_) if aborted => Err(abort_error(env, reason)),
        Err(e) => Err(to_js(env, e)),
    }
}

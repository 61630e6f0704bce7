//! Watching an `AbortSignal` from a waiting thread: an `abort` listener sets a flag that the
//! core's interrupt check reads; the listener is removed when the wait settles.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ayo_tickets as ayo;
use napi::bindgen_prelude::{
    FnArgs, Function, FunctionRef, JsObjectValue, Object, ObjectRef, Unknown,
};
use napi::{Env, JsValue};

/// The reference to a signal that options objects hold (released by [`AbortWatch::finish`]).
pub type SignalRef = ObjectRef<false>;

type Listener<'e> = Function<'e, (), ()>;
type ListenerCall<'e> = Function<'e, FnArgs<(&'static str, Listener<'e>)>, Unknown<'e>>;

/// An `abort` listener on a signal, and the flag it sets.
pub struct AbortWatch {
    flag: Arc<AtomicBool>,
    signal: SignalRef,
    listener: FunctionRef<(), ()>,
}

impl AbortWatch {
    /// Listens for `abort` on `signal`. The reference is released on failure too.
    pub fn start(env: &Env, signal: SignalRef) -> ayo::Result<Self> {
        match listen(env, &signal) {
            Ok((flag, listener)) => Ok(AbortWatch {
                flag,
                signal,
                listener,
            }),
            Err(_) => {
                let _ = signal.unref(env);
                Err(ayo::Error::invalid("signal must be an AbortSignal"))
            }
        }
    }

    /// True once the signal has fired.
    pub fn aborted(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// The flag the listener sets, for the waiting thread.
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.flag)
    }

    /// Removes the listener and releases the signal; returns the signal's `reason`.
    pub fn finish(self, env: &Env) -> Option<Unknown<'_>> {
        let reason = self.signal.get_value(env).ok().and_then(|signal| {
            let listener = self.listener.borrow_back(env).ok()?;
            let remove: ListenerCall<'_> = signal.get_named_property("removeEventListener").ok()?;
            let _ = remove.apply(signal, FnArgs::from(("abort", listener)));
            signal.get_named_property::<Unknown<'_>>("reason").ok()
        });
        let _ = self.signal.unref(env);
        reason
    }
}

fn listen(env: &Env, signal: &SignalRef) -> napi::Result<(Arc<AtomicBool>, FunctionRef<(), ()>)> {
    let obj: Object<'_> = signal.get_value(env)?;
    let aborted: bool = obj.get_named_property("aborted")?;
    let flag = Arc::new(AtomicBool::new(aborted));
    let set = Arc::clone(&flag);
    let listener: Listener<'_> = env.create_function_from_closure("onAbort", move |_| {
        set.store(true, Ordering::SeqCst);
        Ok(())
    })?;
    let add: ListenerCall<'_> = obj.get_named_property("addEventListener")?;
    add.apply(obj, FnArgs::from(("abort", listener)))?;
    Ok((flag, listener.create_ref()?))
}

/// The error an aborted wait rejects with: `name` `AbortError` like Node's own, the core's
/// `code` `INTERRUPTED` (as a cancelled Python wait and a Ctrl-C in the CLI), and the
/// signal's reason as `cause`.
pub fn abort_error(env: &Env, reason: Option<Unknown<'_>>) -> napi::Error {
    let build = || -> napi::Result<napi::Error> {
        let mut err = env.create_error(napi::Error::from_reason("The operation was aborted"))?;
        err.set_named_property("name", "AbortError")?;
        err.set_named_property("code", ayo_tickets::Error::Interrupted.code())?;
        if let Some(r) = reason {
            err.set_named_property("cause", r)?;
        }
        Ok(napi::Error::from(err.to_unknown()))
    };
    build().unwrap_or_else(|_| napi::Error::from_reason("AbortError: The operation was aborted"))
}

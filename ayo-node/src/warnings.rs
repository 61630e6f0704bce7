//! Warnings about ticket files a read had to skip go to `process.emitWarning` (type
//! `AyoTicketsWarning`), so a program can listen for them with `process.on('warning', ...)`.
//! A read on the JavaScript thread emits at once; a read on a waiting thread goes through a
//! weak threadsafe function (which never keeps the process alive).

use std::sync::Arc;
use std::thread::ThreadId;

use ayo_tickets as ayo;
use napi::bindgen_prelude::{FnArgs, Function, FunctionRef, JsObjectValue, Object};
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::{Env, sys};

/// The `type` of the warnings.
const WARNING_TYPE: &str = "AyoTicketsWarning";

type Args = FnArgs<(String, &'static str)>;

/// The JavaScript thread's environment, kept as an address so the handler is `Send`; it is only
/// turned back into an [`Env`] on the thread that made it.
struct Home {
    env: usize,
    thread: ThreadId,
}

/// A warning handler that calls `process.emitWarning`; `None` where there is no `process`.
pub fn handler(env: &Env) -> Option<ayo::WarningHandler> {
    let build = || -> napi::Result<ayo::WarningHandler> {
        let process: Object<'_> = env.get_global()?.get_named_property("process")?;
        let emit: Function<'_, Args, ()> = process.get_named_property("emitWarning")?;
        let direct: FunctionRef<Args, ()> = emit.create_ref()?;
        let queued = emit
            .build_threadsafe_function::<Args>()
            .callee_handled::<false>()
            .weak::<true>()
            .build()?;
        let home = Home {
            env: env.raw() as usize,
            thread: std::thread::current().id(),
        };
        Ok(Arc::new(move |u: &ayo::Unreadable| {
            let args = FnArgs::from((format!("skipped {}", u.error), WARNING_TYPE));
            if std::thread::current().id() == home.thread {
                let env = Env::from_raw(home.env as sys::napi_env);
                if let Ok(f) = direct.borrow_back(&env) {
                    let _ = f.call(args);
                }
            } else {
                queued.call(args, ThreadsafeFunctionCallMode::NonBlocking);
            }
        }))
    };
    build().ok()
}

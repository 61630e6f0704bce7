//! The one mapping of core errors to JavaScript: an `Error` whose `code` is the contract's code
//! (`NOT_FOUND`, `AMBIGUOUS`, ...) and which carries the variant's data as properties.

use ayo_tickets as ayo;
use napi::bindgen_prelude::{JsObjectValue, Null, Object, Status};
use napi::{Env, JsValue};

use crate::convert::line_number;

/// Converts a core error into the JavaScript error a method throws (or a promise rejects with).
pub fn to_js(env: &Env, e: ayo::Error) -> napi::Error {
    match build(env, &e) {
        Ok(obj) => napi::Error::from(obj.to_unknown()),
        // Building the object failed (the engine is out of memory or shutting down): keep
        // the message at least.
        Err(_) => napi::Error::new(Status::GenericFailure, format!("{}: {e}", e.code())),
    }
}

/// Maps the error of a core call.
pub fn check<T>(env: &Env, r: ayo::Result<T>) -> napi::Result<T> {
    r.map_err(|e| to_js(env, e))
}

fn build<'e>(env: &'e Env, e: &ayo::Error) -> napi::Result<Object<'e>> {
    let mut obj = env.create_error(napi::Error::from_reason(e.to_string()))?;
    obj.set_named_property("code", e.code())?;
    match e {
        ayo::Error::NotFound { id } | ayo::Error::AlreadyExists { id } => {
            obj.set_named_property("id", id.as_str())?;
        }
        ayo::Error::NotADep { id, dep } => {
            obj.set_named_property("id", id.as_str())?;
            obj.set_named_property("dep", dep.as_str())?;
        }
        ayo::Error::Ambiguous { prefix, candidates } => {
            obj.set_named_property("prefix", prefix.as_str())?;
            obj.set_named_property("candidates", candidates.clone())?;
        }
        ayo::Error::Cycle { cycle } => {
            obj.set_named_property("cycle", cycle.clone())?;
        }
        ayo::Error::InvalidTransition { id, action, status } => {
            obj.set_named_property("id", id.as_str())?;
            obj.set_named_property("action", action.as_str())?;
            obj.set_named_property("status", status.as_str())?;
        }
        ayo::Error::Blocked { id, blocked_by } => {
            obj.set_named_property("id", id.as_str())?;
            obj.set_named_property("blockedBy", blocked_by.clone())?;
        }
        ayo::Error::Conflict { id, .. } => {
            obj.set_named_property("id", id.as_str())?;
        }
        ayo::Error::Parse { path, line, .. } => {
            obj.set_named_property("path", path.display().to_string())?;
            match line {
                Some(l) => obj.set_named_property("line", line_number(*l))?,
                None => obj.set_named_property("line", Null)?,
            }
        }
        ayo::Error::Invalid { .. } | ayo::Error::Storage { .. } => {}
    }
    Ok(obj)
}

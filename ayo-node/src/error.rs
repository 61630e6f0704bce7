//! The one mapping of core errors to JavaScript: an `Error` whose `code` is the contract's code
//! (`NOT_FOUND`, `AMBIGUOUS`, ...) and which carries the core's fields (`Error::fields`) as
//! properties, their names in camelCase.

use ayo_tickets as ayo;
use ayo_tickets::Field;
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
    for (name, value) in e.fields() {
        let name = camel_case(name);
        match value {
            Field::Text(s) => obj.set_named_property(&name, s)?,
            Field::Path(p) => obj.set_named_property(&name, p.display().to_string())?,
            Field::List(l) => obj.set_named_property(&name, l)?,
            Field::Number(Some(n)) => obj.set_named_property(&name, line_number(n))?,
            Field::Number(None) => obj.set_named_property(&name, Null)?,
        }
    }
    Ok(obj)
}

/// A field's name as JavaScript spells it (`blocked_by` → `blockedBy`), like a ticket's keys.
fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

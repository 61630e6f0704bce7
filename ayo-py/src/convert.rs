//! Conversions of plain values between Python and the core: JSON values to Python objects (for
//! `to_dict`), seconds to durations.

use std::time::Duration;

use ayo_tickets::Error;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;
use serde_json::Value;

/// A JSON value as the Python object `json.loads` would give.
pub fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// A serializable core value in the contract's JSON shape, as Python objects.
pub fn to_dict<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    json_to_py(py, &json)
}

/// A timeout in seconds: `None` waits forever, as the core reads the rest.
pub fn timeout(seconds: Option<f64>) -> Result<Option<Duration>, Error> {
    Ok(seconds
        .map(ayo_tickets::timeout_from_secs)
        .transpose()?
        .flatten())
}

/// A lease length in whole seconds; negative is invalid.
pub fn lease(seconds: Option<i64>) -> Result<Option<u64>, Error> {
    seconds
        .map(|s| {
            u64::try_from(s).map_err(|_| {
                Error::invalid(format!(
                    "lease must be a non-negative number of seconds, not {s}"
                ))
            })
        })
        .transpose()
}

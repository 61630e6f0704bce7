//! Conversions of plain values between Python and the core: JSON values to Python objects (for
//! `to_dict`), and arguments where `None` clears.

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

/// An argument where `None` means something (clear the field) apart from not being given:
/// the default of its keyword is [`Clearable::Keep`], and `None` passed explicitly is
/// [`Clearable::Clear`]. The core's `Update` says what clearing means.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Clearable<T = String> {
    /// Not given: keep the field.
    #[default]
    Keep,
    /// `None`: clear the field.
    Clear,
    /// A value.
    Set(T),
}

impl<T> Clearable<T> {
    /// The core's shape: `None` keeps, `Some(None)` clears.
    pub fn into_core(self) -> Option<Option<T>> {
        match self {
            Clearable::Keep => None,
            Clearable::Clear => Some(None),
            Clearable::Set(v) => Some(Some(v)),
        }
    }
}

impl<'a, 'py, T> FromPyObject<'a, 'py> for Clearable<T>
where
    T: FromPyObject<'a, 'py>,
    T::Error: Into<PyErr>,
{
    type Error = PyErr;

    fn extract(ob: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if ob.is_none() {
            Ok(Clearable::Clear)
        } else {
            ob.extract::<T>().map(Clearable::Set).map_err(Into::into)
        }
    }
}

/// A moment as Python gives one: an aware `datetime`, or text the core reads with
/// [`ayo_tickets::when_from_text`] (RFC 3339, or `90s`, `30m`, `2h`, `3d` from now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When(pub chrono::DateTime<chrono::Utc>);

impl<'a, 'py> FromPyObject<'a, 'py> for When {
    type Error = PyErr;

    fn extract(ob: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match ob.extract::<String>() {
            Ok(text) => ayo_tickets::when_from_text(&text)
                .map(When)
                .map_err(|e| crate::errors::to_py(ob.py(), e)),
            Err(_) => ob.extract::<chrono::DateTime<chrono::Utc>>().map(When),
        }
    }
}

/// An age as Python gives one: a `timedelta`, or text the core reads with
/// [`ayo_tickets::duration_from_text`] (`90s`, `30m`, `2h`, `3d`). A negative one is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age(pub std::time::Duration);

impl<'a, 'py> FromPyObject<'a, 'py> for Age {
    type Error = PyErr;

    fn extract(ob: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let to_py = |e| crate::errors::to_py(ob.py(), e);
        match ob.extract::<String>() {
            Ok(text) => ayo_tickets::duration_from_text(&text)
                .map(Age)
                .map_err(to_py),
            Err(_) => {
                let delta = ob.extract::<chrono::TimeDelta>()?;
                delta.to_std().map(Age).map_err(|_| {
                    to_py(ayo_tickets::Error::invalid(format!(
                        "an age cannot be negative: {delta}"
                    )))
                })
            }
        }
    }
}

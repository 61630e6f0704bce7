//! The one conversion of the arguments methods take. Every argument arrives as an untyped
//! JavaScript value and goes through here, so a value of the wrong type, an options argument that
//! is not an object, and an option key nobody knows are all `INVALID`, with a message naming the
//! method, the argument or key, the type it must have and what it got. `null` and `undefined`
//! both mean "not given" for anything optional.

use ayo_tickets as ayo;
use napi::JsValue;
use napi::bindgen_prelude::{
    Array, FromNapiValue, Function, JsObjectValue, Object, Unknown, ValueType,
};

use crate::abort::SignalRef;

/// A type an argument or an option converts to.
pub trait Arg: Sized {
    /// What it must be, in words: `a string`, `an array of strings`, ...
    const EXPECTED: &'static str;
    /// The value as `Self`, or what was found instead, in words.
    fn convert(v: Unknown<'_>) -> Result<Self, String>;
}

/// `undefined`, `null`, `a string`, `an array`, ...: what a value is, for messages.
pub fn found(v: &Unknown<'_>) -> String {
    let kind = match v.get_type() {
        Ok(ValueType::Undefined) => "undefined",
        Ok(ValueType::Null) => "null",
        Ok(ValueType::Boolean) => "a boolean",
        Ok(ValueType::Number) => "a number",
        Ok(ValueType::String) => "a string",
        Ok(ValueType::Symbol) => "a symbol",
        Ok(ValueType::BigInt) => "a bigint",
        Ok(ValueType::Function) => "a function",
        Ok(ValueType::Object) if v.is_array().unwrap_or(false) => "an array",
        Ok(ValueType::Object) => "an object",
        _ => "a value of unknown type",
    };
    kind.to_string()
}

/// True for `undefined` and `null`: an optional value that was not given.
fn absent(v: &Unknown<'_>) -> bool {
    matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null))
}

fn is(v: &Unknown<'_>, t: ValueType) -> bool {
    v.get_type().is_ok_and(|got| got == t)
}

/// Converts `v` when it is of type `t`, else reports what it is.
fn typed<T: FromNapiValue>(v: &Unknown<'_>, t: ValueType) -> Result<T, String> {
    if !is(v, t) {
        return Err(found(v));
    }
    T::from_unknown(*v).map_err(|e| format!("a value that cannot be read ({e})"))
}

impl Arg for String {
    const EXPECTED: &'static str = "a string";
    fn convert(v: Unknown<'_>) -> Result<Self, String> {
        typed(&v, ValueType::String)
    }
}

impl Arg for bool {
    const EXPECTED: &'static str = "a boolean";
    fn convert(v: Unknown<'_>) -> Result<Self, String> {
        typed(&v, ValueType::Boolean)
    }
}

impl Arg for f64 {
    const EXPECTED: &'static str = "a number";
    fn convert(v: Unknown<'_>) -> Result<Self, String> {
        typed(&v, ValueType::Number)
    }
}

impl Arg for Vec<String> {
    const EXPECTED: &'static str = "an array of strings";
    fn convert(v: Unknown<'_>) -> Result<Self, String> {
        if !v.is_array().unwrap_or(false) {
            return Err(found(&v));
        }
        let unreadable = |e: napi::Error| format!("an array that cannot be read ({e})");
        let arr = Array::from_unknown(v).map_err(unreadable)?;
        (0..arr.len())
            .map(|i| {
                let item: Unknown<'_> = arr.get_element(i).map_err(unreadable)?;
                String::convert(item).map_err(|f| format!("an array holding {f} at index {i}"))
            })
            .collect()
    }
}

impl Arg for SignalRef {
    const EXPECTED: &'static str = "an AbortSignal";
    fn convert(v: Unknown<'_>) -> Result<Self, String> {
        let obj: Object<'_> = typed(&v, ValueType::Object)?;
        obj.create_ref()
            .map_err(|e| format!("an object that cannot be kept ({e})"))
    }
}

impl Arg for chrono::DateTime<chrono::Utc> {
    const EXPECTED: &'static str = "a Date or an RFC 3339 string";
    fn convert(v: Unknown<'_>) -> Result<Self, String> {
        if v.is_date().unwrap_or(false) {
            let at =
                Self::from_unknown(v).map_err(|e| format!("a Date that cannot be read ({e})"))?;
            return Ok(at);
        }
        let text: String = typed(&v, ValueType::String)?;
        chrono::DateTime::parse_from_rfc3339(text.trim())
            .map(|at| at.with_timezone(&chrono::Utc))
            .map_err(|_| format!("the string {text:?}"))
    }
}

/// A moment as `defer` takes one: a `Date`, or a string the core reads (RFC 3339, or a duration
/// from now such as `"2h"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When(pub chrono::DateTime<chrono::Utc>);

impl Arg for When {
    const EXPECTED: &'static str = "a Date, an RFC 3339 string or a duration such as \"2h\"";
    fn convert(v: Unknown<'_>) -> Result<Self, String> {
        if v.is_date().unwrap_or(false) {
            return chrono::DateTime::<chrono::Utc>::convert(v).map(When);
        }
        let text: String = typed(&v, ValueType::String)?;
        ayo::when_from_text(&text)
            .map(When)
            .map_err(|_| format!("the string {text:?}"))
    }
}

/// A length of time as `archiveOlderThan` takes one: a number of seconds, or a string the core
/// reads (`"90s"`, `"30m"`, `"2h"`, `"3d"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age(pub std::time::Duration);

impl Arg for Age {
    const EXPECTED: &'static str = "a number of seconds or a duration such as \"30d\"";
    fn convert(v: Unknown<'_>) -> Result<Self, String> {
        if v.get_type().ok() == Some(ValueType::Number) {
            let secs: f64 = typed(&v, ValueType::Number)?;
            return std::time::Duration::try_from_secs_f64(secs)
                .map(Age)
                .map_err(|_| format!("{secs}"));
        }
        let text: String = typed(&v, ValueType::String)?;
        ayo::duration_from_text(&text)
            .map(Age)
            .map_err(|_| format!("the string {text:?}"))
    }
}

/// The `INVALID` error of a value that is not what `what` must be.
fn wrong(method: &str, what: &str, expected: &str, got: &str) -> ayo::Error {
    ayo::Error::invalid(format!("{method}: {what} must be {expected}, not {got}"))
}

/// A required argument: `undefined` and `null` are refused like any other wrong type.
pub fn required<T: Arg>(method: &str, name: &str, v: Unknown<'_>) -> ayo::Result<T> {
    T::convert(v).map_err(|got| wrong(method, name, T::EXPECTED, &got))
}

/// An optional argument: `undefined` and `null` are `None`.
pub fn optional<T: Arg>(method: &str, name: &str, v: Unknown<'_>) -> ayo::Result<Option<T>> {
    if absent(&v) {
        Ok(None)
    } else {
        required(method, name, v).map(Some)
    }
}

/// The function `batch` runs.
pub fn function<'e>(
    method: &str,
    name: &str,
    v: Unknown<'e>,
) -> ayo::Result<Function<'e, Object<'e>, Unknown<'e>>> {
    typed(&v, ValueType::Function).map_err(|got| wrong(method, name, "a function", &got))
}

/// An options object read key by key.
pub struct Reader<'e> {
    method: &'static str,
    obj: Object<'e>,
}

impl Reader<'_> {
    fn value(&self, key: &str) -> ayo::Result<Unknown<'_>> {
        self.obj.get_named_property(key).map_err(|e| {
            ayo::Error::invalid(format!(
                "{}: option '{key}' cannot be read: {e}",
                self.method
            ))
        })
    }

    /// An option; `undefined` and `null` are `None`.
    pub fn get<T: Arg>(&self, key: &str) -> ayo::Result<Option<T>> {
        let v = self.value(key)?;
        if absent(&v) {
            return Ok(None);
        }
        T::convert(v)
            .map(Some)
            .map_err(|got| wrong(self.method, &format!("option '{key}'"), T::EXPECTED, &got))
    }

    /// An option where `null` means something: `None` when not given, `Some(None)` for `null`.
    pub fn nullable<T: Arg>(&self, key: &str) -> ayo::Result<Option<Option<T>>> {
        if self.value(key)?.get_type().ok() == Some(ValueType::Null) {
            return Ok(Some(None));
        }
        self.get(key).map(|v| v.map(Some))
    }
}

/// An options object: the keys it may hold, and how it is read.
pub trait Options: Default {
    /// Every key it knows; any other key is refused.
    const KEYS: &'static [&'static str];
    /// Reads the keys of an object whose keys are known.
    fn read(r: &Reader<'_>) -> ayo::Result<Self>;
}

/// Declares option structs with every key listed once: each struct gets its napi object type
/// (for `index.d.ts`) and its [`Options`] impl. A field's key is its name, or the literal after
/// `as` (which also becomes its `js_name`); a field marked `(nullable)` is read with
/// [`Reader::nullable`] (`null` means something), every other one with [`Reader::get`].
macro_rules! options {
    ($(
        $(#[doc = $doc:literal])*
        pub struct $ty:ident {
            $(
                $(#[doc = $fdoc:literal])*
                #[napi($($napi:tt)*)]
                $field:ident $(as $key:literal)? $(($how:ident))? : $fty:ty,
            )*
        }
    )*) => {$(
        $(#[doc = $doc])*
        #[napi(object, object_from_js = false, object_to_js = false)]
        #[derive(Default)]
        pub struct $ty {
            $(
                $(#[doc = $fdoc])*
                #[napi($(js_name = $key,)? $($napi)*)]
                pub $field: $fty,
            )*
        }

        impl $crate::args::Options for $ty {
            const KEYS: &'static [&'static str] =
                &[$($crate::args::option_key!($field $(, $key)?)),*];
            fn read(r: &$crate::args::Reader<'_>) -> ayo::Result<Self> {
                Ok($ty {
                    $($field: $crate::args::option_read!(
                        r, $crate::args::option_key!($field $(, $key)?) $(, $how)?
                    )?,)*
                })
            }
        }
    )*};
}
pub(crate) use options;

/// The key of an option field: its name, or the literal given.
macro_rules! option_key {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident, $key:literal) => {
        $key
    };
}
pub(crate) use option_key;

/// Reads one option: with [`Reader::get`], or the reader method named.
macro_rules! option_read {
    ($r:expr, $key:expr) => {
        $r.get($key)
    };
    ($r:expr, $key:expr, $how:ident) => {
        $r.$how($key)
    };
}
pub(crate) use option_read;

/// The options argument `name` of `method`: `undefined` and `null` give the defaults; anything
/// but an object, and an object with a key `O` does not know, are `INVALID`.
pub fn options_arg<O: Options>(method: &'static str, name: &str, v: Unknown<'_>) -> ayo::Result<O> {
    if absent(&v) {
        return Ok(O::default());
    }
    let obj: Object<'_> = match v.get_type() {
        Ok(ValueType::Object) if !v.is_array().unwrap_or(false) => {
            typed(&v, ValueType::Object).map_err(|got| wrong(method, name, "an object", &got))?
        }
        _ => return Err(wrong(method, name, "an object", &found(&v))),
    };
    let keys = keys(&obj).map_err(|e| {
        ayo::Error::invalid(format!("{method}: the keys of {name} cannot be read: {e}"))
    })?;
    if let Some(k) = keys.iter().find(|k| !O::KEYS.contains(&k.as_str())) {
        return Err(ayo::Error::invalid(format!(
            "{method}: unknown option '{k}' (known: {})",
            O::KEYS.join(", ")
        )));
    }
    O::read(&Reader { method, obj })
}

/// An options argument that must be given: `undefined` and `null` are `INVALID` too.
pub fn required_options_arg<O: Options>(
    method: &'static str,
    name: &str,
    v: Unknown<'_>,
) -> ayo::Result<O> {
    if absent(&v) {
        return Err(wrong(method, name, "an object", &found(&v)));
    }
    options_arg(method, name, v)
}

/// The enumerable string keys of an object.
fn keys(obj: &Object<'_>) -> napi::Result<Vec<String>> {
    let names = obj.get_property_names()?;
    let len = names.get_array_length()?;
    (0..len).map(|i| names.get_element::<String>(i)).collect()
}

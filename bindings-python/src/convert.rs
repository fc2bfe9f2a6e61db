//! JSON values (reports, summaries, markers) to Python objects, and the `context=` / `now=`
//! keywords to core's `Context`.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use serde_json::Value;
use tamis_core::{CONTEXT_EXAMPLE, Context, ContextValue};

use crate::TamisError;

/// A JSON value as plain Python objects (dict keeps key order; integers of any size).
pub(crate) fn value_to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Number(n) => {
            let text = n.as_str();
            if let Ok(i) = text.parse::<i64>() {
                i.into_pyobject(py)?.into_any().unbind()
            } else if text.bytes().all(|c| c.is_ascii_digit() || c == b'-') {
                py.get_type::<PyInt>().call1((text,))?.unbind()
            } else {
                let x: f64 = text.parse().unwrap_or(f64::NAN);
                PyFloat::new(py, x).into_any().unbind()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any().unbind(),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                out.push(value_to_py(py, i)?);
            }
            PyList::new(py, out)?.into_any().unbind()
        }
        Value::Object(map) => {
            let d = PyDict::new(py);
            for (k, v) in map {
                d.set_item(k, value_to_py(py, v)?)?;
            }
            d.into_any().unbind()
        }
    })
}

/// `context={"roles": [...], "purpose": "...", "type": "..."}` (every key optional).
pub(crate) fn context(ctx: Option<&Bound<'_, PyAny>>) -> PyResult<Context> {
    let mut out = Context::default();
    let Some(ctx) = ctx.filter(|c| !c.is_none()) else {
        return Ok(out);
    };
    let d = ctx.cast::<PyDict>().map_err(|_| {
        TamisError::new_err(format!("context must be a dict such as {CONTEXT_EXAMPLE}"))
    })?;
    for (k, v) in d.iter() {
        let key: String = k
            .extract()
            .map_err(|_| TamisError::new_err("context keys must be strings"))?;
        // A str is a sequence too: it is text here, never a list of one-letter roles.
        let value = if let Ok(s) = v.cast::<PyString>() {
            ContextValue::Text(s.to_str()?.to_owned())
        } else if let Ok(list) = v.extract::<Vec<String>>() {
            ContextValue::Strings(list)
        } else {
            ContextValue::Other
        };
        out.set_option(&key, value)
            .map_err(|e| TamisError::new_err(e.to_string()))?;
    }
    Ok(out)
}

/// `now=`: a timezone-aware datetime or RFC 3339 text; `None` is the current time.
pub(crate) fn now(now: Option<&Bound<'_, PyAny>>) -> PyResult<i64> {
    let Some(now) = now.filter(|n| !n.is_none()) else {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| TamisError::new_err("the system clock is before 1970"))?;
        return Ok(i64::try_from(since.as_millis()).unwrap_or(i64::MAX));
    };
    if let Ok(s) = now.cast::<PyString>() {
        let text = s.to_str()?;
        // The message never quotes the text: it is caller input, which could be anything.
        return tamis_core::parse_now(text).map_err(|e| TamisError::new_err(e.to_string()));
    }
    if now.hasattr("utcoffset")? && now.hasattr("timestamp")? {
        if now.call_method0("utcoffset")?.is_none() {
            return Err(TamisError::new_err(
                "now= is a naive datetime; give a timezone-aware one, such as \
                 datetime.now(timezone.utc)",
            ));
        }
        let secs: f64 = now.call_method0("timestamp")?.extract()?;
        #[expect(
            clippy::cast_possible_truncation,
            reason = "milliseconds since 1970 fit an i64 for any datetime Python holds"
        )]
        return Ok((secs * 1000.0).round() as i64);
    }
    Err(TamisError::new_err(
        "now= must be a timezone-aware datetime or an RFC 3339 string",
    ))
}

/// A str's text; each lone surrogate (a str that is not valid Unicode text) becomes one U+FFFD,
/// as JavaScript's `TextEncoder` does, so no input makes an error that quotes it.
pub(crate) fn text_of(s: &Bound<'_, PyString>) -> String {
    if let Ok(t) = s.to_str() {
        return t.to_owned();
    }
    let units: Vec<u16> = s
        .call_method1("encode", ("utf-16-le", "surrogatepass"))
        .ok()
        .and_then(|b| b.extract::<Vec<u8>>().ok())
        .map(|b| {
            b.chunks_exact(2)
                .map(|c| {
                    u16::from_le_bytes([
                        c.first().copied().unwrap_or(0),
                        c.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect()
        })
        .unwrap_or_default();
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

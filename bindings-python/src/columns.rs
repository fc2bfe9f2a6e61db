//! Columns: summaries from buffers (numpy / Arrow memory copied once, never an object per
//! cell) and column-wise masking of DataFrames.

use pyo3::buffer::{Element, PyBuffer};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use serde_json::Value;
use tamis_core::summary::Summary;
use tamis_core::{ColumnPlan, ColumnSummarizer, Context, Policy};

use crate::TamisError;
use crate::convert::value_to_py;
use crate::tree::{Node, Output, Reader};

/// One piece of a column, owned so the GIL can be released while it is summarised.
enum Chunk {
    /// Floats; NaN is a null.
    F64(Vec<f64>),
    /// Integers, with one validity byte per value (0 = null) when there are nulls.
    I64(Vec<i64>, Option<Vec<u8>>),
    /// Booleans as one byte each, with validity.
    Bool(Vec<u8>, Option<Vec<u8>>),
    /// Arrow UTF-8: `length` values from `start`, offsets widened to i64, with validity.
    Utf8 {
        offsets: Vec<i64>,
        data: Vec<u8>,
        validity: Option<Vec<u8>>,
    },
    /// Any Python values (object columns, lists).
    Nodes(Vec<Node>),
}

fn bad(what: &str) -> PyErr {
    TamisError::new_err(format!("internal: malformed column chunk ({what})"))
}

fn bytes_of(b: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    borrowed(b).map(<[u8]>::to_vec)
}

/// The bytes of a `bytes` object, lent (numbers are read from them without a copy first).
fn borrowed<'a>(b: &'a Bound<'_, PyAny>) -> PyResult<&'a [u8]> {
    Ok(b.cast::<PyBytes>().map_err(|_| bad("bytes"))?.as_bytes())
}

fn validity(v: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    if v.is_none() {
        Ok(None)
    } else {
        bytes_of(v).map(Some)
    }
}

fn words<const N: usize, T>(bytes: &[u8], f: fn([u8; N]) -> T) -> Vec<T> {
    bytes
        .chunks_exact(N)
        .map(|c| {
            let mut a = [0u8; N];
            a.copy_from_slice(c);
            f(a)
        })
        .collect()
}

/// Numbers from a `bytes` object (little-endian) or from anything with the buffer protocol and
/// items of type `T` (a numpy array): copied once, straight from the object's memory.
fn numbers<T: Element + Copy, const N: usize>(
    py: Python<'_>,
    b: &Bound<'_, PyAny>,
    from_le: fn([u8; N]) -> T,
) -> PyResult<Vec<T>> {
    if let Ok(bytes) = b.cast::<PyBytes>() {
        return Ok(words(bytes.as_bytes(), from_le));
    }
    PyBuffer::<T>::get(b)
        .and_then(|buffer| buffer.to_vec(py))
        .map_err(|_| bad("number buffer"))
}

fn read_chunk(py: Python<'_>, policy: &Policy, t: &Bound<'_, PyTuple>) -> PyResult<Chunk> {
    let kind: String = t.get_item(0)?.extract()?;
    Ok(match kind.as_str() {
        "f64" => Chunk::F64(numbers(py, &t.get_item(1)?, f64::from_le_bytes)?),
        "i64" => Chunk::I64(
            numbers(py, &t.get_item(1)?, i64::from_le_bytes)?,
            validity(&t.get_item(2)?)?,
        ),
        "bool" => Chunk::Bool(bytes_of(&t.get_item(1)?)?, validity(&t.get_item(2)?)?),
        "utf8" => {
            let raw_item = t.get_item(1)?;
            let raw = borrowed(&raw_item)?;
            let width: usize = t.get_item(2)?.extract()?;
            let start: usize = t.get_item(5)?.extract()?;
            let length: usize = t.get_item(6)?.extract()?;
            let all: Vec<i64> = match width {
                4 => words(raw, i32::from_le_bytes)
                    .into_iter()
                    .map(i64::from)
                    .collect(),
                8 => words(raw, i64::from_le_bytes),
                _ => return Err(bad("offset width")),
            };
            let offsets = all
                .get(start..=start + length)
                .ok_or_else(|| bad("offsets"))?
                .to_vec();
            Chunk::Utf8 {
                offsets,
                data: bytes_of(&t.get_item(3)?)?,
                validity: validity(&t.get_item(4)?)?,
            }
        }
        "objects" => {
            let limits = policy.limits();
            let mut reader = Reader::new(py, limits)?;
            let mut nodes = Vec::new();
            for v in t.get_item(1)?.try_iter()? {
                match reader.read(&v?, limits) {
                    Ok(n) => nodes.push(n),
                    Err(_) => return Err(TamisError::new_err("a column value is too large")),
                }
            }
            Chunk::Nodes(nodes)
        }
        _ => return Err(bad("kind")),
    })
}

fn valid(v: Option<&Vec<u8>>, i: usize) -> bool {
    v.is_none_or(|v| v.get(i).is_some_and(|&b| b != 0))
}

fn push_chunk(s: &mut ColumnSummarizer<'_>, chunk: &Chunk) {
    match chunk {
        Chunk::F64(xs) => xs.iter().for_each(|&x| s.push_f64(x)),
        Chunk::I64(xs, v) => {
            for (i, &x) in xs.iter().enumerate() {
                if valid(v.as_ref(), i) {
                    s.push_i64(x);
                } else {
                    s.push_null();
                }
            }
        }
        Chunk::Bool(xs, v) => {
            for (i, &x) in xs.iter().enumerate() {
                if valid(v.as_ref(), i) {
                    s.push_bool(x != 0);
                } else {
                    s.push_null();
                }
            }
        }
        Chunk::Utf8 {
            offsets,
            data,
            validity,
        } => {
            for (i, w) in offsets.windows(2).enumerate() {
                let (Some(&a), Some(&b)) = (w.first(), w.get(1)) else {
                    continue;
                };
                let text = usize::try_from(a)
                    .ok()
                    .zip(usize::try_from(b).ok())
                    .and_then(|(a, b)| data.get(a..b))
                    .and_then(|bytes| std::str::from_utf8(bytes).ok());
                match text {
                    Some(t) if valid(validity.as_ref(), i) => s.push_str(t),
                    Some(_) => s.push_null(),
                    // Malformed buffers never pass anything through: the column counts the
                    // value as text of its own kind.
                    None => s.push_str("<invalid utf-8>"),
                }
            }
        }
        Chunk::Nodes(nodes) => nodes.iter().for_each(|n| n.push_to(s)),
    }
}

type Column = (Vec<String>, Vec<Chunk>);

/// Summarises each column; columns are shared out over the machine's cores.
fn summarize_all(policy: &Policy, cols: &[Column], ctx: &Context, states: bool) -> Vec<Value> {
    let one = |(keys, chunks): &Column| -> Value {
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut s = policy.column_summarizer(&keys, ctx);
        chunks.iter().for_each(|c| push_chunk(&mut s, c));
        if states {
            s.state().to_state()
        } else {
            s.finish().unwrap_or(Value::Null)
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(cols.len());
    if threads <= 1 {
        return cols.iter().map(one).collect();
    }
    let mut out: Vec<Value> = vec![Value::Null; cols.len()];
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let one = &one;
                scope.spawn(move || {
                    cols.iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, c)| (i, one(c)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A thread that panicked leaves its columns null (never a raw value).
            if let Ok(done) = h.join() {
                for (i, v) in done {
                    if let Some(slot) = out.get_mut(i) {
                        *slot = v;
                    }
                }
            }
        }
    });
    out
}

pub(crate) fn summarize(
    py: Python<'_>,
    policy: &Policy,
    columns: &Bound<'_, PyList>,
    ctx: &Context,
    states: bool,
) -> PyResult<Py<PyList>> {
    let mut cols: Vec<Column> = Vec::with_capacity(columns.len());
    for c in columns.iter() {
        let c = c.cast_into::<PyTuple>().map_err(|_| bad("column"))?;
        let keys: Vec<String> = c.get_item(0)?.extract()?;
        let mut chunks = Vec::new();
        for chunk in c.get_item(1)?.try_iter()? {
            let chunk = chunk?;
            let t = chunk.cast::<PyTuple>().map_err(|_| bad("chunk"))?;
            chunks.push(read_chunk(py, policy, t)?);
        }
        cols.push((keys, chunks));
    }
    let values = py.detach(|| summarize_all(policy, &cols, ctx, states));
    let out = PyList::empty(py);
    for v in &values {
        if states {
            let text = serde_json::to_string(v).map_err(|_| bad("state"))?;
            out.append(PyString::new(py, &text))?;
        } else {
            out.append(value_to_py(py, v)?)?;
        }
    }
    drop(cols);
    Ok(out.unbind())
}

pub(crate) fn finish(
    py: Python<'_>,
    policy: &Policy,
    keys: &[String],
    states: &[String],
    ctx: &Context,
) -> PyResult<Option<Py<PyAny>>> {
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let mut s = policy.column_summarizer(&keys, ctx);
    for st in states {
        let v: Value = serde_json::from_str(st)
            .map_err(|_| TamisError::new_err("not a tamis summary state"))?;
        let summary = Summary::from_state(&v).map_err(|e| TamisError::new_err(e.to_string()))?;
        s.merge(&summary);
    }
    s.finish().map(|v| value_to_py(py, &v)).transpose()
}

pub(crate) fn plan(policy: &Policy, keys: &[String], ctx: &Context) -> &'static str {
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    match policy.column_plan(&keys, ctx) {
        ColumnPlan::Keep => "keep",
        ColumnPlan::Drop => "drop",
        ColumnPlan::Detect => "detect",
        ColumnPlan::Cells => "cells",
    }
}

pub(crate) fn mask_column(
    py: Python<'_>,
    policy: &Policy,
    keys: &[String],
    values: &Bound<'_, PyAny>,
    ctx: &Context,
) -> PyResult<Py<PyList>> {
    let limits = policy.limits();
    let mut reader = Reader::new(py, limits)?;
    let mut cells = Vec::new();
    for v in values.try_iter()? {
        // A cell too large to read is masked as too large.
        let node = reader
            .read(&v?, limits)
            .unwrap_or_else(|_| Node::too_large());
        cells.push(Node::wrap(keys, node));
    }
    py.detach(|| {
        let mut run = policy.run(ctx.clone());
        for c in &mut cells {
            run.cells(c);
        }
    });
    let out = PyList::empty(py);
    let mut built = Output::default();
    for c in cells {
        match c.unwrap(keys.len()) {
            Some(n) => out.append(built.build(py, n)?)?,
            None => out.append(py.None())?,
        }
    }
    Ok(out.unbind())
}

/// What [`mask_utf8`] gives back: new Arrow buffers (offsets as little-endian i64, the UTF-8
/// data, one validity byte per cell when a cell is null), or `None` when some masked cell is
/// neither text nor null (a number a rule wrote: the caller masks value by value then).
pub(crate) type Utf8Buffers = Option<(Py<PyBytes>, Py<PyBytes>, Option<Py<PyBytes>>)>;

/// The buffers [`mask_utf8`] builds with the GIL released: offsets, data, validity.
type Built = (Vec<u8>, Vec<u8>, Option<Vec<u8>>);

/// Masks an Arrow UTF-8 column (a `("utf8", ...)` chunk of `tamis._frames`) from its buffers:
/// no Python object per cell. Each cell is masked as `mask_column` masks it (a cell larger
/// than the policy reads is too large); the GIL is released while the engine runs.
pub(crate) fn mask_utf8(
    py: Python<'_>,
    policy: &Policy,
    keys: &[String],
    chunk: &Bound<'_, PyTuple>,
    ctx: &Context,
) -> PyResult<Utf8Buffers> {
    let Chunk::Utf8 {
        offsets,
        data,
        validity,
    } = read_chunk(py, policy, chunk)?
    else {
        return Err(bad("not a utf8 chunk"));
    };
    let budget = policy.limits().read_budget();
    let built = py.detach(|| -> Result<Option<Built>, PyErr> {
        let mut run = policy.run(ctx.clone());
        let cells = offsets.len().saturating_sub(1);
        let mut out_offsets: Vec<u8> = Vec::with_capacity((cells + 1) * 8);
        let mut out_data: Vec<u8> = Vec::with_capacity(data.len());
        let mut out_valid: Option<Vec<u8>> = None;
        out_offsets.extend_from_slice(&0i64.to_le_bytes());
        for (i, w) in offsets.windows(2).enumerate() {
            let null = validity.as_ref().is_some_and(|v| v.get(i) == Some(&0));
            let text = if null {
                None
            } else {
                let (Some(&a), Some(&b)) = (w.first(), w.get(1)) else {
                    return Err(bad("offsets"));
                };
                let (Ok(a), Ok(b)) = (usize::try_from(a), usize::try_from(b)) else {
                    return Err(bad("offsets"));
                };
                let bytes = data.get(a..b).ok_or_else(|| bad("offsets"))?;
                let s = std::str::from_utf8(bytes).map_err(|_| bad("utf8"))?;
                // As `mask_column` reads a str: past the read budget, too large.
                let node = if s.len() as u64 + 2 > budget {
                    Node::too_large()
                } else {
                    Node::leaf(tamis_core::mirror::Kind::Str(s.to_owned().into()), None)
                };
                let mut cell = Node::wrap(keys, node);
                run.cells(&mut cell);
                match cell.unwrap(keys.len()).map(|n| n.kind) {
                    None | Some(tamis_core::mirror::Kind::Null) => None,
                    Some(tamis_core::mirror::Kind::Str(t)) => Some(t),
                    Some(_) => return Ok(None),
                }
            };
            match text {
                Some(t) => out_data.extend_from_slice(t.as_ref().as_bytes()),
                None => {
                    if let Some(v) = out_valid.get_or_insert_with(|| vec![1u8; cells]).get_mut(i) {
                        *v = 0;
                    }
                }
            }
            let end = i64::try_from(out_data.len()).map_err(|_| bad("size"))?;
            out_offsets.extend_from_slice(&end.to_le_bytes());
        }
        Ok(Some((out_offsets, out_data, out_valid)))
    })?;
    Ok(built.map(|(o, d, v)| {
        (
            PyBytes::new(py, &o).unbind(),
            PyBytes::new(py, &d).unbind(),
            v.map(|v| PyBytes::new(py, &v).unbind()),
        )
    }))
}

/// Whether masking leaves every cell of an integer column (an `("i64", ...)` chunk) as it is:
/// the usual answer for a column only detectors scan, found from the buffer without a Python
/// object per cell. When it is false the caller masks value by value.
pub(crate) fn i64_unchanged(
    py: Python<'_>,
    policy: &Policy,
    keys: &[String],
    chunk: &Bound<'_, PyTuple>,
    ctx: &Context,
) -> PyResult<bool> {
    let Chunk::I64(values, validity) = read_chunk(py, policy, chunk)? else {
        return Err(bad("not an i64 chunk"));
    };
    Ok(py.detach(|| {
        let mut run = policy.run(ctx.clone());
        for (i, v) in values.iter().enumerate() {
            if validity.as_ref().is_some_and(|m| m.get(i) == Some(&0)) {
                continue;
            }
            let node = Node::leaf(tamis_core::mirror::Kind::Int(v.to_string()), None);
            let mut cell = Node::wrap(keys, node);
            run.cells(&mut cell);
            match cell.unwrap(keys.len()) {
                Some(n) if !n.changed && !n.removed => {}
                _ => return false,
            }
        }
        true
    }))
}

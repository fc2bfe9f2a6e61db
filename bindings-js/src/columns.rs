//! `summarize`: an array or typed array is one column; an object of arrays is a table. Typed
//! arrays are copied out in one call (no JS value per cell); other arrays are read cell by cell
//! through the mirror tree.

use js_sys::{Array, Object, Reflect};
use tamis_core::{Column, ColumnSummarizer, Context, Policy};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::tamis_error;
use crate::tree::{Reader, value_to_js};

pub(crate) fn summarize(
    policy: &Policy,
    data: &JsValue,
    ctx: &Context,
) -> Result<JsValue, JsValue> {
    if is_column(data) {
        let summary = column(policy, &[], data, ctx);
        return Ok(summary.map_or(JsValue::NULL, |v| value_to_js(&v)));
    }
    let is_table = crate::tree::is_plain(data);
    if !is_table {
        return Err(tamis_error(
            "invalid-argument",
            "summarize takes an array, a typed array, or an object of columns ({name: array})",
        ));
    }
    let out = Object::new();
    for name in Object::keys(&Object::from(data.clone())).iter() {
        let key = name.as_string().unwrap_or_default();
        let col = Reflect::get(data, &name).unwrap_or(JsValue::UNDEFINED);
        if !is_column(&col) {
            return Err(tamis_error(
                "invalid-argument",
                &format!("column `{key}` is not an array or a typed array"),
            ));
        }
        if let Some(summary) = column(policy, &[key.as_str()], &col, ctx) {
            let _ = Reflect::set(&out, &name, &value_to_js(&summary));
        }
    }
    Ok(out.into())
}

fn is_column(v: &JsValue) -> bool {
    Array::is_array(v) || js_sys::ArrayBuffer::is_view(v) && !v.is_instance_of::<js_sys::DataView>()
}

/// One column's summary, or `None` when its rule's `min_items` is not reached (or no rule
/// selects it).
fn column(
    policy: &Policy,
    keys: &[&str],
    col: &JsValue,
    ctx: &Context,
) -> Option<serde_json::Value> {
    let mut s = policy.column_summarizer(keys, ctx);
    if !s.selected() {
        return None;
    }
    push(&mut s, policy, col);
    s.finish()
}

fn push(s: &mut ColumnSummarizer<'_>, policy: &Policy, col: &JsValue) {
    if let Some(a) = col.dyn_ref::<js_sys::Float64Array>() {
        return s.push_column(Column::Float(&a.to_vec()));
    }
    if let Some(a) = col.dyn_ref::<js_sys::Float32Array>() {
        let v: Vec<f64> = a.to_vec().into_iter().map(f64::from).collect();
        return s.push_column(Column::Float(&v));
    }
    if let Some(a) = col.dyn_ref::<js_sys::BigInt64Array>() {
        return s.push_column(Column::Int(&a.to_vec()));
    }
    if let Some(ints) = small_ints(col) {
        return s.push_column(Column::Int(&ints));
    }
    // Arrays, and other views (BigUint64Array, Uint8ClampedArray): cell by cell.
    let limits = policy.limits();
    let mut reader = Reader::new(limits);
    for v in Array::from(col).iter() {
        match reader.read(&v, limits) {
            Ok(node) => node.push_to(s),
            // A cell too large to read is counted as what it is: an unreadable string.
            Err(_) => s.push_str(tamis_core::TOO_LARGE),
        }
    }
}

/// Integer typed arrays of 32 bits or fewer, widened to i64.
fn small_ints(col: &JsValue) -> Option<Vec<i64>> {
    macro_rules! widen {
        ($($t:ty),*) => {$(
            if let Some(a) = col.dyn_ref::<$t>() {
                return Some(a.to_vec().into_iter().map(i64::from).collect());
            }
        )*};
    }
    widen!(
        js_sys::Int8Array,
        js_sys::Uint8Array,
        js_sys::Int16Array,
        js_sys::Uint16Array,
        js_sys::Int32Array,
        js_sys::Uint32Array
    );
    None
}

//! `summarize`, one column at a time (`lib/api.cjs` splits tables into columns): typed arrays
//! are copied out in one call, no JS value per cell; other arrays arrive on a tape.

use tamis_core::{Column, ColumnSummarizer, Context, Policy, Tree};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::tamis_error;
use crate::tape::{BadTape, Reader};

/// One column's summary; `None` when no rule selects it or its `min_items` is not reached.
pub(crate) fn summarize(
    policy: &Policy,
    keys: &[String],
    typed: &JsValue,
    ops: &[i32],
    text: &str,
    ctx: &Context,
) -> Result<Option<serde_json::Value>, JsValue> {
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let mut s = policy.column_summarizer(&keys, ctx);
    if !s.selected() {
        return Ok(None);
    }
    if !push_typed(&mut s, typed) {
        let bad = || tamis_error("internal", "the column could not be read");
        let mut column = match Reader::new(ops, text).record() {
            Ok(Ok(node)) => node,
            Ok(Err(_)) | Err(BadTape) => return Err(bad()),
        };
        column.items(&mut |cell| {
            cell.push_to(&mut s);
            tamis_core::Edit::Keep
        });
    }
    Ok(s.finish())
}

/// Pushes a typed array's values; `false` when `typed` is not one this reads in bulk.
fn push_typed(s: &mut ColumnSummarizer<'_>, typed: &JsValue) -> bool {
    if let Some(a) = typed.dyn_ref::<js_sys::Float64Array>() {
        s.push_column(Column::Float(&a.to_vec()));
    } else if let Some(a) = typed.dyn_ref::<js_sys::Float32Array>() {
        let v: Vec<f64> = a.to_vec().into_iter().map(f64::from).collect();
        s.push_column(Column::Float(&v));
    } else if let Some(a) = typed.dyn_ref::<js_sys::BigInt64Array>() {
        s.push_column(Column::Int(&a.to_vec()));
    } else if let Some(ints) = small_ints(typed) {
        s.push_column(Column::Int(&ints));
    } else {
        return false;
    }
    true
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

//! JS values as core's mirror tree: each value is read once into a `Node` (owned text, the
//! original `JsValue` kept for reuse), the walker masks the nodes, and a new value is built from
//! them. The input is never mutated; unchanged leaves (and keys) are the input's own values;
//! containers are always new. Every read goes through `helpers.js`, which catches what user code
//! (getters, proxies) throws, so no exception unwinds through WebAssembly.

use js_sys::{Array, Object, Reflect};
use serde_json::Value;
use tamis_core::mirror::{Entry, Kind};
use wasm_bindgen::prelude::*;

/// One value of the input, as the walker sees it.
pub(crate) type Node = tamis_core::mirror::Node<JsValue>;

#[wasm_bindgen(module = "/src/helpers.js")]
extern "C" {
    #[wasm_bindgen(js_name = kindOf)]
    fn kind_of(v: &JsValue) -> u32;
    #[wasm_bindgen(js_name = typeName)]
    pub(crate) fn type_name(v: &JsValue) -> String;
    #[wasm_bindgen(js_name = entriesOf)]
    fn entries_of(v: &JsValue) -> Option<Array>;
    #[wasm_bindgen(js_name = mapEntriesOf)]
    fn map_entries_of(v: &JsValue) -> Option<Array>;
    #[wasm_bindgen(js_name = errorEntriesOf)]
    fn error_entries_of(v: &JsValue) -> Option<Array>;
    #[wasm_bindgen(js_name = errorFrom)]
    fn error_from(orig: &JsValue, flat: &Array) -> JsValue;
    #[wasm_bindgen(js_name = dateText)]
    fn date_text(v: &JsValue) -> Option<String>;
    fn text(v: &JsValue) -> Option<String>;
    #[wasm_bindgen(js_name = defineEntry)]
    fn define_entry(obj: &Object, key: &JsValue, value: &JsValue);
    fn bigint(digits: &str) -> JsValue;
}

// The codes `kindOf` returns.
const STRING: u32 = 0;
const NUMBER: u32 = 1;
const BOOLEAN: u32 = 2;
const NOTHING: u32 = 3;
const BIGINT: u32 = 4;
const ARRAY: u32 = 5;
const PLAIN: u32 = 6;
const DATE: u32 = 7;
const MAP: u32 = 8;
const ERROR: u32 = 9;

/// The mapping tags of `Kind::Map`: a plain object, a `Map` (which stays a `Map`), or an `Error`
/// (which stays an object of its class, its original kept as the node's `orig`).
const OBJECT_TAG: u8 = 0;
const MAP_TAG: u8 = 1;
const ERROR_TAG: u8 = 2;

/// Why reading stopped: the input is larger than the policy allows.
#[derive(Debug)]
pub(crate) struct TooLarge;

/// Reads JS values into nodes, bounded in depth (cycles end there) and in size.
pub(crate) struct Reader {
    max_depth: usize,
    /// Nodes and text bytes still allowed for this record.
    budget: u64,
}

impl Reader {
    pub(crate) fn new(limits: &tamis_core::Limits) -> Self {
        Reader {
            max_depth: limits.max_depth as usize,
            budget: 0,
        }
    }

    /// Reads one record. Records bigger than about twice `max_record_bytes` stop early (the
    /// walker would quarantine them anyway; this bounds memory and cyclic fan-out).
    pub(crate) fn read(
        &mut self,
        v: &JsValue,
        limits: &tamis_core::Limits,
    ) -> Result<Node, TooLarge> {
        self.budget = limits
            .max_record_bytes
            .saturating_mul(2)
            .saturating_add(1024);
        self.node(v, 0)
    }

    fn spend(&mut self, n: usize) -> Result<(), TooLarge> {
        self.budget = self.budget.checked_sub(n as u64 + 1).ok_or(TooLarge)?;
        Ok(())
    }

    fn node(&mut self, v: &JsValue, depth: usize) -> Result<Node, TooLarge> {
        self.spend(0)?;
        if depth > self.max_depth {
            // The walker writes `[tamis:too_deep]` here; nothing below is read (cycles end).
            return Ok(Node::too_deep());
        }
        let orig = || Some(v.clone());
        Ok(match kind_of(v) {
            STRING => {
                let s = v.as_string().unwrap_or_default();
                self.spend(s.len())?;
                Node::leaf(Kind::Str(s), orig())
            }
            NUMBER => Node::leaf(number(v.as_f64().unwrap_or(f64::NAN), v), orig()),
            BOOLEAN => Node::leaf(Kind::Bool(v.is_truthy()), orig()),
            NOTHING => Node::leaf(Kind::Null, orig()),
            BIGINT => match text(v) {
                Some(t) => Node::leaf(Kind::Int(t), orig()),
                None => opaque(v),
            },
            ARRAY => self.array(v, depth)?,
            PLAIN => self.map(entries_of(v), OBJECT_TAG, v, depth)?,
            MAP => self.map(map_entries_of(v), MAP_TAG, v, depth)?,
            ERROR => {
                let mut node = self.map(error_entries_of(v), ERROR_TAG, v, depth)?;
                if matches!(node.kind, Kind::Map(..)) {
                    node.orig = orig();
                }
                node
            }
            DATE => match date_text(v) {
                Some(t) => Node::leaf(Kind::Str(t), orig()),
                None => opaque(v),
            },
            _ => opaque(v),
        })
    }

    fn array(&mut self, v: &JsValue, depth: usize) -> Result<Node, TooLarge> {
        let a = Array::from(v);
        let len = a.length();
        let mut items = Vec::with_capacity((len as usize).min(1 << 16));
        for i in 0..len {
            items.push(self.node(&a.get(i), depth + 1)?);
        }
        Ok(Node::leaf(Kind::Seq(items, 0), None))
    }

    /// An object, `Map` or `Error` from its flattened entries (`[k0, v0, k1, v1, ...]`); one
    /// that cannot be read (a throwing getter or proxy) is `<TypeName>`.
    fn map(
        &mut self,
        flat: Option<Array>,
        tag: u8,
        v: &JsValue,
        depth: usize,
    ) -> Result<Node, TooLarge> {
        let Some(flat) = flat else {
            return Ok(opaque(v));
        };
        let n = flat.length() / 2;
        let mut entries = Vec::with_capacity(n as usize);
        for i in 0..n {
            let k = flat.get(2 * i);
            let (key, key_orig) = self.key(&k);
            self.spend(key.len())?;
            let node = self.node(&flat.get(2 * i + 1), depth + 1)?;
            entries.push(Entry {
                key,
                key_orig,
                node,
            });
        }
        Ok(Node::leaf(Kind::Map(entries, tag), None))
    }

    /// A key's text. Strings and other primitives (`Map` keys) keep their original value in
    /// the output; an object key is written as `<TypeName>`, never as the object.
    fn key(&mut self, k: &JsValue) -> (String, Option<JsValue>) {
        if let Some(s) = k.as_string() {
            return (s, Some(k.clone()));
        }
        match kind_of(k) {
            NUMBER | BOOLEAN | NOTHING | BIGINT => match text(k) {
                Some(t) => (t, Some(k.clone())),
                None => ("<key>".to_owned(), None),
            },
            _ => (format!("<{}>", type_name(k)), None),
        }
    }
}

/// Whether `v` is a plain object (`{...}`, of any realm, or with a null prototype).
pub(crate) fn is_plain(v: &JsValue) -> bool {
    kind_of(v) == PLAIN
}

/// `<TypeName>`: a value that never passes through.
fn opaque(v: &JsValue) -> Node {
    Node::leaf(Kind::Other(type_name(v)), None)
}

/// A number: integers below 1e21 (which JavaScript spells with all their digits) as decimal
/// text, so detectors see card and phone numbers; others as JavaScript spells them.
fn number(x: f64, v: &JsValue) -> Kind<JsValue> {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e21 {
        #[allow(clippy::cast_possible_truncation)]
        return Kind::Int((x as i128).to_string());
    }
    Kind::Float(text(v).unwrap_or_else(|| "NaN".to_owned()))
}

/// The output value: new containers, the input's own leaves and keys where nothing changed.
pub(crate) fn to_js(mut node: Node) -> JsValue {
    if let Some(orig) = node.take_unchanged() {
        return orig;
    }
    match node.kind {
        Kind::Null => JsValue::NULL,
        Kind::Bool(b) => JsValue::from_bool(b),
        Kind::Int(t) => int_to_js(&t),
        Kind::Float(t) => t
            .parse::<f64>()
            .map_or_else(|_| JsValue::from_str(&t), JsValue::from_f64),
        Kind::Str(s) => JsValue::from_str(&s),
        Kind::Other(n) => JsValue::from_str(&format!("<{n}>")),
        Kind::Json(v) => value_to_js(&v),
        Kind::Seq(items, _) => {
            let out = Array::new();
            for item in items.into_iter().filter(|i| !i.removed) {
                out.push(&to_js(item));
            }
            out.into()
        }
        Kind::Map(entries, MAP_TAG) => {
            let out = js_sys::Map::new();
            for e in entries.into_iter().filter(|e| !e.node.removed) {
                let key = e.key_orig.unwrap_or_else(|| JsValue::from_str(&e.key));
                out.set(&key, &to_js(e.node));
            }
            out.into()
        }
        Kind::Map(entries, ERROR_TAG) => {
            let flat = Array::new();
            for e in entries.into_iter().filter(|e| !e.node.removed) {
                flat.push(&JsValue::from_str(&e.key));
                flat.push(&to_js(e.node));
            }
            error_from(&node.orig.unwrap_or(JsValue::UNDEFINED), &flat)
        }
        Kind::Map(entries, _) => {
            let out = Object::new();
            for e in entries.into_iter().filter(|e| !e.node.removed) {
                let key = match e.key_orig {
                    Some(k) if k.is_string() => k,
                    _ => JsValue::from_str(&e.key),
                };
                set_entry(&out, &e.key, &key, &to_js(e.node));
            }
            out.into()
        }
    }
}

/// Sets an own data property. `__proto__` is defined, never assigned, so data cannot change an
/// object's prototype.
fn set_entry(obj: &Object, key_text: &str, key: &JsValue, value: &JsValue) {
    if key_text == "__proto__" || Reflect::set(obj, key, value) != Ok(true) {
        define_entry(obj, key, value);
    }
}

/// An integer: a number when it is exact as one, else a BigInt.
fn int_to_js(t: &str) -> JsValue {
    match t.parse::<i64>() {
        Ok(i) if i.unsigned_abs() <= (1 << 53) =>
        {
            #[allow(clippy::cast_precision_loss)]
            JsValue::from_f64(i as f64)
        }
        _ => bigint(t),
    }
}

/// A JSON value (summaries, reports, markers) as plain JS values.
pub(crate) fn value_to_js(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => {
            let t = n.as_str();
            if t.bytes().all(|c| c.is_ascii_digit() || c == b'-') {
                int_to_js(t)
            } else {
                t.parse::<f64>()
                    .map_or_else(|_| JsValue::from_str(t), JsValue::from_f64)
            }
        }
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => {
            let out = Array::new();
            for i in items {
                out.push(&value_to_js(i));
            }
            out.into()
        }
        Value::Object(map) => {
            let out = Object::new();
            for (k, v) in map {
                set_entry(&out, k, &JsValue::from_str(k), &value_to_js(v));
            }
            out.into()
        }
    }
}

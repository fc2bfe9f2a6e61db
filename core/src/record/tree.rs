//! The walker's view of a document: a small trait that each front end implements over its own
//! native values (serde_json here; Python objects and JS values in the bindings), so nothing is
//! converted to JSON and back.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde_json::{Map, Value};

/// What one node is. Its `Debug` names the variant and never prints the text it borrows.
pub enum Shape<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer, as its decimal text (any size).
    Int(Cow<'a, str>),
    /// Any other number, as its canonical JSON text.
    Float(Cow<'a, str>),
    /// A string.
    Str(&'a str),
    /// An ordered list of nodes.
    Array,
    /// Keyed nodes, in order.
    Object,
    /// Something with no JSON form (a front end's own object); its type name. It never passes
    /// through: the walker turns it into the text `<TypeName>` before any rule sees it.
    Other(Cow<'a, str>),
}

impl core::fmt::Debug for Shape<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Shape::Null => "Null",
            Shape::Bool(_) => "Bool",
            Shape::Int(_) => "Int",
            Shape::Float(_) => "Float",
            Shape::Str(_) => "Str",
            Shape::Array => "Array",
            Shape::Object => "Object",
            Shape::Other(_) => "Other",
        })
    }
}

/// What the walker wants done with an entry of an object or an item of an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Keep it (perhaps changed in place).
    Keep,
    /// Remove it (action `redact`).
    Remove,
    /// Keep it under a new key (a key in which a detector found something). For array items this
    /// is the same as `Keep`.
    Rename(String),
}

/// A document node the policy walks. Implementations change the node in place (or build a new
/// value lazily, copy-on-write, when their input must not change).
pub trait Tree {
    /// What this node is.
    fn shape(&self) -> Shape<'_>;
    /// Replaces this node by `null`.
    fn set_null(&mut self);
    /// Replaces this node by a string.
    fn set_string(&mut self, s: String);
    /// Visits each entry of an object, in order, and applies the returned edits. Renamed keys
    /// must stay unique: on a clash the implementation appends `#2`, `#3`, ... to the new key.
    fn entries(&mut self, f: &mut dyn FnMut(&str, &mut Self) -> Edit);
    /// Visits each item of an array, in order, and applies the returned edits.
    fn items(&mut self, f: &mut dyn FnMut(&mut Self) -> Edit);
    /// The value under `key` when this node is an object that has it.
    fn child(&self, key: &str) -> Option<&Self>;
    /// How many items this node has when it is an array (0 otherwise).
    fn item_count(&self) -> usize;
    /// A JSON copy of this node; subtrees nested deeper than `max_depth` become
    /// `"[tamis:too_deep]"` and values with no JSON form their `<TypeName>` text (used for
    /// summaries: distinct counts of containers, and sample items after masking).
    fn to_value(&self, max_depth: usize) -> Value;
    /// Replaces this node by a JSON value (a summary object).
    fn set_value(&mut self, v: Value);
}

/// Whether a JSON number's text is an integer (no fraction, no exponent).
pub(crate) fn is_integer_text(s: &str) -> bool {
    !s.bytes().any(|c| matches!(c, b'.' | b'e' | b'E'))
}

impl Tree for Value {
    fn child(&self, key: &str) -> Option<&Self> {
        self.as_object()?.get(key)
    }

    fn item_count(&self) -> usize {
        self.as_array().map_or(0, Vec::len)
    }

    fn to_value(&self, max_depth: usize) -> Value {
        copy_bounded(self, max_depth)
    }

    fn set_value(&mut self, v: Value) {
        drop_iteratively(core::mem::replace(self, v));
    }

    fn shape(&self) -> Shape<'_> {
        match self {
            Value::Null => Shape::Null,
            Value::Bool(b) => Shape::Bool(*b),
            Value::Number(n) => {
                let text = n.as_str();
                if is_integer_text(text) {
                    Shape::Int(Cow::Borrowed(text))
                } else {
                    Shape::Float(Cow::Borrowed(text))
                }
            }
            Value::String(s) => Shape::Str(s),
            Value::Array(_) => Shape::Array,
            Value::Object(_) => Shape::Object,
        }
    }

    fn set_null(&mut self) {
        drop_iteratively(core::mem::replace(self, Value::Null));
    }

    fn set_string(&mut self, s: String) {
        drop_iteratively(core::mem::replace(self, Value::String(s)));
    }

    fn entries(&mut self, f: &mut dyn FnMut(&str, &mut Self) -> Edit) {
        let Value::Object(map) = self else { return };
        let mut edits: Vec<(usize, Edit)> = Vec::new();
        for (i, (k, v)) in map.iter_mut().enumerate() {
            let e = f(k, v);
            if e != Edit::Keep {
                edits.push((i, e));
            }
        }
        if edits.is_empty() {
            return;
        }
        // Rebuild only when something was removed or renamed.
        let old = core::mem::take(map);
        let mut out = Map::with_capacity(old.len());
        let mut pending = edits.into_iter().peekable();
        for (i, (k, v)) in old.into_iter().enumerate() {
            let edit = match pending.peek() {
                Some((j, _)) if *j == i => pending.next().map(|(_, e)| e),
                _ => None,
            };
            match edit {
                None | Some(Edit::Keep) => insert_unique(&mut out, k, v),
                Some(Edit::Remove) => {}
                Some(Edit::Rename(new)) => insert_unique(&mut out, new, v),
            }
        }
        *map = out;
    }

    fn items(&mut self, f: &mut dyn FnMut(&mut Self) -> Edit) {
        let Value::Array(items) = self else { return };
        let mut remove = Vec::new();
        for (i, v) in items.iter_mut().enumerate() {
            if f(v) == Edit::Remove {
                remove.push(i);
            }
        }
        if !remove.is_empty() {
            let mut i = 0;
            let mut r = remove.iter().peekable();
            items.retain(|_| {
                let drop = r.peek() == Some(&&i);
                if drop {
                    r.next();
                }
                i += 1;
                !drop
            });
        }
    }
}

/// Copies `v` with subtrees deeper than `max_depth` cut (recursion bounded by `max_depth`).
fn copy_bounded(v: &Value, max_depth: usize) -> Value {
    match v {
        Value::Array(_) | Value::Object(_) if max_depth == 0 => {
            Value::from(crate::action::TOO_DEEP)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| copy_bounded(i, max_depth - 1))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), copy_bounded(v, max_depth - 1)))
                .collect(),
        ),
        scalar => scalar.clone(),
    }
}

/// Drops a value without recursion: serde_json's own `Drop` recurses, and a subtree cut at
/// `max_depth` may be arbitrarily deep.
fn drop_iteratively(v: Value) {
    let mut stack = match v {
        Value::Array(_) | Value::Object(_) => alloc::vec![v],
        _ => return,
    };
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

fn insert_unique(map: &mut Map<String, Value>, key: String, v: Value) {
    let key = unique_key(key, |k| map.contains_key(k));
    map.insert(key, v);
}

/// The renamed-key rule of [`Tree::entries`], shared by every implementation: `key` itself, or
/// the first of `key#2`, `key#3`, ... that is not `taken`, so no entry is ever overwritten.
pub fn unique_key<K: AsRef<str> + From<String>>(key: K, taken: impl Fn(&str) -> bool) -> K {
    if !taken(key.as_ref()) {
        return key;
    }
    let mut n = 2u64;
    loop {
        let k = format!("{}#{n}", key.as_ref());
        if !taken(&k) {
            return K::from(k);
        }
        n += 1;
    }
}

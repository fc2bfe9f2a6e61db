//! A mirror tree for front ends whose values live outside Rust (Python objects, JS values):
//! each value is read once into a [`Node`] of owned text, the walker masks the nodes, and the
//! front end builds its output from them. `H` is the front end's handle to an original value,
//! given back unchanged for leaves the walker did not touch, so output reuses the input's own
//! immutable leaves (and keys) and the input itself is never changed.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde_json::{Map, Value};

use crate::record::tree::{Edit, Shape, Tree, unique_key};
use crate::{ColumnSummarizer, TOO_DEEP, TOO_LARGE};

/// Text read from the input: an owned `String`, or a front end's own text kept alive by a
/// handle (a Python `str` read without copying). The walker's own texts come in through `From`.
pub trait Text: AsRef<str> + From<String> {}

impl<T: AsRef<str> + From<String>> Text for T {}

/// One value of the input, as the walker sees it.
pub struct Node<H, T = String> {
    /// What the value is.
    pub kind: Kind<H, T>,
    /// The value read, returned as is when the node is an unchanged leaf.
    pub orig: Option<H>,
    /// The walker replaced this node.
    pub changed: bool,
    /// The walker removed this node from its container (kept until output, so no handle is
    /// dropped during the walk).
    pub removed: bool,
}

/// What a [`Node`] holds.
pub enum Kind<H, T = String> {
    /// `null` (and the front end's other nothing values).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer as its decimal text (any size).
    Int(String),
    /// Any other number, as its JSON text (or a string such as `NaN` when it has none).
    Float(String),
    /// Text.
    Str(T),
    /// A value with no data form: its type name (written `<TypeName>`).
    Other(String),
    /// An ordered sequence; the tag is the front end's own kind of sequence (list, tuple, ...).
    Seq(Vec<Node<H, T>>, u8),
    /// Keyed values, in order; the tag is the front end's own kind of mapping.
    Map(Vec<Entry<H, T>>, u8),
    /// A value the walker put here (a summary object); boxed, as it is rare and large.
    Json(Box<Value>),
}

/// One key and value of a [`Kind::Map`].
pub struct Entry<H, T = String> {
    /// The key's text (after the walk: the output key, unique within its map).
    pub key: T,
    /// The original key, reused when the key was neither renamed nor made unique.
    pub key_orig: Option<H>,
    /// The value.
    pub node: Node<H, T>,
}

impl<H, T: Text> Node<H, T> {
    /// An unchanged node.
    #[must_use]
    pub fn leaf(kind: Kind<H, T>, orig: Option<H>) -> Self {
        Node {
            kind,
            orig,
            changed: false,
            removed: false,
        }
    }

    /// A node that is already a replacement (nothing of the input is reused).
    #[must_use]
    pub fn replaced(kind: Kind<H, T>) -> Self {
        Node {
            kind,
            orig: None,
            changed: true,
            removed: false,
        }
    }

    /// `[tamis:too_deep]`, read in place of a value nested deeper than the policy's limit.
    #[must_use]
    pub fn too_deep() -> Self {
        Node::replaced(Kind::Str(T::from(TOO_DEEP.into())))
    }

    /// `[tamis:too_large]`: a value that could not be read within the limits.
    #[must_use]
    pub fn too_large() -> Self {
        Node::replaced(Kind::Str(T::from(TOO_LARGE.into())))
    }

    /// The original handle, when this node is a leaf the walker did not change: the output is
    /// then the input's own value.
    pub fn take_unchanged(&mut self) -> Option<H> {
        if self.changed || matches!(self.kind, Kind::Seq(..) | Kind::Map(..)) {
            return None;
        }
        self.orig.take()
    }

    fn replace(&mut self, kind: Kind<H, T>) {
        self.kind = kind;
        self.changed = true;
    }

    /// `{k1: {k2: ... node}}`: a cell placed at its column's path.
    #[must_use]
    pub fn wrap(keys: &[String], node: Node<H, T>) -> Node<H, T> {
        keys.iter().rev().fold(node, |inner, k| {
            Node::leaf(
                Kind::Map(
                    alloc::vec![Entry {
                        key: T::from(k.clone()),
                        key_orig: None,
                        node: inner,
                    }],
                    0,
                ),
                None,
            )
        })
    }

    /// The cell back out of [`Node::wrap`] (whatever its key became); `None` when it was
    /// removed.
    #[must_use]
    pub fn unwrap(self, depth: usize) -> Option<Node<H, T>> {
        if depth == 0 {
            return Some(self);
        }
        match self.kind {
            Kind::Map(entries, _) => entries
                .into_iter()
                .find(|e| !e.node.removed)
                .and_then(|e| e.node.unwrap(depth - 1)),
            // Replaced as a whole (a record over the size limit).
            kind => Some(Node::replaced(kind)),
        }
    }

    /// Adds this value to a column summary, as its JSON kind.
    pub fn push_to(&self, s: &mut ColumnSummarizer<'_>) {
        match &self.kind {
            Kind::Null => s.push_null(),
            Kind::Bool(b) => s.push_bool(*b),
            Kind::Int(t) => match t.parse::<i64>() {
                Ok(x) => s.push_i64(x),
                Err(_) => s.push_number_text(t),
            },
            Kind::Float(t) => match t.parse::<f64>() {
                Ok(x) => s.push_f64(x),
                Err(_) => s.push_null(),
            },
            Kind::Str(t) => s.push_str(t.as_ref()),
            Kind::Other(n) => s.push_str(&format!("<{n}>")),
            Kind::Seq(..) => s.push_str("<list>"),
            Kind::Map(..) => s.push_str("<dict>"),
            Kind::Json(_) => s.push_str("<object>"),
        }
    }
}

impl<H, T: Text> Tree for Node<H, T> {
    fn shape(&self) -> Shape<'_> {
        match &self.kind {
            Kind::Null => Shape::Null,
            Kind::Bool(b) => Shape::Bool(*b),
            Kind::Int(t) => Shape::Int(Cow::Borrowed(t)),
            Kind::Float(t) => Shape::Float(Cow::Borrowed(t)),
            Kind::Str(s) => Shape::Str(s.as_ref()),
            Kind::Other(n) => Shape::Other(Cow::Borrowed(n)),
            Kind::Seq(..) => Shape::Array,
            Kind::Map(..) => Shape::Object,
            Kind::Json(v) => v.shape(),
        }
    }

    fn set_null(&mut self) {
        self.replace(Kind::Null);
    }

    fn set_string(&mut self, s: String) {
        self.replace(Kind::Str(T::from(s)));
    }

    fn entries(&mut self, f: &mut dyn FnMut(&str, &mut Self) -> Edit) {
        let Kind::Map(entries, _) = &mut self.kind else {
            return;
        };
        let mut renamed: Vec<(usize, String)> = Vec::new();
        for (i, e) in entries.iter_mut().enumerate() {
            match f(e.key.as_ref(), &mut e.node) {
                Edit::Keep => {}
                Edit::Remove => e.node.removed = true,
                Edit::Rename(new) => renamed.push((i, new)),
            }
        }
        let any_removed = entries.iter().any(|e| e.node.removed);
        if renamed.is_empty() && !any_removed {
            return;
        }
        // Output keys follow the rule every tree shares: in order, each key unique against the
        // keys written before it (`key#2`, ...).
        let mut pending = renamed.into_iter().peekable();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for (i, e) in entries.iter_mut().enumerate() {
            let new = match pending.peek() {
                Some((j, _)) if *j == i => pending.next().map(|(_, n)| n),
                _ => None,
            };
            if e.node.removed {
                continue;
            }
            let candidate = match new {
                Some(n) => {
                    e.key_orig = None;
                    n
                }
                None => e.key.as_ref().to_string(),
            };
            let unique = unique_key(candidate, |k| seen.contains(k));
            if unique != e.key.as_ref() {
                e.key_orig = None;
                e.key = T::from(unique.clone());
            }
            seen.insert(unique);
        }
    }

    fn items(&mut self, f: &mut dyn FnMut(&mut Self) -> Edit) {
        let Kind::Seq(items, _) = &mut self.kind else {
            return;
        };
        for item in items.iter_mut() {
            if f(item) == Edit::Remove {
                item.removed = true;
            }
        }
    }

    fn child(&self, key: &str) -> Option<&Self> {
        let Kind::Map(entries, _) = &self.kind else {
            return None;
        };
        entries
            .iter()
            .find(|e| !e.node.removed && e.key.as_ref() == key)
            .map(|e| &e.node)
    }

    fn item_count(&self) -> usize {
        match &self.kind {
            Kind::Seq(items, _) => items.iter().filter(|i| !i.removed).count(),
            _ => 0,
        }
    }

    fn to_value(&self, max_depth: usize) -> Value {
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(t) | Kind::Float(t) => t
                .parse::<serde_json::Number>()
                .map_or_else(|_| Value::String(t.clone()), Value::Number),
            Kind::Str(s) => Value::String(s.as_ref().to_string()),
            Kind::Other(n) => Value::String(format!("<{n}>")),
            Kind::Json(v) => v.to_value(max_depth),
            Kind::Seq(..) | Kind::Map(..) if max_depth == 0 => Value::from(TOO_DEEP),
            Kind::Seq(items, _) => Value::Array(
                items
                    .iter()
                    .filter(|i| !i.removed)
                    .map(|i| i.to_value(max_depth - 1))
                    .collect(),
            ),
            Kind::Map(entries, _) => {
                let mut m = Map::new();
                for e in entries.iter().filter(|e| !e.node.removed) {
                    let key = unique_key(e.key.as_ref().to_string(), |k| m.contains_key(k));
                    m.insert(key, e.node.to_value(max_depth - 1));
                }
                Value::Object(m)
            }
        }
    }

    fn set_value(&mut self, v: Value) {
        self.replace(Kind::Json(Box::new(v)));
    }
}

// `Debug` names shapes only: nodes hold record values, which are never printed.
impl<H, T> core::fmt::Debug for Node<H, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Node")
            .field("kind", &self.kind)
            .field("changed", &self.changed)
            .field("removed", &self.removed)
            .finish_non_exhaustive()
    }
}

impl<H, T> core::fmt::Debug for Kind<H, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Kind::Seq(items, _) => write!(f, "Seq({} items)", items.len()),
            Kind::Map(entries, _) => write!(f, "Map({} entries)", entries.len()),
            Kind::Json(_) => f.write_str("Json"),
            _ => f.write_str(self.shape_name()),
        }
    }
}

impl<H, T> Kind<H, T> {
    fn shape_name(&self) -> &'static str {
        match self {
            Kind::Null => "Null",
            Kind::Bool(_) => "Bool",
            Kind::Int(_) => "Int",
            Kind::Float(_) => "Float",
            Kind::Str(_) => "Str",
            Kind::Other(_) => "Other",
            Kind::Seq(..) => "Seq",
            Kind::Map(..) => "Map",
            Kind::Json(_) => "Json",
        }
    }
}

impl<H, T> core::fmt::Debug for Entry<H, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Entry")
            .field("node", &self.node)
            .finish_non_exhaustive()
    }
}

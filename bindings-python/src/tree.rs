//! Python objects as a tree the core walker can mask: each object is read once into a `Node`
//! (a `str`'s text borrowed from the str, which the node keeps alive; the originals kept for
//! reuse), the walker runs with the GIL released, and a new object is built from the result. The input is never mutated;
//! unchanged leaves are the input's own (immutable) objects; containers are always new.

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PyString,
    PyTuple, PyType,
};

/// One value of the input, as the walker sees it (core's mirror tree over Python objects).
pub(crate) type Node = tamis_core::mirror::Node<Py<PyAny>, Text>;
type Entry = tamis_core::mirror::Entry<Py<PyAny>, Text>;
type Kind = tamis_core::mirror::Kind<Py<PyAny>, Text>;

/// The text of a str or key: the `str`'s own UTF-8, borrowed for as long as the node holds the
/// str (no copy for ASCII text), or owned text (a str with lone surrogates, numbers, the
/// walker's replacements).
pub(crate) enum Text {
    Held(PyBackedStr),
    Own(String),
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        match self {
            Text::Held(s) => s,
            Text::Own(s) => s,
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::Own(s)
    }
}

impl Text {
    fn len(&self) -> usize {
        self.as_ref().len()
    }
}

/// The Python sequence types a `Kind::Seq` came from (output keeps the type).
const LIST: u8 = 0;
const TUPLE: u8 = 1;
const SET: u8 = 2;
const FROZENSET: u8 = 3;
/// The mapping tag of a dict (the only mapping read).
const DICT: u8 = 0;

/// Why reading stopped: the input is larger than the policy allows.
#[derive(Debug)]
pub(crate) struct TooLarge;

/// Python types looked up once per process.
struct Types {
    enum_type: Py<PyType>,
    datetime: Py<PyType>,
    date: Py<PyType>,
    time: Py<PyType>,
    decimal: Py<PyType>,
    uuid: Py<PyType>,
    dataclass_fields: Py<PyAny>,
    is_dataclass: Py<PyAny>,
}

static TYPES: PyOnceLock<Types> = PyOnceLock::new();

fn types(py: Python<'_>) -> PyResult<&Types> {
    TYPES.get_or_try_init(py, || {
        let ty = |module: &str, name: &str| -> PyResult<Py<PyType>> {
            Ok(py
                .import(module)?
                .getattr(name)?
                .cast_into::<PyType>()?
                .unbind())
        };
        let dataclasses = py.import("dataclasses")?;
        Ok(Types {
            enum_type: ty("enum", "Enum")?,
            datetime: ty("datetime", "datetime")?,
            date: ty("datetime", "date")?,
            time: ty("datetime", "time")?,
            decimal: ty("decimal", "Decimal")?,
            uuid: ty("uuid", "UUID")?,
            dataclass_fields: dataclasses.getattr("fields")?.unbind(),
            is_dataclass: dataclasses.getattr("is_dataclass")?.unbind(),
        })
    })
}

/// Reads Python objects into nodes, bounded in depth (cycles end there) and in size.
pub(crate) struct Reader<'py> {
    py: Python<'py>,
    types: &'py Types,
    max_depth: usize,
    /// Nodes and text bytes still allowed for this record.
    budget: u64,
}

impl<'py> Reader<'py> {
    pub(crate) fn new(py: Python<'py>, limits: &tamis_core::Limits) -> PyResult<Self> {
        Ok(Reader {
            py,
            types: types(py)?,
            max_depth: limits.max_depth as usize,
            budget: 0,
        })
    }

    /// Reads one record. Records bigger than about twice `max_record_bytes` stop early (the
    /// walker would quarantine them anyway; this bounds memory and cyclic fan-out).
    pub(crate) fn read(
        &mut self,
        obj: &Bound<'py, PyAny>,
        limits: &tamis_core::Limits,
    ) -> Result<Node, TooLarge> {
        self.budget = limits.read_budget();
        self.node(obj, 0)
    }

    fn spend(&mut self, n: usize) -> Result<(), TooLarge> {
        self.budget = self.budget.checked_sub(n as u64 + 1).ok_or(TooLarge)?;
        Ok(())
    }

    fn node(&mut self, obj: &Bound<'py, PyAny>, depth: usize) -> Result<Node, TooLarge> {
        self.spend(0)?;
        if depth > self.max_depth {
            // The walker writes `[tamis:too_deep]` here; nothing below is read (cycles end).
            return Ok(Node::too_deep());
        }
        let orig = || Some(obj.clone().unbind());
        // Exact built-in types first: the common case.
        if let Ok(s) = obj.cast_exact::<PyString>() {
            let text = str_held(s);
            self.spend(text.len())?;
            return Ok(Node::leaf(Kind::Str(text), orig()));
        }
        if let Ok(d) = obj.cast_exact::<PyDict>() {
            return self.dict(d, depth);
        }
        if let Ok(l) = obj.cast_exact::<PyList>() {
            return self.seq(l.iter(), l.len(), LIST, depth);
        }
        if obj.is_none() {
            return Ok(Node::leaf(Kind::Null, orig()));
        }
        if let Ok(b) = obj.cast_exact::<PyBool>() {
            return Ok(Node::leaf(Kind::Bool(b.is_true()), orig()));
        }
        if let Ok(i) = obj.cast_exact::<PyInt>() {
            return Ok(match int_text(i) {
                Some(t) => Node::leaf(Kind::Int(t), orig()),
                None => Node::leaf(Kind::Other("int".to_owned()), None),
            });
        }
        if let Ok(f) = obj.cast_exact::<PyFloat>() {
            return Ok(Node::leaf(Kind::Float(float_text(f.value())), orig()));
        }
        if let Ok(t) = obj.cast_exact::<PyTuple>() {
            return self.seq(t.iter(), t.len(), TUPLE, depth);
        }
        self.other(obj, depth)
    }

    /// Everything but the exact built-in types: subclasses, enums, dates, decimals, UUIDs,
    /// bytes, sets, dataclasses, pydantic models, numpy scalars and arrays.
    fn other(&mut self, obj: &Bound<'py, PyAny>, depth: usize) -> Result<Node, TooLarge> {
        let py = self.py;
        let t = self.types;
        let orig = Some(obj.clone().unbind());
        if obj.is_instance(t.enum_type.bind(py)).unwrap_or(false) {
            // An enum member is its value; unchanged, the member itself comes back.
            return match obj.getattr("value") {
                Ok(v) => {
                    let mut node = self.node(&v, depth)?;
                    if !matches!(node.kind, Kind::Seq(..) | Kind::Map(..)) {
                        node.orig = orig;
                    }
                    Ok(node)
                }
                Err(_) => Ok(self.opaque(obj)),
            };
        }
        if let Ok(b) = obj.cast::<PyBool>() {
            return Ok(Node::leaf(Kind::Bool(b.is_true()), orig));
        }
        if let Ok(i) = obj.cast::<PyInt>() {
            // A subclass of int: its integer value.
            let text = i
                .py()
                .get_type::<PyInt>()
                .call1((i,))
                .ok()
                .and_then(|v| v.cast_into::<PyInt>().ok().and_then(|v| int_text(&v)));
            return Ok(match text {
                Some(t) => Node::leaf(Kind::Int(t), orig),
                None => self.opaque(obj),
            });
        }
        if let Ok(f) = obj.cast::<PyFloat>() {
            return Ok(Node::leaf(Kind::Float(float_text(f.value())), orig));
        }
        if let Ok(s) = obj.cast::<PyString>() {
            let text = str_held(s);
            self.spend(text.len())?;
            return Ok(Node::leaf(Kind::Str(text), orig));
        }
        if let Ok(b) = obj.cast::<PyBytes>() {
            return self.bytes(b.as_bytes(), obj);
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return self.bytes(&b.to_vec(), obj);
        }
        if let Ok(d) = obj.cast::<PyDict>() {
            return self.dict(d, depth);
        }
        if let Ok(l) = obj.cast::<PyList>() {
            return self.seq(l.iter(), l.len(), LIST, depth);
        }
        if let Ok(tu) = obj.cast::<PyTuple>() {
            return self.seq(tu.iter(), tu.len(), TUPLE, depth);
        }
        if let Ok(s) = obj.cast::<PySet>() {
            return self.seq(s.iter(), s.len(), SET, depth);
        }
        if let Ok(s) = obj.cast::<PyFrozenSet>() {
            return self.seq(s.iter(), s.len(), FROZENSET, depth);
        }
        let is = |ty: &Py<PyType>| obj.is_instance(ty.bind(py)).unwrap_or(false);
        if is(&t.datetime) || is(&t.date) || is(&t.time) {
            return Ok(self.text_of(obj, "isoformat"));
        }
        if is(&t.uuid) {
            return Ok(self.text_of(obj, "__str__"));
        }
        if is(&t.decimal) {
            let finite = obj
                .call_method0("is_finite")
                .and_then(|v| v.is_truthy())
                .unwrap_or(false);
            let text = obj.str().ok().map(|s| str_text(&s));
            return Ok(match text {
                Some(text) if finite => Node::leaf(Kind::Float(text), orig),
                Some(text) => Node::leaf(Kind::Str(Text::Own(text)), orig),
                None => self.opaque(obj),
            });
        }
        if let Some(node) = self.fields(obj, depth)? {
            return Ok(node);
        }
        if let Some(node) = self.numpy(obj, depth)? {
            return Ok(node);
        }
        Ok(self.opaque(obj))
    }

    /// `<TypeName>`: an object that never passes through.
    fn opaque(&self, obj: &Bound<'py, PyAny>) -> Node {
        Node::leaf(Kind::Other(type_name(obj)), None)
    }

    /// A value read as the text a method returns (dates, UUIDs); unchanged, the object returns.
    fn text_of(&self, obj: &Bound<'py, PyAny>, method: &str) -> Node {
        match obj
            .call_method0(method)
            .ok()
            .and_then(|v| v.cast_into::<PyString>().ok())
        {
            Some(s) => Node::leaf(Kind::Str(str_held(&s)), Some(obj.clone().unbind())),
            None => self.opaque(obj),
        }
    }

    fn bytes(&mut self, b: &[u8], obj: &Bound<'py, PyAny>) -> Result<Node, TooLarge> {
        self.spend(b.len())?;
        Ok(match std::str::from_utf8(b) {
            Ok(text) => Node::leaf(
                Kind::Str(Text::Own(text.to_owned())),
                Some(obj.clone().unbind()),
            ),
            Err(_) => Node::leaf(Kind::Other(type_name(obj)), None),
        })
    }

    fn dict(&mut self, d: &Bound<'py, PyDict>, depth: usize) -> Result<Node, TooLarge> {
        let mut entries = Vec::with_capacity(d.len());
        for (k, v) in d.iter() {
            entries.push(self.entry(&k, &v, depth)?);
        }
        Ok(Node::leaf(Kind::Map(entries, DICT), None))
    }

    fn entry(
        &mut self,
        k: &Bound<'py, PyAny>,
        v: &Bound<'py, PyAny>,
        depth: usize,
    ) -> Result<Entry, TooLarge> {
        let (key, key_orig) = self.key(k);
        self.spend(key.len())?;
        let node = self.node(v, depth + 1)?;
        Ok(Entry {
            key,
            key_orig,
            node,
        })
    }

    /// A key's text, as `json.dumps` writes keys: str, int, float, bool and None keep their
    /// object in the output; any other key is written as its text (`<TypeName>` for objects
    /// with no text form), never as the object.
    fn key(&mut self, k: &Bound<'py, PyAny>) -> (Text, Option<Py<PyAny>>) {
        let keep = || Some(k.clone().unbind());
        if let Ok(s) = k.cast_exact::<PyString>() {
            return (str_held(s), keep());
        }
        let (text, orig) = self.key_text(k);
        (Text::Own(text), orig)
    }

    /// The text of a key that is not a str.
    fn key_text(&mut self, k: &Bound<'py, PyAny>) -> (String, Option<Py<PyAny>>) {
        let keep = || Some(k.clone().unbind());
        if k.is_none() {
            return ("null".to_owned(), keep());
        }
        if let Ok(b) = k.cast_exact::<PyBool>() {
            let text = if b.is_true() { "true" } else { "false" };
            return (text.to_owned(), keep());
        }
        if let Ok(i) = k.cast_exact::<PyInt>()
            && let Some(t) = int_text(i)
        {
            return (t, keep());
        }
        if let Ok(f) = k.cast_exact::<PyFloat>() {
            return (float_text(f.value()), keep());
        }
        // Anything else is read as a value; its text (or `<TypeName>`) becomes the key.
        let node = match self.node(k, self.max_depth) {
            Ok(n) => n,
            Err(TooLarge) => return ("<key>".to_owned(), None),
        };
        let text = match node.kind {
            Kind::Str(s) => s.as_ref().to_owned(),
            Kind::Int(s) | Kind::Float(s) => s,
            Kind::Bool(b) => if b { "true" } else { "false" }.to_owned(),
            Kind::Null => "null".to_owned(),
            _ => format!("<{}>", type_name(k)),
        };
        (text, None)
    }

    fn seq(
        &mut self,
        items: impl Iterator<Item = Bound<'py, PyAny>>,
        len: usize,
        kind: u8,
        depth: usize,
    ) -> Result<Node, TooLarge> {
        let mut out = Vec::with_capacity(len.min(1 << 16));
        for item in items {
            out.push(self.node(&item, depth + 1)?);
        }
        Ok(Node::leaf(Kind::Seq(out, kind), None))
    }

    /// Dataclass instances and pydantic models: their fields, as a dict.
    fn fields(&mut self, obj: &Bound<'py, PyAny>, depth: usize) -> Result<Option<Node>, TooLarge> {
        let py = self.py;
        let is_instance_dataclass = self
            .types
            .is_dataclass
            .bind(py)
            .call1((obj,))
            .and_then(|v| v.is_truthy())
            .unwrap_or(false)
            && !obj.is_instance_of::<PyType>();
        let names: Vec<Bound<'py, PyAny>> = if is_instance_dataclass {
            match self.types.dataclass_fields.bind(py).call1((obj,)) {
                Ok(fields) => match fields.try_iter() {
                    Ok(it) => it
                        .filter_map(|f| f.ok().and_then(|f| f.getattr("name").ok()))
                        .collect(),
                    Err(_) => return Ok(Some(self.opaque(obj))),
                },
                Err(_) => return Ok(Some(self.opaque(obj))),
            }
        } else if let Ok(model_fields) = obj.get_type().getattr("__pydantic_fields__")
            && let Ok(d) = model_fields.cast::<PyDict>()
        {
            d.keys().iter().collect()
        } else {
            return Ok(None);
        };
        let mut entries = Vec::with_capacity(names.len());
        for name in names {
            let Ok(value) = obj.getattr(name.cast::<PyString>().map_err(|_| TooLarge)?) else {
                // A field that cannot be read fails closed: the whole object is opaque.
                return Ok(Some(self.opaque(obj)));
            };
            entries.push(self.entry(&name, &value, depth)?);
        }
        Ok(Some(Node::leaf(Kind::Map(entries, DICT), None)))
    }

    /// numpy scalars (their Python value) and arrays (their items), by duck typing so numpy
    /// is never imported here.
    fn numpy(&mut self, obj: &Bound<'py, PyAny>, depth: usize) -> Result<Option<Node>, TooLarge> {
        let module = obj
            .get_type()
            .module()
            .map(|m| str_text(&m))
            .unwrap_or_default();
        if module != "numpy" {
            return Ok(None);
        }
        let is_array =
            obj.hasattr("ndim").unwrap_or(false) && obj.hasattr("tolist").unwrap_or(false);
        if is_array {
            let size: u64 = obj
                .getattr("size")
                .and_then(|s| s.extract())
                .unwrap_or(u64::MAX);
            if size > self.budget {
                return Err(TooLarge);
            }
        }
        match obj
            .call_method0("tolist")
            .or_else(|_| obj.call_method0("item"))
        {
            Ok(v) if !v.is(obj) => {
                let mut node = self.node(&v, depth)?;
                if !is_array && !matches!(node.kind, Kind::Seq(..) | Kind::Map(..)) {
                    node.orig = Some(obj.clone().unbind());
                }
                Ok(Some(node))
            }
            _ => Ok(None),
        }
    }
}

/// A str's text; lone surrogates (which UTF-8 cannot carry) become U+FFFD.
fn str_text(s: &Bound<'_, PyString>) -> String {
    crate::convert::text_of(s)
}

/// A str's text, borrowed from the str itself when it is valid Unicode (kept alive by the
/// returned value); lone surrogates (which UTF-8 cannot carry) become U+FFFD in owned text.
fn str_held(s: &Bound<'_, PyString>) -> Text {
    match PyBackedStr::try_from(s.clone()) {
        Ok(held) => Text::Held(held),
        Err(_) => Text::Own(crate::convert::text_of(s)),
    }
}

/// An int's decimal text (any size); `None` when Python refuses (beyond its digit limit).
fn int_text(i: &Bound<'_, PyInt>) -> Option<String> {
    if let Ok(v) = i.extract::<i64>() {
        return Some(v.to_string());
    }
    i.str().ok().map(|s| str_text(&s))
}

/// A float as Python's `repr` spells it (shortest round trip), which is what detectors see.
fn float_text(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let s = format!("{x:?}");
    // Rust's `{:?}` writes `1e16` where Python writes `1e+16`.
    match s.find('e') {
        Some(i) if !s[i + 1..].starts_with('-') => format!("{}e+{}", &s[..i], &s[i + 1..]),
        _ => s,
    }
}

pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| str_text(&n))
        .unwrap_or_else(|_| "object".to_owned())
}

/// Builds output objects from walked nodes. Replacement texts repeat (every masked value of a
/// rule gets the same `[REDACTED]`), so the last few short ones are kept as `str` objects and
/// reused (strings are immutable) rather than decoded again.
#[derive(Default)]
pub(crate) struct Output {
    recent: Vec<(String, Py<PyString>)>,
    next: usize,
}

/// How many replacement texts [`Output`] keeps, and the longest it keeps.
const RECENT: usize = 4;
const RECENT_MAX_LEN: usize = 64;

impl Output {
    /// The output object of `node`: new containers, the input's own leaves where nothing
    /// changed.
    pub(crate) fn build(&mut self, py: Python<'_>, node: Node) -> PyResult<Py<PyAny>> {
        node.into_py(py, self)
    }

    fn text(&mut self, py: Python<'_>, s: String) -> Py<PyAny> {
        if s.len() > RECENT_MAX_LEN {
            return PyString::new(py, &s).into_any().unbind();
        }
        if let Some((_, obj)) = self.recent.iter().find(|(t, _)| *t == s) {
            return obj.clone_ref(py).into_any();
        }
        let obj = PyString::new(py, &s).unbind();
        let entry = (s, obj.clone_ref(py));
        if self.recent.len() < RECENT {
            self.recent.push(entry);
        } else if let Some(slot) = self.recent.get_mut(self.next) {
            *slot = entry;
        }
        self.next = (self.next + 1) % RECENT;
        obj.into_any()
    }
}

/// Builds the output object of a walked node.
trait IntoPy {
    fn into_py(self, py: Python<'_>, out: &mut Output) -> PyResult<Py<PyAny>>;
}

impl IntoPy for Node {
    fn into_py(mut self, py: Python<'_>, out: &mut Output) -> PyResult<Py<PyAny>> {
        if let Some(orig) = self.take_unchanged() {
            return Ok(orig);
        }
        Ok(match self.kind {
            Kind::Null => py.None(),
            Kind::Bool(b) => PyBool::new(py, b).to_owned().into_any().unbind(),
            Kind::Int(t) => int_from_text(py, &t)?,
            Kind::Float(t) => match t.parse::<f64>() {
                Ok(x) => PyFloat::new(py, x).into_any().unbind(),
                Err(_) => PyString::new(py, &t).into_any().unbind(),
            },
            Kind::Str(Text::Held(s)) => s.as_py_str().clone_ref(py).into_any(),
            Kind::Str(Text::Own(s)) => out.text(py, s),
            Kind::Other(n) => PyString::new(py, &format!("<{n}>")).into_any().unbind(),
            Kind::Json(v) => crate::convert::value_to_py(py, &v)?,
            Kind::Seq(items, kind) => {
                let mut built = Vec::with_capacity(items.len());
                for item in items.into_iter().filter(|i| !i.removed) {
                    built.push(item.into_py(py, out)?);
                }
                let out = built;
                match kind {
                    TUPLE => PyTuple::new(py, out)?.into_any().unbind(),
                    // Masked items may be unhashable (a summary): then a list.
                    SET => match PySet::new(py, &out) {
                        Ok(s) => s.into_any().unbind(),
                        Err(_) => PyList::new(py, out)?.into_any().unbind(),
                    },
                    FROZENSET => match PyFrozenSet::new(py, &out) {
                        Ok(s) => s.into_any().unbind(),
                        Err(_) => PyList::new(py, out)?.into_any().unbind(),
                    },
                    _ => PyList::new(py, out)?.into_any().unbind(),
                }
            }
            Kind::Map(entries, _) => {
                let d = PyDict::new(py);
                for e in entries.into_iter().filter(|e| !e.node.removed) {
                    let value = e.node.into_py(py, out)?;
                    match e.key_orig {
                        Some(k) => d.set_item(k, value)?,
                        None => d.set_item(e.key.as_ref(), value)?,
                    }
                }
                d.into_any().unbind()
            }
        })
    }
}

fn int_from_text(py: Python<'_>, t: &str) -> PyResult<Py<PyAny>> {
    if let Ok(v) = t.parse::<i64>() {
        return Ok(v.into_pyobject(py)?.into_any().unbind());
    }
    Ok(py.get_type::<PyInt>().call1((t,))?.unbind())
}

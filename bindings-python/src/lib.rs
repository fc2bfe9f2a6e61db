//! `tamis._tamis`: the compiled core of the `tamis` Python package. The public API is
//! `python/tamis/__init__.py`, which re-exports what is here and adds the DataFrame dispatch
//! of `summarize` and the integrations.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use tamis_core::{
    Disposition, MissingKey, Output as Written, PolicyFormat, Quarantine, Run, dropped_marker,
    quarantine_marker,
};

mod columns;
mod convert;
mod tree;

/// An allocation of the module's Rust code that the system cannot serve is served from a
/// reserve and quarantines the record it happened in (`out_of_memory`) instead of aborting the
/// Python process (see `tamis-reserve`). Python's own objects use Python's allocator, whose
/// failures raise `MemoryError`.
#[global_allocator]
static ALLOC: tamis_reserve::Reserve<std::alloc::System> =
    tamis_reserve::Reserve::new(std::alloc::System);

use convert::value_to_py;
use tree::{Node, Output, Reader, TooLarge};

create_exception!(
    tamis,
    TamisError,
    PyValueError,
    "Every error tamis raises: a bad argument, context or time. Never carries a record's values."
);
create_exception!(
    tamis,
    RevealError,
    TamisError,
    "`reveal` refused: the context is not one the policy's `[reveal]` allows (`reason` \
     `\"denied\"`), or a value cannot be turned back (`path`, `rule_id` and `reason`: \
     `not_verified`, `unknown_key`, `not_reversible`, `no_entity`). Never carries a value or a \
     token."
);
create_exception!(
    tamis,
    PolicyError,
    TamisError,
    "A policy that cannot be compiled: `code`, `line`, `column`, `rule_id`, `path`, `file` and \
     `help` say what and where."
);

/// How many records `apply_many` reads before it releases the GIL to apply them. Small, so the
/// garbage collection each batch's output starts scans a few hundred containers still in cache:
/// with 512 the collections cost three times as much (28 ms against 10 per 10,000 records).
const BATCH: usize = 64;

/// A compiled policy. Immutable and thread-safe; pickles (with its key material).
#[pyclass(frozen, module = "tamis", name = "Policy")]
struct Policy {
    inner: Arc<tamis_core::Policy>,
    source: String,
    format: PolicyFormat,
    file: Option<String>,
    /// Key material bound to the policy, by key name (pickled with it).
    keys: Vec<(String, Vec<u8>)>,
    /// The functions bound to its `ext:` detectors, by name (pickled with it).
    detectors: Vec<(String, Py<PyAny>)>,
    /// Where audit events go: a callable given each event (a dict), or a file path to which
    /// each event is appended as a JSON line (see `with_audit`; not pickled).
    audit: Option<Py<PyAny>>,
    /// Working memory the last call gave back: the next call reuses it instead of allocating
    /// (a policy with hundreds of detectors has caches worth keeping). A call that finds it
    /// taken (another thread) makes its own.
    scratch: std::sync::Mutex<Option<tamis_core::Scratch>>,
}

fn policy_error(py: Python<'_>, e: &tamis_core::PolicyError) -> PyErr {
    let err = PolicyError::new_err(e.to_string());
    let v = err.value(py);
    let attrs: [(&str, Option<String>); 7] = [
        ("code", Some(e.kind().code().to_owned())),
        ("line", None),
        ("column", None),
        ("rule_id", e.rule_id().map(str::to_owned)),
        ("path", e.path().map(str::to_owned)),
        ("file", e.file().map(str::to_owned)),
        ("help", e.help_text().map(str::to_owned)),
    ];
    for (name, value) in attrs {
        let _ = v.setattr(name, value);
    }
    let _ = v.setattr("line", e.line());
    let _ = v.setattr("column", e.column());
    err
}

fn reveal_error(
    py: Python<'_>,
    message: &str,
    reason: &str,
    path: Option<&str>,
    rule: Option<&str>,
) -> PyErr {
    let err = RevealError::new_err(message.to_owned());
    let v = err.value(py);
    let _ = v.setattr("reason", reason);
    let _ = v.setattr("path", path);
    let _ = v.setattr("rule_id", rule);
    err
}

/// Reads `keys={"name": "material" | b"material"}`.
fn key_materials(keys: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let Some(keys) = keys.filter(|k| !k.is_none()) else {
        return Ok(out);
    };
    let d = keys
        .cast::<PyDict>()
        .map_err(|_| TamisError::new_err("keys must be a dict of key name to str or bytes"))?;
    for (k, v) in d.iter() {
        let name: String = k
            .extract()
            .map_err(|_| TamisError::new_err("keys must be a dict of key name to str or bytes"))?;
        let material = if let Ok(s) = v.cast::<PyString>() {
            s.to_str()?.as_bytes().to_vec()
        } else if let Ok(b) = v.cast::<PyBytes>() {
            b.as_bytes().to_vec()
        } else {
            return Err(TamisError::new_err(format!(
                "keys[{name:?}] must be str or bytes"
            )));
        };
        out.push((name, material));
    }
    Ok(out)
}

/// `detectors={"name": fn}`: the functions of the policy's `ext:` detectors.
fn detector_functions(d: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, Py<PyAny>)>> {
    let Some(d) = d.filter(|d| !d.is_none()) else {
        return Ok(Vec::new());
    };
    let bad = || PyTypeError::new_err("detectors must be a dict of name to a function of one str");
    let d = d.cast::<PyDict>().map_err(|_| bad())?;
    let mut out = Vec::new();
    for (k, v) in d.iter() {
        let name: String = k.extract().map_err(|_| bad())?;
        if !v.is_callable() {
            return Err(PyTypeError::new_err(format!(
                "detectors[{name:?}] is not callable: give a function of one str that returns spans"
            )));
        }
        out.push((name, v.unbind()));
    }
    Ok(out)
}

/// The Python functions of `ext:` detectors. Each is given one line (a `str`) and returns its
/// findings: `(start, end)` pairs of character offsets, or objects with `start` and `end`
/// (Presidio's results). An exception or a bad answer fails the call (the text is then masked
/// whole and counted); the exception is dropped, never shown (it may quote the text).
struct PyDetectors(Vec<(String, Py<PyAny>)>);

impl tamis_core::ExtDetect for PyDetectors {
    fn binds(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    fn detect(&self, name: &str, line: &str, out: &mut Vec<(usize, usize)>) -> bool {
        let Some((_, f)) = self.0.iter().find(|(n, _)| n == name) else {
            return false;
        };
        Python::attach(|py| {
            let Ok(found) = f.call1(py, (line,)) else {
                return false;
            };
            let Ok(items) = found.bind(py).try_iter() else {
                return false;
            };
            // Character offsets to byte offsets (the same for ASCII).
            let starts: Vec<usize> = if line.is_ascii() {
                Vec::new()
            } else {
                line.char_indices()
                    .map(|(b, _)| b)
                    .chain([line.len()])
                    .collect()
            };
            let byte = |c: usize| {
                if line.is_ascii() {
                    (c <= line.len()).then_some(c)
                } else {
                    starts.get(c).copied()
                }
            };
            for item in items {
                let Ok(item) = item else {
                    return false;
                };
                let pair = item.extract::<(usize, usize)>().or_else(|_| {
                    Ok::<_, PyErr>((
                        item.getattr("start")?.extract::<usize>()?,
                        item.getattr("end")?.extract::<usize>()?,
                    ))
                });
                let Ok((s, e)) = pair else {
                    return false;
                };
                match (byte(s), byte(e)) {
                    (Some(s), Some(e)) if s <= e => out.push((s, e)),
                    _ => return false,
                }
            }
            true
        })
    }
}

impl Policy {
    fn build(
        py: Python<'_>,
        source: String,
        format: PolicyFormat,
        file: Option<String>,
        given: Vec<(String, Vec<u8>)>,
        from_env: bool,
        detectors: Vec<(String, Py<PyAny>)>,
    ) -> PyResult<Self> {
        let err = |e: tamis_core::PolicyError| match &file {
            Some(f) => policy_error(py, &e.with_file(f.clone())),
            None => policy_error(py, &e),
        };
        let compiled = tamis_core::Policy::from_text(&source, format).map_err(err)?;
        compiled.require_no_plugins().map_err(err)?;
        if let Some((name, _)) = detectors
            .iter()
            .find(|(n, _)| !compiled.ext_detectors().contains(n))
        {
            return Err(PyValueError::new_err(format!(
                "detectors[{name:?}] is given, but the policy has no `ext:{name}` detector (it has: {})",
                compiled
                    .ext_detectors()
                    .iter()
                    .map(|n| format!("ext:{n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let compiled = if detectors.is_empty() {
            compiled.require_detectors_bound().map_err(err)?;
            compiled
        } else {
            let bound = PyDetectors(
                detectors
                    .iter()
                    .map(|(n, f)| (n.clone(), f.clone_ref(py)))
                    .collect(),
            );
            compiled.with_detectors(Arc::new(bound)).map_err(err)?
        };
        // Keys not given are read from the environment (pickled with the policy, so it
        // unpickles the same anywhere); without either, `hash` writes `[tamis:no_key]`.
        let mut read: Vec<(String, Vec<u8>)> = Vec::new();
        let mut env = |var: &str| {
            let m = from_env
                .then(|| std::env::var_os(var))
                .flatten()
                .map(std::ffi::OsString::into_encoded_bytes)
                .filter(|m| !m.is_empty())?;
            read.push((var.to_owned(), m.clone()));
            Some(m)
        };
        let compiled = compiled
            .bind_keys(&given, &mut env, MissingKey::NoKey)
            .map_err(err)?;
        let mut keys = given;
        for (name, var, _) in compiled.declared_keys() {
            if let Some((_, m)) = read.iter().find(|(v, _)| v == var)
                && !keys.iter().any(|(n, _)| n == name)
            {
                keys.push((name.to_owned(), m.clone()));
            }
        }
        Ok(Policy {
            inner: Arc::new(compiled),
            source,
            format,
            file,
            keys,
            detectors,
            audit: None,
            scratch: std::sync::Mutex::new(None),
        })
    }

    /// A run of the policy for `ctx`, on the working memory the last call gave back.
    fn run(&self, ctx: tamis_core::Context) -> tamis_core::Run<'_> {
        let sx = self
            .scratch
            .try_lock()
            .ok()
            .and_then(|mut held| held.take());
        match sx {
            Some(sx) => self.inner.run_reusing(ctx, sx),
            None => self.inner.run(ctx),
        }
    }

    /// Keeps the run's working memory (its caches, not the text it held) for the next call.
    fn give_back(&self, run: tamis_core::Run<'_>) {
        if let Ok(mut held) = self.scratch.try_lock() {
            let mut sx = run.into_scratch();
            sx.forget_text();
            *held = Some(sx);
        }
    }

    fn output(
        &self,
        py: Python<'_>,
        out: &mut Output,
        node: Option<Node>,
        d: Disposition,
    ) -> PyResult<Option<Py<PyAny>>> {
        match d.output(None) {
            Written::Record => match node {
                Some(n) => out.build(py, n).map(Some),
                // Unreachable: a kept record has its node; never pass anything through.
                None => value_to_py(py, &quarantine_marker(None, Quarantine::TooLarge)).map(Some),
            },
            Written::Marker(m) => value_to_py(py, &m).map(Some),
            Written::Nothing => Ok(None),
        }
    }

    fn context(
        ctx: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<tamis_core::Context> {
        let mut c = convert::context(ctx)?;
        c.now = Some(convert::now(now)?);
        Ok(c)
    }

    /// Applies the policy to nodes already read (with the GIL released by the caller).
    fn apply_nodes(nodes: &mut [Result<Node, TooLarge>], run: &mut Run<'_>) -> Vec<Disposition> {
        nodes
            .iter_mut()
            .map(|n| match n {
                Ok(node) => run.tree(node),
                Err(TooLarge) => {
                    run.tally_mut().count_quarantined_input();
                    Disposition::Quarantined(Quarantine::TooLarge)
                }
            })
            .collect()
    }

    fn apply_impl(
        &self,
        py: Python<'_>,
        obj: &Bound<'_, PyAny>,
        run: &mut Run<'_>,
    ) -> PyResult<Option<Py<PyAny>>> {
        let limits = self.inner.limits();
        let mut nodes = [Reader::new(py, limits)?.read(obj, limits)];
        let d = py.detach(|| Self::apply_nodes(&mut nodes, run));
        let [node] = nodes;
        self.output(
            py,
            &mut Output::default(),
            node.ok(),
            d.first()
                .copied()
                .unwrap_or(Disposition::Quarantined(Quarantine::TooLarge)),
        )
    }

    fn apply_many_impl(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        run: &mut Run<'_>,
    ) -> PyResult<Py<PyList>> {
        let limits = self.inner.limits();
        let mut reader = Reader::new(py, limits)?;
        let out = PyList::empty(py);
        let mut built = Output::default();
        let mut it = records.try_iter()?;
        let paused = GcPause::new(py);
        loop {
            let mut batch = Vec::with_capacity(BATCH);
            for obj in it.by_ref().take(BATCH) {
                batch.push(reader.read(&obj?, limits));
            }
            if batch.is_empty() {
                break;
            }
            let ds = paused.detach(py, || Self::apply_nodes(&mut batch, run));
            for (node, d) in batch.into_iter().zip(ds) {
                if let Some(v) = self.output(py, &mut built, node.ok(), d)? {
                    out.append(v)?;
                }
            }
        }
        Ok(out.unbind())
    }

    /// Sends one audit event to the policy's audit sink, if it has one.
    fn emit(&self, py: Python<'_>, event: impl FnOnce() -> serde_json::Value) -> PyResult<()> {
        let Some(sink) = &self.audit else {
            return Ok(());
        };
        let sink = sink.bind(py);
        let event = event();
        if sink.is_callable() {
            sink.call1((value_to_py(py, &event)?,))?;
            return Ok(());
        }
        let path: PathBuf = sink.extract()?;
        let mut line = event.to_string();
        line.push('\n');
        use std::io::Write as _;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()))
            .map_err(|e| {
                TamisError::new_err(format!(
                    "cannot append the audit event to {}: {e}",
                    path.display()
                ))
            })
    }

    /// The context and time of a reveal, when `[reveal]` allows it; else the `reveal_denied`
    /// event is sent and `RevealError` (reason `denied`) raised.
    fn reveal_context(
        &self,
        py: Python<'_>,
        context: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(tamis_core::Context, i64)> {
        let ctx = Self::context(context, now)?;
        let time = ctx.now.unwrap_or(0);
        if let Err(e) = self.inner.may_reveal(&ctx) {
            self.emit(py, || self.inner.reveal_denied_event(&ctx, time))?;
            return Err(reveal_error(py, &e.to_string(), "denied", None, None));
        }
        Ok((ctx, time))
    }

    /// Reveals `value` (the context already allowed) and sends the audit event.
    fn reveal_value(
        &self,
        py: Python<'_>,
        mut value: serde_json::Value,
        ctx: &tamis_core::Context,
        time: i64,
    ) -> PyResult<serde_json::Value> {
        let mut counts = tamis_core::RevealCounts::default();
        let result = py.detach(|| self.inner.reveal_value(&mut value, &mut counts));
        self.emit(py, || counts.audit_event(&self.inner, ctx, time))?;
        match result {
            Ok(()) => Ok(value),
            Err(r) => Err(reveal_error(
                py,
                &r.to_string(),
                r.reason,
                Some(r.path.as_str()),
                r.rule.as_deref(),
            )),
        }
    }

    /// The audit event of a run, when the policy has a sink.
    fn audit_run(&self, py: Python<'_>, run: &Run<'_>) -> PyResult<()> {
        if self.audit.is_none() {
            return Ok(());
        }
        self.emit(py, || {
            let ctx = run.context();
            run.report().audit_event(ctx, ctx.now.unwrap_or(0))
        })
    }

    fn report(py: Python<'_>, run: &Run<'_>) -> PyResult<Py<PyAny>> {
        let report = serde_json::to_value(run.report())
            .map_err(|_| TamisError::new_err("the report could not be written"))?;
        value_to_py(py, &report)
    }
}

/// A text masked as it arrives (`Policy.stream`): push chunks, then finish.
#[pyclass(frozen, module = "tamis", name = "TextStream")]
struct TextStream {
    /// `None` once finished. Behind a lock: a stream is one text, pushed by one caller at a
    /// time (another thread's call meanwhile is refused).
    inner: std::sync::Mutex<StreamSlot>,
    policy: Py<Policy>,
    /// The session whose placeholder numbers the stream uses (`session.stream()`): given back
    /// when the stream finishes or is dropped.
    lease: std::sync::Mutex<Option<Lease>>,
}

/// A session's numbers lent to a stream, and where they go back.
struct Lease {
    slot: Arc<SessionSlot>,
    session: tamis_core::Session,
}

type SessionSlot = std::sync::Mutex<Option<tamis_core::Session>>;

impl TextStream {
    fn new(policy: &Bound<'_, Policy>, ctx: &tamis_core::Context, lease: Option<Lease>) -> Self {
        let mut stream = tamis_core::TextStream::new(Arc::clone(&policy.get().inner), ctx);
        let lease = lease.map(|mut l| {
            stream.begin_session(&mut l.session);
            l
        });
        Self {
            inner: std::sync::Mutex::new(Some(stream)),
            policy: policy.clone().unbind(),
            lease: std::sync::Mutex::new(lease),
        }
    }

    /// Gives the session's numbers back (once).
    fn give_back(
        stream: &mut tamis_core::TextStream<Arc<tamis_core::Policy>>,
        lease: &std::sync::Mutex<Option<Lease>>,
    ) {
        let taken = lease
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(mut l) = taken {
            stream.end_session(&mut l.session);
            *l.slot
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(l.session);
        }
    }
}

impl Drop for TextStream {
    fn drop(&mut self) {
        let inner = self
            .inner
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(stream) = inner.as_mut() {
            Self::give_back(stream, &self.lease);
        }
    }
}

/// Pieces at least this long are masked with the GIL released.
const DETACH_BYTES: usize = 64 * 1024;

#[pymethods]
impl TextStream {
    /// Adds the next chunk (`str`, or `bytes` that may cut a UTF-8 sequence; bytes that are
    /// not UTF-8 become U+FFFD) and returns the masked text that can be released now (often
    /// `""` while a line is incomplete). Raises `TamisError` after `finish`.
    fn push(&self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<String> {
        let mut guard = self.lock()?;
        let Some(stream) = guard.as_mut() else {
            return Err(TamisError::new_err(
                "the stream is finished; start a new one",
            ));
        };
        let mut out = String::new();
        if let Ok(s) = chunk.cast::<PyString>() {
            // Lone surrogates (not UTF-8) become U+FFFD: never an error that quotes the input.
            let text = convert::text_of(s);
            if text.len() >= DETACH_BYTES {
                py.detach(|| stream.push(&text, &mut out));
            } else {
                stream.push(&text, &mut out);
            }
        } else if let Ok(b) = chunk.cast::<PyBytes>() {
            let bytes = b.as_bytes();
            if bytes.len() >= DETACH_BYTES {
                let owned = bytes.to_vec();
                py.detach(|| stream.push_bytes(&owned, &mut out));
            } else {
                stream.push_bytes(bytes, &mut out);
            }
        } else {
            return Err(PyTypeError::new_err("push takes a str or bytes chunk"));
        }
        Ok(out)
    }

    /// Returns the rest of the masked text; the stream is done (a second call returns `""`).
    /// Sends the policy's audit event for the whole stream.
    fn finish(&self, py: Python<'_>) -> PyResult<String> {
        let taken = self.lock()?.take();
        let Some(mut stream) = taken else {
            return Ok(String::new());
        };
        let mut out = String::new();
        stream.finish(&mut out);
        Self::give_back(&mut stream, &self.lease);
        let policy = self.policy.get();
        policy.emit(py, || {
            let ctx = stream.context();
            stream.report().audit_event(ctx, ctx.now.unwrap_or(0))
        })?;
        Ok(out)
    }

    /// The report of what was masked so far (counts only, never a value).
    fn report(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let guard = self.lock()?;
        let Some(stream) = guard.as_ref() else {
            return Err(TamisError::new_err(
                "the stream is finished: take its report before finish()",
            ));
        };
        let report = serde_json::to_value(stream.report())
            .map_err(|_| TamisError::new_err("the report could not be written"))?;
        value_to_py(py, &report)
    }

    /// Bytes held back, not yet released.
    #[getter]
    fn held_bytes(&self) -> PyResult<usize> {
        Ok(self
            .lock()?
            .as_ref()
            .map_or(0, tamis_core::TextStream::held_bytes))
    }

    fn __repr__(&self) -> String {
        // Held text is data: its size only.
        match self.held_bytes() {
            Ok(n) => format!("<tamis.TextStream held_bytes={n}>"),
            Err(_) => "<tamis.TextStream in use>".to_owned(),
        }
    }
}

type StreamSlot = Option<tamis_core::TextStream<Arc<tamis_core::Policy>>>;

impl TextStream {
    /// The stream. A stream is one text pushed in order: a call while another thread's call
    /// on the same stream runs is an error (waiting for it holding the GIL could deadlock).
    /// A lock poisoned by a panic is taken as it is: the state is consistent between calls.
    fn lock(&self) -> PyResult<std::sync::MutexGuard<'_, StreamSlot>> {
        match self.inner.try_lock() {
            Ok(g) => Ok(g),
            Err(std::sync::TryLockError::Poisoned(p)) => Ok(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => Err(TamisError::new_err(
                "the stream is in use by another thread; push a stream from one thread at a time",
            )),
        }
    }
}

/// Placeholder numbers kept for a conversation (`Policy.session()`).
#[pyclass(frozen, module = "tamis", name = "Session")]
struct Session {
    policy: Py<Policy>,
    /// `None` while a stream of the session is open.
    slot: Arc<SessionSlot>,
}

impl Session {
    /// Takes the session out for a call (given back by `put`); an error while another call or
    /// an open stream has it.
    fn take(&self) -> PyResult<tamis_core::Session> {
        let mut slot = match self.slot.try_lock() {
            Ok(g) => g,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                return Err(TamisError::new_err(
                    "the session is in use by another thread; use a session from one thread at a time",
                ));
            }
        };
        slot.take().ok_or_else(|| {
            TamisError::new_err(
                "the session is in use by an open stream or another call; finish the stream first",
            )
        })
    }

    /// Runs `f` on a run of the policy for `ctx` numbering in this session, then gives the
    /// numbers back and sends the call's audit event.
    fn in_session<R>(
        &self,
        py: Python<'_>,
        ctx: tamis_core::Context,
        f: impl FnOnce(&Policy, &mut tamis_core::Run<'_>) -> PyResult<R>,
    ) -> PyResult<R> {
        let policy = self.policy.get();
        let mut session = self.take()?;
        let mut run = policy.run(ctx);
        run.begin_session(&mut session);
        let out = f(policy, &mut run);
        run.end_session(&mut session);
        self.put(session);
        let audited = policy.audit_run(py, &run);
        policy.give_back(run);
        audited?;
        out
    }

    fn put(&self, session: tamis_core::Session) {
        *self
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(session);
    }
}

#[pymethods]
impl Session {
    /// `Policy.apply` of a record, numbering placeholders in this session.
    #[pyo3(signature = (obj, *, context = None, now = None))]
    fn apply(
        &self,
        py: Python<'_>,
        obj: &Bound<'_, PyAny>,
        context: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<Py<PyAny>>> {
        if is_frame(obj) {
            return Err(PyTypeError::new_err(
                "a session masks records and text; mask tables with policy.apply",
            ));
        }
        let ctx = Policy::context(context, now)?;
        self.in_session(py, ctx, |policy, run| policy.apply_impl(py, obj, run))
    }

    /// `Policy.apply_many`, numbering placeholders in this session.
    #[pyo3(signature = (records, *, context = None, now = None))]
    fn apply_many(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        context: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyList>> {
        let ctx = Policy::context(context, now)?;
        self.in_session(py, ctx, |policy, run| {
            policy.apply_many_impl(py, records, run)
        })
    }

    /// `Policy.mask_text`, numbering placeholders in this session.
    #[pyo3(signature = (text, *, context = None))]
    fn mask_text(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyString>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let ctx = Policy::context(context, None)?;
        let text = convert::text_of(text);
        self.in_session(py, ctx, |_, run| Ok(py.detach(|| run.text(&text))))
    }

    /// `Policy.stream`, numbering placeholders in this session; the session is the stream's
    /// until it finishes (other calls on the session meanwhile raise `TamisError`).
    #[pyo3(signature = (*, context = None))]
    fn stream(&self, py: Python<'_>, context: Option<&Bound<'_, PyAny>>) -> PyResult<TextStream> {
        let ctx = Policy::context(context, None)?;
        let session = self.take()?;
        let lease = Lease {
            slot: Arc::clone(&self.slot),
            session,
        };
        Ok(TextStream::new(self.policy.bind(py), &ctx, Some(lease)))
    }

    /// `text` with every placeholder this session issued replaced by its value (an LLM's
    /// answer that quotes them); anything else is left as it is.
    fn restore(&self, text: &Bound<'_, PyString>) -> PyResult<String> {
        let text = convert::text_of(text);
        let session = self.take()?;
        let out = session.restore(&text);
        self.put(session);
        Ok(out)
    }

    /// How many values the session has numbered.
    fn __len__(&self) -> PyResult<usize> {
        let session = self.take()?;
        let n = session.len();
        self.put(session);
        Ok(n)
    }

    fn __repr__(&self) -> String {
        // Counts only: the session holds values.
        match self.__len__() {
            Ok(n) => format!("<tamis.Session values={n}>"),
            Err(_) => "<tamis.Session in use>".to_owned(),
        }
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "a tamis.Session holds the values it replaced and is not pickled; keep it in memory for the conversation",
        ))
    }
}

/// Suspends Python's cyclic garbage collector while `apply_many` builds its output, and turns
/// it back on when dropped (also on an error) if it was on before. The new containers hold no
/// cycles, yet every 700 of them start a collection that scans them, and now and then all the
/// caller's objects, for nothing: with the collector on, building 10,000 records took twice as
/// long; paused batch by batch, collections between batches still took a third of the time.
/// While the GIL is released ([`GcPause::detach`]) the collector is on, so other threads
/// collect as usual; the records built so far are collected at the next allocation after the
/// call.
struct GcPause<'py>(Option<Bound<'py, PyAny>>);

impl<'py> GcPause<'py> {
    fn new(py: Python<'py>) -> Self {
        let gc = py.import("gc").ok().filter(|gc| {
            gc.call_method0("isenabled")
                .and_then(|on| on.is_truthy())
                .unwrap_or(false)
                && gc.call_method0("disable").is_ok()
        });
        Self(gc.map(Bound::into_any))
    }

    /// `py.detach(f)`, with the collector on (if this pause turned it off) while the GIL is
    /// released.
    fn detach<R: Send>(&self, py: Python<'py>, f: impl FnOnce() -> R + Send) -> R {
        if let Some(gc) = &self.0 {
            let _ = gc.call_method0("enable");
        }
        let r = py.detach(f);
        if let Some(gc) = &self.0 {
            let _ = gc.call_method0("disable");
        }
        r
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if let Some(gc) = &self.0 {
            let _ = gc.call_method0("enable");
        }
    }
}

#[pymethods]
impl Policy {
    /// Compiles a policy from TOML text.
    #[staticmethod]
    #[pyo3(signature = (text, *, keys = None, detectors = None))]
    fn from_toml(
        py: Python<'_>,
        text: String,
        keys: Option<&Bound<'_, PyAny>>,
        detectors: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Self::build(
            py,
            text,
            PolicyFormat::Toml,
            None,
            key_materials(keys)?,
            true,
            detector_functions(detectors)?,
        )
    }

    /// Compiles a policy from its JSON form.
    #[staticmethod]
    #[pyo3(signature = (text, *, keys = None, detectors = None))]
    fn from_json(
        py: Python<'_>,
        text: String,
        keys: Option<&Bound<'_, PyAny>>,
        detectors: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Self::build(
            py,
            text,
            PolicyFormat::Json,
            None,
            key_materials(keys)?,
            true,
            detector_functions(detectors)?,
        )
    }

    /// Compiles a policy file: `.json` (in any case) is the JSON form, anything else TOML.
    #[staticmethod]
    #[pyo3(signature = (path, *, keys = None, detectors = None))]
    fn from_file(
        py: Python<'_>,
        path: PathBuf,
        keys: Option<&Bound<'_, PyAny>>,
        detectors: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| TamisError::new_err(format!("cannot read the policy file {name}: {e}")))?;
        let format = PolicyFormat::for_file_name(&name);
        Self::build(
            py,
            text,
            format,
            Some(name),
            key_materials(keys)?,
            true,
            detector_functions(detectors)?,
        )
    }

    /// Compiles a policy from a dict of the JSON form.
    #[staticmethod]
    #[pyo3(signature = (doc, *, keys = None, detectors = None))]
    fn from_dict(
        py: Python<'_>,
        doc: &Bound<'_, PyAny>,
        keys: Option<&Bound<'_, PyAny>>,
        detectors: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let limits = tamis_core::Limits::default();
        let node = Reader::new(py, &limits)?
            .read(doc, &limits)
            .map_err(|_| TamisError::new_err("the policy dict is too large"))?;
        let text = serde_json::to_string(&tamis_core::Tree::to_value(&node, 128))
            .map_err(|_| TamisError::new_err("the policy dict cannot be written as JSON"))?;
        Self::build(
            py,
            text,
            PolicyFormat::Json,
            None,
            key_materials(keys)?,
            true,
            detector_functions(detectors)?,
        )
    }

    /// Rebuilds a pickled policy (see `__reduce__`).
    #[staticmethod]
    #[pyo3(signature = (source, is_json, file, keys, detectors = None))]
    fn _from_state(
        py: Python<'_>,
        source: String,
        is_json: bool,
        file: Option<String>,
        keys: Vec<(String, Vec<u8>)>,
        detectors: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let format = if is_json {
            PolicyFormat::Json
        } else {
            PolicyFormat::Toml
        };
        Self::build(
            py,
            source,
            format,
            file,
            keys,
            false,
            detector_functions(detectors)?,
        )
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let restore = py.import("tamis")?.getattr("_restore_policy")?;
        let keys: Vec<(String, Bound<'py, PyBytes>)> = self
            .keys
            .iter()
            .map(|(n, m)| (n.clone(), PyBytes::new(py, m)))
            .collect();
        // The audit sink travels too (a Spark or Ray worker audits as the driver does); one
        // that cannot be pickled (a lambda) makes pickling fail, never drops it silently.
        let audit = self.audit.as_ref().map(|a| a.clone_ref(py));
        // So do the `ext:` functions (by reference, as pickle sends functions).
        let detectors = PyDict::new(py);
        for (name, f) in &self.detectors {
            detectors.set_item(name, f.clone_ref(py))?;
        }
        let state = (
            self.source.clone(),
            self.format == PolicyFormat::Json,
            self.file.clone(),
            keys,
            audit,
            detectors,
        );
        (restore, (state,)).into_pyobject(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "Policy(name={:?}, id={:?}, rules={})",
            self.inner.name(),
            self.inner.id(),
            self.inner.rule_ids().count()
        )
    }

    /// The policy's `name`.
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// A stable id of the compiled policy (a hash of its canonical form).
    #[getter]
    fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// The rule ids, in policy order.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.inner.rule_ids().map(str::to_owned).collect()
    }

    /// Masks a copy of `obj`. Returns `None` when `[access]` or `[[retention]]` drops the
    /// record, and `{"tamis_quarantined": {...}}` when it breaks a limit. A table or column
    /// (pandas, polars including LazyFrames, pyarrow, a dict of numpy arrays) comes back as the
    /// same kind of object, masked column by column.
    #[pyo3(signature = (obj, *, context = None, now = None))]
    fn apply(
        slf: &Bound<'_, Self>,
        py: Python<'_>,
        obj: &Bound<'_, PyAny>,
        context: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<Py<PyAny>>> {
        if is_frame(obj) {
            let kwargs = PyDict::new(py);
            kwargs.set_item("context", context)?;
            kwargs.set_item("now", now)?;
            let frames = py.import("tamis._frames")?;
            return Ok(Some(
                frames
                    .call_method("apply_frame", (slf, obj), Some(&kwargs))?
                    .unbind(),
            ));
        }
        let this = slf.get();
        let mut run = this.run(Self::context(context, now)?);
        let out = this.apply_impl(py, obj, &mut run);
        let audited = this.audit_run(py, &run);
        this.give_back(run);
        audited?;
        out
    }

    /// Privacy-safe statistics of a pandas or polars DataFrame (a dict by column) or Series,
    /// a pyarrow Table or Array, a numpy array or a list (one summary).
    #[pyo3(signature = (data, *, context = None))]
    fn summarize(
        slf: &Bound<'_, Self>,
        data: &Bound<'_, PyAny>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let kwargs = PyDict::new(py);
        kwargs.set_item("context", context)?;
        Ok(py
            .import("tamis._frames")?
            .call_method("summarize", (slf, data), Some(&kwargs))?
            .unbind())
    }

    /// `apply`, and the report of what was done (a dict; counts and paths, never values).
    #[pyo3(signature = (obj, *, context = None, now = None))]
    fn apply_with_report(
        &self,
        py: Python<'_>,
        obj: &Bound<'_, PyAny>,
        context: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(Option<Py<PyAny>>, Py<PyAny>)> {
        let mut run = self
            .inner
            .run(Self::context(context, now)?)
            .counting_paths();
        let out = self.apply_impl(py, obj, &mut run)?;
        self.audit_run(py, &run)?;
        Ok((out, Self::report(py, &run)?))
    }

    /// Masks each record of an iterable; dropped records are left out (and counted in the
    /// report of `apply_many_with_report`). Python's cyclic garbage collector is paused while
    /// the call holds the GIL (the iterable is read then) and is turned back on at the end if
    /// it was on: the output holds no cycles, and collecting during the call would scan it
    /// over and over.
    #[pyo3(signature = (records, *, context = None, now = None))]
    fn apply_many(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        context: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyList>> {
        let mut run = self.run(Self::context(context, now)?);
        let out = self.apply_many_impl(py, records, &mut run);
        let audited = self.audit_run(py, &run);
        self.give_back(run);
        audited?;
        out
    }

    /// `apply_many`, and the report.
    #[pyo3(signature = (records, *, context = None, now = None))]
    fn apply_many_with_report(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        context: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(Py<PyList>, Py<PyAny>)> {
        let mut run = self
            .inner
            .run(Self::context(context, now)?)
            .counting_paths();
        let out = self.apply_many_impl(py, records, &mut run)?;
        self.audit_run(py, &run)?;
        Ok((out, Self::report(py, &run)?))
    }

    /// Masks one JSON document given as text and returns the JSON text: exact for numbers of
    /// any size and spelling (the same bytes as the CLI). `None` when the record is dropped.
    #[pyo3(signature = (text, *, context = None, now = None))]
    fn apply_json(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyString>,
        context: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<String>> {
        let ctx = Self::context(context, now)?;
        // Lone surrogates (not UTF-8) become U+FFFD: never an error that quotes the input.
        let text = convert::text_of(text);
        let mut run = self.inner.run(ctx);
        let out = py.detach(|| {
            let mut out = Vec::with_capacity(text.len());
            match run.json_doc(&text, &mut out) {
                Disposition::Dropped(_) => None,
                _ => Some(out),
            }
        });
        self.audit_run(py, &run)?;
        Ok(out.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// Masks JSON Lines text as `tamis apply` does: one output line per input line (a
    /// quarantine marker naming the line for a bad one), nothing for a dropped record.
    #[pyo3(signature = (text, *, context = None, now = None))]
    fn apply_json_lines(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyString>,
        context: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let ctx = Self::context(context, now)?;
        // Lone surrogates (not UTF-8) become U+FFFD: never an error that quotes the input.
        let text = convert::text_of(text);
        let mut run = self.inner.run(ctx);
        let out = py.detach(|| {
            let mut out = Vec::with_capacity(text.len());
            run.json_lines(&text, &mut out);
            out
        });
        self.audit_run(py, &run)?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// Masks what detectors and patterns find in free text.
    #[pyo3(signature = (text, *, context = None))]
    fn mask_text(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyString>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        // The time is the clock's (for the audit event; text has no record time).
        let ctx = Self::context(context, None)?;
        // Lone surrogates (not UTF-8) become U+FFFD: never an error that quotes the input.
        let text = convert::text_of(text);
        let mut run = self.run(ctx);
        let out = py.detach(|| run.text(&text));
        let audited = self.audit_run(py, &run);
        self.give_back(run);
        audited?;
        Ok(out)
    }

    /// A stream masking a text that arrives in pieces (an LLM's streamed answer, a log being
    /// tailed) for `context`: `push(chunk)` returns what can be released, `finish()` the rest.
    /// The joined output is `mask_text` of the whole text, for every way of cutting it (bytes
    /// pieces may cut a UTF-8 sequence); a line is held back until no finding can cross its
    /// end, never more than `max_string_bytes` (past that it is masked, never released). One
    /// audit event is sent when the stream finishes.
    #[pyo3(signature = (*, context = None))]
    fn stream(slf: &Bound<'_, Self>, context: Option<&Bound<'_, PyAny>>) -> PyResult<TextStream> {
        let ctx = Self::context(context, None)?;
        Ok(TextStream::new(slf, &ctx, None))
    }

    /// A session for a conversation: records and texts masked with it number their
    /// placeholders together (the same value gets the same `<EMAIL_1>` in every turn), and
    /// `session.restore(text)` puts the values back into an answer (only placeholders it
    /// issued). It holds those values: keep it for the conversation, never log or pickle it.
    fn session(slf: &Bound<'_, Self>) -> Session {
        Session {
            policy: slf.clone().unbind(),
            slot: Arc::new(std::sync::Mutex::new(Some(slf.get().inner.session()))),
        }
    }

    /// The same policy, sending one audit event per call (`apply`, `apply_many`, `apply_json`,
    /// `apply_json_lines`, `mask_text`, `reveal` and their `_with_report` forms) to `sink`: a
    /// callable given each event as a dict, or a path to which each event is appended as a
    /// JSON line. An event holds the policy's name and id, the time, the context's roles and
    /// purpose, and counts per rule and detector, records dropped and quarantined, and values
    /// revealed; never a value or a token. An error of the sink is raised. `None` stops.
    #[pyo3(signature = (sink))]
    fn with_audit(&self, sink: &Bound<'_, PyAny>) -> PyResult<Self> {
        let audit = if sink.is_none() {
            None
        } else if sink.is_callable()
            || sink.is_instance_of::<PyString>()
            || sink.hasattr("__fspath__")?
        {
            Some(sink.clone().unbind())
        } else {
            return Err(TamisError::new_err(
                "with_audit takes a callable, a file path, or None",
            ));
        };
        Ok(Self {
            inner: Arc::clone(&self.inner),
            source: self.source.clone(),
            format: self.format,
            file: self.file.clone(),
            keys: self.keys.clone(),
            detectors: self
                .detectors
                .iter()
                .map(|(n, f)| (n.clone(), f.clone_ref(sink.py())))
                .collect(),
            audit,
            scratch: std::sync::Mutex::new(None),
        })
    }

    /// Turns the output of `encrypt`, `fpe` and `shift_date` in a copy of `obj` back into the
    /// values, for a context the policy's `[reveal]` section allows. Raises `RevealError` when
    /// the context may not reveal (`reason == "denied"`), or naming the path, rule and reason
    /// of a token that does not verify (a changed or forged token, another key) or a value
    /// that does not decrypt: nothing is guessed.
    #[pyo3(signature = (obj, *, context = None, now = None))]
    fn reveal(
        &self,
        py: Python<'_>,
        obj: &Bound<'_, PyAny>,
        context: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let (ctx, time) = self.reveal_context(py, context, now)?;
        let limits = self.inner.limits();
        let node = Reader::new(py, limits)?
            .read(obj, limits)
            .map_err(|_| TamisError::new_err("the record breaks a limit of the policy"))?;
        let value = tamis_core::Tree::to_value(&node, limits.max_depth as usize);
        let value = self.reveal_value(py, value, &ctx, time)?;
        value_to_py(py, &value)
    }

    /// `reveal` of a record given as JSON text, returned as JSON text (exact for numbers of
    /// any size and spelling).
    #[pyo3(signature = (text, *, context = None, now = None))]
    fn reveal_json(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyString>,
        context: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let (ctx, time) = self.reveal_context(py, context, now)?;
        let value: serde_json::Value = serde_json::from_str(&convert::text_of(text))
            .map_err(|_| TamisError::new_err("reveal_json takes one JSON document"))?;
        Ok(self.reveal_value(py, value, &ctx, time)?.to_string())
    }

    /// The rules and, given records, which rule applied where and how often (never values).
    #[pyo3(signature = (records = None, *, context = None, now = None))]
    fn explain(
        &self,
        py: Python<'_>,
        records: Option<&Bound<'_, PyAny>>,
        context: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let report = match records {
            Some(records) => {
                let mut run = self
                    .inner
                    .run(Self::context(context, now)?)
                    .counting_paths();
                let _ = self.apply_many_impl(py, records, &mut run)?;
                Some(run.report())
            }
            None => None,
        };
        value_to_py(py, &self.inner.explain(report.as_ref()))
    }

    /// Runs the policy's `[[test]]` cases as `tamis test` does: `{"cases": [{"name",
    /// "passed", "differences"}], "idle_rules": [...]}` (differences name paths and kinds of
    /// values, never values).
    fn run_tests(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let cases = tamis_core::run_cases(&self.inner).map_err(|e| policy_error(py, &e))?;
        let cases = serde_json::to_value(&cases)
            .map_err(|_| TamisError::new_err("internal: the test results could not be written"))?;
        value_to_py(py, &cases)
    }

    /// Summaries of columns given as buffers (see `tamis._frames`): one per column, `None`
    /// where the rule's `min_items` is not reached; mergeable states with `states=True`.
    #[pyo3(signature = (columns, *, context = None, states = false))]
    fn _summarize_columns(
        &self,
        py: Python<'_>,
        columns: &Bound<'_, PyList>,
        context: Option<&Bound<'_, PyAny>>,
        states: bool,
    ) -> PyResult<Py<PyList>> {
        let ctx = convert::context(context)?;
        columns::summarize(py, &self.inner, columns, &ctx, states)
    }

    /// Merges the states of one column (from several workers) and renders its summary.
    #[pyo3(signature = (keys, states, *, context = None))]
    fn _finish_summary(
        &self,
        py: Python<'_>,
        keys: Vec<String>,
        states: Vec<String>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<Py<PyAny>>> {
        let ctx = convert::context(context)?;
        columns::finish(py, &self.inner, &keys, &states, &ctx)
    }

    /// Masks each value of one column as the policy masks a value at `keys` (DataFrame
    /// columns): returns the new values, in order.
    #[pyo3(signature = (keys, values, *, context = None))]
    fn _mask_column(
        &self,
        py: Python<'_>,
        keys: Vec<String>,
        values: &Bound<'_, PyAny>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyList>> {
        let ctx = convert::context(context)?;
        columns::mask_column(py, &self.inner, &keys, values, &ctx)
    }

    /// Whether masking leaves an integer column as it is (see `columns::i64_unchanged`).
    #[pyo3(signature = (keys, chunk, *, context = None))]
    fn _i64_unchanged(
        &self,
        py: Python<'_>,
        keys: Vec<String>,
        chunk: &Bound<'_, PyTuple>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let ctx = convert::context(context)?;
        columns::i64_unchanged(py, &self.inner, &keys, chunk, &ctx)
    }

    /// Masks an Arrow UTF-8 column from its buffers (see `columns::mask_utf8`).
    #[pyo3(signature = (keys, chunk, *, context = None))]
    fn _mask_utf8(
        &self,
        py: Python<'_>,
        keys: Vec<String>,
        chunk: &Bound<'_, PyTuple>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<columns::Utf8Buffers> {
        let ctx = convert::context(context)?;
        columns::mask_utf8(py, &self.inner, &keys, chunk, &ctx)
    }

    /// What a DataFrame column needs: `"keep"` (no rule or detector can touch it), `"drop"`
    /// (redacted as a whole) or `"cells"` (mask value by value).
    #[pyo3(signature = (keys, *, context = None))]
    fn _column_plan(
        &self,
        keys: Vec<String>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<&'static str> {
        let ctx = convert::context(context)?;
        Ok(columns::plan(&self.inner, &keys, &ctx))
    }

    /// The names `keys` get in the output (a key in which a detector finds something is
    /// renamed, as `apply` renames it).
    #[pyo3(signature = (keys, *, context=None))]
    fn _output_keys(
        &self,
        keys: Vec<String>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<String>> {
        let ctx = convert::context(context)?;
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        Ok(self.inner.output_keys(&refs, &ctx))
    }

    /// Whether the policy has `[access]` or `[[retention]]` (record-level stages), or a rule
    /// that reads another field of the record (`shift_date`'s entity), or an audit sink: tables
    /// are then masked row by row.
    #[getter]
    fn _has_record_stages(&self) -> bool {
        // With an audit sink too: rows go through `apply_many`, which makes the event.
        self.inner.has_record_stages() || self.inner.reads_other_fields() || self.audit.is_some()
    }
}

/// A table or a column, masked column by column by `tamis._frames`: a pandas or polars
/// DataFrame or Series, a polars LazyFrame, a pyarrow Table, RecordBatch, Array or
/// ChunkedArray, or a dict of equally long numpy arrays (Ray's numpy batches).
fn is_frame(obj: &Bound<'_, PyAny>) -> bool {
    let ty = obj.get_type();
    let Ok(module) = ty.module() else {
        return false;
    };
    let module = module.to_string_lossy();
    let top = module.split('.').next().unwrap_or("");
    let name = || {
        ty.name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    match top {
        "pandas" => {
            obj.hasattr("columns").unwrap_or(false) || obj.hasattr("dtype").unwrap_or(false)
        }
        "polars" => matches!(name().as_str(), "DataFrame" | "Series" | "LazyFrame"),
        "pyarrow" => is_arrow_data(obj).unwrap_or(false),
        "builtins" => is_column_batch(obj).unwrap_or(false),
        _ => false,
    }
}

fn is_arrow_data(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let pa = obj.py().import("pyarrow")?;
    for name in ["Table", "RecordBatch", "Array", "ChunkedArray"] {
        if obj.is_instance(&pa.getattr(name)?)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A dict whose first value is a numpy array, asked of `tamis._frames.is_column_batch`
/// (every value an array of the same length).
fn is_column_batch(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let Ok(d) = obj.cast::<PyDict>() else {
        return Ok(false);
    };
    let Some((_, first)) = d.iter().next() else {
        return Ok(false);
    };
    let ty = first.get_type();
    if ty.module()?.to_string_lossy() != "numpy" || ty.name()?.to_string_lossy() != "ndarray" {
        return Ok(false);
    }
    obj.py()
        .import("tamis._frames")?
        .call_method1("is_column_batch", (obj,))?
        .is_truthy()
}

/// `{"tamis_dropped": {"reason": ...}}`, as conformance vectors spell a dropped record.
#[pyfunction]
fn _dropped_marker(py: Python<'_>, reason: &str) -> PyResult<Py<PyAny>> {
    let r = match reason {
        "access" => tamis_core::DropReason::Access,
        _ => tamis_core::DropReason::Retention,
    };
    value_to_py(py, &dropped_marker(r))
}

#[pymodule]
mod _tamis {
    #[pymodule_export]
    use super::{
        _dropped_marker, Policy, PolicyError, RevealError, Session, TamisError, TextStream,
    };

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use pyo3::types::PyModuleMethods;
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}

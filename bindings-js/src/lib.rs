//! The WebAssembly core of the `tamis` npm package. The public API is `bindings-js/lib/api.cjs`,
//! which wraps the `WasmPolicy` class exported here (errors as `TamisError`, option defaults,
//! recovery after a trap).

use js_sys::{Array, Object, Reflect};
use tamis_core::{
    ContextValue, Disposition, MissingKey, Output as Written, PathState, PolicyFormat, Quarantine,
    Run, Scratch, quarantine_marker,
};
use wasm_bindgen::prelude::*;

mod columns;
mod tape;

use tape::{BadTape, Node, Reader, TooLarge, Writer};

/// A panic hook that prints nothing: a panic message may quote data, and on wasm32 a panic
/// aborts the call with a trap (`RuntimeError: unreachable`), after which the JS wrapper resets
/// the module.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|_| {}));
}

/// An `Error` named `TamisError` with a `code`; the JS wrapper turns it into the class.
pub(crate) fn tamis_error(code: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name("TamisError");
    let _ = Reflect::set(&e, &"code".into(), &code.into());
    e.into()
}

fn policy_error(e: &tamis_core::PolicyError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("PolicyError");
    let opt = |s: Option<&str>| s.map_or(JsValue::NULL, JsValue::from_str);
    let num = |n: Option<u32>| n.map_or(JsValue::NULL, |n| JsValue::from_f64(f64::from(n)));
    let fields: [(&str, JsValue); 7] = [
        ("code", e.kind().code().into()),
        ("line", num(e.line())),
        ("column", num(e.column())),
        ("ruleId", opt(e.rule_id())),
        ("path", opt(e.path())),
        ("file", opt(e.file())),
        ("help", opt(e.help_text())),
    ];
    for (k, v) in fields {
        let _ = Reflect::set(&err, &k.into(), &v);
    }
    err.into()
}

/// A compiled policy (wrapped by `Policy` in `lib/api.cjs`).
#[wasm_bindgen]
pub struct WasmPolicy {
    /// Shared with the text streams made from it.
    inner: std::rc::Rc<tamis_core::Policy>,
    /// Working memory kept between calls (taken out for a call, so a call that never returns
    /// only loses it).
    scratch: core::cell::Cell<Option<Scratch>>,
    /// Whether calls make audit events (`setAudit`), and the last one made (`takeAuditEvent`).
    audit: core::cell::Cell<bool>,
    last_event: core::cell::RefCell<Option<serde_json::Value>>,
    /// The session calls number their placeholders in, while `useSession` has put one here.
    session: core::cell::RefCell<Option<tamis_core::Session>>,
}

/// An `Error` named `RevealError`: `reason` (`denied`, `not_verified`, `unknown_key`,
/// `not_reversible`, `no_entity`), and for a value, its `path` and `ruleId`. Never a value.
fn reveal_error(message: &str, reason: &str, path: Option<&str>, rule: Option<&str>) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name("RevealError");
    let opt = |s: Option<&str>| s.map_or(JsValue::NULL, JsValue::from_str);
    for (k, v) in [
        ("code", JsValue::from_str("reveal")),
        ("reason", JsValue::from_str(reason)),
        ("path", opt(path)),
        ("ruleId", opt(rule)),
    ] {
        let _ = Reflect::set(&e, &k.into(), &v);
    }
    e.into()
}

impl core::fmt::Debug for WasmPolicy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WasmPolicy")
            .field("id", &self.inner.id())
            .finish_non_exhaustive()
    }
}

#[wasm_bindgen]
impl WasmPolicy {
    /// Compiles TOML (or, with `json`, the JSON form). `keys` is `[[name, Uint8Array], ...]`;
    /// keys not given are read from `env` (an object of environment variables) under the name
    /// the policy gives; without either, `hash` writes `[tamis:no_key]`.
    pub fn compile(
        text: &str,
        json: bool,
        file: Option<String>,
        keys: &Array,
        env: &JsValue,
        detectors: &JsValue,
    ) -> Result<WasmPolicy, JsValue> {
        let format = if json {
            PolicyFormat::Json
        } else {
            PolicyFormat::Toml
        };
        let with_file = |e: tamis_core::PolicyError| match &file {
            Some(f) => policy_error(&e.with_file(f.clone())),
            None => policy_error(&e),
        };
        let compiled = tamis_core::Policy::from_text(text, format).map_err(with_file)?;
        compiled.require_no_plugins().map_err(with_file)?;
        let compiled = bind_detectors(compiled, detectors).map_err(|e| match e {
            Bind::Policy(e) => with_file(e),
            Bind::Js(e) => e,
        })?;
        let mut given: Vec<(String, Vec<u8>)> = Vec::new();
        for pair in keys.iter() {
            let pair = Array::from(&pair);
            let name = pair.get(0).as_string();
            let material = pair.get(1).dyn_into::<js_sys::Uint8Array>().ok();
            match (name, material) {
                (Some(n), Some(m)) => given.push((n, m.to_vec())),
                _ => {
                    return Err(tamis_error(
                        "invalid-argument",
                        "keys must be an object of key name to string or Uint8Array",
                    ));
                }
            }
        }
        let mut from_env = |var: &str| {
            Reflect::get(env, &JsValue::from_str(var))
                .ok()?
                .as_string()
                .map(String::into_bytes)
        };
        let compiled = compiled
            .bind_keys(&given, &mut from_env, MissingKey::NoKey)
            .map_err(with_file)?;
        Ok(WasmPolicy {
            inner: std::rc::Rc::new(compiled),
            scratch: core::cell::Cell::new(None),
            audit: core::cell::Cell::new(false),
            last_event: core::cell::RefCell::new(None),
            session: core::cell::RefCell::new(None),
        })
    }

    /// The environment variables this policy reads key material from.
    #[wasm_bindgen(js_name = keyEnvNames)]
    pub fn key_env_names(&self) -> Vec<String> {
        self.inner
            .declared_keys()
            .map(|(_, env, _)| env.to_owned())
            .collect()
    }

    /// The policy's `name`.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// A stable id of the compiled policy.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// The rule ids, in policy order.
    #[wasm_bindgen(getter, js_name = ruleIds)]
    pub fn rule_ids(&self) -> Vec<String> {
        self.inner.rule_ids().map(str::to_owned).collect()
    }

    /// How deep `lib/tape.cjs` reads a value (the policy's `max_depth`).
    #[wasm_bindgen(getter, js_name = maxDepth)]
    pub fn max_depth(&self) -> u32 {
        self.inner.limits().max_depth
    }

    /// How much of one record `lib/tape.cjs` reads (values plus text units) before it stops:
    /// about twice `max_record_bytes` (the walker quarantines such a record anyway; this bounds
    /// memory and cyclic fan-out).
    #[wasm_bindgen(getter, js_name = readBudget)]
    pub fn read_budget(&self) -> f64 {
        #[expect(
            clippy::cast_precision_loss,
            reason = "a JS number; exact up to 2^53, far beyond any limit"
        )]
        let budget = self.inner.limits().read_budget() as f64;
        budget
    }

    /// The policy's `max_string_bytes` and `max_record_bytes`, for `PathPlan` in lib/tape.cjs.
    #[wasm_bindgen(getter, js_name = sizeLimits)]
    pub fn size_limits(&self) -> Vec<f64> {
        let l = self.inner.limits();
        #[expect(
            clippy::cast_precision_loss,
            reason = "JS numbers; exact up to 2^53, far beyond any limit"
        )]
        let limits = vec![l.max_string_bytes as f64, l.max_record_bytes as f64];
        limits
    }

    /// The path automaton `PathPlan` (lib/tape.cjs) steps to leave out members no rule can reach
    /// (`Policy::path_plan`): `[code, key]` per state (0 a key, 1 `*`, 2 `**`, 3 a rule's
    /// match), or `null` when the policy reads more of a record than its paths.
    #[wasm_bindgen(getter, js_name = pathPlan)]
    pub fn path_plan(&self) -> JsValue {
        let Some(states) = self.inner.path_plan() else {
            return JsValue::NULL;
        };
        let out = Array::new();
        for s in states {
            let (code, key) = match s {
                PathState::Key(k) => (0, JsValue::from_str(k)),
                PathState::One => (1, JsValue::NULL),
                PathState::Any => (2, JsValue::NULL),
                PathState::Accept => (3, JsValue::NULL),
            };
            out.push(&Array::of2(&JsValue::from(code), &key));
        }
        out.into()
    }

    /// Masks `count` records read from an input tape (see `tape.rs`). Returns `[at, len, text,
    /// report]`: the output tape (one value, or a dropped mark, per record), its ops the `len`
    /// `i32`s at byte address `at` of the module's memory (an `Int32Array` and `undefined` if
    /// they could not stay there), and with `report`, the report.
    #[wasm_bindgen(js_name = applyTape)]
    pub fn apply_tape(
        &self,
        ops: &[i32],
        text: &str,
        count: u32,
        opts: &JsValue,
        report: bool,
    ) -> Result<Array, JsValue> {
        let mut run = self.run(options(opts, true)?, report);
        let mut reader = Reader::new(ops, text);
        // The output ops go into the buffer of the last call (no allocation once it is large
        // enough), and stay there for lib/api.cjs to copy out.
        let mut out = Writer {
            ops: OUTPUT
                .with(|o| o.try_borrow_mut().map(|mut v| core::mem::take(&mut *v)))
                .unwrap_or_default(),
            text: String::new(),
        };
        out.ops.clear();
        let mut bad = false;
        for _ in 0..count {
            let Ok(record) = reader.record() else {
                bad = true;
                break;
            };
            apply_one(record, &mut run, &mut out);
        }
        let report = report.then(|| run.report());
        self.keep(run);
        if bad {
            return Err(bad_tape());
        }
        let report = match &report {
            Some(report) => Some(report_to_js(report)?),
            None => None,
        };
        let result = Array::new();
        let text = JsValue::from_str(&out.text);
        // Where the ops are in `__memory()`'s buffer: lib/api.cjs copies them out before anything
        // else runs.
        #[expect(
            clippy::cast_precision_loss,
            reason = "a wasm32 address and length: exact in a JS number"
        )]
        let (at, len) = (out.ops.as_ptr() as usize as f64, out.ops.len() as f64);
        let kept = OUTPUT.with(|o| match o.try_borrow_mut() {
            Ok(mut o) => {
                *o = core::mem::take(&mut out.ops);
                true
            }
            Err(_) => false,
        });
        if kept {
            result.push(&JsValue::from(at));
            result.push(&JsValue::from(len));
        } else {
            // Never expected (nothing else holds the buffer now): the ops copied out.
            result.push(&js_sys::Int32Array::from(out.ops.as_slice()).into());
            result.push(&JsValue::UNDEFINED);
        }
        result.push(&text);
        if let Some(report) = report {
            result.push(&report);
        }
        Ok(result)
    }

    /// Masks one JSON document given as text (exact for numbers of any size and spelling):
    /// the JSON text, `undefined` when dropped, or a quarantine marker's text.
    #[wasm_bindgen(js_name = applyJson)]
    pub fn apply_json(
        &self,
        bytes: &[u8],
        opts: &JsValue,
        report: bool,
    ) -> Result<JsValue, JsValue> {
        // UTF-8 from `TextEncoder.encode` (native speed, where wasm-bindgen's own string
        // passing loops over the characters in JS); it is always valid.
        let text = std::str::from_utf8(bytes)
            .map_err(|_| tamis_error("invalid-argument", "applyJson takes text"))?;
        let mut run = self.run(options(opts, true)?, report);
        let mut out = Vec::with_capacity(text.len());
        let d = run.json_doc(text, &mut out);
        let report = report.then(|| run.report());
        self.keep(run);
        let value = match d {
            Disposition::Dropped(_) => JsValue::UNDEFINED,
            _ => JsValue::from_str(&utf8(out)),
        };
        let Some(report) = report else {
            return Ok(value);
        };
        let result = Object::new();
        let _ = Reflect::set(&result, &"value".into(), &value);
        let _ = Reflect::set(&result, &"report".into(), &report_to_js(&report)?);
        Ok(result.into())
    }

    /// `applyTape` with the tape's text in the first `len` bytes of the input buffer (see
    /// `applyJsonInput`).
    #[wasm_bindgen(js_name = applyTapeInput)]
    pub fn apply_tape_input(
        &self,
        ops: &[i32],
        len: usize,
        count: u32,
        opts: &JsValue,
        report: bool,
    ) -> Result<Array, JsValue> {
        with_input(len, |text| self.apply_tape(ops, text, count, opts, report))
    }

    /// `applyJson` on the first `len` bytes of the input buffer, which JS filled with
    /// `TextEncoder.encodeInto` (see `__inputBuffer`): the text crosses into the module in one
    /// native pass, with no intermediate array.
    #[wasm_bindgen(js_name = applyJsonInput)]
    pub fn apply_json_input(
        &self,
        len: usize,
        opts: &JsValue,
        report: bool,
    ) -> Result<JsValue, JsValue> {
        with_input(len, |text| self.apply_json(text.as_bytes(), opts, report))
    }

    /// `applyJsonLines` on the input buffer (see `applyJsonInput`).
    #[wasm_bindgen(js_name = applyJsonLinesInput)]
    pub fn apply_json_lines_input(&self, len: usize, opts: &JsValue) -> Result<String, JsValue> {
        with_input(len, |text| self.apply_json_lines(text, opts))
    }

    /// `maskText` on the input buffer (see `applyJsonInput`).
    #[wasm_bindgen(js_name = maskTextInput)]
    pub fn mask_text_input(&self, len: usize, opts: &JsValue) -> Result<String, JsValue> {
        with_input(len, |text| self.mask_text(text, opts))
    }

    /// Masks JSON Lines text as `tamis apply` does.
    #[wasm_bindgen(js_name = applyJsonLines)]
    pub fn apply_json_lines(&self, text: &str, opts: &JsValue) -> Result<String, JsValue> {
        let mut run = self.run(options(opts, true)?, false);
        let mut out = Vec::with_capacity(text.len());
        run.json_lines(text, &mut out);
        self.keep(run);
        Ok(utf8(out))
    }

    /// Masks what detectors and patterns find in free text.
    #[wasm_bindgen(js_name = maskText)]
    pub fn mask_text(&self, text: &str, opts: &JsValue) -> Result<String, JsValue> {
        let mut run = self.run(options(opts, false)?, false);
        let out = run.text(text);
        self.keep(run);
        Ok(out)
    }

    /// A stream masking a text that arrives in pieces, for `opts` (`{context}`; see
    /// `TextStream`).
    pub fn stream(&self, opts: &JsValue) -> Result<WasmTextStream, JsValue> {
        let ctx = options(opts, true)?;
        let mut stream = tamis_core::TextStream::new(std::rc::Rc::clone(&self.inner), &ctx);
        // A session in use lends its numbers to the stream until `giveSessionBack`.
        let lease = self.session.borrow_mut().take().map(|mut s| {
            stream.begin_session(&mut s);
            s
        });
        Ok(WasmTextStream {
            inner: Some(stream),
            audit: self.audit.get(),
            lease,
        })
    }

    /// A new session for this policy's placeholder rules (see `Session` in `lib/api.cjs`).
    #[must_use]
    pub fn session(&self) -> WasmSession {
        WasmSession {
            inner: Some(self.inner.session()),
        }
    }

    /// Numbers the placeholders of the calls that follow in `session`, until `endSession`.
    #[wasm_bindgen(js_name = useSession)]
    pub fn use_session(&self, session: &mut WasmSession) -> Result<(), JsValue> {
        let s = session.inner.take().ok_or_else(session_busy)?;
        *self.session.borrow_mut() = Some(s);
        Ok(())
    }

    /// Gives the numbers back to `session` (after `useSession`); nothing when a stream took
    /// them (it gives them back when it finishes).
    #[wasm_bindgen(js_name = endSession)]
    pub fn end_session(&self, session: &mut WasmSession) {
        if let Some(s) = self.session.borrow_mut().take() {
            session.inner = Some(s);
        }
    }

    /// Makes (or stops making) an audit event for each call that applies or reveals.
    #[wasm_bindgen(js_name = setAudit)]
    pub fn set_audit(&self, on: bool) {
        self.audit.set(on);
    }

    /// The audit event of the last call that made one (then forgotten), or `undefined`.
    #[wasm_bindgen(js_name = takeAuditEvent)]
    pub fn take_audit_event(&self) -> Result<JsValue, JsValue> {
        match self.last_event.borrow_mut().take() {
            Some(ev) => json_to_js(&ev),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Turns the output of `encrypt`, `fpe` and `shift_date` in a record (JSON text) back into
    /// the values, for a context the policy's `[reveal]` allows: the record's JSON text, or a
    /// `RevealError`.
    #[wasm_bindgen(js_name = revealJson)]
    pub fn reveal_json(&self, text: &str, opts: &JsValue) -> Result<String, JsValue> {
        let ctx = options(opts, true)?;
        let time = ctx.now.unwrap_or(0);
        if let Err(e) = self.inner.may_reveal(&ctx) {
            if self.audit.get() {
                *self.last_event.borrow_mut() = Some(self.inner.reveal_denied_event(&ctx, time));
            }
            return Err(reveal_error(&e.to_string(), "denied", None, None));
        }
        let mut value: serde_json::Value = serde_json::from_str(text)
            .map_err(|_| tamis_error("invalid-argument", "reveal takes a record as JSON"))?;
        let mut counts = tamis_core::RevealCounts::default();
        let result = self.inner.reveal_value(&mut value, &mut counts);
        if self.audit.get() {
            *self.last_event.borrow_mut() = Some(counts.audit_event(&self.inner, &ctx, time));
        }
        match result {
            Ok(()) => Ok(value.to_string()),
            Err(r) => Err(reveal_error(
                &r.to_string(),
                r.reason,
                Some(&r.path),
                r.rule.as_deref(),
            )),
        }
    }

    /// The summary of one column (`null` when no rule selects it or its `min_items` is not
    /// reached): a typed array read in one copy, or else the array on the input tape.
    #[wasm_bindgen(js_name = summarizeColumn)]
    pub fn summarize_column(
        &self,
        keys: Vec<String>,
        typed: &JsValue,
        ops: &[i32],
        text: &str,
        opts: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let ctx = options(opts, false)?;
        let summary = columns::summarize(&self.inner, &keys, typed, ops, text, &ctx)?;
        summary.map_or(Ok(JsValue::NULL), |v| json_to_js(&v))
    }

    /// The names `keys` get in the output (a key in which a detector finds something is
    /// renamed, as `apply` renames it): summaries name their columns with them.
    #[wasm_bindgen(js_name = outputKeys)]
    pub fn output_keys(&self, keys: Vec<String>, opts: &JsValue) -> Result<Vec<String>, JsValue> {
        let ctx = options(opts, false)?;
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        Ok(self.inner.output_keys(&refs, &ctx))
    }

    /// The policy's `[[test]]` cases run (names, pass or fail, where each differs: paths and
    /// kinds of values) and the ids of rules no case exercised.
    #[wasm_bindgen(js_name = runTests)]
    pub fn run_tests(&self) -> Result<JsValue, JsValue> {
        let cases = tamis_core::run_cases(&self.inner).map_err(|e| policy_error(&e))?;
        let cases = serde_json::to_value(&cases)
            .map_err(|_| tamis_error("internal", "the test results could not be written"))?;
        json_to_js(&cases)
    }

    /// The rules and, given `count` records on a tape, which rule applied where and how often
    /// (never values).
    pub fn explain(
        &self,
        ops: &[i32],
        text: &str,
        count: u32,
        opts: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let report = if count == 0 {
            None
        } else {
            let mut run = self.inner.run(options(opts, true)?).counting_paths();
            let mut reader = Reader::new(ops, text);
            let mut sink = Writer::default();
            for _ in 0..count {
                let record = reader.record().map_err(|BadTape| bad_tape())?;
                apply_one(record, &mut run, &mut sink);
            }
            Some(run.report())
        };
        json_to_js(&self.inner.explain(report.as_ref()))
    }
}

impl WasmPolicy {
    /// A run for `ctx` on the working memory kept from the last call (or new), counting paths
    /// when a report is asked for.
    fn run(&self, ctx: tamis_core::Context, report: bool) -> Run<'_> {
        let run = match self.scratch.take() {
            Some(sx) => self.inner.run_reusing(ctx, sx),
            None => self.inner.run(ctx),
        };
        let mut run = if report { run.counting_paths() } else { run };
        if let Some(s) = self.session.borrow_mut().as_mut() {
            run.begin_session(s);
        }
        run
    }

    /// Keeps a run's working memory for the next call, and its audit event when asked for.
    fn keep(&self, mut run: Run<'_>) {
        if let Some(s) = self.session.borrow_mut().as_mut() {
            run.end_session(s);
        }
        if self.audit.get() {
            let ctx = run.context();
            let time = ctx.now.unwrap_or_else(|| {
                #[expect(clippy::cast_possible_truncation, reason = "milliseconds fit i64")]
                let now = js_sys::Date::now() as i64;
                now
            });
            *self.last_event.borrow_mut() = Some(run.report().audit_event(ctx, time));
        }
        // Its caches are kept, not the text of this call.
        let mut sx = run.into_scratch();
        sx.forget_text();
        self.scratch.set(Some(sx));
    }
}

/// A text masked as it arrives (wrapped by `TextStream` in `lib/api.cjs`): the joined output
/// of `push` and `finish` is `maskText` of the whole text, for every way of cutting it.
#[wasm_bindgen]
pub struct WasmTextStream {
    /// `None` once finished.
    inner: Option<tamis_core::TextStream<std::rc::Rc<tamis_core::Policy>>>,
    /// Whether `finish` gives an audit event (the policy's `setAudit` when the stream began).
    audit: bool,
    /// The session whose numbers the stream uses (lent by `stream` in a session).
    lease: Option<tamis_core::Session>,
}

impl core::fmt::Debug for WasmTextStream {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Held text is data: never shown.
        f.debug_struct("WasmTextStream").finish_non_exhaustive()
    }
}

#[wasm_bindgen]
impl WasmTextStream {
    fn open(
        &mut self,
    ) -> Result<&mut tamis_core::TextStream<std::rc::Rc<tamis_core::Policy>>, JsValue> {
        self.inner
            .as_mut()
            .ok_or_else(|| tamis_error("finished", "the stream is finished; start a new one"))
    }

    /// Adds a piece of text; returns what can be released now.
    pub fn push(&mut self, text: &str) -> Result<String, JsValue> {
        let mut out = String::new();
        self.open()?.push(text, &mut out);
        Ok(out)
    }

    /// Adds a piece as UTF-8 bytes (a sequence may be cut between pieces).
    #[wasm_bindgen(js_name = pushBytes)]
    pub fn push_bytes(&mut self, bytes: &[u8]) -> Result<String, JsValue> {
        let mut out = String::new();
        self.open()?.push_bytes(bytes, &mut out);
        Ok(out)
    }

    /// The rest of the masked text, and (when the policy makes audit events) the stream's
    /// event: `[text, event | undefined]`. A second call gives `["", undefined]`.
    pub fn finish(&mut self) -> Result<Array, JsValue> {
        let pair = Array::new();
        let Some(mut stream) = self.inner.take() else {
            pair.push(&JsValue::from_str(""));
            pair.push(&JsValue::UNDEFINED);
            return Ok(pair);
        };
        let mut out = String::new();
        stream.finish(&mut out);
        if let Some(s) = self.lease.as_mut() {
            stream.end_session(s);
        }
        pair.push(&JsValue::from_str(&out));
        if self.audit {
            let ctx = stream.context();
            let event = stream.report().audit_event(ctx, ctx.now.unwrap_or(0));
            pair.push(&json_to_js(&event)?);
        } else {
            pair.push(&JsValue::UNDEFINED);
        }
        Ok(pair)
    }

    /// The report so far (counts only).
    pub fn report(&self) -> Result<JsValue, JsValue> {
        match &self.inner {
            Some(stream) => report_to_js(&stream.report()),
            None => Err(tamis_error(
                "finished",
                "the stream is finished: take its report before finish()",
            )),
        }
    }

    /// Gives the session's numbers back to `session` (once; the stream numbers on its own
    /// after).
    #[wasm_bindgen(js_name = giveSessionBack)]
    pub fn give_session_back(&mut self, session: &mut WasmSession) {
        if let Some(mut s) = self.lease.take() {
            if let Some(stream) = self.inner.as_mut() {
                stream.end_session(&mut s);
            }
            session.inner = Some(s);
        }
    }

    /// Bytes held back, not yet released.
    #[wasm_bindgen(getter, js_name = heldBytes)]
    #[must_use]
    pub fn held_bytes(&self) -> usize {
        self.inner
            .as_ref()
            .map_or(0, tamis_core::TextStream::held_bytes)
    }
}

/// Placeholder numbers kept for a conversation (wrapped by `Session` in `lib/api.cjs`).
#[wasm_bindgen]
pub struct WasmSession {
    /// `None` while a call or an open stream uses it.
    inner: Option<tamis_core::Session>,
}

impl core::fmt::Debug for WasmSession {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The session holds values: never shown.
        f.debug_struct("WasmSession").finish_non_exhaustive()
    }
}

fn session_busy() -> JsValue {
    tamis_error(
        "session-busy",
        "the session is in use by an open stream; finish the stream first",
    )
}

#[wasm_bindgen]
impl WasmSession {
    /// `text` with the placeholders this session issued put back.
    pub fn restore(&self, text: &str) -> Result<String, JsValue> {
        Ok(self.inner.as_ref().ok_or_else(session_busy)?.restore(text))
    }

    /// How many values the session has numbered.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> Result<usize, JsValue> {
        Ok(self.inner.as_ref().ok_or_else(session_busy)?.len())
    }
}

enum Bind {
    Policy(tamis_core::PolicyError),
    Js(JsValue),
}

/// `{ detectors: { name: fn } }`: binds the functions of the policy's `ext:` detectors (each
/// must be bound, and each given must be used); none given, the policy must have none.
fn bind_detectors(
    policy: tamis_core::Policy,
    detectors: &JsValue,
) -> Result<tamis_core::Policy, Bind> {
    if detectors.is_undefined() || detectors.is_null() {
        policy.require_detectors_bound().map_err(Bind::Policy)?;
        return Ok(policy);
    }
    let bad = |msg: String| Bind::Js(tamis_error("invalid-argument", &msg));
    if !detectors.is_object() {
        return Err(bad(String::from(
            "detectors must be an object of name to function, such as { person: (line) => [[0, 4]] }",
        )));
    }
    let mut fns = Vec::new();
    for name in Object::keys(&Object::from(detectors.clone())).iter() {
        let name = name.as_string().unwrap_or_default();
        let f = Reflect::get(detectors, &JsValue::from_str(&name))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| {
                bad(format!(
                    "detectors.{name} is not a function: give a function of one string that returns spans"
                ))
            })?;
        if !policy.ext_detectors().contains(&name) {
            return Err(bad(format!(
                "detectors.{name} is given, but the policy has no `ext:{name}` detector"
            )));
        }
        fns.push((name, f));
    }
    let id = EXT.with(|ext| {
        let mut ext = ext.borrow_mut();
        ext.next = ext.next.wrapping_add(1);
        let id = ext.next;
        ext.fns.insert(id, fns);
        id
    });
    policy
        .with_detectors(std::sync::Arc::new(JsDetectors { id }))
        .map_err(Bind::Policy)
}

/// The JS functions of `ext:` detectors, by registration: kept here (the module is
/// single-threaded) so that what the policy holds is only an id, `Send` and `Sync`.
#[derive(Default)]
struct ExtRegistry {
    next: u32,
    fns: std::collections::BTreeMap<u32, Vec<(String, js_sys::Function)>>,
}

thread_local! {
    static EXT: core::cell::RefCell<ExtRegistry> = core::cell::RefCell::new(ExtRegistry::default());
}

/// One policy's registered functions; unregistered when the policy is dropped.
struct JsDetectors {
    id: u32,
}

impl Drop for JsDetectors {
    fn drop(&mut self) {
        let _ = EXT.try_with(|ext| ext.borrow_mut().fns.remove(&self.id));
    }
}

impl tamis_core::ExtDetect for JsDetectors {
    fn binds(&self, name: &str) -> bool {
        EXT.with(|ext| {
            ext.borrow()
                .fns
                .get(&self.id)
                .is_some_and(|f| f.iter().any(|(n, _)| n == name))
        })
    }

    /// Calls the function with the line; it returns `[start, end]` pairs or `{start, end}`
    /// objects in UTF-16 offsets (a JS string's indices). A throw or a bad answer fails.
    fn detect(&self, name: &str, line: &str, out: &mut Vec<(usize, usize)>) -> bool {
        let Some(f) = EXT.with(|ext| {
            ext.borrow()
                .fns
                .get(&self.id)
                .and_then(|f| f.iter().find(|(n, _)| n == name).map(|(_, f)| f.clone()))
        }) else {
            return false;
        };
        let Ok(found) = f.call1(&JsValue::NULL, &JsValue::from_str(line)) else {
            return false;
        };
        let Ok(items) = found.dyn_into::<Array>() else {
            return false;
        };
        // UTF-16 offsets to byte offsets (the same for ASCII).
        let ascii = line.is_ascii();
        let mut starts: Vec<usize> = Vec::new();
        if !ascii {
            for (b, c) in line.char_indices() {
                starts.push(b);
                if c.len_utf16() == 2 {
                    // The middle of a surrogate pair is no boundary.
                    starts.push(usize::MAX);
                }
            }
            starts.push(line.len());
        }
        let byte = |v: JsValue| {
            let n = v.as_f64()?;
            if n < 0.0 || n.fract() != 0.0 || n > 4_294_967_295.0 {
                return None;
            }
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked above"
            )]
            let n = n as usize;
            if ascii {
                (n <= line.len()).then_some(n)
            } else {
                starts.get(n).copied().filter(|&b| b != usize::MAX)
            }
        };
        for item in items.iter() {
            let (s, e) = if Array::is_array(&item) {
                let pair = Array::from(&item);
                (pair.get(0), pair.get(1))
            } else if item.is_object() {
                (
                    Reflect::get(&item, &JsValue::from_str("start")).unwrap_or(JsValue::UNDEFINED),
                    Reflect::get(&item, &JsValue::from_str("end")).unwrap_or(JsValue::UNDEFINED),
                )
            } else {
                return false;
            };
            match (byte(s), byte(e)) {
                (Some(s), Some(e)) if s <= e => out.push((s, e)),
                _ => return false,
            }
        }
        true
    }
}

/// Applies the policy to one record read from a tape and writes what becomes of it.
fn apply_one(record: Result<Node<'_>, TooLarge>, run: &mut Run<'_>, out: &mut Writer) {
    let (node, d) = match record {
        Ok(mut node) => {
            let d = run.tree(&mut node);
            (Some(node), d)
        }
        Err(TooLarge) => {
            run.tally_mut().count_quarantined_input();
            (None, Disposition::Quarantined(Quarantine::TooLarge))
        }
    };
    match (d.output(None), node) {
        (Written::Record, Some(node)) => out.value(node),
        // A kept record always has its node; never pass anything through.
        (Written::Record, None) => out.json(&quarantine_marker(None, Quarantine::TooLarge)),
        (Written::Marker(m), _) => out.json(&m),
        (Written::Nothing, _) => out.dropped(),
    }
}

/// A report as a JS object (counts and paths, never values).
fn report_to_js(report: &tamis_core::Report) -> Result<JsValue, JsValue> {
    let report = serde_json::to_value(report)
        .map_err(|_| tamis_error("internal", "the report could not be written"))?;
    json_to_js(&report)
}

/// Whether a policy file of this name is in the JSON form (`.json` in any case), as every front
/// end decides it.
#[wasm_bindgen(js_name = isJsonPolicyFile)]
#[must_use]
pub fn is_json_policy_file(name: &str) -> bool {
    PolicyFormat::for_file_name(name) == PolicyFormat::Json
}

/// A JSON value (report, summary, explanation) as JS values, through `JSON.parse` (which
/// defines every key as an own property: `__proto__` included).
fn json_to_js(v: &serde_json::Value) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(v)
        .map_err(|_| tamis_error("internal", "a result could not be written"))?;
    js_sys::JSON::parse(&text).map_err(|_| tamis_error("internal", "a result could not be read"))
}

/// Output text (the writers only write UTF-8; a stray byte would be replaced, never passed).
fn utf8(out: Vec<u8>) -> String {
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn bad_tape() -> JsValue {
    tamis_error(
        "internal",
        "the value could not be read (a bad tape from lib/tape.cjs)",
    )
}

/// `{context: {roles, purpose, type}, now}`; `now` (with `with_now`) is a `Date`, epoch
/// milliseconds or RFC 3339 text, and the current time when absent.
fn options(opts: &JsValue, with_now: bool) -> Result<tamis_core::Context, JsValue> {
    let mut ctx = tamis_core::Context::default();
    if with_now {
        ctx.now = Some(js_sys::Date::now() as i64);
    }
    if opts.is_undefined() || opts.is_null() {
        return Ok(ctx);
    }
    let bad = |msg: &str| Err(tamis_error("invalid-argument", msg));
    if !opts.is_object() {
        return bad(
            "options must be an object such as {context: {roles: [\"viewer\"]}, now: new Date()}",
        );
    }
    for key in Object::keys(&Object::from(opts.clone())).iter() {
        let key = key.as_string().unwrap_or_default();
        let v = Reflect::get(opts, &JsValue::from_str(&key)).unwrap_or(JsValue::UNDEFINED);
        match key.as_str() {
            "context" => read_context(&v, &mut ctx)?,
            "now" if with_now => {
                if !v.is_undefined() && !v.is_null() {
                    ctx.now = Some(now(&v)?);
                }
            }
            other => {
                let known = if with_now {
                    "`context` and `now`"
                } else {
                    "`context`"
                };
                return Err(tamis_error(
                    "invalid-argument",
                    &format!("unknown option `{other}`; the options are {known}"),
                ));
            }
        }
    }
    Ok(ctx)
}

fn read_context(v: &JsValue, ctx: &mut tamis_core::Context) -> Result<(), JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(());
    }
    let err = |msg: &str| tamis_error("invalid-argument", msg);
    if !v.is_object() || Array::is_array(v) {
        return Err(err(
            "context must be an object such as {roles: [\"viewer\"], purpose: \"debugging\", type: \"trace\"}",
        ));
    }
    for key in Object::keys(&Object::from(v.clone())).iter() {
        let key = key.as_string().unwrap_or_default();
        let x = Reflect::get(v, &JsValue::from_str(&key)).unwrap_or(JsValue::UNDEFINED);
        let value = if let Some(text) = x.as_string() {
            ContextValue::Text(text)
        } else if let Some(list) = x
            .dyn_into::<Array>()
            .ok()
            .and_then(|a| a.iter().map(|r| r.as_string()).collect::<Option<Vec<_>>>())
        {
            ContextValue::Strings(list)
        } else {
            ContextValue::Other
        };
        ctx.set_option(&key, value).map_err(|e| err(e.message()))?;
    }
    Ok(())
}

fn now(v: &JsValue) -> Result<i64, JsValue> {
    if let Some(text) = v.as_string() {
        // The message never quotes the text: it is caller input, which could be anything.
        return tamis_core::parse_now(&text)
            .map_err(|e| tamis_error("invalid-argument", e.message()));
    }
    let ms = if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        d.get_time()
    } else {
        v.as_f64().unwrap_or(f64::NAN)
    };
    if !ms.is_finite() {
        return Err(tamis_error(
            "invalid-argument",
            "now must be a valid Date, epoch milliseconds or an RFC 3339 string",
        ));
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "a finite JS time in milliseconds fits an i64"
    )]
    Ok(ms.round() as i64)
}

/// `applyJson` with no memory left: the module's memory is grown to its maximum and every free
/// block the allocator still has is taken first, so the first allocation inside apply fails
/// (Rust then aborts: a trap). Tests check that the package recovers and that no data reaches
/// the error. Not part of the API.
#[wasm_bindgen(js_name = __applyJsonOutOfMemoryForTests)]
pub fn apply_json_out_of_memory_for_tests(
    policy: &WasmPolicy,
    bytes: &[u8],
) -> Result<JsValue, JsValue> {
    #[cfg(target_arch = "wasm32")]
    {
        for pages in [1024, 1] {
            while core::arch::wasm32::memory_grow::<0>(pages) != usize::MAX {}
        }
    }
    let mut hog: Vec<Vec<u8>> = Vec::with_capacity(4096);
    let mut size = 64 << 20;
    while size >= 8 && hog.len() < hog.capacity() {
        let mut block = Vec::new();
        if block.try_reserve_exact(size).is_ok() {
            hog.push(block);
        } else {
            size /= 2;
        }
    }
    let result = policy.apply_json(bytes, &JsValue::UNDEFINED, false);
    drop(hog);
    result
}

std::thread_local! {
    /// Where JS writes a text's UTF-8 for `applyJsonInput` (kept between calls, so a call
    /// allocates nothing for its input).
    static INPUT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The output ops of the last `applyTape`, which lib/api.cjs copies out of the memory.
    static OUTPUT: std::cell::RefCell<Vec<i32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` on the first `len` bytes of the input buffer, which JS filled with
/// `TextEncoder.encodeInto` (so they are UTF-8).
fn with_input<R>(len: usize, f: impl FnOnce(&str) -> Result<R, JsValue>) -> Result<R, JsValue> {
    INPUT.with(|buffer| {
        let buffer = buffer
            .try_borrow()
            .map_err(|_| tamis_error("internal", "the input buffer is in use"))?;
        let text = buffer
            .get(..len)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .ok_or_else(|| tamis_error("internal", "the input buffer does not hold the text"))?;
        f(text)
    })
}

/// The address of the input buffer, at least `len` bytes long, in the module's memory (which
/// `__memory` returns). Not part of the API.
#[wasm_bindgen(js_name = __inputBuffer)]
pub fn input_buffer(len: usize) -> Result<*const u8, JsValue> {
    INPUT.with(|buffer| {
        let mut buffer = buffer
            .try_borrow_mut()
            .map_err(|_| tamis_error("internal", "the input buffer is in use"))?;
        if buffer.len() < len {
            let more = len - buffer.len();
            buffer
                .try_reserve_exact(more)
                .map_err(|_| tamis_error("too-large", "no memory for the input"))?;
            buffer.resize(len, 0);
        }
        Ok(buffer.as_ptr())
    })
}

/// The module's memory (a `WebAssembly.Memory`). Not part of the API.
#[wasm_bindgen(js_name = __memory)]
pub fn memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Traps on purpose (a panic aborts the wasm call), so tests can check that the package
/// recovers and that no data reaches the error. Not part of the API.
#[wasm_bindgen(js_name = __panicForTests)]
#[expect(
    clippy::panic,
    reason = "a test hook: the package must recover from a trap"
)]
pub fn panic_for_tests(text: &str) {
    panic!("test panic carrying {text}");
}

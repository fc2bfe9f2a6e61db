//! The WebAssembly core of the `tamis` npm package. The public API is `bindings-js/lib/api.cjs`,
//! which wraps the `WasmPolicy` class exported here (errors as `TamisError`, option defaults,
//! recovery after a trap).

use js_sys::{Array, Object, Reflect};
use tamis_core::{Disposition, Quarantine, Scratch, Tally, quarantine_marker};
use wasm_bindgen::prelude::*;

mod columns;
mod tree;

use tree::{Node, Reader, TooLarge, to_js, value_to_js};

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
    inner: tamis_core::Policy,
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
    ) -> Result<WasmPolicy, JsValue> {
        let compiled = if json {
            tamis_core::Policy::from_json(text)
        } else {
            tamis_core::Policy::from_toml(text)
        };
        let with_file = |e: tamis_core::PolicyError| match &file {
            Some(f) => policy_error(&e.with_file(f.clone())),
            None => policy_error(&e),
        };
        let mut compiled = compiled.map_err(with_file)?;
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
        let from_env: Vec<(String, Vec<u8>)> = compiled
            .required_keys()
            .filter(|(name, _, _)| !given.iter().any(|(n, _)| n == name))
            .filter_map(|(name, var, _)| {
                let v = Reflect::get(env, &JsValue::from_str(var))
                    .ok()?
                    .as_string()?;
                (!v.is_empty()).then(|| (name.to_owned(), v.into_bytes()))
            })
            .collect();
        for (name, material) in given.iter().chain(&from_env) {
            compiled = compiled.with_key(name, material).map_err(with_file)?;
        }
        Ok(WasmPolicy { inner: compiled })
    }

    /// The environment variables this policy reads key material from.
    #[wasm_bindgen(js_name = keyEnvNames)]
    pub fn key_env_names(&self) -> Vec<String> {
        self.inner
            .required_keys()
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

    /// Masks a copy of `value`: the masked value, `undefined` when the record is dropped, or a
    /// quarantine marker. With `report`, `{value, report}`.
    pub fn apply(&self, value: &JsValue, opts: &JsValue, report: bool) -> Result<JsValue, JsValue> {
        let ctx = options(opts, true)?;
        let mut tally = Tally::new(&self.inner, report);
        let mut sx = Scratch::new(&self.inner);
        let out = self.apply_one(value, &ctx, &mut sx, &mut tally);
        self.with_report(out, report.then_some(&tally))
    }

    /// Masks each record of an array; dropped records are left out.
    #[wasm_bindgen(js_name = applyMany)]
    pub fn apply_many(
        &self,
        values: &Array,
        opts: &JsValue,
        report: bool,
    ) -> Result<JsValue, JsValue> {
        let ctx = options(opts, true)?;
        let mut tally = Tally::new(&self.inner, report);
        let mut sx = Scratch::new(&self.inner);
        let out = Array::new();
        for v in values.iter() {
            let masked = self.apply_one(&v, &ctx, &mut sx, &mut tally);
            if !masked.is_undefined() {
                out.push(&masked);
            }
        }
        self.with_report(out.into(), report.then_some(&tally))
    }

    /// Masks one JSON document given as text (exact for numbers of any size and spelling):
    /// the JSON text, `undefined` when dropped, or a quarantine marker's text.
    #[wasm_bindgen(js_name = applyJson)]
    pub fn apply_json(&self, text: &str, opts: &JsValue, report: bool) -> Result<JsValue, JsValue> {
        let ctx = options(opts, true)?;
        let policy = &self.inner;
        let mut sx = Scratch::new(policy);
        let mut tally = Tally::new(policy, report);
        let mut out = Vec::with_capacity(text.len());
        let d = policy.apply_json_doc(text, &ctx, &mut sx, &mut tally, &mut out);
        let value = match d {
            Disposition::Dropped(_) => JsValue::UNDEFINED,
            _ => JsValue::from_str(&String::from_utf8_lossy(&out)),
        };
        self.with_report(value, report.then_some(&tally))
    }

    /// Masks JSON Lines text as `tamis apply` does.
    #[wasm_bindgen(js_name = applyJsonLines)]
    pub fn apply_json_lines(&self, text: &str, opts: &JsValue) -> Result<String, JsValue> {
        let ctx = options(opts, true)?;
        let policy = &self.inner;
        let mut sx = Scratch::new(policy);
        let mut tally = Tally::new(policy, false);
        let mut out = Vec::with_capacity(text.len());
        policy.apply_json_lines(text, &ctx, &mut sx, &mut tally, &mut out);
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// Masks what detectors and patterns find in free text.
    #[wasm_bindgen(js_name = maskText)]
    pub fn mask_text(&self, text: &str, opts: &JsValue) -> Result<String, JsValue> {
        let ctx = options(opts, false)?;
        Ok(self.inner.mask_text(text, &ctx))
    }

    /// Privacy-safe statistics: one summary (or `null`) for an array or typed array; an
    /// object of summaries for an object of columns.
    pub fn summarize(&self, data: &JsValue, opts: &JsValue) -> Result<JsValue, JsValue> {
        let ctx = options(opts, false)?;
        columns::summarize(&self.inner, data, &ctx)
    }

    /// The rules and, given records, which rule applied where and how often (never values).
    pub fn explain(&self, records: &JsValue, opts: &JsValue) -> Result<JsValue, JsValue> {
        let report = if records.is_undefined() || records.is_null() {
            None
        } else {
            let Ok(records) = records.clone().dyn_into::<Array>() else {
                return Err(tamis_error(
                    "invalid-argument",
                    "explain(records) takes an array of records",
                ));
            };
            let ctx = options(opts, true)?;
            let mut tally = Tally::new(&self.inner, true);
            let mut sx = Scratch::new(&self.inner);
            for v in records.iter() {
                let _ = self.apply_one(&v, &ctx, &mut sx, &mut tally);
            }
            Some(tally.report(&self.inner))
        };
        Ok(value_to_js(&self.inner.explain(report.as_ref())))
    }
}

impl WasmPolicy {
    fn apply_one(
        &self,
        value: &JsValue,
        ctx: &tamis_core::Context,
        sx: &mut Scratch,
        tally: &mut Tally,
    ) -> JsValue {
        let limits = self.inner.limits();
        let (node, d): (Option<Node>, Disposition) = match Reader::new(limits).read(value, limits) {
            Ok(mut node) => {
                let d = self.inner.apply_tree(&mut node, ctx, sx, tally);
                (Some(node), d)
            }
            Err(TooLarge) => {
                tally.count_quarantined_input();
                (None, Disposition::Quarantined(Quarantine::TooLarge))
            }
        };
        match (d, node) {
            (Disposition::Kept, Some(node)) => to_js(node),
            (Disposition::Quarantined(q), _) => value_to_js(&quarantine_marker(None, q)),
            // A kept record always has its node; never pass anything through.
            (Disposition::Kept, None) => {
                value_to_js(&quarantine_marker(None, Quarantine::TooLarge))
            }
            // Dropped (or any outcome added later): nothing of the record is returned.
            _ => JsValue::UNDEFINED,
        }
    }

    fn with_report(&self, value: JsValue, tally: Option<&Tally>) -> Result<JsValue, JsValue> {
        let Some(tally) = tally else {
            return Ok(value);
        };
        let report = serde_json::to_value(tally.report(&self.inner))
            .map_err(|_| tamis_error("internal", "the report could not be written"))?;
        let out = Object::new();
        let _ = Reflect::set(&out, &"value".into(), &value);
        let _ = Reflect::set(&out, &"report".into(), &value_to_js(&report));
        Ok(out.into())
    }
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
        match key.as_str() {
            "roles" => {
                let roles = x
                    .dyn_into::<Array>()
                    .ok()
                    .and_then(|a| a.iter().map(|r| r.as_string()).collect::<Option<Vec<_>>>())
                    .ok_or_else(|| err("context.roles must be an array of strings"))?;
                ctx.roles = roles;
            }
            "purpose" => {
                ctx.purpose = Some(
                    x.as_string()
                        .ok_or_else(|| err("context.purpose must be a string"))?,
                );
            }
            "type" => {
                ctx.record_type = Some(
                    x.as_string()
                        .ok_or_else(|| err("context.type must be a string"))?,
                );
            }
            other => {
                return Err(err(&format!(
                    "context has an unknown key `{other}`; the keys are `roles`, `purpose` and `type`"
                )));
            }
        }
    }
    Ok(())
}

fn now(v: &JsValue) -> Result<i64, JsValue> {
    if let Some(text) = v.as_string() {
        return tamis_core::time::parse_rfc3339(&text).ok_or_else(|| {
            tamis_error(
                "invalid-argument",
                &format!("now: {text:?} is not an RFC 3339 time; write it as 2024-03-05T10:20:30Z"),
            )
        });
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
    #[allow(clippy::cast_possible_truncation)]
    Ok(ms.round() as i64)
}

/// Traps on purpose (a panic aborts the wasm call), so tests can check that the package
/// recovers and that no data reaches the error. Not part of the API.
#[wasm_bindgen(js_name = __panicForTests)]
#[allow(clippy::panic)]
pub fn panic_for_tests(text: &str) {
    panic!("test panic carrying {text}");
}

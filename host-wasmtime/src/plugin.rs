//! A registered plugin: one batch per call, in a fresh store under its limits, on a thread
//! with a large stack, and what it returns validated before anyone uses it.

use wasmtime::component::{Instance, InstancePre};
use wasmtime::{Engine, Store};

use crate::bindings::FilterIndices;
use crate::bindings::tamis::filter::types::{PluginError, PluginInfo, Verdict};
use crate::engine::{State, classify, new_store, on_big_stack};
use crate::{Batch, Decision, Failure, LOG_LINE_BYTES, Limits, OnError, sanitize};

/// A registered plugin. Cheap to call from several threads (each call has its own store).
#[derive(Clone)]
pub struct Plugin {
    pub(crate) id: String,
    pub(crate) engine: Engine,
    /// The component, ready to instantiate in a fresh store.
    pub(crate) pre: InstancePre<State>,
    /// Where its `filter` export is (found once, at registration): `None` for a plugin of the
    /// world `transformer`, which is not run as a filter.
    pub(crate) filter: Option<FilterIndices>,
    pub(crate) config: Vec<u8>,
    pub(crate) limits: Limits,
    pub(crate) on_error: OnError,
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) has_detect: bool,
    pub(crate) has_transform: bool,
    pub(crate) exports: Vec<String>,
    pub(crate) imports: Vec<String>,
}

impl core::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Plugin")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl Plugin {
    /// The id the policy gave it.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `info().name` (sanitized).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `info().version` (sanitized).
    #[must_use]
    pub fn version(&self) -> &str {
        &self.version
    }

    /// What the component exports (names).
    #[must_use]
    pub fn exports(&self) -> &[String] {
        &self.exports
    }

    /// What the component imports (names; only tamis's own interfaces pass registration).
    #[must_use]
    pub fn imports(&self) -> &[String] {
        &self.imports
    }

    /// Whether the plugin exports `detect`.
    #[must_use]
    pub fn has_detect(&self) -> bool {
        self.has_detect
    }

    /// Whether the plugin exports `transform` (contract 0.2, the world `transformer`).
    #[must_use]
    pub fn has_transform(&self) -> bool {
        self.has_transform
    }

    /// Whether the plugin exports `filter` and runs on every batch as a filter.
    #[must_use]
    pub fn is_filter(&self) -> bool {
        self.filter.is_some()
    }

    /// What to do when a call fails.
    #[must_use]
    pub fn on_error(&self) -> OnError {
        self.on_error
    }

    /// The limits of every call.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Runs the plugin on a batch of records (JSON texts, one per record) and validates its
    /// answer: one verdict per record; `replace` output valid JSON of at most `max_record_bytes`
    /// (8 times, as spelled) and `max_output_bytes` in all.
    #[must_use]
    pub fn filter(&self, records: &[&str], max_record_bytes: u64) -> Batch {
        self.filter_checked(records, max_record_bytes, true)
    }

    /// [`Plugin::filter`]; with `parse_json` false, `replace` outputs are checked for size and
    /// UTF-8 only, and the caller must check each one as JSON and treat a failure as
    /// [`Failure::InvalidOutput`] of the whole batch (the pipeline checks them all before use).
    pub(crate) fn filter_checked(
        &self,
        records: &[&str],
        max_record_bytes: u64,
        parse_json: bool,
    ) -> Batch {
        let mut batch = Vec::with_capacity(records.iter().map(|r| r.len() + 1).sum());
        for r in records {
            batch.extend_from_slice(r.as_bytes());
            batch.push(b'\n');
        }
        let config = self.config.clone();
        let Some(filter) = self.filter.clone() else {
            // Not a filter (the pipeline never asks one): it keeps every record.
            return Batch {
                decisions: Ok(vec![Decision::Keep; records.len()]),
                logs: Vec::new(),
                logs_dropped: 0,
                fuel_used: 0,
            };
        };
        let (verdicts, logs, logs_dropped, fuel_used) =
            self.outcome(self.call(move |instance, store| {
                filter
                    .load(&mut *store, instance)?
                    .call_filter(&mut *store, &config, &batch)
            }));
        let decisions =
            verdicts.and_then(|v| self.validate(v, records.len(), max_record_bytes, parse_json));
        Batch {
            decisions,
            logs,
            logs_dropped,
            fuel_used,
        }
    }

    fn validate(
        &self,
        verdicts: Vec<Verdict>,
        records: usize,
        max_record_bytes: u64,
        parse_json: bool,
    ) -> Result<Vec<Decision>, Failure> {
        if verdicts.len() != records {
            return Err(Failure::InvalidOutput(format!(
                "{} verdicts for {records} records",
                verdicts.len()
            )));
        }
        let mut total = 0usize;
        // The bound core reads a record's text up to (a longer one is quarantined unread).
        let max_text = tamis_core::Limits {
            max_record_bytes,
            ..tamis_core::Limits::default()
        }
        .json_text_bound();
        verdicts
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Verdict::Keep => Ok(Decision::Keep),
                Verdict::Drop => Ok(Decision::Drop),
                Verdict::Replace(bytes) => {
                    total = total.saturating_add(bytes.len());
                    if total > self.limits.max_output_bytes {
                        return Err(Failure::InvalidOutput(format!(
                            "replacement of record {} is too large",
                            i + 1
                        )));
                    }
                    let checked = if parse_json {
                        check_replacement(bytes, max_text)
                    } else {
                        check_replacement_text(bytes, max_text)
                    };
                    checked.map(Decision::Replace).map_err(|why| {
                        Failure::InvalidOutput(format!("replacement of record {} {why}", i + 1))
                    })
                }
            })
            .collect()
    }

    /// The registration's smoke call, in one instance: `info()` (typed by hand: a transformer
    /// has no typed `filter` bindings), and whether `transform`, when exported, has the
    /// contract's type.
    pub(crate) fn smoke(&self) -> Result<(PluginInfo, bool), Failure> {
        let transform = self.has_transform;
        self.call(move |instance, store| {
            let func = instance.get_typed_func::<(), (PluginInfo,)>(&mut *store, "info")?;
            let info = func.call(&mut *store, ())?.0;
            Ok((info, !transform || transform_func(instance, store).is_ok()))
        })
        .map(|r| r.0)
    }

    /// Runs the plugin's `transform` on `values` in one call and validates the answer: one
    /// UTF-8 string per value (the component model checks UTF-8), `max_output_bytes` in all.
    /// Returns the answers (or the failure), the logs, the dropped log count and the fuel used.
    #[must_use]
    pub fn transform(&self, values: Vec<String>) -> Transformed {
        let n = values.len();
        let config = self.config.clone();
        let (answers, logs, logs_dropped, fuel_used) =
            self.outcome(self.call(move |instance, store| {
                let func = transform_func(instance, store)?;
                Ok(func.call(&mut *store, (config, values))?.0)
            }));
        let answers = answers.and_then(|a| {
            if a.len() != n {
                return Err(Failure::InvalidOutput(format!(
                    "`transform` returned {} values for {n}",
                    a.len()
                )));
            }
            let total = a
                .iter()
                .map(String::len)
                .fold(0usize, usize::saturating_add);
            if total > self.limits.max_output_bytes {
                return Err(Failure::InvalidOutput(
                    "`transform` returned more bytes than `max_output_bytes`".into(),
                ));
            }
            Ok(a)
        });
        Transformed {
            answers,
            logs,
            logs_dropped,
            fuel_used,
        }
    }

    /// What a call of an export that answers `result<T, plugin-error>` gave: its value or the
    /// failure (the plugin's own error message goes to its logs, never into the failure), the
    /// logs, the dropped log count and the fuel used.
    fn outcome<T>(&self, result: CallResult<Result<T, PluginError>>) -> Outcome<T> {
        match result {
            Ok((Ok(v), logs, dropped, fuel)) => (Ok(v), logs, dropped, fuel),
            Ok((Err(e), mut logs, dropped, fuel)) => {
                logs.push(format!("error: {}", sanitize(&e.message, LOG_LINE_BYTES)));
                (Err(Failure::PluginError), logs, dropped, fuel)
            }
            Err(f) => (Err(f), Vec::new(), 0, self.limits.fuel),
        }
    }

    /// One call in a fresh store, limits armed before instantiation, on a big-stack thread.
    /// Returns the call's value, the logs, the dropped log count and the fuel used.
    pub(crate) fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Instance, &mut Store<State>) -> wasmtime::Result<R> + Send + 'static,
    ) -> CallResult<R> {
        let engine = self.engine.clone();
        let pre = self.pre.clone();
        let limits = self.limits.clone();
        on_big_stack(move || {
            let mut store = new_store(&engine, &limits)?;
            let instance = pre.instantiate(&mut store).map_err(|e| classify(&e))?;
            let value = f(&instance, &mut store).map_err(|e| classify(&e))?;
            let fuel_left = store.get_fuel().unwrap_or(0);
            let state = store.into_data();
            Ok((
                value,
                state.logs,
                state.logs_dropped,
                limits.fuel.saturating_sub(fuel_left),
            ))
        })
        .unwrap_or_else(|| Err(Failure::Trap("host thread".into())))
    }
}

/// What [`Plugin::call`] gives: the call's value, the logs, the dropped log count and the fuel
/// used; or the failure.
type CallResult<R> = Result<(R, Vec<String>, u64, u64), Failure>;

/// What [`Plugin::outcome`] gives: the export's value or the failure, the logs, the dropped log
/// count and the fuel used.
type Outcome<T> = (Result<T, Failure>, Vec<String>, u64, u64);

/// The `transform` export, typed as the world `transformer` says.
type TransformFunc =
    wasmtime::component::TypedFunc<(Vec<u8>, Vec<String>), (Result<Vec<String>, PluginError>,)>;

fn transform_func(
    instance: &Instance,
    store: &mut Store<State>,
) -> wasmtime::Result<TransformFunc> {
    instance.get_typed_func(&mut *store, "transform")
}

/// What one `transform` call gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transformed {
    /// One answer per value on success; `Err` when the call failed as a whole.
    pub answers: Result<Vec<String>, Failure>,
    /// The plugin's log lines (sanitized, truncated).
    pub logs: Vec<String>,
    /// Log lines dropped over the cap.
    pub logs_dropped: u64,
    /// Fuel the call used.
    pub fuel_used: u64,
}

/// Checks one `replace` output: at most `max_text` bytes, UTF-8, exactly one JSON value (as
/// core parses it). The `Err` says what is wrong (never quoting the bytes).
///
/// # Errors
/// `"is too large"`, `"is not UTF-8"` or `"is not one JSON value"`.
pub fn check_replacement(bytes: Vec<u8>, max_text: usize) -> Result<String, &'static str> {
    let text = check_replacement_text(bytes, max_text)?;
    if tamis_core::json::check(&text).is_none() {
        return Err("is not one JSON value");
    }
    Ok(text)
}

/// The size and UTF-8 part of [`check_replacement`].
fn check_replacement_text(bytes: Vec<u8>, max_text: usize) -> Result<String, &'static str> {
    if bytes.len() > max_text {
        return Err("is too large");
    }
    String::from_utf8(bytes).map_err(|_| "is not UTF-8")
}

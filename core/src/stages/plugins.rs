//! `[[plugin]]`: validated here; run by the host (`tamis-host`), never by core itself. A policy
//! with plugins applies records only once the host has attached them
//! ([`Policy::with_plugins_attached`]); until then every record is quarantined
//! (`plugin_unavailable`), so a front end that cannot run plugins never skips one.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::error::{ErrorKind, PolicyError};
use crate::policy::compile::common::Ids;
use crate::policy::model::PolicyDoc;
use crate::policy::source::{Seg, Source, error_at};

/// What the host does with a batch whose plugin failed (`on_error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PluginOnError {
    /// Drop every record of the batch (the default).
    #[default]
    Drop,
    /// Keep the records with every value replaced (keys kept).
    Mask,
    /// Stop with an error.
    Fail,
}

/// A validated `[[plugin]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginSpec {
    /// Its id.
    pub id: String,
    /// The component file, as written.
    pub path: String,
    /// `config` as JSON text (`{}` when absent).
    pub config_json: String,
    /// Fuel per call.
    pub fuel: u64,
    /// Linear memory per call, bytes.
    pub memory_bytes: u64,
    /// Wall-clock time per call, milliseconds.
    pub timeout_ms: u64,
    /// Largest component file, bytes.
    pub max_module_bytes: u64,
    /// What happens when the plugin fails.
    pub on_error: PluginOnError,
    /// Whether a rule uses it as a detector (`detect = ["plugin:<id>"]`): the host must then
    /// call its `detect` export on the texts those rules scan.
    pub detects: bool,
    /// Whether a rule's action is `plugin:<id>`: the host must then call its `transform` export
    /// with the values those rules select.
    pub transforms: bool,
    /// `log = true`: its log lines and error messages are written, masked (by the policy's
    /// detectors, and withheld when they hold a value the policy protects); else only counted.
    pub log: bool,
}

impl PluginSpec {
    /// Fuel per call when `[[plugin]]` does not say (`fuel`).
    pub const DEFAULT_FUEL: u64 = 50_000_000;
    /// Linear memory per call when it does not say (`memory_mb`, 64 MiB).
    pub const DEFAULT_MEMORY_BYTES: u64 = 64 << 20;
    /// Wall-clock time per call when it does not say (`timeout_ms`).
    pub const DEFAULT_TIMEOUT_MS: u64 = 100;
    /// Largest component file when it does not say (`max_module_mb`, 16 MiB).
    pub const DEFAULT_MAX_MODULE_BYTES: u64 = 16 << 20;
}

/// The value a plugin's `on_error = "mask"` writes in place of every value of a record.
pub const PLUGIN_ERROR: &str = "[tamis:plugin_error]";

/// Runs the `action = "plugin:<id>"` transforms: a host that runs plugins installs one in the
/// [`crate::Scratch`] it masks records with ([`crate::Scratch::set_plugin_transform`]).
///
/// Core hands it each value such a rule selects, in walk order, and writes what it answers in
/// the value's place: a stand-in that the host replaces by the plugin's answer once every value
/// of the batch has been through one `transform` call. Where none is installed, the value is
/// replaced by [`PLUGIN_ERROR`], never kept.
pub trait PluginTransform: core::any::Any + Send {
    /// Takes `value` for the plugin at index `plugin` of [`crate::Policy::plugins`] and writes
    /// into `out` the text that stands in its place until the host writes the answer there.
    fn defer(&mut self, plugin: usize, value: &str, out: &mut String);

    /// How many values were deferred so far.
    fn deferred(&self) -> usize;

    /// Forgets the values deferred after the first `n` (a pass that gave up and left no
    /// output; the record is masked again another way).
    fn forget_after(&mut self, n: usize);
}

/// What a `plugin:<id>` action writes for `value`: the installed transform's stand-in, or
/// [`PLUGIN_ERROR`] when none is installed.
pub(crate) fn defer(
    transform: Option<&mut alloc::boxed::Box<dyn PluginTransform>>,
    plugin: usize,
    value: &str,
    out: &mut String,
) {
    match transform {
        Some(t) => t.defer(plugin, value, out),
        None => out.push_str(PLUGIN_ERROR),
    }
}

pub(crate) fn compile<'d>(
    doc: &'d PolicyDoc,
    src: &Source<'_>,
    ids: &mut Ids<'d>,
) -> Result<Vec<PluginSpec>, PolicyError> {
    let mut out: Vec<PluginSpec> = Vec::new();
    for (i, p) in doc.plugins.iter().enumerate() {
        let at = |field: &'static str| [Seg::Key("plugin"), Seg::Index(i), Seg::Key(field)];
        let err = |field, kind, msg: String, help: &str| {
            error_at(src, &at(field), kind, msg, help, &p.id)
        };
        ids.claim(&p.id, "plugin", i, src)?;
        if p.path.trim().is_empty() {
            return Err(err(
                "path",
                ErrorKind::InvalidValue,
                format!("plugin `{}` has an empty `path`", p.id),
                "set `path` to the plugin's .wasm component file",
            ));
        }
        let ranged = |field: &'static str, v: Option<u64>, default: u64, max: u64, unit: &str| {
            let v = v.unwrap_or(default);
            if v == 0 || v > max {
                Err(err(
                    field,
                    ErrorKind::InvalidValue,
                    format!("`{field} = {v}` is out of range"),
                    &format!("use 1 to {max} {unit}"),
                ))
            } else {
                Ok(v)
            }
        };
        let fuel = ranged(
            "fuel",
            p.fuel,
            PluginSpec::DEFAULT_FUEL,
            1_000_000_000_000,
            "units of fuel",
        )?;
        let memory_mb = ranged(
            "memory_mb",
            p.memory_mb,
            PluginSpec::DEFAULT_MEMORY_BYTES >> 20,
            4096,
            "MiB",
        )?;
        let timeout_ms = ranged(
            "timeout_ms",
            p.timeout_ms,
            PluginSpec::DEFAULT_TIMEOUT_MS,
            60_000,
            "ms",
        )?;
        let module_mb = ranged(
            "max_module_mb",
            p.max_module_mb,
            PluginSpec::DEFAULT_MAX_MODULE_BYTES >> 20,
            256,
            "MiB",
        )?;
        let on_error = match p.on_error.as_deref() {
            None | Some("drop") => PluginOnError::Drop,
            Some("mask") => PluginOnError::Mask,
            Some("fail") => PluginOnError::Fail,
            Some(other) => {
                return Err(err(
                    "on_error",
                    ErrorKind::InvalidValue,
                    format!("`on_error = \"{other}\"` is not known"),
                    "write `drop` (the batch's records are dropped), `mask` (kept with every value replaced) or `fail`",
                ));
            }
        };
        let config_json = match &p.config {
            Some(v) => serde_json::to_string(v).unwrap_or_else(|_| "{}".to_string()),
            None => "{}".to_string(),
        };
        out.push(PluginSpec {
            id: p.id.clone(),
            path: p.path.clone(),
            config_json,
            fuel,
            memory_bytes: memory_mb << 20,
            timeout_ms,
            max_module_bytes: module_mb << 20,
            on_error,
            detects: false,
            transforms: false,
            log: p.log.unwrap_or(false),
        });
    }
    Ok(out)
}

/// Replaces every scalar of `v` by [`PLUGIN_ERROR`] (keys and shape kept): `on_error = "mask"`.
pub fn mask_all(v: &mut serde_json::Value) {
    use serde_json::Value;
    let mut stack: Vec<&mut Value> = alloc::vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(map) => stack.extend(map.iter_mut().map(|(_, v)| v)),
            other => *other = Value::String(PLUGIN_ERROR.to_string()),
        }
    }
}

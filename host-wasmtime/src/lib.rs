//! The tamis plugin sandbox: customer filter plugins, WebAssembly components of the world
//! `tamis:filter/filter` (`wit/tamis-filter.wit`), run under wasmtime without any capability.
//!
//! - One [`Host`] per process (an `Engine` with fuel, epoch interruption and deterministic float
//!   settings, and an epoch ticker thread).
//! - [`Host::register`] checks a plugin out of the hot path: a size cap, compilation on a thread
//!   with a large stack, `instantiate_pre` against a linker that holds nothing but `host.log`
//!   (any other import — WASI files, sockets, environment, clocks, anything — is refused with
//!   its name), and a smoke call of `info()` under the call limits.
//! - [`Plugin::filter`] runs one batch in a fresh `Store` (nothing survives from one batch to the
//!   next) with a fuel budget, an epoch deadline and `StoreLimits` armed before instantiation, on
//!   a thread with a large native stack, and validates what comes back. Any trap, timeout, fuel
//!   exhaustion, memory cap or invalid output becomes a [`Failure`]; the caller applies the
//!   plugin's [`OnError`] and counts it.
//!
//! Modules: `engine.rs` (the engine, linker, stores and threads), `plugin.rs` (a registered
//! plugin and its validated output), `pipeline.rs` (a policy's plugins over batches of lines,
//! then core's [`tamis_core::Run`]), `guard.rs` (no plugin can reveal), `detect.rs` (plugins
//! as detectors), `transform.rs` (plugins that mask the values rules select, contract 0.2).

use tamis_core::PluginSpec;

mod detect;
mod engine;
mod guard;
mod pipeline;
mod plugin;
#[cfg(feature = "testing")]
pub mod testing;
mod transform;

pub use engine::{Host, on_plugin_thread};
pub use pipeline::{Line, Pipeline, Stopped};
pub use plugin::{Plugin, Transformed, check_replacement};

mod bindings {
    wasmtime::component::bindgen!({
        world: "filter",
        path: "../wit/tamis-filter.wit",
    });
}

/// One log line, at most (bytes, after control characters are removed).
pub const LOG_LINE_BYTES: usize = 1024;

/// Limits of one plugin. Every limit is checked at registration and on every call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest plugin file accepted (bytes).
    pub max_module_bytes: usize,
    /// Fuel (roughly, WebAssembly instructions) for one call.
    pub fuel: u64,
    /// Linear memory of one call (bytes, all memories together).
    pub memory_bytes: usize,
    /// Wall-clock time of one call (milliseconds).
    pub timeout_ms: u64,
    /// Table elements of one call (one table holds at most the default, 100,000, in the
    /// instance pool).
    pub table_elements: usize,
    /// Bytes of `replace` output for one batch, at most (in all).
    pub max_output_bytes: usize,
    /// Log lines kept per call; more are dropped and counted.
    pub max_log_lines: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // What a `[[plugin]]` that says nothing gets (core defines them).
        let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        Limits {
            max_module_bytes: to_usize(PluginSpec::DEFAULT_MAX_MODULE_BYTES),
            fuel: PluginSpec::DEFAULT_FUEL,
            memory_bytes: to_usize(PluginSpec::DEFAULT_MEMORY_BYTES),
            timeout_ms: PluginSpec::DEFAULT_TIMEOUT_MS,
            table_elements: 100_000,
            max_output_bytes: 64 << 20,
            max_log_lines: 100,
        }
    }
}

/// What to do with a batch when its plugin fails (trap, timeout, fuel, memory, invalid
/// output): core's `on_error`.
pub use tamis_core::PluginOnError as OnError;

/// Why a call failed. Never carries record data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The fuel budget ran out.
    Fuel,
    /// The deadline passed.
    Timeout,
    /// The memory or table cap was hit.
    Memory,
    /// The guest's stack overflowed.
    StackOverflow,
    /// Any other trap (its wasmtime code).
    Trap(String),
    /// The plugin returned its own `plugin-error` (its message goes to the log, which the CLI
    /// masks, never into an error: a plugin may quote record data).
    PluginError,
    /// The output broke the contract (what was wrong).
    InvalidOutput(String),
    /// More plugin calls at once than the instance pool holds (64): the batch is not run.
    Busy,
}

impl Failure {
    /// A stable name for reports and diagnostics.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::Fuel => "fuel",
            Failure::Timeout => "timeout",
            Failure::Memory => "memory",
            Failure::StackOverflow => "stack_overflow",
            Failure::Trap(_) => "trap",
            Failure::PluginError => "plugin_error",
            Failure::InvalidOutput(_) => "invalid_output",
            Failure::Busy => "busy",
        }
    }
}

impl core::fmt::Display for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Failure::Fuel => f.write_str("the plugin ran out of fuel"),
            Failure::Timeout => f.write_str("the plugin ran past its deadline"),
            Failure::Memory => f.write_str("the plugin hit its memory or table cap"),
            Failure::StackOverflow => f.write_str("the plugin overflowed its stack"),
            Failure::Trap(code) => write!(f, "the plugin trapped ({code})"),
            Failure::PluginError => f.write_str("the plugin reported an error (see its log)"),
            Failure::InvalidOutput(m) => write!(f, "the plugin's output is invalid: {m}"),
            Failure::Busy => f.write_str(
                "more plugin calls at once than the instance pool holds; the batch did not run",
            ),
        }
    }
}

/// A registration that did not succeed: what, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterError(pub String);

impl core::fmt::Display for RegisterError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RegisterError {}

/// One record's fate, as the plugin decided (already validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Keep the record as it was.
    Keep,
    /// Drop the record.
    Drop,
    /// Replace the record by this JSON text (valid JSON, within the limits).
    Replace(String),
}

/// The result of one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// One decision per record on success; `Err` when the call failed as a whole.
    pub decisions: Result<Vec<Decision>, Failure>,
    /// The plugin's log lines (sanitized, truncated).
    pub logs: Vec<String>,
    /// Log lines dropped over the cap.
    pub logs_dropped: u64,
    /// Fuel the call used.
    pub fuel_used: u64,
}

/// Text from a plugin made safe to print: control characters removed, at most `max` bytes (on a
/// character boundary).
#[must_use]
pub fn sanitize(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max));
    for c in text.chars().filter(|c| !c.is_control()) {
        if out.len() + c.len_utf8() > max {
            break;
        }
        out.push(c);
    }
    out
}

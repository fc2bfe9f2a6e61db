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

use std::sync::OnceLock;
use std::time::Duration;
use tamis_core::PluginSpec;

use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolConcurrencyLimitError, PoolingAllocationConfig,
    Store, StoreLimits, StoreLimitsBuilder, Trap,
};

mod detect;
mod guard;
mod pipeline;
#[cfg(feature = "testing")]
pub mod testing;

pub use pipeline::{Line, Pipeline, Stopped};

mod bindings {
    wasmtime::component::bindgen!({
        world: "filter",
        path: "../wit/tamis-filter.wit",
    });
}

use bindings::tamis::filter::host::Level;
use bindings::tamis::filter::types::Verdict;
use bindings::{Filter, FilterPre};

/// How often the epoch ticks: deadlines are whole ticks.
const TICK: Duration = Duration::from_millis(1);
/// Native stack of the threads that compile plugins and run guest calls.
const NATIVE_STACK: usize = 32 << 20;
/// The most WebAssembly stack a guest may use (well below [`NATIVE_STACK`]).
const WASM_STACK: usize = 1 << 20;
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

/// The store data of one call.
struct State {
    limits: StoreLimits,
    logs: Vec<String>,
    logs_dropped: u64,
    max_log_lines: usize,
}

impl bindings::tamis::filter::host::Host for State {
    fn log(&mut self, level: Level, message: String) {
        if self.logs.len() >= self.max_log_lines {
            self.logs_dropped += 1;
            return;
        }
        let level = match level {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        };
        self.logs
            .push(format!("{level}: {}", sanitize(&message, LOG_LINE_BYTES)));
    }
}

impl bindings::tamis::filter::types::Host for State {}

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

/// The sandbox: one per process.
pub struct Host {
    engine: Engine,
    linker: Linker<State>,
}

impl core::fmt::Debug for Host {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Host").finish_non_exhaustive()
    }
}

/// The interfaces a plugin may import (`host.log`, and the type-only `types`).
const ALLOWED_IMPORTS: [&str; 2] = ["tamis:filter/host@0.1.0", "tamis:filter/types@0.1.0"];

impl Host {
    /// The process's sandbox, created on first use.
    ///
    /// # Errors
    /// When wasmtime cannot be configured on this machine.
    pub fn global() -> Result<&'static Host, RegisterError> {
        static HOST: OnceLock<Result<Host, RegisterError>> = OnceLock::new();
        HOST.get_or_init(Host::new).as_ref().map_err(Clone::clone)
    }

    fn new() -> Result<Host, RegisterError> {
        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .consume_fuel(true)
            .epoch_interruption(true)
            .max_wasm_stack(WASM_STACK)
            // Deterministic results: canonical NaNs and no relaxed SIMD (threads, GC and async
            // are not compiled in at all).
            .cranelift_nan_canonicalization(true)
            .wasm_relaxed_simd(false);
        // Instances come from a pool of memory and table slots reserved once: a batch's fresh
        // instance reuses a slot its plugin had (the module's image already mapped), and up to
        // 4 MiB of its memory is zeroed in place when the batch ends instead of being unmapped,
        // so the next batch does not fault it in again. Nothing survives: the slot is reset to
        // the module's initial image. Where the pool's address space cannot be reserved (a
        // `ulimit -v`), instances are allocated one by one as before.
        let mut pooled = config.clone();
        pooled.allocation_strategy(InstanceAllocationStrategy::Pooling(pool()));
        let engine = Engine::new(&pooled)
            .or_else(|_| Engine::new(&config))
            .map_err(|e| RegisterError(format!("cannot start the plugin engine: {e}")))?;
        let mut linker = Linker::new(&engine);
        Filter::add_to_linker::<State, HasSelf<State>>(&mut linker, |s| s)
            .map_err(|e| RegisterError(format!("cannot set up the plugin linker: {e}")))?;
        // The epoch ticker: deadlines are counted in its ticks.
        let ticking = engine.clone();
        std::thread::Builder::new()
            .name("tamis-epoch".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(TICK);
                    ticking.increment_epoch();
                }
            })
            .map_err(|e| RegisterError(format!("cannot start the epoch ticker: {e}")))?;
        Ok(Host { engine, linker })
    }

    /// Registers a plugin: validates, compiles and pre-instantiates it, and calls `info()`.
    ///
    /// # Errors
    /// A file over the size cap, not a component, an import other than tamis's, a missing
    /// export, or an `info()` that fails under the limits.
    pub fn register(
        &self,
        id: &str,
        bytes: &[u8],
        config: Vec<u8>,
        limits: Limits,
        on_error: OnError,
    ) -> Result<Plugin, RegisterError> {
        let fail = |what: String| RegisterError(format!("plugin `{id}`: {what}"));
        if bytes.len() > limits.max_module_bytes {
            return Err(fail(format!(
                "the file is {} bytes, over the limit of {} (raise `max_module_bytes` if this is intended)",
                bytes.len(),
                limits.max_module_bytes
            )));
        }
        let owned = if is_core_module(bytes) {
            // A module built by tamis-guest carries its WIT world; it becomes a component here.
            wit_component::ComponentEncoder::default()
                .module(bytes)
                .and_then(|e| e.validate(true).encode())
                .map_err(|_| {
                    fail(
                        "this is a core WebAssembly module without the tamis:filter world: build \
                         the plugin with tamis-guest (see guest-sdk/README.md)"
                            .into(),
                    )
                })?
        } else {
            bytes.to_vec()
        };
        let engine = self.engine.clone();
        let component = on_big_stack(move || Component::new(&engine, &owned))
            .ok_or_else(|| fail("compilation stopped unexpectedly".into()))?
            .map_err(|e| fail(format!("not a valid WebAssembly component: {e}")))?;
        let ty = component.component_type();
        for (name, _) in ty.imports(&self.engine) {
            if !ALLOWED_IMPORTS.contains(&name) {
                return Err(fail(format!(
                    "it imports `{name}`, which tamis does not provide: plugins get no \
                     capability (no files, network, environment, clocks or randomness); the \
                     only import is `tamis:filter/host@0.1.0` (`log`)"
                )));
            }
        }
        let exports: Vec<String> = ty
            .exports(&self.engine)
            .map(|(n, _)| n.to_owned())
            .collect();
        let imports: Vec<String> = ty
            .imports(&self.engine)
            .map(|(n, _)| n.to_owned())
            .collect();
        let pre = self
            .linker
            .instantiate_pre(&component)
            .and_then(FilterPre::new)
            .map_err(|e| {
                let list = if exports.is_empty() {
                    "nothing".to_owned()
                } else {
                    exports.join(", ")
                };
                fail(format!(
                    "it does not match the world `tamis:filter/filter` (it exports {list}): {e}; \
                     build plugins with tamis-guest (guest-sdk/README.md)"
                ))
            })?;
        let mut plugin = Plugin {
            id: id.to_owned(),
            engine: self.engine.clone(),
            pre,
            config,
            limits,
            on_error,
            name: String::new(),
            version: String::new(),
            has_detect: exports.iter().any(|e| e == "detect"),
            exports,
            imports,
        };
        let (name, version) = plugin
            .call(|filter, store| filter.call_info(store).map(|i| (i.name, i.version)))
            .map_err(|f| fail(format!("`info()` failed: {f}")))?
            .0;
        plugin.name = sanitize(&name, 256);
        plugin.version = sanitize(&version, 64);
        Ok(plugin)
    }
}

/// A registered plugin. Cheap to call from several threads (each call has its own store).
#[derive(Clone)]
pub struct Plugin {
    id: String,
    engine: Engine,
    pre: FilterPre<State>,
    config: Vec<u8>,
    limits: Limits,
    on_error: OnError,
    name: String,
    version: String,
    has_detect: bool,
    exports: Vec<String>,
    imports: Vec<String>,
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
        let result = self.call(move |filter, store| filter.call_filter(store, &config, &batch));
        let (verdicts, logs, logs_dropped, fuel_used) = match result {
            Ok((Ok(v), logs, dropped, fuel)) => (Ok(v), logs, dropped, fuel),
            Ok((Err(e), mut logs, dropped, fuel)) => {
                logs.push(format!("error: {}", sanitize(&e.message, LOG_LINE_BYTES)));
                (Err(Failure::PluginError), logs, dropped, fuel)
            }
            Err(f) => (Err(f), Vec::new(), 0, self.limits.fuel),
        };
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

    /// One call in a fresh store, limits armed before instantiation, on a big-stack thread.
    /// Returns the call's value, the logs, the dropped log count and the fuel used.
    #[allow(clippy::type_complexity)]
    fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Filter, &mut Store<State>) -> wasmtime::Result<R> + Send + 'static,
    ) -> Result<(R, Vec<String>, u64, u64), Failure> {
        let engine = self.engine.clone();
        let pre = self.pre.clone();
        let limits = self.limits.clone();
        on_big_stack(move || {
            let mut store = new_store(&engine, &limits)?;
            let filter = pre.instantiate(&mut store).map_err(|e| classify(&e))?;
            let value = f(&filter, &mut store).map_err(|e| classify(&e))?;
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

/// Instances alive at once (batches in flight, each on its own thread); one more fails as a
/// plugin failure of its batch, counted and handled by `on_error`.
const POOL_INSTANCES: u32 = 64;

/// The instance pool: per component, the same caps as each store's [`StoreLimits`] (64 core
/// instances and tables, 16 memories, [`Limits::table_elements`] at most), so a component the
/// limits admit fits a slot; memories may grow to 4 GiB in a slot and the store's limit stops
/// them first.
fn pool() -> PoolingAllocationConfig {
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(POOL_INSTANCES)
        .total_core_instances(POOL_INSTANCES * 4)
        .total_memories(POOL_INSTANCES)
        .total_tables(POOL_INSTANCES * 4)
        .max_core_instances_per_component(64)
        .max_memories_per_component(16)
        .max_tables_per_component(64)
        .max_memories_per_module(16)
        .max_tables_per_module(64)
        .table_elements(Limits::default().table_elements)
        .linear_memory_keep_resident(4 << 20)
        .table_keep_resident(64 << 10)
        // Slots left warm for plugins not running (each may hold 4 MiB resident).
        .max_unused_warm_slots(8);
    pool
}

/// A store for one batch: memory, table and instance limits, the fuel budget and the deadline
/// armed before anything is instantiated in it.
fn new_store(engine: &Engine, limits: &Limits) -> Result<Store<State>, Failure> {
    let state = State {
        limits: StoreLimitsBuilder::new()
            .memory_size(limits.memory_bytes)
            .table_elements(limits.table_elements)
            .instances(64)
            .tables(64)
            .memories(16)
            .trap_on_grow_failure(true)
            .build(),
        logs: Vec::new(),
        logs_dropped: 0,
        max_log_lines: limits.max_log_lines,
    };
    let mut store = Store::new(engine, state);
    store.limiter(|s| &mut s.limits);
    store.set_fuel(limits.fuel).map_err(|e| classify(&e))?;
    arm_deadline(&mut store, limits);
    Ok(store)
}

/// Sets the store's deadline `timeout_ms` from now (whole epoch ticks, at least one).
fn arm_deadline(store: &mut Store<State>, limits: &Limits) {
    let ticks = limits
        .timeout_ms
        .div_ceil(TICK.as_millis().max(1) as u64)
        .max(1);
    store.set_epoch_deadline(ticks);
    store.epoch_deadline_trap();
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

/// Maps a wasmtime error to a [`Failure`] (codes only: a trap message never quotes data, but
/// it is not printed anyway).
fn classify(e: &wasmtime::Error) -> Failure {
    match e.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => Failure::Fuel,
        Some(Trap::Interrupt) => Failure::Timeout,
        Some(Trap::StackOverflow) => Failure::StackOverflow,
        Some(Trap::AllocationTooLarge | Trap::TableOutOfBounds) => Failure::Memory,
        Some(t) => Failure::Trap(format!("{t:?}")),
        None if e.downcast_ref::<PoolConcurrencyLimitError>().is_some() => Failure::Busy,
        None => {
            // Instantiation refused by the limiter (a declared memory over the cap) or a grow
            // failure reported as an error.
            let text = format!("{e:#}");
            if text.contains("memory") || text.contains("table") || text.contains("limit") {
                Failure::Memory
            } else {
                Failure::Trap("error".into())
            }
        }
    }
}

/// Work for a thread's plugin worker.
type Job = Box<dyn FnOnce() + Send>;

std::thread_local! {
    /// Each thread that calls plugins has a worker thread with [`NATIVE_STACK`] of stack,
    /// started on its first call and reused (starting a thread per call costs more than a
    /// small batch).
    static WORKER: core::cell::RefCell<Option<std::sync::mpsc::Sender<Job>>> =
        const { core::cell::RefCell::new(None) };
    /// This thread was started with [`NATIVE_STACK`] of stack ([`on_plugin_thread`] and the
    /// workers): guest calls run on it directly.
    static BIG_STACK: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

/// Runs `f` where guest code may run directly: on this thread when it has a stack large enough
/// for guest code, else on a new thread with one. Plugin calls made inside `f` then run where
/// they are made instead of being handed to a worker thread each (two thread wake-ups per
/// batch, and the batch's memory read on another core); `tamis apply` runs its pipeline this
/// way. `None` when the thread could not start or `f` panicked.
pub fn on_plugin_thread<R: Send>(f: impl FnOnce() -> R + Send) -> Option<R> {
    if BIG_STACK.get() {
        return std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("tamis-apply".into())
            .stack_size(NATIVE_STACK)
            .spawn_scoped(scope, || {
                BIG_STACK.set(true);
                f()
            })
            .ok()?
            .join()
            .ok()
    })
}

/// Runs `f` where guest code may run: here when this thread has [`NATIVE_STACK`] of stack,
/// else on this thread's worker (a thread with that stack). `None` if it could not run or
/// panicked (a worker is then replaced on the next call).
fn on_big_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Option<R> {
    if BIG_STACK.get() {
        return std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    }
    let (done, result) = std::sync::mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        let _ = done.send(f());
    });
    WORKER.with(|worker| {
        let mut worker = worker.borrow_mut();
        let job = match worker.as_ref() {
            Some(w) => match w.send(job) {
                Ok(()) => return Some(()),
                // The worker is gone (a job panicked): start another.
                Err(std::sync::mpsc::SendError(job)) => job,
            },
            None => job,
        };
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("tamis-plugin".into())
            .stack_size(NATIVE_STACK)
            .spawn(move || {
                BIG_STACK.set(true);
                for job in queue {
                    job();
                }
            })
            .ok()?;
        jobs.send(job).ok()?;
        *worker = Some(jobs);
        Some(())
    })?;
    result.recv().ok()
}

/// A core module starts with the preamble `\0asm` and version 1; a component has layer 1.
fn is_core_module(bytes: &[u8]) -> bool {
    bytes.get(..8) == Some(&[0, b'a', b's', b'm', 1, 0, 0, 0])
}

//! The sandbox itself: one wasmtime [`Engine`] per process (fuel, epoch interruption,
//! deterministic floats, a pooling allocator), the linker that offers nothing but `host.log`,
//! a fresh store per call with its limits armed, failures classified by trap code, and the
//! threads with a large native stack that guest code runs on.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolConcurrencyLimitError, PoolingAllocationConfig,
    Store, StoreLimits, StoreLimitsBuilder, Trap,
};

use crate::bindings::tamis::filter::host::Level;
use crate::bindings::{self, Filter, FilterIndices};
use crate::{Failure, LOG_LINE_BYTES, Limits, OnError, Plugin, RegisterError, sanitize};

/// How often the epoch ticks: deadlines are whole ticks.
pub(crate) const TICK: Duration = Duration::from_millis(1);
/// Native stack of the threads that compile plugins and run guest calls.
pub(crate) const NATIVE_STACK: usize = 32 << 20;
/// The most WebAssembly stack a guest may use (well below [`NATIVE_STACK`]).
pub(crate) const WASM_STACK: usize = 1 << 20;

/// The store data of one call.
pub(crate) struct State {
    pub(crate) limits: StoreLimits,
    pub(crate) logs: Vec<String>,
    pub(crate) logs_dropped: u64,
    pub(crate) max_log_lines: usize,
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

/// The sandbox: one per process.
pub struct Host {
    engine: Engine,
    linker: Linker<State>,
    /// The components compiled last, with the bytes each came from, newest first: a policy
    /// compiled again with the same plugins (a service reloading its policy, a policy per
    /// test) does not compile them again. Everything after compilation (imports, exports,
    /// `info()`) runs for every registration.
    compiled: Mutex<Vec<(Vec<u8>, Component)>>,
}

/// How many compiled components [`Host`] keeps.
const COMPILED_KEPT: usize = 8;
/// Plugins larger than this are compiled for each registration, not kept (a policy may admit
/// 256 MiB; the cache holds a copy of the bytes and the compiled code for the process's life).
const COMPILED_KEPT_BYTES: usize = 16 << 20;

impl core::fmt::Debug for Host {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Host").finish_non_exhaustive()
    }
}

/// The interfaces a plugin may import (`host.log`, and the type-only `types`), of the contract
/// 0.2 and of 0.1, whose plugins keep working (0.2 only added the world `transformer`).
const ALLOWED_IMPORTS: [&str; 4] = [
    "tamis:filter/host@0.2.0",
    "tamis:filter/types@0.2.0",
    "tamis:filter/host@0.1.0",
    "tamis:filter/types@0.1.0",
];

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
            .and_then(|()| add_contract_0_1(&mut linker))
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
        Ok(Host {
            engine,
            linker,
            compiled: Mutex::new(Vec::new()),
        })
    }

    /// The component of `bytes`: compiled now, or earlier and kept.
    fn compile(
        &self,
        bytes: &[u8],
        fail: &dyn Fn(String) -> RegisterError,
    ) -> Result<Component, RegisterError> {
        if let Some(component) = self.compiled(bytes) {
            return Ok(component);
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
        self.keep(bytes, &component);
        Ok(component)
    }

    /// The component compiled from `bytes` earlier, if it is still kept.
    fn compiled(&self, bytes: &[u8]) -> Option<Component> {
        let mut kept = self.compiled.lock().ok()?;
        let at = kept.iter().position(|(b, _)| b.as_slice() == bytes)?;
        let entry = kept.remove(at);
        let component = entry.1.clone();
        kept.insert(0, entry);
        Some(component)
    }

    fn keep(&self, bytes: &[u8], component: &Component) {
        if bytes.len() > COMPILED_KEPT_BYTES {
            return;
        }
        if let Ok(mut kept) = self.compiled.lock() {
            // Two threads may have compiled the same bytes at once: one entry each.
            kept.retain(|(b, _)| b.as_slice() != bytes);
            kept.truncate(COMPILED_KEPT - 1);
            kept.insert(0, (bytes.to_vec(), component.clone()));
        }
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
        let component = self.compile(bytes, &fail)?;
        let ty = component.component_type();
        for (name, _) in ty.imports(&self.engine) {
            if !ALLOWED_IMPORTS.contains(&name) {
                return Err(fail(format!(
                    "it imports `{name}`, which tamis does not provide: plugins get no \
                     capability (no files, network, environment, clocks or randomness); the \
                     only import is `tamis:filter/host@0.2.0` (`log`; 0.1 too)"
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
        let has = |name: &str| exports.iter().any(|e| e == name);
        let mismatch = |e: &dyn core::fmt::Display| {
            let list = if exports.is_empty() {
                "nothing".to_owned()
            } else {
                exports.join(", ")
            };
            fail(format!(
                "it does not match the world `tamis:filter/filter` or \
                 `tamis:filter/transformer` (it exports {list}): {e}; build plugins with \
                 tamis-guest (guest-sdk/README.md)"
            ))
        };
        let pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(|e| mismatch(&e))?;
        // A filter (with `detect`, maybe `transform` too), or a transformer alone.
        let filter = if has("filter") || !has("transform") {
            Some(FilterIndices::new(&pre).map_err(|e| mismatch(&e))?)
        } else {
            None
        };
        let mut plugin = Plugin {
            id: id.to_owned(),
            engine: self.engine.clone(),
            pre,
            filter,
            config,
            limits,
            on_error,
            name: String::new(),
            version: String::new(),
            has_detect: has("detect"),
            has_transform: has("transform"),
            exports,
            imports,
        };
        let (info, transform_typed) = plugin
            .smoke()
            .map_err(|f| fail(format!("`info()` failed: {f}")))?;
        if !transform_typed {
            return Err(fail(
                "its `transform` export does not have the type of the world \
                 `tamis:filter/transformer` (func(config: list<u8>, values: list<string>) -> \
                 result<list<string>, plugin-error>); build plugins with tamis-guest"
                    .into(),
            ));
        }
        plugin.name = sanitize(&info.name, 256);
        plugin.version = sanitize(&info.version, 64);
        Ok(plugin)
    }
}

/// The imports of contract 0.1 (`tamis:filter/host@0.1.0` and its type-only `types`), the same
/// `log` as 0.2's: plugins built against 0.1 register and run unchanged.
fn add_contract_0_1(linker: &mut Linker<State>) -> wasmtime::Result<()> {
    linker.instance("tamis:filter/types@0.1.0")?;
    linker.instance("tamis:filter/host@0.1.0")?.func_wrap(
        "log",
        |mut store: wasmtime::StoreContextMut<'_, State>, (level, message): (Level, String)| {
            bindings::tamis::filter::host::Host::log(store.data_mut(), level, message);
            Ok(())
        },
    )?;
    Ok(())
}

/// Instances alive at once (batches in flight, each on its own thread); one more fails as a
/// plugin failure of its batch, counted and handled by `on_error`.
const POOL_INSTANCES: u32 = 64;

/// The instance pool: per component, the same caps as each store's [`StoreLimits`] (64 core
/// instances and tables, 16 memories, [`Limits::table_elements`] at most), so a component the
/// limits admit fits a slot; memories may grow to 4 GiB in a slot and the store's limit stops
/// them first.
pub(crate) fn pool() -> PoolingAllocationConfig {
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
pub(crate) fn new_store(engine: &Engine, limits: &Limits) -> Result<Store<State>, Failure> {
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
pub(crate) fn arm_deadline(store: &mut Store<State>, limits: &Limits) {
    let ticks = limits
        .timeout_ms
        .div_ceil(TICK.as_millis().max(1) as u64)
        .max(1);
    store.set_epoch_deadline(ticks);
    store.epoch_deadline_trap();
}

/// Maps a wasmtime error to a [`Failure`] (codes only: a trap message never quotes data, but
/// it is not printed anyway).
pub(crate) fn classify(e: &wasmtime::Error) -> Failure {
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
pub(crate) fn on_big_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Option<R> {
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
pub(crate) fn is_core_module(bytes: &[u8]) -> bool {
    bytes.get(..8) == Some(&[0, b'a', b's', b'm', 1, 0, 0, 0])
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::testing::{Guest, component};

    #[test]
    fn the_same_bytes_are_compiled_once_and_kept_once() {
        // A host of its own: the process's is shared with other tests.
        let host = Host::new().unwrap();
        let bytes = component(&Guest::default());
        assert!(host.compiled(&bytes).is_none());
        for id in ["a", "b"] {
            let p = host
                .register(id, &bytes, Vec::new(), Limits::default(), OnError::Drop)
                .unwrap();
            assert_eq!(p.id(), id);
            assert!(host.compiled(&bytes).is_some());
        }
        host.keep(&bytes, &host.compiled(&bytes).unwrap());
        assert_eq!(host.compiled.lock().unwrap().len(), 1);
        let other = component(&Guest {
            pages: 2,
            ..Guest::default()
        });
        assert!(host.compiled(&other).is_none());
        host.register("c", &other, Vec::new(), Limits::default(), OnError::Drop)
            .unwrap();
        assert_eq!(host.compiled.lock().unwrap().len(), 2);
        // The newest first, and never more than COMPILED_KEPT.
        assert!(host.compiled.lock().unwrap()[0].0 == other);
    }
}

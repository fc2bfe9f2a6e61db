//! Plugin detectors (`detect = ["plugin:<id>"]`): core's [`PluginDetect`], answered by each
//! plugin's `detect` export.
//!
//! A [`Session`] serves one batch. Each plugin gets one fresh store, instantiated on the first
//! text it is asked about, with the plugin's memory cap and a fuel budget for the whole batch;
//! the deadline (`timeout_ms`) is re-armed before every call. Its first failure (trap, timeout,
//! fuel, memory, or spans that are not ranges of the text on character boundaries) ends its
//! store: from then on, for the rest of the batch, every text it would scan is one whole
//! finding (core's fail-closed answer), and the pipeline applies the plugin's `on_error`.

use tamis_core::PluginDetect;
use wasmtime::Store;
use wasmtime::component::Func;

use crate::Failure;
use crate::Plugin;
use crate::bindings::tamis::filter::types::Span;
use crate::engine::{State, arm_deadline, classify, new_store};

/// Most spans one `detect` call may return; more is invalid output.
pub const MAX_SPANS: usize = 4096;

/// Runs the plugin detectors of one batch.
pub(crate) struct Session {
    /// Per `[[plugin]]` of the policy, in order: `None` for those no rule detects with.
    slots: Vec<Option<Slot>>,
}

struct Slot {
    plugin: Plugin,
    live: Option<(Store<State>, Func)>,
    failed: Option<Failure>,
    /// Whether the failure is new since the pipeline last asked ([`Session::take_new_failure`]).
    unreported: bool,
    calls: u64,
    logs: Vec<String>,
    logs_dropped: u64,
}

impl Session {
    /// A session for `plugins` (policy order); `detects[i]` says whether plugin `i` is a detector.
    pub(crate) fn new(plugins: &[Plugin], detects: impl Iterator<Item = bool>) -> Self {
        Session {
            slots: plugins
                .iter()
                .zip(detects)
                .map(|(p, on)| {
                    on.then(|| Slot {
                        plugin: p.clone(),
                        live: None,
                        failed: None,
                        unreported: false,
                        calls: 0,
                        logs: Vec::new(),
                        logs_dropped: 0,
                    })
                })
                .collect(),
        }
    }

    /// A plugin whose failure is new since the last call, with the failure.
    pub(crate) fn take_new_failure(&mut self) -> Option<(usize, Failure)> {
        self.slots.iter_mut().enumerate().find_map(|(i, s)| {
            let s = s.as_mut().filter(|s| s.unreported)?;
            s.unreported = false;
            s.failed.clone().map(|f| (i, f))
        })
    }

    /// Ends the batch: per detecting plugin, its index, the calls made, its log lines and the
    /// lines dropped over the cap.
    pub(crate) fn finish(self) -> Vec<(usize, u64, Vec<String>, u64)> {
        self.slots
            .into_iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let mut s = s?;
                s.close();
                Some((i, s.calls, s.logs, s.logs_dropped))
            })
            .collect()
    }
}

impl Slot {
    /// Keeps the store's log lines and drops the store.
    fn close(&mut self) {
        if let Some((store, _)) = self.live.take() {
            let state = store.into_data();
            self.logs.extend(state.logs);
            self.logs_dropped += state.logs_dropped;
        }
    }

    fn scan(&mut self, text: &str, out: &mut Vec<(usize, usize)>) -> Result<(), Failure> {
        let limits = self.plugin.limits();
        if self.live.is_none() {
            let mut store = new_store(&self.plugin.engine, limits)?;
            let instance = self
                .plugin
                .pre
                .instantiate(&mut store)
                .map_err(|e| classify(&e))?;
            let func = instance
                .get_func(&mut store, "detect")
                .ok_or_else(|| Failure::InvalidOutput("it does not export `detect`".into()))?;
            self.live = Some((store, func));
        }
        let Some((store, func)) = self.live.as_mut() else {
            return Err(Failure::Trap("no instance".into()));
        };
        arm_deadline(store, limits);
        self.calls += 1;
        let typed = func
            .typed::<(&str,), (Vec<Span>,)>(&*store)
            .map_err(|_| Failure::InvalidOutput("`detect` has the wrong type".into()))?;
        let (spans,) = typed.call(&mut *store, (text,)).map_err(|e| classify(&e))?;
        if spans.len() > MAX_SPANS {
            return Err(Failure::InvalidOutput(format!(
                "`detect` returned {} spans (at most {MAX_SPANS})",
                spans.len()
            )));
        }
        for span in spans {
            let (s, e) = (span.start as usize, span.end as usize);
            if s > e || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                return Err(Failure::InvalidOutput(
                    "`detect` returned a span that is not a range of the text on character \
                     boundaries"
                        .into(),
                ));
            }
            out.push((s, e));
        }
        Ok(())
    }
}

impl PluginDetect for Session {
    fn detect(&mut self, plugin: usize, text: &str, out: &mut Vec<(usize, usize)>) -> bool {
        let Some(slot) = self.slots.get_mut(plugin).and_then(Option::as_mut) else {
            return false;
        };
        if slot.failed.is_some() {
            return false;
        }
        let from = out.len();
        match slot.scan(text, out) {
            Ok(()) => true,
            Err(failure) => {
                out.truncate(from);
                slot.close();
                slot.failed = Some(failure);
                slot.unreported = true;
                false
            }
        }
    }
}

//! A policy with plugins, applied to JSON Lines in batches: limits → access → retention (core's
//! [`Policy::admit_tree`]) → each plugin in policy order → rules, detectors and summaries (core's
//! [`Policy::mask_admitted`]). The policy's own rules always run last, so a plugin can drop or
//! mask more but never reveal anything.

use std::path::Path;

use tamis_core::json::Doc;
use tamis_core::{
    Context, Disposition, PluginOnError, Policy, Quarantine, Scratch, Tally, quarantine_marker,
};

use crate::{Decision, Failure, Host, Limits, OnError, Plugin, RegisterError};

/// A policy whose plugins are registered, ready to apply.
#[derive(Debug)]
pub struct Pipeline {
    policy: Policy,
    plugins: Vec<Plugin>,
}

/// A plugin failed with `on_error = "fail"`: the run stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stopped {
    /// The plugin's id.
    pub plugin: String,
    /// What went wrong.
    pub failure: Failure,
}

impl core::fmt::Display for Stopped {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "plugin `{}`: {} (on_error = \"fail\")",
            self.plugin, self.failure
        )
    }
}

/// One input line of a batch.
#[derive(Debug, Clone, Copy)]
pub enum Line<'a> {
    /// The line's text.
    Text(&'a str),
    /// A line the reader could not take (not UTF-8, or longer than its bound).
    Unreadable(Quarantine),
}

impl Pipeline {
    /// Registers every `[[plugin]]` of `policy` (paths relative to `base_dir`) and attaches
    /// them, so the policy applies records.
    ///
    /// # Errors
    /// A plugin file that cannot be read or registered.
    pub fn new(policy: Policy, base_dir: &Path) -> Result<Self, RegisterError> {
        let host = Host::global()?;
        let mut plugins = Vec::with_capacity(policy.plugins().len());
        for spec in policy.plugins() {
            let path = base_dir.join(&spec.path);
            let bytes = std::fs::read(&path).map_err(|e| {
                RegisterError(format!(
                    "plugin `{}`: cannot read {}: {e}",
                    spec.id,
                    path.display()
                ))
            })?;
            let limits = Limits {
                max_module_bytes: usize::try_from(spec.max_module_bytes).unwrap_or(usize::MAX),
                fuel: spec.fuel,
                memory_bytes: usize::try_from(spec.memory_bytes).unwrap_or(usize::MAX),
                timeout_ms: spec.timeout_ms,
                ..Limits::default()
            };
            let on_error = match spec.on_error {
                PluginOnError::Drop => OnError::Drop,
                PluginOnError::Mask => OnError::Mask,
                PluginOnError::Fail => OnError::Fail,
            };
            plugins.push(host.register(
                &spec.id,
                &bytes,
                spec.config_json.clone().into_bytes(),
                limits,
                on_error,
            )?);
        }
        Ok(Pipeline {
            policy: policy.with_plugins_attached(),
            plugins,
        })
    }

    /// The policy (with its plugins attached).
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The registered plugins, in policy order.
    #[must_use]
    pub fn plugins(&self) -> &[Plugin] {
        &self.plugins
    }

    /// Applies the policy to a batch of numbered lines and appends each output line (with its
    /// newline) to `out`, in order; a dropped record writes nothing. Plugin log
    /// lines go to `log`, prefixed with the plugin id and masked by the policy's detectors.
    ///
    /// # Errors
    /// [`Stopped`] when a plugin with `on_error = "fail"` fails; nothing of the batch is written.
    pub fn apply_lines(
        &self,
        lines: &[(u64, Line<'_>)],
        ctx: &Context,
        sx: &mut Scratch,
        tally: &mut Tally,
        out: &mut Vec<u8>,
        log: &mut dyn FnMut(&str),
    ) -> Result<(), Stopped> {
        let policy = &self.policy;
        let max_record = policy.limits().max_record_bytes;
        let max_text = usize::try_from(max_record.saturating_mul(8)).unwrap_or(usize::MAX);
        // Each line's state: its output so far, or the record still in flight (as JSON text).
        enum Slot {
            Done(Vec<u8>),
            Dropped,
            Record(String),
        }
        let mut slots: Vec<Slot> = Vec::with_capacity(lines.len());
        let mut numbers: Vec<u64> = Vec::with_capacity(lines.len());
        for (n, line) in lines {
            let n = *n;
            numbers.push(n);
            let slot = match line {
                Line::Unreadable(q) => {
                    tally.count_quarantined_input();
                    Slot::Done(marker(n, *q))
                }
                Line::Text(text) if text.len() > max_text => {
                    tally.count_quarantined_input();
                    Slot::Done(marker(n, Quarantine::TooLarge))
                }
                Line::Text(text) => match Doc::parse(text) {
                    Err(_) => {
                        tally.count_quarantined_input();
                        Slot::Done(marker(n, Quarantine::InvalidJson))
                    }
                    Ok(mut doc) => match policy.admit_tree(&mut doc, ctx, sx, tally) {
                        Some(_) => Slot::Dropped,
                        None => {
                            let mut buf = Vec::with_capacity(text.len());
                            doc.write(&mut buf);
                            Slot::Record(String::from_utf8_lossy(&buf).into_owned())
                        }
                    },
                },
            };
            slots.push(slot);
        }
        for plugin in &self.plugins {
            let alive: Vec<usize> = slots
                .iter()
                .enumerate()
                .filter_map(|(i, s)| matches!(s, Slot::Record(_)).then_some(i))
                .collect();
            if alive.is_empty() {
                continue;
            }
            let texts: Vec<&str> = alive
                .iter()
                .filter_map(|&i| match slots.get(i) {
                    Some(Slot::Record(t)) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            let batch = plugin.filter(&texts, max_record);
            let id = plugin.id();
            tally.count_plugin(id, "batches", 1);
            for line in &batch.logs {
                log(&format!("plugin {id}: {}", policy.mask_text(line, ctx)));
            }
            if batch.logs_dropped > 0 {
                tally.count_plugin(id, "logs_dropped", batch.logs_dropped);
            }
            let decisions = match batch.decisions {
                Ok(d) => d,
                Err(failure) => {
                    tally.count_plugin(id, failure.kind(), 1);
                    match plugin.on_error() {
                        OnError::Fail => {
                            return Err(Stopped {
                                plugin: id.to_owned(),
                                failure,
                            });
                        }
                        OnError::Drop => vec![Decision::Drop; alive.len()],
                        OnError::Mask => alive
                            .iter()
                            .map(|&i| match slots.get(i) {
                                Some(Slot::Record(t)) => Decision::Replace(masked(t)),
                                _ => Decision::Drop,
                            })
                            .collect(),
                    }
                }
            };
            for (&i, d) in alive.iter().zip(decisions) {
                let Some(slot) = slots.get_mut(i) else {
                    continue;
                };
                match d {
                    Decision::Keep => {}
                    Decision::Drop => {
                        tally.count_plugin_drop();
                        tally.count_plugin(id, "dropped", 1);
                        *slot = Slot::Dropped;
                    }
                    Decision::Replace(text) => {
                        tally.count_plugin(id, "replaced", 1);
                        *slot = Slot::Record(text);
                    }
                }
            }
        }
        for (slot, n) in slots.into_iter().zip(numbers) {
            match slot {
                Slot::Dropped => {}
                Slot::Done(bytes) => {
                    out.extend_from_slice(&bytes);
                    out.push(b'\n');
                }
                Slot::Record(text) => {
                    let mark = out.len();
                    let d = match Doc::parse(&text) {
                        Ok(mut doc) => {
                            let d = policy.mask_admitted(&mut doc, ctx, sx, tally);
                            if d == Disposition::Kept {
                                doc.write(out);
                            }
                            d
                        }
                        // Validated by the host; never pass anything unparsed.
                        Err(_) => Disposition::Quarantined(Quarantine::InvalidJson),
                    };
                    match d {
                        Disposition::Kept => out.push(b'\n'),
                        Disposition::Quarantined(q) => {
                            out.truncate(mark);
                            out.extend_from_slice(&marker(n, q));
                            out.push(b'\n');
                        }
                        _ => out.truncate(mark),
                    }
                }
            }
        }
        Ok(())
    }
}

fn marker(line: u64, q: Quarantine) -> Vec<u8> {
    serde_json::to_vec(&quarantine_marker(Some(line), q)).unwrap_or_default()
}

/// `on_error = "mask"`: the record with every value replaced, keys kept.
fn masked(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(mut v) => {
            tamis_core::mask_all(&mut v);
            serde_json::to_string(&v).unwrap_or_else(|_| "null".to_owned())
        }
        Err(_) => serde_json::Value::String(tamis_core::PLUGIN_ERROR.to_owned()).to_string(),
    }
}

#![doc = include_str!("../README.md")]
#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod action;
mod bytes;
mod cases;
mod context;
mod detect;
mod engine;
mod error;
pub mod faults;
mod frontend;
mod keyed;
mod memo;
mod net;
mod policy;
mod record;
mod report;
mod stages;
pub mod summary;
pub mod time;

pub use action::{
    Action, DEFAULT_REPLACEMENT, NO_KEY, Precision, TOO_DEEP, TOO_LARGE, UNGENERALIZABLE,
};
pub use cases::{CaseResult, Cases, DEFAULT_CASE_NOW, run_cases};
pub use context::Context;
pub use detect::catalog::validators as detector_validators;
pub use detect::{
    BUILTIN as BUILTIN_DETECTORS, DetectorType, ExtDetect, PluginDetect, detector_groups,
    detector_types,
};
pub use engine::placeholders::{DEFAULT_TEMPLATE, Session, Template};
pub use engine::reveal::{Refusal, RevealCounts};
pub use engine::scratch::Scratch;
pub use engine::text::TextStream;
pub use engine::{ColumnPlan, Run};
pub use error::{ErrorKind, PolicyError, without_input};
pub use frontend::{
    CONTEXT_EXAMPLE, ContextValue, MissingKey, OptionError, Output, PolicyFormat, parse_now,
    write_quarantine_marker,
};
pub use policy::select::PathState;
pub use policy::source::MAX_POLICY_BYTES;
pub use policy::{Limits, Policy, model};
pub use record::tree::{Edit, Shape, Tree, unique_key};
pub use record::{json, mirror};
pub use report::{
    Disposition, DropReason, LimitHits, PluginCount, PolicyRef, Quarantine, Records, Report, Tally,
    dropped_marker, quarantine_marker,
};
pub use stages::plugins::{PLUGIN_ERROR, PluginOnError, PluginSpec, PluginTransform, mask_all};
pub use stages::screen::Screen;
pub use summary::column::{Column, ColumnSummarizer};
pub use summary::records::RecordSummarizer;

// A compiled policy is shared across threads without locks.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Policy>();
};

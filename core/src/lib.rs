#![doc = include_str!("../README.md")]
#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod action;
mod apply;
mod detect;
mod error;
pub mod faults;
pub mod json;
pub mod mirror;
pub mod model;
mod parse;
mod plugins;
mod policy;
mod protect;
mod records;
mod report;
mod select;
mod summarize;
pub mod summary;
mod text_stream;
pub mod time;
mod tree;

pub use action::{
    Action, DEFAULT_REPLACEMENT, NO_KEY, Precision, TOO_DEEP, TOO_LARGE, UNGENERALIZABLE,
};
pub use apply::{ColumnPlan, Context, Scratch, dropped_marker, quarantine_marker};
pub use detect::{BUILTIN as BUILTIN_DETECTORS, PluginDetect};
pub use error::{ErrorKind, PolicyError, without_input};
pub use parse::MAX_POLICY_BYTES;
pub use plugins::{PLUGIN_ERROR, PluginOnError, PluginSpec, mask_all};
pub use policy::{Limits, Policy};
pub use protect::Screen;
pub use report::{
    Disposition, DropReason, LimitHits, PolicyRef, Quarantine, Records, Report, Tally,
};
pub use summarize::{Column, ColumnSummarizer};
pub use text_stream::TextStream;
pub use tree::{Edit, Shape, Tree, unique_key};

// A compiled policy is shared across threads without locks.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Policy>();
};

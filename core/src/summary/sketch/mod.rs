//! The sketches a summary is made of: bounded memory, mergeable, deterministic.

pub(crate) mod distinct;
pub(crate) mod extremes;
pub(crate) mod quantiles;
pub(crate) mod sample;
pub(crate) mod sum;
mod top;

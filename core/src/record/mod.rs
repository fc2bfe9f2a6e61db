//! Record trees: the one walk of the engine reads every front end's values through the
//! [`tree::Tree`] trait, with no conversion: `serde_json::Value`, the borrowed JSON document
//! ([`json::Doc`]) and the mirror tree the bindings build ([`mirror::Node`]).

pub mod json;
pub mod mirror;
pub mod tree;

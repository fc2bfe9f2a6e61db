//! Write a tamis filter plugin in a few lines of Rust.
//!
//! ```ignore
//! struct DropTests;
//!
//! impl tamis_guest::Plugin for DropTests {
//!     const NAME: &'static str = "drop-tests";
//!     const VERSION: &'static str = "1.0.0";
//!
//!     fn filter(_config: &str, record: &str) -> Result<tamis_guest::Verdict, String> {
//!         Ok(if record.contains("\"test\":true") {
//!             tamis_guest::Verdict::Drop
//!         } else {
//!             tamis_guest::Verdict::Keep
//!         })
//!     }
//! }
//!
//! tamis_guest::export_plugin!(DropTests);
//! ```
//!
//! Build it as a `cdylib` for `wasm32-unknown-unknown`
//! (`cargo build --release --target wasm32-unknown-unknown`) and point a policy's `[[plugin]]`
//! `path` at the `.wasm`: the module carries its WIT world, and tamis makes it a component when it
//! registers it. The plugin gets no capability; `log` is its only import.

pub mod json;

/// The bindings of the `tamis:filter/detector` world (`wit/tamis-filter.wit`).
#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "detector",
        path: "../wit/tamis-filter.wit",
        pub_export_macro: true,
        export_macro_name: "__export_world",
        default_bindings_module: "tamis_guest::bindings",
    });
}

/// The bindings of the `tamis:filter/transformer` world (contract 0.2): a plugin that only
/// transforms values exports `info` and `transform`, no `filter`, and the host never runs it
/// as a filter.
#[doc(hidden)]
pub mod transformer_bindings {
    wit_bindgen::generate!({
        world: "transformer",
        path: "../wit/tamis-filter.wit",
        pub_export_macro: true,
        export_macro_name: "__export_transformer_world",
        default_bindings_module: "tamis_guest::transformer_bindings",
    });
}

pub use bindings::tamis::filter::host::{Level, log};
pub use bindings::tamis::filter::types::{PluginError, PluginInfo, Span, Verdict};

/// A filter plugin, one record at a time.
pub trait Plugin {
    /// What `tamis plugin check` prints as the plugin's name.
    const NAME: &'static str;
    /// Its version.
    const VERSION: &'static str;

    /// The verdict on one record: `record` is its JSON text, `config` the policy's `config` as
    /// JSON (`{}` when none). An `Err` fails the whole batch (the policy's `on_error` applies).
    ///
    /// # Errors
    /// When the plugin cannot decide (its message is logged by the host, truncated).
    fn filter(config: &str, record: &str) -> Result<Verdict, String>;

    /// Spans of customer-specific values in `text` (byte offsets). None by default.
    fn detect(_text: &str) -> Vec<Span> {
        Vec::new()
    }
}

/// Connects a [`Plugin`] to the generated bindings (used by [`export_plugin!`]).
#[doc(hidden)]
pub struct Adapter<P>(core::marker::PhantomData<P>);

impl<P> core::fmt::Debug for Adapter<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Adapter")
    }
}

impl<P: Plugin> bindings::Guest for Adapter<P> {
    fn info() -> PluginInfo {
        PluginInfo {
            name: P::NAME.into(),
            version: P::VERSION.into(),
        }
    }

    fn filter(config: Vec<u8>, batch: Vec<u8>) -> Result<Vec<Verdict>, PluginError> {
        let error = |message: &str| PluginError {
            message: message.into(),
        };
        let config = core::str::from_utf8(&config).map_err(|_| error("config is not UTF-8"))?;
        let batch = core::str::from_utf8(&batch).map_err(|_| error("batch is not UTF-8"))?;
        batch
            .lines()
            .map(|record| P::filter(config, record).map_err(|m| error(&m)))
            .collect()
    }

    fn detect(text: String) -> Vec<Span> {
        P::detect(&text)
    }
}

/// Exports a type implementing [`Plugin`] as the plugin of this crate (a `cdylib`).
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        type __TamisGuestPlugin = $crate::Adapter<$plugin>;
        $crate::bindings::__export_world!(__TamisGuestPlugin with_types_in $crate::bindings);
    };
}

/// A plugin that masks values (contract 0.2): a rule with `action = "plugin:<id>"` selects the
/// values (by path, key or detector), and the host sends every value of a batch in one call.
///
/// ```ignore
/// struct Tokens;
///
/// impl tamis_guest::Transformer for Tokens {
///     const NAME: &'static str = "tokens";
///     const VERSION: &'static str = "1.0.0";
///
///     // Your company's tokenizer here (an answer that repeats the value is masked).
///     fn transform(_config: &str, value: &str) -> Result<String, String> {
///         Ok(format!("tok_{:08x}", value.len()))
///     }
/// }
///
/// tamis_guest::export_transformer!(Tokens);
/// ```
///
/// An answer that is a value it was given (however short), holds a piece of one (six letters
/// and digits, in any spacing), or has anything the policy's detectors find is masked whole.
pub trait Transformer {
    /// What `tamis plugin check` prints as the plugin's name.
    const NAME: &'static str;
    /// Its version.
    const VERSION: &'static str;

    /// What to write in place of one value: `config` is the policy's `config` as JSON (`{}`
    /// when none). An `Err` fails the whole batch (the policy's `on_error` applies).
    ///
    /// # Errors
    /// When the plugin cannot transform the value (its message is logged by the host).
    fn transform(config: &str, value: &str) -> Result<String, String>;

    /// The whole batch at once (by default, [`Transformer::transform`] on each value in order);
    /// override it to set up once per batch.
    ///
    /// # Errors
    /// As [`Transformer::transform`].
    fn transform_all(config: &str, values: Vec<String>) -> Result<Vec<String>, String> {
        values.iter().map(|v| Self::transform(config, v)).collect()
    }
}

/// Connects a [`Transformer`] to the generated bindings (used by [`export_transformer!`]).
#[doc(hidden)]
pub struct TransformerAdapter<P>(core::marker::PhantomData<P>);

impl<P> core::fmt::Debug for TransformerAdapter<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("TransformerAdapter")
    }
}

impl<P: Transformer> transformer_bindings::Guest for TransformerAdapter<P> {
    fn info() -> transformer_bindings::tamis::filter::types::PluginInfo {
        transformer_bindings::tamis::filter::types::PluginInfo {
            name: P::NAME.into(),
            version: P::VERSION.into(),
        }
    }

    fn transform(
        config: Vec<u8>,
        values: Vec<String>,
    ) -> Result<Vec<String>, transformer_bindings::tamis::filter::types::PluginError> {
        let error =
            |message: String| transformer_bindings::tamis::filter::types::PluginError { message };
        let config =
            core::str::from_utf8(&config).map_err(|_| error("config is not UTF-8".into()))?;
        P::transform_all(config, values).map_err(error)
    }
}

/// Exports a type implementing [`Transformer`] as the plugin of this crate (a `cdylib`).
#[macro_export]
macro_rules! export_transformer {
    ($plugin:ty) => {
        type __TamisGuestTransformer = $crate::TransformerAdapter<$plugin>;
        $crate::transformer_bindings::__export_transformer_world!(
            __TamisGuestTransformer with_types_in $crate::transformer_bindings
        );
    };
}

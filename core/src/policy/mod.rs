//! The compiled policy: [`Policy`], built once from a document by `compile/` and shared
//! immutably (`Send + Sync`) by every application.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::action::HashKey;
use crate::error::{ErrorKind, PolicyError};
use crate::stages::access::Access;
use crate::stages::plugins::PluginSpec;
use crate::stages::retention::Retention;
use crate::summary::rule::SummarizeRule;

pub mod compile;
pub(crate) mod line_local;
pub mod model;
pub(crate) mod rule;
pub(crate) mod select;
pub(crate) mod source;

use model::{LimitsDoc, PolicyDoc};
use rule::{DetectorEntry, KeyGlob, Rule};
use select::PathSet;
use source::Source;

/// The limits in force, from `[limits]`.
pub type Limits = LimitsDoc;

/// A compiled policy: immutable, `Send + Sync`, cheap to share. Applying it never fails.
#[derive(Debug)]
pub struct Policy {
    pub(crate) doc: PolicyDoc,
    pub(crate) id: String,
    pub(crate) rules: Vec<Rule>,
    pub(crate) paths: PathSet,
    /// Normalised key globs and the rule each belongs to.
    pub(crate) key_globs: Vec<KeyGlob>,
    pub(crate) detectors: Vec<DetectorEntry>,
    /// The catalog detectors among `detectors`, compiled to run together.
    pub(crate) catalog: crate::detect::catalog::CatalogSet,
    /// `detectors[first_catalog..]` are the catalog's.
    pub(crate) first_catalog: usize,
    /// The rules (indices, sorted) with a catalog detector.
    pub(crate) catalog_rules: Vec<u32>,
    /// The rules (indices, sorted) with a detector, when a key no detector finds anything in
    /// may be remembered as clean (`Policy::clean_key`): each index under 64, and no plugin or
    /// `ext:` detector.
    pub(crate) clean_key_rules: Option<Vec<u32>>,
    pub(crate) keys: Vec<HashKey>,
    /// `(name, env)` of each key, same order as `keys`.
    pub(crate) key_names: Vec<(String, String)>,
    /// Sorted literal placeholders this policy writes (replacements, expanded).
    pub(crate) placeholders: Vec<String>,
    /// `placeholders` as `placeholder_holes` looks for them: those looked up by the text from
    /// a `[` to the first `]` (`action::looked_up_at_bracket`, sorted), the other ones that
    /// start with `[` (compared at each `[`), and the rest (searched for).
    pub(crate) bracketed: Vec<String>,
    pub(crate) bracketed_other: Vec<String>,
    pub(crate) unbracketed: Vec<String>,
    /// No detector is a plugin or an `ext:` function (each a function of the text alone,
    /// counting nothing but findings) and no rule writes numbered placeholders: a scan of a text
    /// that is one hole whole (`Policy::is_hole`) has no effect and finds nothing, so it is not
    /// made.
    pub(crate) rescan_of_holes_finds_nothing: bool,
    pub(crate) allow_values: Vec<String>,
    pub(crate) retention: Vec<Retention>,
    pub(crate) access: Option<Access>,
    pub(crate) summaries: Vec<SummarizeRule>,
    pub(crate) plugins: Vec<crate::stages::plugins::PluginSpec>,
    /// The host runs `plugins` (see [`Policy::with_plugins_attached`]).
    pub(crate) plugins_attached: bool,
    /// The names of the `ext:` detectors (after `ext:`), in order of first use.
    pub(crate) ext_names: Vec<String>,
    /// The functions bound to them ([`Policy::with_detectors`]).
    pub(crate) ext: Option<ExtBinding>,
    /// No detector of the policy matches across a line break, but `private_key` (held whole
    /// by [`crate::TextStream`]): no custom pattern can match one or is anchored to the ends of
    /// the text, and no plugin detects.
    pub(crate) text_line_local: bool,
    /// Some rule's action is `encrypt` (its tokens are holes for the detectors).
    pub(crate) encrypts: bool,
    /// Some rule's action is `shift_date` (entities are looked up per record).
    pub(crate) shifts: bool,
    /// `person_name` is among the detectors (the key a value is stored under is its cue).
    pub(crate) person_names: bool,
    /// Each placeholder rule's template and the types it writes: only those placeholders are
    /// holes for the detectors (`<4111111111111111_1>` hides nothing).
    pub(crate) placeholder_types: Vec<(crate::engine::placeholders::Template, Vec<String>)>,
    /// Which compilation this is: working memory ([`crate::Scratch`]) made for one policy is
    /// never used with another (its regex caches belong to this policy's patterns).
    pub(crate) serial: u32,
}

impl Policy {
    /// Reads and compiles a TOML policy.
    ///
    /// # Errors
    /// A [`PolicyError`] with line, column, rule id and help when the policy is not valid.
    pub fn from_toml(text: &str) -> Result<Self, PolicyError> {
        let (doc, source) = source::from_toml(text)?;
        Self::compile(doc, &source)
    }

    /// Reads and compiles a JSON policy (the same document model as TOML).
    ///
    /// # Errors
    /// A [`PolicyError`] with line, column, rule id and help when the policy is not valid.
    pub fn from_json(text: &str) -> Result<Self, PolicyError> {
        let (doc, source) = source::from_json(text)?;
        Self::compile(doc, &source)
    }

    /// Compiles an already parsed document (errors then carry a document path, no line).
    ///
    /// # Errors
    /// A [`PolicyError`] when the document is not valid.
    pub fn from_doc(doc: PolicyDoc) -> Result<Self, PolicyError> {
        let text = serde_json::to_string(&doc).unwrap_or_default();
        let source = Source::Json(&text);
        Self::compile(doc, &source)
    }

    /// Gives key material for the key named `name` (`[key.NAME]`). The CLI and bindings read it
    /// from the environment variable the key names; core never does.
    ///
    /// # Errors
    /// When the policy declares no such key, or the material is empty.
    pub fn with_key(mut self, name: &str, material: &[u8]) -> Result<Self, PolicyError> {
        let Some(i) = self.key_names.iter().position(|(n, _)| n == name) else {
            return Err(PolicyError::new(
                ErrorKind::Key,
                format!("the policy declares no key `{name}`"),
            )
            .help("declare it as `[key.NAME]` with `env` and `id`"));
        };
        if material.is_empty() {
            return Err(PolicyError::new(
                ErrorKind::Key,
                format!("the material for key `{name}` is empty"),
            )
            .help("set the key's environment variable to a secret of at least 16 bytes"));
        }
        // A key of a reversible rule, or any key of a policy that reveals (a rotated key's
        // tokens are revealed with it).
        let reversible = self.doc.reveal.is_some()
            || self
                .rules
                .iter()
                .any(|r| r.action.reversible() && r.action.key() == Some(i));
        if reversible && material.len() < crate::keyed::MIN_KEY_BYTES {
            return Err(PolicyError::new(
                ErrorKind::Key,
                format!(
                    "the material for key `{name}` has {} bytes; `encrypt`, `fpe` and \
                     `shift_date` need at least {}",
                    material.len(),
                    crate::keyed::MIN_KEY_BYTES
                ),
            )
            .help("use 32 random bytes or more, such as the output of `openssl rand -base64 32`"));
        }
        let mac = Hmac::<Sha256>::new_from_slice(material).map_err(|_| {
            PolicyError::new(ErrorKind::Key, format!("key `{name}` cannot be used"))
        })?;
        if let Some(k) = self.keys.get_mut(i) {
            k.derived = (material.len() >= crate::keyed::MIN_KEY_BYTES)
                .then(|| crate::keyed::Derived::new(material));
            k.mac = Some(mac);
        }
        Ok(self)
    }

    /// Keys that keyed rules (`hash`, `encrypt`, `fpe`, `shift_date`) use: `(name,
    /// environment variable, key id)`.
    pub fn required_keys(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.key_names
            .iter()
            .zip(&self.keys)
            .enumerate()
            .filter_map(|(i, ((name, env), k))| {
                self.rules
                    .iter()
                    .any(|r| r.action.key() == Some(i))
                    .then_some((name.as_str(), env.as_str(), k.id.as_str()))
            })
    }

    /// Every key the policy declares: `(name, environment variable, key id)`.
    pub fn declared_keys(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.key_names
            .iter()
            .zip(&self.keys)
            .map(|((name, env), k)| (name.as_str(), env.as_str(), k.id.as_str()))
    }

    /// Whether key material was given for the named key.
    #[must_use]
    pub fn has_key_material(&self, name: &str) -> bool {
        self.key_names
            .iter()
            .position(|(n, _)| n == name)
            .and_then(|i| self.keys.get(i))
            .is_some_and(|k| k.mac.is_some())
    }

    /// The token (`h:<key id>:<26 base32 characters>`) that a `hash` rule with the key named
    /// `name` writes for the string `value`: to find a known value in masked data. `None` when
    /// the policy declares no such key or was given no material for it.
    #[must_use]
    pub fn pseudonym(&self, name: &str, value: &str) -> Option<String> {
        let key = self
            .key_names
            .iter()
            .position(|(n, _)| n == name)
            .and_then(|i| self.keys.get(i))
            .filter(|k| k.mac.is_some())?;
        let mut out = String::with_capacity(32 + key.id.len());
        crate::action::hash_token(key, value.as_bytes(), &mut out);
        Some(out)
    }

    /// Warnings that do not make the policy invalid, as `(rule id, message)`: today, `fpe` and
    /// `shift_date` rules (not idempotent) over values a detector or pattern rule also scans.
    #[must_use]
    pub fn warnings(&self) -> Vec<(String, String)> {
        crate::keyed::warnings(&self.doc)
    }

    /// The policy's `name`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.doc.name
    }

    /// SHA-256 (hex) of the canonical policy: the same for the TOML and JSON spelling of it.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The document the policy was compiled from.
    #[must_use]
    pub fn document(&self) -> &PolicyDoc {
        &self.doc
    }

    /// The limits in force.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.doc.limits
    }

    /// Whether `[access]` or `[[retention]]` can drop a whole record or some of its fields.
    #[must_use]
    pub fn has_record_stages(&self) -> bool {
        self.access.is_some() || !self.retention.is_empty()
    }

    /// Whether masking a value can need another field of its record: a `shift_date` rule reads
    /// its entity, and numbered placeholders count through the record. Columnar front ends then
    /// mask whole rows.
    #[must_use]
    pub fn reads_other_fields(&self) -> bool {
        self.shifts || self.placeholder_templates().next().is_some()
    }

    /// Rule ids in policy order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }

    /// The canonical JSON of the policy (what [`Policy::id`] hashes).
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.doc).unwrap_or_default()
    }
}
impl Policy {
    /// The policy's `[[plugin]]` entries, in order.
    #[must_use]
    pub fn plugins(&self) -> &[PluginSpec] {
        &self.plugins
    }

    /// For front ends that cannot run plugins (the Python and Node libraries): an error when
    /// the policy has `[[plugin]]`, so it is refused at load time rather than applied without
    /// them.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the first plugin.
    pub fn require_no_plugins(&self) -> Result<(), PolicyError> {
        match self.plugins.first() {
            None => Ok(()),
            Some(p) => Err(PolicyError::new(
                ErrorKind::InvalidValue,
                format!(
                    "the policy has a plugin (`{}`), and plugins run only in the tamis CLI and host",
                    p.id
                ),
            )
            .help("apply this policy with `tamis apply`, or remove its [[plugin]] entries to use it here")),
        }
    }

    /// Whether any rule detects (built-in or catalog detectors, patterns, plugin or `ext:`
    /// detectors): without one, [`Policy::mask_text`] returns every text as it is.
    #[must_use]
    pub fn has_detectors(&self) -> bool {
        !self.detectors.is_empty()
    }

    /// The names of the policy's `ext:` detectors (without `ext:`), each once.
    #[must_use]
    pub fn ext_detectors(&self) -> &[String] {
        &self.ext_names
    }

    /// Binds the functions of the policy's `ext:` detectors. A front end binds them when it
    /// loads the policy, and loads a policy without them only after
    /// [`Policy::require_detectors_bound`]; a detector left unbound would make every text it
    /// scans one finding (masked, never kept unscanned).
    ///
    /// # Errors
    /// A [`PolicyError`] naming the first `ext:` detector that `ext` does not bind.
    pub fn with_detectors(
        mut self,
        ext: alloc::sync::Arc<dyn crate::detect::ExtDetect>,
    ) -> Result<Self, PolicyError> {
        if let Some(name) = self.ext_names.iter().find(|n| !ext.binds(n)) {
            return Err(unbound_ext(name));
        }
        self.ext = Some(ExtBinding(ext));
        Ok(self)
    }

    /// An error when the policy has an `ext:` detector and no function is bound to it: what
    /// a front end calls when it loads a policy without detectors of the caller's own.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the first unbound `ext:` detector.
    pub fn require_detectors_bound(&self) -> Result<(), PolicyError> {
        match (&self.ext, self.ext_names.first()) {
            (None, Some(name)) => Err(unbound_ext(name)),
            _ => Ok(()),
        }
    }

    /// Says that the host has registered this policy's plugins and runs them on every record
    /// (between [`crate::Run::admit`] and [`crate::Run::admitted`]). Without it, a policy
    /// with plugins quarantines every record (`plugin_unavailable`).
    #[must_use]
    pub fn with_plugins_attached(mut self) -> Self {
        self.plugins_attached = true;
        self
    }
}

fn unbound_ext(name: &str) -> PolicyError {
    PolicyError::new(
        ErrorKind::Detector,
        alloc::format!("the detector `ext:{name}` has no function bound to it"),
    )
    .help(alloc::format!(
        "bind one when loading the policy: Python `Policy.from_file(path, detectors={{\"{name}\": fn}})`, Node `Policy.fromToml(text, {{ detectors: {{ {name}: fn }} }})`, Rust `policy.with_detectors(...)`; the CLI and the plugin host cannot run `ext:` detectors"
    ))
}

/// The functions bound to a policy's `ext:` detectors (shown by name only).
#[derive(Clone)]
pub(crate) struct ExtBinding(pub(crate) alloc::sync::Arc<dyn crate::detect::ExtDetect>);

impl core::fmt::Debug for ExtBinding {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ExtBinding")
    }
}

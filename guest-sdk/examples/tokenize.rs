//! A company-specific tokenizer (contract 0.2, the world `transformer`): each value becomes
//! `tok_` and 16 hex digits of a keyed FNV-1a hash, keyed by `config = { salt = "..." }`, so
//! the same customer id gives the same token across records and batches. Used by rules as
//! `action = "plugin:tokenize"`. With `config = { replacement = "..." }` every value becomes
//! that text instead: `bench/run` measures it against the built-in `replace` rule that writes
//! the same bytes.
//!
//! (A real tokenizer would use a vault or a MAC; this one shows the shape, not the
//! cryptography.)

use std::sync::OnceLock;

use tamis_guest::Transformer;

struct Tokenize;

/// The config: the salt and the fixed replacement, if any (read once per instance: each batch
/// gets a fresh one).
struct Config {
    salt: Vec<u8>,
    replacement: Option<String>,
}

static CONFIG: OnceLock<Result<Config, String>> = OnceLock::new();

fn config(text: &str) -> Result<&Config, String> {
    CONFIG
        .get_or_init(|| {
            let config: serde_json::Value =
                serde_json::from_str(text).map_err(|_| "config is not JSON".to_owned())?;
            let text = |key: &str| config.get(key).and_then(|v| v.as_str()).map(str::to_owned);
            Ok(Config {
                salt: text("salt").unwrap_or_default().into_bytes(),
                replacement: text("replacement"),
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

impl Transformer for Tokenize {
    const NAME: &'static str = "tokenize";
    const VERSION: &'static str = "1.0.0";

    fn transform(config_text: &str, value: &str) -> Result<String, String> {
        let config = config(config_text)?;
        if let Some(r) = &config.replacement {
            return Ok(r.clone());
        }
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in config.salt.iter().chain(value.as_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(format!("tok_{h:016x}"))
    }
}

tamis_guest::export_transformer!(Tokenize);

//! A transformer that misbehaves on purpose, one way per `config = { mode = "..." }`, for the
//! host's tests: `echo` (writes back what it was given), `upper` (the same in capitals),
//! `email` (writes an email address), `short` (one answer too few), `panic` (traps), `error`
//! (fails with the value in its message), `spin` (never returns), `log` (logs each value,
//! then answers `ok`), `big` (answers longer than the default `max_string_bytes`, 1 MiB).

use tamis_guest::{Level, Transformer, log};

struct Misbehave;

fn mode(config: &str) -> String {
    serde_json::from_str::<serde_json::Value>(config)
        .ok()
        .and_then(|c| c.get("mode").and_then(|m| m.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

impl Transformer for Misbehave {
    const NAME: &'static str = "misbehave";
    const VERSION: &'static str = "1.0.0";

    #[expect(clippy::panic, reason = "the `panic` mode traps on purpose")]
    fn transform(config: &str, value: &str) -> Result<String, String> {
        Ok(match mode(config).as_str() {
            "echo" => value.to_owned(),
            "upper" => value
                .to_uppercase()
                .chars()
                .flat_map(|c| [c, ' '])
                .collect(),
            "email" => format!("someone.{}@example.com", value.len()),
            "panic" => panic!("no"),
            "error" => return Err(format!("cannot transform {value}")),
            #[expect(clippy::empty_loop, reason = "the point of the mode")]
            "spin" => loop {},
            "log" => {
                log(Level::Info, &format!("transforming {value}"));
                log(Level::Info, "batch ok");
                "ok".to_owned()
            }
            "big" => "x".repeat((1 << 20) + 1),
            _ => "tok".to_owned(),
        })
    }

    fn transform_all(config: &str, values: Vec<String>) -> Result<Vec<String>, String> {
        let mut out: Vec<String> = values
            .iter()
            .map(|v| Self::transform(config, v))
            .collect::<Result<_, _>>()?;
        if mode(config) == "short" {
            out.pop();
        }
        Ok(out)
    }
}

tamis_guest::export_transformer!(Misbehave);

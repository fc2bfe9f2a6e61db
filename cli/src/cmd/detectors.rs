//! `tamis detectors`: the detector catalog (type, group, validator, the shape of a match and
//! where its format is published). Never a value: examples are shapes in words.

use std::fmt::Write as _;

use crate::Fail;

#[derive(Debug, clap::Args)]
pub(crate) struct DetectorsArgs {
    /// Only this group (secrets, national_id, financial, crypto, network, contact).
    #[arg(long, value_name = "NAME")]
    pub(crate) group: Option<String>,
    /// JSON Lines, one object per type, instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

pub(crate) fn run(args: &DetectorsArgs) -> Result<u8, Fail> {
    let groups: Vec<&str> = tamis_core::detector_groups().collect();
    if let Some(g) = &args.group
        && !groups.contains(&g.as_str())
    {
        return Err(Fail::usage(format!(
            "error: unknown group `{g}`\n  help: groups are {}",
            groups.join(", ")
        )));
    }
    let types: Vec<_> = tamis_core::detector_types()
        .filter(|t| args.group.as_deref().is_none_or(|g| t.group == Some(g)))
        .collect();
    let mut out = String::new();
    if args.json {
        for t in &types {
            let v = serde_json::json!({
                "name": t.name,
                "group": t.group,
                "validator": t.validator,
                "context": t.context,
                "keywords": t.keywords,
                "example": t.example,
                "source": t.source,
                "builtin": t.builtin,
                "default": t.default,
            });
            let _ = writeln!(out, "{v}");
        }
    } else {
        let w = types.iter().map(|t| t.name.len()).max().unwrap_or(4).max(4);
        let _ = writeln!(
            out,
            "{:w$}  {:11}  {:23}  shape",
            "type", "group", "validator"
        );
        for t in &types {
            let validator = t.validator.unwrap_or(if t.context.is_empty() {
                "-"
            } else {
                "context words"
            });
            let _ = writeln!(
                out,
                "{:w$}  {:11}  {:23}  {}",
                t.name,
                t.group.unwrap_or("-"),
                validator,
                t.example
            );
        }
        let _ = write!(
            out,
            "{} types ({} hand-written scanners, {} catalog entries)",
            types.len(),
            types.iter().filter(|t| t.builtin).count(),
            types.iter().filter(|t| !t.builtin).count()
        );
    }
    crate::say(out.trim_end())?;
    Ok(0)
}

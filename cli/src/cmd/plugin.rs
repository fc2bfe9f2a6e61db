//! `tamis plugin check`, and `tamis apply` for policies with `[[plugin]]` (through
//! `tamis_host::Pipeline`, in batches).

use std::path::{Path, PathBuf};

use tamis_core::{Context, Policy};

use crate::Fail;

/// Records per plugin call.
#[cfg(feature = "plugins")]
const BATCH: usize = 256;

#[cfg(feature = "plugins")]
pub(crate) fn check(file: &Path) -> Result<u8, Fail> {
    let bytes = std::fs::read(file).map_err(|e| Fail::io("read the plugin", file, &e))?;
    let host = tamis_host::Host::global().map_err(|e| Fail::policy(format!("error: {e}")))?;
    let plugin = host
        .register(
            "check",
            &bytes,
            b"{}".to_vec(),
            tamis_host::Limits::default(),
            tamis_host::OnError::Drop,
        )
        .map_err(|e| Fail::policy(format!("error: {}: {e}", file.display())))?;
    let out = serde_json::json!({
        "file": file.display().to_string(),
        "name": plugin.name(),
        "version": plugin.version(),
        "bytes": bytes.len(),
        "exports": plugin.exports(),
        "imports": plugin.imports(),
        "detect": plugin.has_detect(),
        "transform": plugin.has_transform(),
        "filter": plugin.is_filter(),
    });
    crate::say(&serde_json::to_string_pretty(&out).unwrap_or_default())?;
    Ok(0)
}

#[cfg(feature = "plugins")]
pub(crate) fn apply(
    policy: Policy,
    policy_path: &Path,
    ctx: &Context,
    files: &[PathBuf],
    args: &crate::RunArgs,
) -> Result<u8, Fail> {
    use std::io::{BufWriter, Write};

    use tamis_core::Report;
    use tamis_host::{Line, Pipeline};

    use crate::io::{for_each_input, read_line_bounded};

    let base = policy_path.parent().unwrap_or(Path::new("."));
    let pipeline = Pipeline::new(policy, base).map_err(|e| Fail::policy(format!("error: {e}")))?;
    let policy = pipeline.policy();
    // Guest code runs on the thread that applies (a thread with a large stack), not on a worker
    // woken for each batch.
    let apply = || -> Result<Report, Fail> {
        let mut run = policy.run(ctx.clone());
        let max = policy.limits().json_text_bound();
        let stdout = std::io::stdout();
        let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
        let mut buf = Vec::with_capacity(1 << 16);
        let mut log = |line: &str| eprintln!("{line}");
        let mut n = 0u64;
        for_each_input(files, |input| {
            let mut line = Vec::with_capacity(4096);
            loop {
                // Read a batch: owned texts first, then the lines that borrow them.
                let mut texts: Vec<(u64, Result<String, tamis_core::Quarantine>)> = Vec::new();
                while texts.len() < BATCH {
                    let Some(too_long) = read_line_bounded(input, &mut line, max)? else {
                        break;
                    };
                    n += 1;
                    let text = if too_long {
                        Err(tamis_core::Quarantine::TooLarge)
                    } else {
                        String::from_utf8(std::mem::take(&mut line))
                            .map_err(|_| tamis_core::Quarantine::InvalidJson)
                    };
                    texts.push((n, text));
                }
                if texts.is_empty() {
                    return Ok(());
                }
                let lines: Vec<(u64, Line<'_>)> = texts
                    .iter()
                    .map(|(n, t)| match t {
                        Ok(text) => (*n, Line::Text(text)),
                        Err(q) => (*n, Line::Unreadable(*q)),
                    })
                    .collect();
                buf.clear();
                pipeline
                    .apply_lines(&lines, &mut run, &mut buf, &mut log)
                    .map_err(|e| Fail {
                        code: 1,
                        message: format!("error: {e}"),
                    })?;
                out.write_all(&buf).map_err(|e| Fail::out(&e))?;
            }
        })?;
        out.flush().map_err(|e| Fail::out(&e))?;
        Ok(run.report())
    };
    let report = tamis_host::on_plugin_thread(apply).unwrap_or_else(|| {
        Err(Fail {
            code: 1,
            message: "error: internal error: the thread applying the policy stopped".into(),
        })
    })?;
    super::finish(args, ctx, &report)?;
    Ok(0)
}

#[cfg(not(feature = "plugins"))]
pub(crate) fn check(_file: &Path) -> Result<u8, Fail> {
    Err(Fail::usage(
        "error: this tamis was built without plugins (cargo feature `plugins`)",
    ))
}

#[cfg(not(feature = "plugins"))]
pub(crate) fn apply(
    _policy: Policy,
    _policy_path: &Path,
    _ctx: &Context,
    _files: &[PathBuf],
    _args: &crate::RunArgs,
) -> Result<u8, Fail> {
    Err(Fail::policy(
        "error: the policy has [[plugin]] and this tamis was built without plugins (cargo \
         feature `plugins`); it will not apply the policy without them",
    ))
}

//! `tamis`: apply, check, explain and test privacy policies from the command line.
//!
//! Exit codes: 0 done (quarantined lines included), 1 invalid policy or failing `test`, 2 usage,
//! 3 input/output error. Diagnostics go to stderr and never quote input data.
#![expect(clippy::print_stderr, reason = "a command line prints its diagnostics")]

mod explain;
mod plugin_cmd;
mod summarize_cmd;
mod test_cmd;

use std::fs;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tamis_core::model::ContextDoc;
use tamis_core::{Context, Disposition, Policy, Quarantine, Run, quarantine_marker};

/// An allocation the system cannot serve is served from a reserve and quarantines the record
/// it happened in (`out_of_memory`) instead of aborting the process (see `tamis-reserve`).
#[global_allocator]
static ALLOC: tamis_reserve::Reserve<std::alloc::System> =
    tamis_reserve::Reserve::new(std::alloc::System);

/// tamis: one policy file says what may leave a pipeline, in what form.
#[derive(Debug, Parser)]
#[command(name = "tamis", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply a policy to records (JSON Lines, one JSON document, or text lines) and write them
    /// to stdout.
    Apply(ApplyArgs),
    /// Check that a policy is valid.
    Check(PolicyArg),
    /// Print, as JSON, which rule and action apply where and how often (never values).
    Explain(ExplainArgs),
    /// Run the policy's `[[test]]` cases and list rules no case exercised.
    Test(PolicyArg),
    /// Summarise JSON Lines records: one summary object per path a `[[summarize]]` rule
    /// selects (statistics with privacy rules, never raw values).
    Summarize(SummarizeArgs),
    /// Filter plugins (WebAssembly components of `wit/tamis-filter.wit`).
    #[command(subcommand)]
    Plugin(PluginCommand),
}

#[derive(Debug, Subcommand)]
enum PluginCommand {
    /// Validate a plugin as `[[plugin]]` would load it and print what it exports (JSON).
    Check {
        /// The component file.
        file: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct SummarizeArgs {
    /// The policy file (`.toml`, or `.json` for the JSON form).
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// The context as JSON: `{"roles":["viewer"],"purpose":"debugging","type":"trace"}`.
    #[arg(long, value_name = "JSON")]
    context: Option<String>,
    /// The time to apply retention at, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Write the report (JSON, counts only) to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// JSON Lines input files (default: stdin).
    files: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct PolicyArg {
    /// The policy file (`.toml`, or `.json` for the JSON form).
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// One JSON document per line; one output line per input line.
    Jsonl,
    /// One JSON document per file.
    Json,
    /// Free text; detectors and patterns mask each line.
    Text,
}

#[derive(Debug, clap::Args)]
struct ApplyArgs {
    /// The policy file (`.toml`, or `.json` for the JSON form).
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// The context as JSON: `{"roles":["viewer"],"purpose":"debugging","type":"trace"}`.
    #[arg(long, value_name = "JSON")]
    context: Option<String>,
    /// The time to apply at, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Write the report (JSON, counts only) to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Input format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// Input files (default: stdin).
    files: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ExplainArgs {
    /// The policy file (`.toml`, or `.json` for the JSON form).
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// JSON Lines files to count hits over (optional).
    files: Vec<PathBuf>,
}

/// A failure that ends the command: its exit code and what to print.
#[derive(Debug)]
pub(crate) struct Fail {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Fail {
    pub(crate) fn policy(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }
    pub(crate) fn io(what: &str, path: &Path, e: &io::Error) -> Self {
        // The OS error names the problem; it never holds record data.
        Self {
            code: 3,
            message: format!("error: cannot {what} `{}`: {e}", path.display()),
        }
    }
    pub(crate) fn out(e: &io::Error) -> Self {
        Self {
            code: 3,
            message: format!("error: cannot write the output: {e}"),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Apply(args) => apply(&args),
        Command::Check(args) => check(&args.policy),
        Command::Explain(args) => explain::run(&args.policy, &args.files),
        Command::Test(args) => test_cmd::run(&args.policy),
        Command::Summarize(args) => summarize_cmd::run(&args),
        Command::Plugin(PluginCommand::Check { file }) => plugin_cmd::check(&file),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("{}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

/// Reads and compiles a policy file; the format follows the extension.
pub(crate) fn load_policy(path: &Path) -> Result<Policy, Fail> {
    let text = fs::read_to_string(path).map_err(|e| Fail::io("read the policy", path, &e))?;
    let name = path.display().to_string();
    let compiled = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        Policy::from_json(&text)
    } else {
        Policy::from_toml(&text)
    };
    compiled.map_err(|e| Fail::policy(e.with_file(name).to_string()))
}

/// Gives the policy the key material its `hash` rules need, from the environment.
pub(crate) fn bind_keys_from_env(mut policy: Policy) -> Result<Policy, Fail> {
    let needed: Vec<(String, String)> = policy
        .required_keys()
        .map(|(n, env, _)| (n.to_owned(), env.to_owned()))
        .collect();
    for (name, env) in needed {
        let Some(material) = std::env::var_os(&env).filter(|v| !v.is_empty()) else {
            return Err(Fail::policy(format!(
                "error[key]: key `{name}` needs its material in the environment variable `{env}`, \
                 which is not set\n  help: export {env}=<a secret of at least 16 bytes>"
            )));
        };
        policy = policy
            .with_key(&name, material.as_encoded_bytes())
            .map_err(|e| Fail::policy(e.to_string()))?;
    }
    Ok(policy)
}

pub(crate) fn parse_context(json: Option<&str>) -> Result<Context, Fail> {
    let Some(json) = json else {
        return Ok(Context::default());
    };
    let doc: ContextDoc = serde_json::from_str(json).map_err(|e| {
        // Where and what kind of mistake, never the text: a context can hold anything.
        let full = e.to_string();
        let what = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m);
        Fail::usage(format!(
            "error: `--context` is not a valid context (line {}, column {}: {})\n  help: pass \
             JSON such as '{{\"roles\":[\"viewer\"],\"purpose\":\"debugging\",\"type\":\"trace\"}}'",
            e.line(),
            e.column(),
            tamis_core::without_input(what)
        ))
    })?;
    Ok(Context::from(doc))
}

pub(crate) fn parse_now(now: Option<&str>) -> Result<i64, Fail> {
    match now {
        // Never quoted back: arguments can hold anything.
        Some(s) => tamis_core::time::parse_rfc3339(s).ok_or_else(|| {
            Fail::usage(
                "error: `--now` is not an RFC 3339 time\n  help: write it as 2024-03-05T10:20:30Z",
            )
        }),
        None => {
            let since = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|_| Fail::usage("error: the system clock is before 1970"))?;
            Ok(i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
        }
    }
}

/// Opens each input in turn (stdin when there are none) and hands it to `f`.
pub(crate) fn for_each_input(
    files: &[PathBuf],
    mut f: impl FnMut(&mut dyn BufRead) -> Result<(), Fail>,
) -> Result<(), Fail> {
    if files.is_empty() {
        let stdin = io::stdin();
        return f(&mut stdin.lock());
    }
    for path in files {
        let file = fs::File::open(path).map_err(|e| Fail::io("open the input", path, &e))?;
        f(&mut BufReader::with_capacity(1 << 16, file))?;
    }
    Ok(())
}

fn read_err(e: &io::Error) -> Fail {
    Fail {
        code: 3,
        message: format!("error: cannot read the input: {e}"),
    }
}

fn apply(args: &ApplyArgs) -> Result<u8, Fail> {
    let policy = bind_keys_from_env(load_policy(&args.policy)?)?;
    let mut ctx = parse_context(args.context.as_deref())?;
    ctx.now = Some(parse_now(args.now.as_deref())?);
    if !policy.plugins().is_empty() {
        if !matches!(args.format, Format::Jsonl) {
            return Err(Fail::usage(
                "error: plugins filter records: a policy with [[plugin]] applies to JSON Lines \
                 (--format jsonl)",
            ));
        }
        return plugin_cmd::apply(
            policy,
            &args.policy,
            &ctx,
            &args.files,
            args.report.as_deref(),
        );
    }
    let mut run = policy.run(ctx.clone());
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    // Input is read with a bound, so no input can make tamis buffer without limit: a JSON line
    // longer than 8 times `max_record_bytes` (core's own pre-parse bound) is quarantined unread,
    // and text held back longer than `max_string_bytes` becomes `[tamis:too_large]`.
    let max_line = max_json_line(&policy);
    for_each_input(&args.files, |input| {
        match args.format {
            Format::Jsonl => apply_json_lines(&mut run, input, |bytes| {
                out.write_all(bytes).map_err(|e| Fail::out(&e))
            })?,
            Format::Json => {
                let mut bytes = Vec::new();
                buf.clear();
                let too_large = read_all_bounded(input, &mut bytes, max_line)?;
                let text = if too_large {
                    None
                } else {
                    std::str::from_utf8(&bytes).ok()
                };
                match text {
                    // The masked document, or its quarantine marker (invalid JSON, out of memory).
                    Some(t) => {
                        if let Disposition::Dropped(_) = run.json_doc(t, &mut buf) {
                            // Dropped by access or retention: nothing is written.
                            return Ok(());
                        }
                    }
                    None => {
                        run.tally_mut().count_quarantined_input();
                        let reason = if too_large {
                            Quarantine::TooLarge
                        } else {
                            Quarantine::InvalidJson
                        };
                        write_marker(&mut buf, None, reason);
                    }
                }
                buf.push(b'\n');
                out.write_all(&buf).map_err(|e| Fail::out(&e))?;
            }
            Format::Text => {
                // Masked as one text, as it arrives: a finding may span lines (a PEM block), so
                // lines are held until no finding can reach past them (see `TextStream`).
                // Invalid UTF-8 is replaced, never passed through unscanned.
                let mut stream = policy.text_stream(&ctx);
                let mut masked = String::new();
                let mut ended_line = true;
                loop {
                    let chunk = input.fill_buf().map_err(|e| read_err(&e))?;
                    if chunk.is_empty() {
                        break;
                    }
                    let n = chunk.len();
                    masked.clear();
                    stream.push_bytes(chunk, &mut masked);
                    input.consume(n);
                    if !masked.is_empty() {
                        ended_line = masked.ends_with('\n');
                        out.write_all(masked.as_bytes())
                            .map_err(|e| Fail::out(&e))?;
                    }
                }
                masked.clear();
                stream.finish(&mut masked);
                if !masked.is_empty() {
                    ended_line = masked.ends_with('\n');
                }
                // Each input ends with a line break, as a line-oriented tool writes it.
                if !ended_line {
                    masked.push('\n');
                }
                out.write_all(masked.as_bytes())
                    .map_err(|e| Fail::out(&e))?;
                run.tally_mut().absorb(stream.tally());
            }
        }
        Ok(())
    })?;
    out.flush().map_err(|e| Fail::out(&e))?;
    if let Some(path) = &args.report {
        let report = run.report();
        let json = serde_json::to_string_pretty(&report).unwrap_or_default();
        fs::write(path, json + "\n").map_err(|e| Fail::io("write the report", path, &e))?;
    }
    Ok(0)
}

/// The longest JSON line tamis reads: core quarantines a longer one without parsing it (8 times
/// `max_record_bytes`), so there is no point in buffering more.
pub(crate) fn max_json_line(policy: &Policy) -> usize {
    usize::try_from(policy.limits().max_record_bytes.saturating_mul(8)).unwrap_or(usize::MAX)
}

/// Applies the policy to each line of a JSON Lines input and hands each output line (with its
/// newline) to `emit`: the masked record, or a quarantine marker for a line that is not UTF-8,
/// not JSON, or too long.
pub(crate) fn apply_json_lines(
    run: &mut Run<'_>,
    input: &mut dyn BufRead,
    mut emit: impl FnMut(&[u8]) -> Result<(), Fail>,
) -> Result<(), Fail> {
    let max = max_json_line(run.policy());
    let mut line = Vec::with_capacity(4096);
    let mut buf = Vec::with_capacity(4096);
    let mut n = 0u64;
    while let Some(too_long) = read_line_bounded(input, &mut line, max)? {
        n += 1;
        buf.clear();
        match (too_long, std::str::from_utf8(&line)) {
            (false, Ok(text)) => {
                if let Disposition::Dropped(_) = run.json_line(text, n, &mut buf) {
                    // Dropped by access or retention: nothing is written; the report counts it.
                    continue;
                }
            }
            (too_long, _) => {
                run.tally_mut().count_quarantined_input();
                let reason = if too_long {
                    Quarantine::TooLarge
                } else {
                    Quarantine::InvalidJson
                };
                write_marker(&mut buf, Some(n), reason);
            }
        }
        buf.push(b'\n');
        emit(&buf)?;
    }
    Ok(())
}

fn write_marker(buf: &mut Vec<u8>, line: Option<u64>, reason: Quarantine) {
    let _ = serde_json::to_writer(buf, &quarantine_marker(line, reason));
}

/// Reads one line into `line` without its `\n` (or `\r\n`), keeping at most `max` bytes.
/// Returns `None` at the end of input, `Some(true)` when the line could not be taken whole: it is
/// longer than `max`, or the memory to hold it could not be had (the buffer grows with
/// `try_reserve`, so a line that does not fit in memory is quarantined instead of aborting the
/// process). The rest of such a line is read and discarded.
pub(crate) fn read_line_bounded(
    input: &mut dyn BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> Result<Option<bool>, Fail> {
    line.clear();
    let mut any = false;
    loop {
        let chunk = input.fill_buf().map_err(|e| read_err(&e))?;
        if chunk.is_empty() {
            // The end of input: the last line may lack its newline.
            return Ok(any.then_some(false));
        }
        any = true;
        let (part, ends) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (chunk.get(..i).unwrap_or(chunk), true),
            None => (chunk, false),
        };
        let fits = line.len() + part.len() <= max && line.try_reserve(part.len()).is_ok();
        if !fits {
            line.clear();
            line.shrink_to_fit();
            discard_line(input)?;
            return Ok(Some(true));
        }
        line.extend_from_slice(part);
        let used = part.len() + usize::from(ends);
        input.consume(used);
        if ends {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(false));
        }
    }
}

/// Reads the whole input into `bytes`, at most `max` bytes; `true` when it could not be taken
/// whole (longer than `max`, or no memory to hold it: the buffer grows with `try_reserve`). The
/// rest is read and dropped.
fn read_all_bounded(
    input: &mut dyn BufRead,
    bytes: &mut Vec<u8>,
    max: usize,
) -> Result<bool, Fail> {
    let mut whole = true;
    loop {
        let chunk = input.fill_buf().map_err(|e| read_err(&e))?;
        if chunk.is_empty() {
            return Ok(!whole);
        }
        let len = chunk.len();
        if whole {
            if bytes.len() + len <= max && bytes.try_reserve(len).is_ok() {
                bytes.extend_from_slice(chunk);
            } else {
                whole = false;
                bytes.clear();
                bytes.shrink_to_fit();
            }
        }
        input.consume(len);
    }
}

/// Reads and drops input up to and including the next `\n`.
fn discard_line(input: &mut dyn BufRead) -> Result<(), Fail> {
    loop {
        let chunk = input.fill_buf().map_err(|e| read_err(&e))?;
        if chunk.is_empty() {
            return Ok(());
        }
        if let Some(i) = memchr::memchr(b'\n', chunk) {
            input.consume(i + 1);
            return Ok(());
        }
        let len = chunk.len();
        input.consume(len);
    }
}

/// Writes a line to stdout: a closed or full stdout is an output error (exit 3), never a panic.
pub(crate) fn say(line: &str) -> Result<(), Fail> {
    let mut out = io::stdout().lock();
    out.write_all(line.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(|e| Fail::out(&e))
}

fn check(path: &Path) -> Result<u8, Fail> {
    let policy = load_policy(path)?;
    let doc = policy.document();
    say(&format!(
        "ok: policy `{}` ({} rules, {} tests), id {}",
        policy.name(),
        doc.rules.len(),
        doc.tests.len(),
        policy.id()
    ))?;
    for (name, env, id) in policy.required_keys() {
        say(&format!(
            "key `{name}` (id `{id}`) is read from the environment variable `{env}`"
        ))?;
    }
    Ok(0)
}

//! `tamis`: apply, check, explain, test and compare privacy policies from the command line, and
//! serve the playground.
//!
//! Exit codes: 0 done (quarantined lines included), 1 invalid policy or failing `test`, 2 usage,
//! 3 input/output error, 4 `diff` found a weaker change. Diagnostics go to stderr and never quote input data.
#![expect(clippy::print_stderr, reason = "a command line prints its diagnostics")]

mod cmd;
mod io;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

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
    /// List the detector types (built-in scanners and the catalog): type, group, validator
    /// and the shape of a match; never a value.
    Detectors(cmd::detectors::DetectorsArgs),
    /// Run the policy's `[[test]]` cases and list rules no case exercised.
    Test(PolicyArg),
    /// Summarise JSON Lines records: one summary object per path a `[[summarize]]` rule
    /// selects (statistics with privacy rules, never raw values).
    Summarize(SummarizeArgs),
    /// What changed between two policies, each change `weaker`, `stronger` or `neutral`; with
    /// `--sample`, how many values of those records NEW protects less. Exit 4 when anything is
    /// weaker (a CI gate), 0 when not.
    Diff(cmd::diff::DiffArgs),
    /// Turn the output of `encrypt`, `fpe` and `shift_date` back into the values, for a context
    /// the policy's `[reveal]` section allows (JSON Lines in, JSON Lines out).
    Reveal(cmd::reveal::RevealArgs),
    /// Serve the playground on 127.0.0.1: a page that applies a policy to records as you edit
    /// them, in the browser (nothing leaves the page).
    Playground(cmd::playground::PlaygroundArgs),
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

/// What `apply` and `summarize` share: the policy, who the output is for, when, and the report.
#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// The policy file (`.toml`, or `.json` for the JSON form).
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: PathBuf,
    /// The context as JSON: `{"roles":["viewer"],"purpose":"debugging","type":"trace"}`.
    #[arg(long, value_name = "JSON")]
    pub(crate) context: Option<String>,
    /// The time to apply at, RFC 3339; retention counts from it (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub(crate) now: Option<String>,
    /// Write the report (JSON, counts only) to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) report: Option<PathBuf>,
    /// Append one audit event (JSON Lines: policy, time, context roles and purpose, counts;
    /// never a value or a token) to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) audit: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SummarizeArgs {
    #[command(flatten)]
    pub(crate) run: RunArgs,
    /// JSON Lines input files (default: stdin).
    pub(crate) files: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct PolicyArg {
    /// The policy file (`.toml`, or `.json` for the JSON form).
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    /// One JSON document per line; one output line per input line.
    Jsonl,
    /// One JSON document per file.
    Json,
    /// Free text; detectors and patterns mask each line.
    Text,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ApplyArgs {
    #[command(flatten)]
    pub(crate) run: RunArgs,
    /// Input format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub(crate) format: Format,
    /// Input files (default: stdin).
    pub(crate) files: Vec<PathBuf>,
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
    pub(crate) fn io(what: &str, path: &Path, e: &std::io::Error) -> Self {
        // The OS error names the problem; it never holds record data.
        Self {
            code: 3,
            message: format!("error: cannot {what} `{}`: {e}", path.display()),
        }
    }
    pub(crate) fn out(e: &std::io::Error) -> Self {
        Self {
            code: 3,
            message: format!("error: cannot write the output: {e}"),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Apply(args) => cmd::apply::run(&args),
        Command::Check(args) => cmd::check::run(&args.policy),
        Command::Explain(args) => cmd::explain::run(&args.policy, &args.files),
        Command::Test(args) => cmd::test::run(&args.policy),
        Command::Detectors(args) => cmd::detectors::run(&args),
        Command::Summarize(args) => cmd::summarize::run(&args),
        Command::Diff(args) => cmd::diff::run(&args),
        Command::Reveal(args) => cmd::reveal::run(&args),
        Command::Playground(args) => cmd::playground::run(&args),
        Command::Plugin(PluginCommand::Check { file }) => cmd::plugin::check(&file),
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

/// Writes a line to stdout: a closed or full stdout is an output error (exit 3), never a panic.
pub(crate) fn say(line: &str) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    out.write_all(line.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(|e| Fail::out(&e))
}

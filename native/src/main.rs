//! `pkglens`: list and check the package sets described by Python and rez files.

use anyhow::Context;
use clap::{Args, CommandFactory, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pkglens_cli::output::{Destination, ScanFormat, ScanWriter};
use pkglens_cli::read::{display_path, parse_bytes, read_and_parse};
use pkglens_cli::style::{self, ColorChoice, Style};
use pkglens_cli::walk::{walk, Found};
use pkglens_core::parallel::{ordered_map, CancelFlag, Executor, Jobs, Order, OrderedOptions};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pkglens",
    version,
    about = "Reads the package and dependency files of the Python and rez ecosystems, \
             thousands at a time, and shows the package set they describe.",
    after_help = "Examples:\n  pkglens scan examples/\n  pkglens scan --format ndjson /studio/rez/packages | jq .path\n  pkglens completions bash > /etc/bash_completion.d/pkglens"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List every package and requirement found under the paths.
    #[command(
        after_help = "Examples:\n  pkglens scan examples/\n  pkglens scan --format json -o scan.json site-packages/\n  cat PKG-INFO | pkglens scan -"
    )]
    Scan(ScanArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  pkglens completions bash > ~/.local/share/bash-completion/completions/pkglens"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Args)]
struct Common {
    /// Worker threads: a number, or `auto` for one per core.
    #[arg(short, long, default_value = "auto", value_name = "N|auto")]
    jobs: Jobs,
    /// Yield results as they finish instead of in input order (faster first results, not
    /// deterministic).
    #[arg(long)]
    unordered: bool,
    /// Write output to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print nothing but the results.
    #[arg(short, long)]
    quiet: bool,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Stop at the first file that fails to parse (exit 1).
    #[arg(long)]
    fail_fast: bool,
}

#[derive(Args)]
struct ScanArgs {
    /// Files or directories to read; `-` reads one file from standard input. Default: `.`.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    format: ScanFormat,
    #[command(flatten)]
    common: Common,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan(args),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "pkglens",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("pkglens: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// The unit of work: one file from the walk, or standard input already read.
enum Work {
    Found(Found),
    Stdin(Vec<u8>),
}

fn scan(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let executor = Executor::for_jobs(common.jobs).context("cannot start worker threads")?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };

    // Discover first (in parallel, deterministic), then read and parse through the window.
    let mut work = Vec::new();
    let mut missing = Vec::new();
    for path in &paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("cannot read standard input")?;
            work.push(Work::Stdin(bytes));
            continue;
        }
        if !path.exists() {
            missing.push(display_path(path));
            continue;
        }
        let found = executor.install(|| walk(path));
        work.extend(found.into_iter().map(Work::Found));
    }
    if !missing.is_empty() {
        anyhow::bail!(
            "no such file or directory: {} (give a directory, a file, or `-` for standard input)",
            missing.join(", ")
        );
    }

    let progress = progress_bar(work.len() as u64, common);
    let out = match &common.output {
        Some(path) => Destination::file(path)
            .with_context(|| format!("cannot write to {}", path.display()))?,
        None => Destination::stdout(),
    };
    let to_terminal = common.output.is_none() && style::stdout_is_terminal();
    let style = Style::new(common.color, to_terminal);
    let mut writer = ScanWriter::new(args.format, out, style)?;

    let window = (executor.threads() * 16).max(64);
    let cancel = CancelFlag::new();
    let options = OrderedOptions {
        window,
        order: if common.unordered {
            Order::Completion
        } else {
            Order::Input
        },
        executor,
        cancel: cancel.clone(),
        chunk: 0,
    };
    let results = ordered_map(
        work,
        |work| match work {
            Work::Found(found) => read_and_parse(found),
            Work::Stdin(bytes) => parse_bytes("-", None, &bytes),
        },
        options,
    );
    let mut failed = false;
    for (record, error) in results {
        progress.inc(1);
        writer.record(&record, error.as_ref())?;
        if common.fail_fast && record.status == pkglens_core::Status::Error {
            failed = true;
            cancel.cancel();
            if let Some(err) = &error {
                progress.suspend(|| {
                    eprintln!("pkglens: stopping at the first error (--fail-fast):\n{err}")
                });
            }
            break;
        }
    }
    progress.finish_and_clear();
    let summary = writer.finish().context("cannot write the output")?;
    if !common.quiet && common.output.is_some() {
        eprintln!(
            "pkglens: wrote {} records to {}",
            summary.files,
            common
                .output
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A progress bar on a terminal's standard error; hidden when piped, quiet or asked.
fn progress_bar(len: u64, common: &Common) -> ProgressBar {
    if common.quiet || common.no_progress || !style::stderr_is_terminal() || len < 1000 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} files {wide_bar} {per_sec} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

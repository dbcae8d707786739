//! `pkglens`: list and check the package sets described by Python and rez files.

/// Many threads allocate and free small strings at once: glibc's allocator serialises them on
/// its arena locks (measured in `docs/benchmarks.md`); mimalloc keeps a heap per thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::Context;
use clap::{Args, CommandFactory, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pkglens_cli::commands::{self, GraphFormat, ReportFormat};
use pkglens_cli::output::{Destination, Prepared, ScanFormat, ScanWriter};
use pkglens_cli::read::{display_path, parse_bytes, read_and_parse};
use pkglens_cli::rez_closure;
use pkglens_cli::style::{self, ColorChoice, Style};
use pkglens_cli::walk::{units, Unit};
use pkglens_core::parallel::{ordered_map, CancelFlag, Executor, Jobs, Order, OrderedOptions};
use pkglens_core::report::CheckReport;
use pkglens_core::set::{PackageSet, SetOptions};
use pkglens_core::versions::pep508::TargetEnvironment;
use pkglens_core::{ParseError, Record, Status};
use rayon::prelude::*;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

/// Files of one walk unit read as one job; a unit of more is split among the workers.
const SPLIT_FILES: usize = 32;

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
    /// Find problems in the package set: missing, unsatisfied and conflicting requirements,
    /// cycles, duplicates, unreadable and dynamic files. Exits 1 if there are any.
    #[command(
        after_help = "Examples:\n  pkglens check examples/\n  pkglens check --target-python 3.9 --platform windows site-packages/\n  pkglens check --format json wheelhouse/ | jq '.problems[] | .message'"
    )]
    Check(CheckArgs),
    /// Show the dependency graph (tree, DOT, Mermaid or JSON).
    #[command(
        after_help = "Examples:\n  pkglens graph examples/site-packages\n  pkglens graph --root usd --format dot examples/rez | dot -Tpng -o usd.png\n  pkglens graph --root urllib3 --reverse examples/"
    )]
    Graph(GraphArgs),
    /// Show every chain by which a package is required.
    #[command(after_help = "Example:\n  pkglens why urllib3 examples/")]
    Why(WhyArgs),
    /// Compare two package sets: added, removed and changed packages.
    #[command(after_help = "Example:\n  pkglens diff old/site-packages new/site-packages")]
    Diff(DiffArgs),
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

#[derive(Args)]
struct TargetArgs {
    /// The Python version markers are evaluated for (X.Y or X.Y.Z). Default: this machine's
    /// `python3`, else 3.12.
    #[arg(long, value_name = "X.Y")]
    target_python: Option<String>,
    /// The platform markers are evaluated for: linux, macos or windows. Default: this machine's.
    #[arg(long, value_name = "OS")]
    platform: Option<String>,
    /// The machine markers are evaluated for (x86_64, aarch64, ...). Default: this machine's.
    #[arg(long, value_name = "ARCH")]
    machine: Option<String>,
    /// Also need this dependency group's requirements (PEP 735; repeatable; `*` for all).
    #[arg(long, value_name = "NAME")]
    group: Vec<String>,
    /// Also need the build system's requirements (a pyproject's `[build-system]`).
    #[arg(long)]
    build: bool,
}

impl TargetArgs {
    /// The target. This machine's Python is asked for only when `records` hold Python
    /// packages or requirement lists: starting an interpreter is not free.
    fn environment(&self, records: &[Record]) -> TargetEnvironment {
        let has_python = records.iter().any(|r| {
            !r.requirements.is_empty()
                || r.packages
                    .iter()
                    .any(|p| p.ecosystem == pkglens_core::Ecosystem::Python)
        });
        TargetEnvironment {
            python: self
                .target_python
                .clone()
                .or_else(|| has_python.then(pkglens_cli::os::python_version).flatten())
                .unwrap_or_else(|| "3.12".into()),
            platform: self
                .platform
                .clone()
                .unwrap_or_else(|| std::env::consts::OS.into()),
            machine: self
                .machine
                .clone()
                .unwrap_or_else(|| std::env::consts::ARCH.into()),
        }
    }
}

#[derive(Args)]
struct CheckArgs {
    /// Files or directories to read. Default: `.`.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    format: ReportFormat,
    #[command(flatten)]
    target: TargetArgs,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct GraphArgs {
    /// Files or directories to read. Default: `.`.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "tree")]
    format: GraphFormat,
    /// Start from the packages of this name (repeatable). Default: requirement files,
    /// projects, and every package nothing depends on.
    #[arg(long, value_name = "NAME")]
    root: Vec<String>,
    /// Follow dependents instead of dependencies. (Without it, `--root` in a single rez
    /// repository reads only the families the roots reach.)
    #[arg(long)]
    reverse: bool,
    /// At most this many steps from a root.
    #[arg(long, value_name = "N")]
    depth: Option<usize>,
    /// Read every file even when `--root` names families of one rez repository (the answer is
    /// the same; this is slower, and there to compare).
    #[arg(long)]
    full_scan: bool,
    #[command(flatten)]
    target: TargetArgs,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct WhyArgs {
    /// The package to explain.
    name: String,
    /// Files or directories to read. Default: `.`.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    format: ReportFormat,
    /// At most this many chains.
    #[arg(long, default_value = "100")]
    limit: usize,
    #[command(flatten)]
    target: TargetArgs,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct DiffArgs {
    /// The old set: a directory or a file.
    old: PathBuf,
    /// The new set: a directory or a file.
    new: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    format: ReportFormat,
    #[command(flatten)]
    target: TargetArgs,
    #[command(flatten)]
    common: Common,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan(args),
        Command::Check(args) => check(args),
        Command::Graph(args) => graph(args),
        Command::Why(args) => why(args),
        Command::Diff(args) => diff(args),
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
    Unit(Unit),
    Stdin(Vec<u8>),
}

/// Walks `paths` (default `.`), then reads and parses every file through the ordered window,
/// handing each record to `each` in input order. `each` returns `false` to stop early.
fn read_paths<T: Send + 'static>(
    paths: &[PathBuf],
    common: &Common,
    prepare: impl Fn(Record, Option<ParseError>) -> T + Send + Sync + 'static,
    mut each: impl FnMut(T) -> anyhow::Result<bool> + Send,
) -> anyhow::Result<()> {
    // A pool of our own even for `auto`: the consuming loop below runs on one of its workers,
    // where waiting for the next result runs queued jobs instead of sleeping (measured in
    // docs/benchmarks.md: 1.55x rayon's collect from the main thread, 1.06x from a worker).
    let jobs = match common.jobs {
        Jobs::Auto => Jobs::Exactly(
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        ),
        jobs => jobs,
    };
    let executor = Executor::for_jobs(jobs).context("cannot start worker threads")?;
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };

    // Split the walk into units (a few directory levels), then walk, read and parse the units
    // through the window: walking overlaps parsing, and the output keeps the walk's order.
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
        let target = executor.threads() * 64;
        work.extend(units(path, target).into_iter().map(Work::Unit));
    }
    if !missing.is_empty() {
        anyhow::bail!(
            "no such file or directory: {} (give a directory, a file, or `-` for standard input)",
            missing.join(", ")
        );
    }

    let progress = progress_bar(common);
    let window = (executor.threads() * 16).max(64);
    let cancel = CancelFlag::new();
    let options = OrderedOptions {
        window,
        order: if common.unordered {
            Order::Completion
        } else {
            Order::Input
        },
        executor: executor.clone(),
        cancel: cancel.clone(),
        chunk: 0,
    };
    executor.install(|| {
        let results = ordered_map(
            work,
            move |work| {
                // Each record is prepared as soon as it is parsed, so a unit holds its output
                // and never all of its records at once.
                match work {
                    Work::Unit(unit) => {
                        let found = unit.expand();
                        let read = |found| {
                            let (record, error) = read_and_parse(found);
                            prepare(record, error)
                        };
                        // A unit can hold a large share of the tree (a rez family of
                        // thousands of versions): its files are read and parsed in parallel,
                        // or the other workers sit idle once the window ahead of it is done.
                        if found.len() >= 2 * SPLIT_FILES && rayon::current_thread_index().is_some()
                        {
                            found
                                .into_par_iter()
                                .with_min_len(SPLIT_FILES)
                                .map(read)
                                .collect::<Vec<T>>()
                        } else {
                            found.into_iter().map(read).collect::<Vec<T>>()
                        }
                    }
                    Work::Stdin(bytes) => {
                        let (record, error) = parse_bytes("-", None, &bytes);
                        vec![prepare(record, error)]
                    }
                }
            },
            options,
        );
        // `inc` on a hidden bar still costs a few hundred instructions, on the thread that
        // writes every record: count only what is shown.
        let shown = !progress.is_hidden();
        'units: for items in results {
            for item in items {
                if shown {
                    progress.inc(1);
                }
                if !each(item)? {
                    cancel.cancel();
                    break 'units;
                }
            }
        }
        progress.finish_and_clear();
        Ok(())
    })
}

fn destination(common: &Common) -> anyhow::Result<Destination> {
    Ok(match &common.output {
        Some(path) => Destination::file(path)
            .with_context(|| format!("cannot write to {}", path.display()))?,
        None => Destination::stdout(),
    })
}

fn style_for(common: &Common) -> Style {
    let to_terminal = common.output.is_none() && style::stdout_is_terminal();
    Style::new(common.color, to_terminal)
}

fn scan(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let mut writer = ScanWriter::new(args.format, destination(common)?, style_for(common))?;
    let mut failed = false;
    let format = args.format;
    read_paths(
        &args.paths,
        common,
        move |record, error| Prepared::new(format, record, error),
        |prepared| {
            let status = prepared.status();
            let error = prepared.error().cloned();
            writer.write(prepared)?;
            if common.fail_fast && status == Status::Error {
                failed = true;
                if let Some(err) = &error {
                    eprintln!("pkglens: stopping at the first error (--fail-fast):\n{err}");
                }
                return Ok(false);
            }
            Ok(true)
        },
    )?;
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

/// Reads `paths` into a package set for the target environment of `target`.
fn load_set(paths: &[PathBuf], common: &Common, target: &TargetArgs) -> anyhow::Result<PackageSet> {
    let mut records = Vec::new();
    read_paths(
        paths,
        common,
        |record, _| record,
        |record| {
            records.push(record);
            Ok(true)
        },
    )?;
    let options = SetOptions {
        target: target.environment(&records),
        groups: target.group.clone(),
        build: target.build,
    };
    Ok(PackageSet::with_options(records, options))
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let set = load_set(&args.paths, common, &args.target)?;
    let report = CheckReport::new(&set);
    let mut out = destination(common)?;
    let style = style_for(common);
    commands::write_check(&mut out, &set, &report, args.format, style)?;
    out.commit().context("cannot write the output")?;
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn graph(args: GraphArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    // From named roots in one rez repository: read only the families they reach.
    let lazy = match &args.paths[..] {
        [repo]
            if !args.reverse
                && !args.full_scan
                && rez_closure::is_rez_repository(repo, &args.root) =>
        {
            Some(repo)
        }
        _ => None,
    };
    let set = match lazy {
        Some(repo) => {
            let executor =
                Executor::for_jobs(common.jobs).context("cannot start worker threads")?;
            let (records, families) = rez_closure::load_closure(repo, &args.root, executor);
            if !common.quiet && style::stderr_is_terminal() {
                eprintln!(
                    "pkglens: read {} package files of {families} families reached from {}",
                    records.len(),
                    args.root.join(", ")
                );
            }
            let options = SetOptions {
                target: args.target.environment(&records),
                groups: args.target.group.clone(),
                build: args.target.build,
            };
            PackageSet::with_options(records, options)
        }
        None => load_set(&args.paths, common, &args.target)?,
    };
    let graph = set
        .graph(&args.root, args.reverse, args.depth)
        .map_err(|e| anyhow::anyhow!("{e} (see `pkglens scan` for the names)"))?;
    let mut out = destination(common)?;
    commands::write_graph(&mut out, &graph, args.format)?;
    out.commit().context("cannot write the output")?;
    Ok(ExitCode::SUCCESS)
}

fn why(args: WhyArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let set = load_set(&args.paths, common, &args.target)?;
    let chains = set
        .why(&args.name, args.limit)
        .map_err(|e| anyhow::anyhow!("{e} (see `pkglens scan` for the names)"))?;
    let mut out = destination(common)?;
    commands::write_why(&mut out, &args.name, &chains, args.format)?;
    out.commit().context("cannot write the output")?;
    Ok(ExitCode::SUCCESS)
}

fn diff(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let old = load_set(std::slice::from_ref(&args.old), common, &args.target)?;
    let new = load_set(std::slice::from_ref(&args.new), common, &args.target)?;
    let diff = pkglens_core::set::diff(&old, &new);
    let mut out = destination(common)?;
    commands::write_diff(&mut out, &diff, args.format, style_for(common))?;
    out.commit().context("cannot write the output")?;
    Ok(ExitCode::SUCCESS)
}

/// A progress bar (a file count and rate) on a terminal's standard error; hidden when piped,
/// quiet or asked.
fn progress_bar(common: &Common) -> ProgressBar {
    if common.quiet || common.no_progress || !style::stderr_is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} files read {per_sec} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

//! Loading what the command line names: the paths are walked, and every file found is read and
//! parsed in parallel through core's ordered window, in input order (or as they finish with
//! `--unordered`), counted by a progress bar on a terminal; then, for the commands that answer
//! about a set, built into a [`PackageSet`].

use crate::cli::{Common, TargetArgs};
use crate::read::{display_path, parse_bytes, read_and_parse};
use crate::style;
use crate::walk::{units, Unit};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pkglens_core::{ordered_map, CancelFlag, Executor, Jobs, Order, OrderedOptions};
use pkglens_core::{PackageSet, SetOptions};
use pkglens_core::{ParseError, Record, Status};
use rayon::prelude::*;
use std::io::Read;
use std::path::PathBuf;

/// Files of one walk unit read as one job; a unit of more is split among the workers.
const SPLIT_FILES: usize = 32;

/// The unit of work: one file from the walk, or standard input already read.
enum Work {
    Unit(Unit),
    Stdin(Vec<u8>),
}

/// Walks `paths` (default `.`), then reads and parses every file through the ordered window,
/// handing each record to `each` in input order. `each` returns `false` to stop early.
pub fn read_paths<T: Send + 'static>(
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

/// What a set command read: every record, and whether `--fail-fast` stopped at an unreadable
/// one (already said on standard error).
pub struct Loaded {
    /// The records, in input order.
    pub records: Vec<Record>,
    /// Whether reading stopped at the first unreadable file.
    pub stopped: bool,
}

impl Loaded {
    /// The records that could not be read.
    pub fn unreadable(&self) -> impl Iterator<Item = &Record> {
        self.records.iter().filter(|r| r.status == Status::Error)
    }

    /// Says on standard error which files could not be read (a set command's answer leaves
    /// them out), unless `quiet`.
    pub fn warn_unreadable(&self, quiet: bool) {
        let unreadable: Vec<&Record> = self.unreadable().collect();
        if quiet || unreadable.is_empty() {
            return;
        }
        eprintln!(
            "pkglens: {} file{} could not be read and {} left out:",
            unreadable.len(),
            if unreadable.len() == 1 { "" } else { "s" },
            if unreadable.len() == 1 { "is" } else { "are" }
        );
        for record in unreadable.iter().take(10) {
            eprintln!("  {}", unreadable_line(record));
        }
        if unreadable.len() > 10 {
            eprintln!("  ... and {} more", unreadable.len() - 10);
        }
    }
}

/// `path:line: message` of an unreadable record.
fn unreadable_line(record: &Record) -> String {
    match &record.error {
        Some(e) if e.line > 0 => format!("{}:{}: {}", record.path, e.line, e.message),
        Some(e) => format!("{}: {}", record.path, e.message),
        None => record.path.clone(),
    }
}

/// Reads `paths` for a set command. With `--fail-fast`, stops at the first file that cannot be
/// read and says so.
pub fn load_records(paths: &[PathBuf], common: &Common) -> anyhow::Result<Loaded> {
    let mut records = Vec::new();
    let mut stopped = false;
    let fail_fast = common.fail_fast;
    read_paths(
        paths,
        common,
        |record, error| (record, error),
        |(record, error)| {
            let failed = record.status == Status::Error;
            if fail_fast && failed {
                stopped = true;
                match &error {
                    Some(err) => {
                        eprintln!("pkglens: stopping at the first error (--fail-fast):\n{err}")
                    }
                    None => eprintln!(
                        "pkglens: stopping at the first error (--fail-fast): {}",
                        unreadable_line(&record)
                    ),
                }
            }
            records.push(record);
            Ok(!(fail_fast && failed))
        },
    )?;
    Ok(Loaded { records, stopped })
}

/// The package set of `records` for the target environment of `target`, and where its Python
/// came from. Fails when `--group` names a group no file defines.
pub fn build_set(
    records: Vec<Record>,
    target: &TargetArgs,
) -> anyhow::Result<(PackageSet, String)> {
    crate::target::check_groups(target, &records)?;
    let (environment, python_from) = target.environment(&records);
    let options = SetOptions {
        target: environment,
        groups: target.group.clone(),
        build: target.build,
        installable: target.target_python.is_some()
            || target.platform.is_some()
            || target.machine.is_some(),
    };
    Ok((PackageSet::with_options(records, options), python_from))
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

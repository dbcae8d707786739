//! Loading what the command line names: the paths are walked, and every file found is read and
//! parsed in parallel through core's ordered window, in input order (or as they finish with
//! `--unordered`), counted by a progress bar on a terminal; then, for the commands that answer
//! about a set, built into a [`PackageSet`].

use crate::cli::{Common, FormatArg, TargetArgs};
use crate::read::{display_path, parse_stdin, read_and_parse};
use crate::style;
use crate::walk::{units, Found, Unit};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pkglens_core::{ordered_map, CancelFlag, Executor, Jobs, Order, OrderedOptions};
use pkglens_core::{PackageSet, SetOptions};
use pkglens_core::{ParseError, Record};
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

/// What one file of the walk gave: a prepared record, or the reason it was passed over.
enum Item<T> {
    Read(T),
    PassedOver(PathBuf, &'static str),
}

/// Walks `paths` (default `.`), then reads and parses every file through the ordered window,
/// handing each record to `each` in input order. `each` returns `false` to stop early.
/// Returns how many files the walk passed over (each printed, with `-v`, to standard error).
/// A file named itself, or standard input, is read as `--as` says, else as its name and then
/// its content say.
pub fn read_paths<T: Send + 'static>(
    paths: &[PathBuf],
    common: &Common,
    prepare: impl Fn(Record, Option<ParseError>) -> T + Send + Sync + 'static,
    mut each: impl FnMut(T) -> anyhow::Result<bool> + Send,
) -> anyhow::Result<usize> {
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
        if let Some(FormatArg(format)) = common.as_format {
            if path.is_dir() {
                anyhow::bail!(
                    "--as applies to files and standard input, not to the directory {}",
                    display_path(path)
                );
            }
            work.push(Work::Unit(Unit::Found(Found::File {
                path: path.clone(),
                format: Some(format),
            })));
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
    let as_format = common.as_format.map(|FormatArg(format)| format);
    let verbose = common.verbose && !common.quiet;
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
                        let read = |found: Found| match read_and_parse(found) {
                            Ok((record, error)) => Item::Read(prepare(record, error)),
                            Err((path, reason)) => Item::PassedOver(path, reason),
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
                                .collect::<Vec<Item<T>>>()
                        } else {
                            found.into_iter().map(read).collect::<Vec<Item<T>>>()
                        }
                    }
                    Work::Stdin(bytes) => {
                        let (record, error) = parse_stdin(as_format, &bytes);
                        vec![Item::Read(prepare(record, error))]
                    }
                }
            },
            options,
        );
        // `inc` on a hidden bar still costs a few hundred instructions, on the thread that
        // writes every record: count only what is shown.
        let shown = !progress.is_hidden();
        let mut passed_over = 0;
        'units: for items in results {
            for item in items {
                let item = match item {
                    Item::Read(item) => item,
                    Item::PassedOver(path, reason) => {
                        passed_over += 1;
                        if verbose {
                            progress.suspend(|| {
                                eprintln!("pkglens: passed over {}: {reason}", display_path(&path));
                            });
                        }
                        continue;
                    }
                };
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
        Ok(passed_over)
    })
}

/// Reads `paths` into a package set for the target environment of `target`.
pub fn load_set(
    paths: &[PathBuf],
    common: &Common,
    target: &TargetArgs,
) -> anyhow::Result<PackageSet> {
    let mut records = Vec::new();
    // The files passed over are listed with `-v`; only `scan` counts them.
    let _passed_over = read_paths(
        paths,
        common,
        |record, _| record,
        |record| {
            records.push(record);
            Ok(true)
        },
    )?;
    Ok(build_set(records, target))
}

/// The package set of `records` for the target environment of `target`.
pub fn build_set(records: Vec<Record>, target: &TargetArgs) -> PackageSet {
    let options = SetOptions {
        target: target.environment(&records),
        groups: target.group.clone(),
        build: target.build,
    };
    PackageSet::with_options(records, options)
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

//! Loading what the command line names: the paths are walked, and every file found is read and
//! parsed in parallel through core's ordered window, in input order (or as they finish with
//! `--unordered`), counted by a progress bar on a terminal; then, for the commands that answer
//! about a set, built into a [`PackageSet`].

use crate::cli::{Common, FormatArg, TargetArgs};
use crate::read::{display_path, parse_stdin, read_and_parse, read_file, Includes, PassedOver};
use crate::style;
use crate::walk::{units, Found, Unit, Units};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pkglens_core::Status;
use pkglens_core::{ordered_map, CancelFlag, Executor, Jobs, Order, OrderedOptions};
use pkglens_core::{Format, ParseError, Record};
use pkglens_core::{PackageSet, SetOptions};
use rayon::iter::Either;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Files of one walk unit read as one job; a unit of more is split among the workers.
const SPLIT_FILES: usize = 32;

/// The unit of work: one file from the walk, or standard input already read.
enum Work {
    Unit(Unit),
    Stdin(Vec<u8>),
}

/// Where work comes from: a path's walk, or standard input already read.
enum Source {
    Walk(Units),
    Stdin(Vec<u8>),
}

/// The requirements files read, and the files pyproject.toml files name in
/// `[tool.setuptools.dynamic]` (`dependency_files`): those not read are read after the walk.
#[derive(Default)]
struct NamedFiles {
    read: Mutex<BTreeSet<PathBuf>>,
    named: Mutex<BTreeSet<PathBuf>>,
}

impl NamedFiles {
    /// Notes what `record` tells: a requirements file read, or the files a pyproject names
    /// (relative to its folder, and inside it: `..` and absolute paths are not followed).
    fn note(&self, record: &Record) {
        match record.format {
            Some(Format::RequirementsTxt) => {
                lock(&self.read).insert(normal(Path::new(&record.path)));
            }
            Some(Format::Pyproject) => {
                let folder = Path::new(&record.path).parent().unwrap_or(Path::new(""));
                let files = record
                    .packages
                    .iter()
                    .filter_map(|p| p.extra.get("dependency_files")?.as_array())
                    .flatten()
                    .filter_map(serde_json::Value::as_str)
                    .filter(|file| {
                        Path::new(file)
                            .components()
                            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
                    });
                let mut named = lock(&self.named);
                named.extend(files.map(|file| normal(&folder.join(file))));
            }
            _ => {}
        }
    }

    /// The files named and not read that exist, sorted.
    fn unread(&self) -> Vec<PathBuf> {
        let read = lock(&self.read);
        lock(&self.named)
            .iter()
            .filter(|path| !read.contains(*path) && path.is_file())
            .cloned()
            .collect()
    }
}

/// The lock's content, even if a thread panicked holding it (the sets stay consistent).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `path` without `.` components, so that `./x` and `x` are one file.
fn normal(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// What one file of the walk gave: a prepared record, or the reason it was passed over.
enum Item<T> {
    Read(T),
    PassedOver(PathBuf, &'static str),
}

/// Walks `paths` (default `.`), then reads and parses every file through the ordered window,
/// handing each record to `each` in input order. `each` returns `false` to stop early.
/// Returns the files the walk passed over, each with its reason (each printed, with `-v`, to
/// standard error), in walk order.
/// A file named itself, or standard input, is read as `--as` says, else as its name and then
/// its content say.
pub fn read_paths<T: Send + 'static>(
    paths: &[PathBuf],
    common: &Common,
    prepare: impl Fn(Record, Option<ParseError>) -> T + Send + Sync + 'static,
    mut each: impl FnMut(T) -> anyhow::Result<bool> + Send,
) -> anyhow::Result<Vec<PassedOver>> {
    // A pool of our own even for `auto`: the consuming loop below runs on one of its workers,
    // where waiting for the next result runs queued jobs instead of sleeping (measured in
    // docs/benchmarks.md: 1.55x rayon's collect from the main thread, 1.06x from a worker).
    let jobs = match capped_jobs(common) {
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
    // Each path's units are made as the window takes them (a huge folder is never held as a
    // unit per entry); standard input is read first.
    let mut sources: Vec<Source> = Vec::new();
    let mut missing = Vec::new();
    for path in &paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("cannot read standard input")?;
            sources.push(Source::Stdin(bytes));
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
            sources.push(Source::Walk(Units::one(Unit::Found(Found::File {
                path: path.clone(),
                format: Some(format),
            }))));
            continue;
        }
        let target = executor.threads() * 64;
        sources.push(Source::Walk(units(path, target)));
    }
    if !missing.is_empty() {
        anyhow::bail!(
            "no such file or directory: {} (give a directory, a file, or `-` for standard input)",
            missing.join(", ")
        );
    }

    let includes = if common.allow_outside {
        Includes::anywhere()
    } else {
        Includes::within(&paths)
    };
    let includes_named = includes.clone();
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
    let named = Arc::new(NamedFiles::default());
    let seen = Arc::clone(&named);
    let prepare = Arc::new(prepare);
    let prepare_named = Arc::clone(&prepare);
    executor.install(|| {
        let work = sources.into_iter().flat_map(|source| match source {
            Source::Stdin(bytes) => Either::Left(std::iter::once(Work::Stdin(bytes))),
            Source::Walk(units) => Either::Right(units.map(Work::Unit)),
        });
        let results = ordered_map(
            work,
            move |work| {
                // Each record is prepared as soon as it is parsed, so a unit holds its output
                // and never all of its records at once.
                match work {
                    Work::Unit(unit) => {
                        let found = unit.expand();
                        let read = |found: Found| match read_and_parse(found, &includes) {
                            Ok((record, error)) => {
                                seen.note(&record);
                                Item::Read(prepare(record, error))
                            }
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
                        let (record, error) = parse_stdin(as_format, &bytes, &includes);
                        vec![Item::Read(prepare(record, error))]
                    }
                }
            },
            options,
        );
        let mut stopped = false;
        // `inc` on a hidden bar still costs a few hundred instructions, on the thread that
        // writes every record: count only what is shown.
        let shown = !progress.is_hidden();
        let mut passed_over = Vec::new();
        'units: for items in results {
            for item in items {
                let item = match item {
                    Item::Read(item) => item,
                    Item::PassedOver(path, reason) => {
                        passed_over.push((path, reason));
                        continue;
                    }
                };
                if shown {
                    progress.inc(1);
                }
                if !each(item)? {
                    cancel.cancel();
                    stopped = true;
                    break 'units;
                }
            }
        }
        // The second pass: files a pyproject.toml names for setuptools that the walk did not
        // read (their names say nothing), read as requirements files, after the walk's.
        let mut named_read = BTreeSet::new();
        if !stopped {
            for path in named.unread() {
                let (record, error) =
                    read_file(&path, Some(Format::RequirementsTxt), &includes_named);
                named_read.insert(path);
                if shown {
                    progress.inc(1);
                }
                if !each(prepare_named(record, error))? {
                    break;
                }
            }
        }
        progress.finish_and_clear();
        passed_over.retain(|(path, _)| !named_read.contains(&normal(path)));
        if verbose {
            for (path, reason) in &passed_over {
                eprintln!(
                    "pkglens: passed over {}: {reason}",
                    style::safe(&display_path(path))
                );
            }
        }
        Ok(passed_over)
    })
}

/// `--jobs` within what the machine bears ([`crate::os::capped_jobs`]), saying so on standard
/// error when it was lowered (unless `--quiet`).
pub fn capped_jobs(common: &Common) -> Jobs {
    let (jobs, notice) = crate::os::capped_jobs(common.jobs);
    if let Some(notice) = notice.filter(|_| !common.quiet) {
        eprintln!("{notice}");
    }
    jobs
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
            eprintln!("  {}", style::safe(&unreadable_line(record)));
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
                        style::safe(&unreadable_line(&record))
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

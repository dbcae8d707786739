//! `pkglens compile`: byte-compiles the `.py` files of an installed tree, in parallel, into
//! the very `.pyc` files `python -m compileall` writes with the same options.
//!
//! The files are found as compileall finds them (`walk.rs`). They are cut into batches and
//! handed, through core's ordered window, to a pool of long-lived `python -I -S` interpreters
//! running a tiny embedded script (`worker.py`, driven by `worker.rs`) that reads framed paths
//! on standard input and calls `py_compile` as compileall does; results come back in input order whatever order the
//! workers finish in. A small tree (under [`SERIAL_SOURCE_BYTES`]) is compiled by one
//! interpreter given its paths as arguments, cut by core's argument batcher under the OS limit
//! (`--via-args` takes that route in parallel too). An interpreter that dies has its batch's
//! remaining files retried on a fresh one; a file that kills two is reported. Ctrl-C reaches the
//! workers (`interrupt.rs`), which stop after the file in hand.

mod interrupt;
mod report;
mod walk;
mod worker;

use crate::cli::CompileArgs;
use crate::style;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pkglens_core::{ordered_map, split_by_len, ArgLimits, Executor, Jobs, OrderedOptions};
use report::{Report, Summary};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use worker::{Answer, Settings, Source, Worker};

/// Below this much source in all (`--serial-below`'s default), one interpreter compiles the
/// whole tree. The measured crossover where the pool gains least: on trees of Django's files
/// (8 to 256 KiB, made as `scripts/bench compile`'s sweep makes them) on tmpfs, so that no
/// write waits on a disk for the pool to overlap, and with no second core wholly free, one
/// interpreter was 1.2x to 1.5x faster up to 160 KiB and the two
/// were within 6 % of each other from 192 to 256 KiB: there the second interpreter's start
/// (about 30 ms of CPU) costs what it saves. On a disk the pool wins sooner (from 64 KiB on a
/// quiet run), but below this a pool can compile a small tree slower than `python -m
/// compileall`, which uses one interpreter. Measurements: `docs/benchmarks.md` (issue 19).
pub const SERIAL_SOURCE_BYTES: u64 = 256 * 1024;

/// The most paths in one batch handed to a long-lived worker; smaller batches balance the
/// last seconds better, and a batch costs only a write and a wake-up. A tree of few files gets
/// smaller batches still: at least [`BATCHES_PER_WORKER`] per worker.
const BATCH_ITEMS: usize = 32;

/// Batches per worker at least, so that one worker never holds most of a small tree.
const BATCHES_PER_WORKER: usize = 4;

/// The most bytes of paths in one batch on standard input: well under a pipe's 64 KiB, so that
/// writing a batch never waits for the worker to read it.
const BATCH_BYTES: usize = 16 * 1024;

/// Batches in flight per worker. Results leave in input order, so a batch holding a large file
/// holds the window until it is done; a wide window keeps the other workers busy meanwhile (a
/// batch in flight costs only its paths).
const WINDOW_PER_WORKER: usize = 16;

/// How long interpreters get to stop by themselves once nothing more is wanted of them.
const STOP_DEADLINE: Duration = Duration::from_secs(1);

/// Interpreters that die before answering anything, in a row, after which the interpreter is
/// taken to be unusable and nothing more is tried.
const BARREN_DEATHS: usize = 3;

/// `--invalidation-mode`: how the `.pyc` records its source (py_compile's `PycInvalidationMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InvalidationMode {
    /// The source's mtime and size.
    Timestamp,
    /// The source's hash, checked at import.
    CheckedHash,
    /// The source's hash, never checked.
    UncheckedHash,
}

impl InvalidationMode {
    /// py_compile's name of the mode.
    fn python_name(self) -> &'static str {
        match self {
            InvalidationMode::Timestamp => "TIMESTAMP",
            InvalidationMode::CheckedHash => "CHECKED_HASH",
            InvalidationMode::UncheckedHash => "UNCHECKED_HASH",
        }
    }
}

/// Output formats of `compile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompileFormat {
    /// Each failure with the interpreter's message, and a summary on standard error.
    Table,
    /// One JSON document: each file with its result, and a summary.
    Json,
}

/// One file's result.
struct FileResult {
    path: PathBuf,
    answer: Answer,
}

/// `compile`: exit 0 when every file compiled (or was up to date), 1 when any failed, 130
/// when interrupted.
pub fn run(args: &CompileArgs) -> anyhow::Result<ExitCode> {
    interrupt::install();
    let started = Instant::now();
    let paths = paths(args)?;
    let settings = settings(args, &paths)?;
    if let Err(why) = settings
        .check_rx()
        .with_context(|| format!("cannot start {}", settings.python.display()))?
    {
        anyhow::bail!("-x: not a Python regular expression: {why}");
    }
    let found = walk::find(&paths, max_levels(args));
    let overlap = walk::reached_twice(&found.files, paths.len());
    let plan = Plan::new(&found.files, args, &settings, overlap);
    let pool = Arc::new(Pool::new(settings.clone(), plan.via_args));
    // The first long-lived interpreter starts here, so a missing one is a plain error (exit 2).
    if !plan.via_args && !found.files.is_empty() {
        let first = Worker::on_stdin(&settings)
            .with_context(|| format!("cannot start {}", settings.python.display()))?;
        pool.started.fetch_add(1, Ordering::Relaxed);
        pool.give_back(first);
    }
    let mut report = Report::new(args.format);
    for (dir, err) in &found.unlisted {
        report.add_unlisted(dir, err)?;
    }
    let bar = progress_bar(args, found.files.len());
    let done = Arc::new(AtomicBool::new(false));
    watchdog(Arc::clone(&done));
    let options = OrderedOptions {
        window: plan.workers * WINDOW_PER_WORKER,
        executor: plan.executor()?,
        chunk: 1,
        ..OrderedOptions::default()
    };
    let batches = plan.batches(found.files, &settings);
    let feeder = Arc::clone(&pool);
    // After Ctrl-C every batch still comes back, at once, its files `interrupted`.
    for results in ordered_map(batches, move |batch| feeder.compile(batch), options) {
        bar.inc(results.len() as u64);
        for result in results {
            // A failure printed to a terminal goes above the bar, not through it.
            bar.suspend(|| report.add(result))?;
        }
    }
    bar.finish_and_clear();
    pool.stop();
    done.store(true, Ordering::SeqCst);
    if let Some(broken) = pool.broken.get() {
        anyhow::bail!("{} cannot compile: {broken}", settings.python.display());
    }
    report.finish(&Summary {
        workers: plan.workers,
        interpreters: pool.started.load(Ordering::Relaxed),
        died: pool.died.load(Ordering::Relaxed),
        python: &settings.python,
        elapsed: started.elapsed(),
        quiet: args.quiet,
    })
}

/// The paths to compile: the PATH arguments, then those `-i` lists (as compileall's `main`
/// appends them: each line stripped of white space); `.` when there are neither.
fn paths(args: &CompileArgs) -> anyhow::Result<Vec<PathBuf>> {
    let mut paths = args.paths.clone();
    if let Some(list) = &args.file_list {
        let from_stdin = list.as_os_str() == "-";
        let bytes = if from_stdin {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                .context("cannot read the file list from standard input")?;
            bytes
        } else {
            std::fs::read(list)
                .with_context(|| format!("cannot read the file list {}", list.display()))?
        };
        let text = String::from_utf8(bytes)
            .map_err(|e| anyhow::anyhow!("the file list {} is not UTF-8: {e}", list.display()))?;
        // A line empty once stripped names nothing: compileall tries to list `''`, cannot,
        // and goes on (exit 0); here it is dropped rather than reported as a failure.
        let lines = list_lines(&text, !from_stdin)
            .into_iter()
            .filter(|line| !line.is_empty());
        paths.extend(lines.map(PathBuf::from));
    } else if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    Ok(paths)
}

/// The lines of a file list as Python reads it, each stripped as `str.strip()` strips
/// (Unicode white space and the separators U+001C..U+001F). A file is read with universal
/// newlines (`\n`, `\r\n` and `\r` end a line); `sys.stdin` on Unix splits at `\n` only.
fn list_lines(text: &str, universal: bool) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<&str> = if universal {
        text.split("\r\n")
            .flat_map(|line| line.split(['\n', '\r']))
            .collect()
    } else {
        text.split('\n').collect()
    };
    // The text's last line ending ends a line; nothing follows it.
    if text.ends_with('\n') || (universal && text.ends_with('\r')) {
        lines.pop();
    }
    let python_space = |c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c);
    lines
        .into_iter()
        .map(|line| line.trim_matches(python_space))
        .collect()
}

/// How deep folders are walked: `-r N` (negative: 0), else `-l` (0), else compileall's default.
fn max_levels(args: &CompileArgs) -> usize {
    match (args.recursion, args.no_recurse) {
        (Some(levels), _) => usize::try_from(levels).unwrap_or(0),
        (None, true) => 0,
        (None, false) => walk::MAX_LEVELS,
    }
}

/// The interpreter and compileall's options, from the command line.
fn settings(args: &CompileArgs, paths: &[PathBuf]) -> anyhow::Result<Settings> {
    anyhow::ensure!(
        args.optimize <= 2,
        "-O may be given at most twice (-OO), found {}",
        args.optimize
    );
    let mut levels = if args.opt_levels.is_empty() {
        vec![args.optimize as i8]
    } else {
        args.opt_levels.clone()
    };
    levels.sort_unstable();
    levels.dedup();
    anyhow::ensure!(
        !args.hardlink_dupes || levels.len() >= 2,
        "--hardlink-dupes needs two optimisation levels or more (-o 0 -o 1 ...)"
    );
    Ok(Settings {
        python: args
            .python
            .clone()
            .unwrap_or_else(|| worker::environment_python(paths)),
        levels,
        invalidation: args.invalidation_mode.map(InvalidationMode::python_name),
        force: args.force,
        legacy: args.legacy,
        hardlink_dupes: args.hardlink_dupes,
        ddir: args.ddir.clone(),
        stripdir: args.stripdir.clone(),
        prependdir: args.prependdir.clone(),
        rx: args.rx.clone(),
        // compileall: `-e ''` is no limit.
        limit_sl_dest: args.limit_sl_dest.clone().filter(|dir| !dir.is_empty()),
    })
}

/// After Ctrl-C, gives the interpreters [`STOP_DEADLINE`] to finish the file in hand (they
/// stop after it), then kills those still running; ends when `done` is set.
fn watchdog(done: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        while !done.load(Ordering::SeqCst) {
            if interrupt::interrupted() {
                std::thread::sleep(STOP_DEADLINE);
                if !done.load(Ordering::SeqCst) {
                    interrupt::kill_all();
                }
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
}

/// How the files are cut and how many interpreters compile them.
struct Plan {
    /// Interpreters at once.
    workers: usize,
    /// Paths go as arguments, one interpreter per batch.
    via_args: bool,
    /// The limits each batch is cut within.
    limits: ArgLimits,
    /// The bytes every argument batch repeats (the interpreter and the script).
    fixed: usize,
}

impl Plan {
    /// Serial (one interpreter, paths as arguments) under `--serial-below` bytes of source, with
    /// `--jobs 1`, or for files reached twice (`overlap`: compileall's order decides what the
    /// second compile does);
    /// else a pool of `--jobs` workers (`auto`: the available parallelism, which counts the
    /// cgroup's CPU quota and the affinity mask), no more than there are batches.
    fn new(files: &[Source], args: &CompileArgs, settings: &Settings, overlap: bool) -> Plan {
        let (jobs, notice) = crate::os::capped_jobs(args.jobs);
        if let Some(notice) = notice.filter(|_| !args.quiet) {
            eprintln!("{notice}");
        }
        let wanted = match jobs {
            Jobs::Auto => std::thread::available_parallelism().map_or(1, usize::from),
            Jobs::Exactly(n) => n,
        };
        let bytes: u64 = files
            .iter()
            .map(|f| f.path.metadata().map_or(0, |m| m.len()))
            .sum();
        let serial = wanted <= 1 || files.len() < 2 || bytes < args.serial_below || overlap;
        let os_limits = crate::os::arg_limits();
        if serial {
            return Plan {
                workers: 1,
                via_args: true,
                limits: os_limits,
                fixed: settings.fixed_arg_bytes(),
            };
        }
        let workers = wanted.min(files.len());
        if args.via_args {
            // One interpreter per batch: about two batches per worker, each under the limit.
            let per_batch = files.len().div_ceil(workers * 2);
            return Plan {
                workers,
                via_args: true,
                limits: ArgLimits::new(os_limits.max_bytes, per_batch),
                fixed: settings.fixed_arg_bytes(),
            };
        }
        Plan {
            workers,
            via_args: false,
            limits: ArgLimits {
                max_bytes: BATCH_BYTES,
                max_items: files
                    .len()
                    .div_ceil(workers * BATCHES_PER_WORKER)
                    .clamp(1, BATCH_ITEMS),
                // The 4-byte length before each path.
                per_arg_overhead: 4,
            },
            fixed: 0,
        }
    }

    /// Where the batches run: one thread per interpreter.
    fn executor(&self) -> anyhow::Result<Executor> {
        Executor::for_jobs(Jobs::Exactly(self.workers)).context("cannot start worker threads")
    }

    /// The files cut into consecutive batches within the plan's limits (core's batcher); a
    /// path that travels with its context (`-d`) is charged for both.
    fn batches(&self, files: Vec<Source>, settings: &Settings) -> Vec<Vec<Source>> {
        let context = settings.with_context();
        let lengths = files.iter().map(|f| {
            let path = f.path.as_os_str().len();
            if context {
                path + self.limits.cost(f.context_len())
            } else {
                path
            }
        });
        let ranges = split_by_len(lengths, self.fixed, self.limits);
        let mut files = files.into_iter();
        ranges
            .into_iter()
            .map(|range| files.by_ref().take(range.len()).collect())
            .collect()
    }
}

/// The interpreters, shared by the threads that feed them.
struct Pool {
    settings: Settings,
    via_args: bool,
    /// Long-lived workers waiting for a batch.
    idle: Mutex<Vec<Worker>>,
    /// Interpreters started.
    started: AtomicUsize,
    /// Interpreters that ended before answering for their whole batch (killed, crashed).
    died: AtomicUsize,
    /// Interpreters in a row that died before answering anything.
    barren: AtomicUsize,
    /// Why the interpreter cannot be used, once that is known.
    broken: OnceLock<String>,
}

impl Pool {
    fn new(settings: Settings, via_args: bool) -> Pool {
        Pool {
            settings,
            via_args,
            idle: Mutex::new(Vec::new()),
            started: AtomicUsize::new(0),
            died: AtomicUsize::new(0),
            barren: AtomicUsize::new(0),
            broken: OnceLock::new(),
        }
    }

    /// Compiles one batch: an answer per path, in order. When the interpreter dies, the
    /// remaining paths go to a fresh one; the file it died on is retried once, then reported.
    fn compile(&self, batch: Vec<Source>) -> Vec<FileResult> {
        let mut answers: Vec<Answer> = Vec::with_capacity(batch.len());
        let mut died_on = None;
        while answers.len() < batch.len() {
            if let Some(stop) = self.stop_reason() {
                answers.resize(batch.len(), stop);
                break;
            }
            let rest = &batch[answers.len()..];
            let mut worker = match self.worker_for(rest) {
                Ok(worker) => worker,
                Err(err) => {
                    let _ = self.broken.set(format!("cannot start it: {err}"));
                    continue;
                }
            };
            let before = answers.len();
            while answers.len() < batch.len() {
                match worker.receive() {
                    Ok(Some(answer)) => answers.push(answer),
                    Ok(None) | Err(_) => break,
                }
            }
            if answers.len() == batch.len() {
                self.barren.store(0, Ordering::Relaxed);
                self.done_with(worker);
                break;
            }
            let status = worker.finish();
            if interrupt::interrupted() {
                continue;
            }
            self.died.fetch_add(1, Ordering::Relaxed);
            if answers.len() > before {
                self.barren.store(0, Ordering::Relaxed);
            } else if self.barren.fetch_add(1, Ordering::Relaxed) + 1 >= BARREN_DEATHS {
                let _ = self.broken.set(match &status {
                    Ok(status) => format!("it ends before compiling anything ({status})"),
                    Err(err) => err.to_string(),
                });
            }
            if died_on == Some(answers.len()) {
                let how = status.map_or_else(|e| e.to_string(), |s| s.to_string());
                answers.push(Answer::Failed(format!(
                    "the interpreter died compiling it, twice ({how})"
                )));
            } else {
                died_on = Some(answers.len());
            }
        }
        batch
            .into_iter()
            .zip(answers)
            .map(|(source, answer)| FileResult {
                path: source.path,
                answer,
            })
            .collect()
    }

    /// What the remaining files of a batch get when nothing more is to be compiled.
    fn stop_reason(&self) -> Option<Answer> {
        if interrupt::interrupted() {
            Some(Answer::Interrupted)
        } else {
            self.broken.get().map(|why| Answer::Failed(why.clone()))
        }
    }

    /// An interpreter that has been given `sources`: an idle long-lived worker (or a new one),
    /// or a one-shot run with their paths as its arguments.
    fn worker_for(&self, sources: &[Source]) -> std::io::Result<Worker> {
        if self.via_args {
            self.started.fetch_add(1, Ordering::Relaxed);
            return Worker::with_args(&self.settings, sources);
        }
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut worker = match idle {
            Some(worker) => worker,
            None => {
                self.started.fetch_add(1, Ordering::Relaxed);
                Worker::on_stdin(&self.settings)?
            }
        };
        // A worker that died while idle fails here or answers nothing: the caller retries.
        let _ = worker.send(sources, self.settings.with_context());
        Ok(worker)
    }

    /// A worker whose batch is done: kept for the next batch, or (a one-shot run) reaped.
    fn done_with(&self, worker: Worker) {
        if self.via_args {
            let _ = worker.finish();
        } else {
            self.give_back(worker);
        }
    }

    fn give_back(&self, worker: Worker) {
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(worker);
    }

    /// Ends every idle worker: its standard input closes and it exits; one still busy after
    /// [`STOP_DEADLINE`] is killed (a `.pyc` is renamed into place whole, or not at all).
    fn stop(&self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
        for worker in idle {
            worker.finish_within(STOP_DEADLINE);
        }
    }
}

/// A progress bar on a terminal's standard error; hidden when piped or quiet.
fn progress_bar(args: &CompileArgs, files: usize) -> ProgressBar {
    if args.quiet || !style::stderr_is_terminal() {
        return ProgressBar::hidden();
    }
    let bar =
        ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr_with_hz(10));
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} files compiled {per_sec} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

#[cfg(test)]
mod tests {
    use super::list_lines;

    #[test]
    fn file_lists_split_and_strip_as_python_reads_them() {
        // Python 3.11: `[l.strip() for l in open(f, encoding="utf-8")]` of these bytes.
        let text = " a\u{1f}\r\rb\r\n\n c \u{a0}\n\u{2003}d";
        assert_eq!(list_lines(text, true), ["a", "", "b", "", "c", "d"]);
        assert_eq!(list_lines("x\n", true), ["x"]);
        assert_eq!(list_lines("\n", true), [""]);
        assert!(list_lines("", true).is_empty());
        // `[l.strip() for l in sys.stdin]`: a lone `\r` ends no line.
        assert_eq!(list_lines(" a\rb \r\nc\n", false), ["a\rb", "c"]);
    }
}

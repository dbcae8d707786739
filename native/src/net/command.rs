//! What `scan`, `graph`, `check` and `why` do with URLs and `--index-url`: `scan URL...` reads
//! each wheel (or PEP 658 metadata file) over HTTP; `scan --index-url URL REQUIREMENT...` reads
//! the file pip would pick for each requirement; `graph|check|why --index-url URL
//! REQUIREMENT...` walk the dependency tree from the index ([`super::walk`]). Records come in
//! input order, counted by a progress bar of files and bytes on a terminal.

use super::auth;
use super::cache::Cache;
use super::http::{Client, Settings};
use super::remote_wheel::{self, Target};
use super::walk::{self, Source, Wanted};
use crate::cli::{Common, RemoteArgs, TargetArgs};
use crate::read::{parse_bytes, Parsed};
use crate::style;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pkglens_core::TargetEnvironment;
use pkglens_core::{ordered_map, parse_requirement, CancelFlag, Executor, Jobs, Order};
use pkglens_core::{ErrorKind, Format, OrderedOptions, ParseError, Record, RequirementKind};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// The index read when neither `--index-url` nor `PIP_INDEX_URL` names one.
pub const DEFAULT_INDEX: &str = "https://pypi.org/simple";

/// Whether a path argument is an `http://` or `https://` URL.
pub fn is_url(path: &Path) -> bool {
    let text = path.to_string_lossy();
    let lower = text.get(..8).unwrap_or(&text).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Whether the command reads from the network: an index was asked for, or a path is a URL.
pub fn is_remote(paths: &[PathBuf], remote: &RemoteArgs) -> bool {
    remote.index_url.is_some() || remote.index || paths.iter().any(|p| is_url(p))
}

/// The index `--index-url` names, else `PIP_INDEX_URL`, else PyPI; `None` when the paths are
/// URLs to read (no index asked for).
fn index_of(remote: &RemoteArgs) -> Option<String> {
    if let Some(url) = &remote.index_url {
        return Some(url.clone());
    }
    remote.index.then(|| {
        std::env::var("PIP_INDEX_URL")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_INDEX.to_owned())
    })
}

/// The client, the cache and the pool of one command.
struct Session {
    client: Arc<Client>,
    cache: Cache,
    executor: Executor,
    progress: ProgressBar,
}

impl Session {
    fn new(remote: &RemoteArgs, common: &Common) -> anyhow::Result<Self> {
        let connections = usize::from(remote.connections);
        let settings = Settings {
            connections,
            timeout: Duration::from_secs_f64(remote.timeout.max(0.001)),
            retries: remote.retries,
            ..Settings::default()
        };
        let cache = if remote.no_cache {
            Cache::disabled()
        } else {
            Cache::at(remote.cache_dir.clone())
        };
        Ok(Session {
            client: Arc::new(Client::new(settings)),
            cache,
            executor: Executor::for_jobs(Jobs::Exactly(connections))
                .context("cannot start worker threads")?,
            progress: progress_bar(common),
        })
    }

    /// Counts one file on the progress bar, with the bytes received so far.
    fn tick(&self) {
        if self.progress.is_hidden() {
            return;
        }
        self.progress.inc(1);
        let bytes = self.client.counters.bytes.load(Ordering::Relaxed);
        let requests = self.client.counters.requests.load(Ordering::Relaxed);
        self.progress.set_message(format!(
            "{} in {requests} requests",
            indicatif::HumanBytes(bytes)
        ));
    }

    /// Says what was transferred, with `-v`.
    fn finish(&self, verbose: bool) {
        self.progress.finish_and_clear();
        if verbose {
            let counters = &self.client.counters;
            eprintln!(
                "pkglens: {} requests, {} bytes received ({} of index pages)",
                counters.requests.load(Ordering::Relaxed),
                counters.bytes.load(Ordering::Relaxed),
                counters.page_bytes.load(Ordering::Relaxed)
            );
        }
    }
}

/// A progress bar (files, bytes, requests) on a terminal's standard error.
fn progress_bar(common: &Common) -> ProgressBar {
    if common.quiet || common.no_progress || !style::stderr_is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} files read, {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

/// The target of an index read: `--target-python` (else this machine's `python3`, else 3.12),
/// `--platform` and `--machine` (else this machine's).
pub fn target_of(args: &TargetArgs) -> TargetEnvironment {
    let python = args
        .target_python
        .clone()
        .or_else(crate::os::python_version)
        .unwrap_or_else(|| "3.12".into());
    crate::target::with_python(python, args)
}

/// The arguments as text (URLs or requirements).
fn texts(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

/// `scan` of URLs or of requirements on an index: hands every record to `each`, in input
/// order; `each` returns `false` to stop.
pub fn scan(
    paths: &[PathBuf],
    remote: &RemoteArgs,
    target: &TargetArgs,
    common: &Common,
    mut each: impl FnMut(Record, Option<ParseError>) -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    let session = Session::new(remote, common)?;
    let items = texts(paths);
    if items.is_empty() {
        anyhow::bail!("give wheel URLs, or requirements with --index-url");
    }
    let index = index_of(remote);
    if index.is_none() {
        if let Some(local) = paths.iter().find(|p| !is_url(p)) {
            anyhow::bail!(
                "{} is not a URL: give URLs only, or local paths only",
                style::safe(&crate::read::display_path(local))
            );
        }
    }
    let load: Arc<dyn Fn(String) -> Parsed + Send + Sync> = match index {
        Some(index) => {
            let source = Arc::new(Source::new(
                Arc::clone(&session.client),
                session.cache.clone(),
                index.clone(),
                target_of(target),
            ));
            Arc::new(move |text: String| find_requirement(&source, &index, &text))
        }
        None => {
            let client = Arc::clone(&session.client);
            let cache = session.cache.clone();
            Arc::new(move |url: String| read_url(&client, &cache, &url))
        }
    };
    let cancel = CancelFlag::new();
    let options = OrderedOptions {
        window: usize::from(remote.connections) * 4,
        order: if common.unordered {
            Order::Completion
        } else {
            Order::Input
        },
        executor: session.executor.clone(),
        cancel: cancel.clone(),
        chunk: 0,
    };
    // The loop waits on the network, not on the pool: it runs on this thread.
    let mut result = Ok(());
    for (record, error) in ordered_map(items, move |item| load(item), options) {
        session.tick();
        match each(record, error) {
            Ok(true) => {}
            Ok(false) => {
                cancel.cancel();
                break;
            }
            Err(err) => {
                cancel.cancel();
                result = Err(err);
                break;
            }
        }
    }
    session.finish(common.verbose && !common.quiet);
    result
}

/// A wheel or metadata URL: from the cache when its `#sha256=` names the file, else fetched.
fn read_url(client: &Client, cache: &Cache, url: &str) -> Parsed {
    let target = Target::of_url(url);
    match &target.sha256 {
        Some(hash) => {
            let key = format!(
                "{}#{hash}",
                auth::split_credentials(pkglens_core::split_fragment(url).0).0
            );
            cache.record(&key, || remote_wheel::read(client, &target))
        }
        None => remote_wheel::read(client, &target),
    }
}

/// The record of the file pip would pick for one requirement on the index.
fn find_requirement(source: &Source, index: &str, text: &str) -> Parsed {
    let failed = |kind: ErrorKind, message: String, column: u32| {
        let mut err = ParseError::whole(text, None, kind, message);
        err.info.line = u32::from(column > 0);
        err.info.column = column;
        (Record::from_error(&err), Some(err))
    };
    let requirement = match parse_requirement(text, RequirementKind::Run, 0) {
        Ok(r) => r,
        Err(e) => {
            let column = u32::try_from(text[..e.span.start.min(text.len())].chars().count() + 1)
                .unwrap_or(0);
            return failed(ErrorKind::Syntax, e.message, column);
        }
    };
    if requirement.url.is_some() {
        return failed(
            ErrorKind::Unsupported,
            "a direct URL requirement: give the URL itself to `pkglens scan`".into(),
            0,
        );
    }
    let wanted = Wanted::of(&requirement);
    match source.find(&wanted) {
        Some(parsed) => parsed,
        None => failed(
            ErrorKind::Io,
            format!(
                "no file of {} on {} matches {} for Python {} on {} {}",
                requirement.name,
                auth::redact(index),
                if requirement.spec.is_empty() {
                    "any version"
                } else {
                    &requirement.spec
                },
                source.target.python,
                source.target.platform,
                source.target.machine
            ),
            0,
        ),
    }
}

/// The path the command line's requirements show as: one requirements record.
pub const COMMAND_LINE: &str = "<command line>";

/// The records of the tree the requirements in `paths` lead to on the index, for `graph`,
/// `check` and `why`: first a requirements record of the command line's requirements (the
/// roots), then the package picked for each name, in walk order.
pub fn tree_records(
    paths: &[PathBuf],
    remote: &RemoteArgs,
    target: &TargetArgs,
    common: &Common,
) -> anyhow::Result<Vec<Record>> {
    let index = index_of(remote).unwrap_or_else(|| DEFAULT_INDEX.to_owned());
    let requirements = texts(paths);
    if requirements.is_empty() {
        anyhow::bail!(
            "give the requirements to start from (`pkglens graph --index-url URL flask`)"
        );
    }
    if let Some(url) = requirements.iter().find(|r| is_url(Path::new(r))) {
        anyhow::bail!(
            "{} is a URL: --index-url reads requirements (`name[extra]>=1.0`)",
            auth::redact(url)
        );
    }
    let text = requirements.join("\n") + "\n";
    let (roots, _) = parse_bytes(COMMAND_LINE, Some(Format::RequirementsTxt), text.as_bytes());
    if let Some(err) = &roots.error {
        anyhow::bail!("a requirement on the command line: {}", err.message);
    }
    let session = Session::new(remote, common)?;
    let source = Arc::new(Source::new(
        Arc::clone(&session.client),
        session.cache.clone(),
        index,
        target_of(target),
    ));
    let mut records = walk::walk(
        source,
        &roots.requirements,
        session.executor.clone(),
        &|| session.tick(),
    );
    session.finish(common.verbose && !common.quiet);
    records.insert(0, roots);
    Ok(records)
}

/// Refuses the options that mean nothing for a remote read, before anything is fetched.
pub fn check_options(common: &Common) -> anyhow::Result<()> {
    if common.as_format.is_some() {
        anyhow::bail!("--as reads local files; it means nothing for URLs and --index-url");
    }
    Ok(())
}

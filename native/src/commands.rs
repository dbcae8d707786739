//! The commands: what `scan`, `check`, `graph`, `why`, `diff` and `completions` do. Each reads
//! its inputs ([`crate::load`]), builds its answer with `pkglens-core`, has it rendered
//! ([`crate::render`]) to its destination ([`crate::output`]), and returns the exit code.
//! Notices and stopping messages go to standard error from here; errors are returned.

use crate::cli::{
    CheckArgs, Cli, Common, DiffArgs, GraphArgs, RemoteArgs, ScanArgs, TargetArgs, WhyArgs,
};
use crate::load::{build_set, capped_jobs, load_records, read_paths, Loaded};
use crate::net;
use crate::output::Destination;
use crate::render::report::{write_check, write_diff, write_graph, write_why};
use crate::render::scan::{Prepared, ScanWriter};
use crate::rez_closure;
use crate::style::{self, Style};
use anyhow::Context;
use clap::CommandFactory;
use pkglens_core::Executor;
use pkglens_core::Status;
use pkglens_core::{split_projects, CheckOptions, CheckReport, PackageSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Where the output of a command with these options goes.
fn destination(common: &Common) -> anyhow::Result<Destination> {
    Destination::for_output(common.output.as_deref())
}

/// Colour when asked, or on a terminal (never into `-o FILE`; `-o -` is standard output).
fn style_for(common: &Common) -> Style {
    let to_stdout = common.output.as_ref().is_none_or(|p| p.as_os_str() == "-");
    let to_terminal = to_stdout && style::stdout_is_terminal();
    Style::new(common.color, to_terminal)
}

/// `scan`: every record, streamed as it is read. Exit 1 when `--fail-fast` stopped it.
pub fn scan(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let mut writer = ScanWriter::new(args.format, destination(common)?, style_for(common))?;
    let mut failed = false;
    let format = args.format;
    let mut each = |prepared: Prepared| {
        let status = prepared.status();
        let error = prepared.error().cloned();
        writer.write(prepared)?;
        if common.fail_fast && status == Status::Error {
            failed = true;
            if let Some(err) = &error {
                let err = err.to_string();
                eprintln!(
                    "pkglens: stopping at the first error (--fail-fast):\n{}",
                    style::safe_lines(&err)
                );
            }
            return Ok(false);
        }
        Ok(true)
    };
    if net::command::is_remote(&args.paths, &args.remote) {
        net::command::check_options(common)?;
        net::command::scan(&args.paths, &args.remote, &args.target, common, |r, e| {
            each(Prepared::new(format, r, e))
        })?;
    } else {
        let passed_over = read_paths(
            &args.paths,
            common,
            move |record, error| Prepared::new(format, record, error),
            each,
        )?;
        writer.set_passed_over(passed_over, common.verbose);
    }
    let summary = writer.finish().context("cannot write the output")?;
    let to_file = common.output.as_ref().is_some_and(|p| p.as_os_str() != "-");
    if !common.quiet && to_file {
        eprintln!(
            "pkglens: wrote {} records to {}",
            summary.files,
            common
                .output
                .as_ref()
                .map(|p| style::safe(&crate::read::display_path(p)).into_owned())
                .unwrap_or_default()
        );
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `check`: the problems of each project and environment (or of one merged set). Exit 1 when
/// there are any that fail (every kind but `dynamic`, unless `--strict`).
pub fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let remote = net::command::is_remote(&args.paths, &args.remote);
    let loaded = if remote {
        let records = net::command::tree_records(&args.paths, &args.remote, &args.target, common)?;
        Loaded {
            records,
            stopped: false,
        }
    } else {
        load_records(&args.paths, common)?
    };
    if loaded.stopped {
        return Ok(ExitCode::from(1));
    }
    crate::target::check_groups(&args.target, &loaded.records)?;
    // A tree from an index is one set, whatever its records' URLs look like.
    let groups = if args.merge || remote {
        vec![(String::new(), loaded.records)]
    } else {
        split_projects(loaded.records)
    };
    let mut sets = Vec::new();
    let mut python_from = String::new();
    for (path, records) in groups {
        let (set, from) = build_set(records, &args.target)?;
        if python_from.is_empty() {
            python_from = from;
        }
        sets.push((path, set));
    }
    let options = CheckOptions {
        strict: args.strict,
        only: args.only.clone(),
        ignore: args.ignore.clone(),
    };
    let views: Vec<(String, &PackageSet)> = sets.iter().map(|(p, s)| (p.clone(), s)).collect();
    let report = CheckReport::of_sets(&views, &options);
    let mut out = destination(common)?;
    write_check(
        &mut out,
        &report,
        &options,
        &python_from,
        args.format,
        style_for(common),
    )?;
    out.commit().context("cannot write the output")?;
    Ok(if report.summary.failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Reads `paths` into one package set for a view (`graph`, `why`, `diff`): unreadable files
/// are said on standard error (and in the JSON, from the set's records); `None` when
/// `--fail-fast` stopped at one.
fn load_view(
    paths: &[PathBuf],
    common: &Common,
    target: &TargetArgs,
) -> anyhow::Result<Option<PackageSet>> {
    let loaded = load_records(paths, common)?;
    view_of(loaded, common, target)
}

/// The package set of what was loaded, unreadable records said on standard error.
fn view_of(
    loaded: Loaded,
    common: &Common,
    target: &TargetArgs,
) -> anyhow::Result<Option<PackageSet>> {
    if loaded.stopped {
        return Ok(None);
    }
    loaded.warn_unreadable(common.quiet);
    Ok(Some(build_set(loaded.records, target)?.0))
}

/// The set of a view: the tree from an index (`--index-url`), else the files of `paths`.
fn remote_or_local_view(
    paths: &[PathBuf],
    remote: &RemoteArgs,
    common: &Common,
    target: &TargetArgs,
) -> anyhow::Result<Option<PackageSet>> {
    if !net::command::is_remote(paths, remote) {
        return load_view(paths, common, target);
    }
    net::command::check_options(common)?;
    let records = net::command::tree_records(paths, remote, target, common)?;
    let loaded = Loaded {
        records,
        stopped: false,
    };
    view_of(loaded, common, target)
}

/// `graph`: the dependency graph from the roots (or every root). From named roots in a single
/// rez repository, only the families they reach are read.
pub fn graph(args: GraphArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    // From named roots in one rez repository: read only the families they reach.
    let lazy = match &args.paths[..] {
        [repo]
            if !args.reverse
                && !args.full_scan
                && !net::command::is_remote(&args.paths, &args.remote)
                && rez_closure::is_rez_repository(repo, &args.root) =>
        {
            Some(repo)
        }
        _ => None,
    };
    let set = match lazy {
        Some(repo) => {
            let executor =
                Executor::for_jobs(capped_jobs(common)).context("cannot start worker threads")?;
            let (records, families) = rez_closure::load_closure(repo, &args.root, executor);
            if !common.quiet && style::stderr_is_terminal() {
                eprintln!(
                    "pkglens: read {} package files of {families} families reached from {}",
                    records.len(),
                    args.root.join(", ")
                );
            }
            let unreadable = Loaded {
                records,
                stopped: false,
            };
            if common.fail_fast {
                if let Some(bad) = unreadable.unreadable().next() {
                    eprintln!(
                        "pkglens: stopping at the first error (--fail-fast): {}",
                        bad.path
                    );
                    return Ok(ExitCode::from(1));
                }
            }
            unreadable.warn_unreadable(common.quiet);
            build_set(unreadable.records, &args.target)?.0
        }
        None => match remote_or_local_view(&args.paths, &args.remote, common, &args.target)? {
            Some(set) => set,
            None => return Ok(ExitCode::from(1)),
        },
    };
    let graph = set
        .graph(&args.root, args.reverse, args.depth)
        .map_err(|e| anyhow::anyhow!("{e} (see `pkglens scan` for the names)"))?;
    let mut out = destination(common)?;
    write_graph(&mut out, &graph, &set, args.format)?;
    out.commit().context("cannot write the output")?;
    Ok(ExitCode::SUCCESS)
}

/// `why`: every chain by which the named package is required (or, for a missing one, by which
/// it is asked for).
pub fn why(args: WhyArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let Some(set) = remote_or_local_view(&args.paths, &args.remote, common, &args.target)? else {
        return Ok(ExitCode::from(1));
    };
    let why = set
        .why(&args.name, args.limit)
        .map_err(|e| anyhow::anyhow!("{e} (see `pkglens scan` for the names)"))?;
    let mut out = destination(common)?;
    write_why(&mut out, &args.name, &why, &set, args.limit, args.format)?;
    out.commit().context("cannot write the output")?;
    Ok(ExitCode::SUCCESS)
}

/// `diff`: what changed from the old set to the new one.
pub fn diff(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let Some(old) = load_view(std::slice::from_ref(&args.old), common, &args.target)? else {
        return Ok(ExitCode::from(1));
    };
    let Some(new) = load_view(std::slice::from_ref(&args.new), common, &args.target)? else {
        return Ok(ExitCode::from(1));
    };
    let diff = pkglens_core::diff(&old, &new);
    let mut out = destination(common)?;
    write_diff(&mut out, &diff, &old, &new, args.format, style_for(common))?;
    out.commit().context("cannot write the output")?;
    Ok(ExitCode::SUCCESS)
}

/// `completions`: the shell's completion script. Generated into memory, then written: clap's
/// generator panics on a write error (a closed pipe), and a returned error ends quietly.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "pkglens", &mut script);
    let mut out = Destination::stdout();
    out.write_all(&script)?;
    out.commit()?;
    Ok(ExitCode::SUCCESS)
}

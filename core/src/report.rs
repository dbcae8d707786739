//! The JSON documents of schema `pkglens/1` (see `docs/schema.md`), built in one place so that
//! the CLI and the npm package print byte-identical answers for the same inputs.
//!
//! Field order in these structs is the order in the JSON.

use crate::record::{Record, Status, SCHEMA};
use crate::set::{Diff, Graph, PackageSet, Problem, ProblemKind, Shape, Why};
use crate::Ecosystem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counts over a scan: the `summary` of `scan --format json`.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanSummary {
    /// Files read.
    pub files: usize,
    /// Records with status `ok`.
    pub ok: usize,
    /// Records with status `dynamic`.
    pub dynamic: usize,
    /// Records with status `error`.
    pub errors: usize,
    /// Packages in all records.
    pub packages: usize,
    /// Requirements in all records: packages' run, build and private build requirements,
    /// and file-level ones.
    pub requirements: usize,
    /// Files a folder walk passed over (absent when none): the CLI's walk, or the npm
    /// package's `passedOver` given to it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub passed_over: usize,
    /// Those files and why (`scan -v`; absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed_over_files: Option<Vec<PassedOverFile>>,
}

/// A file a walk passed over and why, as `scan -v` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassedOverFile {
    /// Its path.
    pub path: String,
    /// Why it was not read.
    pub reason: String,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What a [`ScanSummary`] needs of one record: small, so that a record can be serialised and
/// dropped on a worker while its counts travel on.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    /// The record's status.
    pub status: Status,
    packages: usize,
    requirements: usize,
}

impl Counts {
    /// The counts of `record`.
    pub fn of(record: &Record) -> Counts {
        Counts {
            status: record.status,
            packages: record.packages.len(),
            requirements: record.requirements.len()
                + record
                    .packages
                    .iter()
                    .map(|p| {
                        p.requires.len() + p.build_requires.len() + p.private_build_requires.len()
                    })
                    .sum::<usize>(),
        }
    }
}

impl ScanSummary {
    /// Adds one record's counts.
    pub fn add(&mut self, counts: Counts) {
        self.files += 1;
        match counts.status {
            Status::Ok => self.ok += 1,
            Status::Dynamic => self.dynamic += 1,
            Status::Error => self.errors += 1,
        }
        self.packages += counts.packages;
        self.requirements += counts.requirements;
    }

    /// The summary of `records`.
    pub fn of(records: &[Record]) -> ScanSummary {
        let mut summary = ScanSummary::default();
        for record in records {
            summary.add(Counts::of(record));
        }
        summary
    }
}

/// `scan --format json`: `{ schema, records, summary }`.
#[derive(Debug, Clone, Serialize)]
pub struct ScanReport<'a> {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The records, in input order.
    pub records: &'a [Record],
    /// Their counts.
    pub summary: ScanSummary,
}

impl<'a> ScanReport<'a> {
    /// The report of `records`.
    pub fn new(records: &'a [Record]) -> Self {
        ScanReport {
            schema: SCHEMA,
            records,
            summary: ScanSummary::of(records),
        }
    }
}

/// The environment markers were evaluated in, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetReport {
    /// Python version (`3.11`).
    pub python: String,
    /// `sys_platform`.
    pub platform: String,
    /// `platform_machine`.
    pub machine: String,
}

/// Which problems a check reports and which make it fail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// Count `dynamic` as a failure too (by default a note).
    pub strict: bool,
    /// Report only these kinds (empty: every kind).
    pub only: Vec<ProblemKind>,
    /// Never report these kinds.
    pub ignore: Vec<ProblemKind>,
}

impl CheckOptions {
    /// Whether problems of `kind` are reported.
    pub fn reports(&self, kind: ProblemKind) -> bool {
        (self.only.is_empty() || self.only.contains(&kind)) && !self.ignore.contains(&kind)
    }

    /// Whether a reported problem of `kind` makes the check fail.
    pub fn fails(&self, kind: ProblemKind) -> bool {
        self.strict || kind.fails()
    }
}

/// One set of a check that was split (see [`split_projects`](crate::split_projects)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetSummary {
    /// The project or environment folder (empty: the records outside any).
    pub path: String,
    /// Records in the set.
    pub files: usize,
    /// Packages in the set.
    pub packages: usize,
    /// Problems reported in it.
    pub problems: usize,
}

/// The `summary` of `check --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckSummary {
    /// Records in the set.
    pub files: usize,
    /// Packages in the set.
    pub packages: usize,
    /// Lock-file packages left out as not for the target.
    pub off_target: usize,
    /// Problems found.
    pub problems: usize,
    /// Problems that make the check fail (all but `dynamic`, unless strict).
    pub failures: usize,
    /// Problems per kind.
    pub by_kind: BTreeMap<String, usize>,
    /// Each ecosystem's shape.
    pub shapes: BTreeMap<Ecosystem, Shape>,
    /// The target environment.
    pub target: TargetReport,
    /// The sets checked on their own: one, or a project's and an environment's each.
    pub sets: Vec<SetSummary>,
}

/// `check --format json`: `{ schema, problems, summary }`.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Every problem, ordered by set, then kind, file and line.
    pub problems: Vec<Problem>,
    /// Counts.
    pub summary: CheckSummary,
}

impl CheckReport {
    /// Checks `set`, every problem reported, `dynamic` a note.
    pub fn new(set: &PackageSet) -> Self {
        Self::of_sets(&[(String::new(), set)], &CheckOptions::default())
    }

    /// Checks `set` as `pkglens check` does: when its records hold two projects or more, each
    /// project and environment on its own (with `set`'s options), else the set whole.
    pub fn split(set: &PackageSet, options: &CheckOptions) -> Self {
        if crate::set::project_folders(set.records()).len() < 2 {
            return Self::of_sets(&[(String::new(), set)], options);
        }
        let sets: Vec<(String, PackageSet)> = crate::set::split_projects(set.records_as_read())
            .into_iter()
            .map(|(path, records)| {
                (
                    path,
                    PackageSet::with_options(records, set.options().clone()),
                )
            })
            .collect();
        let views: Vec<(String, &PackageSet)> = sets.iter().map(|(p, s)| (p.clone(), s)).collect();
        Self::of_sets(&views, options)
    }

    /// Checks each of `sets` on its own (named by their folders) and reports them together.
    /// `sets` must not be empty; the target is the first set's.
    pub fn of_sets(sets: &[(String, &PackageSet)], options: &CheckOptions) -> Self {
        let mut problems = Vec::new();
        let mut summaries = Vec::new();
        let mut shapes: BTreeMap<Ecosystem, Shape> = BTreeMap::new();
        for (path, set) in sets {
            let found: Vec<Problem> = set
                .check()
                .into_iter()
                .filter(|p| options.reports(p.kind))
                .collect();
            summaries.push(SetSummary {
                path: path.clone(),
                files: set.records().len(),
                packages: set.nodes().len(),
                problems: found.len(),
            });
            for (eco, shape) in set.shapes() {
                let entry = shapes.entry(eco).or_insert(shape);
                if shape_rank(shape) > shape_rank(*entry) {
                    *entry = shape;
                }
            }
            problems.extend(found);
        }
        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        for p in &problems {
            *by_kind.entry(p.kind.as_str().to_owned()).or_default() += 1;
        }
        let target = sets
            .first()
            .map(|(_, s)| s.target().clone())
            .unwrap_or_default();
        CheckReport {
            schema: SCHEMA,
            summary: CheckSummary {
                files: summaries.iter().map(|s| s.files).sum(),
                packages: summaries.iter().map(|s| s.packages).sum(),
                off_target: sets.iter().map(|(_, s)| s.off_target()).sum(),
                problems: problems.len(),
                failures: problems.iter().filter(|p| options.fails(p.kind)).count(),
                by_kind,
                shapes,
                target: TargetReport {
                    python: target.python,
                    platform: target.platform,
                    machine: target.machine,
                },
                sets: summaries,
            },
            problems,
        }
    }
}

/// A file a view (`graph`, `why`, `diff`) left out because it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// The file.
    pub path: String,
    /// The 1-based line of the fault (0 when unknown).
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

impl Unreadable {
    /// The fault of `record` (status `error`).
    pub fn of(record: &Record) -> Unreadable {
        let (line, message) = record
            .error
            .as_ref()
            .map_or((0, "unreadable".to_owned()), |e| {
                (e.line, e.message.clone())
            });
        Unreadable {
            path: record.path.clone(),
            line,
            message,
        }
    }

    /// The faults of the unreadable records of `set`.
    pub fn of_set(set: &PackageSet) -> Vec<Unreadable> {
        set.records()
            .iter()
            .filter(|r| r.status == Status::Error)
            .map(Unreadable::of)
            .collect()
    }
}

/// `graph --format json`: `{ schema, graph, unreadable }`.
#[derive(Debug, Clone, Serialize)]
pub struct GraphReport<'a> {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The graph.
    pub graph: &'a Graph,
    /// Files that could not be read: what they hold is not in the graph.
    pub unreadable: Vec<Unreadable>,
}

impl<'a> GraphReport<'a> {
    /// The report of `graph`, drawn from `set`.
    pub fn new(graph: &'a Graph, set: &PackageSet) -> Self {
        GraphReport {
            schema: SCHEMA,
            graph,
            unreadable: Unreadable::of_set(set),
        }
    }
}

/// `why --format json`: `{ schema, name, present, chains, truncated, unreadable }`.
#[derive(Debug, Clone, Serialize)]
pub struct WhyReport<'a> {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The name asked about.
    pub name: &'a str,
    /// Whether a package of that name is in the set (the chains to a missing one end at the
    /// requirement: `name (missing: `requirement`)`).
    pub present: bool,
    /// Each chain from a root down to the name.
    pub chains: &'a [Vec<String>],
    /// Whether the limit cut the answer short.
    pub truncated: bool,
    /// Files that could not be read.
    pub unreadable: Vec<Unreadable>,
}

impl<'a> WhyReport<'a> {
    /// The report of `why` asked of `set` about `name`.
    pub fn new(name: &'a str, why: &'a Why, set: &PackageSet) -> Self {
        WhyReport {
            schema: SCHEMA,
            name,
            present: why.present,
            chains: &why.chains,
            truncated: why.truncated,
            unreadable: Unreadable::of_set(set),
        }
    }
}

/// `diff --format json`: `{ schema, diff, unreadable }`.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport<'a> {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The difference.
    pub diff: &'a Diff,
    /// Files of either side that could not be read.
    pub unreadable: Vec<Unreadable>,
}

impl<'a> DiffReport<'a> {
    /// The report of `diff` from `old` to `new`.
    pub fn new(diff: &'a Diff, old: &PackageSet, new: &PackageSet) -> Self {
        let mut unreadable = Unreadable::of_set(old);
        unreadable.extend(Unreadable::of_set(new));
        DiffReport {
            schema: SCHEMA,
            diff,
            unreadable,
        }
    }
}

/// Which shape wins when the sets checked on their own are summed up: a repository anywhere
/// makes the whole one, and anything installed outranks declarations only.
fn shape_rank(shape: Shape) -> u8 {
    match shape {
        Shape::Empty => 0,
        Shape::Declarations => 1,
        Shape::Environment => 2,
        Shape::Repository => 3,
    }
}

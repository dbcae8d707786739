//! The JSON documents of schema `pkglens/1` (see `docs/schema.md`), built in one place so that
//! the CLI and the npm package print byte-identical answers for the same inputs.
//!
//! Field order in these structs is the order in the JSON.

use crate::record::{Record, Status, SCHEMA};
use crate::set::{Diff, Graph, PackageSet, Problem, Shape};
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

/// The `summary` of `check --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckSummary {
    /// Records in the set.
    pub files: usize,
    /// Packages in the set.
    pub packages: usize,
    /// Problems found.
    pub problems: usize,
    /// Problems per kind.
    pub by_kind: BTreeMap<String, usize>,
    /// Each ecosystem's shape.
    pub shapes: BTreeMap<Ecosystem, Shape>,
    /// The target environment.
    pub target: TargetReport,
}

/// `check --format json`: `{ schema, problems, summary }`.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Every problem, ordered by kind, file and line.
    pub problems: Vec<Problem>,
    /// Counts.
    pub summary: CheckSummary,
}

impl CheckReport {
    /// Checks `set`.
    pub fn new(set: &PackageSet) -> Self {
        Self::from_problems(set, set.check())
    }

    /// The report of `problems` found in `set`.
    pub fn from_problems(set: &PackageSet, problems: Vec<Problem>) -> Self {
        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        for p in &problems {
            *by_kind.entry(p.kind.as_str().to_owned()).or_default() += 1;
        }
        let target = set.target();
        CheckReport {
            schema: SCHEMA,
            summary: CheckSummary {
                files: set.records().len(),
                packages: set.nodes().len(),
                problems: problems.len(),
                by_kind,
                shapes: set.shapes(),
                target: TargetReport {
                    python: target.python.clone(),
                    platform: target.platform.clone(),
                    machine: target.machine.clone(),
                },
            },
            problems,
        }
    }
}

/// `graph --format json`: `{ schema, graph }`.
#[derive(Debug, Clone, Serialize)]
pub struct GraphReport<'a> {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The graph.
    pub graph: &'a Graph,
}

/// `why --format json`: `{ schema, name, chains }`.
#[derive(Debug, Clone, Serialize)]
pub struct WhyReport<'a> {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The name asked about.
    pub name: &'a str,
    /// Each chain from a root down to the name.
    pub chains: &'a [Vec<String>],
}

/// `diff --format json`: `{ schema, diff }`.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport<'a> {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The difference.
    pub diff: &'a Diff,
}

//! The answers of `check`, `graph`, `why` and `diff`, rendered whole once the set is built:
//! lines for people (coloured by [`Style`]), or one JSON document of schema `pkglens/1`.

use crate::cli::{GraphFormat, ReportFormat};
use crate::style::{safe, safe_lines, Style};
use pkglens_core::SCHEMA;
use pkglens_core::{CheckReport, DiffReport, GraphReport, WhyReport};
use pkglens_core::{Diff, Graph, PackageSet, ProblemKind};
use std::io::{self, Write};
/// `check`'s output: problems grouped by kind, or JSON.
pub fn write_check(
    out: &mut impl Write,
    set: &PackageSet,
    report: &CheckReport,
    format: ReportFormat,
    style: Style,
) -> io::Result<()> {
    let problems = &report.problems;
    match format {
        ReportFormat::Json => {
            serde_json::to_writer(&mut *out, report)?;
            writeln!(out)
        }
        ReportFormat::Table => {
            let by_kind = &report.summary.by_kind;
            for p in problems {
                let kind = p.kind.as_str();
                let painted = match p.kind {
                    ProblemKind::Dynamic => style.yellow(&format!("{kind:<11}")),
                    _ => style.red(&format!("{kind:<11}")),
                };
                let place = if p.line > 0 {
                    format!("{}:{}", p.path, p.line)
                } else {
                    p.path.clone()
                };
                writeln!(
                    out,
                    "{painted} {} {}",
                    style.dim(&format!("{place}:")),
                    safe(&p.message)
                )?;
            }
            let shapes: Vec<String> = set
                .shapes()
                .iter()
                .map(|(eco, shape)| format!("{eco:?} {shape:?}").to_lowercase())
                .collect();
            let counts: Vec<String> = by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
            writeln!(
                out,
                "{}{} packages ({}), python {} on {}: {}",
                if problems.is_empty() { "" } else { "\n" },
                set.nodes().len(),
                shapes.join(", "),
                set.target().python,
                set.target().platform,
                if problems.is_empty() {
                    "no problems".to_owned()
                } else {
                    format!("{} problems ({})", problems.len(), counts.join(", "))
                }
            )
        }
    }
}

/// `graph`'s output.
pub fn write_graph(out: &mut impl Write, graph: &Graph, format: GraphFormat) -> io::Result<()> {
    match format {
        GraphFormat::Tree => out.write_all(safe_lines(&graph.to_tree()).as_bytes()),
        GraphFormat::Dot => out.write_all(safe_lines(&graph.to_dot()).as_bytes()),
        GraphFormat::Mermaid => out.write_all(safe_lines(&graph.to_mermaid()).as_bytes()),
        GraphFormat::Json => {
            serde_json::to_writer(
                &mut *out,
                &GraphReport {
                    schema: SCHEMA,
                    graph,
                },
            )?;
            writeln!(out)
        }
    }
}

/// `why`'s output: one chain a line, `a -> b -> name`.
pub fn write_why(
    out: &mut impl Write,
    name: &str,
    chains: &[Vec<String>],
    format: ReportFormat,
) -> io::Result<()> {
    match format {
        ReportFormat::Json => {
            serde_json::to_writer(
                &mut *out,
                &WhyReport {
                    schema: SCHEMA,
                    name,
                    chains,
                },
            )?;
            writeln!(out)
        }
        ReportFormat::Table => {
            if chains.iter().all(|c| c.len() <= 1) {
                return writeln!(out, "nothing requires {}: it is a root", safe(name));
            }
            for chain in chains.iter().filter(|c| c.len() > 1) {
                writeln!(out, "{}", safe(&chain.join(" -> ")))?;
            }
            Ok(())
        }
    }
}

/// `diff`'s output.
pub fn write_diff(
    out: &mut impl Write,
    diff: &Diff,
    format: ReportFormat,
    style: Style,
) -> io::Result<()> {
    match format {
        ReportFormat::Json => {
            serde_json::to_writer(
                &mut *out,
                &DiffReport {
                    schema: SCHEMA,
                    diff,
                },
            )?;
            writeln!(out)
        }
        ReportFormat::Table => {
            for added in &diff.added {
                writeln!(out, "{} {}", style.green("+"), safe(&added.to_string()))?;
            }
            for removed in &diff.removed {
                writeln!(out, "{} {}", style.red("-"), safe(&removed.to_string()))?;
            }
            for change in &diff.changed {
                let versions = if change.old_versions == change.new_versions {
                    change.new_versions.join(", ")
                } else {
                    format!(
                        "{} -> {}",
                        change.old_versions.join(", "),
                        change.new_versions.join(", ")
                    )
                };
                let (name, versions) = (safe(&change.name), safe(&versions));
                writeln!(out, "{} {name} {versions}", style.yellow("~"))?;
                for r in &change.requirements_added {
                    writeln!(out, "    {} requires {}", style.green("+"), safe(r))?;
                }
                for r in &change.requirements_removed {
                    writeln!(out, "    {} requires {}", style.red("-"), safe(r))?;
                }
            }
            writeln!(
                out,
                "{} added, {} removed, {} changed",
                diff.added.len(),
                diff.removed.len(),
                diff.changed.len()
            )
        }
    }
}

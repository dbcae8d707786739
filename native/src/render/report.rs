//! The answers of `check`, `graph`, `why` and `diff`, rendered whole once the set is built:
//! lines for people (coloured by [`Style`]), or one JSON document of schema `pkglens/1`.

use crate::cli::{GraphFormat, ReportFormat};
use crate::style::{safe, safe_lines, Style};
use pkglens_core::{CheckOptions, Diff, Graph, PackageSet, Problem, ProblemKind, Shape, Why};
use pkglens_core::{CheckReport, DiffReport, GraphReport, WhyReport};
use std::io::{self, Write};
/// At most this many problems of one group are listed in the table; `--format json` has all.
const GROUP_SHOWN: usize = 5;

/// The width of the table's kind column: the longest kind's name (`incompatible`), so every
/// message starts in the same column.
fn kind_width() -> usize {
    ProblemKind::ALL
        .iter()
        .map(|k| k.as_str().len())
        .max()
        .unwrap_or(0)
}

/// `check`'s output: problems by kind, those of one kind about one name grouped (two missing
/// families can make most of a rez repository's lines), or JSON.
pub fn write_check(
    out: &mut impl Write,
    report: &CheckReport,
    options: &CheckOptions,
    python_from: &str,
    format: ReportFormat,
    style: Style,
) -> io::Result<()> {
    if format == ReportFormat::Json {
        serde_json::to_writer(&mut *out, report)?;
        return writeln!(out);
    }
    let summary = &report.summary;
    let split = summary.sets.len() > 1;
    if split {
        writeln!(
            out,
            "{} sets checked on their own (each project and environment; --merge for one set):",
            summary.sets.len()
        )?;
        for set in &summary.sets {
            let path = if set.path.is_empty() {
                "(other files)"
            } else {
                &set.path
            };
            writeln!(
                out,
                "  {}: {} packages, {} problems",
                safe(path),
                set.packages,
                set.problems
            )?;
        }
        writeln!(out)?;
    }
    for group in group_problems(&report.problems) {
        write_group(out, &group, options, style)?;
    }
    let shapes: Vec<String> = summary
        .shapes
        .iter()
        .map(|(eco, shape)| match shape {
            // Nothing installed: say what was compared instead.
            Shape::Declarations => format!(
                "{} declarations only, nothing installed: pins checked against declared ranges",
                format!("{eco:?}").to_lowercase()
            ),
            _ => format!("{eco:?} {shape:?}").to_lowercase(),
        })
        .collect();
    let count = |fails: bool| -> (usize, Vec<String>) {
        let mut total = 0;
        let mut kinds = Vec::new();
        for kind in ProblemKind::ALL {
            if options.fails(kind) != fails {
                continue;
            }
            if let Some(&n) = summary.by_kind.get(kind.as_str()) {
                total += n;
                kinds.push(format!("{n} {}", kind.as_str()));
            }
        }
        (total, kinds)
    };
    let (failures, failing_kinds) = count(true);
    let (notes, note_kinds) = count(false);
    let mut verdict = if failures == 0 {
        "no problems".to_owned()
    } else {
        format!("{failures} problems ({})", failing_kinds.join(", "))
    };
    if notes > 0 {
        let _ = std::fmt::Write::write_fmt(
            &mut verdict,
            format_args!(
                ", {notes} note{} ({})",
                if notes == 1 { "" } else { "s" },
                note_kinds.join(", ")
            ),
        );
    }
    let python_from = if python_from.is_empty() {
        String::new()
    } else {
        format!(" (from {python_from})")
    };
    let off_target = if summary.off_target > 0 {
        format!(", {} lock entries not for this target", summary.off_target)
    } else {
        String::new()
    };
    writeln!(
        out,
        "{}{} packages ({}{off_target}), python {}{python_from} on {}: {verdict}",
        if report.problems.is_empty() { "" } else { "\n" },
        summary.packages,
        shapes.join(", "),
        summary.target.python,
        summary.target.platform,
    )
}

/// Problems of one kind about one required name, in report order.
fn group_problems(problems: &[Problem]) -> Vec<Vec<&Problem>> {
    let mut groups: Vec<Vec<&Problem>> = Vec::new();
    let mut index: std::collections::HashMap<(ProblemKind, &str), usize> = Default::default();
    for p in problems {
        let groupable =
            matches!(p.kind, ProblemKind::Missing | ProblemKind::Unsatisfied) && !p.name.is_empty();
        if groupable {
            if let Some(&i) = index.get(&(p.kind, p.name.as_str())) {
                groups[i].push(p);
                continue;
            }
            index.insert((p.kind, p.name.as_str()), groups.len());
        }
        groups.push(vec![p]);
    }
    groups
}

/// One group: a line, or a heading and its first [`GROUP_SHOWN`] problems.
fn write_group(
    out: &mut impl Write,
    group: &[&Problem],
    options: &CheckOptions,
    style: Style,
) -> io::Result<()> {
    let first = group[0];
    let kind = first.kind.as_str();
    let width = kind_width();
    let painted = if options.fails(first.kind) {
        style.red(&format!("{kind:<width$}"))
    } else {
        style.yellow(&format!("{kind:<width$}"))
    };
    // Lines under a group's heading start where the messages do.
    let indent = width + 1;
    let line = |p: &Problem| {
        let place = if p.line > 0 {
            format!("{}:{}", p.path, p.line)
        } else {
            p.path.clone()
        };
        format!("{} {}", style.dim(&format!("{place}:")), safe(&p.message))
    };
    if group.len() == 1 {
        return writeln!(out, "{painted} {}", line(first));
    }
    writeln!(
        out,
        "{painted} {} ({} requirements):",
        safe(&first.name),
        group.len()
    )?;
    for p in group.iter().take(GROUP_SHOWN) {
        writeln!(out, "{:indent$}{}", "", line(p))?;
    }
    if group.len() > GROUP_SHOWN {
        writeln!(
            out,
            "{:indent$}... and {} more (--format json lists every one)",
            "",
            group.len() - GROUP_SHOWN
        )?;
    }
    Ok(())
}

/// `graph`'s output.
pub fn write_graph(
    out: &mut impl Write,
    graph: &Graph,
    set: &PackageSet,
    format: GraphFormat,
) -> io::Result<()> {
    match format {
        GraphFormat::Tree => out.write_all(safe_lines(&graph.to_tree()).as_bytes()),
        GraphFormat::Dot => out.write_all(safe_lines(&graph.to_dot()).as_bytes()),
        GraphFormat::Mermaid => out.write_all(safe_lines(&graph.to_mermaid()).as_bytes()),
        GraphFormat::Json => {
            serde_json::to_writer(&mut *out, &GraphReport::new(graph, set))?;
            writeln!(out)
        }
    }
}

/// `why`'s output: one chain a line, `a -> b -> name`, and whether `--limit` cut it short.
pub fn write_why(
    out: &mut impl Write,
    name: &str,
    why: &Why,
    set: &PackageSet,
    limit: usize,
    format: ReportFormat,
) -> io::Result<()> {
    if format == ReportFormat::Json {
        serde_json::to_writer(&mut *out, &WhyReport::new(name, why, set))?;
        return writeln!(out);
    }
    let chains: Vec<&Vec<String>> = why.chains.iter().filter(|c| c.len() > 1).collect();
    if chains.is_empty() && !why.truncated {
        return writeln!(out, "nothing requires {}: it is a root", safe(name));
    }
    for chain in &chains {
        writeln!(out, "{}", safe(&chain.join(" -> ")))?;
    }
    if why.truncated {
        writeln!(
            out,
            "... truncated at {limit} chain{} (--limit N for more)",
            if limit == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}

/// `diff`'s output.
pub fn write_diff(
    out: &mut impl Write,
    diff: &Diff,
    old: &PackageSet,
    new: &PackageSet,
    format: ReportFormat,
    style: Style,
) -> io::Result<()> {
    match format {
        ReportFormat::Json => {
            serde_json::to_writer(&mut *out, &DiffReport::new(diff, old, new))?;
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
            for change in &diff.requirements {
                let (sign, text) = match (change.old.is_empty(), change.new.is_empty()) {
                    (true, _) => (style.green("+"), change.new.join(", ")),
                    (_, true) => (style.red("-"), change.old.join(", ")),
                    _ => (
                        style.yellow("~"),
                        format!("{} -> {}", change.old.join(", "), change.new.join(", ")),
                    ),
                };
                writeln!(
                    out,
                    "{sign} requires {} {}",
                    safe(&change.name),
                    safe(&text)
                )?;
            }
            let unreadable = DiffReport::new(diff, old, new).unreadable.len();
            writeln!(
                out,
                "{} added, {} removed, {} changed, {} requirements changed{}",
                diff.added.len(),
                diff.removed.len(),
                diff.changed.len(),
                diff.requirements.len(),
                if unreadable > 0 {
                    format!(" ({unreadable} unreadable files left out)")
                } else {
                    String::new()
                }
            )
        }
    }
}

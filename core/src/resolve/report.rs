//! A finished resolve as every front end shows it: the JSON document of `resolve --format json`
//! (`docs/schema.md`, "Resolve") and the resolve graph's nodes and edges, built here once so that
//! the CLI and the npm package answer byte for byte the same (the CLI only renders them as a
//! table, DOT or Mermaid).

use super::outcome::{ResolveFailure, ResolveOutcome, ResolvedVariant, RezResolve};
use super::ResolveOptions;
use crate::record::SCHEMA;
use crate::versions::rez::RezRequirement;
use serde_json::{json, Value};

/// Everything a resolve answers: the request, the result or rez's error, and the families read.
#[derive(Debug, Clone)]
pub struct ResolveReport {
    /// The requests as given (implicit ones first).
    pub request: Vec<String>,
    /// The answer, or the message of what stopped it.
    pub result: Result<RezResolve, String>,
    /// Families the solver asked for.
    pub families: usize,
    /// The resolve's time (rez's `requested_timestamp`), when it had one.
    pub time: Option<i64>,
}

/// One node of the resolve graph: an id and what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveNode {
    /// The family (`request` for the request, `error` for rez's error).
    pub id: String,
    /// `family-version[index]` for a resolved package, the id or message otherwise.
    pub label: String,
}

/// One edge of the resolve graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveEdge {
    /// The node that requires.
    pub from: String,
    /// The node required.
    pub to: String,
    /// Whether the two conflict (a failed resolve's conflicting pair), rather than require.
    pub conflict: bool,
}

impl ResolveReport {
    /// The report of a resolve of `requests` with `options` (whose implicit requests come
    /// first, as rez merges them).
    pub fn new(
        requests: &[RezRequirement],
        options: &ResolveOptions,
        result: Result<RezResolve, String>,
        families: usize,
    ) -> Self {
        ResolveReport {
            request: options
                .implicit
                .iter()
                .chain(requests)
                .map(|r| r.to_string())
                .collect(),
            result,
            families,
            time: options.time.filter(|&t| t != 0),
        }
    }

    /// Whether the resolve found packages (the CLI exits 0 only then).
    pub fn solved(&self) -> bool {
        matches!(
            &self.result,
            Ok(RezResolve {
                outcome: ResolveOutcome::Solved { .. },
                ..
            })
        )
    }

    /// The JSON answer (`docs/schema.md`, "Resolve").
    pub fn json(&self) -> Value {
        let mut doc = json!({
            "schema": SCHEMA,
            "request": self.request,
            "families_read": self.families,
        });
        if let Some(time) = self.time {
            doc["requested_timestamp"] = json!(time);
        }
        let resolve = match &self.result {
            Err(message) => {
                doc["status"] = json!("error");
                doc["error"] = json!(message);
                return doc;
            }
            Ok(resolve) => resolve,
        };
        doc["solves"] = json!(resolve.solves);
        doc["fails"] = json!(resolve.fails);
        match &resolve.outcome {
            ResolveOutcome::Solved {
                packages,
                ephemerals,
            } => {
                doc["status"] = json!("solved");
                doc["packages"] = packages
                    .iter()
                    .zip(requested_by(resolve, packages))
                    .map(|(p, by)| package_json(p, &by))
                    .collect();
                doc["ephemerals"] = ephemerals.iter().map(|r| json!(r.to_string())).collect();
            }
            ResolveOutcome::Failed { failure, .. } => {
                doc["status"] = json!("failed");
                doc["failure"] = json!({
                    "kind": failure_kind(failure),
                    "description": failure.description(),
                    "chains": resolve.failure_chains(),
                });
            }
        }
        doc
    }

    /// The resolve graph: the request, each resolved package and an edge from whatever
    /// required it; for a failure, the chains to the packages involved and the conflicting
    /// pairs; for rez's error, the request and the message.
    pub fn graph(&self) -> (Vec<ResolveNode>, Vec<ResolveEdge>) {
        let node = |id: &str, label: &str| ResolveNode {
            id: id.to_string(),
            label: label.to_string(),
        };
        let mut nodes = vec![node("request", "request")];
        let mut edges: Vec<ResolveEdge> = Vec::new();
        let edge = |edges: &mut Vec<ResolveEdge>, from: &str, to: &str, conflict: bool| {
            edges.push(ResolveEdge {
                from: from.to_string(),
                to: to.to_string(),
                conflict,
            });
        };
        let resolve = match &self.result {
            Err(message) => {
                nodes.push(node("error", message));
                return (nodes, edges);
            }
            Ok(resolve) => resolve,
        };
        match &resolve.outcome {
            ResolveOutcome::Solved { packages, .. } => {
                for (p, by) in packages.iter().zip(requested_by(resolve, packages)) {
                    nodes.push(node(&p.name, &variant_label(p)));
                    for (from, _) in by {
                        edge(
                            &mut edges,
                            from.as_deref().unwrap_or("request"),
                            &p.name,
                            false,
                        );
                    }
                }
            }
            ResolveOutcome::Failed { failure, .. } => {
                for chain in resolve.failure_chains() {
                    let mut prev = "request".to_string();
                    for link in chain {
                        if !nodes.iter().any(|n| n.id == link) {
                            nodes.push(node(&link, &link));
                        }
                        if !edges
                            .iter()
                            .any(|e| e.from == prev && e.to == link && !e.conflict)
                        {
                            edge(&mut edges, &prev, &link, false);
                        }
                        prev = link;
                    }
                }
                if let ResolveFailure::Conflicts(pairs) = failure {
                    for (a, b) in pairs {
                        edge(&mut edges, &a.name, &b.name, true);
                    }
                }
            }
        }
        (nodes, edges)
    }
}

/// One resolved package's JSON.
fn package_json(p: &ResolvedVariant, by: &[(Option<String>, String)]) -> Value {
    let mut package = json!({
        "name": p.name,
        "version": p.version.to_string(),
        "variant": p.variant,
        "path": p.path,
        "requires": p.requires.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        "requested_by": by
            .iter()
            .map(|(b, r)| json!({"by": b, "requirement": r}))
            .collect::<Vec<_>>(),
    });
    if !p.computed.is_empty() {
        package["computed"] = json!(p.computed);
    }
    package
}

/// `family-version[index]` (`family-version[]` without variants), as rez prints a resolved
/// variant (`str(PackageVariant)`).
pub fn variant_label(p: &ResolvedVariant) -> String {
    let mut s = p.name.clone();
    if !p.version.is_empty() {
        s.push('-');
        s.push_str(&p.version.to_string());
    }
    let index = p.variant.map(|i| i.to_string()).unwrap_or_default();
    s.push_str(&format!("[{index}]"));
    s
}

/// Who required each resolved package: the request (`None`) or a resolved family, with the
/// requirement as written.
fn requested_by(
    resolve: &RezResolve,
    packages: &[ResolvedVariant],
) -> Vec<Vec<(Option<String>, String)>> {
    packages
        .iter()
        .map(|p| {
            let mut by: Vec<(Option<String>, String)> = resolve
                .request
                .iter()
                .filter(|r| r.name == p.name && !r.conflict)
                .map(|r| (None, r.to_string()))
                .collect();
            for other in packages {
                for r in other
                    .requires
                    .iter()
                    .filter(|r| r.name == p.name && !r.conflict)
                {
                    by.push((Some(other.name.clone()), r.to_string()));
                }
            }
            by
        })
        .collect()
}

fn failure_kind(failure: &ResolveFailure) -> &'static str {
    match failure {
        ResolveFailure::TotalReduction(_) => "total_reduction",
        ResolveFailure::Conflicts(_) => "conflicts",
        ResolveFailure::Cycle(_) => "cycle",
    }
}

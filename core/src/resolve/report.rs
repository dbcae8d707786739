//! A finished resolve as every front end shows it: the JSON document of `resolve --format json`
//! (`docs/schema.md`, "Resolve") and the resolve graph's nodes and edges with their DOT and
//! Mermaid text, built here once so that the CLI, the npm package and the page answer byte for
//! byte the same (the CLI only adds its table).

use super::outcome::{ResolveFailure, ResolveOutcome, ResolvedVariant, RezResolve};
use super::ResolveOptions;
use crate::record::SCHEMA;
use crate::versions::rez::RezRequirement;
use serde_json::{json, Value};
use std::fmt::Write;

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
    /// The package orderers it was given, as rez's context records them
    /// ([`PackageOrderers::to_pod`](super::PackageOrderers::to_pod)), when it had any.
    pub orderers: Option<Value>,
    /// The package filter it was given, as rez's context records it
    /// ([`PackageFilterList::to_pod`](super::PackageFilterList::to_pod)), when it had one.
    pub package_filter: Option<Value>,
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
            orderers: (!options.orderers.is_empty()).then(|| options.orderers.to_pod()),
            package_filter: options
                .package_filter
                .has_filters()
                .then(|| options.package_filter.to_pod()),
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
        if let Some(orderers) = &self.orderers {
            doc["package_orderers"] = orderers.clone();
        }
        if let Some(filter) = &self.package_filter {
            doc["package_filter"] = filter.clone();
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
                // Each conflict joins the two requirements that end their chains, as rez's
                // failure graph joins them (`_add_conflict_edge`).
                for (a, b) in conflicting_pairs(failure) {
                    if !edges.iter().any(|e| e.from == a && e.to == b && e.conflict) {
                        edge(&mut edges, &a, &b, true);
                    }
                }
            }
        }
        (nodes, edges)
    }

    /// The resolve graph ([`graph`](Self::graph)) as Graphviz DOT: what
    /// `pkglens resolve --format dot` prints, and the npm package and the page answer.
    pub fn dot(&self) -> String {
        let (nodes, edges) = self.graph();
        let id = node_ids(&nodes);
        let mut out = String::from("digraph resolve {\n");
        for node in &nodes {
            // A JSON string is a valid DOT string: quotes and backslashes escaped.
            let label = Value::from(node.label.as_str());
            let _ = writeln!(out, "  {} [label={label}];", id(&node.id));
        }
        for edge in &edges {
            let attr = match edge.conflict {
                true => " [color=red, label=\"conflict\"]",
                false => "",
            };
            let _ = writeln!(out, "  {} -> {}{attr};", id(&edge.from), id(&edge.to));
        }
        out.push_str("}\n");
        out
    }

    /// The resolve graph ([`graph`](Self::graph)) as a Mermaid flowchart: what
    /// `pkglens resolve --format mermaid` prints, and the npm package and the page answer.
    pub fn mermaid(&self) -> String {
        let (nodes, edges) = self.graph();
        let id = node_ids(&nodes);
        let mut out = String::from("flowchart LR\n");
        for node in &nodes {
            // Mermaid's entity for a quote: a label is quoted, and cannot hold a raw `"`.
            let label = node.label.replace('"', "#quot;");
            let _ = writeln!(out, "  {}[\"{label}\"]", id(&node.id));
        }
        for edge in &edges {
            let arrow = match edge.conflict {
                true => " -. conflict .-> ",
                false => " --> ",
            };
            let _ = writeln!(out, "  {}{arrow}{}", id(&edge.from), id(&edge.to));
        }
        out
    }
}

/// The short id each node is drawn under (`n0`, `n1`, ... in node order; the request's, `n0`,
/// for an id that names no node).
fn node_ids(nodes: &[ResolveNode]) -> impl Fn(&str) -> String + '_ {
    move |name: &str| {
        let index = nodes.iter().position(|n| n.id == name).unwrap_or(0);
        format!("n{index}")
    }
}

/// The requirements a failure says conflict, as the nodes of their chains
/// ([`RezResolve::failure_chains`]) name them: a conflict's requirement and the request it
/// conflicts with; a reduction's dependency and the request it conflicts with.
fn conflicting_pairs(failure: &ResolveFailure) -> Vec<(String, String)> {
    match failure {
        ResolveFailure::Conflicts(pairs) => pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        ResolveFailure::TotalReduction(reductions) => reductions
            .iter()
            .map(|r| (r.dependency.to_string(), r.conflicting.to_string()))
            .collect(),
        ResolveFailure::Cycle(_) => Vec::new(),
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

#[cfg(test)]
mod tests {
    use super::super::outcome::Reduction;
    use super::*;
    use crate::versions::rez::RezVersion;

    fn req(text: &str) -> RezRequirement {
        RezRequirement::parse(text).unwrap()
    }

    /// rez's answer to `usd-24 python-3.9` over the examples: usd-24 requires python-3.11.
    fn conflict() -> ResolveReport {
        let resolve = RezResolve {
            request: vec![req("usd-24"), req("python-3.9")],
            outcome: ResolveOutcome::Failed {
                failure: ResolveFailure::Conflicts(vec![(req("python-3.11"), req("python-3.9"))]),
                pulled: vec![("usd".into(), "python".into(), req("python-3.11"))],
            },
            solves: 1,
            fails: 1,
        };
        ResolveReport {
            request: vec!["usd-24".into(), "python-3.9".into()],
            result: Ok(resolve),
            families: 2,
            time: None,
            orderers: None,
            package_filter: None,
        }
    }

    #[test]
    fn a_conflict_joins_the_two_requirements_at_the_ends_of_their_chains() {
        let report = conflict();
        assert_eq!(
            report.dot(),
            "digraph resolve {\n  n0 [label=\"request\"];\n  n1 [label=\"usd\"];\n  \
             n2 [label=\"python-3.11\"];\n  n3 [label=\"python-3.9\"];\n  n0 -> n1;\n  \
             n1 -> n2;\n  n0 -> n3;\n  n2 -> n3 [color=red, label=\"conflict\"];\n}\n"
        );
        assert_eq!(
            report.mermaid(),
            "flowchart LR\n  n0[\"request\"]\n  n1[\"usd\"]\n  n2[\"python-3.11\"]\n  \
             n3[\"python-3.9\"]\n  n0 --> n1\n  n1 --> n2\n  n0 --> n3\n  n2 -. conflict .-> n3\n"
        );
    }

    #[test]
    fn a_reduction_joins_the_dependency_and_the_request_it_conflicts_with() {
        // rez's test_solver `bahish pybah<5`: bahish-2 needs pybah-5, bahish-1 conflicts with
        // pybah-4 (`!pybah-4`), and the request allows only pybah 4.
        let reduction = |version: &str, dependency: &str| Reduction {
            name: "bahish".into(),
            version: RezVersion::parse(version).unwrap(),
            variant: None,
            dependency: req(dependency),
            conflicting: req("pybah==4"),
        };
        let mut report = conflict();
        report.result = Ok(RezResolve {
            request: vec![req("bahish"), req("pybah<5")],
            outcome: ResolveOutcome::Failed {
                failure: ResolveFailure::TotalReduction(vec![
                    reduction("2", "pybah-5"),
                    reduction("1", "!pybah-4"),
                ]),
                pulled: Vec::new(),
            },
            solves: 1,
            fails: 1,
        });
        let (nodes, edges) = report.graph();
        let conflicts: Vec<(&str, &str)> = edges
            .iter()
            .filter(|e| e.conflict)
            .map(|e| (e.from.as_str(), e.to.as_str()))
            .collect();
        assert_eq!(
            conflicts,
            [("pybah-5", "pybah==4"), ("!pybah-4", "pybah==4")]
        );
        // Every edge joins two nodes that are drawn.
        for e in &edges {
            assert!(nodes.iter().any(|n| n.id == e.from), "{e:?}");
            assert!(nodes.iter().any(|n| n.id == e.to), "{e:?}");
        }
        assert!(report.mermaid().contains("-. conflict .->"));
    }

    #[test]
    fn quotes_and_backslashes_in_a_label_are_escaped_for_each_syntax() {
        let mut report = conflict();
        report.result = Err(r#"family not found: "a\b""#.into());
        assert_eq!(
            report.dot(),
            "digraph resolve {\n  n0 [label=\"request\"];\n  \
             n1 [label=\"family not found: \\\"a\\\\b\\\"\"];\n}\n"
        );
        assert_eq!(
            report.mermaid(),
            "flowchart LR\n  n0[\"request\"]\n  n1[\"family not found: #quot;a\\b#quot;\"]\n"
        );
    }

    #[test]
    fn a_solved_resolve_draws_an_edge_from_whatever_required_each_package() {
        let variant = |name: &str, version: &str, requires: &[&str]| ResolvedVariant {
            name: name.into(),
            version: RezVersion::parse(version).unwrap(),
            variant: None,
            path: format!("{name}/{version}/package.py"),
            requires: requires.iter().map(|r| req(r)).collect(),
            computed: Vec::new(),
        };
        let mut report = conflict();
        report.result = Ok(RezResolve {
            request: vec![req("tool")],
            outcome: ResolveOutcome::Solved {
                packages: vec![variant("lib", "1.0", &[]), variant("tool", "2", &["lib-1"])],
                ephemerals: Vec::new(),
            },
            solves: 2,
            fails: 0,
        });
        assert_eq!(
            report.dot(),
            "digraph resolve {\n  n0 [label=\"request\"];\n  n1 [label=\"lib-1.0[]\"];\n  \
             n2 [label=\"tool-2[]\"];\n  n2 -> n1;\n  n0 -> n2;\n}\n"
        );
    }
}

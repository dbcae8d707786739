//! Questions about a package set: dependents, closure, why, and the dependency graph with its
//! renderings (tree, DOT, Mermaid, JSON).

use super::{NodeId, Owner, PackageSet, Resolution};
use crate::record::{Ecosystem, RequirementKind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

/// A package in a rendered graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphNode {
    /// A stable identifier: `ecosystem:name@version`, or `file:path` for a requirements list.
    pub id: String,
    /// The name as written.
    pub name: String,
    /// The version (empty for a file).
    pub version: String,
    /// `python`, `rez`, or `file`.
    pub ecosystem: String,
    /// The file it was read from (empty for a missing package).
    pub path: String,
    /// Whether no package of this name is in the set: only requirements name it (pipdeptree's
    /// `installed: ?`).
    pub missing: bool,
}

/// A dependency in a rendered graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphEdge {
    /// The requiring node's id.
    pub from: String,
    /// The required node's id.
    pub to: String,
    /// The requirement as written.
    pub requirement: String,
    /// The version constraint (empty for any).
    pub spec: String,
    /// `satisfied`, `unsatisfied` (drawn to the version present) or `missing` (drawn to a
    /// missing node).
    pub status: &'static str,
    /// `run`, `extra` (an optional dependency), `group` (a dependency group) or `build`.
    pub kind: &'static str,
}

/// A dependency graph: nodes in a stable order, edges in requirement order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// The nodes.
    pub nodes: Vec<GraphNode>,
    /// The edges.
    pub edges: Vec<GraphEdge>,
    /// The nodes the graph starts from.
    pub roots: Vec<String>,
    /// Whether the walk followed dependents (edges still point from requirer to required).
    pub reverse: bool,
}

/// One step of a graph walk: a node, a requirements file, or a missing name (by the first
/// edge that requires it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Vertex {
    File(usize),
    Node(NodeId),
    Missing(usize),
}

/// The status of an edge, as graph JSON writes it.
fn edge_status(resolution: &Resolution) -> &'static str {
    match resolution {
        Resolution::Satisfied(_) => "satisfied",
        Resolution::Unsatisfied(_) => "unsatisfied",
        _ => "missing",
    }
}

/// The kind of an edge, as graph JSON writes it.
fn edge_kind(edge: &super::Edge) -> &'static str {
    match &edge.requirement.kind {
        RequirementKind::Optional(_) => "extra",
        RequirementKind::Group(_) => "group",
        RequirementKind::Build => "build",
        _ if edge.list.contains("build_requires") => "build",
        _ => "run",
    }
}

impl PackageSet {
    /// The name graph: adjacency between indices of `name_keys`, through satisfied run
    /// requirements (including variants' requirements).
    pub(crate) fn name_graph(&self) -> Vec<Vec<usize>> {
        let index: HashMap<&(Ecosystem, String), usize> = self
            .name_keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k, i))
            .collect();
        let mut graph: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); self.name_keys.len()];
        for edge in self.edges() {
            let (Owner::Package(from), Resolution::Satisfied(targets)) =
                (edge.from, &edge.resolution)
            else {
                continue;
            };
            if !(edge.list == "requires" || edge.list.starts_with("variants[")) {
                continue;
            }
            let from_node = &self.nodes()[from];
            let Some(&a) = index.get(&(from_node.ecosystem, from_node.key.clone())) else {
                continue;
            };
            for &t in targets {
                let node = &self.nodes()[t];
                if let Some(&b) = index.get(&(node.ecosystem, node.key.clone())) {
                    graph[a].insert(b);
                }
            }
        }
        graph.into_iter().map(|s| s.into_iter().collect()).collect()
    }

    /// The dependencies of every vertex: for each satisfied requirement, the newest package
    /// that satisfies it (the one a resolver would pick from a repository); for an unsatisfied
    /// one, the newest present; for a missing one, the missing name's vertex. Run and extra
    /// requirements of packages, and file-level requirements (groups and the build system's
    /// when asked for); packages' build requirements are not drawn.
    fn dependencies(&self) -> BTreeMap<Vertex, Vec<(Vertex, usize)>> {
        let mut out: BTreeMap<Vertex, Vec<(Vertex, usize)>> = BTreeMap::new();
        let mut missing: HashMap<(Ecosystem, String), usize> = HashMap::new();
        for (i, edge) in self.edges().iter().enumerate() {
            if !(edge.list == "requires"
                || edge.list == "requirements"
                || edge.list.starts_with("variants["))
            {
                continue;
            }
            let from = match edge.from {
                Owner::Package(id) => Vertex::Node(id),
                Owner::File(r) => Vertex::File(r),
            };
            // Unsatisfied requirements are drawn too, to the version that is present: a graph
            // shows what is there (as pipdeptree does), and the edge says it does not fit.
            let to = match &edge.resolution {
                Resolution::Satisfied(targets) | Resolution::Unsatisfied(targets) => {
                    self.newest(targets).map(Vertex::Node)
                }
                Resolution::Missing => {
                    let eco = match edge.from {
                        Owner::Package(id) => self.nodes()[id].ecosystem,
                        Owner::File(_) => Ecosystem::Python,
                    };
                    let key = (eco, super::match_key(eco, &edge.requirement.name));
                    Some(Vertex::Missing(*missing.entry(key).or_insert(i)))
                }
                Resolution::Inactive => None,
            };
            if let Some(to) = to {
                let list = out.entry(from).or_default();
                if !list.iter().any(|(v, _)| *v == to) {
                    list.push((to, i));
                }
            }
        }
        out
    }

    /// Nodes and files that require `node` (satisfied or not), in requirement order.
    pub fn dependents(&self, node: NodeId) -> Vec<(Owner, &super::Edge)> {
        self.edges()
            .iter()
            .filter(|e| match &e.resolution {
                Resolution::Satisfied(t) | Resolution::Unsatisfied(t) => t.contains(&node),
                _ => false,
            })
            .map(|e| (e.from, e))
            .collect()
    }

    fn vertex_id(&self, v: Vertex) -> String {
        match v {
            Vertex::Missing(i) => {
                let (eco, key) = self.missing_name(i);
                format!("missing:{}:{key}", eco_name(eco))
            }
            Vertex::File(r) => format!("file:{}", self.records()[r].path),
            Vertex::Node(n) => {
                let p = self.package(n);
                let eco = match p.ecosystem {
                    Ecosystem::Python => "python",
                    Ecosystem::Rez => "rez",
                };
                format!("{eco}:{}@{}", self.nodes()[n].key, p.version)
            }
        }
    }

    /// The ecosystem and name of the missing vertex of edge `i`.
    fn missing_name(&self, i: usize) -> (Ecosystem, String) {
        let edge = &self.edges()[i];
        let eco = match edge.from {
            Owner::Package(id) => self.nodes()[id].ecosystem,
            Owner::File(_) => Ecosystem::Python,
        };
        (eco, super::match_key(eco, &edge.requirement.name))
    }

    fn graph_node(&self, v: Vertex) -> GraphNode {
        match v {
            Vertex::Missing(i) => {
                let (eco, _) = self.missing_name(i);
                GraphNode {
                    id: self.vertex_id(v),
                    name: self.edges()[i].requirement.name.clone(),
                    version: String::new(),
                    ecosystem: eco_name(eco).into(),
                    path: String::new(),
                    missing: true,
                }
            }
            Vertex::File(r) => GraphNode {
                id: self.vertex_id(v),
                name: self.records()[r].path.clone(),
                version: String::new(),
                ecosystem: "file".into(),
                path: self.records()[r].path.clone(),
                missing: false,
            },
            Vertex::Node(n) => {
                let p = self.package(n);
                GraphNode {
                    id: self.vertex_id(v),
                    name: p.name.clone(),
                    version: p.version.clone(),
                    ecosystem: match p.ecosystem {
                        Ecosystem::Python => "python".into(),
                        Ecosystem::Rez => "rez".into(),
                    },
                    path: self.path(n).to_owned(),
                    missing: false,
                }
            }
        }
    }

    /// Roots of the whole graph: requirements files, pyproject projects, then every package no
    /// other package depends on.
    fn default_roots(&self, deps: &BTreeMap<Vertex, Vec<(Vertex, usize)>>) -> Vec<Vertex> {
        let required: BTreeSet<Vertex> = deps.values().flatten().map(|(v, _)| *v).collect();
        let mut roots: Vec<Vertex> = deps
            .keys()
            .filter(|v| matches!(v, Vertex::File(_)))
            .copied()
            .collect();
        roots.extend(self.root_nodes().into_iter().map(Vertex::Node));
        for n in 0..self.nodes().len() {
            let v = Vertex::Node(n);
            if !required.contains(&v) && !roots.contains(&v) {
                roots.push(v);
            }
        }
        roots
    }

    /// The dependency graph from `roots` (names; every package of that name), or from the
    /// default roots; `reverse` follows dependents instead; `depth` limits the steps from a
    /// root. Unknown root names are returned as errors.
    pub fn graph(
        &self,
        roots: &[String],
        reverse: bool,
        depth: Option<usize>,
    ) -> Result<Graph, String> {
        let forward = self.dependencies();
        let adjacency = if reverse {
            let mut back: BTreeMap<Vertex, Vec<(Vertex, usize)>> = BTreeMap::new();
            for (from, tos) in &forward {
                for (to, i) in tos {
                    back.entry(*to).or_default().push((*from, *i));
                }
            }
            back
        } else {
            forward.clone()
        };
        let starts: Vec<Vertex> = if roots.is_empty() {
            if reverse {
                // Leaves: packages that require nothing.
                (0..self.nodes().len())
                    .map(Vertex::Node)
                    .filter(|v| !forward.contains_key(v))
                    .collect()
            } else {
                self.default_roots(&forward)
            }
        } else {
            let mut starts = Vec::new();
            for name in roots {
                let found = self.find(name);
                if found.is_empty() {
                    return Err(format!("no package named `{name}` in the set"));
                }
                starts.extend(found.into_iter().map(Vertex::Node));
            }
            starts
        };
        let mut graph = Graph {
            roots: starts.iter().map(|&v| self.vertex_id(v)).collect(),
            reverse,
            ..Graph::default()
        };
        let mut seen: BTreeSet<Vertex> = BTreeSet::new();
        // The same package read from two places (a project's pyproject and its egg-info) is one
        // node and its requirements one set of edges: ids and edges are emitted once.
        let mut ids: BTreeSet<String> = BTreeSet::new();
        let mut drawn: BTreeSet<(String, String, String)> = BTreeSet::new();
        let mut queue: std::collections::VecDeque<(Vertex, usize)> =
            starts.iter().map(|&v| (v, 0)).collect();
        for &v in &starts {
            if seen.insert(v) && ids.insert(self.vertex_id(v)) {
                graph.nodes.push(self.graph_node(v));
            }
        }
        let mut unique = BTreeSet::new();
        graph.roots.retain(|id| unique.insert(id.clone()));
        while let Some((v, d)) = queue.pop_front() {
            if depth.is_some_and(|max| d >= max) {
                continue;
            }
            for &(w, i) in adjacency.get(&v).map(Vec::as_slice).unwrap_or_default() {
                let edge = &self.edges()[i];
                let (from, to) = if reverse { (w, v) } else { (v, w) };
                let key = (
                    self.vertex_id(from),
                    self.vertex_id(to),
                    edge.requirement.spec.clone(),
                );
                if drawn.insert(key.clone()) {
                    graph.edges.push(GraphEdge {
                        from: key.0,
                        to: key.1,
                        requirement: edge.requirement.raw.clone(),
                        spec: key.2,
                        status: edge_status(&edge.resolution),
                        kind: edge_kind(edge),
                    });
                }
                if seen.insert(w) {
                    if ids.insert(self.vertex_id(w)) {
                        graph.nodes.push(self.graph_node(w));
                    }
                    queue.push_back((w, d + 1));
                }
            }
        }
        Ok(graph)
    }

    /// Every chain (up to `limit`) by which a package named `name` is required, each from a
    /// root (a requirements file, a project, or a package nothing depends on) down to it.
    /// For a name no package has, the chains end at the requirements that miss it (the usual
    /// reason to ask); an error only when nothing has or requires that name.
    pub fn why(&self, name: &str, limit: usize) -> Result<Why, String> {
        let forward = self.dependencies();
        let mut back: BTreeMap<Vertex, Vec<Vertex>> = BTreeMap::new();
        for (from, tos) in &forward {
            for (to, _) in tos {
                back.entry(*to).or_default().push(*from);
            }
        }
        let label = |v: Vertex| match v {
            Vertex::File(r) => self.records()[r].path.clone(),
            Vertex::Node(n) => self.label(n),
            Vertex::Missing(i) => self.edges()[i].requirement.name.clone(),
        };
        // Where each chain starts upwards from, and the text that ends it.
        let found = self.find(name);
        let present = !found.is_empty();
        let starts: Vec<(Vertex, Option<String>)> = if present {
            found.into_iter().map(|n| (Vertex::Node(n), None)).collect()
        } else {
            self.missing_requirers(name)
        };
        if starts.is_empty() {
            return Err(format!(
                "no package named `{name}` in the set, and nothing requires it"
            ));
        }
        let mut chains: Vec<Vec<String>> = Vec::new();
        let mut truncated = false;
        'starts: for (start, end) in starts {
            // Depth-first over simple paths upwards.
            let mut stack: Vec<Vec<Vertex>> = vec![vec![start]];
            while let Some(path) = stack.pop() {
                let v = path[path.len() - 1];
                let parents = back.get(&v).cloned().unwrap_or_default();
                let fresh: Vec<Vertex> =
                    parents.into_iter().filter(|p| !path.contains(p)).collect();
                if fresh.is_empty() {
                    let mut chain: Vec<String> = path.iter().rev().map(|&v| label(v)).collect();
                    chain.extend(end.clone());
                    // Two packages with one label (a project and its egg-info) give one chain.
                    if chains.contains(&chain) {
                        continue;
                    }
                    if chains.len() == limit {
                        truncated = true;
                        break 'starts;
                    }
                    chains.push(chain);
                    continue;
                }
                for p in fresh.into_iter().rev() {
                    let mut next = path.clone();
                    next.push(p);
                    stack.push(next);
                }
            }
        }
        Ok(Why {
            present,
            chains,
            truncated,
        })
    }

    /// The requirers of a name that is missing from the set, each with the text that ends its
    /// chains: `name (missing: `requirement`)`.
    fn missing_requirers(&self, name: &str) -> Vec<(Vertex, Option<String>)> {
        let mut out = Vec::new();
        for edge in self.edges() {
            if edge.resolution != Resolution::Missing {
                continue;
            }
            let eco = match edge.from {
                Owner::Package(id) => self.nodes()[id].ecosystem,
                Owner::File(_) => Ecosystem::Python,
            };
            if super::match_key(eco, &edge.requirement.name) != super::match_key(eco, name) {
                continue;
            }
            let from = match edge.from {
                Owner::Package(id) => Vertex::Node(id),
                Owner::File(r) => Vertex::File(r),
            };
            let end = format!(
                "{} (missing: `{}`)",
                edge.requirement.name, edge.requirement.raw
            );
            if !out.contains(&(from, Some(end.clone()))) {
                out.push((from, Some(end)));
            }
        }
        out
    }
}

/// The answer of [`PackageSet::why`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Why {
    /// Whether a package of the name is in the set.
    pub present: bool,
    /// Each chain from a root down to the name.
    pub chains: Vec<Vec<String>>,
    /// Whether the limit cut the answer short.
    pub truncated: bool,
}

impl Graph {
    /// Graphviz DOT.
    pub fn to_dot(&self) -> String {
        let mut out = String::from(
            "digraph pkglens {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
        );
        for node in &self.nodes {
            let label = if node.version.is_empty() {
                node.name.clone()
            } else {
                format!("{}\\n{}", node.name, node.version)
            };
            let (label, style) = if node.missing {
                (
                    format!("{}\\n(missing)", node.name),
                    ", style=dashed, color=red",
                )
            } else {
                (label, "")
            };
            let style = if !style.is_empty() {
                style
            } else if node.ecosystem == "file" {
                ", style=dashed"
            } else if node.ecosystem == "rez" {
                ", color=\"#b5651d\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  \"{}\" [label=\"{}\"{}];",
                escape(&node.id),
                escape(&label).replace("\\\\n", "\\n"),
                style
            );
        }
        for edge in &self.edges {
            let note = edge_note(edge);
            let label = match (edge.spec.is_empty(), note.is_empty()) {
                (_, true) => edge.spec.clone(),
                (true, false) => format!("({note})"),
                (false, false) => format!("{} ({note})", edge.spec),
            };
            let style = match edge.status {
                "unsatisfied" => ", color=red, fontcolor=red",
                "missing" => ", color=red, fontcolor=red, style=dashed",
                _ if edge.kind != "run" => ", style=dotted",
                _ => "",
            };
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\" [label=\"{}\"{style}];",
                escape(&edge.from),
                escape(&edge.to),
                escape(&label)
            );
        }
        out.push_str("}\n");
        out
    }

    /// A Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        let ids: HashMap<&str, String> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), format!("n{i}")))
            .collect();
        let mut out = String::from("flowchart LR\n");
        for (i, node) in self.nodes.iter().enumerate() {
            let label = if node.missing {
                format!("{} (missing)", node.name)
            } else {
                format!("{} {}", node.name, node.version)
            };
            let label = label.trim().replace('"', "#quot;");
            let _ = writeln!(out, "  n{i}[\"{label}\"]");
        }
        for edge in &self.edges {
            let (Some(a), Some(b)) = (ids.get(edge.from.as_str()), ids.get(edge.to.as_str()))
            else {
                continue;
            };
            // A missing or unsatisfied edge is dotted, as Mermaid draws an optional link.
            let arrow = if edge.status == "satisfied" {
                "-->"
            } else {
                "-.->"
            };
            let note = edge_note(edge);
            let label = format!(
                "{}{}{note}{}",
                edge.spec,
                if !edge.spec.is_empty() && !note.is_empty() {
                    " ("
                } else {
                    ""
                },
                if !edge.spec.is_empty() && !note.is_empty() {
                    ")"
                } else {
                    ""
                },
            );
            if label.is_empty() {
                let _ = writeln!(out, "  {a} {arrow} {b}");
            } else {
                let _ = writeln!(
                    out,
                    "  {a} {arrow}|\"{}\"| {b}",
                    label.replace('"', "#quot;")
                );
            }
        }
        out
    }

    /// An indented tree from each root (down to dependencies, or up to dependents for a
    /// reverse graph); a node already shown is marked `(*)` and not expanded.
    pub fn to_tree(&self) -> String {
        let names: HashMap<&str, &GraphNode> =
            self.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
        let mut children: HashMap<&str, Vec<(&str, &GraphEdge)>> = HashMap::new();
        for edge in &self.edges {
            let (parent, child) = if self.reverse {
                (&edge.to, &edge.from)
            } else {
                (&edge.from, &edge.to)
            };
            children
                .entry(parent.as_str())
                .or_default()
                .push((child.as_str(), edge));
        }
        let mut out = String::new();
        let mut shown: BTreeSet<&str> = BTreeSet::new();
        for root in &self.roots {
            let mut stack: Vec<(&str, usize, Option<&GraphEdge>)> = vec![(root.as_str(), 0, None)];
            while let Some((id, depth, via)) = stack.pop() {
                let node = names.get(id);
                let name = node.map_or(id.to_owned(), |n| {
                    format!("{} {}", n.name, n.version).trim().to_owned()
                });
                // `[required: >=2, missing]`, as pipdeptree writes `installed: ?`.
                let spec = via
                    .map(|e| {
                        let note = edge_note(e);
                        match (e.spec.is_empty(), note.is_empty()) {
                            (true, true) => String::new(),
                            (true, false) => format!(" [{note}]"),
                            (false, true) => format!(" [required: {}]", e.spec),
                            (false, false) => format!(" [required: {}, {note}]", e.spec),
                        }
                    })
                    .unwrap_or_default();
                let repeat = !shown.insert(id) && children.contains_key(id);
                let _ = writeln!(
                    out,
                    "{}{}{}{}",
                    "  ".repeat(depth),
                    name,
                    spec,
                    if repeat { " (*)" } else { "" }
                );
                if !repeat {
                    if let Some(kids) = children.get(id) {
                        for (child, edge) in kids.iter().rev() {
                            stack.push((child, depth + 1, Some(*edge)));
                        }
                    }
                }
            }
        }
        out
    }
}

fn eco_name(eco: Ecosystem) -> &'static str {
    match eco {
        Ecosystem::Python => "python",
        Ecosystem::Rez => "rez",
    }
}

/// What an edge's label adds to its specifier: its kind when not `run`, its status when not
/// `satisfied` (`extra, unsatisfied`).
fn edge_note(edge: &GraphEdge) -> String {
    let mut notes = Vec::new();
    if edge.kind != "run" {
        notes.push(edge.kind);
    }
    if edge.status != "satisfied" {
        notes.push(edge.status);
    }
    notes.join(", ")
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

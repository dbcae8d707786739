//! The package set: every package of a scan, indexed by ecosystem and name, with each
//! requirement resolved against it.
//!
//! - Python names are compared after PEP 503 normalisation, rez names as written; the two
//!   ecosystems never match each other.
//! - Shape, per ecosystem: an *environment* has one version per name (a site-packages, a lock
//!   file), a *repository* several (a wheelhouse, a rez repository). In an environment a
//!   requirement is satisfied by the one version present; in a repository by any version.
//! - Roots: file-level requirement lists (`requirements.txt`, a pyproject's build system and
//!   groups) and the projects of `pyproject.toml` files.
//! - Python requirements are evaluated against a [`TargetEnvironment`]; a requirement whose
//!   marker is false there is inactive. Extras are followed: `foo[bar]` activates foo's
//!   `extra == "bar"` requirements.
//! - rez: weak requirements (`~foo`) only limit a family that is present, conflicts (`!foo`)
//!   and ephemerals (`.foo`) need nothing; a package with variants is satisfiable when one
//!   variant's requirements all are.

mod checks;
mod diff;
mod queries;
mod split;
mod tags;
pub use tags::{wheel_supported, wheel_tag_rank};

pub use checks::{Problem, ProblemKind};
pub use diff::{diff, Change, Diff, RequirementChange};
pub use queries::{Graph, GraphEdge, GraphNode, Why};
pub use split::{project_folders, split_projects};

use crate::record::{Ecosystem, Format, Package, Record, Requirement, RequirementKind};
use crate::versions::pep440::Specifiers;
use crate::versions::pep508::{normalize_name, Marker};
use crate::versions::rez;
use crate::versions::target::TargetEnvironment;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A package's place in the set.
pub type NodeId = usize;

/// One package of the set.
#[derive(Debug, Clone)]
pub struct Node {
    /// Its ecosystem.
    pub ecosystem: Ecosystem,
    /// The name used for matching (PEP 503 normalised for Python).
    pub key: String,
    /// Index of its record.
    pub record: usize,
    /// Index of the package in the record.
    pub package: usize,
}

/// Whether a name has one version (environment) or several (repository).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// One version per name.
    Environment,
    /// Several versions of some name.
    Repository,
    /// No packages.
    Empty,
    /// Only declarations: projects' `pyproject.toml` and requirements lists, nothing
    /// installed, built or locked (see [`PackageSet::declarations_only`]).
    Declarations,
}

/// How a requirement fared against the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Satisfied by these packages.
    Satisfied(Vec<NodeId>),
    /// The name is present, no version fits.
    Unsatisfied(Vec<NodeId>),
    /// No package of that name.
    Missing,
    /// Not needed here: a false marker, an extra not requested, a weak requirement on an
    /// absent family, a conflict, an ephemeral, or an unnamed (URL) requirement.
    Inactive,
}

/// Where a requirement comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    /// A package's requirement.
    Package(NodeId),
    /// A file-level requirement of a record (a requirements list): a root.
    File(usize),
}

/// A requirement and how it resolved.
#[derive(Debug, Clone)]
pub struct Edge {
    /// Who requires.
    pub from: Owner,
    /// The requirement, as read.
    pub requirement: Requirement,
    /// Which list it came from: `requires`, `build_requires`, `private_build_requires`,
    /// `variants[i]` or `requirements`.
    pub list: String,
    /// The resolution.
    pub resolution: Resolution,
}

/// What a set counts as needed, beyond run requirements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetOptions {
    /// The environment markers are evaluated in.
    pub target: TargetEnvironment,
    /// Dependency groups (PEP 735) whose requirements are needed; `*` selects every group.
    /// By default none: a group is what a developer installs, not what runs.
    pub groups: Vec<String>,
    /// Whether file-level build requirements (a pyproject's `[build-system]`) are needed.
    pub build: bool,
    /// Whether distributions are checked for what pip would install on the target (wheel
    /// tags, `Requires-Python`): asked for when the target is given, not guessed.
    pub installable: bool,
}

/// A package set built from records: every package of a scan, indexed by ecosystem and name,
/// with each requirement resolved against it.
///
/// - Python names are compared after PEP 503 normalisation, rez names as written; the two
///   ecosystems never match each other.
/// - Shape, per ecosystem: an *environment* has one version per name (a site-packages, a lock
///   file), a *repository* several (a wheelhouse, a rez repository). In an environment a
///   requirement is satisfied by the one version present; in a repository by any version.
/// - Roots: file-level requirement lists (`requirements.txt`, a pyproject's build system and
///   groups) and the projects of `pyproject.toml` files.
/// - Python requirements are evaluated against a [`TargetEnvironment`]; a requirement whose
///   marker is false there is inactive. Extras are followed: `foo[bar]` activates foo's
///   `extra == "bar"` requirements.
/// - rez: weak requirements (`~foo`) only limit a family that is present, conflicts (`!foo`)
///   and ephemerals (`.foo`) need nothing; a package with variants is satisfiable when one
///   variant's requirements all are.
#[derive(Debug, Clone)]
pub struct PackageSet {
    records: Vec<Record>,
    nodes: Vec<Node>,
    by_key: HashMap<(Ecosystem, String), Vec<NodeId>>,
    edges: Vec<Edge>,
    target: TargetEnvironment,
    options: SetOptions,
    extras: Vec<BTreeSet<String>>,
    /// Every (ecosystem, key), sorted: the vertices of the name graph.
    name_keys: Vec<(Ecosystem, String)>,
    /// Each node's version, parsed once.
    versions: Vec<NodeVersion>,
    /// Each node's version as compared and grouped: PEP 440's normal form for Python.
    version_keys: Vec<String>,
    /// Lock-file packages left out because they are not for the target (see
    /// [`PackageSet::with_options`]): (record, position in the record as read, package).
    off_target: Vec<(usize, usize, Package)>,
}

/// A node's version in its ecosystem's terms (`None` inside: not a valid version).
#[derive(Debug, Clone)]
enum NodeVersion {
    Python(Option<crate::versions::pep440::Pep440Version>),
    Rez(Option<rez::RezVersion>),
}

/// Whether a lock package is where the lock starts: the project itself or a workspace member.
fn is_lock_root(package: &Package) -> bool {
    let flag = |key: &str| package.extra.get(key) == Some(&serde_json::Value::Bool(true));
    flag("root") || flag("workspace_member")
}

/// Whether a uv.lock package's `resolution-markers` (the forks it was resolved in) include
/// the target; a package without them is in every fork.
fn in_fork(package: &Package, env: &crate::versions::pep508::MarkerEnvironment) -> bool {
    let Some(serde_json::Value::Array(markers)) = package.extra.get("resolution_markers") else {
        return true;
    };
    markers.iter().any(|m| {
        m.as_str()
            .and_then(Marker::parse)
            .is_none_or(|m| m.evaluate(env, &[]))
    })
}

/// The key a requirement or package name is matched by.
pub fn match_key(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Python => normalize_name(name),
        Ecosystem::Rez => name.to_owned(),
    }
}

impl PackageSet {
    /// Builds the set from `records` and resolves every requirement for `target`.
    pub fn new(records: Vec<Record>, target: TargetEnvironment) -> PackageSet {
        PackageSet::with_options(
            records,
            SetOptions {
                target,
                ..SetOptions::default()
            },
        )
    }

    /// Builds the set with `options` (target environment, groups, build requirements).
    ///
    /// A lock file holds every environment it was resolved for; only the packages of the
    /// target are in the set, as `uv tree` and an installer see them:
    /// - `pylock.toml`: a package whose `marker` is false for the target is left out;
    /// - `uv.lock`: the packages its roots (the project, the workspace members) reach through
    ///   requirements active for the target, with every extra of a root (as `uv tree` shows
    ///   them) and the groups asked for. A lock without a root keeps every package.
    pub fn with_options(records: Vec<Record>, options: SetOptions) -> PackageSet {
        let set = PackageSet::build(records, options);
        let off: BTreeSet<(usize, usize)> = set.off_target_lock_packages();
        if off.is_empty() {
            return set;
        }
        let PackageSet {
            mut records,
            options,
            ..
        } = set;
        let mut left_out = Vec::with_capacity(off.len());
        for (r, record) in records.iter_mut().enumerate() {
            let packages = std::mem::take(&mut record.packages);
            for (p, package) in packages.into_iter().enumerate() {
                if off.contains(&(r, p)) {
                    left_out.push((r, p, package));
                } else {
                    record.packages.push(package);
                }
            }
        }
        let mut set = PackageSet::build(records, options);
        set.off_target = left_out;
        set
    }

    /// How many lock-file packages were left out as not for the target.
    pub fn off_target(&self) -> usize {
        self.off_target.len()
    }

    /// The records the set was built from, as they were read: with the lock-file packages
    /// that are not for the target put back in their places. Splitting a built set by project
    /// starts from these, so each project filters its own locks as `pkglens check` does.
    pub fn records_as_read(&self) -> Vec<Record> {
        let mut records = self.records.clone();
        for (r, p, package) in &self.off_target {
            // In ascending (record, position) order, so each lands where it was read.
            records[*r].packages.insert(*p, package.clone());
        }
        records
    }

    fn build(records: Vec<Record>, options: SetOptions) -> PackageSet {
        let target = options.target.clone();
        let mut nodes = Vec::new();
        let mut by_key: HashMap<(Ecosystem, String), Vec<NodeId>> = HashMap::new();
        for (r, record) in records.iter().enumerate() {
            for (p, package) in record.packages.iter().enumerate() {
                if package.name.is_empty() {
                    continue;
                }
                let key = match_key(package.ecosystem, &package.name);
                by_key
                    .entry((package.ecosystem, key.clone()))
                    .or_default()
                    .push(nodes.len());
                nodes.push(Node {
                    ecosystem: package.ecosystem,
                    key,
                    record: r,
                    package: p,
                });
            }
        }
        let mut name_keys: Vec<(Ecosystem, String)> = by_key.keys().cloned().collect();
        name_keys.sort();
        let versions: Vec<NodeVersion> = nodes
            .iter()
            .map(|node| {
                let version = &records[node.record].packages[node.package].version;
                match node.ecosystem {
                    Ecosystem::Python => {
                        NodeVersion::Python(crate::versions::pep440::parse_version(version))
                    }
                    Ecosystem::Rez => NodeVersion::Rez(rez::RezVersion::parse(version).ok()),
                }
            })
            .collect();
        let version_keys = nodes
            .iter()
            .zip(&versions)
            .map(|(node, parsed)| match parsed {
                NodeVersion::Python(Some(v)) => v.to_string(),
                _ => records[node.record].packages[node.package].version.clone(),
            })
            .collect();
        // A lock's root is installed with whichever extras its user picks: `uv tree` shows
        // them all, and so does the set.
        let extras = nodes
            .iter()
            .map(|node| {
                let record = &records[node.record];
                let package = &record.packages[node.package];
                if record.format == Some(Format::UvLock) && is_lock_root(package) {
                    package
                        .provides_extra
                        .iter()
                        .map(|e| normalize_name(e))
                        .collect()
                } else {
                    BTreeSet::new()
                }
            })
            .collect();
        let mut set = PackageSet {
            versions,
            version_keys,
            off_target: Vec::new(),
            name_keys,
            extras,
            records,
            nodes,
            by_key,
            edges: Vec::new(),
            target,
            options,
        };
        set.resolve();
        set
    }

    /// The (record, package) pairs of lock files that are not for the target.
    fn off_target_lock_packages(&self) -> BTreeSet<(usize, usize)> {
        let env = self.target.marker_environment();
        let mut out = BTreeSet::new();
        let mut edges_of: HashMap<NodeId, Vec<&Edge>> = HashMap::new();
        for edge in &self.edges {
            if let Owner::Package(id) = edge.from {
                edges_of.entry(id).or_default().push(edge);
            }
        }
        let mut by_record: BTreeMap<usize, Vec<NodeId>> = BTreeMap::new();
        for (id, node) in self.nodes.iter().enumerate() {
            by_record.entry(node.record).or_default().push(id);
        }
        for (r, ids) in by_record {
            match self.records[r].format {
                Some(Format::Pylock) => {
                    for &id in &ids {
                        let marker = self.package(id).extra.get("marker");
                        let holds = marker
                            .and_then(|m| m.as_str())
                            .and_then(Marker::parse)
                            .is_none_or(|m| m.evaluate(&env, &[]));
                        if !holds {
                            out.insert((r, self.nodes[id].package));
                        }
                    }
                }
                Some(Format::UvLock) => {
                    let roots: Vec<NodeId> = ids
                        .iter()
                        .copied()
                        .filter(|&id| is_lock_root(self.package(id)))
                        .collect();
                    if roots.is_empty() {
                        continue;
                    }
                    let mut reached: BTreeSet<NodeId> = roots.iter().copied().collect();
                    let mut stack = roots;
                    while let Some(id) = stack.pop() {
                        for edge in edges_of.get(&id).into_iter().flatten() {
                            let targets: Vec<NodeId> = match &edge.resolution {
                                Resolution::Satisfied(targets) => targets.clone(),
                                // A lock whose pin is not locked (a hand edit): the version of
                                // the target's fork is what would be installed, and `check`
                                // says it does not fit.
                                Resolution::Unsatisfied(present) => {
                                    let forks: Vec<NodeId> = present
                                        .iter()
                                        .copied()
                                        .filter(|&t| in_fork(self.package(t), &env))
                                        .collect();
                                    if forks.is_empty() {
                                        present.clone()
                                    } else {
                                        forks
                                    }
                                }
                                _ => Vec::new(),
                            };
                            for t in targets {
                                if self.nodes[t].record == r && reached.insert(t) {
                                    stack.push(t);
                                }
                            }
                        }
                    }
                    for id in ids {
                        if !reached.contains(&id) {
                            out.insert((r, self.nodes[id].package));
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The records the set was built from.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Every package.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Every requirement with its resolution.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The options the set was built with.
    pub fn options(&self) -> &SetOptions {
        &self.options
    }

    /// The target environment markers were evaluated in.
    pub fn target(&self) -> &TargetEnvironment {
        &self.target
    }

    /// The package of a node.
    pub fn package(&self, node: NodeId) -> &Package {
        let n = &self.nodes[node];
        &self.records[n.record].packages[n.package]
    }

    /// The path of the file a node was read from.
    pub fn path(&self, node: NodeId) -> &str {
        &self.records[self.nodes[node].record].path
    }

    /// `name version` of a node.
    pub fn label(&self, node: NodeId) -> String {
        let p = self.package(node);
        if p.version.is_empty() {
            p.name.clone()
        } else {
            format!("{} {}", p.name, p.version)
        }
    }

    /// A node's version as compared and grouped: PEP 440's normal form for a Python version
    /// (`3.2.0.dev` and `3.2.0.dev0` are one version), as written otherwise.
    pub fn version_key(&self, node: NodeId) -> &str {
        &self.version_keys[node]
    }

    /// The extras requested of a node by the requirements that reach it.
    pub fn extras(&self, node: NodeId) -> &BTreeSet<String> {
        &self.extras[node]
    }

    /// Every node named `name` (matched as its ecosystem matches names), in any ecosystem.
    pub fn find(&self, name: &str) -> Vec<NodeId> {
        let mut found: Vec<NodeId> = [Ecosystem::Python, Ecosystem::Rez]
            .iter()
            .filter_map(|&eco| self.by_key.get(&(eco, match_key(eco, name))))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found
    }

    /// Whether the set holds declarations only: `pyproject.toml` files and requirements lists,
    /// and no package installed, built or locked (no `METADATA`, wheel, sdist, lock or rez
    /// package). Its requirements are checked against its pins, not found missing
    /// ([`PackageSet::check`]).
    pub fn declarations_only(&self) -> bool {
        self.records
            .iter()
            .any(|r| matches!(r.format, Some(Format::Pyproject | Format::RequirementsTxt)))
            && self
                .nodes
                .iter()
                .all(|n| self.records[n.record].format == Some(Format::Pyproject))
    }

    /// The shape of each ecosystem present (Python's is [`Shape::Declarations`] in a set of
    /// declarations only).
    pub fn shapes(&self) -> BTreeMap<Ecosystem, Shape> {
        let mut shapes = BTreeMap::new();
        if self.declarations_only() {
            shapes.insert(Ecosystem::Python, Shape::Declarations);
            return shapes;
        }
        for ((eco, _), ids) in &self.by_key {
            // A package without a version (a project's own source tree in a pylock.toml) is
            // not a second version.
            let versions: BTreeSet<&str> = ids
                .iter()
                .map(|&id| self.version_key(id))
                .filter(|v| !v.is_empty())
                .collect();
            let shape = if versions.len() > 1 {
                Shape::Repository
            } else {
                Shape::Environment
            };
            let entry = shapes.entry(*eco).or_insert(Shape::Environment);
            if shape == Shape::Repository {
                *entry = Shape::Repository;
            }
        }
        shapes
    }

    /// Nodes that are roots: the projects of pyproject files.
    pub fn root_nodes(&self) -> Vec<NodeId> {
        (0..self.nodes.len())
            .filter(|&id| self.records[self.nodes[id].record].format == Some(Format::Pyproject))
            .collect()
    }

    /// Resolves every requirement; extras are propagated to a fixed point.
    fn resolve(&mut self) {
        let env = self.target.marker_environment();
        // Requirements in a stable order: each package's lists, then file-level lists.
        let mut pending: Vec<(Owner, String, Requirement, Ecosystem)> = Vec::new();
        for (id, node) in self.nodes.iter().enumerate() {
            let package = &self.records[node.record].packages[node.package];
            let lists: [(&str, &[Requirement]); 3] = [
                ("requires", &package.requires),
                ("build_requires", &package.build_requires),
                ("private_build_requires", &package.private_build_requires),
            ];
            for (list, requirements) in lists {
                for requirement in requirements {
                    pending.push((
                        Owner::Package(id),
                        list.to_owned(),
                        requirement.clone(),
                        node.ecosystem,
                    ));
                }
            }
            for (i, variant) in package.variants.iter().enumerate() {
                for requirement in variant {
                    pending.push((
                        Owner::Package(id),
                        format!("variants[{i}]"),
                        requirement.clone(),
                        node.ecosystem,
                    ));
                }
            }
        }
        for (r, record) in self.records.iter().enumerate() {
            for requirement in &record.requirements {
                pending.push((
                    Owner::File(r),
                    "requirements".into(),
                    requirement.clone(),
                    Ecosystem::Python,
                ));
            }
        }
        let markers: Vec<Option<Marker>> = pending
            .iter()
            .map(|(_, _, r, eco)| match (eco, &r.marker) {
                (Ecosystem::Python, Some(m)) => Marker::parse(m),
                _ => None,
            })
            .collect();
        // Constraints repeat (every version of a family requires much the same): parse each once.
        let mut parsed: HashMap<(Ecosystem, &str), Option<std::rc::Rc<SpecMatcher>>> =
            HashMap::new();
        let specs: Vec<Option<std::rc::Rc<SpecMatcher>>> = pending
            .iter()
            .map(|(_, _, r, eco)| {
                let key = match eco {
                    Ecosystem::Python => r.spec.as_str(),
                    Ecosystem::Rez => r.raw.as_str(),
                };
                parsed
                    .entry((*eco, key))
                    .or_insert_with(|| SpecMatcher::new(*eco, r).map(std::rc::Rc::new))
                    .clone()
            })
            .collect();

        // Extras: iterate until no node gains an extra (each round only adds).
        loop {
            let mut edges = Vec::with_capacity(pending.len());
            for (i, (owner, list, requirement, eco)) in pending.iter().enumerate() {
                let owner_extras: Vec<String> = match owner {
                    Owner::Package(id) => self.extras[*id].iter().cloned().collect(),
                    Owner::File(_) => Vec::new(),
                };
                let active = match &requirement.kind {
                    // An optional requirement whose extra is not requested.
                    RequirementKind::Optional(extra) if !owner_extras.contains(extra) => false,
                    RequirementKind::Conflict | RequirementKind::Constraint => false,
                    // A group (a pyproject's, or a lock root's dev dependencies) is what a
                    // developer installs when asked, not what runs.
                    RequirementKind::Group(group)
                        if !self
                            .options
                            .groups
                            .iter()
                            .any(|g| g == "*" || normalize_name(g) == normalize_name(group)) =>
                    {
                        false
                    }
                    RequirementKind::Build if matches!(owner, Owner::File(_)) => self.options.build,
                    _ => match &markers[i] {
                        Some(marker) => {
                            let mut extras = owner_extras.clone();
                            if let RequirementKind::Optional(extra) = &requirement.kind {
                                extras.push(extra.clone());
                            }
                            marker.evaluate(&env, &extras)
                        }
                        None => requirement.marker.is_none() || *eco == Ecosystem::Rez,
                    },
                };
                let resolution = if !active
                    || requirement.name.is_empty()
                    || requirement.name.starts_with('.')
                {
                    Resolution::Inactive
                } else {
                    let key = match_key(*eco, &requirement.name);
                    match self.by_key.get(&(*eco, key)) {
                        None if requirement.kind == RequirementKind::Weak => Resolution::Inactive,
                        None => Resolution::Missing,
                        Some(candidates) => {
                            let fits: Vec<NodeId> = candidates
                                .iter()
                                .copied()
                                .filter(|&c| {
                                    specs[i]
                                        .as_ref()
                                        .is_none_or(|s| s.contains(&self.versions[c]))
                                })
                                .collect();
                            if fits.is_empty() {
                                Resolution::Unsatisfied(candidates.clone())
                            } else {
                                Resolution::Satisfied(fits)
                            }
                        }
                    }
                };
                edges.push(Edge {
                    from: *owner,
                    requirement: requirement.clone(),
                    list: list.clone(),
                    resolution,
                });
            }
            let mut grew = false;
            for edge in &edges {
                if let Resolution::Satisfied(targets) = &edge.resolution {
                    for &t in targets {
                        for extra in &edge.requirement.extras {
                            let extra = normalize_name(extra);
                            if self.extras[t].insert(extra) {
                                grew = true;
                            }
                        }
                    }
                }
            }
            self.edges = edges;
            if !grew {
                break;
            }
        }
    }

    /// The newest of `ids` by its ecosystem's version order (the first when none parses).
    pub fn newest(&self, ids: &[NodeId]) -> Option<NodeId> {
        ids.iter()
            .copied()
            .max_by(|&a, &b| self.compare_versions(a, b))
    }

    /// Orders two nodes' versions (PEP 440 or rez); unparseable versions sort first.
    pub fn compare_versions(&self, a: NodeId, b: NodeId) -> std::cmp::Ordering {
        match (&self.versions[a], &self.versions[b]) {
            (NodeVersion::Python(x), NodeVersion::Python(y)) => x.cmp(y),
            (NodeVersion::Rez(x), NodeVersion::Rez(y)) => x.cmp(y),
            // Different ecosystems never compete for one requirement.
            _ => std::cmp::Ordering::Equal,
        }
    }
}

/// Tests versions against a requirement's constraint, in its ecosystem's semantics.
enum SpecMatcher {
    Pep440(Specifiers),
    Rez(rez::RezVersionRange),
}

impl SpecMatcher {
    fn new(ecosystem: Ecosystem, requirement: &Requirement) -> Option<SpecMatcher> {
        match ecosystem {
            Ecosystem::Python => {
                if requirement.spec.is_empty() {
                    None
                } else {
                    Specifiers::parse(&requirement.spec).map(SpecMatcher::Pep440)
                }
            }
            Ecosystem::Rez => {
                let parsed = rez::RezRequirement::parse(&requirement.raw).ok()?;
                let range = parsed.written_range();
                (!range.is_any()).then_some(SpecMatcher::Rez(range))
            }
        }
    }

    fn contains(&self, version: &NodeVersion) -> bool {
        match (self, version) {
            (SpecMatcher::Pep440(specs), NodeVersion::Python(Some(v))) => specs.contains_version(v),
            // A version that is not PEP 440 cannot be tested: treat it as fitting.
            (SpecMatcher::Pep440(_), NodeVersion::Python(None)) => true,
            (SpecMatcher::Rez(range), NodeVersion::Rez(Some(v))) => range.contains(v),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests;

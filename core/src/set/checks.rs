//! Problems in a package set.

use super::{Edge, NodeId, Owner, PackageSet, Resolution, Shape};
use crate::record::Format;
use crate::record::{Ecosystem, RequirementKind, Status};
use crate::versions::pep440::{parse_version, Pep440Version, Specifiers};
use crate::versions::pep508::normalize_name;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A file could not be read.
    ParseError,
    /// No package of a required name.
    Missing,
    /// The name is present, no version fits.
    Unsatisfied,
    /// Requirements on one name that no present version satisfies together.
    Conflict,
    /// Packages that require each other in a ring.
    Cycle,
    /// The same name and version from two places, with different content.
    Duplicate,
    /// A wheel or source distribution pip would not install on the target: its
    /// `Requires-Python` excludes the target's Python, or no tag of the wheel is supported
    /// there. Checked only for a target given on the command line.
    Incompatible,
    /// A project's declared dependency that no requirements list pins, in a set of
    /// declarations only (nothing installed or locked) where some list pins others: what
    /// would be installed is not known. A note.
    Unpinned,
    /// Fields computed at load time: what pkglens reports may be incomplete.
    Dynamic,
}

impl ProblemKind {
    /// Every kind, in report order.
    pub const ALL: [ProblemKind; 9] = [
        ProblemKind::ParseError,
        ProblemKind::Missing,
        ProblemKind::Unsatisfied,
        ProblemKind::Conflict,
        ProblemKind::Cycle,
        ProblemKind::Duplicate,
        ProblemKind::Incompatible,
        ProblemKind::Unpinned,
        ProblemKind::Dynamic,
    ];

    /// The kind named `name` (as [`ProblemKind::as_str`] writes it; `-` for `_` accepted).
    pub fn from_name(name: &str) -> Option<ProblemKind> {
        let name = name.replace('-', "_");
        ProblemKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether this kind makes `check` fail by default. `dynamic` and `unpinned` are notes:
    /// pkglens could not read every field, or a project leaves a version open, and nothing is
    /// known to be wrong (every recipe repository with `@early` has some); `--strict` counts
    /// them.
    pub fn fails(self) -> bool {
        !matches!(self, ProblemKind::Dynamic | ProblemKind::Unpinned)
    }

    /// The name used in JSON and tables (`parse_error`, `missing`...).
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::ParseError => "parse_error",
            ProblemKind::Missing => "missing",
            ProblemKind::Unsatisfied => "unsatisfied",
            ProblemKind::Conflict => "conflict",
            ProblemKind::Cycle => "cycle",
            ProblemKind::Duplicate => "duplicate",
            ProblemKind::Incompatible => "incompatible",
            ProblemKind::Unpinned => "unpinned",
            ProblemKind::Dynamic => "dynamic",
        }
    }
}

/// How many versions a problem's message lists before it elides the middle.
const LISTED_VERSIONS: usize = 8;

/// One problem, with where it comes from (schema `Problem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The kind.
    pub kind: ProblemKind,
    /// The package it concerns (`name version`), or empty for a file-level requirement.
    pub package: String,
    /// The requirement as written, when one is at fault.
    pub requirement: String,
    /// The name required (`missing`, `unsatisfied`, `conflict`): what the table groups by.
    pub name: String,
    /// The file it comes from.
    pub path: String,
    /// The 1-based line in that file (0 when unknown).
    pub line: u32,
    /// What is wrong, in words.
    pub message: String,
}

impl PackageSet {
    /// Every problem, ordered by kind, then file, then line.
    pub fn check(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        self.record_problems(&mut problems);
        if self.declarations_only() {
            self.declaration_problems(&mut problems);
        } else {
            self.requirement_problems(&mut problems);
        }
        self.conflicts(&mut problems);
        self.cycles(&mut problems);
        self.duplicates(&mut problems);
        self.incompatible(&mut problems);
        problems.sort_by(|a, b| {
            (a.kind, &a.path, a.line, &a.package, &a.requirement).cmp(&(
                b.kind,
                &b.path,
                b.line,
                &b.package,
                &b.requirement,
            ))
        });
        problems.dedup();
        problems
    }

    fn record_problems(&self, problems: &mut Vec<Problem>) {
        for record in self.records() {
            // A record of one package (a package.py, a METADATA) names it; a problem with a
            // file of many (a lock file) is the file's, not its first package's.
            let package = match record.packages.as_slice() {
                [p] => format!("{} {}", p.name, p.version).trim().to_owned(),
                _ => String::new(),
            };
            match record.status {
                Status::Error => {
                    let (message, line) = record
                        .error
                        .as_ref()
                        .map_or((String::from("unreadable"), 0), |e| {
                            (e.message.clone(), e.line)
                        });
                    problems.push(Problem {
                        kind: ProblemKind::ParseError,
                        package,
                        requirement: String::new(),
                        name: String::new(),
                        path: record.path.clone(),
                        line,
                        message,
                    });
                }
                Status::Dynamic => problems.push(Problem {
                    kind: ProblemKind::Dynamic,
                    package,
                    requirement: String::new(),
                    name: String::new(),
                    path: record.path.clone(),
                    line: 0,
                    message: record.reason.clone().unwrap_or_default(),
                }),
                Status::Ok => {}
            }
        }
    }

    /// The distinct versions of `present`, oldest first, at most [`LISTED_VERSIONS`] of them
    /// written out (a rez family can have hundreds): `("1.0, 1.1, ..., 9.2 (46 versions)",
    /// 46)`.
    fn present_versions(&self, present: &[NodeId]) -> (String, usize) {
        let mut ids = present.to_vec();
        ids.sort_by(|&a, &b| self.compare_versions(a, b));
        let mut versions: Vec<&str> = ids.iter().map(|&n| self.version_key(n)).collect();
        versions.dedup();
        let count = versions.len();
        if count <= LISTED_VERSIONS {
            return (versions.join(", "), count);
        }
        let head = versions[..LISTED_VERSIONS - 2].join(", ");
        let tail = versions[count - 2..].join(", ");
        (format!("{head}, ..., {tail} ({count} versions)"), count)
    }

    fn owner_label(&self, owner: Owner) -> String {
        match owner {
            Owner::Package(id) => self.label(id),
            Owner::File(_) => String::new(),
        }
    }

    fn owner_path(&self, owner: Owner) -> &str {
        match owner {
            Owner::Package(id) => self.path(id),
            Owner::File(r) => &self.records()[r].path,
        }
    }

    /// Missing and unsatisfied requirements. A rez package with variants is satisfiable when
    /// one variant's requirements all are: only when none is are its variants' faults reported.
    ///
    /// A weak rez requirement (`~maya-2025`) only limits a family that is in the resolve: in a
    /// repository another version present is not a problem (`rez-env` would not pull it in),
    /// only in an environment of one version per family.
    fn requirement_problems(&self, problems: &mut Vec<Problem>) {
        let rez_repository = self.shapes().get(&Ecosystem::Rez) == Some(&Shape::Repository);
        // Which (package, variant) pairs have a fault.
        let mut variant_faults: HashMap<usize, BTreeSet<String>> = HashMap::new();
        let mut variants_of: HashMap<usize, BTreeSet<String>> = HashMap::new();
        for edge in self.edges() {
            if let Owner::Package(id) = edge.from {
                if edge.list.starts_with("variants[") {
                    variants_of.entry(id).or_default().insert(edge.list.clone());
                    if matches!(
                        edge.resolution,
                        Resolution::Missing | Resolution::Unsatisfied(_)
                    ) {
                        variant_faults
                            .entry(id)
                            .or_default()
                            .insert(edge.list.clone());
                    }
                }
            }
        }
        for edge in self.edges() {
            if let (Owner::Package(id), true) = (edge.from, edge.list.starts_with("variants[")) {
                let faulty = variant_faults.get(&id).map_or(0, BTreeSet::len);
                let all = variants_of.get(&id).map_or(0, BTreeSet::len);
                if faulty < all {
                    continue; // another variant is satisfiable
                }
            }
            let role = match (edge.list.as_str(), &edge.requirement.kind) {
                ("build_requires", _) => "build requirement ",
                ("private_build_requires", _) => "private build requirement ",
                (l, _) if l.starts_with("variants[") => "variant requirement ",
                (_, RequirementKind::Weak) => "weak requirement ",
                _ => "",
            };
            let who = self.owner_label(edge.from);
            let who = if who.is_empty() {
                "the requirements list".to_owned()
            } else {
                who
            };
            let (kind, message) = match &edge.resolution {
                Resolution::Missing => (
                    ProblemKind::Missing,
                    format!(
                        "{who} needs {role}`{}`, and no package named `{}` is present",
                        edge.requirement.raw, edge.requirement.name
                    ),
                ),
                Resolution::Unsatisfied(_)
                    if rez_repository && edge.requirement.kind == RequirementKind::Weak =>
                {
                    continue
                }
                Resolution::Unsatisfied(present) => {
                    let versions = self.present_versions(present);
                    (
                        ProblemKind::Unsatisfied,
                        format!(
                            "{who} needs {role}`{}`, but {} {} {} present",
                            edge.requirement.raw,
                            edge.requirement.name,
                            versions.0,
                            if versions.1 == 1 { "is" } else { "are" }
                        ),
                    )
                }
                _ => continue,
            };
            problems.push(Problem {
                kind,
                package: self.owner_label(edge.from),
                requirement: edge.requirement.raw.clone(),
                name: edge.requirement.name.clone(),
                path: self.owner_path(edge.from).to_owned(),
                line: edge.requirement.line,
                message,
            });
        }
    }

    /// The requirements of a set of declarations only (see [`PackageSet::declarations_only`]).
    /// Nothing is installed, so nothing is missing: `pip check` and `uv pip check` find nothing
    /// broken in an empty environment. The requirements lists' pins (`name==V`) stand for what
    /// would be installed: a requirement that a pin of its name does not satisfy is
    /// `unsatisfied` (pip would refuse to install the project with that list), and a project's
    /// declared dependency that no list pins for the target is an `unpinned` note, once some
    /// list pins anything (a project with no pinned list has nothing to compare).
    fn declaration_problems(&self, problems: &mut Vec<Problem>) {
        let mut pins: BTreeMap<String, Vec<(&Edge, Pep440Version)>> = BTreeMap::new();
        let mut pinned_list = false;
        for edge in self.edges() {
            if let Owner::File(_) = edge.from {
                let Some(version) = pinned_version(&edge.requirement.spec) else {
                    continue;
                };
                pinned_list = true;
                // A pin whose marker is false for the target pins nothing there.
                if edge.resolution == Resolution::Missing {
                    pins.entry(normalize_name(&edge.requirement.name))
                        .or_default()
                        .push((edge, version));
                }
            }
        }
        for edge in self.edges() {
            let is_pin = pinned_version(&edge.requirement.spec).is_some();
            if edge.resolution != Resolution::Missing
                || (matches!(edge.from, Owner::File(_)) && is_pin)
            {
                continue;
            }
            let requirement = &edge.requirement;
            let who = match self.owner_label(edge.from) {
                who if who.is_empty() => "the requirements list".to_owned(),
                who => who,
            };
            let problem = |kind: ProblemKind, message: String| Problem {
                kind,
                package: self.owner_label(edge.from),
                requirement: requirement.raw.clone(),
                name: requirement.name.clone(),
                path: self.owner_path(edge.from).to_owned(),
                line: requirement.line,
                message,
            };
            match pins.get(&normalize_name(&requirement.name)) {
                Some(pinned) => {
                    let Some(spec) = Specifiers::parse(&requirement.spec) else {
                        continue; // no specifier: every pin fits
                    };
                    for (pin, version) in pinned {
                        if !spec.contains_version(version) {
                            let place = self.owner_path(pin.from);
                            problems.push(problem(
                                ProblemKind::Unsatisfied,
                                format!(
                                    "{who} needs `{}`, but {place}:{} pins `{}`",
                                    requirement.raw, pin.requirement.line, pin.requirement.raw
                                ),
                            ));
                        }
                    }
                }
                None if pinned_list && matches!(edge.from, Owner::Package(_)) => {
                    problems.push(problem(
                        ProblemKind::Unpinned,
                        format!(
                            "{who} needs `{}`, and no requirements list pins {}",
                            requirement.raw, requirement.name
                        ),
                    ));
                }
                None => {}
            }
        }
    }

    /// In an environment (one version of the name), requirers that disagree about it.
    fn conflicts(&self, problems: &mut Vec<Problem>) {
        let mut by_target: BTreeMap<(Ecosystem, String), Vec<(usize, bool)>> = BTreeMap::new();
        for (i, edge) in self.edges().iter().enumerate() {
            let (present, fits) = match &edge.resolution {
                Resolution::Satisfied(t) => (t, true),
                Resolution::Unsatisfied(t) => (t, false),
                _ => continue,
            };
            let Some(&first) = present.first() else {
                continue;
            };
            let node = &self.nodes()[first];
            by_target
                .entry((node.ecosystem, node.key.clone()))
                .or_default()
                .push((i, fits));
        }
        for ((ecosystem, key), list) in by_target {
            let ids = self
                .by_key
                .get(&(ecosystem, key.clone()))
                .cloned()
                .unwrap_or_default();
            let versions: BTreeSet<&str> = ids.iter().map(|&n| self.version_key(n)).collect();
            if versions.len() != 1
                || !list.iter().any(|(_, f)| *f)
                || !list.iter().any(|(_, f)| !*f)
            {
                continue;
            }
            let version = versions.into_iter().next().unwrap_or_default();
            let describe = |fits: bool| -> Vec<String> {
                list.iter()
                    .filter(|(_, f)| *f == fits)
                    .map(|(i, _)| {
                        let edge = &self.edges()[*i];
                        let who = self.owner_label(edge.from);
                        format!(
                            "{} (`{}`)",
                            if who.is_empty() {
                                self.owner_path(edge.from).to_owned()
                            } else {
                                who
                            },
                            edge.requirement.raw
                        )
                    })
                    .collect()
            };
            let first_bad = list
                .iter()
                .find(|(_, f)| !*f)
                .map(|(i, _)| &self.edges()[*i]);
            let Some(bad) = first_bad else { continue };
            let name = &self.package(ids[0]).name;
            problems.push(Problem {
                kind: ProblemKind::Conflict,
                package: format!("{name} {version}"),
                requirement: bad.requirement.raw.clone(),
                name: name.clone(),
                path: self.owner_path(bad.from).to_owned(),
                line: bad.requirement.line,
                message: format!(
                    "requirements on {name} disagree: {name} {version} satisfies {} but not {}",
                    describe(true).join(", "),
                    describe(false).join(", ")
                ),
            });
        }
    }

    /// Rings of names that require each other (strongly connected components of the name graph
    /// of satisfied run requirements).
    fn cycles(&self, problems: &mut Vec<Problem>) {
        let graph = self.name_graph();
        for component in strongly_connected(&graph) {
            let first = component[0];
            let self_loop = graph[first].contains(&first);
            if component.len() == 1 && !self_loop {
                continue;
            }
            let members: BTreeSet<usize> = component.iter().copied().collect();
            let ring = ring_through(&graph, first, &members);
            let names: Vec<String> = ring.iter().map(|&k| self.name_keys[k].1.clone()).collect();
            let id = self
                .by_key
                .get(&self.name_keys[first])
                .and_then(|ids| ids.first().copied());
            problems.push(Problem {
                kind: ProblemKind::Cycle,
                package: names[0].clone(),
                requirement: String::new(),
                name: String::new(),
                path: id.map(|id| self.path(id).to_owned()).unwrap_or_default(),
                line: 0,
                message: format!("requirement cycle: {}", names.join(" -> ")),
            });
        }
    }

    /// Same name and version from two places with different requirements.
    ///
    /// A project is one package however many files describe it: a lock (`uv.lock`,
    /// `pylock.toml`) records a resolution, with dependencies by name only, not a definition,
    /// and the `*.egg-info` a build writes under a `pyproject.toml`'s folder is that project's.
    /// Neither is compared.
    fn duplicates(&self, problems: &mut Vec<Problem>) {
        let project_dirs: BTreeSet<(String, &str)> = self
            .nodes()
            .iter()
            .enumerate()
            .filter(|(_, node)| self.records()[node.record].format == Some(Format::Pyproject))
            .map(|(id, node)| (node.key.clone(), parent_dir(self.path(id))))
            .collect();
        let own_build = |id: usize| {
            let path = self.path(id);
            path.split('/').any(|part| part.ends_with(".egg-info"))
                && project_dirs.iter().any(|(key, dir)| {
                    *key == self.nodes()[id].key
                        && (dir.is_empty() || path.starts_with(&format!("{dir}/")))
                })
        };
        let mut groups: BTreeMap<(Ecosystem, String, &str), Vec<usize>> = BTreeMap::new();
        for (id, node) in self.nodes().iter().enumerate() {
            let format = self.records()[node.record].format;
            if matches!(format, Some(Format::UvLock | Format::Pylock)) || own_build(id) {
                continue;
            }
            groups
                .entry((node.ecosystem, node.key.clone(), self.version_key(id)))
                .or_default()
                .push(id);
        }
        for ids in groups.values().filter(|ids| ids.len() > 1) {
            let fingerprints: BTreeSet<Vec<(String, String, String)>> =
                ids.iter().map(|&id| self.fingerprint(id)).collect();
            if fingerprints.len() > 1 {
                let paths: Vec<&str> = ids.iter().map(|&id| self.path(id)).collect();
                problems.push(Problem {
                    kind: ProblemKind::Duplicate,
                    package: self.label(ids[0]),
                    requirement: String::new(),
                    name: String::new(),
                    path: paths[0].to_owned(),
                    line: 0,
                    message: format!(
                        "{} is defined in {} places with different requirements: {}",
                        self.label(ids[0]),
                        ids.len(),
                        paths.join(", ")
                    ),
                });
            }
        }
    }

    /// Distributions pip would refuse on the target (when [`SetOptions::installable`] asks):
    /// a `Requires-Python` that excludes the target's Python (tested as pip tests
    /// `--python-version X.Y`: `X.Y.0`), a wheel none of whose tags the target supports.
    ///
    /// [`SetOptions::installable`]: super::SetOptions::installable
    fn incompatible(&self, problems: &mut Vec<Problem>) {
        if !self.options.installable {
            return;
        }
        let target = self.target();
        let mut python = target.python.clone();
        if python.split('.').count() == 2 {
            python.push_str(".0");
        }
        let python_version = parse_version(&python);
        for record in self.records() {
            if !matches!(record.format, Some(Format::Wheel | Format::Sdist)) {
                continue;
            }
            let file = record.path.rsplit('/').next().unwrap_or_default();
            let problem = |package: String, message: String| Problem {
                kind: ProblemKind::Incompatible,
                package,
                requirement: String::new(),
                name: String::new(),
                path: record.path.clone(),
                line: 0,
                message,
            };
            let label = |p: &crate::record::Package| format!("{} {}", p.name, p.version);
            if record.format == Some(Format::Wheel) {
                if let Ok(name) = crate::formats::wheel_name::parse_wheel_filename(file) {
                    let tags = format!(
                        "{}-{}-{}",
                        name.python_tags.join("."),
                        name.abi_tags.join("."),
                        name.platform_tags.join(".")
                    );
                    if !super::tags::wheel_supported(
                        target,
                        &name.python_tags,
                        &name.abi_tags,
                        &name.platform_tags,
                    ) {
                        let package = record.packages.first().map(label).unwrap_or_default();
                        problems.push(problem(
                            package,
                            format!(
                                "pip would not install {file} on Python {} {} {}: no tag of {tags} is supported there",
                                target.python, target.platform, target.machine
                            ),
                        ));
                    }
                }
            }
            for package in &record.packages {
                let Some(spec) = package.requires_python.as_deref() else {
                    continue;
                };
                let fits = match (Specifiers::parse(spec), &python_version) {
                    (Some(specs), Some(v)) => specs.contains_version(v),
                    _ => true,
                };
                if !fits {
                    problems.push(problem(
                        label(package),
                        format!(
                            "{} requires Python `{spec}`, and the target is Python {}",
                            label(package),
                            target.python
                        ),
                    ));
                }
            }
        }
    }

    /// A package's run requirements, compared by meaning (normalised name, spec, marker, kind).
    fn fingerprint(&self, id: usize) -> Vec<(String, String, String)> {
        let package = self.package(id);
        let eco = package.ecosystem;
        let mut out: Vec<(String, String, String)> = package
            .requires
            .iter()
            .map(|r| {
                // Markers compared in packaging's normal form; an optional requirement's marker
                // is its extra (a pyproject writes none, METADATA writes `extra == "x"`).
                let marker = match &r.kind {
                    RequirementKind::Optional(_) => String::new(),
                    _ => crate::versions::pep508::parse_requirement(&r.raw, r.kind.clone(), 0)
                        .ok()
                        .and_then(|p| p.marker)
                        .unwrap_or_default(),
                };
                let mut spec: Vec<String> = r.spec.split(',').map(|s| s.replace(' ', "")).collect();
                spec.sort();
                (
                    super::match_key(eco, &r.name),
                    spec.join(","),
                    format!("{marker}|{}", r.kind),
                )
            })
            .collect();
        out.sort();
        out
    }
}

/// The folder of a `/`-separated path (empty for a bare file name).
fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Tarjan's algorithm, iterative; components in discovery order, members sorted.
fn strongly_connected(graph: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = graph.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut out = Vec::new();
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next;
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if let Some(&w) = graph[v].get(*i) {
                *i += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    component.sort_unstable();
                    out.push(component);
                }
            }
        }
    }
    out
}

/// A shortest ring from `start` back to itself inside `members` (breadth-first).
fn ring_through(graph: &[Vec<usize>], start: usize, members: &BTreeSet<usize>) -> Vec<usize> {
    let mut previous: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &graph[v] {
            if !members.contains(&w) {
                continue;
            }
            if w == start {
                let mut path = vec![start];
                let mut at = v;
                while at != start {
                    path.push(at);
                    at = previous[&at];
                }
                path.push(start);
                let end = path.len() - 1;
                path[1..end].reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = previous.entry(w) {
                e.insert(v);
                queue.push_back(w);
            }
        }
    }
    vec![start, start]
}

/// The version a requirements list pins with `spec`: one `==V` (not a `.*` prefix) or `===V`
/// clause whose version is PEP 440's, as `pip freeze` and `pip-compile` write them.
fn pinned_version(spec: &str) -> Option<Pep440Version> {
    let spec = spec.trim();
    let version = spec
        .strip_prefix("===")
        .or_else(|| spec.strip_prefix("=="))?
        .trim();
    if version.contains(',') || version.ends_with(".*") {
        return None;
    }
    parse_version(version)
}

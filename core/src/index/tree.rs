//! The dependency tree of requirements on an index: a serial, deterministic, depth-first walk
//! (requirements in the order their metadata lists them), the same whatever order the loads
//! finish in. The CLI drives it with the engine's [`prefetch_walk`](crate::prefetch_walk)
//! ([`IndexTree::roots`], [`IndexTree::expand`]); an asynchronous caller (the npm package's
//! `fetch`) drives it with [`IndexTree::next_to_load`], [`IndexTree::upcoming`] and
//! [`IndexTree::feed`], which visit in the same order ([`serial_walk`](crate::serial_walk)'s).
//!
//! Each name gets the newest version that matches the first requirement that reaches it, and
//! keeps it: there is no backtracking. A later requirement the pick does not satisfy is left
//! for the package set's checks to report (`unsatisfied`, `conflict`), not solved. Extras are
//! followed (a requirement's `[extra]` adds the package's requirements of that extra, also
//! when the name was picked at another version first), and markers are evaluated for the
//! target. A direct URL requirement (`name @ url`) carries its URL ([`Wanted::url`]): the
//! loader reads a wheel's from there, and reports any other URL (a VCS, an sdist) unread.

use crate::record::{Record, Requirement};
use crate::versions::pep508::{normalize_name, Marker, MarkerEnvironment};
use crate::versions::target::TargetEnvironment;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// A requirement to resolve: a normalised name, its specifiers and its extras (sorted).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Wanted {
    /// The normalised name.
    pub name: String,
    /// The specifier set, as the record writes it.
    pub spec: String,
    /// The extras asked for, normalised and sorted.
    pub extras: Vec<String>,
    /// The direct URL of a `name @ url` requirement: loaded from there, not from the index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Wanted {
    /// The wanted package of a requirement.
    pub fn of(requirement: &Requirement) -> Self {
        let mut extras: Vec<String> = requirement
            .extras
            .iter()
            .map(|e| normalize_name(e))
            .collect();
        extras.sort();
        extras.dedup();
        Wanted {
            name: normalize_name(&requirement.name),
            spec: requirement.spec.clone(),
            extras,
            url: requirement.url.clone(),
        }
    }
}

/// The walk's state: the pick of each name, the extras followed, the records kept, and (for
/// callers driving it step by step) the work stack.
#[derive(Debug)]
pub struct IndexTree {
    env: MarkerEnvironment,
    roots: Vec<Wanted>,
    /// The name's pick: its version and the index of its record.
    picked: HashMap<String, (String, usize)>,
    /// (name, extra) pairs whose requirements were followed ("" for the base requirements).
    followed: HashSet<(String, String)>,
    records: Vec<Record>,
    stack: Vec<Wanted>,
    visited: HashSet<Wanted>,
}

impl IndexTree {
    /// The walk from `roots` on `target`: the roots whose marker applies.
    pub fn new(roots: &[Requirement], target: &TargetEnvironment) -> Self {
        let env = target.marker_environment();
        let roots: Vec<Wanted> = roots
            .iter()
            .filter(|r| applies(r, &env, &[]))
            .map(Wanted::of)
            .collect();
        let mut stack = roots.clone();
        stack.reverse();
        IndexTree {
            env,
            roots,
            picked: HashMap::new(),
            followed: HashSet::new(),
            records: Vec::new(),
            stack,
            visited: HashSet::new(),
        }
    }

    /// The packages the walk starts from, in order.
    pub fn roots(&self) -> Vec<Wanted> {
        self.roots.clone()
    }

    /// Takes what the index gave for `wanted` (the record of the file picked, or of why it
    /// could not be read; `None` when no file matches) and answers the requirements it leads
    /// to, in the order the package lists them.
    pub fn expand(&mut self, wanted: &Wanted, found: Option<&Record>) -> Vec<Wanted> {
        let Some(record) = found else {
            return Vec::new();
        };
        let Some(package) = record.packages.first() else {
            if !self.picked.contains_key(&wanted.name) {
                self.picked
                    .insert(wanted.name.clone(), (String::new(), self.records.len()));
                self.records.push(record.clone());
            }
            return Vec::new();
        };
        let index = match self.picked.get(&wanted.name) {
            // Another version may have been picked first: no backtracking (the checks report
            // the mismatch), but the extras asked for are followed on the pick.
            Some((_, index)) => *index,
            None => {
                self.picked.insert(
                    wanted.name.clone(),
                    (package.version.clone(), self.records.len()),
                );
                self.records.push(record.clone());
                self.records.len() - 1
            }
        };
        let package = &self.records[index].packages[0];
        // The base requirements once, then each extra once.
        let mut wanted_extras: Vec<Option<&str>> = vec![None];
        wanted_extras.extend(wanted.extras.iter().map(|e| Some(e.as_str())));
        let mut children = Vec::new();
        for extra in wanted_extras {
            let tag = extra.unwrap_or("").to_owned();
            if !self.followed.insert((wanted.name.clone(), tag)) {
                continue;
            }
            let extras: Vec<String> = extra.map(str::to_owned).into_iter().collect();
            for requirement in &package.requires {
                if !applies(requirement, &self.env, &extras) {
                    continue;
                }
                // Requirements of an extra are followed with that extra only.
                if extra.is_some() && !has_extra_marker(requirement) {
                    continue;
                }
                children.push(Wanted::of(requirement));
            }
        }
        children
    }

    /// The next package to load and [`feed`](Self::feed), depth first; `None` when the walk is
    /// done.
    pub fn next_to_load(&mut self) -> Option<Wanted> {
        while let Some(wanted) = self.stack.pop() {
            if self.visited.insert(wanted.clone()) {
                return Some(wanted);
            }
        }
        None
    }

    /// Up to `n` packages the walk will visit after the current one, nearest first, none
    /// visited yet: what to start loading now.
    pub fn upcoming(&self, n: usize) -> Vec<Wanted> {
        let mut seen = HashSet::new();
        self.stack
            .iter()
            .rev()
            .filter(|w| !self.visited.contains(*w) && seen.insert(*w))
            .take(n)
            .cloned()
            .collect()
    }

    /// Takes what the index gave for the package [`next_to_load`](Self::next_to_load) answered, and puts the
    /// requirements it leads to on the stack; answers them.
    pub fn feed(&mut self, wanted: &Wanted, found: Option<&Record>) -> Vec<Wanted> {
        let children = self.expand(wanted, found);
        self.stack.extend(children.iter().rev().cloned());
        children
    }

    /// The records of the walk: the package picked for each name (or the error record of a
    /// name that could not be read), in the order the walk reached them.
    pub fn into_records(self) -> Vec<Record> {
        self.records
    }
}

/// Whether a requirement applies on the target with `extras` requested (no marker: always).
fn applies(requirement: &Requirement, env: &MarkerEnvironment, extras: &[String]) -> bool {
    match &requirement.marker {
        None => true,
        Some(text) => Marker::parse(text).is_some_and(|m| m.evaluate(env, extras)),
    }
}

/// Whether a requirement's marker mentions `extra` (it belongs to an extra).
fn has_extra_marker(requirement: &Requirement) -> bool {
    requirement
        .marker
        .as_deref()
        .is_some_and(|m| m.contains("extra"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::core_metadata::parse_core_metadata;
    use crate::parallel::serial_walk;
    use crate::record::{Format, RequirementKind};
    use crate::versions::pep508::parse_requirement;

    /// A tiny index: each name's METADATA (metadata 2.1, as setuptools writes it).
    fn metadata(name: &str) -> Option<Record> {
        let requires: &[&str] = match name {
            "demo" => &[
                "dep>=1",
                "winonly; sys_platform == \"win32\"",
                "extra-dep; extra == \"x\"",
                "c<2",
            ],
            "dep" => &["c>=2", "demo"],
            "c" | "extra-dep" => &[],
            _ => return None,
        };
        let version = if name == "c" { "1.0" } else { "2.0" };
        let mut text = format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n");
        for r in requires {
            text.push_str(&format!("Requires-Dist: {r}\n"));
        }
        parse_core_metadata(
            &format!("{name}/METADATA"),
            Format::Metadata,
            text.as_bytes(),
        )
        .ok()
    }

    fn roots(texts: &[&str]) -> Vec<Requirement> {
        texts
            .iter()
            .map(|t| parse_requirement(t, RequirementKind::Run, 1).unwrap())
            .collect()
    }

    fn names(records: &[Record]) -> Vec<String> {
        records
            .iter()
            .map(|r| format!("{}=={}", r.packages[0].name, r.packages[0].version))
            .collect()
    }

    #[test]
    fn stepping_visits_as_the_serial_walk_does() {
        let target = TargetEnvironment::default();
        let requirements = roots(&["demo[x]", "c"]);
        let mut stepped = IndexTree::new(&requirements, &target);
        let mut order = Vec::new();
        while let Some(wanted) = stepped.next_to_load() {
            assert!(!stepped.upcoming(8).contains(&wanted));
            let found = metadata(&wanted.name);
            stepped.feed(&wanted, found.as_ref());
            order.push(wanted);
        }
        let mut reference = IndexTree::new(&requirements, &target);
        let walked = serial_walk(
            reference.roots(),
            |w| metadata(&w.name),
            |w, found| reference.expand(w, found.as_ref()),
        );
        let walked: Vec<Wanted> = walked.into_iter().map(|(w, _)| w).collect();
        assert_eq!(order, walked);
        let records = stepped.into_records();
        // The win32-only requirement is not followed on Linux; c<2 came first and stays.
        assert_eq!(
            names(&records),
            ["demo==2.0", "dep==2.0", "c==1.0", "extra-dep==2.0"]
        );
        assert_eq!(names(&reference.into_records()), names(&records));
    }
}

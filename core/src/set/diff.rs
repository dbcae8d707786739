//! The difference between two package sets.

use super::{match_key, PackageSet};
use crate::record::Ecosystem;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A name present in both sets whose versions or requirements changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// The name (as written in the new set).
    pub name: String,
    /// Versions in the old set.
    pub old_versions: Vec<String>,
    /// Versions in the new set.
    pub new_versions: Vec<String>,
    /// Requirements only the new set has (name and spec, with marker).
    pub requirements_added: Vec<String>,
    /// Requirements only the old set has.
    pub requirements_removed: Vec<String>,
}

/// Added, removed and changed packages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// `name version` only in the new set.
    pub added: Vec<String>,
    /// `name version` only in the old set.
    pub removed: Vec<String>,
    /// Names in both whose versions or requirements changed.
    pub changed: Vec<Change>,
}

struct Summary {
    name: String,
    versions: BTreeSet<String>,
    requirements: BTreeSet<String>,
}

fn summarise(set: &PackageSet) -> BTreeMap<(Ecosystem, String), Summary> {
    let mut out: BTreeMap<(Ecosystem, String), Summary> = BTreeMap::new();
    for (id, node) in set.nodes().iter().enumerate() {
        let package = set.package(id);
        let entry = out
            .entry((node.ecosystem, node.key.clone()))
            .or_insert_with(|| Summary {
                name: package.name.clone(),
                versions: BTreeSet::new(),
                requirements: BTreeSet::new(),
            });
        entry.versions.insert(package.version.clone());
        for r in &package.requires {
            let marker = r
                .marker
                .as_deref()
                .map(|m| format!(" ; {m}"))
                .unwrap_or_default();
            entry.requirements.insert(
                format!("{} {}{marker}", match_key(node.ecosystem, &r.name), r.spec)
                    .trim()
                    .to_owned(),
            );
        }
    }
    out
}

/// What changed from `old` to `new`.
pub fn diff(old: &PackageSet, new: &PackageSet) -> Diff {
    let (a, b) = (summarise(old), summarise(new));
    let mut result = Diff::default();
    for (key, s) in &b {
        match a.get(key) {
            None => result.added.extend(
                s.versions
                    .iter()
                    .map(|v| format!("{} {v}", s.name).trim().to_owned()),
            ),
            Some(o) if o.versions != s.versions || o.requirements != s.requirements => {
                result.changed.push(Change {
                    ecosystem: key.0,
                    name: s.name.clone(),
                    old_versions: o.versions.iter().cloned().collect(),
                    new_versions: s.versions.iter().cloned().collect(),
                    requirements_added: s
                        .requirements
                        .difference(&o.requirements)
                        .cloned()
                        .collect(),
                    requirements_removed: o
                        .requirements
                        .difference(&s.requirements)
                        .cloned()
                        .collect(),
                })
            }
            Some(_) => {}
        }
    }
    for (key, s) in &a {
        if !b.contains_key(key) {
            result.removed.extend(
                s.versions
                    .iter()
                    .map(|v| format!("{} {v}", s.name).trim().to_owned()),
            );
        }
    }
    result
}

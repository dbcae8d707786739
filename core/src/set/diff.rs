//! The difference between two package sets.

use super::{match_key, PackageSet};
use crate::record::{Ecosystem, Requirement, Status};
use crate::versions::pep508::normalize_name;
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

/// A name whose file-level requirements (a requirements file's pins, a pyproject's
/// dependencies) changed: compared per name, specifier and marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementChange {
    /// The name (as written in the new set, else the old).
    pub name: String,
    /// Its requirements in the old set (`==2.31.0`, `>=1 ; python_version < "3.11"`); empty:
    /// added.
    pub old: Vec<String>,
    /// Its requirements in the new set; empty: removed.
    pub new: Vec<String>,
}

/// Added, removed and changed packages, and changed file-level requirements.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// `name version` only in the new set.
    pub added: Vec<String>,
    /// `name version` only in the old set.
    pub removed: Vec<String>,
    /// Names in both whose versions or requirements changed.
    pub changed: Vec<Change>,
    /// Names whose file-level requirements changed (requirements files, projects).
    pub requirements: Vec<RequirementChange>,
}

struct Summary {
    name: String,
    versions: BTreeSet<String>,
    requirements: BTreeSet<String>,
}

/// A requirement as compared: specifier and marker (`==2.31.0 ; python_version < "3.11"`), or
/// `*` for any version.
fn requirement_text(r: &Requirement) -> String {
    let spec = if r.spec.is_empty() { "*" } else { &r.spec };
    match (&r.marker, &r.url) {
        (Some(m), _) => format!("{spec} ; {m}"),
        (None, Some(url)) => format!("@ {url}"),
        (None, None) => spec.to_owned(),
    }
}

/// Each name's file-level requirements of the readable records (name as written, texts).
fn pins(set: &PackageSet) -> BTreeMap<String, (String, BTreeSet<String>)> {
    let mut out: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for record in set.records() {
        for r in record.requirements.iter().filter(|r| !r.name.is_empty()) {
            out.entry(normalize_name(&r.name))
                .or_insert_with(|| (r.name.clone(), BTreeSet::new()))
                .1
                .insert(requirement_text(r));
        }
    }
    out
}

/// The changed file-level requirements from `old` to `new`, per name.
fn requirement_changes(old: &PackageSet, new: &PackageSet) -> Vec<RequirementChange> {
    let (a, b) = (pins(old), pins(new));
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let (old_name, old) = a.get(key).cloned().unwrap_or_default();
            let (new_name, new) = b.get(key).cloned().unwrap_or_default();
            (old != new).then(|| RequirementChange {
                name: if new_name.is_empty() {
                    old_name
                } else {
                    new_name
                },
                old: old.into_iter().collect(),
                new: new.into_iter().collect(),
            })
        })
        .collect()
}

/// The paths of `set`'s unreadable records, relative to the folder all its records share: a
/// file unreadable on one side hides its packages on the other from `added` and `removed`.
fn unreadable_paths(set: &PackageSet) -> BTreeSet<String> {
    let base = common_folder(set);
    set.records()
        .iter()
        .filter(|r| r.status == Status::Error)
        .map(|r| relative(&r.path, &base).to_owned())
        .collect()
}

/// The longest folder prefix of every record path of `set` (`a/b/` or empty).
fn common_folder(set: &PackageSet) -> String {
    let mut paths = set.records().iter().map(|r| r.path.as_str());
    let Some(first) = paths.next() else {
        return String::new();
    };
    let mut prefix = match first.rfind('/') {
        Some(i) => &first[..=i],
        None => "",
    };
    for path in paths {
        while !path.starts_with(prefix) {
            prefix = match prefix[..prefix.len() - 1].rfind('/') {
                Some(i) => &prefix[..=i],
                None => "",
            };
        }
    }
    prefix.to_owned()
}

fn relative<'a>(path: &'a str, base: &str) -> &'a str {
    path.strip_prefix(base).unwrap_or(path)
}

fn summarise(
    set: &PackageSet,
    hidden: &BTreeSet<String>,
) -> BTreeMap<(Ecosystem, String), Summary> {
    let base = common_folder(set);
    let mut out: BTreeMap<(Ecosystem, String), Summary> = BTreeMap::new();
    for (id, node) in set.nodes().iter().enumerate() {
        if hidden.contains(relative(set.path(id), &base)) {
            continue;
        }
        let package = set.package(id);
        let entry = out
            .entry((node.ecosystem, node.key.clone()))
            .or_insert_with(|| Summary {
                name: package.name.clone(),
                versions: BTreeSet::new(),
                requirements: BTreeSet::new(),
            });
        entry.versions.insert(set.version_key(id).to_owned());
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

/// What changed from `old` to `new`. A file that is unreadable on either side is left out of
/// both (its packages are not "removed"; the report lists it as unreadable).
pub fn diff(old: &PackageSet, new: &PackageSet) -> Diff {
    let mut hidden = unreadable_paths(old);
    hidden.extend(unreadable_paths(new));
    let (a, b) = (summarise(old, &hidden), summarise(new, &hidden));
    let mut result = Diff {
        requirements: requirement_changes(old, new),
        ..Diff::default()
    };
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

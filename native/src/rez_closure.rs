//! `graph --root` over a rez repository without reading all of it: the families the roots
//! reach are loaded with core's prefetch walk, each family's files read in the pool as soon as
//! a requirement names it, while the walk itself stays a serial loop. The answer equals the
//! full scan's: every version of every family reached is loaded, so each requirement resolves
//! against the same candidates.

use crate::read::{read_and_parse, Includes};
use crate::walk::{units, Found, Unit};
use pkglens_core::{prefetch_walk, CancelFlag, Executor, PrefetchOptions};
use pkglens_core::{Format, Record, RequirementKind};
use std::path::{Path, PathBuf};

/// Whether `repo` looks like a rez repository holding every family in `roots`:
/// `repo/<family>/<version>/package.py` (or `.yaml`).
pub fn is_rez_repository(repo: &Path, roots: &[String]) -> bool {
    !roots.is_empty()
        && roots.iter().all(|family| {
            std::fs::read_dir(repo.join(family)).is_ok_and(|versions| {
                versions.flatten().any(|v| {
                    v.path().join("package.py").is_file() || v.path().join("package.yaml").is_file()
                })
            })
        })
}

/// The records of one family, in the walk's order (versions sorted by name as bytes).
fn load_family(repo: &Path, family: &str) -> Vec<Record> {
    let dir = repo.join(family);
    if !dir.is_dir() {
        return Vec::new();
    }
    units(&dir, 0)
        .flat_map(Unit::expand)
        .filter(|found| {
            matches!(
                found,
                Found::File {
                    format: Some(Format::RezPackagePy | Format::RezPackageYaml),
                    ..
                }
            )
        })
        // Only rez package files: they include nothing.
        .filter_map(|found| {
            read_and_parse(found, &Includes::anywhere())
                .ok()
                .map(|(record, _)| record)
        })
        .collect()
}

/// The families the records' run requirements and variants name (not conflicts, not
/// ephemerals: those pull nothing in), in requirement order.
fn required_families(records: &[Record]) -> Vec<String> {
    let mut names = Vec::new();
    for package in records.iter().flat_map(|r| &r.packages) {
        for requirement in package
            .requires
            .iter()
            .chain(package.variants.iter().flatten())
        {
            if requirement.kind == RequirementKind::Conflict || requirement.name.starts_with('.') {
                continue;
            }
            if !names.contains(&requirement.name) {
                names.push(requirement.name.clone());
            }
        }
    }
    names
}

/// Loads the closure of `roots` in `repo`: every record of every family reached, family by
/// family in the walk's visit order, and how many families that was.
pub fn load_closure(repo: &Path, roots: &[String], executor: Executor) -> (Vec<Record>, usize) {
    let repo: PathBuf = repo.to_path_buf();
    let options = PrefetchOptions {
        executor,
        ahead: 256,
        cancel: CancelFlag::new(),
    };
    let visited = prefetch_walk(
        roots.to_vec(),
        &options,
        move |family: &String| load_family(&repo, family),
        |_, records| required_families(records),
    );
    let families = visited.len();
    (
        visited
            .into_iter()
            .flat_map(|(_, records)| records)
            .collect(),
        families,
    )
}

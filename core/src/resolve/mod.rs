//! rez's resolver: [`solve`] turns rez requests into the packages (and variants) rez would
//! resolve, following rez 3.4.0's `solver.py` phase by phase.
//!
//! Sans-I/O, like the rest of core: the solver never reads a file. It asks a
//! [`PackageSource`] for each family the first time it needs one, and tells the source about
//! every family it *names* (a requirement it has read) before it needs it, so that a source
//! may start loading in the background ([`PackageSource::named`]). The packages come from
//! static reads ([`rez_packages`] turns parsed [`Record`]s into [`RezPackage`]s); a package
//! whose solver fields are computed (`dynamic`) or unreadable (`error`) is reported, never
//! guessed, unless the caller allows the literal part to stand in.
//!
//! Where this departs from rez (all recorded in `docs/decisions.md`):
//! - no package filters, timestamps or custom `package_orderers` (rez's defaults: no filter,
//!   version descending);
//! - each family's variants are put in rez's variant order as soon as the family's versions
//!   enter a slice, instead of lazily; the order is a function of the request only, so every
//!   answer is the same;
//! - the "optimised" caches (`been_reduced_by`, `been_intersected_with`) are left out: they
//!   only skip work whose result is already known.

mod graph;
mod solver;

pub use solver::{solve, ResolveFailure, ResolveOutcome, Reduction, RezResolve, ResolvedVariant, SolveError};

use crate::record::{Record, Requirement, Status};
use crate::versions::rez::{RezRequirement, RezVersion};
use std::sync::Arc;

/// One rez package as the solver sees it: its version and the requirements of its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct RezPackage {
    /// The family.
    pub name: String,
    /// The version (the empty version for an unversioned package).
    pub version: RezVersion,
    /// `requires`: what every variant needs.
    pub requires: Vec<RezRequirement>,
    /// `variants`: each variant's own requirements (added after `requires`).
    pub variants: Vec<Vec<RezRequirement>>,
    /// The file it was read from.
    pub path: String,
}

/// How rez orders the variants of one package (rez's `variant_select_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VariantSelectMode {
    /// Highest versions of the packages shared with the request first (rez's default).
    #[default]
    VersionPriority,
    /// Most packages shared with the request first, then as `VersionPriority`.
    IntersectionPriority,
}

/// Options of [`solve`].
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    /// rez's `variant_select_mode`.
    pub variant_select_mode: VariantSelectMode,
    /// rez's `implicit_packages`: requests put before the user's (rez's default config adds
    /// `~platform==…`, `~arch==…`, `~os==…`; none here unless asked).
    pub implicit: Vec<RezRequirement>,
}

/// Where the solver's packages come from.
pub trait PackageSource {
    /// Every package of `family`, one per version (the first repository holding a version
    /// wins, as in rez), or `Ok(None)` when no repository has the family. An `Err` stops the
    /// solve with that message (a package the source cannot give statically).
    fn family(&mut self, family: &str) -> Result<Option<Arc<Vec<RezPackage>>>, String>;

    /// The solver has read a requirement naming `family` and may ask for it soon: a source
    /// may start loading it now. Called once per family per solve.
    fn named(&mut self, _family: &str) {}
}

/// A [`PackageSource`] over packages already in memory.
impl PackageSource for std::collections::HashMap<String, Arc<Vec<RezPackage>>> {
    fn family(&mut self, family: &str) -> Result<Option<Arc<Vec<RezPackage>>>, String> {
        Ok(self.get(family).cloned())
    }
}

/// Why a family's packages cannot all be read statically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unusable {
    /// The file.
    pub path: String,
    /// The solver field whose value is unknown (`requires`, `variants`, `version`, ...), or
    /// `None` for a file that could not be parsed.
    pub field: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

/// The fields the solver reads; a computed one makes a package unusable.
const SOLVER_FIELDS: [&str; 4] = ["name", "version", "requires", "variants"];

/// The rez packages of `records` (one family's files, in repository order), as the solver
/// sees them. A record whose solver fields are computed (`dynamic`) or which could not be
/// parsed (`error`) is [`Unusable`]; with `allow_dynamic` a dynamic package is kept with the
/// literal values that were read (a computed field is taken as absent) and an error record
/// is still unusable.
pub fn rez_packages(records: &[Record], allow_dynamic: bool) -> Result<Vec<RezPackage>, Unusable> {
    let mut out = Vec::new();
    for record in records {
        if record.status == Status::Error {
            let message = record
                .error
                .as_ref()
                .map(|e| format!("{} (line {})", e.message, e.line))
                .unwrap_or_else(|| "unreadable".to_string());
            return Err(Unusable {
                path: record.path.clone(),
                field: None,
                message,
            });
        }
        for package in &record.packages {
            if !allow_dynamic {
                let computed = package
                    .dynamic
                    .iter()
                    .find(|f| SOLVER_FIELDS.contains(&f.as_str()));
                if let Some(field) = computed {
                    return Err(Unusable {
                        path: record.path.clone(),
                        field: Some(field.clone()),
                        message: record
                            .reason
                            .clone()
                            .unwrap_or_else(|| format!("`{field}` is computed")),
                    });
                }
            }
            out.push(rez_package(record, package)?);
        }
    }
    Ok(out)
}

/// One [`Package`](crate::Package) as a [`RezPackage`].
fn rez_package(record: &Record, package: &crate::record::Package) -> Result<RezPackage, Unusable> {
    let unusable = |field: &str, message: String| Unusable {
        path: record.path.clone(),
        field: Some(field.to_string()),
        message,
    };
    let version = RezVersion::parse(&package.version)
        .map_err(|e| unusable("version", format!("invalid version: {e}")))?;
    let parse = |field: &str, list: &[Requirement]| -> Result<Vec<RezRequirement>, Unusable> {
        list.iter()
            .map(|r| {
                RezRequirement::parse(&r.raw)
                    .map_err(|e| unusable(field, format!("invalid requirement {:?}: {e}", r.raw)))
            })
            .collect()
    };
    Ok(RezPackage {
        name: package.name.clone(),
        version,
        requires: parse("requires", &package.requires)?,
        variants: package
            .variants
            .iter()
            .map(|v| parse("variants", v))
            .collect::<Result<_, _>>()?,
        path: record.path.clone(),
    })
}

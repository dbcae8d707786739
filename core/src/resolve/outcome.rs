//! What a resolve answers: the resolved packages in rez's order, or why it failed (the
//! conflicts rez reports and how each requirement came to be), or a rez exception.

use super::Unusable;
use crate::versions::rez::{RezRequirement, RezVersion};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// A rez exception: the resolve stopped without an answer (a family or package that is not
/// there, a package whose own requirements conflict, a package the source cannot give).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolveError {
    /// rez's message.
    pub message: String,
}

impl fmt::Display for SolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SolveError {}

pub(super) fn error(message: String) -> SolveError {
    SolveError { message }
}

/// The message for a package the solver needs but cannot read statically.
pub(super) fn describe_unusable(u: &Unusable) -> String {
    match u.field.as_deref() {
        Some(field) if !field.is_empty() => format!(
            "{}: field `{field}` is not a literal ({}); --allow-dynamic uses the literal values \
             that could be read",
            u.path, u.message
        ),
        _ => format!("{}: cannot be read: {}", u.path, u.message),
    }
}

/// A variant removed because one of its requirements conflicts with another scope
/// (rez `Reduction`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reduction {
    /// The package whose variant was removed.
    pub name: String,
    /// Its version.
    pub version: RezVersion,
    /// The variant's index (`None` for a package without variants).
    pub variant: Option<usize>,
    /// The variant's requirement that conflicted.
    pub dependency: RezRequirement,
    /// The scope's request it conflicted with.
    pub conflicting: RezRequirement,
}

/// Why a resolve failed (rez `FailureReason`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveFailure {
    /// Every variant of a scope was removed (rez `TotalReduction`).
    TotalReduction(Vec<Reduction>),
    /// Two requirements cannot both hold (rez `DependencyConflicts`): the requirement, and
    /// the request it conflicts with.
    Conflicts(Vec<(RezRequirement, RezRequirement)>),
    /// The resolved packages require each other in a cycle (rez `Cycle`).
    Cycle(Vec<(String, RezVersion)>),
}

impl ResolveFailure {
    /// rez's `failure_description`.
    pub fn description(&self) -> String {
        match self {
            ResolveFailure::TotalReduction(reductions) => {
                let parts: Vec<String> = reductions
                    .iter()
                    .map(|r| {
                        let index = r.variant.map(|i| i.to_string()).unwrap_or_default();
                        format!(
                            "({}[{index}] (dep({}) <--!--> {}))",
                            versioned(&r.name, &r.version),
                            r.dependency,
                            r.conflicting
                        )
                    })
                    .collect();
                format!("A package was completely reduced: {}", parts.join(" "))
            }
            ResolveFailure::Conflicts(conflicts) => {
                let parts: Vec<String> = conflicts
                    .iter()
                    .map(|(a, b)| format!("({a} <--!--> {b})"))
                    .collect();
                format!(
                    "The following package conflicts occurred: {}",
                    parts.join(" ")
                )
            }
            ResolveFailure::Cycle(packages) => {
                let mut names: Vec<String> =
                    packages.iter().map(|(n, v)| versioned(n, v)).collect();
                if let Some(first) = names.first().cloned() {
                    names.push(first);
                }
                format!("A cyclic dependency was detected: {}", names.join(" --> "))
            }
        }
    }
}

/// `name-version`, as rez's `VersionedObject` prints it.
pub(super) fn versioned(name: &str, version: &RezVersion) -> String {
    if version.is_empty() {
        name.to_string()
    } else {
        format!("{name}-{version}")
    }
}

/// One resolved package.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedVariant {
    /// The family.
    pub name: String,
    /// The version.
    pub version: RezVersion,
    /// The variant chosen (`None` for a package without variants).
    pub variant: Option<usize>,
    /// The file the package was read from.
    pub path: String,
    /// The variant's requirements, merged as rez merges them.
    pub requires: Vec<RezRequirement>,
    /// Solver fields of the package that are computed and were taken as absent.
    pub computed: Vec<String>,
}

/// The answer of a resolve.
#[derive(Debug, Clone, PartialEq)]
pub enum ResolveOutcome {
    /// The packages, in rez's order (dependencies before what needs them, then request
    /// order), and the final ranges of the ephemerals.
    Solved {
        /// The resolved variants.
        packages: Vec<ResolvedVariant>,
        /// The non-conflict ephemerals (`.foo-1`), as finally narrowed.
        ephemerals: Vec<RezRequirement>,
    },
    /// No resolve exists (rez's "resolve failed"), with the failure rez reports (the first
    /// failed phase, the last one for a cycle).
    Failed {
        /// Why.
        failure: ResolveFailure,
        /// Who pulled each family into the failed phase: `(by, family, requirement)`, `by`
        /// being the family whose variants all share `requirement`.
        pulled: Vec<(String, String, RezRequirement)>,
    },
}

/// A finished resolve.
#[derive(Debug, Clone, PartialEq)]
pub struct RezResolve {
    /// The request as rez merges it (implicit packages first).
    pub request: Vec<RezRequirement>,
    /// What came out.
    pub outcome: ResolveOutcome,
    /// Solve steps taken (rez `num_solves`).
    pub solves: usize,
    /// Failed phases met on the way (rez `num_fails`).
    pub fails: usize,
}

impl RezResolve {
    /// The chain by which `family` entered the failed phase: `[request family, ..., family]`
    /// (just `[family]` when it was requested). Empty for a solved resolve.
    pub fn chain(&self, family: &str) -> Vec<String> {
        let ResolveOutcome::Failed { pulled, .. } = &self.outcome else {
            return Vec::new();
        };
        let requested = |name: &str| self.request.iter().any(|r| r.name == name);
        // Breadth-first back from `family` to a requested family: the shortest chain.
        let mut parent: HashMap<&str, &str> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([family]);
        let mut seen = HashSet::from([family]);
        while let Some(name) = queue.pop_front() {
            if requested(name) {
                let mut chain = vec![name.to_string()];
                let mut at = name;
                while let Some(&child) = parent.get(at) {
                    chain.push(child.to_string());
                    at = child;
                }
                return chain;
            }
            for (by, fam, _) in pulled {
                if fam == name && seen.insert(by.as_str()) {
                    parent.insert(by.as_str(), name);
                    queue.push_back(by.as_str());
                }
            }
        }
        vec![family.to_string()]
    }
}

impl RezResolve {
    /// How each requirement a failure involves came to be: from a requested family through
    /// the families whose variants all shared a requirement, ending with the requirement (for a
    /// reduction: the variant, then its conflicting requirement). Empty for a solved resolve.
    pub fn failure_chains(&self) -> Vec<Vec<String>> {
        let ResolveOutcome::Failed { failure, .. } = &self.outcome else {
            return Vec::new();
        };
        let mut chains: Vec<Vec<String>> = Vec::new();
        let mut add = |chain: Vec<String>| {
            if !chains.contains(&chain) {
                chains.push(chain);
            }
        };
        match failure {
            ResolveFailure::Conflicts(pairs) => {
                for (a, b) in pairs {
                    add(self.requirement_chain(a));
                    add(self.requirement_chain(b));
                }
            }
            ResolveFailure::TotalReduction(reductions) => {
                for r in reductions {
                    let mut chain = self.chain(&r.name);
                    chain.pop();
                    let index = r.variant.map(|i| i.to_string()).unwrap_or_default();
                    chain.push(format!("{}[{index}]", versioned(&r.name, &r.version)));
                    chain.push(r.dependency.to_string());
                    add(chain);
                    add(self.requirement_chain(&r.conflicting));
                }
            }
            ResolveFailure::Cycle(packages) => {
                for (name, _) in packages {
                    add(self.chain(name));
                }
            }
        }
        chains
    }

    /// The chain to one requirement of the failed phase (see [`failure_chains`](Self::failure_chains)).
    fn requirement_chain(&self, requirement: &RezRequirement) -> Vec<String> {
        let ResolveOutcome::Failed { pulled, .. } = &self.outcome else {
            return Vec::new();
        };
        if self.request.contains(requirement) {
            return vec![requirement.to_string()];
        }
        let mut chain = match pulled
            .iter()
            .find(|(_, f, r)| *f == requirement.name && r == requirement)
        {
            Some((by, _, _)) => self.chain(by),
            None => {
                let mut c = self.chain(&requirement.name);
                c.pop();
                c
            }
        };
        chain.push(requirement.to_string());
        chain
    }
}

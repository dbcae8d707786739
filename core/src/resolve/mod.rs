//! rez's resolver: [`solve`] turns rez requests into the packages (and variants) rez would
//! resolve, following rez 3.4.0's `solver.py` phase by phase.
//!
//! Sans-I/O, like the rest of core: the solver never reads a file. It asks a
//! [`PackageSource`] for each family the first time it needs one, and first tells the source
//! about every family it is about to ask for (the requests; each round's extracted
//! requirements that make new scopes, before those are made one by one), so that a source may load them in
//! the background, side by side ([`PackageSource::named`]). The packages come from
//! static reads ([`rez_packages`] turns parsed [`Record`]s into [`RezPackage`]s); a package
//! whose solver fields are computed (`dynamic`) or unreadable (`error`) is reported, never
//! guessed, unless the caller allows the literal part to stand in.
//!
//! Where this departs from rez (all recorded in `docs/decisions.md`):
//! - `package_filter` as rez's ([`filter`]), except regex rules whose syntax Python and
//!   Rust's regex-lite read differently, which are refused;
//!   `package_orderers` as rez's ([`order`]; `soft_timestamp` reads every version of the
//!   families it orders, as rez does, when their slice or a variant's key first needs them,
//!   so it raises earlier than rez where a package is unreadable), and `no_order` keeps the
//!   versions in the order the source lists them (rez's is a Python set's, which varies between
//!   processes);
//! - each family's variants are put in rez's variant order as soon as the family's versions
//!   enter a slice, instead of lazily; the order is a function of the request only, so every
//!   answer is the same;
//! - the "optimised" caches (`been_reduced_by`, `been_intersected_with`) are left out: they
//!   only skip work whose result is already known.

mod cache;
mod filter;
mod fnmatch;
mod graph;
mod listing;
mod order;
mod outcome;
mod pending;
mod read;
mod report;
mod rezconfig;
mod slice;
mod solver;
mod timestamp;

pub use filter::{read_package_filter, PackageFilterList};
pub use listing::{list_family, FamilyChild, PACKAGE_FILES};
pub use order::{json_to_py, read_orderers, Orderer, PackageOrder, PackageOrderers};
pub use outcome::{
    Reduction, ResolveFailure, ResolveOutcome, ResolvedVariant, RezResolve, SolveError,
};
pub use read::rez_package_py_in_folder;
pub use report::{variant_label, ResolveEdge, ResolveNode, ResolveReport};
pub use solver::solve;
pub use timestamp::{parse_time, Timestamp};

use crate::formats::rez::is_valid_package_name;
use crate::record::{Record, Requirement, Status};
use crate::versions::rez::{RezRequirement, RezVersion, RezVersionRange};
use std::collections::HashMap;
use std::sync::Arc;

/// A request as rez's `ResolvedContext` takes it (rez `PackageRequest`): a requirement whose
/// family name is valid, `[a-zA-Z_0-9](\.?[a-zA-Z0-9_]+)*`, after the `.` of an ephemeral.
/// So `!.foo` (a conflict with an ephemeral) is refused, as rez refuses it.
pub fn parse_request(text: &str) -> Result<RezRequirement, String> {
    let request =
        RezRequirement::parse(text).map_err(|e| format!("invalid request {text:?}: {e}"))?;
    let name = if text.starts_with('.') {
        request.name.get(1..).unwrap_or_default()
    } else {
        request.name.as_str()
    };
    if !is_valid_package_name(name) {
        return Err(format!("Not a valid package name: '{name}'"));
    }
    Ok(request)
}

/// One rez package as the solver sees it: its version and the requirements of its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct RezPackage {
    /// The family.
    pub name: String,
    /// The version (the empty version for an unversioned package).
    pub version: RezVersion,
    /// `requires`: what every variant needs. Shared: the packages of a family mostly repeat
    /// the same requirements, each read once ([`RequirementCache`]).
    pub requires: Vec<Arc<RezRequirement>>,
    /// `variants`: each variant's own requirements (added after `requires`).
    pub variants: Vec<Vec<Arc<RezRequirement>>>,
    /// The file it was read from.
    pub path: String,
    /// Solver fields whose value is computed and were taken as absent (`--allow-dynamic`).
    pub computed: Vec<String>,
    /// Why the package cannot be used: the resolve stops if the solver considers its version.
    pub unusable: Option<Unusable>,
    /// `timestamp`: when it was released, which a resolve with a time filters on.
    pub timestamp: Timestamp,
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
    /// rez's `package_orderers`: the order versions are tried in (none: version descending).
    pub orderers: PackageOrderers,
    /// rez's resolve `timestamp` (`rez env --time`, [`parse_time`]): packages released after
    /// it are left out. `None` or `Some(0)`: no time.
    pub time: Option<i64>,
    /// rez's `package_filter` ([`read_package_filter`]): packages it excludes are left out
    /// (joined with `time` as rez joins them). Empty: no filter, rez's default.
    pub package_filter: PackageFilterList,
}

/// One version of a family as its source lists it: read already, or only named by its folder
/// and read when the solver first considers it. rez reads a package's file only when its
/// version falls in a range the solver asks for; most versions of a large family never do.
#[derive(Debug, Clone)]
pub enum Listed {
    /// The package, read.
    Read(Arc<RezPackage>),
    /// A version folder whose file the source reads on [`PackageSource::read`].
    Unread {
        /// The version its folder names.
        version: RezVersion,
        /// Where the source reads it from (a path, opaque to the solver).
        path: String,
    },
}

impl Listed {
    /// The version listed.
    pub fn version(&self) -> &RezVersion {
        match self {
            Listed::Read(package) => &package.version,
            Listed::Unread { version, .. } => version,
        }
    }
}

/// Where the solver's packages come from.
pub trait PackageSource {
    /// The versions of `family`, one per version (the first repository holding a version
    /// wins, as in rez), or `Ok(None)` when no repository has the family. An `Err` stops the
    /// solve with that message.
    fn family(&mut self, family: &str) -> Result<Option<Vec<Listed>>, String>;

    /// The solver is about to ask for `family`, in `range` (a request, or a requirement
    /// extracted this round, whose scopes are made one after the other): a source may start
    /// listing it, and reading the versions in `range`, now. Called once per family per
    /// solve, before the family is asked for.
    fn named(&mut self, _family: &str, _range: &RezVersionRange) {}

    /// The packages of the versions of `family` the source listed [`Listed::Unread`], read
    /// now, one per item and in order: `(version, path)` as listed. A package that cannot be
    /// read is [`Unusable`]. A source that lists every version read is never asked.
    fn read(&mut self, family: &str, unread: &[(RezVersion, String)]) -> Vec<RezPackage> {
        unread
            .iter()
            .map(|(version, path)| {
                unreadable(family, version, path, "this source cannot read it".into())
            })
            .collect()
    }
}

/// A [`PackageSource`] over packages already in memory.
impl PackageSource for HashMap<String, Arc<Vec<RezPackage>>> {
    fn family(&mut self, family: &str) -> Result<Option<Vec<Listed>>, String> {
        Ok(self.get(family).map(|packages| {
            packages
                .iter()
                .map(|p| Listed::Read(Arc::new(p.clone())))
                .collect()
        }))
    }
}

/// The package at `path` that could not be read: unusable, so that the resolve stops if the
/// solver considers its version.
pub fn unreadable(family: &str, version: &RezVersion, path: &str, message: String) -> RezPackage {
    RezPackage {
        unusable: Some(Unusable {
            path: path.to_string(),
            field: None,
            message,
        }),
        ..RezPackage::empty(family, version, path)
    }
}

impl RezPackage {
    /// Version `version` of `family`, read from `path`, requiring nothing.
    pub(crate) fn empty(family: &str, version: &RezVersion, path: &str) -> RezPackage {
        RezPackage {
            name: family.to_string(),
            version: version.clone(),
            requires: Vec::new(),
            variants: Vec::new(),
            path: path.to_string(),
            computed: Vec::new(),
            unusable: None,
            timestamp: Timestamp::Untimestamped,
        }
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
/// sees them. A package whose solver fields are computed (`dynamic`) is kept but marked
/// [`Unusable`], naming the file and field, so that the resolve stops only if the solver
/// considers its version; with `allow_dynamic` it is used with the literal values that were
/// read (a computed field taken as absent, listed in `computed`). A file that could not be
/// parsed is unusable whatever `allow_dynamic` says, at the version its folder names
/// (`<family>/<version>/package.py`; the empty version when the folder is not a version).
/// Records are taken by reference, so a caller holding them elsewhere (a package set) need not
/// copy them.
pub fn rez_packages<'r>(
    records: impl IntoIterator<Item = &'r Record>,
    allow_dynamic: bool,
) -> Vec<RezPackage> {
    let mut out = Vec::new();
    // The versions of a family mostly repeat the same requirement strings: each is read once.
    let mut parsed = RequirementCache::default();
    for record in records {
        if record.status == Status::Error && record.packages.is_empty() {
            let message = record
                .error
                .as_ref()
                .map(|e| format!("{} (line {})", e.message, e.line))
                .unwrap_or_else(|| "unreadable".to_string());
            let mut folders = record.path.rsplit(['/', '\\']).skip(1);
            let version = folders.next().and_then(|v| RezVersion::parse(v).ok());
            out.push(RezPackage {
                name: folders.next().unwrap_or_default().to_string(),
                version: version.unwrap_or_default(),
                requires: Vec::new(),
                variants: Vec::new(),
                path: record.path.clone(),
                computed: Vec::new(),
                unusable: Some(Unusable {
                    path: record.path.clone(),
                    field: None,
                    message,
                }),
                timestamp: Timestamp::Untimestamped,
            });
            continue;
        }
        for package in &record.packages {
            out.push(rez_package(
                record,
                package,
                None,
                allow_dynamic,
                &mut parsed,
            ));
        }
    }
    out
}

/// Requirement strings already read, with what reading them gave (the message of why not).
pub type RequirementCache = foldhash::HashMap<String, Result<Arc<RezRequirement>, String>>;

/// The package of `record`, the file of version folder `version` of `family`, as the solver
/// sees it. rez's filesystem repository takes a package's name and version from its folders,
/// not from its file: so does this, and only the file's `requires` and `variants` count.
/// `parsed` keeps the requirement strings already read (share it across a family's files).
pub fn rez_package_in_folder(
    record: &Record,
    family: &str,
    version: &RezVersion,
    allow_dynamic: bool,
    parsed: &mut RequirementCache,
) -> RezPackage {
    match record.packages.first() {
        Some(package) => rez_package(
            record,
            package,
            Some((family, version)),
            allow_dynamic,
            parsed,
        ),
        None => {
            let message = record
                .error
                .as_ref()
                .map(|e| format!("{} (line {})", e.message, e.line))
                .unwrap_or_else(|| "no package read".to_string());
            unreadable(family, version, &record.path, message)
        }
    }
}

/// One [`Package`](crate::Package) as a [`RezPackage`]: named and versioned by `folder`
/// (family, version) when given, else by the file.
fn rez_package(
    record: &Record,
    package: &crate::record::Package,
    folder: Option<(&str, &RezVersion)>,
    allow_dynamic: bool,
    parsed: &mut RequirementCache,
) -> RezPackage {
    // From folders, the file's `name` and `version` are never read: computed ones do not count.
    let fields: &[&str] = match folder {
        Some(_) => &SOLVER_FIELDS[2..],
        None => &SOLVER_FIELDS,
    };
    let computed: Vec<String> = package
        .dynamic
        .iter()
        .filter(|f| fields.contains(&f.as_str()))
        .cloned()
        .collect();
    let mut unusable = None;
    let mut problem = |field: &str, message: String| {
        unusable.get_or_insert(Unusable {
            path: record.path.clone(),
            field: Some(field.to_string()),
            message,
        });
    };
    if record.status == Status::Error {
        let message = record
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_default();
        problem("", message);
    }
    if let (false, Some(field)) = (allow_dynamic, computed.first()) {
        let message = record
            .reason
            .clone()
            .unwrap_or_else(|| format!("`{field}` is computed"));
        problem(field, message);
    }
    let version = match folder {
        Some((_, version)) => version.clone(),
        None => RezVersion::parse(&package.version).unwrap_or_else(|e| {
            problem("version", format!("invalid version: {e}"));
            RezVersion::default()
        }),
    };
    let mut parse = |field: &str, list: &[Requirement]| -> Vec<Arc<RezRequirement>> {
        list.iter()
            .filter_map(|r| {
                if !parsed.contains_key(&r.raw) {
                    let read = RezRequirement::parse(&r.raw)
                        .map(Arc::new)
                        .map_err(|e| e.to_string());
                    parsed.insert(r.raw.clone(), read);
                }
                match parsed.get(&r.raw)? {
                    Ok(req) => Some(Arc::clone(req)),
                    Err(e) => {
                        problem(field, format!("invalid requirement {:?}: {e}", r.raw));
                        None
                    }
                }
            })
            .collect()
    };
    let requires = parse("requires", &package.requires);
    let variants = package
        .variants
        .iter()
        .map(|v| parse("variants", v))
        .collect();
    RezPackage {
        name: folder.map_or_else(|| package.name.clone(), |(family, _)| family.to_string()),
        version,
        requires,
        variants,
        path: record.path.clone(),
        computed: if allow_dynamic { computed } else { Vec::new() },
        unusable,
        timestamp: timestamp::timestamp_of(record, package, allow_dynamic),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One package in memory: `(family, version, requires, variants)`.
    type Spec<'a> = (&'a str, &'a str, &'a [&'a str], &'a [&'a [&'a str]]);

    /// A repository in memory.
    fn repo(packages: &[Spec]) -> HashMap<String, Arc<Vec<RezPackage>>> {
        let reqs = |list: &[&str]| -> Vec<Arc<RezRequirement>> {
            list.iter()
                .map(|r| Arc::new(RezRequirement::parse(r).unwrap()))
                .collect()
        };
        let mut out: HashMap<String, Vec<RezPackage>> = HashMap::new();
        for (name, version, requires, variants) in packages {
            out.entry(name.to_string()).or_default().push(RezPackage {
                name: name.to_string(),
                version: RezVersion::parse(version).unwrap(),
                requires: reqs(requires),
                variants: variants.iter().map(|v| reqs(v)).collect(),
                path: format!("{name}/{version}/package.py"),
                computed: Vec::new(),
                unusable: None,
                timestamp: Timestamp::Untimestamped,
            });
        }
        out.into_iter().map(|(k, v)| (k, Arc::new(v))).collect()
    }

    fn resolve(source: &mut dyn PackageSource, request: &[&str]) -> Result<Vec<String>, String> {
        let request: Vec<RezRequirement> = request
            .iter()
            .map(|r| RezRequirement::parse(r).unwrap())
            .collect();
        let resolve =
            solve(&request, &ResolveOptions::default(), source, "memory").map_err(|e| e.message)?;
        match resolve.outcome {
            ResolveOutcome::Solved { packages, .. } => Ok(packages
                .iter()
                .map(|p| {
                    format!(
                        "{}-{}[{}]",
                        p.name,
                        p.version,
                        p.variant.map(|i| i.to_string()).unwrap_or_default()
                    )
                })
                .collect()),
            ResolveOutcome::Failed { failure, .. } => Err(failure.description()),
        }
    }

    fn python_repo() -> HashMap<String, Arc<Vec<RezPackage>>> {
        repo(&[
            ("python", "2.6.8", &[], &[]),
            ("python", "2.7.0", &[], &[]),
            ("pyfoo", "3.0.0", &["python-2.5"], &[]),
            ("pyfoo", "3.1.0", &["python-2.6"], &[]),
            ("tool", "1", &[], &[&["python-2.6"], &["python-2.7"]]),
        ])
    }

    #[test]
    fn requests_are_checked_as_rez_checks_them() {
        assert!(parse_request("foo-1.2+<2").is_ok());
        assert!(parse_request(".eph-1").is_ok());
        assert!(parse_request("~foo.bar").is_ok());
        // rez/tests/test_solver.py resolves `!.bah` with the solver alone; `rez env` refuses it.
        assert_eq!(
            parse_request("!.bah").unwrap_err(),
            "Not a valid package name: '.bah'"
        );
        assert!(parse_request("../rez/boost").is_err());
        assert!(parse_request("foo.").is_err());
    }

    #[test]
    fn the_highest_version_wins_and_dependencies_come_first() {
        let mut source = python_repo();
        assert_eq!(
            resolve(&mut source, &["pyfoo"]).unwrap(),
            ["python-2.6.8[]", "pyfoo-3.1.0[]"]
        );
    }

    #[test]
    fn weak_and_conflict_requests_narrow_what_others_pull_in() {
        let mut source = python_repo();
        // `tool` prefers its python-2.7 variant; a weak request for 2.6 moves it to the other.
        assert_eq!(
            resolve(&mut source, &["tool"]).unwrap(),
            ["python-2.7.0[]", "tool-1[1]"]
        );
        assert_eq!(
            resolve(&mut source, &["tool", "~python-2.6"]).unwrap(),
            ["python-2.6.8[]", "tool-1[0]"]
        );
        assert_eq!(
            resolve(&mut source, &["!python-2.7", "tool"]).unwrap(),
            ["python-2.6.8[]", "tool-1[0]"]
        );
        // A weak request alone pulls nothing in.
        assert_eq!(
            resolve(&mut source, &["~python-2.6"]).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_failure_names_the_conflict_and_a_missing_family_is_an_error() {
        let mut source = python_repo();
        let failed = resolve(&mut source, &["pyfoo-3.0", "python-2.7"]).unwrap_err();
        assert!(failed.contains("python-2.5"), "{failed}");
        let missing = resolve(&mut source, &["nothere"]).unwrap_err();
        assert_eq!(
            missing,
            "package family not found: nothere (searched: memory)"
        );
    }

    #[test]
    fn a_family_in_requires_and_in_a_variant_is_merged_or_an_internal_conflict() {
        // Answers of rez 3.4.0's `ResolvedContext` over these packages written as files.
        let mut source = repo(&[
            ("python", "2.6.8", &[], &[]),
            ("python", "2.7.0", &[], &[]),
            (
                "lib",
                "1",
                &["python-2.6+"],
                &[&["python-<2.7"], &["python-2.7"]],
            ),
            ("bad", "1", &["python-2.6"], &[&["python-2.7"]]),
        ]);
        assert_eq!(
            resolve(&mut source, &["lib"]).unwrap(),
            ["python-2.7.0[]", "lib-1[1]"]
        );
        assert_eq!(
            resolve(&mut source, &["lib", "python-2.6"]).unwrap(),
            ["python-2.6.8[]", "lib-1[0]"]
        );
        assert_eq!(
            resolve(&mut source, &["bad"]).unwrap_err(),
            "The package bad-1[0] has an internal requirements conflict: python-2.6 <--!--> python-2.7"
        );
    }

    /// A source that records the order of `named` and `family` calls.
    struct Recording(HashMap<String, Arc<Vec<RezPackage>>>, Vec<String>);

    impl PackageSource for Recording {
        fn family(&mut self, family: &str) -> Result<Option<Vec<Listed>>, String> {
            self.1.push(format!("family {family}"));
            self.0.family(family)
        }
        fn named(&mut self, family: &str, _range: &RezVersionRange) {
            self.1.push(format!("named {family}"));
        }
    }

    #[test]
    fn every_family_is_named_before_it_is_asked_for() {
        let mut source = Recording(python_repo(), Vec::new());
        resolve(&mut source, &["pyfoo"]).unwrap();
        let calls = source.1;
        for (i, call) in calls.iter().enumerate() {
            if let Some(family) = call.strip_prefix("family ") {
                let named = calls.iter().position(|c| *c == format!("named {family}"));
                assert!(named.is_some_and(|n| n < i), "{calls:?}");
            }
        }
        assert_eq!(calls.iter().filter(|c| c.starts_with("family")).count(), 2);
    }
}

//! A family's slice: the versions and variants of one family still possible in a phase
//! (rez's `_PackageVariantSlice`), with the requirement lists and variants it is made of.

use super::outcome::Reduction;
use super::RezPackage;
use crate::versions::rez::{RezRequirement, RezVersion, RezVersionRange};
use foldhash::HashMap;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::rc::Rc;
use std::sync::Arc;

/// The fewest variants whose reductions look at their distinct requirements ([`Slice::deps`]).
const DISTINCT_DEPS_FROM: usize = 2;

/// rez `RequirementList`: requirements merged by name, in the order names first appear.
#[derive(Debug, Clone, Default)]
pub(super) struct RequirementList {
    pub(super) requirements: Vec<Arc<RezRequirement>>,
}

impl RequirementList {
    /// Merges `requirements`; `Err` holds the first pair that cannot be merged.
    pub(super) fn new<'r>(
        requirements: impl IntoIterator<Item = &'r RezRequirement>,
    ) -> Result<Self, (RezRequirement, RezRequirement)> {
        let requirements = requirements.into_iter();
        let mut merged: Vec<Arc<RezRequirement>> = Vec::with_capacity(requirements.size_hint().0);
        for req in requirements {
            match merged.iter_mut().find(|m| m.name == req.name) {
                None => merged.push(Arc::new(req.clone())),
                Some(existing) => match existing.merged(req) {
                    Some(m) => *existing = Arc::new(m),
                    None => return Err(((**existing).clone(), req.clone())),
                },
            }
        }
        Ok(RequirementList {
            requirements: merged,
        })
    }
}

/// The requirements of variant `index` of `package` (none for the one implicit variant of a
/// package without `variants`).
pub(super) fn own_requires(package: &RezPackage, index: Option<usize>) -> &[Arc<RezRequirement>] {
    index
        .and_then(|k| package.variants.get(k))
        .map_or(&[], Vec::as_slice)
}

/// A family as one resolve numbers it, the first time the solver meets its name: the sets of
/// families that slices intersect on every round are sets of numbers, not of names.
pub(super) type Fam = u32;

/// Families by number, as bits: the families a slice's variants name.
#[derive(Debug, Default)]
pub(super) struct FamSet(Vec<u64>);

impl FamSet {
    fn insert(&mut self, fam: Fam) {
        let (word, bit) = (fam as usize / 64, fam % 64);
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
    }

    fn contains(&self, fam: Fam) -> bool {
        let (word, bit) = (fam as usize / 64, fam % 64);
        self.0.get(word).is_some_and(|w| w & (1 << bit) != 0)
    }
}

/// A variant of a package, with its merged requirements.
#[derive(Debug)]
pub(super) struct Variant {
    pub(super) package: Arc<RezPackage>,
    pub(super) index: Option<usize>,
    /// rez `requires_list`, when merging changed it (the package's `requires` and the
    /// variant's own repeat a family: rare); else `None`, and they are read in place.
    pub(super) merged: Option<RequirementList>,
    /// The family of each requirement of [`Variant::requires`], in its order.
    pub(super) req_fams: Vec<Fam>,
    /// The non-conflict requirements' families (rez `request_fams`), sorted by number, with
    /// the requirement's place in [`Variant::requires`].
    pub(super) fams: Vec<(Fam, usize)>,
}

impl Variant {
    /// Whether `fam` is one of the non-conflict requirements' families.
    fn requires_fam(&self, fam: Fam) -> bool {
        self.fams.binary_search_by_key(&fam, |&(f, _)| f).is_ok()
    }

    /// The name of `fam`, one of the non-conflict requirements' families.
    fn fam_name(&self, fam: Fam) -> Option<&str> {
        let at = self.fams.binary_search_by_key(&fam, |&(f, _)| f).ok()?;
        Some(&self.requirement(self.fams[at].1)?.name)
    }

    /// The requirement of family `fam`, if any (rez `requires_list.get(name)`).
    fn requirement_of(&self, fam: Fam) -> Option<&RezRequirement> {
        let at = self.req_fams.iter().position(|&f| f == fam)?;
        self.requirement(at)
    }

    /// rez `requires_list`: the package's `requires` then the variant's own, merged by family.
    pub(super) fn requires(&self) -> impl Iterator<Item = &RezRequirement> + Clone {
        let (first, then) = self.parts();
        first.iter().chain(then).map(|r| &**r)
    }

    /// The requirement at `at` in [`Variant::requires`].
    fn requirement(&self, at: usize) -> Option<&RezRequirement> {
        let (first, then) = self.parts();
        let requirement = match at.checked_sub(first.len()) {
            None => first.get(at),
            Some(at) => then.get(at),
        };
        requirement.map(|r| &**r)
    }

    fn parts(&self) -> (&[Arc<RezRequirement>], &[Arc<RezRequirement>]) {
        match &self.merged {
            Some(merged) => (&merged.requirements, &[]),
            None => (
                &self.package.requires,
                own_requires(&self.package, self.index),
            ),
        }
    }

    pub(super) fn package(&self) -> &RezPackage {
        &self.package
    }

    pub(super) fn version(&self) -> &RezVersion {
        &self.package().version
    }
}

/// rez `_PackageEntry`: one version and its variants, already in rez's variant order.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) version: RezVersion,
    pub(super) variants: Rc<[Rc<Variant>]>,
}

/// rez `_PackageVariantSlice`: versions and variants of one family still possible.
#[derive(Debug, Clone)]
pub(super) struct Slice {
    pub(super) name: Rc<str>,
    pub(super) fam: Fam,
    /// Shared by copies that only differ in what is extracted.
    pub(super) entries: Rc<[Entry]>,
    /// Entries are in version order (highest first).
    pub(super) sorted: bool,
    /// Families taken from `common` by [`Slice::extract`].
    pub(super) extracted: Vec<Fam>,
    /// Families every variant requires, sorted (shared by copies: they never change).
    pub(super) common: Rc<[Fam]>,
    /// Families any variant requires or conflicts with, or more: a copy keeps the set of the
    /// slice it was cut from (a superset only lets [`Slice::reduce_by`] look closer).
    pub(super) fam_requires: Rc<FamSet>,
    pub(super) len: usize,
    /// The distinct requirements of a family among the variants, found when the slice is
    /// first reduced by a request of that family (see [`Slice::reduce_by`]); shared by copies
    /// over the same entries.
    deps: Rc<RefCell<HashMap<Fam, Rc<[RezRequirement]>>>>,
}

impl Slice {
    /// A slice over `entries` (never empty), as the solver first makes it.
    pub(super) fn new(name: Rc<str>, fam: Fam, entries: Vec<Entry>) -> Slice {
        let mut fam_requires = FamSet::default();
        for variant in entries.iter().flat_map(|e| e.variants.iter()) {
            for &f in &variant.req_fams {
                fam_requires.insert(f);
            }
        }
        Slice::with((name, fam), entries.into(), false, Rc::new(fam_requires))
    }

    fn with(
        (name, fam): (Rc<str>, Fam),
        entries: Rc<[Entry]>,
        sorted: bool,
        fam_requires: Rc<FamSet>,
    ) -> Slice {
        let mut common: Option<Vec<Fam>> = None;
        let mut len = 0;
        for variant in entries.iter().flat_map(|e| e.variants.iter()) {
            len += 1;
            match common.as_mut() {
                None => common = Some(variant.fams.iter().map(|&(f, _)| f).collect()),
                Some(c) if !c.is_empty() => c.retain(|&f| variant.requires_fam(f)),
                Some(_) => {}
            }
        }
        Slice {
            name,
            fam,
            entries,
            sorted,
            extracted: Vec::new(),
            common: common.unwrap_or_default().into(),
            fam_requires,
            len,
            deps: Rc::default(),
        }
    }

    /// rez's `_copy`: a slice over `entries`, `sorted` as this one, nothing extracted yet.
    pub(super) fn copy(&self, entries: Vec<Entry>) -> Slice {
        Slice::with(
            (Rc::clone(&self.name), self.fam),
            entries.into(),
            self.sorted,
            Rc::clone(&self.fam_requires),
        )
    }

    pub(super) fn range(&self) -> RezVersionRange {
        let versions: Vec<RezVersion> = self.entries.iter().map(|e| e.version.clone()).collect();
        RezVersionRange::from_versions(&versions)
    }

    /// Whether a family every variant requires is still to be extracted. What is extracted is
    /// always taken from `common`, so counting them is enough (the solver asks this of every
    /// scope on every round).
    pub(super) fn extractable(&self) -> bool {
        self.extracted.len() < self.common.len()
    }

    pub(super) fn first_variant(&self) -> Option<&Rc<Variant>> {
        self.entries.first().and_then(|e| e.variants.first())
    }

    pub(super) fn variants(&self) -> impl Iterator<Item = &Rc<Variant>> {
        self.entries.iter().flat_map(|e| e.variants.iter())
    }

    /// rez `intersect`: the versions in `range`.
    pub(super) fn intersect(&self, range: &RezVersionRange) -> Change<Slice> {
        if range.is_any() {
            return Change::Same;
        }
        let entries: Vec<Entry> = self
            .entries
            .iter()
            .filter(|e| range.contains(&e.version))
            .cloned()
            .collect();
        if entries.is_empty() {
            Change::Gone
        } else if entries.len() < self.entries.len() {
            Change::To(self.copy(entries))
        } else {
            Change::Same
        }
    }

    /// rez `reduce_by`: drops the variants whose requirement of `request`'s family conflicts
    /// with it.
    /// `fam` is the number of `request`'s family.
    pub(super) fn reduce_by(
        &self,
        request: &RezRequirement,
        fam: Fam,
    ) -> (Change<Slice>, Vec<Reduction>) {
        if request.range.is_empty() || !self.fam_requires.contains(fam) {
            return (Change::Same, Vec::new());
        }
        let conflicts = |variant| conflicting_dependency(variant, request, fam);
        // Most reductions remove nothing: look before copying anything. A slice is reduced by
        // every other scope on every round, and its variants mostly repeat their requirements:
        // from a few variants, each distinct requirement is tried once, not each variant's.
        let none = match self.len < DISTINCT_DEPS_FROM {
            true => !self.variants().any(|v| conflicts(v).is_some()),
            false => !self.deps(fam).iter().any(|d| d.conflicts_with(request)),
        };
        if none {
            return (Change::Same, Vec::new());
        }
        let mut entries = Vec::new();
        let mut reduced = false;
        for entry in self.entries.iter() {
            let kept: Vec<Rc<Variant>> = entry
                .variants
                .iter()
                .filter(|v| conflicts(v).is_none())
                .cloned()
                .collect();
            if kept.len() == entry.variants.len() {
                entries.push(entry.clone());
                continue;
            }
            reduced = true;
            if !kept.is_empty() {
                entries.push(Entry {
                    version: entry.version.clone(),
                    variants: kept.into(),
                });
            }
        }
        if !entries.is_empty() {
            let change = if reduced {
                Change::To(self.copy(entries))
            } else {
                Change::Same
            };
            return (change, Vec::new());
        }
        // Every variant went: only now are the reductions written out, for the failure.
        let reductions = self
            .variants()
            .filter_map(|v| {
                conflicts(v).map(|dep| Reduction {
                    name: self.name.to_string(),
                    version: v.version().clone(),
                    variant: v.index,
                    dependency: dep.clone(),
                    conflicting: request.clone(),
                })
            })
            .collect();
        (Change::Gone, reductions)
    }

    /// The distinct requirements of `family` among the variants (found once per slice).
    fn deps(&self, fam: Fam) -> Rc<[RezRequirement]> {
        if let Some(deps) = self.deps.borrow().get(&fam) {
            return Rc::clone(deps);
        }
        let mut distinct: Vec<RezRequirement> = Vec::new();
        for dep in self.variants().filter_map(|v| v.requirement_of(fam)) {
            // What `conflicts_with` reads of it: the range and the conflict (or weak) flag.
            if !distinct
                .iter()
                .any(|d| d.conflict == dep.conflict && d.range == dep.range)
            {
                distinct.push(dep.clone());
            }
        }
        let distinct: Rc<[RezRequirement]> = distinct.into();
        self.deps.borrow_mut().insert(fam, Rc::clone(&distinct));
        distinct
    }

    /// rez `extract`: the first (by name) family every variant requires, with the union of
    /// their ranges; `None` when there is none left.
    pub(super) fn extract(&self) -> Option<(Slice, RezRequirement)> {
        if !self.extractable() {
            return None;
        }
        // rez takes the first by name.
        let first = self.first_variant()?;
        let (fam, family) = self
            .common
            .iter()
            .filter(|f| !self.extracted.contains(f))
            .filter_map(|&f| Some((f, first.fam_name(f)?)))
            .min_by(|a, b| a.1.cmp(b.1))?;
        let family = family.to_string();
        // The distinct ranges are those of the family's distinct requirements (all plain:
        // the family is among every variant's non-conflict ones), found once per slice.
        let mut ranges: Vec<RezVersionRange> =
            self.deps(fam).iter().map(|d| d.range.clone()).collect();
        ranges.sort();
        ranges.dedup();
        let range = RezVersionRange::union_all(&ranges);
        let mut slice = self.clone();
        slice.extracted.push(fam);
        Some((slice, RezRequirement::new(&family, range)))
    }

    /// rez `split`: the preferred part (the first variants sharing a dependency) and the rest.
    pub(super) fn split(&self) -> Option<(Slice, Slice)> {
        let mut this = self.clone();
        if !this.sorted {
            let mut entries = this.entries.to_vec();
            entries.sort_by(|a, b| b.version.cmp(&a.version).then(Ordering::Equal));
            this.entries = entries.into();
            this.sorted = true;
        }
        let mut fams: Vec<Fam> = if this.len > 2 {
            let first = this.first_variant()?;
            first
                .fams
                .iter()
                .map(|&(f, _)| f)
                .filter(|f| !this.extracted.contains(f))
                .collect()
        } else {
            Vec::new()
        };
        if fams.is_empty() {
            return Some(this.split_at(0, 1));
        }
        let mut prev = (0, 1);
        for (i, entry) in this.entries.iter().enumerate() {
            for (j, variant) in entry.variants.iter().enumerate() {
                fams.retain(|&f| variant.requires_fam(f));
                if fams.is_empty() {
                    return Some(this.split_at(prev.0, prev.1));
                }
                prev = (i, j + 1);
            }
        }
        // A family common to every variant would have been extracted first.
        None
    }

    /// Splits after variant `n` of entry `i`.
    pub(super) fn split_at(&self, i: usize, n: usize) -> (Slice, Slice) {
        let entry = &self.entries[i];
        let (mut first, mut rest): (Vec<Entry>, Vec<Entry>) = if n < entry.variants.len() {
            let head = Entry {
                version: entry.version.clone(),
                variants: entry.variants[..n].into(),
            };
            let tail = Entry {
                version: entry.version.clone(),
                variants: entry.variants[n..].into(),
            };
            (vec![head], vec![tail])
        } else {
            (vec![entry.clone()], Vec::new())
        };
        first.splice(0..0, self.entries[..i].iter().cloned());
        rest.extend(self.entries[i + 1..].iter().cloned());
        (self.copy(first), self.copy(rest))
    }
}

/// The requirement of `variant` that conflicts with `request`, if any.
fn conflicting_dependency<'v>(
    variant: &'v Variant,
    request: &RezRequirement,
    fam: Fam,
) -> Option<&'v RezRequirement> {
    variant
        .requirement_of(fam)
        .filter(|dep| dep.conflicts_with(request))
}

/// What an operation did to a scope or slice (rez returns `self`, a copy, or `None`).
pub(super) enum Change<T> {
    Same,
    To(T),
    Gone,
}

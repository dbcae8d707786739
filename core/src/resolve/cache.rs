//! rez's `PackageVariantCache`: the families the solver has asked for, the packages of the
//! versions it has considered, read through the [`PackageSource`] only then, and their variants
//! in rez's order (`_PackageEntry.sort`'s key), made once per resolve.

use super::order::{first_after, python_sorted_reverse, FirstAfter};
use super::outcome::{describe_unusable, error, versioned, SolveError};
use super::slice::{own_requires, Entry, Fam, RequirementList, Slice, Variant};
use super::{
    unreadable, Listed, PackageFilterList, PackageSource, ResolveOptions, RezPackage, Timestamp,
    Unusable, VariantSelectMode,
};
use crate::versions::rez::{RezRequirement, RezVersion, RezVersionRange};
// foldhash, not SipHash: these maps are looked up for every pair of scopes on every round.
use foldhash::{HashMap, HashSet};
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;

/// The solver's state shared by every phase: the families loaded and the request.
pub(super) struct Solver<'a> {
    source: &'a mut dyn PackageSource,
    pub(super) options: &'a ResolveOptions,
    pub(super) request: RequirementList,
    /// The positions of the request's non-conflict families, which variant keys rank.
    requested: HashMap<String, usize>,
    families: HashMap<String, Option<Family>>,
    /// The families' numbers ([`Fam`]).
    fams: HashMap<String, Fam>,
    named: HashSet<String>,
    pub(super) searched: String,
    /// The families a `soft_timestamp` orderer orders, with their first version after its time.
    first_after: FirstAfter,
    /// rez's package filter joined with the resolve time, as rez's `Resolver` joins them.
    filter: PackageFilterList,
}

/// One family's versions, the packages of those the solver has considered, and their
/// variants.
struct Family {
    listed: Vec<Listed>,
    variants: Vec<Option<Rc<[Rc<Variant>]>>>,
}

impl<'a> Solver<'a> {
    /// A cache for one resolve of `request`; `searched` names the repositories in messages.
    pub(super) fn new(
        source: &'a mut dyn PackageSource,
        options: &'a ResolveOptions,
        request: RequirementList,
        searched: &str,
    ) -> Solver<'a> {
        let mut requested = HashMap::default();
        for (i, r) in request.requirements.iter().enumerate() {
            if !r.conflict {
                requested.entry(r.name.clone()).or_insert(i);
            }
        }
        Solver {
            source,
            options,
            request,
            requested,
            families: HashMap::default(),
            fams: HashMap::default(),
            named: HashSet::default(),
            searched: searched.to_string(),
            first_after: FirstAfter::default(),
            filter: options.package_filter.with_time(options.time),
        }
    }

    /// The number of `family` in this resolve.
    pub(super) fn fam(&mut self, family: &str) -> Fam {
        if let Some(&fam) = self.fams.get(family) {
            return fam;
        }
        let fam = self.fams.len() as Fam;
        self.fams.insert(family.to_string(), fam);
        fam
    }

    /// Tells the source about `family` the first time a requirement names it.
    pub(super) fn name(&mut self, family: &str, range: &RezVersionRange) {
        if !self.named.contains(family) {
            self.named.insert(family.to_string());
            if !family.starts_with('.') {
                self.source.named(family, range);
            }
        }
    }

    /// rez `PackageVariantCache.get_variant_slice`: the versions of `family` in `range`, or
    /// `None` when there are none; an error when the family does not exist. As in rez, only
    /// the packages of versions in `range` are read.
    pub(super) fn variant_slice(
        &mut self,
        family: &str,
        range: &RezVersionRange,
    ) -> Result<Option<Slice>, SolveError> {
        self.load(family, range)?;
        let Some(Some(f)) = self.families.get(family) else {
            return Err(error(format!(
                "package family not found: {family} (searched: {})",
                self.searched
            )));
        };
        let in_range: Vec<usize> = (0..f.listed.len())
            .filter(|&i| range.contains(f.listed[i].version()))
            // rez's package filter, as far as names and versions decide it: a version it
            // excludes so is never read.
            .filter(|&i| self.filter.may_keep(family, &f.listed[i]))
            .collect();
        self.read(family, &in_range);
        let mut entries = Vec::with_capacity(in_range.len());
        for i in in_range {
            let Some(package) = self.package(family, i) else {
                continue;
            };
            // rez applies its package filter (and the resolve time) here, before the variants
            // load.
            let kept = self.filter.apply(package);
            let Some(package) = kept.map_err(|u| error(describe_unusable(&u)))? else {
                continue;
            };
            if let Some(unusable) = &package.unusable {
                return Err(error(describe_unusable(unusable)));
            }
            let variants = self.variants(family, i, &package)?;
            entries.push(Entry {
                version: package.version.clone(),
                variants,
            });
        }
        if entries.is_empty() {
            return Ok(None);
        }
        let fam = self.fam(family);
        if self.options.orderers.is_empty() {
            return Ok(Some(Slice::new(family.into(), fam, entries)));
        }
        // rez sorts a slice's versions by its orderer when it first splits it; a slice is
        // only ever cut from this one, keeping its order, so sorting now gives the same.
        self.find_first_after(family)?;
        let entries = self
            .options
            .orderers
            .sort_versions(family, entries, |e| &e.version, &self.first_after)
            .map_err(error)?;
        let mut slice = Slice::new(family.into(), fam, entries);
        slice.sorted = true;
        Ok(Some(slice))
    }

    /// Lists `family` through the source the first time it is asked for (named first, with
    /// `range`).
    fn load(&mut self, family: &str, range: &RezVersionRange) -> Result<(), SolveError> {
        if !self.families.contains_key(family) {
            self.name(family, range);
            let loaded = self.source.family(family).map_err(error)?;
            let loaded = loaded.filter(|l| !l.is_empty()).map(|listed| Family {
                variants: vec![None; listed.len()],
                listed,
            });
            self.families.insert(family.to_string(), loaded);
        }
        Ok(())
    }

    /// rez `SoftTimestampOrder._get_first_after` of `family`, found once per resolve when a
    /// `soft_timestamp` orderer orders it (other families are left alone): as rez's
    /// `iter_packages`, it lists and reads every version of the family through the source,
    /// whatever the range asked or the resolve's time.
    fn find_first_after(&mut self, family: &str) -> Result<(), SolveError> {
        let Some((time, rank)) = self.options.orderers.soft_timestamp(family) else {
            return Ok(());
        };
        if self.first_after.contains_key(family) {
            return Ok(());
        }
        let mut versions = Vec::new();
        // An ephemeral (`.foo`) has no packages: rez's `iter_packages` finds none.
        if !family.starts_with('.') {
            self.load(family, &RezVersionRange::any())?;
            let count = match self.families.get(family) {
                Some(Some(f)) => f.listed.len(),
                _ => 0,
            };
            self.read(family, &(0..count).collect::<Vec<_>>());
            versions = (0..count)
                .filter_map(|i| self.package(family, i))
                .map(|p| (p.version.clone(), p))
                .collect();
        }
        let found = first_after(time, rank, versions, |p| release_time(p)).map_err(error)?;
        self.first_after.insert(family.to_string(), found);
        Ok(())
    }

    /// Reads the packages at `at` in `family` that are not read yet, in one call to the
    /// source (which may read them side by side).
    fn read(&mut self, family: &str, at: &[usize]) {
        let Some(Some(f)) = self.families.get_mut(family) else {
            return;
        };
        let unread: Vec<(usize, RezVersion, String)> = at
            .iter()
            .filter_map(|&i| match &f.listed[i] {
                Listed::Unread { version, path } => Some((i, version.clone(), path.clone())),
                Listed::Read(_) => None,
            })
            .collect();
        if unread.is_empty() {
            return;
        }
        let asked: Vec<(RezVersion, String)> = unread
            .iter()
            .map(|(_, v, p)| (v.clone(), p.clone()))
            .collect();
        let mut read = self.source.read(family, &asked).into_iter();
        for (i, version, path) in unread {
            // A source that answers short leaves the rest unreadable, never unread.
            let package = read.next().unwrap_or_else(|| {
                unreadable(family, &version, &path, "the source did not read it".into())
            });
            f.listed[i] = Listed::Read(Arc::new(package));
        }
    }

    /// The package at `i` in `family`, once read.
    fn package(&self, family: &str, i: usize) -> Option<Arc<RezPackage>> {
        match self.families.get(family)?.as_ref()?.listed.get(i)? {
            Listed::Read(package) => Some(Arc::clone(package)),
            Listed::Unread { .. } => None,
        }
    }

    /// The variants of `package`, at `i` in `family`, in rez's variant order (made once).
    fn variants(
        &mut self,
        family: &str,
        i: usize,
        package: &Arc<RezPackage>,
    ) -> Result<Rc<[Rc<Variant>]>, SolveError> {
        if let Some(Some(Some(done))) = self
            .families
            .get(family)
            .map(|f| f.as_ref().and_then(|f| f.variants.get(i)))
        {
            return Ok(Rc::clone(done));
        }
        let indexes: Vec<Option<usize>> = if package.variants.is_empty() {
            vec![None]
        } else {
            (0..package.variants.len()).map(Some).collect()
        };
        let mut variants = Vec::with_capacity(indexes.len());
        for index in indexes {
            let all = || {
                let requires = package.requires.iter();
                requires.chain(own_requires(package, index)).map(|r| &**r)
            };
            let mut req_fams: Vec<Fam> = all().map(|r| self.fam(&r.name)).collect();
            let repeated = (1..req_fams.len()).any(|i| req_fams[..i].contains(&req_fams[i]));
            // Merged into a list of its own only when a family repeats (read in place else).
            let merged = match repeated {
                false => None,
                // rez's message names the pair that cannot be merged (`str(RequirementList)`).
                true => Some(RequirementList::new(all()).map_err(|(a, b)| {
                    error(format!(
                        "The package {}[{}] has an internal requirements conflict: {a} <--!--> {b}",
                        versioned(family, &package.version),
                        index.map(|k| k.to_string()).unwrap_or_default(),
                    ))
                })?),
            };
            if let Some(list) = &merged {
                req_fams = list
                    .requirements
                    .iter()
                    .map(|r| self.fam(&r.name))
                    .collect();
            }
            let mut variant = Variant {
                package: Arc::clone(package),
                index,
                merged,
                req_fams,
                fams: Vec::new(),
            };
            let mut fams: Vec<(Fam, usize)> = (variant.requires().zip(&variant.req_fams))
                .enumerate()
                .filter(|(_, (r, _))| !r.conflict)
                .map(|(at, (_, &f))| (f, at))
                .collect();
            fams.sort_unstable();
            variant.fams = fams;
            variants.push(variant);
        }
        if !self.options.orderers.is_empty() {
            // The variant key ranks each requirement's range by its family's orderer.
            let families: BTreeSet<String> = variants
                .iter()
                .flat_map(|v| v.requires())
                .filter(|r| !r.conflict)
                .map(|r| r.name.clone())
                .collect();
            for name in families {
                self.find_first_after(&name)?;
            }
        }
        let sorted: Rc<[Rc<Variant>]> = if variants.len() == 1 && self.options.orderers.is_empty() {
            // One variant is its own order: its key (which cannot fail here) is not needed.
            variants.into_iter().map(Rc::new).collect()
        } else if self.options.orderers.is_empty() {
            let mut keyed: Vec<(VariantKey, Rc<Variant>)> = variants
                .into_iter()
                .map(|v| (self.variant_key(&v), Rc::new(v)))
                .collect();
            // rez sorts with `reverse=True`: the greatest key first.
            keyed.sort_by(|a, b| b.0.cmp(&a.0));
            keyed.into_iter().map(|(_, v)| v).collect()
        } else {
            self.ordered_variants(variants).map_err(error)?
        };
        if let Some(Some(f)) = self.families.get_mut(family) {
            if let Some(slot) = f.variants.get_mut(i) {
                *slot = Some(Rc::clone(&sorted));
            }
        }
        Ok(sorted)
    }

    /// rez `_PackageEntry.sort`'s key. A range's key under rez's default orderer (version
    /// descending) is its list of bounds, which is how [`RezVersionRange`] orders.
    fn variant_key(&self, variant: &Variant) -> VariantKey {
        let (requested, additional) = self.variant_requirements(variant);
        let requested: Vec<(i64, RezVersionRange)> = requested
            .into_iter()
            .map(|(i, req)| (-(i as i64), req.range.clone()))
            .collect();
        let additional: Vec<(RezVersionRange, String)> = additional
            .into_iter()
            .map(|r| (r.range.clone(), r.name.clone()))
            .collect();
        VariantKey {
            shared: match self.options.variant_select_mode {
                VariantSelectMode::VersionPriority => None,
                VariantSelectMode::IntersectionPriority => Some(requested.len()),
            },
            fewer_added: -(additional.len() as i64),
            requested,
            additional,
            index: variant.index,
        }
    }

    /// The requirements rez's variant key ranks: those of the request's (non-conflict)
    /// families, with the request's position, then the other non-conflict ones.
    pub(super) fn variant_requirements<'v>(
        &self,
        variant: &'v Variant,
    ) -> (Vec<(usize, &'v RezRequirement)>, Vec<&'v RezRequirement>) {
        // Each of the variant's requirements is looked up among the request's families (a
        // request names more families than a variant requires), then put in request order.
        // As in rez, a variant's conflict requirement of a requested family is ranked too.
        let mut requested = Vec::new();
        let mut additional = Vec::new();
        for req in variant.requires() {
            match self.requested.get(&req.name) {
                Some(&i) => requested.push((i, req)),
                None if !req.conflict => additional.push(req),
                None => {}
            }
        }
        requested.sort_unstable_by_key(|&(i, _)| i);
        (requested, additional)
    }

    /// `variants` in rez's variant order under the configured package orderers, whose range
    /// keys compare as rez's Python objects do (see [`super::order`]). An error where rez's
    /// key raises.
    pub(super) fn ordered_variants(
        &self,
        variants: Vec<Variant>,
    ) -> Result<Rc<[Rc<Variant>]>, String> {
        let intersection =
            self.options.variant_select_mode == VariantSelectMode::IntersectionPriority;
        let keyed = variants
            .into_iter()
            .map(|v| {
                let (requested, additional) = self.variant_requirements(&v);
                let key = self.options.orderers.variant_key(
                    intersection,
                    &requested,
                    &additional,
                    v.index,
                    &self.first_after,
                )?;
                Ok((key, Rc::new(v)))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(python_sorted_reverse(keyed, |a, b| a.0.lt(&b.0))
            .into_iter()
            .map(|(_, v)| v)
            .collect())
    }
}

/// The `timestamp` of `package` as rez's `soft_timestamp` orderer reads it (`None`:
/// untimestamped); an error where rez would raise on loading the package: a file that could
/// not be read, or a computed `timestamp` (unless allowed, then taken as absent).
fn release_time(package: &RezPackage) -> Result<Option<i64>, String> {
    if let Some(unusable) = &package.unusable {
        if unusable.field.as_deref().is_none_or(str::is_empty) {
            return Err(describe_unusable(unusable));
        }
    }
    match package.timestamp {
        Timestamp::Untimestamped | Timestamp::Computed { allowed: true } => Ok(None),
        Timestamp::At(at) => Ok(Some(at)),
        Timestamp::Computed { allowed: false } => Err(describe_unusable(&Unusable {
            path: package.path.clone(),
            field: Some("timestamp".into()),
            message: "computed when rez loads the package, and a soft_timestamp orderer reads it"
                .into(),
        })),
    }
}

/// The sort key of a variant; field order is comparison order.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct VariantKey {
    shared: Option<usize>,
    requested: Vec<(i64, RezVersionRange)>,
    fewer_added: i64,
    additional: Vec<(RezVersionRange, String)>,
    index: Option<usize>,
}

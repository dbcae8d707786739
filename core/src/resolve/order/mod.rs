//! rez's package orderers (rez 3.4.0 `package_order.py`): the order in which the solver tries
//! a family's versions, and how a variant's requirements rank it among its package's others.
//!
//! rez's config setting `package_orderers` is a list of orderers, each a dict of its `type`
//! and fields ([`PackageOrderers::from_value`] reads it from any static value: YAML, JSON, a
//! `rezconfig.py` literal, a JS value; [`read_orderers`] from a file's text). The first
//! orderer that names a family orders it, else the first that names none (rez's `*`), else
//! rez's default, version descending.
//!
//! The solver uses an orderer where rez's does (`solver.py`): the version sort of a slice
//! (`_PackageVariantSlice.sort_versions`) and the variant sort key (`_PackageEntry.sort`),
//! whose range keys compare ranges of different families when variants require different
//! ones. The keys here are rez's objects: a version's key is a `FallbackComparable` of the
//! orderer's own key and the version, compared with Python's rules for mixed types (which
//! raise, so the versions decide, except that rez's `Version.inf` answers without raising).
//! The sort is CPython's (`sorted(..., reverse=True)`: binary insertion over the reversed
//! list), so that even an order that is not transitive across families comes out as rez's.
//!
//! `soft_timestamp` ([`soft_timestamp`]) also needs a fact about the whole family, the first
//! version released after its time: the solver finds it through its source and passes it in
//! ([`FirstAfter`]).

mod config;
mod keys;
mod pod;
mod soft_timestamp;
#[cfg(test)]
mod tests;

pub use config::{json_to_py, read_orderers};
pub use keys::{python_sorted_reverse, Key, VersionKey};
pub use soft_timestamp::first_after;

use crate::versions::rez::{RezRequirement, RezVersion, RezVersionRange};
use std::collections::HashMap;

/// One orderer, as rez's `from_pod` makes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Orderer {
    /// `sorted`: version descending (`descending: true`, rez's default order) or ascending.
    Sorted {
        /// Highest first when true.
        descending: bool,
    },
    /// `version_split`: the versions up to `first_version` first, highest first, then the
    /// others, highest first (rez's example: 5 4 3 2 1 split at 3 is 3 2 1 5 4).
    VersionSplit {
        /// The highest version of the preferred part.
        first_version: RezVersion,
    },
    /// `no_order`: every version ranks the same, so the order stays as listed.
    NoOrder,
    /// `soft_timestamp`: the versions released by `timestamp` first, highest first, then the
    /// later ones, lowest first; with a `rank`, later versions that differ only at that rank
    /// or below are tried with the one before them (rez's example: 2.0.6 2.0.5 2.0.0 1.9.0
    /// 2.1.1 2.1.0 2.2.1 2.2.0 at rank 3, T between 2.0.5 and 2.0.0).
    SoftTimestamp {
        /// The epoch time (rez `timestamp`).
        timestamp: i64,
        /// rez `rank`: 0 for none.
        rank: u32,
    },
    /// `per_family`: an orderer per family (`orderers`, each naming its `packages`).
    /// `default_order` is kept as rez keeps it, but rez's lookup never reaches it: the
    /// orderer is found by the families it names.
    PerFamily {
        /// The orderers of `orderers`, in the order given.
        orderers: Vec<Orderer>,
        /// `(family, index in orderers)`, in the order of rez's dict: where a family is named
        /// again, the later orderer takes its place.
        families: Vec<(String, usize)>,
        /// rez's `default_order`, with its `packages`.
        default_order: Option<Box<PackageOrder>>,
    },
}

/// One entry of `package_orderers`: an orderer and the families it applies to.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageOrder {
    /// The families named (`packages`), or `["*"]` (every family) when none are.
    pub packages: Vec<String>,
    /// The orderer.
    pub orderer: Orderer,
}

/// rez's `PackageOrderList`: the configured orderers, first match wins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackageOrderers {
    /// The entries, in configuration order.
    pub list: Vec<PackageOrder>,
}

/// The first version released after its orderer's time ([`first_after`]) of each family a
/// `soft_timestamp` orderer orders (`None`: every version was released by then). A family
/// missing here is taken as `None`.
pub type FirstAfter = HashMap<String, Option<RezVersion>>;

/// rez's name for "every family" in an orderer's `packages`.
const ALL_PACKAGES: &str = "*";

/// rez's default orderer (version descending).
const DEFAULT: Orderer = Orderer::Sorted { descending: true };

impl PackageOrderers {
    /// Whether no orderer is configured (rez's default order everywhere).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// rez `get_orderer`: the orderer of `family` (its leaf orderer, for `per_family`).
    pub fn get(&self, family: &str) -> &Orderer {
        let named = |name: &str| {
            self.list
                .iter()
                .find(|o| o.packages.iter().any(|p| p == name))
        };
        let found = named(family).or_else(|| named(ALL_PACKAGES));
        match found.map(|o| &o.orderer) {
            Some(Orderer::PerFamily {
                orderers,
                families,
                default_order,
            }) => families
                .iter()
                .find(|(f, _)| f == family)
                .and_then(|(_, i)| orderers.get(*i))
                .or(default_order.as_deref().map(|d| &d.orderer))
                .unwrap_or(&DEFAULT),
            Some(orderer) => orderer,
            None => &DEFAULT,
        }
    }

    /// The `(timestamp, rank)` of the `soft_timestamp` orderer of `family`, if that is its
    /// orderer: the solver then finds the family's `first_after` before ordering by it.
    pub fn soft_timestamp(&self, family: &str) -> Option<(i64, u32)> {
        match self.get(family) {
            Orderer::SoftTimestamp { timestamp, rank } => Some((*timestamp, *rank)),
            _ => None,
        }
    }

    /// The key of `version` of `family` (rez `sort_key` of a `Version`).
    fn version_key(
        &self,
        family: &str,
        version: &RezVersion,
        first_after: &FirstAfter,
    ) -> Result<VersionKey, String> {
        let after = first_after.get(family).and_then(Option::as_ref);
        VersionKey::new(self.get(family), version, after)
    }

    /// rez `sort_key` of a `VersionRange`: per interval, its lower and upper versions' keys,
    /// each with how the bound includes it.
    fn range_key(
        &self,
        family: &str,
        range: &RezVersionRange,
        first_after: &FirstAfter,
    ) -> Result<Key, String> {
        let key = |version| {
            self.version_key(family, version, first_after)
                .map(Key::Version)
        };
        let intervals = range
            .intervals()
            .map(|((lower, lower_in), (upper, upper_in))| {
                Ok(Key::Seq(vec![
                    Key::Seq(vec![key(lower)?, Key::Int(if lower_in { -2 } else { -1 })]),
                    Key::Seq(vec![key(upper)?, Key::Int(if upper_in { 2 } else { 1 })]),
                ]))
            })
            .collect::<Result<Vec<Key>, String>>()?;
        Ok(Key::Seq(intervals))
    }

    /// rez `_PackageVariantSlice.sort_versions`: `items` (the versions of `family`, as
    /// listed) in the order the solver tries them, best first.
    /// An error where rez's key raises.
    pub fn sort_versions<T>(
        &self,
        family: &str,
        items: Vec<T>,
        version: impl Fn(&T) -> &RezVersion,
        first_after: &FirstAfter,
    ) -> Result<Vec<T>, String> {
        let keyed = items
            .into_iter()
            .map(|item| Ok((self.version_key(family, version(&item), first_after)?, item)))
            .collect::<Result<Vec<(VersionKey, T)>, String>>()?;
        Ok(python_sorted_reverse(keyed, |a, b| a.0.lt(&b.0))
            .into_iter()
            .map(|(_, item)| item)
            .collect())
    }

    /// rez `_PackageEntry.sort`'s key of one variant: `requested` are the variant's
    /// requirements of the request's (non-conflict) families, with the request's position;
    /// `additional` its other non-conflict requirements, in its order. An error where rez's
    /// key raises.
    pub fn variant_key(
        &self,
        intersection_priority: bool,
        requested: &[(usize, &RezRequirement)],
        additional: &[&RezRequirement],
        index: Option<usize>,
        first_after: &FirstAfter,
    ) -> Result<Key, String> {
        let range_key = |req: &RezRequirement| self.range_key(&req.name, &req.range, first_after);
        let requested_key = requested
            .iter()
            .map(|(i, req)| {
                let position = -i64::try_from(*i).unwrap_or(i64::MAX);
                Ok(Key::Seq(vec![Key::Int(position), range_key(req)?]))
            })
            .collect::<Result<Vec<Key>, String>>()?;
        let additional_key = additional
            .iter()
            .map(|req| Ok(Key::Seq(vec![range_key(req)?, Key::Str(req.name.clone())])))
            .collect::<Result<Vec<Key>, String>>()?;
        let count = |n: usize| Key::Int(i64::try_from(n).unwrap_or(i64::MAX));
        let fewer_added = Key::Int(-i64::try_from(additional_key.len()).unwrap_or(i64::MAX));
        let index = Key::Int(index.map_or(-1, |i| i64::try_from(i).unwrap_or(i64::MAX)));
        let mut key = Vec::with_capacity(5);
        if intersection_priority {
            key.push(count(requested_key.len()));
        }
        key.extend([
            Key::Seq(requested_key),
            fewer_added,
            Key::Seq(additional_key),
            index,
        ]);
        Ok(Key::Seq(key))
    }
}

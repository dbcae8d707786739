//! [`RezVersionRange`]: rez's `VersionRange`, a sorted list of disjoint intervals, with
//! rez's normalisation (the "Normalisation quirk" of the [module docs](super)) and its set
//! operations.

use super::bound::{Bound, LowerBound, UpperBound};
use super::range_parser::{act, match_part};
use super::{found_at, RezVersion, RezVersionError};
use std::fmt;
use std::str::FromStr;

/// A rez version range: a sorted list of disjoint intervals. The empty list
/// is the empty range (rez's `None`), see [`RezVersionRange::none`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RezVersionRange {
    bounds: Vec<Bound>,
}

/// rez `VersionRange._union`, returning whether the merge quirk (see the
/// module docs) changed the result.
fn union_bounds(bounds: Vec<Bound>) -> (Vec<Bound>, bool) {
    if bounds.len() < 2 {
        return (bounds, false);
    }
    let mut sorted = bounds;
    sorted.sort();
    let mut out: Vec<Bound> = Vec::new();
    let mut quirk = false;
    let mut upper: Option<UpperBound> = None;
    let mut prev_upper_incl = false;
    let mut start = 0usize;
    for (i, b) in sorted.iter().enumerate() {
        if let (true, Some(up)) = (i > 0, upper.as_ref()) {
            let same = b.lower.version == up.version;
            let split =
                b.lower.version > up.version || (same && !b.lower.inclusive && !prev_upper_incl);
            if same && !b.lower.inclusive && prev_upper_incl != up.inclusive {
                quirk = true;
            }
            if split {
                if let Some(first) = sorted.get(start) {
                    out.push(Bound {
                        lower: first.lower.clone(),
                        upper: up.clone(),
                    });
                }
                start = i;
            }
        }
        prev_upper_incl = b.upper.inclusive;
        upper = Some(match upper {
            Some(u) if b.upper <= u => u,
            _ => b.upper.clone(),
        });
    }
    if let (Some(first), Some(up)) = (sorted.get(start), upper) {
        out.push(Bound {
            lower: first.lower.clone(),
            upper: up,
        });
    }
    (out, quirk)
}

impl RezVersionRange {
    /// Parses a range string exactly as rez's `VersionRange(s)` does.
    ///
    /// `range = part ("|" part)*`, `part = "" | alternative ["\n"]` (the alternatives are
    /// in `range_parser`); an empty part makes the range any
    pub fn parse(s: &str) -> Result<RezVersionRange, RezVersionError> {
        let mut bounds: Vec<Bound> = Vec::new();
        let mut is_any = false;
        let mut off = 0usize;
        for part in s.split('|') {
            let part_off = off;
            off += part.len() + 1;
            if part.is_empty() {
                is_any = true;
                bounds.clear();
                continue;
            }
            let p = part.strip_suffix('\n').unwrap_or(part);
            let alt = match match_part(p.as_bytes()) {
                Ok(alt) => alt,
                Err(pos) => {
                    return Err(RezVersionError::new(
                        format!("expected version range syntax, found {}", found_at(p, pos)),
                        part_off + pos,
                    ))
                }
            };
            if is_any {
                continue;
            }
            if let Some(b) = act(alt, p, part_off)? {
                bounds.push(b);
            }
        }
        if bounds.is_empty() {
            Ok(RezVersionRange::any())
        } else {
            Ok(RezVersionRange {
                bounds: union_bounds(bounds).0,
            })
        }
    }

    /// The intervals, lowest first, as rez's `VersionRange.bounds` holds them: each as
    /// `((lower version, inclusive), (upper version, inclusive))`; an unbounded interval's
    /// upper version is rez's `Version.inf` ([`RezVersion::is_infinity`]) and its lower the
    /// empty version. Package orderers make their range keys from these.
    pub fn intervals(&self) -> impl Iterator<Item = ((&RezVersion, bool), (&RezVersion, bool))> {
        self.bounds.iter().map(|b| {
            (
                (&b.lower.version, b.lower.inclusive),
                (&b.upper.version, b.upper.inclusive),
            )
        })
    }

    /// The range of all versions (`""`).
    pub fn any() -> Self {
        RezVersionRange {
            bounds: vec![Bound::any()],
        }
    }

    /// The empty range (rez represents it as `None`).
    pub fn none() -> Self {
        RezVersionRange { bounds: Vec::new() }
    }

    /// The family range of a version, as the range string `"v"` (rez
    /// `VersionRange.from_version(v)`); for the empty version: any.
    pub fn from_version(v: &RezVersion) -> Self {
        Bound::checked(
            Some(LowerBound {
                version: v.clone(),
                inclusive: true,
            }),
            Some(UpperBound {
                version: v.next_version(),
                inclusive: false,
            }),
        )
        .map(|b| RezVersionRange { bounds: vec![b] })
        .unwrap_or_else(RezVersionRange::any)
    }

    /// The range `==v`.
    pub fn exact(v: &RezVersion) -> Self {
        RezVersionRange {
            bounds: vec![Bound::exact(v)],
        }
    }

    /// True for the "any" range.
    pub fn is_any(&self) -> bool {
        self.bounds.len() == 1 && self.bounds.first() == Some(&Bound::any())
    }

    /// True for the empty range.
    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Number of disjoint intervals.
    pub fn num_intervals(&self) -> usize {
        self.bounds.len()
    }

    /// Has a lower bound other than the empty version (rez `lower_bounded`).
    pub fn lower_bounded(&self) -> bool {
        self.bounds
            .first()
            .is_some_and(|b| b.lower != LowerBound::min())
    }

    /// Has an upper bound (rez `upper_bounded`).
    pub fn upper_bounded(&self) -> bool {
        self.bounds
            .last()
            .is_some_and(|b| b.upper != UpperBound::inf())
    }

    /// rez `contains_version`.
    pub fn contains(&self, v: &RezVersion) -> bool {
        if self.bounds.len() < 5 {
            for b in &self.bounds {
                match b.containment(v) {
                    0 => return true,
                    -1 => return false,
                    _ => {}
                }
            }
            return false;
        }
        let probe = Bound {
            lower: LowerBound {
                version: v.clone(),
                inclusive: true,
            },
            upper: UpperBound::inf(),
        };
        let i = self.bounds.partition_point(|b| *b < probe);
        if i > 0
            && self
                .bounds
                .get(i - 1)
                .is_some_and(|b| b.containment(v) == 0)
        {
            return true;
        }
        self.bounds.get(i).is_some_and(|b| b.containment(v) == 0)
    }

    /// rez `intersection` (`&`); the empty range where rez returns `None`.
    pub fn intersection(&self, other: &Self) -> Self {
        let mut out = Vec::new();
        for b1 in &self.bounds {
            for b2 in &other.bounds {
                if let Some(b) = b1.intersection(b2) {
                    out.push(b);
                }
            }
        }
        RezVersionRange { bounds: out }
    }

    /// rez `VersionRange.from_versions`: exactly the given versions (`==1|==2`).
    pub fn from_versions(versions: &[RezVersion]) -> Self {
        let mut sorted: Vec<&RezVersion> = versions.iter().collect();
        sorted.sort();
        sorted.dedup();
        RezVersionRange {
            bounds: sorted.into_iter().map(Bound::exact).collect(),
        }
    }

    /// rez `ranges[0].union(ranges[1:])`: every bound merged in one pass, which is not the
    /// same as folding [`union`](Self::union) when the merge quirk is hit.
    pub fn union_all(ranges: &[RezVersionRange]) -> Self {
        RezVersionRange {
            bounds: union_bounds(
                ranges
                    .iter()
                    .flat_map(|r| r.bounds.iter().cloned())
                    .collect(),
            )
            .0,
        }
    }

    /// rez `union` (`|`), including its merge quirk.
    pub fn union(&self, other: &Self) -> Self {
        RezVersionRange {
            bounds: union_bounds(self.bounds.iter().chain(&other.bounds).cloned().collect()).0,
        }
    }

    /// True when rez's union of `self` and `other` hits the merge quirk
    /// described in the module docs (the result may then hold versions that
    /// neither operand holds).
    pub fn union_hits_quirk(&self, other: &Self) -> bool {
        union_bounds(self.bounds.iter().chain(&other.bounds).cloned().collect()).1
    }

    /// rez `inverse` (`~`): the empty range for "any", "any" for the empty
    /// range; empty gaps between touching intervals are dropped (rez raises).
    pub fn complement(&self) -> Self {
        if self.bounds.is_empty() {
            return RezVersionRange::any();
        }
        if self.is_any() {
            return RezVersionRange::none();
        }
        let mut lbounds: Vec<Option<LowerBound>> = vec![None];
        let mut ubounds: Vec<Option<UpperBound>> = Vec::new();
        for b in &self.bounds {
            if b.lower.version.is_empty() && b.lower.inclusive {
                ubounds.push(None);
            } else {
                ubounds.push(Some(UpperBound {
                    version: b.lower.version.clone(),
                    inclusive: !b.lower.inclusive,
                }));
            }
            if b.upper.version.inf {
                lbounds.push(None);
            } else {
                lbounds.push(Some(LowerBound {
                    version: b.upper.version.clone(),
                    inclusive: !b.upper.inclusive,
                }));
            }
        }
        ubounds.push(None);
        let bounds = lbounds
            .into_iter()
            .zip(ubounds)
            .filter(|(l, u)| l.is_some() || u.is_some())
            .filter_map(|(l, u)| Bound::checked(l, u))
            .collect();
        RezVersionRange { bounds }
    }

    /// rez `issuperset`: every version of `other` is in `self`.
    pub fn is_superset(&self, other: &Self) -> bool {
        let mut lo = 0usize;
        for b2 in &other.bounds {
            let tail = self.bounds.get(lo..).unwrap_or(&[]);
            let i = lo + tail.partition_point(|b| b < b2);
            if i > 0 && self.bounds.get(i - 1).is_some_and(|b| b.contains_bound(b2)) {
                lo = i - 1;
                continue;
            }
            if self.bounds.get(i).is_some_and(|b| b.contains_bound(b2)) {
                lo = i;
                continue;
            }
            return false;
        }
        true
    }

    /// True when the ranges share at least one version.
    ///
    /// Bounds are sorted and disjoint (so their upper ends are sorted too), as rez keeps them,
    /// and rez searches them as this does: for each bound of the shorter list, the first bound
    /// of the longer one that does not end below it is the only one that may overlap it (the
    /// next ones start later still), found by binary search. The solver asks this of ranges
    /// of hundreds of exact versions for every pair of scopes.
    pub fn intersects(&self, other: &Self) -> bool {
        let (short, long) = if self.bounds.len() <= other.bounds.len() {
            (&self.bounds, &other.bounds)
        } else {
            (&other.bounds, &self.bounds)
        };
        let mut from = 0;
        for b in short {
            let tail = long.get(from..).unwrap_or(&[]);
            let k = from + tail.partition_point(|a| a.ends_below(b));
            match long.get(k) {
                None => return false,
                Some(a) if a.overlaps(b) => return true,
                Some(_) => from = k,
            }
        }
        false
    }

    /// The disjoint intervals as single-interval ranges (rez `split`).
    pub fn split(&self) -> Vec<RezVersionRange> {
        self.bounds
            .iter()
            .map(|b| RezVersionRange {
                bounds: vec![b.clone()],
            })
            .collect()
    }
}

impl Default for RezVersionRange {
    fn default() -> Self {
        RezVersionRange::any()
    }
}

impl fmt::Display for RezVersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.bounds.is_empty() {
            return f.write_str("<none>");
        }
        for (i, b) in self.bounds.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            write!(f, "{b}")?;
        }
        Ok(())
    }
}

impl FromStr for RezVersionRange {
    type Err = RezVersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RezVersionRange::parse(s)
    }
}

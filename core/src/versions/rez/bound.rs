//! The intervals a [`RezVersionRange`](super::RezVersionRange) is made of: rez's
//! `_LowerBound`, `_UpperBound` and `_Bound`, their order, and how an interval is written.

use super::RezVersion;
use std::cmp::Ordering;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct LowerBound {
    pub(super) version: RezVersion,
    pub(super) inclusive: bool,
}

impl LowerBound {
    pub(super) fn min() -> Self {
        LowerBound {
            version: RezVersion::empty(),
            inclusive: true,
        }
    }

    pub(super) fn contains(&self, v: &RezVersion) -> bool {
        *v > self.version || (self.inclusive && *v == self.version)
    }
}

impl Ord for LowerBound {
    fn cmp(&self, other: &Self) -> Ordering {
        self.version
            .cmp(&other.version)
            .then(match (self.inclusive, other.inclusive) {
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                _ => Ordering::Equal,
            })
    }
}

impl PartialOrd for LowerBound {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for LowerBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.version.is_empty(), self.inclusive) {
            (false, true) => write!(f, "{}+", self.version),
            (false, false) => write!(f, ">{}", self.version),
            (true, true) => Ok(()),
            (true, false) => f.write_str(">"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct UpperBound {
    pub(super) version: RezVersion,
    pub(super) inclusive: bool,
}

impl UpperBound {
    pub(super) fn inf() -> Self {
        UpperBound {
            version: RezVersion::infinity(),
            inclusive: true,
        }
    }

    pub(super) fn contains(&self, v: &RezVersion) -> bool {
        *v < self.version || (self.inclusive && *v == self.version)
    }
}

impl Ord for UpperBound {
    fn cmp(&self, other: &Self) -> Ordering {
        self.version
            .cmp(&other.version)
            .then(match (self.inclusive, other.inclusive) {
                (false, true) => Ordering::Less,
                (true, false) => Ordering::Greater,
                _ => Ordering::Equal,
            })
    }
}

impl PartialOrd for UpperBound {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for UpperBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inclusive {
            write!(f, "<={}", self.version)
        } else {
            write!(f, "<{}", self.version)
        }
    }
}

/// One contiguous interval (rez `_Bound`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct Bound {
    pub(super) lower: LowerBound,
    pub(super) upper: UpperBound,
}

fn bound_ok(lower: &LowerBound, upper: &UpperBound) -> bool {
    lower.version < upper.version
        || (lower.version == upper.version && lower.inclusive && upper.inclusive)
}

impl Bound {
    /// `==v`: from `v` to `v`, both included.
    pub(super) fn exact(v: &RezVersion) -> Self {
        Bound {
            lower: LowerBound {
                version: v.clone(),
                inclusive: true,
            },
            upper: UpperBound {
                version: v.clone(),
                inclusive: true,
            },
        }
    }

    pub(super) fn any() -> Self {
        Bound {
            lower: LowerBound::min(),
            upper: UpperBound::inf(),
        }
    }

    /// rez `_Bound(lower, upper)` with `invalid_bound_error=True`.
    pub(super) fn checked(lower: Option<LowerBound>, upper: Option<UpperBound>) -> Option<Bound> {
        let lower = lower.unwrap_or_else(LowerBound::min);
        let upper = upper.unwrap_or_else(UpperBound::inf);
        if bound_ok(&lower, &upper) {
            Some(Bound { lower, upper })
        } else {
            None
        }
    }

    /// -1 below, 0 inside, 1 above (rez `version_containment`).
    pub(super) fn containment(&self, v: &RezVersion) -> i8 {
        if !self.lower.contains(v) {
            -1
        } else if !self.upper.contains(v) {
            1
        } else {
            0
        }
    }

    pub(super) fn contains_bound(&self, b: &Bound) -> bool {
        self.lower <= b.lower && self.upper >= b.upper
    }

    /// Whether every version of this bound is below every version of `other`.
    pub(super) fn ends_below(&self, other: &Bound) -> bool {
        !bound_ok(&other.lower, &self.upper)
    }

    /// Whether [`intersection`](Self::intersection) is not empty, without building it.
    pub(super) fn overlaps(&self, other: &Bound) -> bool {
        let (lower, upper) = self.meet(other);
        bound_ok(lower, upper)
    }

    /// The higher lower end and the lower upper end of the two bounds (Python's max() and
    /// min(), which keep the first argument on ties).
    fn meet<'a>(&'a self, other: &'a Bound) -> (&'a LowerBound, &'a UpperBound) {
        let lower = if other.lower > self.lower {
            &other.lower
        } else {
            &self.lower
        };
        let upper = if other.upper < self.upper {
            &other.upper
        } else {
            &self.upper
        };
        (lower, upper)
    }

    pub(super) fn intersection(&self, other: &Bound) -> Option<Bound> {
        let (lower, upper) = self.meet(other);
        if bound_ok(lower, upper) {
            Some(Bound {
                lower: lower.clone(),
                upper: upper.clone(),
            })
        } else {
            None
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (lo, up) = (&self.lower, &self.upper);
        if up.version.inf {
            write!(f, "{lo}")
        } else if lo.version == up.version {
            write!(f, "=={}", lo.version)
        } else if lo.inclusive && up.inclusive {
            if lo.version.is_empty() {
                write!(f, "<={}", up.version)
            } else {
                write!(f, "{}..{}", lo.version, up.version)
            }
        } else if lo.inclusive && !up.inclusive && lo.version.next_version() == up.version {
            write!(f, "{}", lo.version)
        } else {
            write!(f, "{lo}{up}")
        }
    }
}

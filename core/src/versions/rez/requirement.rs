//! [`RezRequirement`]: rez's `Requirement`, a name and a range with the `!` (conflict) and
//! `~` (weak) prefixes, and how two requirements conflict and merge (the "Requirements"
//! quirks of the [module docs](super)).

use super::{RezVersionError, RezVersionRange};
use std::fmt;
use std::str::FromStr;

/// A rez requirement such as `foo-1.2+<2`, `foo==1`, `!foo`, `~foo-1`.
#[derive(Debug, Clone)]
pub struct RezRequirement {
    /// Everything before the first `-@#=<>` (after a `!`/`~` prefix).
    pub name: String,
    /// The range; for weak requirements the *complement* of the written
    /// range, as rez stores it (empty for `~foo`).
    pub range: RezVersionRange,
    /// `~foo`: weak (also sets `conflict`).
    pub weak: bool,
    /// `!foo` or `~foo`.
    pub conflict: bool,
    /// The name starts with `.` (rez's ephemeral packages); the dot is kept.
    pub ephemeral: bool,
    sep: char,
}

impl RezRequirement {
    /// Parses a requirement as rez's `Requirement(s)` does.
    ///
    /// `requirement = ["!" | "~"] name [["-" | "@" | "#"] range]`, where `name` is everything
    /// before the first of `-@#=<>` and `range` starts at that character (after a `-@#`)
    pub fn parse(s: &str) -> Result<RezRequirement, RezVersionError> {
        let (conflict, weak, rest, pre) = if let Some(r) = s.strip_prefix('!') {
            (true, false, r, 1)
        } else if let Some(r) = s.strip_prefix('~') {
            (true, true, r, 1)
        } else {
            (false, false, s, 0)
        };
        let mut sep = '-';
        let (name, range) = match rest.find(['-', '@', '#', '=', '<', '>']) {
            Some(i) => {
                let name = rest.get(..i).unwrap_or("");
                let mut req = rest.get(i..).unwrap_or("");
                let mut roff = pre + i;
                if let Some(c) = req.chars().next().filter(|c| matches!(c, '-' | '@' | '#')) {
                    sep = c;
                    req = req.get(1..).unwrap_or("");
                    roff += 1;
                }
                let range = RezVersionRange::parse(req).map_err(|e| e.shifted(roff))?;
                (name, if weak { range.complement() } else { range })
            }
            None if weak => (rest, RezVersionRange::none()),
            None => (rest, RezVersionRange::any()),
        };
        Ok(RezRequirement {
            name: name.to_string(),
            range,
            weak,
            conflict,
            ephemeral: name.starts_with('.'),
            sep,
        })
    }

    /// An unversioned-or-ranged plain requirement.
    pub fn new(name: &str, range: RezVersionRange) -> RezRequirement {
        RezRequirement {
            name: name.to_string(),
            range,
            weak: false,
            conflict: false,
            ephemeral: name.starts_with('.'),
            sep: '-',
        }
    }

    /// rez `Requirement.conflicts_with` for two requirements.
    pub fn conflicts_with(&self, other: &RezRequirement) -> bool {
        if self.name != other.name || self.range.is_empty() || other.range.is_empty() {
            false
        } else if self.conflict {
            !other.conflict && self.range.is_superset(&other.range)
        } else if other.conflict {
            other.range.is_superset(&self.range)
        } else {
            !self.range.intersects(&other.range)
        }
    }

    /// rez `Requirement.merged`: the requirement satisfying both, or `None`
    /// when they conflict or have different names.
    pub fn merged(&self, other: &RezRequirement) -> Option<RezRequirement> {
        if self.name != other.name {
            return None;
        }
        // rez's `range is None` (only `~foo`) is the empty range here
        if self.range.is_empty() {
            return Some(other.clone());
        }
        if other.range.is_empty() {
            return Some(self.clone());
        }
        let with = |base: &RezRequirement, range: RezVersionRange| {
            (!range.is_empty()).then(|| RezRequirement {
                range,
                ..base.clone()
            })
        };
        let minus = |a: &RezVersionRange, b: &RezVersionRange| a.intersection(&b.complement());
        match (self.conflict, other.conflict) {
            (true, true) => {
                let range = self.range.union(&other.range);
                let weak = self.weak && other.weak && !range.is_any();
                Some(RezRequirement {
                    range,
                    weak,
                    ..self.clone()
                })
            }
            (true, false) => with(other, minus(&other.range, &self.range)),
            (false, true) => with(self, minus(&self.range, &other.range)),
            (false, false) => with(self, self.range.intersection(&other.range)),
        }
    }

    /// The range as written (for weak requirements the complement of
    /// `range`), which is what `Display` prints.
    pub fn written_range(&self) -> RezVersionRange {
        if self.weak || self.range.is_empty() {
            if self.range.is_empty() {
                RezVersionRange::any()
            } else {
                self.range.complement()
            }
        } else {
            self.range.clone()
        }
    }
}

impl PartialEq for RezRequirement {
    /// rez compares name, range and the conflict flag only.
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.range == other.range && self.conflict == other.conflict
    }
}

impl Eq for RezRequirement {}

impl fmt::Display for RezRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pre = if self.weak {
            "~"
        } else if self.conflict {
            "!"
        } else {
            ""
        };
        let range = self.written_range();
        if range.is_any() {
            return write!(f, "{pre}{}", self.name);
        }
        let rs = range.to_string();
        if rs.starts_with(['=', '<', '>']) {
            write!(f, "{pre}{}{rs}", self.name)
        } else {
            write!(f, "{pre}{}{}{rs}", self.name, self.sep)
        }
    }
}

impl FromStr for RezRequirement {
    type Err = RezVersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RezRequirement::parse(s)
    }
}

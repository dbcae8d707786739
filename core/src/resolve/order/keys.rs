//! Sort keys as rez builds them from Python objects, compared with Python's rules, and
//! CPython's sort.

use super::soft_timestamp::soft_key;
use super::Orderer;
use crate::versions::rez::RezVersion;

/// `items` sorted as CPython's `sorted(items, key=..., reverse=True)` sorts them, `lt` being
/// the keys' `<`: the list reversed, sorted stably (a first run found, then binary insertion,
/// which is all of CPython's timsort below 64 items), and reversed back. Beyond 64 items
/// CPython merges runs; for a consistent order (a family's versions) the result is the same.
pub fn python_sorted_reverse<T>(mut items: Vec<T>, lt: impl Fn(&T, &T) -> bool) -> Vec<T> {
    items.reverse();
    let n = items.len();
    if n >= 2 {
        // count_run: the longest ascending (or strictly descending, then reversed) prefix.
        let mut run = 2;
        if lt(&items[1], &items[0]) {
            while run < n && lt(&items[run], &items[run - 1]) {
                run += 1;
            }
            items[..run].reverse();
        } else {
            while run < n && !lt(&items[run], &items[run - 1]) {
                run += 1;
            }
        }
        // binarysort: each later item inserted after the equal ones before it.
        for start in run..n {
            let (mut l, mut r) = (0, start);
            while l < r {
                let p = l + (r - l) / 2;
                if lt(&items[start], &items[p]) {
                    r = p;
                } else {
                    l = p + 1;
                }
            }
            items[l..=start].rotate_right(1);
        }
    }
    items.reverse();
    items
}

/// A sort key as rez builds it from Python tuples, lists, ints, strings and the orderers'
/// version keys, compared with Python's rules.
#[derive(Debug, Clone)]
pub enum Key {
    /// An int.
    Int(i64),
    /// A string.
    Str(String),
    /// A tuple or list (Python compares both item by item).
    Seq(Vec<Key>),
    /// A version's key.
    Version(VersionKey),
}

impl Key {
    /// Python's `==`.
    pub fn eq(&self, other: &Key) -> bool {
        match (self, other) {
            (Key::Int(a), Key::Int(b)) => a == b,
            (Key::Str(a), Key::Str(b)) => a == b,
            (Key::Seq(a), Key::Seq(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq(y))
            }
            (Key::Version(a), Key::Version(b)) => a.eq(b),
            _ => false,
        }
    }

    /// Python's `<`: sequences by their first unequal items, else by length. Keys of
    /// different kinds never meet in rez's keys (they would raise); they are not less.
    pub fn lt(&self, other: &Key) -> bool {
        match (self, other) {
            (Key::Int(a), Key::Int(b)) => a < b,
            (Key::Str(a), Key::Str(b)) => a < b,
            (Key::Seq(a), Key::Seq(b)) => match a.iter().zip(b).find(|(x, y)| !x.eq(y)) {
                Some((x, y)) => x.lt(y),
                None => a.len() < b.len(),
            },
            (Key::Version(a), Key::Version(b)) => a.lt(b),
            _ => false,
        }
    }
}

/// rez's `FallbackComparable(orderer key, version)`: compared by the orderer's keys, or by
/// the versions when comparing those keys raises.
#[derive(Debug, Clone)]
pub struct VersionKey {
    main: Main,
    version: RezVersion,
}

/// An orderer's own key of a version (`sort_key_implementation`), as the Python objects it
/// is made of.
#[derive(Debug, Clone)]
pub(super) enum Main {
    /// An int (`no_order`'s `0`) or a bool (`True` is `1`).
    Int(i64),
    /// A `Version` (`sorted` descending).
    Version(RezVersion),
    /// `_ReversedComparable(version)` (`sorted` ascending).
    Reversed(RezVersion),
    /// A version's list of tokens (`soft_timestamp`'s `version.tokens[rank - 1:]`), compared
    /// as token lists compare, which is how versions compare.
    Tokens(RezVersion),
    /// A tuple: `version_split`'s `(version <= first_version, version)`, `soft_timestamp`'s.
    Tuple(Vec<Main>),
}

impl VersionKey {
    /// The key of `version` under `orderer`; `first_after` is the family's first version
    /// released after a `soft_timestamp` orderer's time. An error where rez's key raises.
    pub(super) fn new(
        orderer: &Orderer,
        version: &RezVersion,
        first_after: Option<&RezVersion>,
    ) -> Result<VersionKey, String> {
        let main = match orderer {
            Orderer::Sorted { descending: true } => Main::Version(version.clone()),
            Orderer::Sorted { descending: false } => Main::Reversed(version.clone()),
            // rez's `version <= first_version`: never true of `Version.inf`.
            Orderer::VersionSplit { first_version } => Main::Tuple(vec![
                Main::Int(i64::from(
                    !version.is_infinity() && version <= first_version,
                )),
                Main::Version(version.clone()),
            ]),
            Orderer::NoOrder => Main::Int(0),
            Orderer::SoftTimestamp { rank, .. } => soft_key(*rank, first_after, version)?,
            // A per_family orderer is looked through by `PackageOrderers::get`.
            Orderer::PerFamily { .. } => Main::Version(version.clone()),
        };
        Ok(VersionKey {
            main,
            version: version.clone(),
        })
    }

    /// `FallbackComparable.__eq__`: the orderer keys' `==` (which never raises here).
    pub(super) fn eq(&self, other: &VersionKey) -> bool {
        main_eq(&self.main, &other.main)
    }

    /// `FallbackComparable.__lt__`: the orderer keys' `<`, or the versions' when it raises.
    pub(super) fn lt(&self, other: &VersionKey) -> bool {
        main_lt(&self.main, &other.main).unwrap_or_else(|| self.version < other.version)
    }
}

/// Python's `a == b` of two orderer keys (`True == 1`; objects of different kinds are unequal).
fn main_eq(a: &Main, b: &Main) -> bool {
    match (a, b) {
        (Main::Int(x), Main::Int(y)) => x == y,
        (Main::Version(x), Main::Version(y))
        | (Main::Reversed(x), Main::Reversed(y))
        | (Main::Tokens(x), Main::Tokens(y)) => x == y,
        (Main::Tuple(x), Main::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| main_eq(p, q))
        }
        _ => false,
    }
}

/// Python's `a < b` of two orderer keys; `None` where Python raises. rez's `Version.__lt__`
/// answers `False` for `Version.inf` before looking at the other side, so `inf < x` is false
/// and (reflected through `__gt__`) `x < inf` is true, whatever `x` is. Tuples compare at
/// their first unequal items, else by length.
fn main_lt(a: &Main, b: &Main) -> Option<bool> {
    match (a, b) {
        (Main::Version(x), Main::Version(y)) => Some(x < y),
        (Main::Version(x), _) if x.is_infinity() => Some(false),
        (_, Main::Version(y)) if y.is_infinity() => Some(true),
        (Main::Int(x), Main::Int(y)) => Some(x < y),
        (Main::Reversed(x), Main::Reversed(y)) => Some(y < x),
        (Main::Tokens(x), Main::Tokens(y)) => Some(x < y),
        (Main::Tuple(x), Main::Tuple(y)) => match x.iter().zip(y).find(|(p, q)| !main_eq(p, q)) {
            Some((p, q)) => main_lt(p, q),
            None => Some(x.len() < y.len()),
        },
        _ => None,
    }
}

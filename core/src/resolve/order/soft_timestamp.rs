//! rez's `soft_timestamp` orderer (`SoftTimestampOrder`): the versions released by a time
//! first, highest first, then the later ones, lowest first (with a `rank`, the later ones
//! that differ from an earlier one only at that rank or below come with it).
//!
//! Its key needs one fact about the whole family, the first version released after the time
//! (`_calc_first_after`), which rez finds by reading every version of the family
//! (`iter_packages`, whatever the resolve's range or time). [`first_after`] takes the
//! family's versions and a way to read each one's `timestamp`, which the solver's cache
//! answers through its source, for the families such an orderer orders only.

use super::keys::Main;
use crate::versions::rez::RezVersion;

/// rez `SoftTimestampOrder._calc_first_after`: the lowest of the versions released after
/// `timestamp` above the highest released by it (walking down from the highest version,
/// passing over untimestamped ones); with a `rank`, the version above the walk's stop whose
/// first `rank - 1` tokens differ from the stop's, walking up from the stop.
///
/// `released` reads an item's `timestamp` (`None`: untimestamped) and is asked in rez's
/// order, only for the versions rez reads it of: an error there is rez's raising on loading
/// that package. A family with no version and a `rank` is an error, as in rez (its loop
/// variable is never bound).
pub fn first_after<T, E: From<String>>(
    timestamp: i64,
    rank: u32,
    mut versions: Vec<(RezVersion, T)>,
    mut released: impl FnMut(&T) -> Result<Option<i64>, E>,
) -> Result<Option<RezVersion>, E> {
    // rez: `sorted(iter_packages(family), key=version, reverse=True)`, stable.
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    let mut first_after = None;
    let mut stop = None;
    for (i, (version, item)) in versions.iter().enumerate() {
        stop = Some(i);
        let Some(at) = released(item)? else {
            continue;
        };
        if at > timestamp {
            first_after = Some(version.clone());
        } else {
            break;
        }
    }
    if rank == 0 {
        return Ok(first_after);
    }
    let Some(stop) = stop else {
        return Err(E::from(
            "cannot access local variable 'package' where it is not associated with a value"
                .to_string(),
        ));
    };
    let prefix = |v: &RezVersion| v.trim(rank as usize - 1);
    let trimmed = prefix(&versions[stop].0);
    Ok(versions[..stop]
        .iter()
        .rev()
        .map(|(v, _)| v)
        .find(|v| prefix(v) != trimmed)
        .cloned())
}

/// rez `SoftTimestampOrder._calc_sort_key`: `(True, version)` for a version before the first
/// after the time (or when none is after it), else `(0, reversed(version))`, or with a
/// `rank`, `(0, reversed(version.trim(rank - 1)), version.tokens[rank - 1:])`. rez raises on
/// trimming `Version.inf` (an unbounded range's upper bound), and so does this.
pub(super) fn soft_key(
    rank: u32,
    first_after: Option<&RezVersion>,
    version: &RezVersion,
) -> Result<Main, String> {
    // `int(version < first_after)`: rez's `Version.inf` is never less.
    let before = first_after.is_none_or(|f| !version.is_infinity() && version < f);
    if before {
        return Ok(Main::Tuple(vec![
            Main::Int(1),
            Main::Version(version.clone()),
        ]));
    }
    if rank == 0 {
        return Ok(Main::Tuple(vec![
            Main::Int(0),
            Main::Reversed(version.clone()),
        ]));
    }
    if version.is_infinity() {
        return Err("Version.inf cannot be trimmed".into());
    }
    let kept = rank as usize - 1;
    Ok(Main::Tuple(vec![
        Main::Int(0),
        Main::Reversed(version.trim(kept)),
        Main::Tokens(version.skip(kept)),
    ]))
}

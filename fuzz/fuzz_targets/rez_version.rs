//! rez versions, ranges and requirements (`pkglens_core::rez`) on arbitrary UTF-8.
//!
//! Input: `RANGE\0VERSION\0VERSION...`; without a `\0`, the versions probed are the
//! suffixes of the range string after each operator/separator character (the versions that
//! sit on its bounds, which is where inclusivity bugs live).
//!
//! Checks (each one documented in the module or tested by its property tests):
//! - no panic; errors have a message and a byte offset inside the input; `is_valid` says
//!   whether `parse` succeeds;
//! - a version's `Display` parses back to an equal version; `==v` and the family range `v`
//!   hold `v`;
//! - a parsed range is never empty; `r ∩ any` holds the same versions as `r`; the complement
//!   holds exactly the versions `r` does not;
//! - `Display` of a parsed range parses again, to a range holding the same versions;
//! - `Display` of a parsed requirement parses again, to one with the same name and flags
//!   whose range holds the same versions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkglens_core::{RezRequirement, RezVersion, RezVersionError, RezVersionRange};

fn check_error(s: &str, e: &RezVersionError) {
    assert!(!e.message.is_empty(), "empty message for {s:?}");
    assert!(e.span.start <= s.len(), "offset {} past the end of {s:?}", e.span.start);
}

fn check_version(s: &str) -> Option<RezVersion> {
    let parsed = RezVersion::parse(s);
    assert_eq!(RezVersion::is_valid(s), parsed.is_ok(), "is_valid disagrees on {s:?}");
    match parsed {
        Ok(v) => {
            let shown = v.to_string();
            let back = RezVersion::parse(&shown).expect("Display of a version parses");
            assert_eq!(back, v, "{s:?} -> {shown:?}");
            assert!(RezVersionRange::exact(&v).contains(&v), "==v misses {s:?}");
            assert!(RezVersionRange::from_version(&v).contains(&v), "family misses {s:?}");
            Some(v)
        }
        Err(e) => {
            check_error(s, &e);
            None
        }
    }
}

fn check_requirement(s: &str, versions: &[RezVersion]) {
    match RezRequirement::parse(s) {
        Ok(req) => {
            let shown = req.to_string();
            let back = RezRequirement::parse(&shown)
                .unwrap_or_else(|e| panic!("Display of {s:?} is {shown:?}, which fails: {e}"));
            // Same name and flags, same versions held. Not structural equality: the documented
            // merge quirk keeps `1..3|1.5+<2|>3` as `1..3|>3`, which re-parses as `1+`.
            assert_eq!(
                (&back.name, back.conflict, back.weak, back.ephemeral),
                (&req.name, req.conflict, req.weak, req.ephemeral),
                "{s:?} -> {shown:?}"
            );
            assert_eq!(back.range.is_empty(), req.range.is_empty(), "{s:?} -> {shown:?}");
            for v in versions {
                assert_eq!(
                    back.range.contains(v),
                    req.range.contains(v),
                    "{s:?} -> {shown:?} at {v}"
                );
            }
        }
        Err(e) => check_error(s, &e),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = s.split('\0');
    let range_str = parts.next().unwrap_or("");

    let mut versions: Vec<RezVersion> = parts.filter_map(check_version).collect();
    if versions.is_empty() {
        versions.extend(
            range_str
                .match_indices(['|', ',', '<', '>', '=', '+', '.', '-'])
                .take(16)
                .filter_map(|(i, m)| RezVersion::parse(&range_str[i + m.len()..]).ok()),
        );
        versions.push(RezVersion::empty());
    }
    check_version(range_str);
    check_requirement(range_str, &versions);

    match RezVersionRange::parse(range_str) {
        Ok(r) => {
            assert!(!r.is_empty(), "{range_str:?} parsed to the empty range");
            let shown = r.to_string();
            let back = RezVersionRange::parse(&shown).unwrap_or_else(|e| {
                panic!("Display of {range_str:?} is {shown:?}, which fails: {e}")
            });
            let same = r.intersection(&RezVersionRange::any());
            let complement = r.complement();
            for v in &versions {
                let held = r.contains(v);
                assert_eq!(held, same.contains(v), "{r} & any at {v}");
                assert_eq!(held, back.contains(v), "{range_str:?} -> {shown:?} at {v}");
                assert_eq!(held, !complement.contains(v), "~({r}) = {complement} at {v}");
            }
        }
        Err(e) => check_error(range_str, &e),
    }
});

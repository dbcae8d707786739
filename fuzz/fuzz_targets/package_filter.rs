//! rez's `package_filter` read from text (core's `read_package_filter`: a rezconfig read
//! statically, or a YAML or JSON list), then applied by the solver to a small in-memory
//! repository, on arbitrary UTF-8; and single rule strings (globs, regexes, ranges, times).
//!
//! Input: a first byte choosing the reader (`p`: a `rezconfig.py`, `y`: YAML, `j`: JSON,
//! anything else: the text is one exclusion rule), then the text.
//!
//! Checks: no panic, no stack overflow; an error names the file; a filter read, with the text
//! also added as an `--exclude` and an `--include` rule and written back (`to_pod`), resolves
//! the repository (solved, failed or an error, never a panic), with and without a resolve time.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkglens_core::{
    read_package_filter, solve, PackageFilterList, ResolveOptions, RezPackage, RezRequirement,
    RezVersion, Timestamp,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Versions with pre-release tails, an unversioned one, and timestamps on either side of the
/// resolve time.
fn repository() -> HashMap<String, Arc<Vec<RezPackage>>> {
    let package = |name: &str, version: &str, at: i64, requires: &[&str]| RezPackage {
        name: name.into(),
        version: RezVersion::parse(version).unwrap(),
        requires: requires.iter().map(|r| std::sync::Arc::new(RezRequirement::parse(r).unwrap())).collect(),
        variants: Vec::new(),
        path: format!("{name}/{version}/package.py"),
        computed: Vec::new(),
        unusable: None,
        timestamp: if at == 0 { Timestamp::Untimestamped } else { Timestamp::At(at) },
    };
    let mut repo = HashMap::new();
    repo.insert(
        "foo".to_string(),
        Arc::new(vec![
            package("foo", "1.0", 100, &["bar"]),
            package("foo", "2.0.beta", 200, &["bar-1"]),
            package("foo", "1.5-test", 0, &[]),
        ]),
    );
    repo.insert(
        "bar".to_string(),
        Arc::new(vec![package("bar", "1.0.alpha.m1", 150, &[]), package("bar", "", 50, &[])]),
    );
    repo
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = match kind {
        b'p' => "rezconfig.py",
        b'y' => "filter.yaml",
        b'j' => "filter.json",
        _ => "rule.json",
    };
    let read = if name == "rule.json" {
        let pod = serde_json::json!([{ "excludes": [text] }]);
        let json = pod.to_string();
        read_package_filter(name, &json)
    } else {
        read_package_filter(name, text)
    };
    let mut filter: PackageFilterList = match read {
        Ok(filter) => filter,
        Err(message) => {
            assert!(message.starts_with(name), "{message:?} does not name {name}");
            return;
        }
    };
    // As `--exclude` and `--include` add it (`rez env`), then recorded as rez records it.
    if name != "rule.json" {
        let _ = filter.add_exclusion(text);
        let _ = filter.add_inclusion(text);
    }
    let _ = filter.to_pod();
    let request = [RezRequirement::parse("foo").unwrap()];
    for time in [None, Some(120)] {
        let options = ResolveOptions {
            package_filter: filter.clone(),
            time,
            ..ResolveOptions::default()
        };
        let _ = solve(&request, &options, &mut repository(), "memory");
    }
});

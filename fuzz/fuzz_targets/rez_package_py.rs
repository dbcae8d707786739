//! rez `package.py` reading (`formats::rez::parse_package_py`, a static reader that never
//! executes anything) on arbitrary bytes.
//!
//! Checks: no panic, no hang, no stack overflow on deep nesting (the module documents an
//! error past `MAX_DEPTH`); an error has a message, a 1-based line and column, and a byte
//! offset inside the decoded input; a result names every top-level name at most once, either as a
//! static assignment or as dynamic, never both, with 1-based lines. The solver's package read
//! straight from the bytes (`rez_package_py_in_folder`) is the one made from the file's record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pkglens_core::{
    parse_package_py, parse_rez_package_py, rez_package_in_folder, rez_package_py_in_folder,
    Record, RequirementCache, RezVersion,
};
use std::collections::HashSet;

fuzz_target!(|data: &[u8]| {
    let (path, version) = ("repo/fam/1.0/package.py", RezVersion::parse("1.0").unwrap());
    for allow_dynamic in [false, true] {
        let record = parse_rez_package_py(path, data).unwrap_or_else(|e| Record::from_error(&e));
        let (mut a, mut b) = (RequirementCache::default(), RequirementCache::default());
        let by_record = rez_package_in_folder(&record, "fam", &version, allow_dynamic, &mut a);
        let direct = rez_package_py_in_folder(path, data, "fam", &version, allow_dynamic, &mut b);
        assert_eq!(direct, by_record);
    }
    match parse_package_py(data) {
        Err(err) => {
            assert!(!err.message.is_empty(), "empty message: {err:?}");
            assert!(err.line >= 1 && err.column >= 1, "{err:?}");
            // Offsets are into the text as decoded: under a latin-1 or cp1252 cookie a byte
            // can take up to three bytes of UTF-8.
            assert!(err.span.start <= 3 * data.len(), "offset past the end: {err:?}");
        }
        Ok(pkg) => {
            let mut names = HashSet::new();
            for a in &pkg.assignments {
                assert!(names.insert(a.name.as_str()), "{:?} assigned twice: {pkg:?}", a.name);
                assert!(a.line >= 1, "{a:?}");
            }
            let mut dynamic = HashSet::new();
            for d in &pkg.dynamic {
                assert!(dynamic.insert(d.name.as_str()), "{:?} dynamic twice: {pkg:?}", d.name);
                assert!(
                    !names.contains(d.name.as_str()),
                    "{:?} is both static and dynamic: {pkg:?}",
                    d.name
                );
                assert!(d.line >= 1 && !d.reason.is_empty(), "{d:?}");
            }
            for f in &pkg.functions {
                assert!(f.line >= 1, "{f:?}");
            }
        }
    }
});

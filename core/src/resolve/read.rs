//! A `package.py` read straight into the solver's package.
//!
//! A resolve reads the `package.py` of every version it considers (about 2,200 for one of
//! rez's benchmark requests, each resolve afresh). Going through the scan's [`Record`] (every
//! field as JSON, every requirement as a record, then each requirement looked up again) was
//! two fifths of a read's cost, thrown away once the package was made. A file whose fields
//! are all literals of the types rez's schema wants, each requirement one rez reads, is read
//! here into a [`RezPackage`] directly; any other file (a computed field, a wrong type, a bad
//! requirement, a syntax error) goes the record's way, which says what is wrong as the scan
//! says it. Both ways give the same package: tested on fixtures of every shape and on every
//! file of rez's benchmark repository, and fuzzed (the `rez_package_py` target).

use super::timestamp::Timestamp;
use super::{rez_package_in_folder, RequirementCache, RezPackage};
use crate::formats::rez::attributes;
use crate::formats::rez::{installed_folders, is_package_field, parse_package_py, PyValue};
use crate::record::{Format, Record};
use crate::versions::rez::{RezRequirement, RezVersion};
use crate::{parse_guarded, Input};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// The package of `bytes`, the `package.py` at `path` in version folder `version` of `family`,
/// as the solver sees it: [`rez_package_in_folder`] of the file's record, made without the
/// record when the file is plain. `parsed` keeps the requirement strings already read.
pub fn rez_package_py_in_folder(
    path: &str,
    bytes: &[u8],
    family: &str,
    version: &RezVersion,
    allow_dynamic: bool,
    parsed: &mut RequirementCache,
) -> RezPackage {
    // A panic is a bug of the parser, which the record's way reports as such.
    let plain = catch_unwind(AssertUnwindSafe(|| {
        plain_package(path, bytes, family, version, parsed)
    }));
    if let Ok(Some(package)) = plain {
        return package;
    }
    let record = parse_guarded(&Input::new(path, bytes), Some(Format::RezPackagePy))
        .unwrap_or_else(|err| Record::from_error(&err));
    rez_package_in_folder(&record, family, version, allow_dynamic, parsed)
}

/// The package of a plain file: one that parses, computes nothing, is installed as
/// `<family>/<version>/package.py` under its own name, and whose every field has a type rez's
/// schema accepts and every requirement parses. `None` for any other file.
fn plain_package(
    path: &str,
    bytes: &[u8],
    family: &str,
    version: &RezVersion,
    parsed: &mut RequirementCache,
) -> Option<RezPackage> {
    let py = parse_package_py(bytes).ok()?;
    if py.dynamic.iter().any(|d| is_package_field(&d.name)) {
        return None;
    }
    // The file's `name`, when it has one, is its family folder's: the record then takes name
    // and version from the folders (the file's `version` is not even looked at).
    let (folder_family, _) = installed_folders(path)?;
    if let Some(name) = py.get("name") {
        if !matches!(name, PyValue::Str(name) if name == folder_family) {
            return None;
        }
    }
    let mut package = RezPackage::empty(family, version, path);
    // Fields in the file's order: one assigned twice keeps its last value, as in the record.
    for assignment in &py.assignments {
        let value = &assignment.value;
        match assignment.name.as_str() {
            "name" | "version" => {}
            "requires" => package.requires = requirements(value, parsed)?,
            "build_requires" | "private_build_requires" => {
                requirements(value, parsed)?;
            }
            "variants" => {
                let PyValue::List(variants) = value else {
                    return None;
                };
                package.variants = variants
                    .iter()
                    .map(|variant| requirements(variant, parsed))
                    .collect::<Option<_>>()?;
            }
            "tools" => {
                let PyValue::List(tools) = value else {
                    return None;
                };
                if !tools.iter().all(|t| matches!(t, PyValue::Str(_))) {
                    return None;
                }
            }
            name => {
                attributes::check(name, value).ok()?;
                if name == "timestamp" {
                    package.timestamp = timestamp(value);
                }
            }
        }
    }
    Some(package)
}

/// A list of requirement strings, each read as rez reads it; `None` when the value is not a
/// list of strings or a string is not a requirement (the record says why).
fn requirements(
    value: &PyValue,
    parsed: &mut RequirementCache,
) -> Option<Vec<Arc<RezRequirement>>> {
    let PyValue::List(items) = value else {
        return None;
    };
    items
        .iter()
        .map(|item| match item {
            PyValue::Str(text) => requirement(text, parsed),
            _ => None,
        })
        .collect()
}

fn requirement(text: &str, parsed: &mut RequirementCache) -> Option<Arc<RezRequirement>> {
    if let Some(read) = parsed.get(text) {
        return read.as_ref().ok().cloned();
    }
    let read = RezRequirement::parse(text)
        .map(Arc::new)
        .map_err(|e| e.to_string());
    let requirement = read.as_ref().ok().cloned();
    parsed.insert(text.to_owned(), read);
    requirement
}

/// A `timestamp` rez's schema accepts (an `int`, `True` being 1), as the record keeps it: an
/// integer beyond 64 bits saturates, and `0` is no timestamp.
fn timestamp(value: &PyValue) -> Timestamp {
    let at = match *value {
        PyValue::Int(i) => i.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
        PyValue::Bool(b) => i64::from(b),
        _ => 0,
    };
    match at {
        0 => Timestamp::Untimestamped,
        t => Timestamp::At(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::rez::parse_rez_package_py;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const PATH: &str = "repo/fam/1.0/package.py";

    /// The package both ways, which must agree; and whether the file was plain.
    fn read(text: &str, allow_dynamic: bool) -> (RezPackage, bool) {
        let version = RezVersion::parse("1.0").unwrap();
        let record = parse_rez_package_py(PATH, text.as_bytes())
            .unwrap_or_else(|err| Record::from_error(&err));
        let mut cache = RequirementCache::default();
        let by_record = rez_package_in_folder(&record, "fam", &version, allow_dynamic, &mut cache);
        let mut cache = RequirementCache::default();
        let direct = rez_package_py_in_folder(
            PATH,
            text.as_bytes(),
            "fam",
            &version,
            allow_dynamic,
            &mut cache,
        );
        assert_eq!(direct, by_record, "{text}");
        let plain = plain_package(PATH, text.as_bytes(), "fam", &version, &mut cache);
        (direct, plain.is_some())
    }

    /// Files as rez's benchmark repository and studios' installed packages write them.
    const PLAIN: &[&str] = &[
        "name = 'fam'\nversion = '1.0'\nrequires = ['bonus-18.2.0+<19']\n\
         variants = [\n    ['wave-2.7', 'cartload-1.1.6'],\n    ['wave-3.6']\n]\n\
         timestamp = 1600129484\nformat_version = 2\n",
        "# -*- coding: utf-8 -*-\nname = \"fam\"\nversion = \"2.3.1\"\n\
         description = \"\"\"\n    A tool.\n    \"\"\"\nauthors = ['someone']\n\
         requires = ['~python-3.7+', '!oldlib', '.eph-1']\n\
         private_build_requires = ['cmake-3+', 'rezbuild']\nbuild_requires = ['gcc-9']\n\
         tools = ['fam', 'fam-gui']\nuuid = 'repository.fam'\nhelp = [['Home', 'https://x']]\n\
         def commands():\n    env.PATH.append('{root}/bin')\n    env.FAM_ROOT = '{root}'\n\n\
         timestamp = True\nrelocatable = None\nhashed_variants = True\n\
         with scope('config') as config:\n    config.release_packages_path = '/x'\n",
        "name = 'fam'\nrequires = []\nvariants = []\ntimestamp = 0\n",
        "name = 'fam'\ntimestamp = 123456789012345678901234567890\n",
        "requires = ['a', 'b-1|2']\n",
        "name = 'fam'\nversion = 7\nrequires = ['a']\nrequires = ['b']\n",
        // Named and versioned by its folders.
        "",
    ];

    /// Files the record reads otherwise: each says why (or keeps a computed field).
    const NOT_PLAIN: &[&str] = &[
        "name = 'fam'\n@early()\ndef requires():\n    return ['a']\n",
        "name = 'fam'\nimport os\nrequires = [os.environ['X']]\n",
        "name = 'fam'\nhelp = compute()\n",
        "name = 'other'\nversion = '1.0'\nrequires = ['a']\n",
        "name = 5\n",
        "name = 'fam'\nrequires = ('a', 'b')\n",
        "name = 'fam'\nrequires = 'a'\n",
        "name = 'fam'\nrequires = ['a', 5]\n",
        "name = 'fam'\nrequires = ['a-1+<']\n",
        "name = 'fam'\nrequires = ['a-1.*']\n",
        "name = 'fam'\nbuild_requires = ['a-1+<']\n",
        "name = 'fam'\nvariants = [('a',)]\n",
        "name = 'fam'\nvariants = ['a']\n",
        "name = 'fam'\ntools = ['a', 1]\n",
        "name = 'fam'\ndescription = 5\n",
        "name = 'fam'\ntimestamp = '1600129484'\n",
        "name = 'fam'\ntimestamp = 1.5\n",
        "name = 'fam'\nauthors = ('a',)\n",
        "name = 'fam'\nprevious_version = '1..2'\n",
        "name = 'fam'\nrequires = ['a'\n",
        "name = 'fam'\n\trequires = ['a']\n",
    ];

    #[test]
    fn a_plain_file_is_read_straight_into_the_package_the_record_gives() {
        for text in PLAIN {
            for allow_dynamic in [false, true] {
                let (package, plain) = read(text, allow_dynamic);
                assert!(plain, "not plain:\n{text}");
                assert_eq!((package.name.as_str(), package.unusable), ("fam", None));
            }
        }
        let (package, _) = read(PLAIN[0], false);
        assert_eq!(package.timestamp, Timestamp::At(1_600_129_484));
        assert_eq!(package.variants.len(), 2);
        assert_eq!(read(PLAIN[1], false).0.timestamp, Timestamp::At(1));
        assert_eq!(read(PLAIN[3], false).0.timestamp, Timestamp::At(i64::MAX));
        // The last of two assignments counts, as in the record.
        assert_eq!(read(PLAIN[5], false).0.requires[0].name, "b");
    }

    #[test]
    fn any_other_file_is_read_by_its_record() {
        for text in NOT_PLAIN {
            for allow_dynamic in [false, true] {
                let (_, plain) = read(text, allow_dynamic);
                assert!(!plain, "plain:\n{text}");
            }
        }
        let (package, _) = read(NOT_PLAIN[0], false);
        assert_eq!(package.unusable.unwrap().field.as_deref(), Some("requires"));
        assert!(read(NOT_PLAIN[0], true).0.unusable.is_none());
        assert!(read(NOT_PLAIN[5], false).0.unusable.is_some());
        assert!(read(NOT_PLAIN[19], false).0.unusable.is_some());
    }
}

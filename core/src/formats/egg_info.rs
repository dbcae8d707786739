//! An egg-info's `requires.txt`: the requirements setuptools writes beside `PKG-INFO` in a
//! `*.egg-info` folder (Debian's and Ubuntu's system Python, `setup.py develop`, conda), read
//! the way pip reads it (`pip/_internal/metadata/base.py`, `_add_egg_info_requires`).
//!
//! The format is INI-like: lines outside any section are plain requirements; a section
//! `[extra]`, `[:marker]` or `[extra:marker]` gives the lines after it that marker, and
//! `extra == "<normalised extra>"` (both `(marker) and extra == "x"` when both are named).
//! Blank lines and lines starting with `#` are skipped. pip uses it only when PKG-INFO has no
//! `Requires-Dist` (and the extras only when it has no `Provides-Extra`); so does this.
//!
//! The core reads no files: the caller reads both and hands them to [`parse_egg_info`].

use crate::formats::core_metadata::parse_core_metadata;
use crate::record::{Format, Package, ParseError, Record, RequirementKind, Status};
use crate::text::decode_utf8;
use crate::versions::pep508::{normalize_name, parse_requirement};
use crate::ErrorKind;

/// Parses an egg-info's `PKG-INFO` (`path`, `pkg_info`) and merges its `requires.txt`
/// (`requires`, when the folder has one) into the package, as pip does.
pub fn parse_egg_info(
    path: &str,
    pkg_info: &[u8],
    requires: Option<&[u8]>,
) -> Result<Record, ParseError> {
    let mut record = parse_core_metadata(path, Format::PkgInfo, pkg_info)?;
    if let Some(requires) = requires {
        merge_requires_txt(&mut record, requires);
    }
    Ok(record)
}

/// Merges the `requires.txt` text `requires` into the first package of `record` (a PKG-INFO's):
/// its requirements when the package has none, its extras when it declares none. A line that
/// is not a requirement makes the record an `error` naming `requires.txt`, its line and column.
fn merge_requires_txt(record: &mut Record, requires: &[u8]) {
    let Some(package) = record.packages.first_mut() else {
        return;
    };
    let text = match decode_utf8(requires) {
        Ok(text) => text,
        Err(_) => {
            set_error(record, 0, 0, "requires.txt is not UTF-8".into());
            return;
        }
    };
    let fill_requires = package.requires.is_empty();
    let fill_extras = package.provides_extra.is_empty();
    let mut known_extras = vec![String::new()];
    let mut fault = None;
    for entry in entries(text) {
        let extra = normalize_name(entry.extra);
        if fill_extras && !known_extras.contains(&extra) {
            package.provides_extra.push(extra.clone());
            known_extras.push(extra.clone());
        }
        if fill_requires {
            if let Err(message) = push_requirement(package, &entry, &extra) {
                fault.get_or_insert((entry.line, message));
            }
        }
    }
    if let Some((line, message)) = fault {
        set_error(record, line, 1, message);
    }
}

/// One requirement line of `requires.txt`, with its section's extra and marker.
struct Entry<'a> {
    requirement: &'a str,
    extra: &'a str,
    marker: &'a str,
    line: u32,
}

/// The requirement lines of `requires.txt`, as pip's `_iter_requires_txt_entries` yields them.
fn entries(text: &str) -> Vec<Entry<'_>> {
    let (mut extra, mut marker) = ("", "");
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            let header = line.trim_matches(['[', ']']);
            (extra, marker) = header.split_once(':').unwrap_or((header, ""));
            continue;
        }
        out.push(Entry {
            requirement: line,
            extra,
            marker,
            line: u32::try_from(index + 1).unwrap_or(u32::MAX),
        });
    }
    out
}

/// Adds `entry` to `package` as the `Requires-Dist` pip makes of it.
fn push_requirement(package: &mut Package, entry: &Entry<'_>, extra: &str) -> Result<(), String> {
    let marker = match (extra.is_empty(), entry.marker.is_empty()) {
        (false, false) => format!("({}) and extra == \"{extra}\"", entry.marker),
        (false, true) => format!("extra == \"{extra}\""),
        (true, false) => entry.marker.to_owned(),
        (true, true) => String::new(),
    };
    let raw = if marker.is_empty() {
        entry.requirement.to_owned()
    } else {
        format!("{} ; {marker}", entry.requirement)
    };
    // Line 0: the line is `requires.txt`'s, not the record's file's.
    match parse_requirement(&raw, RequirementKind::Run, 0) {
        Ok(mut requirement) => {
            super::redact_requirement(&mut requirement);
            package.requires.push(requirement);
            Ok(())
        }
        Err(err) => Err(format!(
            "invalid requirement in requires.txt line {}: {}",
            entry.line, err.message
        )),
    }
}

fn set_error(record: &mut Record, line: u32, column: u32, message: String) {
    let err = ParseError::whole(&record.path, record.format, ErrorKind::Syntax, message);
    let mut info = err.info;
    info.line = line;
    info.column = column;
    record.status = Status::Error;
    record.error = Some(info);
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const PKG_INFO: &[u8] = b"Metadata-Version: 2.1\nName: PyGObject\nVersion: 3.42.2\n";

    fn requires_of(record: &Record) -> Vec<String> {
        record.packages[0]
            .requires
            .iter()
            .map(|r| match &r.marker {
                Some(m) => format!("{} {}; {m}", r.name, r.spec),
                None => format!("{} {}", r.name, r.spec),
            })
            .collect()
    }

    #[test]
    fn sections_become_markers_as_pip_makes_them() {
        // The shape of setuptools' requires.txt (e.g. vws-python-mock's, Debian's pygobject).
        let requires = b"pycairo>=1.16.0\n\n[:sys_platform == \"win32\"]\ntzdata\n\n[Dev_Tools]\npytest\n\n[xformers:sys_platform != \"darwin\"]\nxformers~=0.0.19\n# note\n";
        let record = parse_egg_info("x.egg-info/PKG-INFO", PKG_INFO, Some(requires)).unwrap();
        assert_eq!(record.status, Status::Ok);
        assert_eq!(
            requires_of(&record),
            [
                "pycairo >=1.16.0",
                "tzdata ; sys_platform == \"win32\"",
                "pytest ; extra == \"dev-tools\"",
                "xformers ~=0.0.19; sys_platform != \"darwin\" and extra == \"xformers\"",
            ]
        );
        assert_eq!(record.packages[0].provides_extra, ["dev-tools", "xformers"]);
        assert_eq!(
            record.packages[0].requires[2].kind,
            RequirementKind::Optional("dev-tools".into())
        );
    }

    #[test]
    fn requires_dist_in_pkg_info_wins() {
        let pkg_info = b"Metadata-Version: 2.1\nName: a\nVersion: 1\nRequires-Dist: b\n";
        let record = parse_egg_info("a.egg-info/PKG-INFO", pkg_info, Some(b"c\n")).unwrap();
        assert_eq!(requires_of(&record), ["b "]);
    }

    #[test]
    fn a_bad_line_is_an_error_naming_it() {
        let record =
            parse_egg_info("a.egg-info/PKG-INFO", PKG_INFO, Some(b"ok\n\nnot a req!\n")).unwrap();
        assert_eq!(record.status, Status::Error);
        let error = record.error.unwrap();
        assert!(
            error.message.contains("requires.txt line 3"),
            "{}",
            error.message
        );
        assert_eq!(
            requires_of(&parse_egg_info("p", PKG_INFO, None).unwrap()).len(),
            0
        );
    }
}

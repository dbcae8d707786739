//! The target environment of `check`, `graph`, `why` and `diff`: the values of `--target-python`,
//! `--platform`, `--machine` and `--group` checked against what they can mean, and the Python a
//! tree is for when none is given.
//!
//! Without `--target-python`, the tree is asked first (a virtual environment's `pyvenv.cfg`, a
//! `lib/pythonX.Y/site-packages` path, a `uv.lock`'s `requires-python`), and only then this
//! machine's `python3`: starting it through a version manager's shim costs 150 to 200 ms, and it
//! may not be the interpreter the tree is for.

use crate::cli::TargetArgs;
use pkglens_core::{parse_version, TargetEnvironment};
use pkglens_core::{Ecosystem, Format, ProblemKind, Record, RequirementKind, Specifiers};
use std::collections::BTreeSet;
use std::path::Path;

/// `--target-python`: `X.Y` or `X.Y.Z`, digits only (core's rule, shared with the npm package).
pub fn parse_python(text: &str) -> Result<String, String> {
    TargetEnvironment::parse_python(text)
}

/// `--platform`: linux, macos (darwin), windows (win32) or freebsd, case-insensitive.
pub fn parse_platform(text: &str) -> Result<String, String> {
    TargetEnvironment::parse_platform(text)
}

/// `--machine`: one of the machines `uname -m` names, case-insensitive.
pub fn parse_machine(text: &str) -> Result<String, String> {
    TargetEnvironment::parse_machine(text)
}

/// `--only` and `--ignore`: a problem kind.
pub fn parse_problem_kind(text: &str) -> Result<ProblemKind, String> {
    ProblemKind::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = ProblemKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("expected one of: {}", names.join(", "))
    })
}

/// Fails when a `--group` names a group no file of `records` defines, naming those that exist.
pub fn check_groups(args: &TargetArgs, records: &[Record]) -> anyhow::Result<()> {
    let mut known = BTreeSet::new();
    for record in records {
        let package_requirements = record.packages.iter().flat_map(|p| &p.requires);
        for requirement in record.requirements.iter().chain(package_requirements) {
            if let RequirementKind::Group(group) = &requirement.kind {
                known.insert(pkglens_core::normalize_name(group));
            }
        }
    }
    let unknown: Vec<&str> = args
        .group
        .iter()
        .filter(|g| *g != "*" && !known.contains(&pkglens_core::normalize_name(g)))
        .map(String::as_str)
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let known: Vec<String> = known.into_iter().collect();
    anyhow::bail!(
        "no dependency group named {} in these files (groups: {}; `*` for all)",
        unknown
            .iter()
            .map(|g| format!("`{g}`"))
            .collect::<Vec<_>>()
            .join(", "),
        if known.is_empty() {
            "none".to_owned()
        } else {
            known.join(", ")
        }
    )
}

/// The target of `args` for `records`, and where its Python came from, in words.
pub fn environment(args: &TargetArgs, records: &[Record]) -> (TargetEnvironment, String) {
    let (python, from) = match &args.target_python {
        Some(python) => (python.clone(), String::new()),
        None => python_of(records),
    };
    (with_python(python, args), from)
}

/// The target of `args` for `python`: `--platform` and `--machine`, else this machine's.
pub fn with_python(python: String, args: &TargetArgs) -> TargetEnvironment {
    TargetEnvironment {
        python,
        platform: args
            .platform
            .clone()
            .unwrap_or_else(|| std::env::consts::OS.into()),
        machine: args
            .machine
            .clone()
            .unwrap_or_else(|| std::env::consts::ARCH.into()),
    }
}

/// The Python `records` are for, and where that was read; this machine's `python3` when they
/// do not say, 3.12 when they hold nothing Python or there is none.
fn python_of(records: &[Record]) -> (String, String) {
    if let Some(found) = from_environment(records) {
        return found;
    }
    if let Some(found) = from_lock(records) {
        return found;
    }
    let has_python = records.iter().any(|r| {
        !r.requirements.is_empty() || r.packages.iter().any(|p| p.ecosystem == Ecosystem::Python)
    });
    match has_python.then(crate::os::python_version).flatten() {
        Some(version) => (version, "python3".into()),
        None => ("3.12".into(), "default".into()),
    }
}

/// From a virtual environment the records were read in: its `pyvenv.cfg` (`version_info` as uv
/// writes it, `version` as `venv` does), else the `lib/pythonX.Y/site-packages` of a path.
fn from_environment(records: &[Record]) -> Option<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut from_path = None;
    for record in records {
        let Some((root, version)) = site_packages_of(&record.path) else {
            continue;
        };
        if seen.insert(root.to_owned()) {
            let cfg = Path::new(root).join("pyvenv.cfg");
            if let Some(version) = std::fs::read_to_string(&cfg)
                .ok()
                .and_then(|t| cfg_version(&t))
            {
                return Some((version, cfg.display().to_string()));
            }
        }
        if from_path.is_none() {
            from_path = version.map(|v| (v, format!("{root}/lib/python*/site-packages")));
        }
    }
    from_path
}

/// The environment root of a path under `ROOT/lib/pythonX.Y/site-packages` (with `X.Y`) or
/// `ROOT/Lib/site-packages` (Windows, no version).
fn site_packages_of(path: &str) -> Option<(&str, Option<String>)> {
    let parts: Vec<&str> = path.split('/').collect();
    let at = parts.iter().position(|p| *p == "site-packages")?;
    match at {
        2.. if parts[at - 1].starts_with("python") && parts[at - 2] == "lib" => {
            let version = parts[at - 1].trim_start_matches("python");
            let root_len = parts[..at - 2].join("/").len();
            Some((
                &path[..root_len],
                parse_python(version)
                    .ok()
                    .filter(|v| v.split('.').count() == 2),
            ))
        }
        1.. if parts[at - 1] == "Lib" => {
            let root_len = parts[..at - 1].join("/").len();
            Some((&path[..root_len], None))
        }
        _ => None,
    }
}

/// `version_info = 3.12.1` or `version = 3.12.1` of a `pyvenv.cfg`.
fn cfg_version(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        let value = value.trim();
        let value = value
            .split(['.', '-', '+'])
            .take(3)
            .collect::<Vec<_>>()
            .join(".");
        matches!(key.trim(), "version_info" | "version")
            .then(|| parse_python(&value).ok())
            .flatten()
    })
}

/// From a `uv.lock`'s `requires-python` (on its root package): the oldest Python 3 minor
/// release it allows, the one uv's resolution is bounded by.
fn from_lock(records: &[Record]) -> Option<(String, String)> {
    records
        .iter()
        .filter(|r| r.format == Some(Format::UvLock))
        .find_map(|record| {
            let spec = record
                .packages
                .iter()
                .find_map(|p| p.requires_python.as_deref())?;
            let specifiers = Specifiers::parse(spec)?;
            (0..=20).find_map(|minor| {
                // Any patch release of the minor: `>=3.9.2` still means 3.9.
                let fits = [0, 99].iter().any(|patch| {
                    parse_version(&format!("3.{minor}.{patch}"))
                        .is_some_and(|v| specifiers.contains_version(&v))
                });
                fits.then(|| {
                    (
                        format!("3.{minor}"),
                        format!("{}'s requires-python `{spec}`", record.path),
                    )
                })
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_targets_are_refused_with_the_accepted_spellings() {
        assert!(parse_python("foo").unwrap_err().contains("X.Y"));
        assert!(parse_python("3").is_err());
        assert_eq!(parse_python("3.9.18").unwrap(), "3.9.18");
        let err = parse_platform("beos").unwrap_err();
        assert!(err.contains("linux, macos, darwin, windows"), "{err}");
        assert_eq!(parse_platform("Win32").unwrap(), "windows");
        assert_eq!(parse_machine("arm64").unwrap(), "aarch64");
        assert!(parse_machine("vax").unwrap_err().contains("x86_64"));
        assert!(parse_problem_kind("nope").unwrap_err().contains("dynamic"));
        assert_eq!(
            parse_problem_kind("parse-error"),
            Ok(ProblemKind::ParseError)
        );
    }

    #[test]
    fn the_python_of_a_tree() {
        assert_eq!(
            site_packages_of("v/lib/python3.11/site-packages/a.dist-info/METADATA"),
            Some(("v", Some("3.11".into())))
        );
        assert_eq!(
            site_packages_of("v/Lib/site-packages/a.dist-info/METADATA"),
            Some(("v", None))
        );
        assert_eq!(site_packages_of("site-packages/a/METADATA"), None);
        // pyvenv.cfg as uv 0.7 writes it, and as `python -m venv` does.
        assert_eq!(
            cfg_version(
                "home = /usr/bin\nimplementation = CPython\nuv = 0.7.8\nversion_info = 3.12.10\n"
            ),
            Some("3.12.10".into())
        );
        assert_eq!(
            cfg_version(
                "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.9.18\n"
            ),
            Some("3.9.18".into())
        );
    }
}

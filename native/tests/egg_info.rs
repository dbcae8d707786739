//! A Debian-style dist-packages (egg-info folders with `requires.txt`, distutils' egg-info
//! files) read by `pkglens scan` and `pkglens check`, against pip's own metadata reader and
//! `pip check` (`scripts/conformance/egg_info_pip.py`).
//!
//! Run `python scripts/conformance/egg_info_pip.py tests/data/debian-dist-packages/usr/lib/python3/dist-packages > egg_info.json`
//! and set `PKGLENS_EGG_INFO_JSON=egg_info.json`; without it the test prints a skip line.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

/// The fixture: the shapes of Ubuntu 22.04's `/usr/lib/python3/dist-packages` (PyGObject's
/// egg-info folder whose requires.txt needs pycairo, python3-pycairo not installed; requests
/// 2.25's requires.txt with `[extra]` and `[extra:marker]` sections; distutils' egg-info files
/// such as `python_apt-2.4.0+ubuntu1.egg-info`; modules beside them that are not metadata).
fn site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/debian-dist-packages/usr/lib/python3/dist-packages")
}

fn pkglens_json(args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_pkglens"))
        .args(args)
        .arg(site())
        .output()
        .expect("run pkglens");
    serde_json::from_slice(&output.stdout).expect("pkglens prints JSON")
}

fn normalize(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = if matches!(c, '-' | '_' | '.') { '-' } else { c };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

fn sorted_specifiers(spec: &str) -> Vec<String> {
    let mut specs: Vec<String> = spec
        .split(',')
        .map(|s| s.split_whitespace().collect())
        .filter(|s: &String| !s.is_empty())
        .collect();
    specs.sort();
    specs
}

/// `(name, version, [(requirement, specifiers, extra)], extras)` of every distribution.
type Dist = (
    String,
    String,
    Vec<(String, Vec<String>, Option<String>)>,
    Vec<String>,
);

fn ours(scan: &Value) -> BTreeSet<Dist> {
    let mut dists = BTreeSet::new();
    for record in scan["records"].as_array().unwrap() {
        assert_eq!(record["status"], "ok", "{record}");
        for package in record["packages"].as_array().unwrap() {
            let requires = package["requires"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    let kind = r["kind"].as_str().unwrap();
                    (
                        normalize(r["name"].as_str().unwrap()),
                        sorted_specifiers(r["spec"].as_str().unwrap()),
                        kind.strip_prefix("optional:").map(str::to_owned),
                    )
                })
                .collect();
            let extras = package["provides_extra"]
                .as_array()
                .map(|e| e.iter().map(|x| x.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default();
            dists.insert((
                normalize(package["name"].as_str().unwrap()),
                package["version"].as_str().unwrap().to_owned(),
                requires,
                extras,
            ));
        }
    }
    dists
}

fn pips(reference: &Value) -> BTreeSet<Dist> {
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    reference["distributions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let requires = d["requires_dist"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    let specifiers = r["specifiers"].as_array().unwrap().iter().map(text);
                    (
                        text(&r["name"]),
                        specifiers.collect(),
                        r["extra"].as_str().map(str::to_owned),
                    )
                })
                .collect();
            let extras = d["extras"].as_array().unwrap().iter().map(text).collect();
            (
                normalize(&text(&d["name"])),
                text(&d["version"]),
                requires,
                extras,
            )
        })
        .collect()
}

/// `(package, required name)` of `pip check`'s missing requirements, or of pkglens's.
fn missing_names(rows: impl Iterator<Item = (String, String)>) -> BTreeSet<(String, String)> {
    rows.map(|(package, requirement)| {
        let name: String = requirement
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        (normalize(&package), normalize(&name))
    })
    .collect()
}

#[test]
fn dist_packages_egg_info_as_pip_reads_it() {
    let Ok(json_path) = std::env::var("PKGLENS_EGG_INFO_JSON") else {
        println!("skipped: set PKGLENS_EGG_INFO_JSON to the output of conformance/egg_info_pip.py");
        return;
    };
    let reference: Value =
        serde_json::from_slice(&std::fs::read(json_path).expect("read the reference JSON"))
            .expect("reference JSON");
    let scan = pkglens_json(&["scan", "--format", "json"]);
    assert_eq!(ours(&scan), pips(&reference));

    let python = reference["python"].as_str().unwrap();
    let platform = match reference["sys_platform"].as_str().unwrap() {
        "win32" => "windows",
        "darwin" => "macos",
        _ => "linux",
    };
    let check = pkglens_json(&[
        "check",
        "--format",
        "json",
        "--target-python",
        python,
        "--platform",
        platform,
    ]);
    let problems = check["problems"].as_array().unwrap();
    let of_kind = |kind: &str| {
        missing_names(problems.iter().filter(|p| p["kind"] == kind).map(|p| {
            let package = p["package"].as_str().unwrap();
            let name = package.split(' ').next().unwrap().to_owned();
            (name, p["requirement"].as_str().unwrap().to_owned())
        }))
    };
    let pip_rows = |key: &str| {
        missing_names(reference[key].as_array().unwrap().iter().map(|row| {
            (
                row[0].as_str().unwrap().to_owned(),
                row[2].as_str().unwrap().to_owned(),
            )
        }))
    };
    // `pip check`: pygobject needs pycairo, which is missing.
    assert_eq!(of_kind("missing"), pip_rows("missing"));
    assert!(!of_kind("missing").is_empty());
    assert_eq!(of_kind("unsatisfied"), pip_rows("conflicting"));
}

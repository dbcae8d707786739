//! Issue 16: on a rez repository, `pkglens check` calls broken what rez's own tools call
//! broken. rez 3.4 resolves `family==version` (what `rez-env family==version` does) for a
//! seeded sample of the benchmark repository's packages (`scripts/conformance/rez_check.py`,
//! its answers in `PKGLENS_REZ_CHECK_JSON`); pkglens checks the whole repository once:
//! - a package `check` flags (a requirement missing or unsatisfied in every variant; a build
//!   requirement is not needed by `rez-env`) is one rez cannot resolve;
//! - each requirement rez names as not found (no family, or no version in its range) is a
//!   problem `check` reports on that requirement, for that package or one it pulls in.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn check_agrees_with_rez_env_on_the_benchmark_repository() {
    let Ok(json_path) = std::env::var("PKGLENS_REZ_CHECK_JSON") else {
        println!("skipped: set PKGLENS_REZ_CHECK_JSON to the output of conformance/rez_check.py");
        return;
    };
    let rez: Value = serde_json::from_slice(&std::fs::read(json_path).unwrap()).unwrap();
    let repo = rez["repo"].as_str().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pkglens"))
        .args([
            "check",
            "--format",
            "json",
            "--only",
            "missing",
            "--only",
            "unsatisfied",
            repo,
        ])
        .current_dir(root())
        .output()
        .unwrap();
    let check: Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = check["problems"].as_array().unwrap();
    let needed = |p: &&Value| !p["message"].as_str().unwrap().contains("build requirement");
    let flagged: BTreeSet<&str> = problems
        .iter()
        .filter(needed)
        .map(|p| p["package"].as_str().unwrap())
        .collect();
    let reported: BTreeSet<(&str, &str)> = problems
        .iter()
        .filter(needed)
        .map(|p| {
            (
                p["package"].as_str().unwrap(),
                p["requirement"].as_str().unwrap(),
            )
        })
        .collect();
    let (mut agreed, mut flagged_seen, mut explained) = (0, 0, 0);
    for case in rez["cases"].as_array().unwrap() {
        let package = case["package"].as_str().unwrap();
        let solved = case["status"] == "solved";
        if flagged.contains(package) {
            flagged_seen += 1;
            assert!(!solved, "check flags {package}, and rez resolves it");
        }
        agreed += usize::from(solved != flagged.contains(package));
        // rez's two "not found" answers name the requirement; check must report it.
        let error = case["error"].as_str().unwrap_or("");
        if let Some(rest) = error.strip_prefix("package family not found: ") {
            // "attribute, was required by: depressive (searched: ...)"
            let (family, by) = rest.split_once(", was required by: ").unwrap();
            let by = by.split(" (searched").next().unwrap();
            assert!(
                reported.iter().any(|(p, r)| p.split(' ').next() == Some(by)
                    && r.split(['-', '<', '>', '=', '+', '~', '!', '|']).next() == Some(family)),
                "rez: {error}; check reports no missing {family} for {by}"
            );
            explained += 1;
        } else if let Some(requirement) = error.strip_prefix("Package could not be found: ") {
            assert!(
                reported.iter().any(|(_, r)| *r == requirement.trim()),
                "rez: {error}; check reports no problem on {requirement}"
            );
            explained += 1;
        }
    }
    let cases = rez["cases"].as_array().unwrap().len();
    println!(
        "{cases} packages: check and rez agree on {agreed}; {flagged_seen} flagged by check (rez \
         fails each); {explained} rez failures named a requirement check reports"
    );
    // The sample must hold both kinds, or the test could not fail.
    assert!(
        flagged_seen >= 3 && cases - flagged_seen >= 10,
        "a one-sided sample"
    );
}

//! `pkglens resolve` with rez's `package_filter`, against rez 3.4.0's own resolves.
//!
//! `scripts/conformance/rez_filter.py BENCH` resolves requests over rez's benchmark repository
//! with `ResolvedContext(..., package_filter=PackageFilterList.from_pod(...))` under filters of
//! every rule type (glob, regex, range, before, after, bare forms), family-specific rules,
//! inclusions, several filters in one list, filters that leave nothing or make a request
//! conflict, filters with a resolve time (rez adds it to the costliest filter), and rule
//! strings rez refuses. This test resolves each with pkglens, the filter read from the same
//! value as a rezconfig holds it, and compares the status and the resolved
//! `family-version[variant]` list exactly (every other case with the CLI's reading ahead); it
//! also checks that each valid filter changed some of rez's answers, so that the comparison
//! means something.
//!
//! `PKGLENS_REZ_FILTER_JSON` names the file (the test command sets it); without it the test
//! says so and passes. The `--package-filter` tests at the end need no rez.

mod common;

use common::{answer, generated, resolve, run, strings};
use pkglens_core::{
    json_to_py, PackageFilterList, ResolveOptions, RezPackage, RezVersion, Timestamp,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// The generated file's variable.
const GENERATED: &str = "PKGLENS_REZ_FILTER_JSON";

/// pkglens's `(status, resolved)` for `request` under the filter `pod` at `time`; with
/// `prefetch`, families are read ahead in two readers as the CLI reads them (the versions a
/// rule will exclude included: the solver still never reads them itself).
fn pkglens(
    repo: &str,
    request: &[String],
    pod: &Value,
    time: Option<i64>,
    prefetch: bool,
) -> (String, Vec<String>) {
    let Ok(package_filter) = PackageFilterList::from_value(&json_to_py(pod)) else {
        return ("error".into(), Vec::new());
    };
    let options = ResolveOptions {
        package_filter,
        time,
        ..ResolveOptions::default()
    };
    let got = answer(&resolve(repo, request, &options, prefetch));
    (got.status, got.resolved)
}

#[test]
fn resolves_with_package_filters_as_rez_does() {
    let Some(doc) = generated(GENERATED) else {
        return;
    };
    let bench = doc["bench_repo"].as_str().expect("bench_repo");
    let cases = doc["cases"].as_array().expect("cases");
    let mut differences = Vec::new();
    // Per filter (and time): cases, answers the filter changed, rez's errors.
    let mut counts = BTreeMap::<String, (usize, usize, usize)>::new();
    for (i, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap_or_default();
        let time = case["time"].as_i64();
        let request = strings(&case["request"]);
        let status = case["status"].as_str().unwrap_or_default();
        let expected = (status.to_string(), strings(&case["resolved"]));
        // Every other case read ahead, as the CLI reads by default.
        let got = pkglens(bench, &request, &case["filter"], time, i % 2 == 1);
        let count = counts.entry(format!("{name} (time {time:?})")).or_default();
        count.0 += 1;
        count.1 += usize::from(expected.1 != strings(&case["default"]));
        count.2 += usize::from(status == "error");
        if got != expected {
            differences.push(format!(
                "[{name}, time {time:?}] {}\n  rez:     {expected:?} {}\n  pkglens: {got:?}",
                request.join(" "),
                case["error"].as_str().unwrap_or_default()
            ));
        }
    }
    eprintln!("cases (all, answer changed by the filter, rez errors): {counts:?}");
    assert!(
        differences.is_empty(),
        "{} of {} resolves differ from rez:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
    for (name, (all, changed, errors)) in &counts {
        // A filter rez refuses errs on every request; one of inclusions only changes nothing.
        let refused = errors == all;
        assert!(
            *changed > 0 || refused || name.starts_with("includes only"),
            "{name}: the filter changed none of {all} answers"
        );
    }
}

/// `rez env --exclude RULE --include RULE` onto a configured filter or none: the filter list
/// rez's env command builds (exclusions into the last filter, inclusions into every filter),
/// recorded as rez's context records it, and the resolve through it.
#[test]
fn exclude_and_include_rules_are_added_as_rez_env_adds_them() {
    let Some(doc) = generated(GENERATED) else {
        return;
    };
    let bench = doc["bench_repo"].as_str().expect("bench_repo");
    let cases = doc["cli"].as_array().expect("cli");
    let mut differences = Vec::new();
    // Per case: requests, answers the rules changed, rez's errors.
    let mut counts = BTreeMap::<String, (usize, usize, usize)>::new();
    for (i, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap_or_default();
        let request = strings(&case["request"]);
        let expected = (
            case["status"].as_str().unwrap_or_default().to_string(),
            strings(&case["resolved"]),
            case.get("package_filter").cloned(),
        );
        let mut list = match &case["filter"] {
            Value::Null => Ok(PackageFilterList::default()),
            pod => PackageFilterList::from_value(&json_to_py(pod)),
        };
        for rule in strings(&case["exclude"]) {
            list = list.and_then(|mut l| l.add_exclusion(&rule).map(|()| l));
        }
        for rule in strings(&case["include"]) {
            list = list.and_then(|mut l| l.add_inclusion(&rule).map(|()| l));
        }
        let got = match list {
            Err(_) => ("error".to_string(), Vec::new(), None),
            Ok(package_filter) => {
                let pod = package_filter.to_pod();
                let options = ResolveOptions {
                    package_filter,
                    time: case["time"].as_i64(),
                    ..ResolveOptions::default()
                };
                let got = answer(&resolve(bench, &request, &options, i % 2 == 1));
                // rez records the list whenever the context is made (not when it raises).
                let pod = (got.status != "error").then_some(pod);
                (got.status, got.resolved, pod)
            }
        };
        let count = counts.entry(name.to_string()).or_default();
        count.0 += 1;
        count.1 += usize::from(expected.1 != strings(&case["default"]));
        count.2 += usize::from(expected.0 == "error");
        if got != expected {
            differences.push(format!(
                "[{name}] {}\n  rez:     {expected:?}\n  pkglens: {got:?}",
                request.join(" ")
            ));
        }
    }
    eprintln!("rez env filter cases (all, answer changed, rez errors): {counts:?}");
    assert!(
        differences.is_empty(),
        "{} of {} cases differ from rez:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
    for (name, (all, changed, errors)) in &counts {
        // rez's `--include` alone adds to no filter; a rule rez refuses errs on every request.
        match name.as_str() {
            "include alone changes nothing" => assert_eq!(*changed, 0, "{name}"),
            _ => assert!(
                *changed > 0 || errors == all,
                "{name}: changed none of {all}"
            ),
        }
    }
}

/// Single rules (every form, and seeded random globs, regexes and ranges made from the
/// benchmark's names) read and applied as rez reads and applies them: the same rules refused,
/// the same packages excluded.
#[test]
fn rules_match_as_rez_matches_them() {
    let Some(doc) = generated(GENERATED) else {
        return;
    };
    let packages: Vec<RezPackage> = doc["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap_or_default();
            let version = p["version"].as_str().unwrap_or_default();
            RezPackage {
                name: name.to_string(),
                version: RezVersion::parse(version).expect("a benchmark version"),
                requires: Vec::new(),
                variants: Vec::new(),
                path: format!("{name}/{version}/package.py"),
                computed: Vec::new(),
                unusable: None,
                timestamp: p["timestamp"]
                    .as_i64()
                    .map_or(Timestamp::Untimestamped, Timestamp::At),
            }
        })
        .collect();
    let rules = doc["rules"].as_array().expect("rules");
    let mut differences = Vec::new();
    let (mut refused, mut matched) = (0, 0);
    // Accepted departures (docs/decisions.md): a regex whose syntax Rust's regex-lite reads
    // otherwise than Python's `re` (a set holding `[` or `--`...) is refused, not answered
    // differently.
    let mut dialect = Vec::new();
    for case in rules {
        let rule = case["rule"].as_str().unwrap_or_default();
        let read = PackageFilterList::from_value(&json_to_py(
            &serde_json::json!([{ "excludes": [rule] }]),
        ));
        let expected = case["excluded"].as_str();
        let got = read.map(|filter| {
            packages
                .iter()
                .map(|p| {
                    if filter.excludes(p).unwrap() {
                        '1'
                    } else {
                        '0'
                    }
                })
                .collect::<String>()
        });
        refused += usize::from(expected.is_none());
        matched += usize::from(expected.is_some_and(|e| e.contains('1')));
        match (expected, &got) {
            (None, Err(_)) => {}
            (Some(e), Ok(g)) if e == g => {}
            (Some(_), Err(e)) if e.contains("cannot read this regex as Python does") => {
                dialect.push(rule);
            }
            _ => differences.push(format!(
                "{rule:?}\n  rez:     {}\n  pkglens: {got:?}",
                expected.unwrap_or(case["error"].as_str().unwrap_or_default())
            )),
        }
    }
    eprintln!(
        "rules: {} over {} packages ({refused} refused by rez, {matched} matching some); \
         regexes refused for their dialect: {dialect:?}",
        rules.len(),
        packages.len()
    );
    assert!(
        differences.is_empty(),
        "{} of {} rules differ from rez:\n{}",
        differences.len(),
        rules.len(),
        differences.join("\n")
    );
    assert!(refused > 0 && matched > 0);
}

#[test]
fn a_filter_from_a_file_changes_the_answer_and_a_bad_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let resolve = |filter: &std::path::Path| {
        run(
            &[
                "--repo",
                "examples/rez",
                "--format",
                "json",
                "--package-filter",
                filter.to_str().unwrap(),
                "boost",
            ],
            &[],
        )
    };
    // examples/rez: boost's variants need python-3.9 and python-3.11; rez takes the highest
    // unless a filter leaves 3.11 out. rez's rezconfig.py documents a dict of rule strings.
    let rezconfig = dir.path().join("rezconfig.py");
    std::fs::write(
        &rezconfig,
        "package_filter = {\n    'excludes': 'range(python-3.11+)',\n}\n",
    )
    .unwrap();
    let (code, out, err) = resolve(&rezconfig);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\"3.9.18\"") && !out.contains("\"3.11"),
        "{out}"
    );
    // The same as a YAML list, with an inclusion that lets 3.11 back in.
    let list = dir.path().join("filter.yaml");
    std::fs::write(
        &list,
        "- excludes: ['glob(python-3.*)']\n  includes: ['regex(python-3\\.11\\..*)']\n",
    )
    .unwrap();
    let (code, out, err) = resolve(&list);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"3.11.6\""), "{out}");
    // Everything left out: rez raises on the request.
    std::fs::write(&list, "- excludes: ['glob(*)']\n").unwrap();
    let (code, out, _) = resolve(&list);
    assert_eq!(code, 1);
    assert!(out.contains("Package could not be found: boost"), "{out}");

    std::fs::write(&list, "- excludes: ['after(tomorrow)']\n").unwrap();
    let (code, _, err) = resolve(&list);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "{}: package_filter[0].excludes[0]: Error parsing package filter 'after(tomorrow)'",
            list.display()
        )),
        "{err}"
    );
    let (code, _, err) = resolve(std::path::Path::new("no/such/filter.yaml"));
    assert_ne!(code, 0);
    assert!(err.contains("cannot read no/such/filter.yaml"), "{err}");
}

/// `--exclude` and `--include` add to `--package-filter`'s list as `rez env` adds them; the JSON
/// answer records the list as rez's `ResolvedContext.to_dict` records `package_filter` (rez
/// 3.4.0's `to_pod` of the same list, below), and is a `ResolveDocument` of docs/schema.json.
#[test]
fn exclude_and_include_flags_filter_and_are_recorded_as_rez_records_them() {
    let dir = tempfile::tempdir().unwrap();
    let repo = ["--repo", "examples/rez", "--format", "json"];
    // examples/rez: boost's variants need python-3.9 or python-3.11 (rez takes the highest).
    let (code, out, err) = run(
        &[&repo[..], &["--exclude", "python-3.11+", "boost"]].concat(),
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\"3.9.18\"") && !out.contains("\"3.11"),
        "{out}"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["package_filter"],
        serde_json::json!([{"excludes": ["range(python-3.11+)"]}])
    );
    // Onto a file's filter: exclusions join its last filter, inclusions every filter. rez:
    // PackageFilterList.from_pod(FILE's list), add_exclusion(parse_rule(...)) for each
    // --exclude, then add_inclusion for each --include, .to_pod().
    let file = dir.path().join("filter.yaml");
    std::fs::write(
        &file,
        "- excludes: ['after(1600000000)']\n- excludes: ['glob(*.beta)']\n",
    )
    .unwrap();
    let flags = [
        "--package-filter",
        file.to_str().unwrap(),
        "--exclude",
        "glob(python-3.*)",
        "--exclude",
        "before(boost:1600000000)",
        "--include",
        "regex(python-3\\.11\\..*)",
        "boost",
    ];
    let (code, out, err) = run(&[&repo[..], &flags[..]].concat(), &[]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert!(out.contains("\"3.11.6\""), "{out}");
    // The cheaper filter first (rez sorts the file's list by cost); `glob(python-3.*)` is a
    // rule of the family python (rez's family of a glob: up to its last separator).
    let rez = serde_json::json!([
        {"excludes": ["glob(*.beta)"], "includes": ["regex(python-3\\.11\\..*)"]},
        {"excludes": ["after(1600000000)", "glob(python-3.*)", "before(boost:1600000000)"],
         "includes": ["regex(python-3\\.11\\..*)"]}
    ]);
    assert_eq!(doc["package_filter"], rez);
    common::assert_resolve_document(&out, dir.path());
    // `--include` alone adds to no filter, as in rez: nothing filtered, nothing recorded.
    let (code, out, _) = run(&[&repo[..], &["--include", "boost", "boost"]].concat(), &[]);
    assert_eq!(code, 0);
    assert!(!out.contains("package_filter"), "{out}");
    // A rule rez refuses: named, exit 2.
    let (code, _, err) = run(
        &[&repo[..], &["--exclude", "after(soon)", "boost"]].concat(),
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--exclude after(soon): Error parsing package filter 'after(soon)'"),
        "{err}"
    );
}

//! Compares `parse_pyproject` with the reading of `conformance/pyproject_packaging.py`
//! (tomllib + packaging 26) for every fixture under `core/test-data/pyproject`.
//!
//! Run: `PKGLENS_PYPROJECT_JSON=/tmp/pp.json cargo test --test conformance`, after
//! `/work/helpers/venv/bin/python conformance/pyproject_packaging.py > /tmp/pp.json`.

use pkglens_core::normalize_name;
use pkglens_core::parse_pyproject;
use pkglens_core::{Record, Requirement, RequirementKind, Status};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// A requirement in the shape the script writes: names normalised, specifiers and extras
/// sorted, marker as text.
fn canonical(r: &Requirement) -> Value {
    let specifiers = pkglens_tests::sorted_specifiers(&r.spec);
    let mut extras: Vec<String> = r.extras.iter().map(|e| normalize_name(e)).collect();
    extras.sort();
    json!({
        "name": normalize_name(&r.name),
        "specifiers": specifiers,
        "extras": extras,
        "marker": r.marker.as_deref().map(marker_text),
        "url": r.url,
    })
}

/// Marker text with packaging's quoting (pep508_rs writes `'`, packaging `"`). pep508_rs also
/// rewrites `python_version < '3.11'` as the equivalent `python_full_version < '3.11'`;
/// packaging keeps the name as written, so both names compare equal here.
fn marker_text(marker: &str) -> String {
    marker
        .replace('\'', "\"")
        .replace("python_full_version", "python_version")
}

fn canonical_expected(r: &Value) -> Value {
    let mut r = r.clone();
    if let Some(m) = r.get("marker").and_then(Value::as_str) {
        r["marker"] = Value::String(marker_text(m));
    }
    r
}

fn list(reqs: &[&Requirement]) -> Value {
    Value::Array(reqs.iter().map(|r| canonical(r)).collect())
}

fn expected_list(v: &Value) -> Value {
    Value::Array(
        v.as_array()
            .map(|a| a.iter().map(canonical_expected).collect())
            .unwrap_or_default(),
    )
}

fn compare(name: &str, record: &Record, expected: &Value, diffs: &mut Vec<String>) {
    let mut check = |what: &str, got: Value, want: Value| {
        if got != want {
            diffs.push(format!("{name}: {what}: pkglens {got} != packaging {want}"));
        }
    };
    let has_errors = expected["errors"].as_array().is_some_and(|e| !e.is_empty());
    check(
        "status error",
        json!(record.status == Status::Error),
        json!(has_errors),
    );
    match (&expected["package"], record.packages.first()) {
        (Value::Null, None) => {}
        // A Poetry project's package: poetry-core's reading, compared by poetry_core.py.
        (Value::Null, Some(_)) if expected["poetry"] == json!(true) => {}
        (Value::Null, Some(p)) => check("package", json!(p.name), Value::Null),
        (want, None) => check("package", Value::Null, want.clone()),
        (want, Some(p)) => {
            check("name", json!(normalize_name(&p.name)), want["name"].clone());
            check("version", json!(p.version), want["version"].clone());
            check(
                "requires_python",
                json!(p.requires_python),
                want["requires_python"].clone(),
            );
            check("summary", json!(p.summary), want["summary"].clone());
            check("dynamic", json!(p.dynamic), want["dynamic"].clone());
            let run: Vec<&Requirement> = p
                .requires
                .iter()
                .filter(|r| r.kind == RequirementKind::Run)
                .collect();
            check(
                "dependencies",
                list(&run),
                expected_list(&want["dependencies"]),
            );
            let mut extras = serde_json::Map::new();
            for extra in &p.provides_extra {
                let reqs: Vec<&Requirement> = p
                    .requires
                    .iter()
                    .filter(|r| r.kind == RequirementKind::Optional(extra.clone()))
                    .collect();
                extras.insert(normalize_name(extra), list(&reqs));
            }
            let want_extras: serde_json::Map<String, Value> = want["extras"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), expected_list(v)))
                        .collect()
                })
                .unwrap_or_default();
            check("extras", Value::Object(extras), Value::Object(want_extras));
        }
    }
    let build: Vec<&Requirement> = record
        .requirements
        .iter()
        .filter(|r| r.kind == RequirementKind::Build)
        .collect();
    check("build", list(&build), expected_list(&expected["build"]));

    let mut groups: BTreeMap<String, Vec<&Requirement>> = BTreeMap::new();
    for r in &record.requirements {
        if let RequirementKind::Group(g) = &r.kind {
            groups.entry(normalize_name(g)).or_default().push(r);
        }
    }
    if let Some(want) = expected["groups"].as_object() {
        for (group, reqs) in want {
            if reqs.is_null() {
                // packaging rejects the whole group; pkglens keeps its good entries and marks
                // the record as an error (checked above).
                continue;
            }
            let got = groups.remove(group).unwrap_or_default();
            check(&format!("group {group}"), list(&got), expected_list(reqs));
        }
    }
}

#[test]
fn conformance_with_packaging() {
    let Ok(json_path) = std::env::var("PKGLENS_PYPROJECT_JSON") else {
        println!("skipped: set PKGLENS_PYPROJECT_JSON to the output of conformance/pyproject_packaging.py");
        return;
    };
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(json_path).unwrap()).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/test-data/pyproject");
    let mut diffs = Vec::new();
    let mut compared = 0;
    for (name, want) in expected.as_object().unwrap() {
        let bytes = std::fs::read(data.join(name)).unwrap();
        match (parse_pyproject(name, &bytes), want["fatal"].as_str()) {
            (Ok(record), None) => compare(name, &record, want, &mut diffs),
            (Err(_), Some(_)) => {}
            (Ok(_), Some(fatal)) => diffs.push(format!(
                "{name}: packaging fails ({fatal}), pkglens reads it"
            )),
            (Err(err), None) => {
                diffs.push(format!("{name}: pkglens fails ({err}), packaging reads it"))
            }
        }
        compared += 1;
    }
    println!("compared {compared} fixtures, {} differences", diffs.len());
    for d in &diffs {
        println!("  {d}");
    }
    assert!(diffs.is_empty(), "{} differences", diffs.len());
}

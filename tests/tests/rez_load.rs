//! pkglens against rez's own loader, on every `package.py` and `package.yaml` of rez's
//! benchmark repository and test packages, and of core's rez fixtures.
//!
//! `scripts/conformance/rez_load.py TREE > out.ndjson` loads each file with rez (which executes
//! it) and writes the seven solver fields and every other attribute as rez's package schema
//! validates it (an installed `<family>/<version>/package.py` with its folders' name and
//! version, read from rez's filesystem repository); this test parses the same files with
//! `pkglens_core::parse` and compares the records. A file rez cannot load (Python 3 cannot
//! compile it) must be an error for pkglens too. Zero wrong values are allowed in `ok`
//! records and in the static fields of `dynamic` ones. With `PKGLENS_EXPECT_ALL_STATIC=1` (the
//! benchmark repository, whose solver fields are all literals) every file must also be `ok`.
//!
//! `PKGLENS_REZ_LOAD_NDJSON` names the NDJSON file(s), separated by `:`; the test command sets
//! it. Without it the test says so and passes (plain `cargo test` has no rez to compare with).

use pkglens_core::{parse, Input, Package, Requirement, Status};
use serde_json::{json, Value};

const FIELDS: [&str; 7] = [
    "name",
    "version",
    "requires",
    "build_requires",
    "private_build_requires",
    "variants",
    "tools",
];

fn raws(list: &[Requirement]) -> Value {
    Value::Array(list.iter().map(|r| json!(r.raw)).collect())
}

/// Our value of `field`, as the plain JSON rez's loader gives (absent lists are empty).
fn ours(package: &Package, field: &str) -> Value {
    match field {
        "name" => json!(package.name),
        "version" => json!(package.version),
        "requires" => raws(&package.requires),
        "build_requires" => raws(&package.build_requires),
        "private_build_requires" => raws(&package.private_build_requires),
        "variants" => Value::Array(package.variants.iter().map(|v| raws(v)).collect()),
        "tools" => json!(package.tools),
        _ => Value::Null,
    }
}

/// Keys of `extra` that are pkglens's own, not attributes of the package.
const OWN_KEYS: [&str; 2] = ["functions", "with_blocks"];

/// Every other attribute of rez's package schema: ours (from `extra`, and `description`)
/// against rez's validated values; an attribute rez's schema rejects must make the record an
/// error, and one rez computes must not be reported as a static value.
fn compare_attributes(
    file: &str,
    rec: &Value,
    package: &Package,
    status: Status,
    mismatches: &mut Vec<String>,
) {
    let names = |key: &str| -> Vec<String> {
        rec[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (invalid, computed) = (names("invalid"), names("computed_attributes"));
    let empty = serde_json::Map::new();
    let theirs = rec["attributes"].as_object().unwrap_or(&empty);
    let mut ours: serde_json::Map<String, Value> = package
        .extra
        .iter()
        .filter(|(k, _)| !OWN_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(text) = &package.description {
        ours.insert("description".into(), json!(text));
    }
    for (key, value) in theirs {
        if package.dynamic.iter().any(|d| d == key) {
            continue;
        }
        match ours.get(key) {
            Some(v) if v == value => {}
            other => mismatches.push(format!("{file}: `{key}`: pkglens {other:?} vs rez {value}")),
        }
    }
    for (key, value) in &ours {
        if !theirs.contains_key(key) && !invalid.contains(key) {
            let why = if computed.contains(key) {
                " (computed by rez)"
            } else {
                ""
            };
            mismatches.push(format!(
                "{file}: `{key}`: pkglens {value}, absent in rez{why}"
            ));
        }
    }
    if !invalid.is_empty() && status != Status::Error {
        mismatches.push(format!(
            "{file}: rez's schema rejects {invalid:?}, pkglens reports {status:?}"
        ));
    }
}

/// rez's value, with absent lists read as empty, as pkglens reports them.
fn theirs(fields: &Value, field: &str) -> Value {
    match (fields.get(field), field) {
        (Some(Value::Null) | None, "name" | "version") => json!(""),
        (Some(Value::Null) | None, _) => json!([]),
        (Some(v), _) => v.clone(),
    }
}

#[test]
fn pkglens_reads_what_rez_loads() {
    let Ok(paths) = std::env::var("PKGLENS_REZ_LOAD_NDJSON") else {
        println!("PKGLENS_REZ_LOAD_NDJSON not set: no rez to compare with (scripts/test sets it)");
        return;
    };
    let expect_static = std::env::var("PKGLENS_EXPECT_ALL_STATIC").is_ok_and(|v| v == "1");
    let (mut files, mut ok, mut dynamic, mut errors, mut rejected) = (0, 0, 0, 0, 0);
    let mut mismatches: Vec<String> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for ndjson in paths.split(':').filter(|p| !p.is_empty()) {
        let text = std::fs::read_to_string(ndjson).unwrap_or_else(|e| panic!("{ndjson}: {e}"));
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let rec: Value = serde_json::from_str(line).expect("an NDJSON line");
            let file = rec["path"].as_str().unwrap_or_default().to_owned();
            files += 1;
            let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
            let rez_ok = rec["ok"].as_bool().unwrap_or(false);
            let record = match parse(&Input::new(&file, &bytes)) {
                Ok(record) => record,
                Err(err) => {
                    errors += 1;
                    if rez_ok {
                        failures.push(format!("rez loads it, pkglens fails: {err}"));
                    }
                    continue;
                }
            };
            if !rez_ok {
                rejected += 1;
                if rec.get("compile_error").is_some() && record.status != Status::Error {
                    failures.push(format!(
                        "{file}: Python cannot compile it ({}), pkglens reports {:?}",
                        rec["compile_error"], record.status
                    ));
                }
                continue;
            }
            let schema_rejects = rec["invalid"].as_array().is_some_and(|a| !a.is_empty());
            match record.status {
                Status::Ok => ok += 1,
                Status::Dynamic => dynamic += 1,
                Status::Error if schema_rejects => errors += 1,
                Status::Error => {
                    errors += 1;
                    failures.push(format!(
                        "{file}: rez loads it, pkglens reports {:?}",
                        record.error
                    ));
                }
            }
            let package = &record.packages[0];
            let computed: Vec<&str> = rec["computed"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for field in FIELDS {
                if package.dynamic.iter().any(|d| d == field) {
                    if expect_static {
                        failures.push(format!("{file}: `{field}` is dynamic: {:?}", record.reason));
                    }
                    continue;
                }
                let (a, b) = (ours(package, field), theirs(&rec["fields"], field));
                // A field rez's schema rejects that is not even a sequence (`tools: nuke`):
                // pkglens reads nothing of it, and the record is an error (checked below).
                let rejected = rec["invalid"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|f| f == field));
                if rejected && !b.is_array() {
                    continue;
                }
                if computed.contains(&field) || a != b {
                    mismatches.push(format!(
                        "{file}: `{field}`: pkglens {a} vs rez {b}{}",
                        if computed.contains(&field) {
                            " (computed by rez, static for pkglens)"
                        } else {
                            ""
                        }
                    ));
                }
            }
            if rec.get("attributes").is_some() {
                compare_attributes(&file, &rec, package, record.status, &mut mismatches);
            }
            if expect_static && record.status != Status::Ok {
                failures.push(format!(
                    "{file}: expected ok, found {:?}: {:?}",
                    record.status, record.reason
                ));
            }
        }
    }
    println!(
        "rez conformance: {files} files: {ok} ok, {dynamic} dynamic, {errors} errors, {rejected} rejected by rez, {} mismatches",
        mismatches.len()
    );
    for m in mismatches.iter().take(20) {
        println!("MISMATCH {m}");
    }
    for f in failures.iter().take(20) {
        println!("FAIL {f}");
    }
    assert!(files > 0, "no files compared");
    assert!(mismatches.is_empty(), "{} mismatches", mismatches.len());
    assert!(failures.is_empty(), "{} failures", failures.len());
}

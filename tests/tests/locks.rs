//! Compares the parsers with `conformance/locks.py` (tomllib, following the specs).
//!
//! Run `python3 conformance/locks.py tests/data > locks.json` and set
//! `PKGLENS_LOCKS_JSON=locks.json`; without it the test prints a skip line.

use pkglens_core::parse_pylock;
use pkglens_core::parse_uv_lock;
use serde_json::{json, Value};

#[test]
fn matches_tomllib_reading() {
    let Ok(json_path) = std::env::var("PKGLENS_LOCKS_JSON") else {
        println!("skipped: set PKGLENS_LOCKS_JSON to the output of conformance/locks.py");
        return;
    };
    let reference: Value =
        serde_json::from_slice(&std::fs::read(&json_path).expect("read the reference JSON"))
            .expect("reference JSON");
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/test-data/locks");
    let mut differences = Vec::new();
    let mut packages = 0usize;
    let mut requirements = 0usize;
    let files = reference["files"].as_array().expect("files");
    for file in files {
        let rel = file["path"].as_str().expect("path");
        let bytes = std::fs::read(format!("{data}/{rel}")).expect("read fixture");
        let record = match file["format"].as_str() {
            Some("uv-lock") => parse_uv_lock(rel, &bytes),
            _ => parse_pylock(rel, &bytes),
        };
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                differences.push(format!("{rel}: pkglens fails: {err}"));
                continue;
            }
        };
        if let Some(error) = &record.error {
            differences.push(format!("{rel}: pkglens reports a fault: {}", error.message));
        }
        let expected = file["packages"].as_array().expect("packages");
        if expected.len() != record.packages.len() {
            differences.push(format!(
                "{rel}: {} packages, tomllib {}",
                record.packages.len(),
                expected.len()
            ));
        }
        for (want, got) in expected.iter().zip(&record.packages) {
            packages += 1;
            let got_requires: Vec<Value> = got
                .requires
                .iter()
                .map(|r| {
                    json!({
                        "name": r.name,
                        "kind": r.kind.to_string(),
                        "spec": r.spec,
                        "marker": r.marker,
                        "extras": r.extras,
                    })
                })
                .collect();
            requirements += got_requires.len();
            let got = json!({
                "name": got.name,
                "version": got.version,
                "line": got.line,
                "marker": got.extra.get("marker"),
                "root": got.extra.get("root") == Some(&Value::Bool(true)),
                "requires": got_requires,
            });
            if &got != want {
                differences.push(format!("{rel}: pkglens {got}\n    tomllib {want}"));
            }
        }
    }
    println!(
        "conformance: {} files, {packages} packages, {requirements} requirements, {} differences",
        files.len(),
        differences.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
